/**
 * Spectral radius of a sparse, non-symmetric matrix by restarted Arnoldi iteration.
 *
 * Power iteration is wrong for reservoir matrices: a random non-symmetric W has its
 * largest-modulus eigenvalues in complex-conjugate pairs (and many of nearly equal modulus,
 * by the circular law), so ‖Wᵏx‖ oscillates instead of converging. Arnoldi builds an
 * orthonormal Krylov basis V and the Hessenberg projection H = Vᵀ W V whose eigenvalues (Ritz
 * values) converge to the outermost eigenvalues first — what ARPACK's `eigs(W, k=1,
 * which='LM')` (ReservoirPy's choice) computes. The small H is solved densely ({@link generalEigen}:
 * Hessenberg reduction and Francis double-shift QR on flat arrays), and the iteration restarts from the leading Ritz vectors until the Ritz
 * residual ‖W y − λ y‖ = h_{m+1,m}·|e_mᵀ s| is below `tol·|λ|`.
 */
import { PhaseflowError, checkAllocation, checkInteger, checkOneOf, checkOptions, checkPositive, checkFinite, createRandom } from '@phaseflow/core';
import { checkCsr, csrScale, type CsrMatrix } from './csr.js';
import { createSpmvKernel } from './spmv-wasm.js';
import { eigenInto } from './general-eigen.js';
import { denseInstance } from './dense-wasm.js';

