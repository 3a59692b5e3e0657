export { rungeKuttaVersion } from './version.js';
