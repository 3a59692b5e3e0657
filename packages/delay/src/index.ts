export { delayVersion } from './version.js';