/** Options of {@link spectralRadius}. */
export interface SpectralRadiusOptions {
  /** Krylov dimension per restart. Default n up to 60 (the whole space: one pass), else 40. */
  readonly krylov?: number;
  /** Relative residual tolerance ‖Wy − λy‖ ≤ tol·ρ·‖y‖ on the four outermost Ritz pairs. Default 1e-6 (ρ to about that relative accuracy or better: 3e-9 on a 2000-unit W). */
  readonly tol?: number;
  /** Restarts before giving up with CONVERGENCE_FAILURE. Default 300. */
  readonly maxRestarts?: number;
  /** Seed of the start vector (integer in [0, 2³²)). Default 0. */
  readonly seed?: number;
  /**
   * `'auto'` (default): the products with A and the dense work of each restart in WebAssembly
   * kernels where WebAssembly runs, else JavaScript; `'js'`: all in JavaScript. The same bits.
   */
  readonly kernel?: 'auto' | 'js';
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
  const o = checkOptions('options', options, ['krylov', 'tol', 'maxRestarts', 'seed', 'kernel']);
  const n = A.rows;
  const m = o.krylov === undefined ? (n <= 60 ? n : 40) : checkInteger('options.krylov', o.krylov, { min: 1, max: n });
  const tol = o.tol === undefined ? 1e-6 : checkPositive('options.tol', o.tol);
  const maxRestarts = o.maxRestarts === undefined ? 300 : checkInteger('options.maxRestarts', o.maxRestarts, { min: 0 });
  const kernelChoice = o.kernel === undefined ? 'auto' : checkOneOf('options.kernel', o.kernel, ['auto', 'js'] as const);
  if (A.values.length === 0) return 0;
  const rng = createRandom(o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 }));
  // Krylov–Schur (Stewart 2001) keeping the Ritz basis of the wanted eigenvalues at each
  // restart. Invariant: A·V_k = V_k·H_k + β·v_k·e_kᵀ with V (k + 1 orthonormal rows) and H
  // (k × k) — so the residual of a Ritz pair (λ, y = V_k s) is β·|s_k|/‖s‖ without touching
  // A, and a restart onto the kept Ritz vectors (V_k·Q, Q orthonormal k × p spanning the
  // wanted eigenvectors of H_k) is again such a relation with H_p = QᵀH_kQ and the border
  // row β·e_kᵀQ: no product with A is recomputed and no A·V is stored.
  checkAllocation('options.krylov', (m + 1) * n, 8);
  // Every array is a view of one heap: the dense kernels' WebAssembly memory where it runs (the
  // kernels run there from the first restart of a fresh process, where these functions would
  // run unoptimised), else plain doubles for the JavaScript twins. The same bits either way.
  const total = (2 * m + 1) * n + (m + 1) * m + n + 2 * (m + 1) + 4 * m * m + 5 * m;
  const dense = kernelChoice === 'js' ? null : denseInstance(total);
  const x = dense?.exports ?? null;
  const heap = dense?.heap ?? new Float64Array(total);
  let at = 0;
  const take = (length: number): Float64Array => heap.subarray(at, (at += length));
  const V = take((m + 1) * n);
  const H = take((m + 1) * m); // row-major, (m + 1) × m, H[i·m + j]
  const w = take(n);
  const h = take(m + 1);
  const c = take(m + 1);
  const scratch = take(m * n);
  const Hk = take(m * m);
  const S = take(m * m);
  const Q = take(m * m);
  const HQ = take(m * m);
  const re = take(m);
  const im = take(m);
  const col = take(m);
  const eigenScratch = take(2 * m);
  const wNorm = (): number => (x === null ? norm(w, 0, n) : x.norm(w.byteOffset, 0, n));
  const gramSchmidt = (rows: number): void =>
    x === null ? gramSchmidtPass(V, rows, n, w, h, c) : x.gramSchmidtPass(V.byteOffset, rows, n, w.byteOffset, h.byteOffset, c.byteOffset);
  const wInto = (row: number, d: number): void => (x === null ? divideInto(V, row * n, w, d, n) : x.divideInto(V.byteOffset, row * n, w.byteOffset, d, n));
  // A·v in the WebAssembly kernel (same bits as csr.ts's loop): v copied in, A·v read out.
  const kernel = createSpmvKernel(A, { kernel: kernelChoice });
  rng.fillNormal(w);
  wInto(0, wNorm());
  let p = 0; // columns of H already filled (the kept block after a restart)
  let best = NaN;
  let bestResidual = Infinity;
  for (let restart = 0; restart <= maxRestarts; restart++) {
    let k = m;
    let beta = 0;
    for (let j = p; j < m; j++) {
      kernel.x.set(V.subarray(j * n, (j + 1) * n));
      kernel.apply();
      w.set(kernel.y);
      const before = wNorm();
      if (!Number.isFinite(before)) {
        // ‖A·v‖ past the largest double (A's entries beyond about 1e150): the iteration would
        // take the overflow for an invariant subspace and return a wrong radius.
        throw new PhaseflowError(
          'NON_FINITE_STATE',
          `spectralRadius: ‖A·v‖ overflowed at restart ${restart}, Krylov step ${j} (A's entries are too large for the iteration; scale A, e.g. by 1/max|a_ij|, and the radius with it)`,
          { argument: 'A', expected: 'a matrix whose products with unit vectors have a finite norm', received: `‖A·v‖ = ${before}` },
        );
      }
      // Classical Gram–Schmidt against v_0…v_j, repeated when the DGKS criterion says the
      // pass cancelled too much (Daniel, Gragg, Kaufman & Stewart 1976: ‖w′‖ < ‖w‖/√2, as in
      // ARPACK's dgetv0/dnaitr); twice is enough (Giraud et al. 2005).
      h.fill(0, 0, j + 1);
      gramSchmidt(j + 1);
      if (wNorm() < Math.SQRT1_2 * before) gramSchmidt(j + 1);
      for (let i = 0; i <= j; i++) H[i * m + j] = h[i]!;
      for (let i = j + 2; i <= m; i++) H[i * m + j] = 0;
      beta = wNorm();
      H[(j + 1) * m + j] = beta;
      if (!(beta > 1e-12 * before)) {
        // An invariant subspace: its Ritz values are eigenvalues of A.
        k = j + 1;
        beta = 0;
        break;
      }
      wInto(j + 1, beta);
    }
    const block = Hk.subarray(0, k * k);
    if (x === null) leadingBlock(H, m, k, block);
    else x.leadingBlock(H.byteOffset, m, k, block.byteOffset);
    eigenInto(block, S.subarray(0, k * k), re.subarray(0, k), im.subarray(0, k), eigenScratch, k, 30 * k, x);
    const modulus = Array.from({ length: k }, (_, i) => Math.hypot(re[i]!, im[i]!));
    const idx = Array.from({ length: k }, (_, i) => i).sort((a, b) => modulus[b]! - modulus[a]!);
    const rho = modulus[idx[0]!]!;
    // Residual ‖A y − λ y‖/‖y‖ = β·|s_k|/‖s‖ of a Ritz pair (s complex: its real-part and imaginary-part columns).
    const residualOf = (e: number): number => {
      const [cr, ci] = ritzColumns(e, im);
      let ss = 0;
      for (let j = 0; j < k; j++) ss += S[j * k + cr]! ** 2 + (ci < 0 ? 0 : S[j * k + ci]! ** 2);
      const last = Math.hypot(S[(k - 1) * k + cr]!, ci < 0 ? 0 : S[(k - 1) * k + ci]!);
      return ss > 0 ? (beta * last) / Math.sqrt(ss) : Infinity;
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
    if (beta === 0 || res <= tol * Math.max(rho, 1e-300)) return rho;
    // Keep the leading Ritz vectors (real and imaginary parts, pairs kept whole): Q, an
    // orthonormal basis (coordinates in V_k, one row per kept vector) of their span.
    const want = Math.max(1, Math.floor(k / 3));
    const cols: number[] = [];
    for (const i of idx) {
      if (cols.length >= want) break;
      const [a, b] = ritzColumns(i, im);
      if (!cols.includes(a)) cols.push(a);
      if (b >= 0 && !cols.includes(b)) cols.push(b);
    }
    let q = 0;
    for (const cc of cols) {
      for (let j = 0; j < k; j++) col[j] = S[j * k + cc]!;
      if (x === null ? orthonormalInto(Q, q, col, k) : x.orthonormalInto(Q.byteOffset, q, col.byteOffset, k) !== 0) q++;
    }
    // V_p = V_k·Q (through scratch); the continuation vector v_k becomes v_p.
    if (x === null) combineRows(scratch, Q, V, q, k, n);
    else x.combineRows(scratch.byteOffset, Q.byteOffset, V.byteOffset, q, k, n);
    V.copyWithin(q * n, k * n, (k + 1) * n);
    V.set(scratch.subarray(0, q * n));
    // H_p = QᵀH_kQ and the border row β·e_kᵀQ; below it, zeros.
    if (x === null) projectHessenberg(H, m, Q, k, q, HQ);
    else x.projectHessenberg(H.byteOffset, m, Q.byteOffset, k, q, HQ.byteOffset);
    for (let t = 0; t < q; t++) H[q * m + t] = beta * Q[t * k + k - 1]!;
    for (let i = q + 1; i <= m; i++) for (let t = 0; t < q; t++) H[i * m + t] = 0;
    p = q;
  }
  throw new PhaseflowError(
    'CONVERGENCE_FAILURE',
    `spectralRadius: restarted Arnoldi did not reach relative residual ${tol} in ${maxRestarts} restarts (best estimate ${best}, residual ${bestResidual}); raise options.krylov or options.tol`,
    { argument: 'A', estimate: best, residual: bestResidual },
    { partial: best },
  );
}

