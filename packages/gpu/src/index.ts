import './errors.js';
export { KNOWN_GPU_BACKENDS, chooseGpuBackend, kernelBackend, useBestGpuBackend } from './backend.js';
export type { GpuBackend, GpuBackendName, GpuBackendOptions } from './backend.js';
export { createBatchedSpace, nonFiniteMembers } from './batched-state.js';
export type { BatchedSpace, BatchedState } from './batched-state.js';
export { MAX_COMPONENTS, createBatchedIntegrator } from './batched-integrator.js';
export type {
  BatchedIntegrator,
  BatchedIntegratorOptions,
  BatchedOdeField,
  BatchedProblem,
  BatchedSeparableField,
  FieldVector,
  Float64Reference,
} from './batched-integrator.js';
export { batchedMethodNames } from './methods.js';
export type { SubFlow } from './methods.js';
export { FLOAT32_EPSILON } from './precision.js';
export { createEnsembleMlp } from './ensemble-mlp.js';
export type { EnsembleActivation, EnsembleMlp, EnsembleMlpOptions, EnsembleOutput } from './ensemble-mlp.js';
export { createBatchedReservoir } from './batched-reservoir.js';
export type { BatchedReservoir, BatchedReservoirOptions, BatchedReservoirRunOptions, ReservoirWeights } from './batched-reservoir.js';
export { createBatchedGram } from './batched-gram.js';
export type { BatchedGram, BatchedGramOptions } from './batched-gram.js';
