export { enkfVersion } from './version.js';
