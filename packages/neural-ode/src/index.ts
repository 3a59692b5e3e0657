export { neuralOdeVersion } from './version.js';
