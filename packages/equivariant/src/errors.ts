/**
 * Error codes this package adds to core's set (declaration merging), and the helpers that
 * throw them. Each names the argument, what was expected and what came.
 */
import { PhaseflowError } from '@phaseflow/core';

declare module '@phaseflow/core' {
  interface PhaseflowErrorCodes {
    /**
     * A pixel grid the group does not map onto itself: a non-square image for C4/D4 (a 90°
     * rotation turns H × W into W × H), so the layer could not be exactly equivariant.
     */
    NOT_SQUARE_GRID: true;
    /**
     * A channel count that is not a whole number of copies of the group: group feature maps
     * carry |G| channels per feature (C·|G| in all), so C·|G| must divide evenly.
     */
    WRONG_MULTIPLICITY: true;
    /**
     * Point-cloud arrays that disagree on the number of points or the space dimension
     * (positions in ℝ³ with velocities in ℝ², n positions with m ≠ n feature rows, …).
     */
    DIMENSION_MISMATCH: true;
  }
}

/** Throw NOT_SQUARE_GRID for `argument` with an H × W grid. */
export function notSquare(argument: string, group: string, height: number, width: number): never {
  throw new PhaseflowError('NOT_SQUARE_GRID', `${argument}: ${group} maps only square pixel grids onto themselves, received ${height} × ${width}`, {
    argument,
    expected: `a square grid (H = W) for ${group}`,
    received: `${height} × ${width}`,
  });
}

/** Throw WRONG_MULTIPLICITY for `argument`: `channels` is not `per` × |G| (or not a multiple of |G|). */
export function wrongMultiplicity(argument: string, group: string, order: number, channels: number, per?: number): never {
  const expected = per === undefined ? `a multiple of |${group}| = ${order} channels` : `${per} × |${group}| = ${per * order} channels`;
  throw new PhaseflowError('WRONG_MULTIPLICITY', `${argument}: expected ${expected}, received ${channels}`, {
    argument,
    expected,
    received: `${channels} channels`,
  });
}

/** Throw DIMENSION_MISMATCH for `argument`. */
export function dimensionMismatch(argument: string, expected: string, received: string): never {
  throw new PhaseflowError('DIMENSION_MISMATCH', `${argument}: expected ${expected}, received ${received}`, { argument, expected, received });
}
