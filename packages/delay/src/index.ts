export { solveDelay } from './solve-delay.js';
export type { DelayOptions, DelayRightHandSide, DelaySolution } from './solve-delay.js';
