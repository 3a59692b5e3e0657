export { nn64Version } from './version.js';
