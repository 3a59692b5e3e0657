/**
 * @phaseflow/analysis — dynamical-systems analysis of networks and training: Lyapunov spectra
 * of flows, maps and recurrent networks (Benettin / QR on the tangent bundle of any core
 * Integrator; trained recurrent cells among them), Kuramoto oscillators and their order
 * parameter, the sharpness of a loss (top Hessian eigenvalues by Lanczos) as an Observer of
 * training, networks as maps, the Lyapunov exponent of SGD and the mean-field limit.
 */
import './errors.js';

export { mapIterator, mapProblem } from './map.js';
export type { JacobianMatrix, JacobianVectorProduct, MapIterator, MapProblem } from './map.js';
export { tangentProblem } from './tangent.js';
export type { JacobianFields, JacobianSource, TangentBaseProblem, TangentOptions, TangentProblem } from './tangent.js';
export { lyapunovSpectrum } from './lyapunov.js';
export type { LocalExponents, LyapunovOptions, LyapunovRenormaliseEvent, LyapunovSpectrum, ZeroExponentCheck } from './lyapunov.js';
export { kaplanYorkeDimension } from './kaplan-yorke.js';
export { echoStateMap, rateRnn } from './rnn.js';
export type { DrivingInput, EchoStateMapOptions, EchoStateReservoir, RateRnn, RateRnnOptions } from './rnn.js';
export { recurrentCellMap } from './recurrent-cell.js';
export type { RecurrentCell, RecurrentCellActivation, RecurrentCellMap, RecurrentCellMapOptions } from './recurrent-cell.js';
export {
  erdosRenyiGraph,
  gaussianFrequencies,
  kuramoto,
  kuramotoCriticalCoupling,
  kuramotoOrderParameter,
  kuramotoSweep,
  lorentzianFrequencies,
  orderParameter,
  randomPhases,
} from './kuramoto.js';
export type {
  FrequencyDistribution,
  FrequencySampling,
  KuramotoOptions,
  KuramotoProblem,
  KuramotoSweepOptions,
  KuramotoSweepPoint,
  OrderParameter,
} from './kuramoto.js';
export { lanczos } from './lanczos.js';
export type { LanczosOptions, LanczosResult, SymmetricOperator } from './lanczos.js';
export { denseHessian, hessianEigenvalues, hessianVectorProduct, mseLoss } from './hessian.js';
export type { DifferentiableNetwork, GradientFunction, HessianEigenvalues, HessianOptions, Loss } from './hessian.js';
export { createSharpnessObserver } from './sharpness.js';
export type { SharpnessObserver, SharpnessObserverOptions, SharpnessRecord } from './sharpness.js';
export { networkMap, residualLayer, resNetLayer } from './network.js';
export type {
  BatchLayer,
  DifferentiableLayer,
  LayerBatch,
  LayerDerivativeSource,
  LayerFunction,
  NetworkLayer,
  NetworkMap,
  NetworkMapOptions,
  ResidualLayerOptions,
  ResNetLayerOptions,
} from './network.js';
export { createJacobianGrowthObserver, createLayerEnergyObserver, forwardStability } from './forward-stability.js';
export type {
  ForwardStability,
  ForwardStabilityOptions,
  JacobianGrowthObserver,
  JacobianGrowthOptions,
  JacobianGrowthRecord,
  LayerEnergyObserver,
  LayerEnergyRecord,
} from './forward-stability.js';
export { linearRegressionSgd, linearSgdExponent1d, sgdLyapunovExponent, sgdMap } from './sgd.js';
export type {
  BatchGradient,
  BatchHessianVectorProduct,
  LinearRegressionSgd,
  LinearRegressionSgdOptions,
  SgdLyapunovExponent,
  SgdLyapunovOptions,
  SgdMap,
  SgdMapOptions,
} from './sgd.js';
export { networkSgd } from './network-sgd.js';
export type { NetworkSgd, NetworkSgdOptions } from './network-sgd.js';
export { maximumMeanDiscrepancy, meanFieldNetwork } from './mean-field.js';
export type { MeanFieldInitOptions, MeanFieldNetwork, MeanFieldOptions, MmdOptions } from './mean-field.js';
