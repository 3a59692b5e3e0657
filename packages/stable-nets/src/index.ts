export { stableNetsVersion } from './version.js';
