/**
 * A small singular value decomposition by one-sided Jacobi (Hestenes 1958): rotate pairs of
 * columns of A until all are mutually orthogonal; their norms are the singular values, the
 * normalised columns U, the accumulated rotations V. Accurate (high relative accuracy on
 * well-scaled columns) and simple; for matrices of tens to a few hundred columns.
 * J. Demmel, K. Veselić, "Jacobi's method is more accurate than QR", SIAM J. Matrix Anal.
 * Appl. 13(4):1204–1245, 1992; Golub & Van Loan, Matrix Computations (4th ed.), §8.6.
 */
import { PhaseflowError, checkInteger, checkOptions } from '@phaseflow/core';
import { checkMatrix } from './check.js';
import type { Matrix } from './matrix.js';

/** What {@link svd} returns: A = U·diag(s)·Vᵀ, k = min(rows, cols). */
export interface SvdResult {
  /** rows × k, orthonormal columns. */
  readonly u: Matrix;
  /** The k singular values, descending, ≥ 0. */
  readonly s: Float64Array;
  /** cols × k, orthonormal columns. */
  readonly v: Matrix;
  /** Jacobi sweeps taken. */
  readonly sweeps: number;
}

/** Options of {@link svd}. */
export interface SvdOptions {
  /** Sweeps before giving up with `CONVERGENCE_FAILURE`. Default 60. */
  maxSweeps?: number;
}

/**
 * Thin SVD of a `rows × cols` matrix by one-sided Jacobi rotations (on Aᵀ when rows < cols).
 *
 * Equation: for each column pair (p, q) with α = ‖a_p‖², β = ‖a_q‖², γ = a_pᵀa_q, the rotation
 * with ζ = (β − α)/(2γ), t = sign(ζ)/(|ζ| + √(1 + ζ²)) makes a_p ⊥ a_q; at convergence
 * σ_j = ‖a_j‖, u_j = a_j/σ_j, V = Π J (Hestenes 1958; Demmel & Veselić 1992). A pair counts
 * as orthogonal once |γ| ≤ √m·eps·√(αβ) (m = the longer side), LAPACK dgesvj's default when
 * vectors are computed (Drmač & Veselić 2008): the rounding error of γ itself is of that size.
 *
 * Columns of U belonging to (numerically) zero singular values are completed to an
 * orthonormal set, so UᵀU = I always.
 *
 * @example
 * ```ts
 * const { s } = svd(matrix(2, 2, Float64Array.of(3, 0, 4, 5)));
 * s; // [√45, √5] ≈ [6.708, 2.236]
 * ```
 */
