export { adjointVersion } from './version.js';
