/**
 * Spectral radius of a sparse, non-symmetric matrix by restarted Arnoldi iteration. The only
 * file of the workspace that uses ml-matrix: its real Schur / eigenvalue decomposition of the
 * small dense Hessenberg projection is the better tool than a second hand-written one.
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
import { PhaseflowError, checkAllocation, checkInteger, checkOptions, checkPositive, checkFinite, createRandom } from '@phaseflow/core';
import { checkCsr, csrScale, matVecUnchecked, spmv, type CsrMatrix } from './csr.js';

/** Options of {@link spectralRadius}. */
export interface SpectralRadiusOptions {
  /** Krylov dimension per restart. Default min(n, 60). */
  readonly krylov?: number;
  /** Relative residual tolerance ‖Wy − λy‖ ≤ tol·ρ·‖y‖ on the four outermost Ritz pairs. Default 1e-6 (ρ to about that relative accuracy or better: 3e-9 on a 2000-unit W). */
  readonly tol?: number;
  /** Restarts before giving up with CONVERGENCE_FAILURE. Default 300. */
  readonly maxRestarts?: number;
  /** Seed of the start vector (integer in [0, 2³²)). Default 0. */
  readonly seed?: number;
}

/**
 * ρ(A) = max |λᵢ(A)| for a square CSR matrix, by restarted Arnoldi (Saad, *Numerical Methods
 * for Large Eigenvalue Problems*, 2011, ch. 6). Correct for non-symmetric A with complex
 * leading eigenvalues.
 *
 * @example
 * ```ts
 * // Eigenvalues ±2i and 1: power iteration oscillates, Arnoldi finds ρ = 2.
 * const A = csrFromDense(3, 3, [0, -2, 0, 2, 0, 0, 0, 0, 1]);
 * spectralRadius(A); // 2
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
  const tol = o.tol === undefined ? 1e-6 : checkPositive('options.tol', o.tol);
  const maxRestarts = o.maxRestarts === undefined ? 300 : checkInteger('options.maxRestarts', o.maxRestarts, { min: 0 });
  if (A.values.length === 0) return 0;
  const rng = createRandom(o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 }));
  // V: basis vectors (rows), AV: their images. Thick restart (Morgan 2002; Stewart's
  // Krylov–Schur in spirit): the kept Ritz vectors plus the next Arnoldi direction span a
  // Krylov subspace again, so the outer eigenvalues keep converging across restarts.
  checkAllocation('options.krylov', m * n, 8);
  const V = new Float64Array(m * n);
  const AV = new Float64Array(m * n);
  const f = new Float64Array(n);
  const tmp = new Float64Array(n);
  rng.fillNormal(f);
  let q = orthonormalInto(V, 0, f, n) ? 1 : 0;
  let best = NaN;
  let bestResidual = Infinity;
  for (let restart = 0; restart <= maxRestarts; restart++) {
    let k = m;
    let invariant = false;
    for (let j = 0; j < m; j++) {
      spmv(A.rowPtr, A.colIdx, A.values, n, V, j * n, tmp);
      AV.set(tmp, j * n);
      if (j + 1 < q) continue; // the next basis vector is already there (kept Ritz vectors)
      if (j + 1 === m) break;
      if (!orthonormalInto(V, j + 1, tmp, n)) {
        k = j + 1;
        invariant = true;
        break;
      }
    }
    // H = Vᵀ A V on the k basis vectors.
    // Four columns per pass share the loads of V's row i (each entry summed over r in order).
    const Hk = new MlMatrix(k, k);
    for (let i = 0; i < k; i++) {
      const vi = i * n;
      let j = 0;
      for (; j + 3 < k; j += 4) {
        const a0 = j * n,
          a1 = a0 + n,
          a2 = a1 + n,
          a3 = a2 + n;
        let d0 = 0,
          d1 = 0,
          d2 = 0,
          d3 = 0;
        for (let r = 0; r < n; r++) {
          const v = V[vi + r]!;
          d0 += v * AV[a0 + r]!;
          d1 += v * AV[a1 + r]!;
          d2 += v * AV[a2 + r]!;
          d3 += v * AV[a3 + r]!;
        }
        Hk.set(i, j, d0);
        Hk.set(i, j + 1, d1);
        Hk.set(i, j + 2, d2);
        Hk.set(i, j + 3, d3);
      }
      for (; j < k; j++) {
        let d = 0;
        const aj = j * n;
        for (let r = 0; r < n; r++) d += V[vi + r]! * AV[aj + r]!;
        Hk.set(i, j, d);
      }
    }
    const evd = new EigenvalueDecomposition(Hk, { assumeSymmetric: false });
    const re = evd.realEigenvalues;
    const im = evd.imaginaryEigenvalues;
    const S = evd.eigenvectorMatrix;
    const idx = Array.from({ length: k }, (_, i) => i).sort((a, b) => Math.hypot(re[b]!, im[b]!) - Math.hypot(re[a]!, im[a]!));
    const lead = idx[0]!;
    const rho = Math.hypot(re[lead]!, im[lead]!);
    // Residual ‖A y − λ y‖ / ‖y‖ of a Ritz pair, y = V s (complex).
    const residualOf = (e: number): number => {
      const lr = re[e]!,
        li = im[e]!;
      const [cr, ci] = ritzColumns(e, im);
      const sr = new Float64Array(k),
        si = new Float64Array(k);
      for (let j = 0; j < k; j++) {
        sr[j] = S.get(j, cr);
        si[j] = ci < 0 ? 0 : li >= 0 ? S.get(j, ci) : -S.get(j, ci);
      }
      let rr = 0,
        yy = 0;
      for (let r = 0; r < n; r++) {
        let yr = 0,
          yi = 0,
          ar = 0,
          ai = 0;
        for (let j = 0; j < k; j++) {
          const v = V[j * n + r]!,
            a = AV[j * n + r]!;
          yr += v * sr[j]!;
          yi += v * si[j]!;
          ar += a * sr[j]!;
          ai += a * si[j]!;
        }
        const er = ar - (lr * yr - li * yi);
        const ei = ai - (lr * yi + li * yr);
        rr += er * er + ei * ei;
        yy += yr * yr + yi * yi;
      }
      return Math.sqrt(rr / yy);
    };
    // Converged when the few outermost Ritz pairs are (a lone converged pair can be an inner
    // eigenvalue the Krylov space found before the outermost one).
    const nev = Math.min(k, 4);
    let res = 0;
    for (let t = 0; t < nev && res <= tol * Math.max(rho, 1e-300); t++) res = Math.max(res, residualOf(idx[t]!));
    if (res < bestResidual) {
      bestResidual = res;
      best = rho;
    }
    if (invariant || res <= tol * Math.max(rho, 1e-300)) return rho;
    // The next Arnoldi direction (collinear with every Ritz residual).
    matVecUnchecked(A, V.subarray((k - 1) * n, k * n), 0, f);
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < k; i++) {
        let d = 0;
        for (let r = 0; r < n; r++) d += V[i * n + r]! * f[r]!;
        for (let r = 0; r < n; r++) f[r]! -= d * V[i * n + r]!;
      }
    }
    // Keep the leading Ritz vectors (real and imaginary parts, pairs kept whole), then f.
    const want = Math.max(1, Math.floor(k / 3));
    const cols: number[] = [];
    for (const i of idx) {
      if (cols.length >= want) break;
      const [a, b] = ritzColumns(i, im);
      if (!cols.includes(a)) cols.push(a);
      if (b >= 0 && !cols.includes(b)) cols.push(b);
    }
    const Y = new Float64Array(cols.length * n);
    cols.forEach((c, t) => {
      for (let j = 0; j < k; j++) {
        const sc = S.get(j, c);
        if (sc === 0) continue;
        const vj = j * n,
          yt = t * n;
        for (let r = 0; r < n; r++) Y[yt + r]! += sc * V[vj + r]!;
      }
    });
    q = 0;
    for (let t = 0; t < cols.length; t++) if (orthonormalInto(V, q, Y.subarray(t * n, (t + 1) * n), n)) q++;
    if (orthonormalInto(V, q, f, n)) q++;
  }
  throw new PhaseflowError(
    'CONVERGENCE_FAILURE',
    `spectralRadius: restarted Arnoldi did not reach relative residual ${tol} in ${maxRestarts} restarts (best estimate ${best}, residual ${bestResidual}); raise options.krylov or options.tol`,
    { argument: 'A', estimate: best, residual: bestResidual },
    { partial: best },
  );
}

/**
 * Orthogonalise `w` (copied) against rows 0…row−1 of V (modified Gram–Schmidt, twice) and
 * store it normalised as row `row`; false when w lies in their span.
 */
function orthonormalInto(V: Float64Array, row: number, w: Float64Array, n: number): boolean {
  const off = row * n;
  const nrm0 = norm(w, 0, n);
  if (nrm0 === 0) return false;
  for (let r = 0; r < n; r++) V[off + r] = w[r]!;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < row; i++) {
      let d = 0;
      const vi = i * n;
      for (let r = 0; r < n; r++) d += V[vi + r]! * V[off + r]!;
      for (let r = 0; r < n; r++) V[off + r]! -= d * V[vi + r]!;
    }
  }
  const nrm = norm(V, off, n);
  if (nrm <= 1e-12 * nrm0) return false;
  for (let r = 0; r < n; r++) V[off + r]! /= nrm;
  return true;
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
 * const W = rescaleSpectralRadius(csrFromDense(2, 2, [0, -2, 2, 0]), 1.25); // [[0, −1.25], [1.25, 0]]
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
