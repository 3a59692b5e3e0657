/**
 * LU factorisation with partial (row) pivoting, P·A = L·U, and the solve that goes with it.
 * Source: Golub & Van Loan, Matrix Computations (4th ed.), Algorithm 3.4.1 (gaxpy-free
 * outer-product form) and §3.4.
 */
import { checkInteger, checkOptions, invalid } from '@phaseflow/core';
import { checkOut, checkSquare } from './check.js';

/** An LU factorisation from {@link luFactor}. */
export interface LuFactorization {
  /** The order n. */
  readonly n: number;
  /** L (unit lower, diagonal implied) and U (upper) packed in one row-major n × n array. */
  readonly lu: Float64Array;
  /** Row i of U came from row `pivots[i]` of A (the row permutation P, as a list). */
  readonly pivots: Int32Array;
  /** det(P) = ±1: the parity of the row swaps. */
  readonly sign: 1 | -1;
  /** True when some pivot was exactly zero (A singular to working precision). */
  readonly singular: boolean;
}

/**
 * In-place kernel: factor `lu` (a copy of A) and write the permutation into `pivots`. Returns
 * the swap parity, or 0 when a zero pivot was met (the factorisation continues past it).
 */
export function luFactorInPlace(lu: Float64Array, n: number, pivots: Int32Array): { sign: 1 | -1; singular: boolean } {
  let sign: 1 | -1 = 1;
  let singular = false;
  for (let i = 0; i < n; i++) pivots[i] = i;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(lu[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (p !== k) {
      const rk = k * n,
        rp = p * n;
      for (let j = 0; j < n; j++) {
        const t = lu[rk + j]!;
        lu[rk + j] = lu[rp + j]!;
        lu[rp + j] = t;
      }
      const t = pivots[k]!;
      pivots[k] = pivots[p]!;
      pivots[p] = t;
      sign = sign === 1 ? -1 : 1;
    }
    const rk = k * n;
    const ukk = lu[rk + k]!;
    if (ukk === 0) {
      singular = true;
      continue;
    }
    const inv = 1 / ukk;
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const lik = lu[ri + k]! * inv;
      lu[ri + k] = lik;
      if (lik === 0) continue;
      for (let j = k + 1; j < n; j++) lu[ri + j]! -= lik * lu[rk + j]!;
    }
  }
  return { sign, singular };
}

/**
 * In-place kernel: overwrite `b` (n × m, row-major) with A⁻¹·b from a packed factorisation.
 * `scratch` (length n·m) receives the permuted right-hand sides.
 */
export function luSolveInPlace(lu: Float64Array, pivots: Int32Array, n: number, b: Float64Array, m: number, scratch: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const src = pivots[i]! * m,
      dst = i * m;
    for (let c = 0; c < m; c++) scratch[dst + c] = b[src + c]!;
  }
  // Forward: L·z = P·b (unit diagonal), whole rows at a time.
  for (let i = 0; i < n; i++) {
    const ri = i * n,
      bi = i * m;
    for (let k = 0; k < i; k++) {
      const l = lu[ri + k]!;
      if (l === 0) continue;
      const bk = k * m;
      for (let c = 0; c < m; c++) scratch[bi + c]! -= l * scratch[bk + c]!;
    }
  }
  // Back: U·x = z.
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n,
      bi = i * m;
    for (let k = i + 1; k < n; k++) {
      const u = lu[ri + k]!;
      if (u === 0) continue;
      const bk = k * m;
      for (let c = 0; c < m; c++) scratch[bi + c]! -= u * scratch[bk + c]!;
    }
    const inv = 1 / lu[ri + i]!;
    for (let c = 0; c < m; c++) scratch[bi + c]! *= inv;
  }
  b.set(scratch.subarray(0, n * m));
}

/**
 * Factor a square matrix with partial pivoting: P·A = L·U, L unit lower triangular, U upper.
 * A is not modified (the factors go to `options.out`, or a new array).
 *
 * Equation: at step k pick p = argmax_{i≥k} |A_ik|, swap rows k and p, then
 * L_ik = A_ik / A_kk and A_ij −= L_ik·A_kj for i, j > k (Golub & Van Loan, Alg. 3.4.1).
 *
 * @example
 * ```ts
 * const f = luFactor(Float64Array.of(0, 1, 2, 3), 2);
 * f.sign;   // -1 (one row swap)
 * f.pivots; // Int32Array [1, 0]
 * ```
 */
export function luFactor(a: Float64Array, n: number, options: { out?: Float64Array } = {}): LuFactorization {
  checkSquare('a', a, n);
  const o = checkOptions('options', options, ['out']);
  const lu = checkOut('options.out', o.out, n * n);
  if (lu !== a) lu.set(a);
  const pivots = new Int32Array(n);
  const { sign, singular } = luFactorInPlace(lu, n, pivots);
  return { n, lu, pivots, sign, singular };
}

/**
 * Solve A·X = B for X (n × m, row-major) from an {@link luFactor} result. `b` is not modified
 * unless it is passed as `options.out`. A singular factorisation (`factor.singular`) is refused
 * (INVALID_ARGUMENT naming `factor`) rather than answered with ±Infinity and NaN.
 *
 * Equation: forward substitution L·Z = P·B, then back substitution U·X = Z.
 *
 * @example
 * ```ts
 * const f = luFactor(Float64Array.of(2, 1, 1, 3), 2);
 * luSolve(f, Float64Array.of(3, 4)); // Float64Array [1, 1]
 * ```
 */
export function luSolve(factor: LuFactorization, b: Float64Array, options: { columns?: number; out?: Float64Array } = {}): Float64Array {
  const f = factor as Partial<LuFactorization> | null;
  if (
    f === null ||
    typeof f !== 'object' ||
    typeof f.n !== 'number' ||
    !Number.isInteger(f.n) ||
    f.n < 1 ||
    !(f.lu instanceof Float64Array) ||
    f.lu.length !== f.n * f.n ||
    !(f.pivots instanceof Int32Array) ||
    f.pivots.length !== f.n
  ) {
    invalid('factor', 'an LuFactorization from luFactor { n, lu, pivots, … }', factor);
  }
  if (factor.singular === true)
    invalid('factor', 'the factorisation of a non-singular matrix (a zero pivot would divide by zero: ±Infinity and NaN)', 'a singular factorisation');
  const { n } = factor;
  const o = checkOptions('options', options, ['columns', 'out']);
  const m = o.columns === undefined ? 1 : checkInteger('options.columns', o.columns, { min: 1 });
  const out = checkOut('options.out', o.out, n * m);
  checkOut('b', b, n * m);
  if (out !== b) out.set(b);
  luSolveInPlace(factor.lu, factor.pivots, n, out, m, new Float64Array(n * m));
  return out;
}
