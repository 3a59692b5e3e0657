/**
 * Dense Cholesky factorisation A = L·Lᵀ of a symmetric positive-definite matrix, and the
 * triangular solves that use it. One implementation for the whole workspace: the ridge
 * readouts of `@phaseflow/reservoir` (normal equations, many right-hand sides) and the J × J
 * systems of `@phaseflow/enkf` (one right-hand side per member) both call it.
 */
import { PhaseflowError, checkInteger, checkOneOf, checkOptions } from '@phaseflow/core';
import './errors.js';
import { choleskyUpdateKernel, type CholeskyUpdateKernel } from './cholesky-wasm.js';

function checkLengths(fn: string, n: number, a: Float64Array, argument: string, length: number): void {
  checkInteger('n', n, { min: 1 });
  if (!(a instanceof Float64Array) || a.length !== length) {
    const got = a instanceof Float64Array ? `length ${a.length}` : String(a);
    throw new PhaseflowError('SHAPE_MISMATCH', `${fn}: ${argument}: expected a Float64Array of length ${length}, received ${got}`, {
      argument,
      expected: `Float64Array(${length})`,
      received: got,
    });
  }
}

/**
 * Factor a symmetric positive-definite n × n matrix in place: on return the lower triangle of
 * `a` (row-major) holds L with A = L·Lᵀ and the strict upper triangle is zero. Only the lower
 * triangle of A is read.
 *
 * Equation: L_jj = √(A_jj − Σ_{k<j} L_jk²), L_ij = (A_ij − Σ_{k<j} L_ik L_jk) / L_jj.
 * Source: Golub & Van Loan, Matrix Computations (4th ed.), Algorithm 4.2.1. Four rows per
 * pass share the loads of row j; every entry is still summed in the order k = 0, 1, …
 *
 * Throws `NOT_POSITIVE_DEFINITE` when a pivot is not positive and finite (A is not SPD to
 * working precision), naming the pivot.
 *
 * @example
 * ```ts
 * const a = Float64Array.of(4, 2, 2, 3);
 * choleskyFactor(a, 2); // a = [2, 0, 1, √2]
 * ```
 */
export function choleskyFactor(a: Float64Array, n: number): Float64Array {
  checkLengths('choleskyFactor', n, a, 'a', n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) d -= a[rj + k]! * a[rj + k]!;
    if (!(d > 0) || !Number.isFinite(d)) {
      throw new PhaseflowError('NOT_POSITIVE_DEFINITE', `choleskyFactor: pivot ${j} is ${d}; the matrix is not positive definite`, {
        argument: 'a',
        expected: 'a symmetric positive-definite matrix',
        received: `pivot ${j} = ${d}`,
        pivot: j,
      });
    }
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    const inv = 1 / ljj;
    let i = j + 1;
    for (; i + 3 < n; i += 4) {
      const r0 = i * n,
        r1 = r0 + n,
        r2 = r1 + n,
        r3 = r2 + n;
      let s0 = a[r0 + j]!,
        s1 = a[r1 + j]!,
        s2 = a[r2 + j]!,
        s3 = a[r3 + j]!;
      for (let k = 0; k < j; k++) {
        const l = a[rj + k]!;
        s0 -= a[r0 + k]! * l;
        s1 -= a[r1 + k]! * l;
        s2 -= a[r2 + k]! * l;
        s3 -= a[r3 + k]! * l;
      }
      a[r0 + j] = s0 * inv;
      a[r1 + j] = s1 * inv;
      a[r2 + j] = s2 * inv;
      a[r3 + j] = s3 * inv;
    }
    for (; i + 1 < n; i += 2) {
      const ri = i * n,
        rk = ri + n;
      let s = a[ri + j]!,
        t = a[rk + j]!;
      for (let k = 0; k < j; k++) {
        const l = a[rj + k]!;
        s -= a[ri + k]! * l;
        t -= a[rk + k]! * l;
      }
      a[ri + j] = s * inv;
      a[rk + j] = t * inv;
    }
    for (; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = s * inv;
    }
    for (let c = j + 1; c < n; c++) a[rj + c] = 0;
  }
  return a;
}

