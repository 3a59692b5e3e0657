/**
 * @phaseflow/linalg — Float64 linear algebra every phaseflow package shares: dense kernels on
 * row-major Float64Array (LU, Cholesky, expm, logm, logdet, …).
 */
import './errors.js';

export { expm, createExpm } from './expm.js';
export type { ExpmDiagnostics, ExpmEvaluator } from './expm.js';
export { logm, createLogm } from './logm.js';
export type { LogmEvaluator } from './logm.js';
export { logdet } from './logdet.js';
export type { LogDet, LogDetOptions } from './logdet.js';
export { luFactor, luSolve } from './lu.js';
export type { LuFactorization } from './lu.js';
export { choleskyFactor, choleskyFactorBlocked, choleskySolve } from './cholesky.js';
export type { CholeskyBlockedOptions } from './cholesky.js';
export { matrix, isMatrix, toRows } from './matrix.js';
export type { Matrix } from './matrix.js';
export { csrFromTriplets, csrFromDense, csrToDense, csrMatVec, csrScale, checkCsr, matVecUnchecked } from './csr.js';
export type { CsrMatrix } from './csr.js';
export { spectralRadius, rescaleSpectralRadius } from './spectral.js';
export type { SpectralRadiusOptions } from './spectral.js';
export { createGramKernel } from './gram.js';
export type { GramKernel, GramKernelOptions } from './gram.js';
export { qr, createQr } from './qr.js';
export type { QrEvaluator, QrFactorization } from './qr.js';
export { symmetricEigen } from './symmetric-eigen.js';
export { generalEigen } from './general-eigen.js';
export type { GeneralEigen, GeneralEigenOptions } from './general-eigen.js';
export type { SymmetricEigen, SymmetricEigenOptions } from './symmetric-eigen.js';
export { svd } from './svd.js';
export type { SvdOptions, SvdResult } from './svd.js';
export { createSpmvKernel } from './spmv-wasm.js';
export type { SpmvKernel, SpmvKernelOptions } from './spmv-wasm.js';
export { createGramPipeline } from './gram-pipeline.js';
export type { GramPipeline, GramPipelineOptions } from './gram-pipeline.js';
