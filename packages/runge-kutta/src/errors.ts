/**
 * Error codes this package adds to core's set (declaration merging), and small helpers.
 */
import { PhaseflowError } from '@phaseflow/core';

declare module '@phaseflow/core' {
  interface PhaseflowErrorCodes {
    /** An event function g(t, y) returned NaN, ±Infinity or a non-number. */
    INVALID_EVENT_VALUE: true;
  }
}

/** Throw STEP_SIZE_TOO_SMALL naming t, h and the step that could not be taken. */
export function stepTooSmall(name: string, t: number, h: number, why: string, step: number): never {
  throw new PhaseflowError('STEP_SIZE_TOO_SMALL', `${name}: step size too small at step ${step}, t = ${t} (h = ${h}): ${why}`, { t, h, step });
}
