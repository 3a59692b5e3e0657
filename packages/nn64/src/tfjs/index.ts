/**
 * @phaseflow/nn64/tfjs — tfjs models on the float32 engine: a model's float32 twin and the
 * gradient Trainer that picks the engine each model asks for. Needs the optional peers
 * `@phaseflow/tfjs` and `@tensorflow/tfjs`; the main entry never loads them.
 */
export { createEngineTrainer, engineOf, toTrainable32 } from './engine-trainer.js';
export type { EngineHistory, EngineTrainerOptions, Nn64Layer } from './engine-trainer.js';