// The restart's loops are small functions of their own, each with its twin in the dense
// WebAssembly module (assembly/dense.ts, the same operations in the same order): the module
// runs them by default, these where WebAssembly cannot (and as the reference of the tests).

/**
 * out[t·n …] = Σ_j Q[t·k + j]·V[j·n …] for t < q: the kept Ritz vectors V_k·Q, row by row.
 * Two output rows and four rows of V per sweep (eight multiply–adds per four loads of V).
 */
function combineRows(out: Float64Array, Q: Float64Array, V: Float64Array, q: number, k: number, n: number): void {
  out.fill(0, 0, q * n);
  let t = 0;
  for (; t + 1 < q; t += 2) {
    const y0 = t * n,
      q0 = t * k;
    let j = 0;
    for (; j + 3 < k; j += 4) twoRowsFour(out, y0, Q, q0 + j, k, V, j * n, n);
    for (; j < k; j++) {
      axpy(out, y0, Q[q0 + j]!, V, j * n, n);
      axpy(out, y0 + n, Q[q0 + k + j]!, V, j * n, n);
    }
  }
  for (; t < q; t++) for (let j = 0; j < k; j++) axpy(out, t * n, Q[t * k + j]!, V, j * n, n);
}

/** out[y …] += Σ_{i<4} Q[a + i]·V[x + i·n …] and out[y + n …] += Σ_{i<4} Q[a + k + i]·V[x + i·n …]. */
function twoRowsFour(out: Float64Array, y: number, Q: Float64Array, a: number, k: number, V: Float64Array, x: number, n: number): void {
  const a0 = Q[a]!,
    a1 = Q[a + 1]!,
    a2 = Q[a + 2]!,
    a3 = Q[a + 3]!,
    b0 = Q[a + k]!,
    b1 = Q[a + k + 1]!,
    b2 = Q[a + k + 2]!,
    b3 = Q[a + k + 3]!;
  const x1 = x + n,
    x2 = x1 + n,
    x3 = x2 + n,
    y1 = y + n;
  for (let r = 0; r < n; r++) {
    const v0 = V[x + r]!,
      v1 = V[x1 + r]!,
      v2 = V[x2 + r]!,
      v3 = V[x3 + r]!;
    out[y + r]! += a0 * v0 + a1 * v1 + a2 * v2 + a3 * v3;
    out[y1 + r]! += b0 * v0 + b1 * v1 + b2 * v2 + b3 * v3;
  }
}

