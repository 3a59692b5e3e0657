export { createMlp64 } from './mlp.js';
export type { InputBatch, Mlp64, Mlp64Options } from './mlp.js';
export { glorot } from './init.js';
export type { GlorotDistribution, GlorotOptions } from './init.js';
export { HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, activations } from './activations.js';
// Deprecated name of HIDDEN_ACTIVATIONS, removed in the next minor.
export { ACTIVATIONS } from './activations.js';
export type { Activation, ActivationFunction, OutputActivation } from './activations.js';
