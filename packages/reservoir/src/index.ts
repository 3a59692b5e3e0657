/**
 * @phaseflow/reservoir — reservoir computing: echo state networks (shallow and deep), ridge,
 * RLS (FORCE) and LMS readouts as core Trainers, next-generation RC (NVAR), metrics,
 * hyper-parameter search and exact JSON save/load.
 */
// The Matrix of @phaseflow/linalg, re-exported because the reservoir entry points take it
// (and examples/reservoir builds its series with it); CSR and the spectral radius live there.
export { matrix } from '@phaseflow/linalg';
export type { Matrix } from '@phaseflow/linalg';
export { toMatrix, toMatrixList } from './series.js';
export type { SeriesLike } from './series.js';
export { randomSparse, randomVector, toRandom } from './init.js';
export type { RandomSparseOptions, WeightDistribution } from './init.js';
export { createReservoir } from './reservoir.js';
export type { Reservoir, ReservoirOptions, ReservoirRunOptions } from './reservoir.js';
export { createReadout, createRidgeAccumulator } from './readout.js';
export type { Readout, ReadoutOptions, RidgeAccumulator, RidgeAccumulatorOptions } from './readout.js';
export { createRidge, createRls, createLms } from './trainers.js';
export type { FeatureVisitor, LmsOptions, ReadoutData, ReadoutHistory, ReadoutModel, ReadoutTrainer, RidgeOptions, RlsOptions } from './trainers.js';
export { createEsn } from './esn.js';
export type { Esn, EsnFitOptions, EsnOptions } from './esn.js';
export { createNvar } from './nvar.js';
export type { NvarModel, NvarOptions } from './nvar.js';
export { rmse, nrmse, rsquare, validPredictionTime } from './metrics.js';
export type { VptOptions } from './metrics.js';
export { ridgeSweep } from './sweep.js';
export type { RidgeSweepOptions, RidgeSweepRow } from './sweep.js';
export { randomSearch } from './search.js';
export type { RandomSearchOptions, SearchDimension, TrialModule, TrialParams, TrialResult } from './search.js';
export { createTrialPool } from './pool.js';
export type { TrialFunction, TrialJob, TrialOutcome, TrialPool, TrialPoolOptions } from './pool.js';
export { saveModel, loadModel } from './serialize.js';
export type { SavedModel } from './serialize.js';
