/**
 * Error codes this package adds to core's set (declaration merging), and the helpers that
 * throw them.
 */
import { PhaseflowError } from '@phaseflow/core';

declare module '@phaseflow/core' {
  interface PhaseflowErrorCodes {
    /**
     * A matrix or vector handed in as a group element (or a point of a homogeneous space) is
     * farther from the manifold than the stated tolerance; `details.distance` says how far.
     */
    NOT_ON_MANIFOLD: true;
    /**
     * A Runge–Kutta–Munthe-Kaas method was asked for an order whose dexp⁻¹ series truncation
     * is not available (or for a truncation too short for the tableau's order).
     */
    NO_DEXPINV_TRUNCATION: true;
  }
}

/** Throw NOT_ON_MANIFOLD for `argument`, naming the manifold, the distance and the tolerance. */
export function notOnManifold(argument: string, manifold: string, distance: number, tolerance: number, measure: string): never {
  const d = Number.isNaN(distance) ? 'NaN' : distance.toExponential(3);
  throw new PhaseflowError('NOT_ON_MANIFOLD', `${argument}: expected an element of ${manifold} (${measure} ≤ ${tolerance}), received one at distance ${d}`, {
    argument,
    expected: `an element of ${manifold} within ${tolerance}`,
    received: `${measure} = ${d}`,
    distance,
    tolerance,
  });
}

/** Throw SHAPE_MISMATCH for `argument` when its length differs from `length`. */
export function wrongLength(argument: string, what: string, length: number, received: unknown): never {
  const got =
    received !== null && typeof received === 'object' && typeof (received as { length?: unknown }).length === 'number'
      ? `length ${(received as { length: number }).length}`
      : typeof received;
  throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: expected ${what} (${length} numbers), received ${got}`, {
    argument,
    expected: `${what} (${length} numbers)`,
    received: got,
  });
}
