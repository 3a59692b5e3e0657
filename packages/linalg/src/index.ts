export { linalgVersion } from './version.js';
