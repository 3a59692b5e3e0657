/**
 * Eigenvalues and eigenvectors of a real symmetric matrix by the cyclic Jacobi method: plane
 * rotations J(p, q, θ) chosen to zero a_pq, swept over all pairs until the off-diagonal part
 * is below unit roundoff relative to ‖A‖_F. Slower than tridiagonal QR for large n, but simple,
 * backward stable and accurate to high relative precision for small eigenvalues — the right
 * trade for the tens-by-tens matrices of this workspace (principal axes, Hessians, Gram
 * matrices). Golub & Van Loan, Matrix Computations (4th ed.), §8.5, Algorithms 8.5.1–8.5.3.
 */
import { PhaseflowError, checkInteger, checkOptions, checkPositive } from '@phaseflow/core';
import { checkSquare } from './check.js';

/** What {@link symmetricEigen} returns: A = V·diag(values)·Vᵀ. */
export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  readonly values: Float64Array;
  /** Eigenvectors, n × n row-major: column i (entries `vectors[r·n + i]`) belongs to `values[i]`; VᵀV = I. */
  readonly vectors: Float64Array;
  /** Jacobi sweeps taken. */
  readonly sweeps: number;
}

/** Options of {@link symmetricEigen}. */
export interface SymmetricEigenOptions {
  /** Sweeps before giving up with `CONVERGENCE_FAILURE`. Default 60 (convergence is quadratic; 6–10 is typical). */
  maxSweeps?: number;
  /**
   * Largest asymmetry max|a_ij − a_ji| accepted, relative to max|a_ij|. Default 1e-10; the
   * symmetric part (A + Aᵀ)/2 is what is decomposed.
   */
  symmetryTolerance?: number;
}

/**
 * Eigen-decomposition of a symmetric n × n matrix (row-major Float64Array): values ascending,
 * orthonormal vectors as the columns of an n × n array.
 *
 * Equation: A = V Λ Vᵀ; each rotation sets a'_pq = 0 with t = tan θ = sign(τ)/(|τ| + √(1 + τ²)),
 * τ = (a_qq − a_pp)/(2 a_pq) (Golub & Van Loan, Alg. 8.5.1).
 *
 * Throws `INVALID_ARGUMENT` when A is not symmetric to `symmetryTolerance`, `CONVERGENCE_FAILURE`
 * after `maxSweeps` sweeps.
 *
 * @example
 * ```ts
 * const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
 * values;  // [1, 3]
 * vectors; // columns ±(1, −1)/√2 and ±(1, 1)/√2
 * ```
 */
export function symmetricEigen(a: Float64Array, n: number, options?: SymmetricEigenOptions): SymmetricEigen {
  const o = checkOptions('options', options, ['maxSweeps', 'symmetryTolerance']);
  const maxSweeps = o.maxSweeps === undefined ? 60 : checkInteger('options.maxSweeps', o.maxSweeps, { min: 1 });
  const symTol = o.symmetryTolerance === undefined ? 1e-10 : checkPositive('options.symmetryTolerance', o.symmetryTolerance);
  checkSquare('a', a, n);
  let maxAbs = 0,
    asym = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      maxAbs = Math.max(maxAbs, Math.abs(a[i * n + j]!));
      asym = Math.max(asym, Math.abs(a[i * n + j]! - a[j * n + i]!));
    }
  }
  if (asym > symTol * maxAbs) {
    throw new PhaseflowError('INVALID_ARGUMENT', `a: expected a symmetric matrix, received max|a_ij − a_ji| = ${asym} (max|a_ij| = ${maxAbs})`, {
      argument: 'a',
      expected: `a symmetric matrix (asymmetry ≤ ${symTol} · max|a_ij|)`,
      received: `max|a_ij − a_ji| = ${asym}`,
    });
  }
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = 0.5 * (a[i * n + j]! + a[j * n + i]!);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  let frob2 = 0;
  for (let i = 0; i < n * n; i++) frob2 += A[i]! * A[i]!;
  const target = Number.EPSILON * Math.sqrt(frob2);
  let sweeps = 0;
  for (;;) {
    let off2 = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) off2 += A[i * n + j]! ** 2;
    if (Math.sqrt(off2) <= target) break;
    if (sweeps === maxSweeps) {
      throw new PhaseflowError('CONVERGENCE_FAILURE', `symmetricEigen: off-diagonal norm ${Math.sqrt(off2)} after ${maxSweeps} sweeps`, {
        argument: 'a',
        sweeps,
      });
    }
    sweeps++;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        if (apq === 0) continue;
        const tau = (A[q * n + q]! - A[p * n + p]!) / (2 * apq);
        const t = Math.abs(tau) > 1e150 ? 1 / (2 * tau) : (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t),
          s = t * c;
        // A ← Jᵀ A J: columns p, q, then rows p, q.
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p]!,
            akq = A[k * n + q]!;
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k]!,
            aqk = A[q * n + k]!;
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        A[p * n + q] = 0;
        A[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p]!,
            vkq = V[k * n + q]!;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => A[x * n + x]! - A[y * n + y]!);
  const values = new Float64Array(n),
    vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = A[src * n + src]!;
    for (let r = 0; r < n; r++) vectors[r * n + dst] = V[r * n + src]!;
  });
  return { values, vectors, sweeps };
}
