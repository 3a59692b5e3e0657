/**
 * Error codes this package adds to core's set (declaration merging), and the helpers that
 * throw them.
 */
import { PhaseflowError } from '@phaseflow/core';

declare module '@phaseflow/core' {
  interface PhaseflowErrorCodes {
    /**
     * A vector field is not in the form this package inlines into a kernel, or gpu.js could
     * not compile the kernel made from it (gpu.js's error is the `cause`).
     */
    FIELD_NOT_COMPILABLE: true;
    /** A batch, a dimension or a buffer is larger than the backend (or this package) allows. */
    GPU_LIMIT_EXCEEDED: true;
  }
}

/** Throw FIELD_NOT_COMPILABLE about `argument`, with gpu.js's error (when there is one) as the cause. */
export function fieldNotCompilable(argument: string, why: string, cause?: unknown): never {
  const message = cause instanceof Error ? `${why}: ${cause.message}` : why;
  throw new PhaseflowError(
    'FIELD_NOT_COMPILABLE',
    `${argument}: ${message}`,
    { argument, expected: 'a function in the gpu.js kernel subset (see @phaseflow/gpu README, "Writing a field")', received: why },
    cause === undefined ? {} : { cause },
  );
}

/** Throw GPU_LIMIT_EXCEEDED naming the argument and the limit it crossed. */
export function limitExceeded(argument: string, limit: string, value: number, max: number): never {
  throw new PhaseflowError('GPU_LIMIT_EXCEEDED', `${argument}: ${value} exceeds the ${limit} of ${max}`, {
    argument,
    expected: `at most ${max} (${limit})`,
    received: String(value),
    limit,
    max,
  });
}
