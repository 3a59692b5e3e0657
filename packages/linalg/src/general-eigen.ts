/**
 * Eigenvalues and eigenvectors of a small real non-symmetric matrix: Householder reduction to
 * upper Hessenberg form, then Francis's implicitly shifted double QR iteration to real Schur
 * form, then back substitution for the eigenvectors of the quasi-triangular factor and the
 * back transformation (Golub & Van Loan, *Matrix Computations*, 4th ed., §7.4–7.6; the EISPACK
 * routines orthes and hqr2 as JAMA writes them, here on flat row-major arrays).
 *
 * The restarted Arnoldi iteration of {@link spectralRadius} solves one such problem, of the
 * Krylov dimension (≈ 40), at every restart; on flat typed arrays that costs about a tenth of
 * what a general matrix library's object-based decomposition does, which was most of a
 * 500-unit reservoir's weight build.
 *
 * The same routines run as a WebAssembly module (./dense-wasm.ts, from AssemblyScript): the
 * engine compiles it before its first call, where this file's functions run unoptimised for
 * the first few solves of a process; the two give the same bits (tested), and these stay the
 * fallback where WebAssembly cannot run and the reference the module is checked against.
 */
import { PhaseflowError, checkInteger, checkOneOf, checkOptions } from '@phaseflow/core';
import { checkSquare } from './check.js';
import { denseInstance, type DenseExports } from './dense-wasm.js';

/** What {@link generalEigen} returns: A·V = V·D in the real form of EISPACK/LAPACK. */
export interface GeneralEigen {
  /** Real parts of the eigenvalues (no particular order; a conjugate pair is adjacent, positive imaginary part first). */
  readonly re: Float64Array;
  /** Imaginary parts. */
  readonly im: Float64Array;
  /**
   * Eigenvectors, n × n row-major, in the real form: for a real eigenvalue i, column i
   * (`vectors[r·n + i]`) is its eigenvector; for a pair with `im[i] > 0`, columns i and i + 1
   * are the real and imaginary parts of the eigenvector of `re[i] + i·im[i]` (the conjugate
   * vector belongs to `re[i+1] + i·im[i+1]`). Not normalised.
   */
  readonly vectors: Float64Array;
  /** QR iterations taken. */
  readonly iterations: number;
}

/** Options of {@link generalEigen}. */
export interface GeneralEigenOptions {
  /** QR iterations before giving up with `CONVERGENCE_FAILURE`. Default 30·n (2–4 per eigenvalue is typical). */
  readonly maxIterations?: number;
  /**
   * `'auto'` (default): the WebAssembly kernel where WebAssembly runs, else JavaScript; `'js'`:
   * JavaScript. Both give the same bits; the kernel runs at full speed from its first call
   * (about 4× the JavaScript in a fresh process, 1.9× once that is optimised, at n = 40).
   */
  readonly kernel?: 'auto' | 'js';
}

const EPS = 2 ** -52;

/**
 * Eigen-decomposition of a real n × n matrix (row-major Float64Array, not modified): A·V = V·D
 * with D block diagonal (1 × 1 blocks for real eigenvalues, 2 × 2 blocks [[a, b], [−b, a]] for
 * a pair a ± ib).
 *
 * Throws `CONVERGENCE_FAILURE` (with the eigenvalues found so far) after `maxIterations` QR
 * iterations.
 *
 * @example
 * ```ts
 * // A rotation by 90° scaled by 2, and 1: eigenvalues ±2i and 1.
 * const { re, im } = generalEigen(Float64Array.of(0, -2, 0, 2, 0, 0, 0, 0, 1), 3);
 * [...re].map((x, i) => Math.hypot(x, im[i]!)); // [2, 2, 1] in some order
 * ```
 */
export function generalEigen(a: Float64Array, n: number, options?: GeneralEigenOptions): GeneralEigen {
  const o = checkOptions('options', options, ['maxIterations', 'kernel']);
  checkSquare('a', a, n); // also refuses non-finite entries
  const maxIterations = o.maxIterations === undefined ? 30 * n : checkInteger('options.maxIterations', o.maxIterations, { min: 1 });
  const kernel = o.kernel === undefined ? 'auto' : checkOneOf('options.kernel', o.kernel, ['auto', 'js'] as const);
  const nn = n * n;
  const wasm = kernel === 'auto' ? denseInstance(2 * nn + 4 * n) : null;
  const heap = wasm?.heap ?? new Float64Array(2 * nn + 4 * n);
  const H = heap.subarray(0, nn);
  H.set(a.subarray(0, nn));
  const V = heap.subarray(nn, 2 * nn);
  const re = heap.subarray(2 * nn, 2 * nn + n);
  const im = heap.subarray(2 * nn + n, 2 * nn + 2 * n);
  const iterations = eigenInto(H, V, re, im, heap.subarray(2 * nn + 2 * n, 2 * nn + 4 * n), n, maxIterations, wasm?.exports ?? null);
  return { re: re.slice(), im: im.slice(), vectors: V.slice(), iterations };
}

