/**
 * Spectral radius of a sparse, non-symmetric matrix by restarted Arnoldi iteration.
 *
 * Power iteration is wrong for reservoir matrices: a random non-symmetric W has its
 * largest-modulus eigenvalues in complex-conjugate pairs (and many of nearly equal modulus,
 * by the circular law), so ‖Wᵏx‖ oscillates instead of converging. Arnoldi builds an
 * orthonormal Krylov basis V and the Hessenberg projection H = Vᵀ W V whose eigenvalues (Ritz
 * values) converge to the outermost eigenvalues first — what ARPACK's `eigs(W, k=1,
 * which='LM')` (ReservoirPy's choice) computes. The small H is solved densely (ml-matrix's
 * real Schur/EVD), and the iteration restarts from the leading Ritz vectors until the Ritz
 * residual ‖W y − λ y‖ = h_{m+1,m}·|e_mᵀ s| is below `tol·|λ|`.
 */
import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { PhaseflowError, checkInteger, checkOptions, checkPositive, checkFinite } from '@phaseflow/core';
import { checkCsr, csrScale, matVecUnchecked, type CsrMatrix } from './sparse.js';
import { toRandom } from './init.js';

/** Options of {@link spectralRadius}. */
export interface SpectralRadiusOptions {
  /** Krylov dimension per restart. Default min(n, 60). */
  readonly krylov?: number;
  /** Relative residual tolerance on the leading Ritz pair. Default 1e-10. */
  readonly tol?: number;
  /** Restarts before giving up with CONVERGENCE_FAILURE. Default 300. */
  readonly maxRestarts?: number;
  /** Seed of the start vector. Default 0. */
  readonly seed?: number;
}

/**
 * ρ(A) = max |λᵢ(A)| for a square CSR matrix, by restarted Arnoldi (Saad, *Numerical Methods
 * for Large Eigenvalue Problems*, 2011, ch. 6). Correct for non-symmetric A with complex
 * leading eigenvalues.
 *
 * @example
 * ```ts
 * const W = randomSparse({ rows: 500, cols: 500, connectivity: 0.1, seed: 1 });
 * const rho = spectralRadius(W); // ≈ sqrt(500 · 0.1) ≈ 7.07 by the circular law
 * ```
 */
