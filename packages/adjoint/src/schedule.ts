/**
 * The time grid of a solve: output times, and either fixed steps per output interval or
 * adaptive step control, plus what the backward passes need.
 */
import { checkFinite, checkPositive, invalid, type AdaptiveOptions, type AnyIntegrator } from '@phaseflow/core';
import { checkTimes } from './validate.js';

/**
 * How the engine solves: from `t0` to each output time in turn, with `steps[k]` equal steps
 * on the k-th interval (fixed steps) or the integrator's own control (`adaptive`).
 *
 * @example
 * ```ts
 * const schedule: Schedule = { t0: 0, times: [0.5, 1], steps: stepsFor(0, [0.5, 1], 0.05), adjointIntegrator: createRk4(), checkFinite: true };
 * ```
 */
export interface Schedule {
  readonly t0: number;
  /** Output times, strictly increasing, > t0. */
  readonly times: readonly number[];
  /** Fixed steps per output interval (absent for adaptive runs). */
  readonly steps?: readonly number[];
  /** Adaptive tolerances, when `steps` is absent. */
  readonly adaptive?: AdaptiveOptions;
  /** Integrator of the continuous adjoint's backward solve; it must solve `ode` problems. */
  readonly adjointIntegrator: AnyIntegrator;
  /** Stop with NON_FINITE_STATE when a state or adjoint state becomes NaN/Inf. */
  readonly checkFinite: boolean;
}

/**
 * Fixed steps per output interval for a step size of at most h: ⌈Δtₖ/h⌉ steps on the k-th
 * interval, so the grid lands on every output time. Refuses (coded, naming the argument) a
 * non-finite t0, times that are not finite and strictly increasing after t0, and a step h that
 * is not a positive number or asks for more steps than can be counted (2⁵³).
 *
 * @example
 * ```ts
 * stepsFor(0, [0.5, 1.25], 0.25); // [2, 3]
 * ```
 */
export function stepsFor(t0: number, times: readonly number[], h: number): number[] {
  checkFinite('t0', t0);
  checkTimes('times', times, t0);
  checkPositive('h', h);
  const out: number[] = [];
  let prev = t0;
  for (const t of times) {
    const n = Math.max(1, Math.ceil((t - prev) / h - 1e-9));
    if (!Number.isSafeInteger(n)) invalid('h', `a step giving at most 2^53 steps on [${prev}, ${t}]`, h);
    out.push(n);
    prev = t;
  }
  return out;
}
