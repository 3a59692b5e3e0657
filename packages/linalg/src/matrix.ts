/**
 * The one dense matrix type of the workspace: `rows × cols` Float64 numbers, row-major. A
 * plain object, so any package can build one without a class, and the kernels of this package
 * that take a bare Float64Array take `m.data`.
 */
import { PhaseflowError, checkAllocation, invalid } from '@phaseflow/core';

/** A plain matrix: `rows × cols` numbers, row-major in `data` (entry (i, j) at `data[i·cols + j]`). */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/**
 * Make a `rows × cols` matrix, zero-filled or wrapping `data` (not copied).
 *
 * @example
 * ```ts
 * const m = matrix(2, 3); m.data[1 * 3 + 2] = 1; // row 1, column 2
 * ```
 */
export function matrix(rows: number, cols: number, data?: Float64Array): Matrix {
  if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 0) invalid('rows', 'an integer >= 0', rows);
  if (typeof cols !== 'number' || !Number.isInteger(cols) || cols < 0) invalid('cols', 'an integer >= 0', cols);
  if (data === undefined) return { rows, cols, data: new Float64Array(checkAllocation('rows', rows * cols, 8)) };
  if (!(data instanceof Float64Array)) invalid('data', 'a Float64Array', data);
  if (data.length !== rows * cols) {
    throw new PhaseflowError('SHAPE_MISMATCH', `data: expected length ${rows * cols} (${rows} × ${cols}), received length ${data.length}`, {
      argument: 'data',
      expected: `length ${rows * cols}`,
      received: `length ${data.length}`,
    });
  }
  return { rows, cols, data };
}

/**
 * True when `v` looks like a {@link Matrix}.
 *
 * @example
 * ```ts
 * isMatrix(matrix(2, 2)); // true
 * ```
 */
export function isMatrix(v: unknown): v is Matrix {
  return (
    v !== null &&
    typeof v === 'object' &&
    (v as Matrix).data instanceof Float64Array &&
    typeof (v as Matrix).rows === 'number' &&
    typeof (v as Matrix).cols === 'number'
  );
}

/**
 * Rows of a matrix as plain arrays (for JSON and plotting).
 *
 * @example
 * ```ts
 * toRows(matrix(1, 2, Float64Array.of(1, 2))); // [[1, 2]]
 * ```
 */
export function toRows(m: Matrix): number[][] {
  if (!isMatrix(m) || !Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 0 || m.data.length !== m.rows * m.cols) {
    invalid('m', 'a Matrix { rows, cols, data: Float64Array(rows × cols) }', m);
  }
  const out: number[][] = [];
  for (let r = 0; r < m.rows; r++) out.push(Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
  return out;
}
