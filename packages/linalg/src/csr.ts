/**
 * Compressed sparse row (CSR) matrices (Saad, *Iterative Methods for Sparse Linear Systems*,
 * 2nd ed., 2003, §3.4): the storage of reservoir weights and of any sparse operator a package
 * applies in a hot loop. A matrix–vector product costs one multiply–add per stored entry and
 * allocates nothing.
 */
import { PhaseflowError, checkAllocation, checkInteger, invalid } from '@phaseflow/core';

/** An array or typed array (entries are checked by the caller). */
function checkArrayLike(argument: string, value: unknown): ArrayLike<number> {
  if (!Array.isArray(value) && !(ArrayBuffer.isView(value) && !(value instanceof DataView))) invalid(argument, 'an array or typed array of numbers', value);
  return value as ArrayLike<number>;
}

/** A Float64Array (a vector the hot loops read or write). */
function checkVector(argument: string, value: unknown, length: number): Float64Array {
  if (!(value instanceof Float64Array)) invalid(argument, `a Float64Array of length ${length}`, value);
  if (value.length !== length) invalid(argument, `a Float64Array of length ${length}`, value, 'SHAPE_MISMATCH');
  return value;
}

/** The O(1) part of {@link checkCsr}: the fields exist with the right types and lengths (entries not scanned). */
function checkCsrFields(argument: string, A: unknown): CsrMatrix {
  const m = A as CsrMatrix;
  if (
    m === null ||
    typeof m !== 'object' ||
    !(m.rowPtr instanceof Int32Array) ||
    !(m.colIdx instanceof Int32Array) ||
    !(m.values instanceof Float64Array) ||
    !Number.isInteger(m.rows) ||
    !Number.isInteger(m.cols) ||
    m.rows < 0 ||
    m.cols < 0
  ) {
    return invalid(argument, 'a CsrMatrix { rows, cols, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array }', A);
  }
  if (m.rowPtr.length !== m.rows + 1 || m.rowPtr[0] !== 0 || m.rowPtr[m.rows] !== m.values.length || m.colIdx.length !== m.values.length) {
    invalid(`${argument}.rowPtr`, `rows + 1 offsets from 0 to ${m.values.length}`, m.rowPtr, 'SHAPE_MISMATCH');
  }
  return m;
}

/** A `rows × cols` sparse matrix in CSR form: row r holds entries `rowPtr[r] … rowPtr[r+1]−1`. */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float64Array;
}

/**
 * Build a CSR matrix from coordinate triplets (COO, as scipy's `coo_matrix(row, col, val)`).
 * Duplicate coordinates are summed, as scipy does.
 *
 * @example
 * ```ts
 * const A = csrFromTriplets(2, 2, [0, 1], [1, 0], [2, -2]); // [[0, 2], [-2, 0]]
 * ```
 */
export function csrFromTriplets(rows: number, cols: number, row: ArrayLike<number>, col: ArrayLike<number>, val: ArrayLike<number>): CsrMatrix {
  checkInteger('rows', rows, { min: 0 });
  checkInteger('cols', cols, { min: 0 });
  checkArrayLike('row', row);
  checkArrayLike('col', col);
  checkArrayLike('val', val);
  checkAllocation('rows', rows + 1, 4);
  if (row.length !== col.length || row.length !== val.length) {
    throw new PhaseflowError('SHAPE_MISMATCH', `row, col and val must have one length; received ${row.length}, ${col.length}, ${val.length}`, {
      argument: 'val',
      expected: `length ${row.length}`,
      received: `length ${val.length}`,
    });
  }
  const n = row.length;
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const r = row[k]!,
      c = col[k]!,
      v = val[k]!;
    if (!Number.isInteger(r) || r < 0 || r >= rows) invalid(`row[${k}]`, `an integer in [0, ${rows - 1}]`, r);
    if (!Number.isInteger(c) || c < 0 || c >= cols) invalid(`col[${k}]`, `an integer in [0, ${cols - 1}]`, c);
    if (typeof v !== 'number' || !Number.isFinite(v)) invalid(`val[${k}]`, 'a finite number', v, 'NON_FINITE_INPUT');
    order[k] = k;
  }
  order.sort((a, b) => row[a]! - row[b]! || col[a]! - col[b]!);
  const rowPtr = new Int32Array(rows + 1);
  const colIdx: number[] = [];
  const values: number[] = [];
  let lastR = -1,
    lastC = -1;
  for (let q = 0; q < n; q++) {
    const k = order[q]!;
    const r = row[k]!,
      c = col[k]!;
    if (r === lastR && c === lastC) {
      values[values.length - 1] += val[k]!;
      continue;
    }
    colIdx.push(c);
    values.push(val[k]!);
    rowPtr[r + 1]!++;
    lastR = r;
    lastC = c;
  }
  for (let r = 0; r < rows; r++) rowPtr[r + 1]! += rowPtr[r]!;
  return { rows, cols, rowPtr, colIdx: Int32Array.from(colIdx), values: Float64Array.from(values) };
}

