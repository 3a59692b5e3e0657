export { createEnergyObserver } from './energy.js';
export type { EnergyObserver, EnergyReport } from './energy.js';
export { createRecorder } from './recorder.js';
export type { Recorder } from './recorder.js';
export { createCallbackObserver, createEarlyStopping, createStopWhen } from './simple.js';
export type { CallbackObserverOptions, EarlyStopping, StopWhenOptions } from './simple.js';
