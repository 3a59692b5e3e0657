export { observersVersion } from './version.js';
