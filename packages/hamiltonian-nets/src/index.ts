export { hamiltonianNetsVersion } from './version.js';
