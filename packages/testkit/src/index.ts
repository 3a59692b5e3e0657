export {
  checkAdvance,
  checkBadInput,
  checkNoMutation,
  checkOrder,
  checkReversibility,
  checkSymplecticity,
  jacobian,
  measureOrder,
  runConformance,
  symplecticDefect,
} from './checks.js';
export type {
  CheckResult,
  ConformanceOptions,
  ConformanceReport,
  OrderMeasurement,
  OrderOptions,
  ReversibilityOptions,
  SymplecticityOptions,
} from './checks.js';
export { referenceProblems } from './references.js';
export { checkStaysOnManifold, lieIntegratorConformance, type LieConformanceOptions, type ManifoldOptions } from './lie.js';
export { fnv1a } from './checksum.js';
export { checkEquivariance, machineEpsilon, type ElementError, type EquivarianceCheckOptions, type EquivarianceDtype, type EquivarianceGroup, type EquivarianceReport, type EquivarianceRun, type EquivarianceSpec, type EquivarianceSubject } from './equivariance.js';
export { explicitEuler, explicitMidpoint, mislabel, stormerVerletControl, symplecticEulerControl } from './controls.js';
