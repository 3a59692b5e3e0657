export { gpuVersion } from './version.js';