/**
 * @internal generalEigen in place: H (n × n, overwritten) to the eigenvectors in V, the
 * eigenvalues in re and im, with 2n doubles of scratch; returns the QR iterations. With
 * `wasm`, every array is a view of that instance's memory and its kernel runs.
 */
export function eigenInto(
  H: Float64Array,
  V: Float64Array,
  re: Float64Array,
  im: Float64Array,
  scratch: Float64Array,
  n: number,
  maxIterations: number,
  wasm: DenseExports | null,
): number {
  if (wasm === null) {
    orthes(H, V, n);
    return hqr2(H, V, re, im, n, maxIterations);
  }
  const iterations = wasm.eigen(H.byteOffset, V.byteOffset, re.byteOffset, im.byteOffset, scratch.byteOffset, scratch.byteOffset + 8 * n, n, maxIterations);
  if (iterations < 0) throw convergenceFailure(maxIterations, wasm.eigenUnfound(), n, re, im);
  return iterations;
}

/** The QR iteration's failure after `maxIterations` with eigenvalues n + 1 … nn − 1 found. */
function convergenceFailure(maxIterations: number, n: number, nn: number, d: Float64Array, e: Float64Array): PhaseflowError {
  return new PhaseflowError(
    'CONVERGENCE_FAILURE',
    `generalEigen: the QR iteration did not converge in ${maxIterations} iterations (${nn - 1 - n} of ${nn} eigenvalues found); raise options.maxIterations`,
    { argument: 'a', iterations: maxIterations, found: nn - 1 - n },
    { partial: { re: d.slice(n + 1), im: e.slice(n + 1) } },
  );
}

/** H := (I − u·uᵀ/h)·H on rows m … high, columns m … n − 1 (u = ort[m … high]); the sums run from the bottom, as EISPACK's. */
function householderLeft(H: Float64Array, n: number, ort: Float64Array, m: number, high: number, h: number): void {
  for (let j = m; j < n; j++) {
    let f = 0;
    for (let i = high; i >= m; i--) f += ort[i]! * H[i * n + j]!;
    f /= h;
    for (let i = m; i <= high; i++) H[i * n + j]! -= f * ort[i]!;
  }
}

/** H := H·(I − u·uᵀ/h) on rows 0 … high, columns m … high. */
function householderRight(H: Float64Array, n: number, ort: Float64Array, m: number, high: number, h: number): void {
  for (let i = 0; i <= high; i++) {
    const row = i * n;
    let f = 0;
    for (let j = high; j >= m; j--) f += ort[j]! * H[row + j]!;
    f /= h;
    for (let j = m; j <= high; j++) H[row + j]! -= f * ort[j]!;
  }
}

/** V := V·(I + u·uᵀ/(u_m·h_m)) on rows and columns m … high (Golub & Van Loan, Algorithm 5.1.2). */
function accumulateHouseholder(V: Float64Array, n: number, ort: Float64Array, m: number, high: number, hm: number): void {
  for (let j = m; j <= high; j++) {
    let g = 0;
    for (let i = m; i <= high; i++) g += ort[i]! * V[i * n + j]!;
    g = g / ort[m]! / hm; // two divisions avoid an underflow
    for (let i = m; i <= high; i++) V[i * n + j]! += g * ort[i]!;
  }
}

/** Σ_{j = l…n} H[i, j]·H[j, col]. */
function rowColumnDot(H: Float64Array, nn: number, i: number, col: number, l: number, n: number): number {
  let r = 0;
  for (let j = l; j <= n; j++) r += H[i * nn + j]! * H[j * nn + col]!;
  return r;
}

