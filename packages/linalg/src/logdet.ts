/**
 * log |det A| and the sign of det A, without overflow: from the diagonal of a Cholesky factor
 * (symmetric positive definite A) or of an LU factorisation with partial pivoting (any A).
 */
import { checkOneOf, checkOptions, invalid } from '@phaseflow/core';
import { checkOut, checkSquare } from './check.js';
import { choleskyFactor } from './cholesky.js';
import { luFactorInPlace } from './lu.js';

/** What {@link logdet} returns: det A = sign · exp(logAbsDet). */
export interface LogDet {
  /** The sign of det A: 1, −1, or 0 when A is singular to working precision. */
  readonly sign: 1 | -1 | 0;
  /** log |det A| (−Infinity when A is singular). */
  readonly logAbsDet: number;
}

/** Options of {@link logdet}. */
export interface LogDetOptions {
  /**
   * `'lu'` (default): LU with partial pivoting, any square A. `'cholesky'`: A symmetric
   * positive definite (only its lower triangle is read), twice as fast; throws
   * `NOT_POSITIVE_DEFINITE` when it is not.
   */
  method?: 'lu' | 'cholesky';
  /** Scratch of n × n entries to factor in (A itself is never modified); allocated when absent. */
  work?: Float64Array;
  /** Pivot scratch of n entries for `'lu'`; allocated when absent. */
  pivots?: Int32Array;
}

/**
 * The log-determinant of a square matrix (row-major Float64Array, n × n), with its sign.
 *
 * Equation: Cholesky A = L·Lᵀ gives log det A = 2 Σ_i log L_ii; LU P·A = L·U gives
 * log |det A| = Σ_i log |U_ii| and sign = det(P) · Π_i sign(U_ii)
 * (Golub & Van Loan, Matrix Computations, 4th ed., §3.4 and §4.2).
 *
 * @example
 * ```ts
 * logdet(Float64Array.of(2, 1, 1, 3), 2);                          // { sign: 1, logAbsDet: log 5 }
 * logdet(Float64Array.of(0, 1, 1, 0), 2);                          // { sign: -1, logAbsDet: 0 }
 * logdet(Float64Array.of(4, 2, 2, 3), 2, { method: 'cholesky' });  // { sign: 1, logAbsDet: log 8 }
 * ```
 */
export function logdet(a: Float64Array, n: number, options?: LogDetOptions): LogDet {
  const opts = checkOptions('options', options, ['method', 'work', 'pivots']);
  const method = checkOneOf('options.method', opts.method === undefined ? 'lu' : opts.method, ['lu', 'cholesky'] as const);
  checkSquare('a', a, n);
  const work = checkOut('options.work', opts.work, n * n);
  work.set(a);
  if (method === 'cholesky') {
    choleskyFactor(work, n);
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.log(work[i * n + i]!);
    return { sign: 1, logAbsDet: 2 * s };
  }
  let pivots = opts.pivots;
  if (pivots === undefined) pivots = new Int32Array(n);
  else if (!(pivots instanceof Int32Array) || pivots.length !== n) {
    invalid('options.pivots', `an Int32Array of length ${n}`, pivots, 'SHAPE_MISMATCH');
  }
  const { sign, singular } = luFactorInPlace(work, n, pivots);
  if (singular) return { sign: 0, logAbsDet: -Infinity };
  let sg: 1 | -1 = sign;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const u = work[i * n + i]!;
    if (u < 0) sg = sg === 1 ? -1 : 1;
    s += Math.log(Math.abs(u));
  }
  return { sign: sg, logAbsDet: s };
}