/** out[o …] += a·x[xo …], n entries. */
function axpy(out: Float64Array, o: number, a: number, x: Float64Array, xo: number, n: number): void {
  for (let r = 0; r < n; r++) out[o + r]! += a * x[xo + r]!;
}

/** out[o + r] = x[r]/d for r < n. */
function divideInto(out: Float64Array, o: number, x: Float64Array, d: number, n: number): void {
  for (let r = 0; r < n; r++) out[o + r] = x[r]! / d;
}

/** out = the leading k × k block of H (row stride m), k × k row-major. */
function leadingBlock(H: Float64Array, m: number, k: number, out: Float64Array): void {
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out[i * k + j] = H[i * m + j]!;
}

/** H[0…q, 0…q) (row stride m) = Q·H_k·Qᵀ for the k × k block H_k of H and Q (q rows of k), through HQ (k·q doubles). */
function projectHessenberg(H: Float64Array, m: number, Q: Float64Array, k: number, q: number, HQ: Float64Array): void {
  timesTransposed(H, m, Q, k, q, HQ);
  transposedTimes(Q, k, HQ, q, H, m);
}

/** HQ (k × q) = H_k·Qᵀ: H_k the k × k block of H (row stride m), Q q rows of k. */
function timesTransposed(H: Float64Array, m: number, Q: Float64Array, k: number, q: number, HQ: Float64Array): void {
  for (let i = 0; i < k; i++) {
    for (let t = 0; t < q; t++) {
      let d = 0;
      for (let j = 0; j < k; j++) d += H[i * m + j]! * Q[t * k + j]!;
      HQ[i * q + t] = d;
    }
  }
}

/** H[0…q, 0…q) (row stride m) = Q·HQ: Q q rows of k, HQ k × q. */
function transposedTimes(Q: Float64Array, k: number, HQ: Float64Array, q: number, H: Float64Array, m: number): void {
  for (let a = 0; a < q; a++) {
    for (let t = 0; t < q; t++) {
      let d = 0;
      for (let i = 0; i < k; i++) d += Q[a * k + i]! * HQ[i * q + t]!;
      H[a * m + t] = d;
    }
  }
}

/**
 * One classical Gram–Schmidt pass of w against rows 0…rows−1 of V: c = V·w, w −= Vᵀ·c,
 * c added into h. Four rows per sweep share the loads of w.
 */
function gramSchmidtPass(V: Float64Array, rows: number, n: number, w: Float64Array, h: Float64Array, c: Float64Array): void {
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const a0 = i * n,
      a1 = a0 + n,
      a2 = a1 + n,
      a3 = a2 + n;
    let d0 = 0,
      d1 = 0,
      d2 = 0,
      d3 = 0;
    for (let r = 0; r < n; r++) {
      const x = w[r]!;
      d0 += V[a0 + r]! * x;
      d1 += V[a1 + r]! * x;
      d2 += V[a2 + r]! * x;
      d3 += V[a3 + r]! * x;
    }
    c[i] = d0;
    c[i + 1] = d1;
    c[i + 2] = d2;
    c[i + 3] = d3;
  }
  for (; i < rows; i++) {
    let d = 0;
    const a = i * n;
    for (let r = 0; r < n; r++) d += V[a + r]! * w[r]!;
    c[i] = d;
  }
  i = 0;
  for (; i + 3 < rows; i += 4) {
    const a0 = i * n,
      a1 = a0 + n,
      a2 = a1 + n,
      a3 = a2 + n;
    const c0 = c[i]!,
      c1 = c[i + 1]!,
      c2 = c[i + 2]!,
      c3 = c[i + 3]!;
    for (let r = 0; r < n; r++) w[r]! -= c0 * V[a0 + r]! + c1 * V[a1 + r]! + c2 * V[a2 + r]! + c3 * V[a3 + r]!;
  }
  for (; i < rows; i++) {
    const ci = c[i]!,
      a = i * n;
    for (let r = 0; r < n; r++) w[r]! -= ci * V[a + r]!;
  }
  for (let t = 0; t < rows; t++) h[t]! += c[t]!;
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

/** The eigenvector columns (real part, imaginary part or −1) of eigenvalue i in the real form (EISPACK's, as generalEigen returns it). */
function ritzColumns(i: number, im: ArrayLike<number>): [number, number] {
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
