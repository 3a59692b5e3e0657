export { datasetsVersion } from './version.js';
