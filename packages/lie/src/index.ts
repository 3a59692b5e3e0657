export { lieVersion } from './version.js';