export function svd(a: Matrix, options?: SvdOptions): SvdResult {
  const o = checkOptions('options', options, ['maxSweeps']);
  const maxSweeps = o.maxSweeps === undefined ? 60 : checkInteger('options.maxSweeps', o.maxSweeps, { min: 1 });
  checkMatrix('a', a);
  const tall = a.rows >= a.cols;
  // Work on B = A (tall) or Aᵀ (wide), m ≥ n; columns stored contiguously: g[j·m + i] = B_ij.
  const m = tall ? a.rows : a.cols,
    n = tall ? a.cols : a.rows;
  // Scaled by the largest entry (σ rescaled at the end), so squares stay in range.
  let scale = 0;
  for (let i = 0; i < a.data.length; i++) scale = Math.max(scale, Math.abs(a.data[i]!));
  const div = scale > 0 ? scale : 1;
  const g = new Float64Array(m * n);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) {
      if (tall) g[j * m + i] = a.data[i * a.cols + j]! / div;
      else g[i * m + j] = a.data[i * a.cols + j]! / div;
    }
  }
  const w = new Float64Array(n * n); // V columns, contiguous
  for (let j = 0; j < n; j++) w[j * n + j] = 1;
  const eps = Number.EPSILON;
  // Orthogonality threshold of LAPACK's dgesvj when vectors are wanted: columns p, q count as
  // orthogonal once |a_pᵀa_q| ≤ √m·eps·‖a_p‖‖a_q‖. The computed a_pᵀa_q of two orthogonal
  // columns carries a rounding error of that size, so a threshold of eps alone can keep
  // rotating forever (nearly orthogonal columns of nearly equal norms: the rotation angle is
  // about 45° and each rotation re-creates a γ of the same rounding size).
  const tol = Math.sqrt(m) * eps;
  let sweeps = 0;
  for (;;) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      const gp = p * m;
      for (let q = p + 1; q < n; q++) {
        const gq = q * m;
        let alpha = 0,
          beta = 0,
          gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = g[gp + i]!,
            y = g[gq + i]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        // Already orthogonal to working precision (alpha or beta 0 covers underflowed columns).
        if (gamma === 0 || alpha === 0 || beta === 0 || Math.abs(gamma) <= tol * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.abs(zeta) > 1e150 ? 1 / (2 * zeta) : (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t),
          s = c * t;
        for (let i = 0; i < m; i++) {
          const x = g[gp + i]!,
            y = g[gq + i]!;
          g[gp + i] = c * x - s * y;
          g[gq + i] = s * x + c * y;
        }
        const wp = p * n,
          wq = q * n;
        for (let i = 0; i < n; i++) {
          const x = w[wp + i]!,
            y = w[wq + i]!;
          w[wp + i] = c * x - s * y;
          w[wq + i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
    sweeps++;
    if (sweeps === maxSweeps) {
      throw new PhaseflowError('CONVERGENCE_FAILURE', `svd: columns not orthogonal after ${maxSweeps} one-sided Jacobi sweeps`, { argument: 'a', sweeps });
    }
  }
  const sigma = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let big = 0;
    for (let i = 0; i < m; i++) big = Math.max(big, Math.abs(g[j * m + i]!));
    let s2 = 0;
    if (big > 0) for (let i = 0; i < m; i++) s2 += (g[j * m + i]! / big) ** 2;
    sigma[j] = big * Math.sqrt(s2);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => sigma[y]! - sigma[x]!);
  const s = Float64Array.from(order, (j) => sigma[j]!);
  // Left vectors (m × n, columns contiguous), completed where σ is numerically zero.
  const uc = new Float64Array(m * n);
  const small = (s[0] ?? 0) * n * eps;
  for (let d = 0; d < n; d++) {
    const src = order[d]!;
    const off = d * m;
    if (s[d]! > small && s[d]! > 0) {
      for (let i = 0; i < m; i++) uc[off + i] = g[src * m + i]! / s[d]!;
      continue;
    }
    // Orthonormal completion: the unit vector e_r with the largest residual against u_0…u_{d−1}.
    let placed = false;
    for (let tries = 0; tries < m && !placed; tries++) {
      let bestR = 0,
        best = 0;
      for (let r = 0; r < m; r++) {
        let res = 1;
        for (let e = 0; e < d; e++) res -= uc[e * m + r]! ** 2;
        if (res > best) {
          best = res;
          bestR = r;
        }
      }
      uc.fill(0, off, off + m);
      uc[off + bestR] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let e = 0; e < d; e++) {
          let dot = 0;
          for (let i = 0; i < m; i++) dot += uc[e * m + i]! * uc[off + i]!;
          for (let i = 0; i < m; i++) uc[off + i]! -= dot * uc[e * m + i]!;
        }
      }
      let nrm = 0;
      for (let i = 0; i < m; i++) nrm += uc[off + i]! ** 2;
      nrm = Math.sqrt(nrm);
      if (nrm > 1e-8) {
        for (let i = 0; i < m; i++) uc[off + i]! /= nrm;
        placed = true;
      }
    }
  }
  // Back to row-major: U_B (m × n) and V_B (n × n); for a wide A swap them (A = V_B Σ U_Bᵀ).
  const UB = new Float64Array(m * n),
    VB = new Float64Array(n * n);
  for (let d = 0; d < n; d++) {
    for (let i = 0; i < m; i++) UB[i * n + d] = uc[d * m + i]!;
    const src = order[d]!;
    for (let i = 0; i < n; i++) VB[i * n + d] = w[src * n + i]!;
  }
  for (let d = 0; d < n; d++) s[d]! *= scale;
  const ub: Matrix = { rows: m, cols: n, data: UB },
    vb: Matrix = { rows: n, cols: n, data: VB };
  return tall ? { u: ub, s, v: vb, sweeps } : { u: vb, s, v: ub, sweeps };
}
