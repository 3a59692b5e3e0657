export { problemsVersion } from './version.js';