/**
 * Solve A·X = B in place given the Cholesky factor L of A (from {@link choleskyFactor}):
 * forward substitution L·Z = B, then back substitution Lᵀ·X = Z. `b` holds `columns`
 * right-hand sides (n × columns, row-major; default one) and is overwritten by X. Only the
 * lower triangle of `l` is read.
 *
 * Source: Golub & Van Loan, Matrix Computations (4th ed.), §4.2 and §3.1.
 *
 * @example
 * ```ts
 * const l = choleskyFactor(Float64Array.of(4, 2, 2, 3), 2);
 * choleskySolve(l, 2, Float64Array.of(6, 5)); // ≈ [1, 1]
 * ```
 */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array, columns = 1): Float64Array {
  checkLengths('choleskySolve', n, l, 'l', n * n);
  checkInteger('columns', columns, { min: 1 });
  checkLengths('choleskySolve', n, b, 'b', n * columns);
  const m = columns;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < m; k++) {
      let s = b[i * m + k]!;
      for (let j = 0; j < i; j++) s -= l[ri + j]! * b[j * m + k]!;
      b[i * m + k] = s / l[ri + i]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = 0; k < m; k++) {
      let s = b[i * m + k]!;
      for (let j = i + 1; j < n; j++) s -= l[j * n + i]! * b[j * m + k]!;
      b[i * m + k] = s / l[i * n + i]!;
    }
  }
  return b;
}

/** Options of {@link choleskyFactorBlocked}. */
export interface CholeskyBlockedOptions {
  /** Columns per block (≥ 4). Default 64: the block's rows of L stay in the L2 cache while every row below is updated by them. */
  readonly block?: number;
  /**
   * `'auto'` (default): from 128 columns the whole tiles of the trailing updates run in
   * WebAssembly SIMD where the engine validates it; `'js'`: always JavaScript. The same bits.
   */
  readonly kernel?: 'auto' | 'js';
}

/**
 * {@link choleskyFactor} by blocks of columns (the left-looking blocked variant of Golub &
 * Van Loan §4.2.9; LAPACK's dpotrf blocks the same way): for each block column J, the rows
 * below are first updated by every finished column k < J in 4 × 4 register tiles,
 * A_IJ −= L_I,<J · L_J,<Jᵀ, then J is factored by the unblocked recurrences over its own
 * columns. Each entry is still the same sum, L_ij = (A_ij − Σ_{k<j} L_ik L_jk)/L_jj, only
 * grouped differently, so the result equals the unblocked factor to rounding (tested to 1e-13
 * relative). Cache-friendly: for n in the thousands (a 2000-unit ridge readout) the unblocked
 * loop streams whole rows of L from memory for every column.
 *
 * Same contract as {@link choleskyFactor}: in place, lower triangle read, `NOT_POSITIVE_DEFINITE`
 * naming the pivot.
 *
 * @example
 * ```ts
 * const a = Float64Array.of(4, 2, 2, 3);
 * choleskyFactorBlocked(a, 2); // a = [2, 0, 1, √2]
 * ```
 */
export function choleskyFactorBlocked(a: Float64Array, n: number, options: CholeskyBlockedOptions = {}): Float64Array {
  checkLengths('choleskyFactorBlocked', n, a, 'a', n * n);
  const o = checkOptions('options', options, ['block', 'kernel']);
  const nb = o.block === undefined ? 64 : checkInteger('options.block', o.block, { min: 4 });
  const choice = o.kernel === undefined ? 'auto' : checkOneOf('options.kernel', o.kernel, ['auto', 'js'] as const);
  // From 128 columns the trailing updates' whole tiles run in WebAssembly SIMD on a copy of the
  // matrix in the kernel's memory (the same bits as the JavaScript tiles); copied back at the end,
  // also when a pivot fails.
  const kernel = choice === 'auto' && n >= 128 ? choleskyUpdateKernel(n, nb) : undefined;
  if (kernel === undefined) return factorBlocked(a, n, nb, undefined);
  const w = kernel.a;
  w.set(a.subarray(0, n * n));
  try {
    factorBlocked(w, n, nb, kernel);
  } finally {
    a.set(w);
  }
  return a;
}