export function spectralRadius(A: CsrMatrix, options: SpectralRadiusOptions = {}): number {
  checkCsr('A', A);
  if (A.rows !== A.cols) {
    throw new PhaseflowError('SHAPE_MISMATCH', `A: expected a square matrix, received ${A.rows} × ${A.cols}`, {
      argument: 'A',
      expected: 'a square matrix',
      received: `${A.rows} × ${A.cols}`,
    });
  }
  const o = checkOptions('options', options, ['krylov', 'tol', 'maxRestarts', 'seed']);
  const n = A.rows;
  const m = o.krylov === undefined ? Math.min(n, 60) : checkInteger('options.krylov', o.krylov, { min: 1, max: n });
  const tol = o.tol === undefined ? 1e-10 : checkPositive('options.tol', o.tol);
  const maxRestarts = o.maxRestarts === undefined ? 300 : checkInteger('options.maxRestarts', o.maxRestarts, { min: 0 });
  if (A.values.length === 0) return 0;
  const rng = toRandom('options.seed', o.seed);
  const V = new Float64Array((m + 1) * n);
  const H = new Float64Array((m + 1) * m);
  const w = new Float64Array(n);
  const start = new Float64Array(n);
  rng.fillNormal(start);
  let best = NaN;
  let bestResidual = Infinity;
  for (let restart = 0; restart <= maxRestarts; restart++) {
    // Arnoldi with twice-repeated modified Gram–Schmidt (numerically orthogonal basis).
    let nrm = norm(start, 0, n);
    if (nrm === 0) {
      rng.fillNormal(start);
      nrm = norm(start, 0, n);
    }
    for (let i = 0; i < n; i++) V[i] = start[i]! / nrm;
    H.fill(0);
    let k = m;
    let invariant = false;
    for (let j = 0; j < m; j++) {
      matVecUnchecked(A, V, j * n, w);
      const wn0 = norm(w, 0, n);
      for (let pass = 0; pass < 2; pass++) {
        for (let i = 0; i <= j; i++) {
          let d = 0;
          const off = i * n;
          for (let q = 0; q < n; q++) d += V[off + q]! * w[q]!;
          H[i * m + j]! += d;
          for (let q = 0; q < n; q++) w[q]! -= d * V[off + q]!;
        }
      }
      const h = norm(w, 0, n);
      H[(j + 1) * m + j] = h;
      if (h <= 1e-13 * Math.max(wn0, 1e-300)) {
        k = j + 1;
        invariant = true;
        break;
      }
      const off = (j + 1) * n;
      for (let q = 0; q < n; q++) V[off + q] = w[q]! / h;
    }
    const Hk = new MlMatrix(k, k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) Hk.set(i, j, H[i * m + j]!);
    const evd = new EigenvalueDecomposition(Hk, { assumeSymmetric: false });
    const re = evd.realEigenvalues;
    const im = evd.imaginaryEigenvalues;
    const vecs = evd.eigenvectorMatrix;
    // Rank Ritz values by modulus.
    const idx = Array.from({ length: k }, (_, i) => i).sort((a, b) => Math.hypot(re[b]!, im[b]!) - Math.hypot(re[a]!, im[a]!));
    const lead = idx[0]!;
    const rho = Math.hypot(re[lead]!, im[lead]!);
    const hNext = invariant ? 0 : H[k * m + (k - 1)]!;
    const residualOf = (i: number): number => {
      const [cr, ci] = ritzColumns(i, im);
      const last = Math.hypot(vecs.get(k - 1, cr), ci < 0 ? 0 : vecs.get(k - 1, ci));
      let s = 0;
      for (let r = 0; r < k; r++) s += vecs.get(r, cr) ** 2 + (ci < 0 ? 0 : vecs.get(r, ci) ** 2);
      return (Math.abs(hNext) * last) / Math.sqrt(s);
    };
    const res = residualOf(lead);
    if (res < bestResidual) {
      bestResidual = res;
      best = rho;
    }
    if (invariant || res <= tol * Math.max(rho, 1e-300)) return rho;
    // Explicit restart from a combination of the leading Ritz vectors (real and imaginary parts).
    start.fill(0);
    const keep = Math.min(k, Math.max(2, Math.floor(k / 6)));
    for (let t = 0; t < keep; t++) {
      const [cr, ci] = ritzColumns(idx[t]!, im);
      const weight = 1 / (1 + t);
      for (let r = 0; r < k; r++) {
        const c = weight * (vecs.get(r, cr) + (ci < 0 ? 0 : vecs.get(r, ci)));
        if (c === 0) continue;
        const off = r * n;
        for (let q = 0; q < n; q++) start[q]! += c * V[off + q]!;
      }
    }
  }
  throw new PhaseflowError(
    'CONVERGENCE_FAILURE',
    `spectralRadius: Arnoldi did not reach relative residual ${tol} in ${maxRestarts} restarts (best estimate ${best}, residual ${bestResidual}); raise options.krylov or options.tol`,
    { argument: 'A', estimate: best, residual: bestResidual },
    { partial: best },
  );
}

/** The eigenvector columns (real part, imaginary part or −1) of eigenvalue i in JAMA's real form. */
function ritzColumns(i: number, im: number[]): [number, number] {
  if (im[i] === 0) return [i, -1];
  // JAMA stores a conjugate pair (λ, λ̄) as columns i (real part) and i+1 (imaginary part).
  return im[i]! > 0 ? [i, i + 1] : [i - 1, i];
}

function norm(x: Float64Array, off: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[off + i]! * x[off + i]!;
  return Math.sqrt(s);
}

/**
 * `A · target/ρ(A)`: a copy of `A` rescaled to spectral radius `target`.
 *
 * @example
 * ```ts
 * const W = rescaleSpectralRadius(randomSparse({ rows: 100, cols: 100, seed: 2 }), 1.25);
 * ```
 */
export function rescaleSpectralRadius(A: CsrMatrix, target: number, options: SpectralRadiusOptions = {}): CsrMatrix {
  checkPositive('target', target);
  checkFinite('target', target);
  const rho = spectralRadius(A, options);
  if (!(rho > 0)) {
    throw new PhaseflowError('INVALID_ARGUMENT', 'A: has spectral radius 0 (nilpotent or empty); it cannot be rescaled', {
      argument: 'A',
      expected: 'a matrix with a non-zero eigenvalue',
      received: 'spectral radius 0',
    });
  }
  return csrScale(A, target / rho);
}