/** V := V·U for the upper triangular U in H (rows low … high of V). */
function backTransform(V: Float64Array, H: Float64Array, nn: number, low: number, high: number): void {
  const row = new Float64Array(nn);
  for (let i = low; i <= high; i++) {
    const vi = i * nn;
    for (let j = 0; j < nn; j++) row[j] = V[vi + j]!;
    for (let j = nn - 1; j >= low; j--) {
      let acc = 0;
      for (let k = low; k <= j; k++) acc += row[k]! * H[k * nn + j]!;
      V[vi + j] = acc;
    }
  }
}

/** Householder reduction of H to upper Hessenberg form, the transformations accumulated in V. */
function orthes(H: Float64Array, V: Float64Array, n: number): void {
  const high = n - 1;
  const ort = new Float64Array(n);
  for (let m = 1; m <= high - 1; m++) {
    let scale = 0;
    for (let i = m; i <= high; i++) scale += Math.abs(H[i * n + m - 1]!);
    if (scale === 0) continue;
    let h = 0;
    for (let i = high; i >= m; i--) {
      const v = H[i * n + m - 1]! / scale;
      ort[i] = v;
      h += v * v;
    }
    let g = Math.sqrt(h);
    if (ort[m]! > 0) g = -g;
    h -= ort[m]! * g;
    ort[m] = ort[m]! - g;
    // H = (I − u·uᵀ/h)·H·(I − u·uᵀ/h)
    householderLeft(H, n, ort, m, high, h);
    householderRight(H, n, ort, m, high, h);
    ort[m] = scale * ort[m]!;
    H[m * n + m - 1] = scale * g;
  }
  // Accumulate the transformations (Golub & Van Loan, Algorithm 5.1.2).
  V.fill(0);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let m = high - 1; m >= 1; m--) {
    const hm = H[m * n + m - 1]!;
    if (hm === 0) continue;
    for (let i = m + 1; i <= high; i++) ort[i] = H[i * n + m - 1]!;
    accumulateHouseholder(V, n, ort, m, high, hm);
  }
}

/** Complex division (xr + i·xi)/(yr + i·yi) into out[0], out[1] (Smith's algorithm). */
function cdiv(xr: number, xi: number, yr: number, yi: number, out: Float64Array): void {
  if (Math.abs(yr) > Math.abs(yi)) {
    const r = yi / yr;
    const d = yr + r * yi;
    out[0] = (xr + r * xi) / d;
    out[1] = (xi - r * xr) / d;
  } else {
    const r = yr / yi;
    const d = yi + r * yr;
    out[0] = (r * xr + xi) / d;
    out[1] = (r * xi - xr) / d;
  }
}

// The O(n²)-per-sweep loops of the double QR step live in small functions of their own: the
// engine optimises them within the first call (they run thousands of times), where the large
// hqr2 body would stay in the interpreter — boxing every number — until it has run for a while
// and then fall back to it on each branch it had not yet seen (which made the first few
// solves of a process 20–50× slower than the later ones).

/** Rows k, k + 1 (and k + 2 when `three`) of M, columns j0 … nn − 1: the Householder reflector (x, y, z; q, r) from the left. */
function reflectRows(M: Float64Array, nn: number, k: number, j0: number, x: number, y: number, z: number, q: number, r: number, three: boolean): void {
  const a = k * nn,
    b = a + nn,
    c = b + nn;
  for (let j = j0; j < nn; j++) {
    let p = M[a + j]! + q * M[b + j]!;
    if (three) {
      p += r * M[c + j]!;
      M[c + j]! -= p * z;
    }
    M[a + j]! -= p * x;
    M[b + j]! -= p * y;
  }
}

/** Columns k, k + 1 (and k + 2 when `three`) of M, rows i0 … i1: the reflector from the right. */
function reflectColumns(
  M: Float64Array,
  nn: number,
  k: number,
  i0: number,
  i1: number,
  x: number,
  y: number,
  z: number,
  q: number,
  r: number,
  three: boolean,
): void {
  for (let i = i0; i <= i1; i++) {
    const o = i * nn + k;
    let p = x * M[o]! + y * M[o + 1]!;
    if (three) {
      p += z * M[o + 2]!;
      M[o + 2]! -= p * r;
    }
    M[o]! -= p;
    M[o + 1]! -= p * q;
  }
}

