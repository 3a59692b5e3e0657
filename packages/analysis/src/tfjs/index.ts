/**
 * @phaseflow/analysis/tfjs — the TensorFlow.js half of @phaseflow/analysis (float32, with the
 * Float64 tools of the main entry as reference): Hessian–vector products of a loss of weight
 * tensors by double backprop, the top Hessian eigenvalues (the sharpness) by the package's
 * Lanczos, the sharpness Observer of a tfjs training run, an MLP loss with activations that
 * tfjs differentiates twice correctly, and trained recurrent cells read into Float64. Needs the optional peers `@tensorflow/tfjs` and
 * `@phaseflow/tfjs`; the main entry never loads them.
 */
export { createTensorHessian, createTensorSharpnessObserver, tensorHessianEigenvalues } from './hessian.js';
export type { TensorHessian, TensorHessianEigenvalues, TensorLoss, TensorSharpnessObserver, TensorSharpnessObserverOptions } from './hessian.js';
export { tensorMseLoss, twiceDifferentiable } from './losses.js';
export type { TensorMseLossOptions, TwiceDifferentiableActivation } from './losses.js';
export { recurrentCellOf } from './recurrent-cell.js';
export type { TensorRecurrentLayer, TensorRecurrentWeights } from './recurrent-cell.js';
