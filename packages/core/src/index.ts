export { PhaseflowError, callbackFailed, isPhaseflowError } from './errors.js';
export type { PhaseflowErrorCode, PhaseflowErrorCodes, PhaseflowErrorDetails } from './errors.js';
export {
  MAX_ALLOCATION_BYTES,
  checkAllocation,
  checkFinite,
  checkFiniteArray,
  checkFunction,
  checkInRange,
  checkInteger,
  checkLength,
  checkModuleUrl,
  checkNonNegative,
  checkOneOf,
  checkOptions,
  checkPositive,
  checkSameSize,
  checkStep,
  checkTimes,
  describeValue,
  invalid,
} from './validate.js';
export type { Keep, StateOps, VectorSpace } from './vector-space.js';
export { withScope } from './vector-space.js';
export { float64Space } from './float64-space.js';
export { phaseSpace } from './phase-space.js';
export type { PhaseSpace, PhaseState } from './phase-space.js';
export { asPartitioned, hamiltonianProblem, odeProblem, partitionedProblem, separableHamiltonian } from './problems.js';
export type { CoreProblem, HamiltonianProblem, OdeProblem, PartitionedProblem, Problem, SeparableHamiltonianProblem } from './problems.js';
export type { AcceptedStep, AdaptiveOptions, AdaptiveStepper, Advancer, AnyIntegrator, Integrator, IntegratorProperties } from './integrator.js';
export { DEFAULT_MAX_STEPS, integrate, integrateAsync } from './integrate.js';
export { createYielder } from './yield.js';
export type { Yielder } from './yield.js';
export { createPiController } from './step-control/pi-controller.js';
export type { PiController, PiControllerOptions, StepTooSmall } from './step-control/pi-controller.js';
export { initialStep } from './step-control/initial-step.js';
export { STEP_CONTROL_OPTIONS } from './step-control/options.js';
export type { StepControlOptions } from './step-control/options.js';
export type { InitialStepOptions } from './step-control/initial-step.js';
export { integratorNames, resolveIntegrator } from './registry.js';
export type { MethodRecord } from './registry.js';
export type { IntegrateOptions, PartialSolution, SaveAt, Solution } from './integrate.js';
export type { EventRecord, EventSpec } from './zero-crossings.js';
export { createEmitter } from './events.js';
export { createRunLifecycle } from './lifecycle.js';
export type { RunFailureStatus, RunLifecycle, RunLifecycleOptions } from './lifecycle.js';
export type {
  BatchEvent,
  Emitter,
  EpochEvent,
  Observer,
  ObserverHandlers,
  PhaseflowEventKind,
  PhaseflowEventMap,
  RunControl,
  RunEndEvent,
  RunStartEvent,
  StepEvent,
} from './events.js';
export { isParametric, requireParametric } from './layer.js';
export type { Layer, ParametricLayer, ParametricView } from './layer.js';
export type { FitOptions, LabelledData, Trainer, TrainingHistory } from './trainer.js';
export { createRandom, randomDraws, restoreRandom } from './random.js';
export type { Random, RandomDraws, RandomState } from './random.js';
export type { Demo, DemoContext, DemoFigure, DemoResult } from './demo.js';
