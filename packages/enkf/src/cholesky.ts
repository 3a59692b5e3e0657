/**
 * A small dense Cholesky factorisation in Float64 for the J×J systems of ensemble Kalman
 * updates (J is the ensemble size, tens to a few hundred). tfjs has no linear solve, and the
 * system is tiny compared with the forward passes, so plain loops are the right tool.
 */
import { PhaseflowError, checkInteger } from '@phaseflow/core';

/**
 * Factor a symmetric positive-definite n×n matrix in place: on return the lower triangle of
 * `a` (row-major) holds L with A = L·Lᵀ; the strict upper triangle is zeroed.
 *
 * Equation: L_jj = √(A_jj − Σ_{k<j} L_jk²), L_ij = (A_ij − Σ_{k<j} L_ik L_jk) / L_jj.
 * Source: Golub & Van Loan, Matrix Computations (4th ed.), Algorithm 4.2.1.
 *
 * Throws CONVERGENCE_FAILURE when a pivot is not positive (A is not SPD to working precision).
 *
 * @example
 * ```ts
 * const a = Float64Array.of(4, 2, 2, 3);
 * choleskyFactor(a, 2); // a = [2, 0, 1, √2]
 * ```
 */
export function choleskyFactor(a: Float64Array, n: number): Float64Array {
  checkInteger('n', n, { min: 1 });
  if (!(a instanceof Float64Array) || a.length !== n * n) {
    throw new PhaseflowError('SHAPE_MISMATCH', `a: expected a Float64Array of length ${n * n}, received ${a?.length}`, {
      argument: 'a',
      expected: `Float64Array(${n * n})`,
      received: String(a?.length),
    });
  }
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) d -= a[rj + k]! * a[rj + k]!;
    if (!(d > 0) || !Number.isFinite(d)) {
      throw new PhaseflowError('CONVERGENCE_FAILURE', `choleskyFactor: pivot ${j} is ${d}; the matrix is not positive definite`, {
        argument: 'a',
        expected: 'a symmetric positive-definite matrix',
        received: `pivot ${j} = ${d}`,
      });
    }
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = s / ljj;
    }
    for (let i = j + 1; i < n; i++) a[rj + i] = 0;
  }
  return a;
}

/**
 * Solve A·x = b in place given the Cholesky factor L of A (from {@link choleskyFactor}):
 * forward substitution L·z = b, then back substitution Lᵀ·x = z. `b` is overwritten by x.
 *
 * Source: Golub & Van Loan, Matrix Computations (4th ed.), §4.2.
 *
 * @example
 * ```ts
 * const l = choleskyFactor(Float64Array.of(4, 2, 2, 3), 2);
 * const x = choleskySolve(l, 2, Float64Array.of(6, 5)); // x = [1, 1]
 * ```
 */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array): Float64Array {
  checkInteger('n', n, { min: 1 });
  if (l.length !== n * n || b.length !== n) {
    throw new PhaseflowError('SHAPE_MISMATCH', `choleskySolve: expected L of length ${n * n} and b of length ${n}, received ${l.length} and ${b.length}`, {
      argument: 'b',
      expected: `length ${n}`,
      received: `length ${b.length}`,
    });
  }
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[ri + k]! * b[k]!;
    b[i] = s / l[ri + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
  return b;
}
