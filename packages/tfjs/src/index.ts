export { tfjsVersion } from './version.js';
