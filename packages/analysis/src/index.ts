export { analysisVersion } from './version.js';