/** The start l ≤ n of the active block: the lowest row above n whose sub-diagonal element is negligible (low if none). */
function deflationIndex(H: Float64Array, nn: number, n: number, low: number, norm: number): number {
  let l = n;
  while (l > low) {
    let s = Math.abs(H[(l - 1) * nn + l - 1]!) + Math.abs(H[l * nn + l]!);
    if (s === 0) s = norm;
    if (Math.abs(H[l * nn + l - 1]!) <= EPS * s) break; // ≤: an exact zero deflates even when s is 0
    l--;
  }
  return l;
}

/** The rotation (p, q) that makes the real 2 × 2 block at rows n − 1, n upper triangular: on H's rows and columns and V's columns. */
function rotatePair(H: Float64Array, V: Float64Array, nn: number, n: number, low: number, high: number, p: number, q: number): void {
  for (let j = n - 1; j < nn; j++) {
    const z = H[(n - 1) * nn + j]!;
    H[(n - 1) * nn + j] = q * z + p * H[n * nn + j]!;
    H[n * nn + j] = q * H[n * nn + j]! - p * z;
  }
  for (let i = 0; i <= n; i++) {
    const z = H[i * nn + n - 1]!;
    H[i * nn + n - 1] = q * z + p * H[i * nn + n]!;
    H[i * nn + n] = q * H[i * nn + n]! - p * z;
  }
  for (let i = low; i <= high; i++) {
    const z = V[i * nn + n - 1]!;
    V[i * nn + n - 1] = q * z + p * V[i * nn + n]!;
    V[i * nn + n] = q * V[i * nn + n]! - p * z;
  }
}

/**
 * Where the double-shift step on rows l … n starts (two consecutive small sub-diagonal
 * elements), for the shift (x, y, w); the first column (p, q, r) of the shifted product goes into pqr.
 */
function shiftStart(H: Float64Array, nn: number, l: number, n: number, x: number, y: number, w: number, pqr: Float64Array): number {
  let m = n - 2;
  let p = 0,
    q = 0,
    r = 0;
  while (m >= l) {
    const z = H[m * nn + m]!;
    r = x - z;
    let s = y - z;
    p = (r * s - w) / H[(m + 1) * nn + m]! + H[m * nn + m + 1]!;
    q = H[(m + 1) * nn + m + 1]! - z - r - s;
    r = H[(m + 2) * nn + m + 1]!;
    s = Math.abs(p) + Math.abs(q) + Math.abs(r);
    p /= s;
    q /= s;
    r /= s;
    if (m === l) break;
    if (
      Math.abs(H[m * nn + m - 1]!) * (Math.abs(q) + Math.abs(r)) <
      EPS * (Math.abs(p) * (Math.abs(H[(m - 1) * nn + m - 1]!) + Math.abs(z) + Math.abs(H[(m + 1) * nn + m + 1]!)))
    ) {
      break;
    }
    m--;
  }
  pqr[0] = p;
  pqr[1] = q;
  pqr[2] = r;
  return m;
}

/** The double QR step on rows l … n and columns m … n from the shifted first column (p, q, r); the transformations into V's rows low … high. */
function doubleQrStep(
  H: Float64Array,
  V: Float64Array,
  nn: number,
  l: number,
  m: number,
  n: number,
  low: number,
  high: number,
  p: number,
  q: number,
  r: number,
): void {
  for (let i = m + 2; i <= n; i++) {
    H[i * nn + i - 2] = 0;
    if (i > m + 2) H[i * nn + i - 3] = 0;
  }
  let x = 0;
  for (let k = m; k <= n - 1; k++) {
    const notlast = k !== n - 1;
    if (k !== m) {
      p = H[k * nn + k - 1]!;
      q = H[(k + 1) * nn + k - 1]!;
      r = notlast ? H[(k + 2) * nn + k - 1]! : 0;
      x = Math.abs(p) + Math.abs(q) + Math.abs(r);
      if (x === 0) continue;
      p /= x;
      q /= x;
      r /= x;
    }
    let s = Math.sqrt(p * p + q * q + r * r);
    if (p < 0) s = -s;
    if (s === 0) continue;
    if (k !== m) H[k * nn + k - 1] = -s * x;
    else if (l !== m) H[k * nn + k - 1] = -H[k * nn + k - 1]!;
    p += s;
    const u = p / s,
      v = q / s,
      z = r / s;
    q /= p;
    r /= p;
    reflectRows(H, nn, k, k, u, v, z, q, r, notlast);
    reflectColumns(H, nn, k, 0, Math.min(n, k + 3), u, v, z, q, r, notlast);
    reflectColumns(V, nn, k, low, high, u, v, z, q, r, notlast);
  }
}

