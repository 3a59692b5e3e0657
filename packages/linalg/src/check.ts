/**
 * Argument checks shared by the kernels of this package (not exported from the index).
 */
import { PhaseflowError, checkInteger, invalid } from '@phaseflow/core';
import { isMatrix, type Matrix } from './matrix.js';

/** `a` is a Float64Array of `n × n` finite entries; returns it narrowed. */
export function checkSquare(argument: string, a: unknown, n: number): Float64Array {
  checkInteger('n', n, { min: 1 });
  if (!(a instanceof Float64Array)) invalid(argument, `a Float64Array of ${n} × ${n} entries (row-major)`, a);
  if (a.length !== n * n) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: expected length ${n * n} (${n} × ${n}), received length ${a.length}`, {
      argument,
      expected: `length ${n * n}`,
      received: `length ${a.length}`,
    });
  }
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) {
      const r = Math.floor(i / n);
      invalid(`${argument}[${i}]`, 'a finite number', a[i], 'NON_FINITE_INPUT', { row: r, col: i - r * n });
    }
  }
  return a;
}

/** `out` (when given) is a Float64Array of `length` entries; returns it or a fresh one. */
export function checkOut(argument: string, out: unknown, length: number): Float64Array {
  if (out === undefined) return new Float64Array(length);
  if (!(out instanceof Float64Array)) invalid(argument, `a Float64Array of length ${length}`, out);
  if (out.length !== length) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: expected length ${length}, received length ${out.length}`, {
      argument,
      expected: `length ${length}`,
      received: `length ${out.length}`,
    });
  }
  return out;
}

/** `a` is a Matrix (optionally of the given shape) whose entries are finite (unless `values` is false: an output buffer). */
export function checkMatrix(argument: string, a: unknown, rows?: number, cols?: number, values = true): Matrix {
  if (!isMatrix(a) || a.data.length !== a.rows * a.cols) invalid(argument, 'a Matrix { rows, cols, data: Float64Array(rows × cols) }', a);
  if ((rows !== undefined && a.rows !== rows) || (cols !== undefined && a.cols !== cols)) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: expected ${rows} × ${cols}, received ${a.rows} × ${a.cols}`, {
      argument,
      expected: `${rows} × ${cols}`,
      received: `${a.rows} × ${a.cols}`,
    });
  }
  if (!values) return a;
  const d = a.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i]!)) invalid(`${argument}.data[${i}]`, 'a finite number', d[i], 'NON_FINITE_INPUT');
  }
  return a;
}
