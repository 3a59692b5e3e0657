/**
 * The options every embedded-pair stepper on core's step control takes (Runge–Kutta pairs,
 * RKMK pairs, …): tolerances, step bounds and the PI controller's knobs. Families document
 * their own defaults where they differ by method.
 */
import type { AdaptiveOptions } from '../integrator.js';

/** Options of an adaptive solve under {@link createPiController} and {@link initialStep}. */
export interface StepControlOptions extends AdaptiveOptions {
  /** Relative tolerance > 0: a scalar, or one per component (default 1e-3, as scipy and DifferentialEquations.jl). */
  readonly rtol?: number | ArrayLike<number> | unknown;
  /** Absolute tolerance > 0: a scalar, or one per component (default 1e-6). */
  readonly atol?: number | ArrayLike<number> | unknown;
  /** First trial step magnitude (default: Hairer's estimate, one extra f evaluation). */
  readonly h0?: number;
  /** Smallest step magnitude; a smaller step fails with STEP_SIZE_TOO_SMALL (default 0: only the rounding limit). */
  readonly minStep?: number;
  /** Largest step magnitude (default |tEnd − t0|). */
  readonly maxStep?: number;
  /** Accepted-step budget; exceeding it fails with STEP_BUDGET_EXCEEDED (default unlimited). */
  readonly maxSteps?: number;
  /** PI controller weight β on the previous error (default: the method's). */
  readonly beta?: number;
  /** Safety factor (default: the method's, 0.9 for most). */
  readonly safety?: number;
  /** Smallest ratio h_new/h (default: the method's). */
  readonly minFactor?: number;
  /** Largest ratio h_new/h (default: the method's). */
  readonly maxFactor?: number;
}

/**
 * The names of {@link StepControlOptions}, for `checkOptions`.
 *
 * @example
 * ```ts
 * const o = checkOptions('options', options, STEP_CONTROL_OPTIONS);
 * ```
 */
export const STEP_CONTROL_OPTIONS: readonly string[] = ['rtol', 'atol', 'h0', 'minStep', 'maxStep', 'maxSteps', 'beta', 'safety', 'minFactor', 'maxFactor'];