/**
 * Build a CSR matrix from a dense row-major array, keeping the non-zero entries.
 *
 * @example
 * ```ts
 * const A = csrFromDense(2, 2, [1, 0, 0, 3]);
 * ```
 */
export function csrFromDense(rows: number, cols: number, data: ArrayLike<number>): CsrMatrix {
  checkInteger('rows', rows, { min: 0 });
  checkInteger('cols', cols, { min: 0 });
  checkArrayLike('data', data);
  if (data.length !== rows * cols) {
    throw new PhaseflowError('SHAPE_MISMATCH', `data: expected length ${rows * cols}, received length ${data.length}`, {
      argument: 'data',
      expected: `length ${rows * cols}`,
      received: `length ${data.length}`,
    });
  }
  const r: number[] = [],
    c: number[] = [],
    v: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const x = data[i * cols + j]!;
      if (x !== 0) {
        r.push(i);
        c.push(j);
        v.push(x);
      }
    }
  }
  return csrFromTriplets(rows, cols, r, c, v);
}

/**
 * The dense row-major copy of a CSR matrix (for small sizes and tests).
 *
 * @example
 * ```ts
 * const d = csrToDense(A); // Float64Array(rows * cols)
 * ```
 */
export function csrToDense(A: CsrMatrix): Float64Array {
  checkCsr('A', A);
  const out = new Float64Array(checkAllocation('A', A.rows * A.cols, 8));
  for (let i = 0; i < A.rows; i++) {
    for (let k = A.rowPtr[i]!; k < A.rowPtr[i + 1]!; k++) out[i * A.cols + A.colIdx[k]!]! += A.values[k]!;
  }
  return out;
}

/**
 * `out = A·x`, allocation-free (the hot loop of a reservoir).
 *
 * @example
 * ```ts
 * csrMatVec(A, x, out);
 * ```
 */
export function csrMatVec(A: CsrMatrix, x: Float64Array, out: Float64Array): Float64Array {
  checkCsr('A', A);
  checkVector('x', x, A.cols);
  checkVector('out', out, A.rows);
  spmv(A.rowPtr, A.colIdx, A.values, A.rows, x, 0, out);
  return out;
}

/**
 * `out[i] = Σ_k A[i,k]·x[xOff + k]` without the O(nnz) checks — the reservoir's hot path; use
 * {@link csrMatVec} unless the matrix is already known to be well formed. Only the O(1)
 * checks are made (the fields of `A`, `x` and `out` are typed arrays, `xOff` an offset with
 * `A.cols` entries after it, `out` at least `A.rows` long), so nothing is read or written out
 * of bounds for a matrix that passed {@link checkCsr}.
 *
 * @example
 * ```ts
 * matVecUnchecked(W, states, t * W.cols, out); // row t of a state matrix
 * ```
 */
export function matVecUnchecked(A: CsrMatrix, x: Float64Array, xOff: number, out: Float64Array): void {
  checkCsrFields('A', A);
  if (!(x instanceof Float64Array)) invalid('x', 'a Float64Array', x);
  if (typeof xOff !== 'number' || !Number.isInteger(xOff) || xOff < 0 || xOff + A.cols > x.length) {
    invalid('xOff', `an integer offset in [0, ${x.length - A.cols}] (x holds ${x.length} entries, A has ${A.cols} columns)`, xOff);
  }
  if (!(out instanceof Float64Array) || out.length < A.rows)
    invalid('out', `a Float64Array of at least ${A.rows} entries`, out, out instanceof Float64Array ? 'SHAPE_MISMATCH' : 'INVALID_ARGUMENT');
  spmv(A.rowPtr, A.colIdx, A.values, A.rows, x, xOff, out);
}

/**
 * @internal `out[i] = Σ_k values[k]·x[xOff + colIdx[k]]` over row i's entries. Four rows are
 * summed side by side (four independent dependency chains instead of one), each still in its
 * own entry order, so the result is bit-identical to the row-by-row loop (and to scipy's).
 */