/** The eigenvector of the real eigenvalue d[n] of the quasi-triangular Schur factor in H, by back substitution into H's column n. */
function realVector(H: Float64Array, d: Float64Array, e: Float64Array, nn: number, n: number, norm: number): void {
  const p = d[n]!;
  let l = n;
  // (z, s: the diagonal and the sum of the row below, kept from the second row of a 2 × 2 block for its first)
  let z = 0,
    s = 0;
  H[n * nn + n] = 1;
  for (let i = n - 1; i >= 0; i--) {
    const w = H[i * nn + i]! - p;
    const r = rowColumnDot(H, nn, i, n, l, n);
    if (e[i]! < 0) {
      z = w;
      s = r;
    } else {
      l = i;
      if (e[i] === 0) {
        H[i * nn + n] = w !== 0 ? -r / w : -r / (EPS * norm);
      } else {
        const x = H[i * nn + i + 1]!;
        const y = H[(i + 1) * nn + i]!;
        const q = (d[i]! - p) * (d[i]! - p) + e[i]! * e[i]!;
        const t = (x * s - z * r) / q;
        H[i * nn + n] = t;
        H[(i + 1) * nn + n] = Math.abs(x) > Math.abs(z) ? (-r - w * t) / x : (-s - y * t) / z;
      }
      const t = Math.abs(H[i * nn + n]!);
      if (EPS * t * t > 1) for (let j = i; j <= n; j++) H[j * nn + n]! /= t;
    }
  }
}

/** The eigenvector of the pair d[n] ± i·e[n] (e[n] < 0: the second of the pair), by back substitution into H's columns n − 1 and n. */
function complexVector(H: Float64Array, d: Float64Array, e: Float64Array, nn: number, n: number, norm: number, c: Float64Array): void {
  const p = d[n]!;
  const q = e[n]!;
  let l = n - 1;
  if (Math.abs(H[n * nn + n - 1]!) > Math.abs(H[(n - 1) * nn + n]!)) {
    H[(n - 1) * nn + n - 1] = q / H[n * nn + n - 1]!;
    H[(n - 1) * nn + n] = -(H[n * nn + n]! - p) / H[n * nn + n - 1]!;
  } else {
    cdiv(0, -H[(n - 1) * nn + n]!, H[(n - 1) * nn + n - 1]! - p, q, c);
    H[(n - 1) * nn + n - 1] = c[0]!;
    H[(n - 1) * nn + n] = c[1]!;
  }
  H[n * nn + n - 1] = 0;
  H[n * nn + n] = 1;
  let z = 0,
    r = 0,
    s = 0;
  for (let i = n - 2; i >= 0; i--) {
    const ra = rowColumnDot(H, nn, i, n - 1, l, n);
    const sa = rowColumnDot(H, nn, i, n, l, n);
    const w = H[i * nn + i]! - p;
    if (e[i]! < 0) {
      z = w;
      r = ra;
      s = sa;
    } else {
      l = i;
      if (e[i] === 0) {
        cdiv(-ra, -sa, w, q, c);
        H[i * nn + n - 1] = c[0]!;
        H[i * nn + n] = c[1]!;
      } else {
        const x = H[i * nn + i + 1]!;
        const y = H[(i + 1) * nn + i]!;
        let vr = (d[i]! - p) * (d[i]! - p) + e[i]! * e[i]! - q * q;
        const vi = (d[i]! - p) * 2 * q;
        if (vr === 0 && vi === 0) vr = EPS * norm * (Math.abs(w) + Math.abs(q) + Math.abs(x) + Math.abs(y) + Math.abs(z));
        cdiv(x * r - z * ra + q * sa, x * s - z * sa - q * ra, vr, vi, c);
        H[i * nn + n - 1] = c[0]!;
        H[i * nn + n] = c[1]!;
        if (Math.abs(x) > Math.abs(z) + Math.abs(q)) {
          H[(i + 1) * nn + n - 1] = (-ra - w * H[i * nn + n - 1]! + q * H[i * nn + n]!) / x;
          H[(i + 1) * nn + n] = (-sa - w * H[i * nn + n]! - q * H[i * nn + n - 1]!) / x;
        } else {
          cdiv(-r - y * H[i * nn + n - 1]!, -s - y * H[i * nn + n]!, z, q, c);
          H[(i + 1) * nn + n - 1] = c[0]!;
          H[(i + 1) * nn + n] = c[1]!;
        }
      }
      const t = Math.max(Math.abs(H[i * nn + n - 1]!), Math.abs(H[i * nn + n]!));
      if (EPS * t * t > 1) {
        for (let j = i; j <= n; j++) {
          H[j * nn + n - 1]! /= t;
          H[j * nn + n]! /= t;
        }
      }
    }
  }
}

