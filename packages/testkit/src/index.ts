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
export {
  eccentricAnomaly,
  expSin,
  keplerExact,
  keplerHamiltonian,
  keplerOde,
  keplerPartitioned,
  keplerSeparable,
  referenceProblems,
} from './problems.js';
export type { ReferenceProblem } from './problems.js';
export { explicitEuler, explicitMidpoint, mislabel, stormerVerletControl, symplecticEulerControl } from './controls.js';
