export { reservoirVersion } from './version.js';