export function spmv(rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array, rows: number, x: Float64Array, xOff: number, out: Float64Array): void {
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const k0 = rowPtr[i]!,
      k1 = rowPtr[i + 1]!,
      k2 = rowPtr[i + 2]!,
      k3 = rowPtr[i + 3]!,
      e3 = rowPtr[i + 4]!;
    const len = Math.min(k1 - k0, k2 - k1, k3 - k2, e3 - k3);
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (let q = 0; q < len; q++) {
      s0 += values[k0 + q]! * x[xOff + colIdx[k0 + q]!]!;
      s1 += values[k1 + q]! * x[xOff + colIdx[k1 + q]!]!;
      s2 += values[k2 + q]! * x[xOff + colIdx[k2 + q]!]!;
      s3 += values[k3 + q]! * x[xOff + colIdx[k3 + q]!]!;
    }
    for (let k = k0 + len; k < k1; k++) s0 += values[k]! * x[xOff + colIdx[k]!]!;
    for (let k = k1 + len; k < k2; k++) s1 += values[k]! * x[xOff + colIdx[k]!]!;
    for (let k = k2 + len; k < k3; k++) s2 += values[k]! * x[xOff + colIdx[k]!]!;
    for (let k = k3 + len; k < e3; k++) s3 += values[k]! * x[xOff + colIdx[k]!]!;
    out[i] = s0;
    out[i + 1] = s1;
    out[i + 2] = s2;
    out[i + 3] = s3;
  }
  for (; i < rows; i++) {
    let s = 0;
    const end = rowPtr[i + 1]!;
    for (let k = rowPtr[i]!; k < end; k++) s += values[k]! * x[xOff + colIdx[k]!]!;
    out[i] = s;
  }
}

/**
 * A copy of `A` with every entry multiplied by `s`.
 *
 * @example
 * ```ts
 * const B = csrScale(A, 0.5);
 * ```
 */
export function csrScale(A: CsrMatrix, s: number): CsrMatrix {
  checkCsr('A', A);
  if (typeof s !== 'number' || !Number.isFinite(s)) invalid('s', 'a finite number', s, typeof s === 'number' ? 'NON_FINITE_INPUT' : 'INVALID_ARGUMENT');
  const values = new Float64Array(A.values.length);
  for (let k = 0; k < values.length; k++) values[k] = A.values[k]! * s;
  return { rows: A.rows, cols: A.cols, rowPtr: A.rowPtr.slice(), colIdx: A.colIdx.slice(), values };
}

/**
 * Check the structure of a CSR matrix (offsets, in-range columns, finite values, optional
 * shape); throws coded errors naming `argument`.
 *
 * @example
 * ```ts
 * const W = checkCsr('options.W', given, 500, 500);
 * ```
 */
export function checkCsr(argument: string, A: unknown, rows?: number, cols?: number): CsrMatrix {
  if (typeof argument !== 'string' || argument.length === 0) invalid('argument', 'the name of the argument being checked (a non-empty string)', argument);
  if (rows !== undefined) checkInteger('rows', rows, { min: 0 });
  if (cols !== undefined) checkInteger('cols', cols, { min: 0 });
  const m = checkCsrFields(argument, A);
  if (rows !== undefined && m.rows !== rows) invalid(`${argument}.rows`, `${rows}`, m.rows, 'SHAPE_MISMATCH');
  if (cols !== undefined && m.cols !== cols) invalid(`${argument}.cols`, `${cols}`, m.cols, 'SHAPE_MISMATCH');
  for (let i = 0; i < m.rows; i++) {
    if (m.rowPtr[i + 1]! < m.rowPtr[i]!) invalid(`${argument}.rowPtr[${i + 1}]`, 'non-decreasing offsets', m.rowPtr[i + 1]);
  }
  // The values are scanned by the engine's own search (no number is read into this function,
  // so none is boxed while it runs unoptimised, as it does in a fresh process), the columns by
  // a loop over small integers; only a bad matrix takes the loop that names its first bad entry
  // in entry order.
  const v = m.values;
  let bad = v.includes(Number.NaN) || v.includes(Number.POSITIVE_INFINITY) || v.includes(Number.NEGATIVE_INFINITY);
  for (let k = 0; k < m.colIdx.length && !bad; k++) {
    const c = m.colIdx[k]!;
    bad = c < 0 || c >= m.cols;
  }
  if (bad) {
    for (let k = 0; k < m.colIdx.length; k++) {
      const c = m.colIdx[k]!;
      if (c < 0 || c >= m.cols) invalid(`${argument}.colIdx[${k}]`, `a column in [0, ${m.cols - 1}]`, c);
      if (!Number.isFinite(m.values[k]!)) invalid(`${argument}.values[${k}]`, 'a finite number', m.values[k], 'NON_FINITE_INPUT');
    }
  }
  return m;
}
