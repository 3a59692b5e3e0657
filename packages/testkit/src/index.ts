export {
  checkAdvance,
  checkBackward,
  checkBadInput,
  checkNoMutation,
  checkOrder,
  checkReversibility,
  checkStageTimes,
  checkSymplecticity,
  jacobian,
  measureOrder,
  runConformance,
  symplecticDefect,
} from './checks.js';
export type {
  BackwardOptions,
  CheckResult,
  ConformanceOptions,
  ConformanceReport,
  OrderMeasurement,
  OrderOptions,
  ReversibilityOptions,
  StageTimeOptions,
  SymplecticityOptions,
} from './checks.js';
export { referenceProblems } from './references.js';
export { checkStaysOnManifold, lieIntegratorConformance, type LieConformanceOptions, type ManifoldOptions } from './lie.js';
export { fnv1a } from './checksum.js';
export { createResourceSpace, type ResourceSpace } from './resource-space.js';
export {
  eachOption,
  formatBadInputCounts,
  formatBadInputFindings,
  probeBadInputs,
  type BadInputFinding,
  type BadInputProbeOptions,
  type BadInputReport,
} from './bad-input-probe.js';
export {
  checkEquivariance,
  machineEpsilon,
  type ElementError,
  type EquivarianceCheckOptions,
  type EquivarianceDtype,
  type EquivarianceGroup,
  type EquivarianceReport,
  type EquivarianceRun,
  type EquivarianceSpec,
  type EquivarianceSubject,
} from './equivariance.js';
export { explicitEuler, explicitMidpoint, mislabel, stormerVerletControl, symplecticEulerControl } from './controls.js';
export {
  measureAbortLatency,
  runTrainerConformance,
  trainerChecks,
  type LongFit,
  type NamedCheck,
  type ResourceCounter,
  type TrainerConformanceOptions,
  type TrainerConformanceReport,
} from './trainer-conformance.js';
export { layerChecks, runLayerConformance, type LayerConformanceOptions, type LayerConformanceReport } from './layer-conformance.js';
export { observerChecks, runObserverConformance, type ObserverConformanceOptions, type ObserverConformanceReport } from './observer-conformance.js';
export {
  controlResources,
  createControlLayer,
  createControlModel,
  createControlObserver,
  createControlTrainer,
  type ControlLayer,
  type ControlModel,
  type ControlTrainerOptions,
  type LayerFlaw,
  type ObserverFlaw,
  type TrainerFlaw,
} from './role-controls.js';
