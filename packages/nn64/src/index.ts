export { createMlp64 } from './mlp.js';
export type { InputBatch, Mlp64, Mlp64Options } from './mlp.js';
export { createDense32, createMlp32 } from './mlp32.js';
export type { Dense32Options, InputBatch32, Mlp32, Mlp32Options } from './mlp32.js';
export { chainTrainable32 } from './chain32.js';
export { AUTO_ENGINE_MAX_PARAMETERS, ENGINE_CHOICES, chooseEngine } from './engine.js';
export type { EngineChoice, EngineDecision } from './engine.js';
export { createGradientField32 } from './gradient-field32.js';
export type { GradientField32, GradientField32Options, SmoothActivation32 } from './gradient-field32.js';
export { createWorkspace32 } from './workspace.js';
export type { GemmOptions, KernelActivation, KernelKind, Matrix32, Workspace32, Workspace32Options } from './workspace.js';
export type { Trainable32, Twin32Options } from './trainable.js';
export { createAdam } from './adam.js';
export type { Adam, AdamOptions } from './adam.js';
export { createGradientTrainer32 } from './trainer32.js';
export type {
  Data32,
  GradientFit32Options,
  GradientHistory32,
  GradientTrainer32Options,
  LearningRateSchedule32,
  LossName32,
  OptimizerName32,
} from './trainer32.js';
export { glorot } from './init.js';
export type { GlorotDistribution, GlorotOptions } from './init.js';
export { HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, activations } from './activations.js';
// Deprecated name of HIDDEN_ACTIVATIONS, removed in the next minor.
export { ACTIVATIONS } from './activations.js';
export type { Activation, ActivationFunction, OutputActivation } from './activations.js';
