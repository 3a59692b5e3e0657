export { equivariantVersion } from './version.js';
