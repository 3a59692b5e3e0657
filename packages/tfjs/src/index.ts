import './errors.js';
export { useBestBackend, currentBackend, KNOWN_BACKENDS, WASM_FILES } from './backend.js';
export type { BackendInfo, BackendName, BackendOptions, WasmFileName, WasmPaths } from './backend.js';
export { tensorSpace, integrateTensors } from './tensor-space.js';
export { activation, ACTIVATIONS } from './activations.js';
export type { ActivationName } from './activations.js';
export { countWeights, ensembleWeights, readWeights, weightsView, writeWeights } from './parameters.js';
export type { Weight } from './parameters.js';
export { PhaseflowLayer, CLASS_PREFIX, asLayer, asTensor, checkTensor, registerPhaseflowLayer } from './layer.js';
export type { CallKwargs, LayerArgs } from './layer.js';
export { PhaseflowDense } from './dense.js';
export type { PhaseflowDenseArgs } from './dense.js';
export { SMOOTH_ACTIVATIONS, createMlp, mlpForward, mlpInputGradient, mlpWeightShapes } from './mlp.js';
export type { MlpOptions, SmoothActivation } from './mlp.js';
export { toTensors } from './data.js';
export { releaseTapeOnError } from './tape.js';
export { FLOAT32_MAX, checkFloat32, checkFloat32Array } from './float32.js';
export type { DataTensors, TargetKind, TensorData, TensorInputs, TensorLabelledData, TensorTargets, TensorXYData } from './data.js';
export { cosineDecay, exponentialDecay, stepDecay } from './schedules.js';
export type { LearningRateSchedule } from './schedules.js';
export { createGradientTrainer, evaluate } from './trainer.js';
export type {
  EvaluateOptions,
  GradientFitOptions,
  GradientHistory,
  GradientTrainerOptions,
  LossFunction,
  LossName,
  OptimizerName,
  TrainableModel,
} from './trainer.js';
export { saveToMemory, loadFromMemory, saveModel, loadModel } from './io.js';
export type { SavedModel } from './io.js';
export { fileSystem, registerFileSystem, FILE_SCHEME, MODEL_JSON, WEIGHTS_BIN } from './file-system.js';
export type { FileSystemHandler } from './file-system.js';