/**
 * Francis double-shift QR on the Hessenberg H to real Schur form (transformations into V),
 * then the eigenvectors by back substitution and V := V·(vectors of the Schur form).
 * Returns the iterations taken.
 */
function hqr2(H: Float64Array, V: Float64Array, d: Float64Array, e: Float64Array, nn: number, maxIterations: number): number {
  const low = 0;
  const high = nn - 1;
  let n = nn - 1;
  let exshift = 0;
  let norm = 0;
  for (let i = 0; i < nn; i++) for (let j = Math.max(i - 1, 0); j < nn; j++) norm += Math.abs(H[i * nn + j]!);
  let iter = 0;
  let total = 0;
  const pqr = new Float64Array(3);
  while (n >= low) {
    const l = deflationIndex(H, nn, n, low, norm);
    if (l === n) {
      // One root.
      H[n * nn + n]! += exshift;
      d[n] = H[n * nn + n]!;
      e[n] = 0;
      n--;
      iter = 0;
    } else if (l === n - 1) {
      // Two roots.
      const w = H[n * nn + n - 1]! * H[(n - 1) * nn + n]!;
      let p = (H[(n - 1) * nn + n - 1]! - H[n * nn + n]!) / 2;
      let q = p * p + w;
      let z = Math.sqrt(Math.abs(q));
      H[n * nn + n]! += exshift;
      H[(n - 1) * nn + n - 1]! += exshift;
      let x = H[n * nn + n]!;
      if (q >= 0) {
        // A real pair.
        z = p >= 0 ? p + z : p - z;
        d[n - 1] = x + z;
        d[n] = z !== 0 ? x - w / z : x + z;
        e[n - 1] = 0;
        e[n] = 0;
        x = H[n * nn + n - 1]!;
        const s = Math.abs(x) + Math.abs(z);
        p = x / s;
        q = z / s;
        const r = Math.sqrt(p * p + q * q);
        p /= r;
        q /= r;
        rotatePair(H, V, nn, n, low, high, p, q);
      } else {
        // A complex pair.
        d[n - 1] = x + p;
        d[n] = x + p;
        e[n - 1] = z;
        e[n] = -z;
      }
      n -= 2;
      iter = 0;
    } else {
      if (total >= maxIterations) throw convergenceFailure(maxIterations, n, nn, d, e);
      // The shift.
      let x = H[n * nn + n]!;
      let y = 0;
      let w = 0;
      if (l < n) {
        y = H[(n - 1) * nn + n - 1]!;
        w = H[n * nn + n - 1]! * H[(n - 1) * nn + n]!;
      }
      if (iter === 10) {
        // Wilkinson's exceptional shift.
        exshift += x;
        for (let i = low; i <= n; i++) H[i * nn + i]! -= x;
        const s = Math.abs(H[n * nn + n - 1]!) + Math.abs(H[(n - 1) * nn + n - 2]!);
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      if (iter === 30) {
        // MATLAB's exceptional shift.
        let s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (let i = low; i <= n; i++) H[i * nn + i]! -= s;
          exshift += s;
          x = y = w = 0.964;
        }
      }
      iter++;
      total++;
      const m = shiftStart(H, nn, l, n, x, y, w, pqr);
      doubleQrStep(H, V, nn, l, m, n, low, high, pqr[0]!, pqr[1]!, pqr[2]!);
    }
  }
  if (norm === 0) return total;
  // Back substitution: the eigenvectors of the quasi-triangular Schur factor, in H's columns.
  const c = new Float64Array(2);
  for (n = nn - 1; n >= 0; n--) {
    if (e[n] === 0) realVector(H, d, e, nn, n, norm);
    else if (e[n]! < 0) complexVector(H, d, e, nn, n, norm, c);
  }
  // Back transformation: V := V·(the Schur factor's eigenvectors, upper triangular in H).
  backTransform(V, H, nn, low, high);
  return total;
}
