export { main } from './cli.js';
export type { Io } from './cli.js';
export { findDemoProviders, loadDemos } from './discover.js';
export type { DemoProvider, FoundDemo } from './discover.js';
export { createProgress } from './progress.js';
export type { ProgressStream } from './progress.js';
export { renderSvg } from './render.js';
export { formatNumber, reportHtml } from './report.js';
export type { DemoOutcome } from './report.js';
