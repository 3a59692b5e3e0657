export { symplecticVersion } from './version.js';
