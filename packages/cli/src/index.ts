export { cliVersion } from './version.js';
