/**
 * Error helpers of the Runge–Kutta stepper (its codes are core's: INVALID_EVENT_VALUE, once
 * declared here, moved to core with event location).
 */
import { PhaseflowError } from '@phaseflow/core';

/**
 * Throw STEP_SIZE_TOO_SMALL naming t, h and the step that could not be taken, and the option
 * that set the limit when one did (`options.minStep`).
 */
export function stepTooSmall(name: string, t: number, h: number, why: string, step: number, argument?: string): never {
  throw new PhaseflowError('STEP_SIZE_TOO_SMALL', `${name}: step size too small at step ${step}, t = ${t} (h = ${h}): ${why}`, {
    t,
    h,
    step,
    ...(argument !== undefined && { argument, expected: `a step of at least ${argument}`, received: String(Math.abs(h)) }),
  });
}
