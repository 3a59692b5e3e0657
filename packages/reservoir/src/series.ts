/**
 * Series conversion: what the reservoir entry points accept where they want a time series (a
 * {@link Matrix}, rows of numbers, or one column), validated into the one `Matrix` of
 * `@phaseflow/linalg`.
 */
import { PhaseflowError, invalid } from '@phaseflow/core';
import { isMatrix, type Matrix } from '@phaseflow/linalg';

/** What the package accepts where it wants a series: a {@link Matrix}, rows of numbers, or one column. */
export type SeriesLike = Matrix | readonly (readonly number[])[] | readonly number[] | Float64Array;

/**
 * Validate and convert a series to a {@link Matrix}: every entry finite, `cols` as expected,
 * at least `minRows` rows. A Matrix is returned as is (not copied) after the checks.
 *
 * @example
 * ```ts
 * const m = toMatrix('inputs', [[1, 2], [3, 4]]); // 2 × 2
 * const c = toMatrix('series', [0.1, 0.2, 0.3]);   // 3 × 1
 * ```
 */
export function toMatrix(argument: string, value: unknown, cols?: number, minRows = 1): Matrix {
  let m: Matrix;
  if (isMatrix(value)) {
    if (value.data.length !== value.rows * value.cols) invalid(argument, `a Matrix whose data has rows × cols entries`, value, 'SHAPE_MISMATCH');
    m = value;
  } else if (value instanceof Float64Array) {
    m = { rows: value.length, cols: 1, data: value };
  } else if (Array.isArray(value)) {
    if (value.length > 0 && Array.isArray(value[0])) {
      const rows = value as unknown[][];
      const c = rows[0]!.length;
      const data = new Float64Array(rows.length * c);
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r];
        if (!Array.isArray(row)) invalid(`${argument}[${r}]`, 'an array of numbers', row);
        if (row.length !== c) {
          throw new PhaseflowError('SHAPE_MISMATCH', `${argument}[${r}]: expected length ${c} (as row 0), received length ${row.length}`, {
            argument: `${argument}[${r}]`,
            expected: `length ${c}`,
            received: `length ${row.length}`,
          });
        }
        for (let j = 0; j < c; j++) {
          const x = row[j];
          if (typeof x !== 'number') invalid(`${argument}[${r}][${j}]`, 'a finite number', x);
          data[r * c + j] = x;
        }
      }
      m = { rows: rows.length, cols: c, data };
    } else {
      const a = value as unknown[];
      const data = new Float64Array(a.length);
      for (let r = 0; r < a.length; r++) {
        const x = a[r];
        if (typeof x !== 'number') invalid(`${argument}[${r}]`, 'a finite number', x);
        data[r] = x;
      }
      m = { rows: a.length, cols: 1, data };
    }
  } else {
    return invalid(argument, 'a Matrix, an array of rows, or an array of numbers', value);
  }
  const d = m.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i]!)) {
      const r = Math.floor(i / m.cols);
      invalid(`${argument}[${r}][${i - r * m.cols}]`, 'a finite number', d[i], 'NON_FINITE_INPUT', { step: r });
    }
  }
  if (m.rows < minRows) {
    invalid(argument, `a series of at least ${minRows} time step(s)`, value, 'INVALID_ARGUMENT', {
      received: `${m.rows} rows`,
    });
  }
  if (cols !== undefined && m.cols !== cols) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: expected ${cols} column(s) (the input dimension), received ${m.cols}`, {
      argument,
      expected: `${cols} columns`,
      received: `${m.cols} columns`,
    });
  }
  return m;
}

/**
 * Validate one series or a list of them (several sequences), each with {@link toMatrix}.
 *
 * @example
 * ```ts
 * const seqs = toMatrixList('inputs', [[[1], [2]], [[3], [4], [5]]]); // two sequences
 * ```
 */
export function toMatrixList(argument: string, value: unknown, cols?: number, minRows = 1): Matrix[] {
  if (Array.isArray(value) && value.length > 0 && (isMatrix(value[0]) || (Array.isArray(value[0]) && Array.isArray(value[0][0])))) {
    return value.map((v, i) => toMatrix(`${argument}[${i}]`, v, cols, minRows));
  }
  return [toMatrix(argument, value, cols, minRows)];
}