/** The blocked factorisation of {@link choleskyFactorBlocked} on `a`, the whole inner tiles of each update by `kernel` when given (then `a` is its matrix). */
function factorBlocked(a: Float64Array, n: number, nb: number, kernel: CholeskyUpdateKernel | undefined): Float64Array {
  for (let j0 = 0; j0 < n; j0 += nb) {
    const j1 = Math.min(n, j0 + nb);
    if (j0 > 0) {
      kernel?.update(j0, j1);
      updateBlockColumn(a, n, j0, j1, kernel !== undefined);
    }
    for (let j = j0; j < j1; j++) {
      const rj = j * n;
      let d = a[rj + j]!;
      for (let k = j0; k < j; k++) d -= a[rj + k]! * a[rj + k]!;
      if (!(d > 0) || !Number.isFinite(d)) {
        throw new PhaseflowError('NOT_POSITIVE_DEFINITE', `choleskyFactorBlocked: pivot ${j} is ${d}; the matrix is not positive definite`, {
          argument: 'a',
          expected: 'a symmetric positive-definite matrix',
          received: `pivot ${j} = ${d}`,
          pivot: j,
        });
      }
      const ljj = Math.sqrt(d);
      a[rj + j] = ljj;
      const inv = 1 / ljj;
      let i = j + 1;
      for (; i + 3 < n; i += 4) {
        const r0 = i * n,
          r1 = r0 + n,
          r2 = r1 + n,
          r3 = r2 + n;
        let s0 = a[r0 + j]!,
          s1 = a[r1 + j]!,
          s2 = a[r2 + j]!,
          s3 = a[r3 + j]!;
        for (let k = j0; k < j; k++) {
          const l = a[rj + k]!;
          s0 -= a[r0 + k]! * l;
          s1 -= a[r1 + k]! * l;
          s2 -= a[r2 + k]! * l;
          s3 -= a[r3 + k]! * l;
        }
        a[r0 + j] = s0 * inv;
        a[r1 + j] = s1 * inv;
        a[r2 + j] = s2 * inv;
        a[r3 + j] = s3 * inv;
      }
      for (; i < n; i++) {
        const ri = i * n;
        let s = a[ri + j]!;
        for (let k = j0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
        a[ri + j] = s * inv;
      }
    }
  }
  for (let i = 0; i < n; i++) a.fill(0, i * n + i + 1, (i + 1) * n);
  return a;
}

/**
 * A_ij −= Σ_{k<j0} L_ik L_jk for rows i ≥ j0 and columns j0 ≤ j < j1, j ≤ i: 4 × 4 tiles where
 * whole, dot products elsewhere; with `innerDone`, the whole tiles strictly inside the lower
 * triangle (j + 3 ≤ i) were updated by the WebAssembly kernel and are skipped.
 */
function updateBlockColumn(a: Float64Array, n: number, j0: number, j1: number, innerDone: boolean): void {
  for (let i = j0; i < n; i += 4) {
    const full = i + 3 < n;
    for (let j = j0; j < j1 && j <= i + 3; j += 4) {
      if (full && j + 3 < j1) {
        if (innerDone && j + 3 <= i) continue;
        const r0 = i * n,
          r1 = r0 + n,
          r2 = r1 + n,
          r3 = r2 + n;
        const q0 = j * n,
          q1 = q0 + n,
          q2 = q1 + n,
          q3 = q2 + n;
        let c00 = 0,
          c01 = 0,
          c02 = 0,
          c03 = 0,
          c10 = 0,
          c11 = 0,
          c12 = 0,
          c13 = 0,
          c20 = 0,
          c21 = 0,
          c22 = 0,
          c23 = 0,
          c30 = 0,
          c31 = 0,
          c32 = 0,
          c33 = 0;
        for (let k = 0; k < j0; k++) {
          const b0 = a[q0 + k]!,
            b1 = a[q1 + k]!,
            b2 = a[q2 + k]!,
            b3 = a[q3 + k]!;
          let x = a[r0 + k]!;
          c00 += x * b0;
          c01 += x * b1;
          c02 += x * b2;
          c03 += x * b3;
          x = a[r1 + k]!;
          c10 += x * b0;
          c11 += x * b1;
          c12 += x * b2;
          c13 += x * b3;
          x = a[r2 + k]!;
          c20 += x * b0;
          c21 += x * b1;
          c22 += x * b2;
          c23 += x * b3;
          x = a[r3 + k]!;
          c30 += x * b0;
          c31 += x * b1;
          c32 += x * b2;
          c33 += x * b3;
        }
        const c = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
        for (let r = 0; r < 4; r++) for (let s = 0; s < 4; s++) if (j + s <= i + r) a[(i + r) * n + j + s]! -= c[4 * r + s]!;
        continue;
      }
      for (let r = i; r < Math.min(n, i + 4); r++) {
        for (let s = j; s < Math.min(j1, j + 4) && s <= r; s++) {
          let d = 0;
          const rr = r * n,
            ss = s * n;
          for (let k = 0; k < j0; k++) d += a[rr + k]! * a[ss + k]!;
          a[rr + s]! -= d;
        }
      }
    }
  }
}
