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
 */
import { PhaseflowError, checkInteger, checkOptions } from '@phaseflow/core';
import { checkSquare } from './check.js';

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
  const o = checkOptions('options', options, ['maxIterations']);
  checkSquare('a', a, n); // also refuses non-finite entries
  const maxIterations = o.maxIterations === undefined ? 30 * n : checkInteger('options.maxIterations', o.maxIterations, { min: 1 });
  const H = a.slice(0, n * n);
  const V = new Float64Array(n * n);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  orthes(H, V, n);
  const iterations = hqr2(H, V, re, im, n, maxIterations);
  return { re, im, vectors: V, iterations };
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
  let p = 0,
    q = 0,
    r = 0,
    s = 0,
    z = 0,
    t: number,
    w: number,
    x: number,
    y: number;
  let norm = 0;
  for (let i = 0; i < nn; i++) for (let j = Math.max(i - 1, 0); j < nn; j++) norm += Math.abs(H[i * nn + j]!);
  let iter = 0;
  let total = 0;
  while (n >= low) {
    // A single small sub-diagonal element.
    let l = n;
    while (l > low) {
      s = Math.abs(H[(l - 1) * nn + l - 1]!) + Math.abs(H[l * nn + l]!);
      if (s === 0) s = norm;
      if (Math.abs(H[l * nn + l - 1]!) <= EPS * s) break; // ≤: an exact zero deflates even when s is 0
      l--;
    }
    if (l === n) {
      // One root.
      H[n * nn + n]! += exshift;
      d[n] = H[n * nn + n]!;
      e[n] = 0;
      n--;
      iter = 0;
    } else if (l === n - 1) {
      // Two roots.
      w = H[n * nn + n - 1]! * H[(n - 1) * nn + n]!;
      p = (H[(n - 1) * nn + n - 1]! - H[n * nn + n]!) / 2;
      q = p * p + w;
      z = Math.sqrt(Math.abs(q));
      H[n * nn + n]! += exshift;
      H[(n - 1) * nn + n - 1]! += exshift;
      x = H[n * nn + n]!;
      if (q >= 0) {
        // A real pair.
        z = p >= 0 ? p + z : p - z;
        d[n - 1] = x + z;
        d[n] = z !== 0 ? x - w / z : x + z;
        e[n - 1] = 0;
        e[n] = 0;
        x = H[n * nn + n - 1]!;
        s = Math.abs(x) + Math.abs(z);
        p = x / s;
        q = z / s;
        r = Math.sqrt(p * p + q * q);
        p /= r;
        q /= r;
        for (let j = n - 1; j < nn; j++) {
          z = H[(n - 1) * nn + j]!;
          H[(n - 1) * nn + j] = q * z + p * H[n * nn + j]!;
          H[n * nn + j] = q * H[n * nn + j]! - p * z;
        }
        for (let i = 0; i <= n; i++) {
          z = H[i * nn + n - 1]!;
          H[i * nn + n - 1] = q * z + p * H[i * nn + n]!;
          H[i * nn + n] = q * H[i * nn + n]! - p * z;
        }
        for (let i = low; i <= high; i++) {
          z = V[i * nn + n - 1]!;
          V[i * nn + n - 1] = q * z + p * V[i * nn + n]!;
          V[i * nn + n] = q * V[i * nn + n]! - p * z;
        }
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
      if (total >= maxIterations) {
        throw new PhaseflowError(
          'CONVERGENCE_FAILURE',
          `generalEigen: the QR iteration did not converge in ${maxIterations} iterations (${nn - 1 - n} of ${nn} eigenvalues found); raise options.maxIterations`,
          { argument: 'a', iterations: total, found: nn - 1 - n },
          { partial: { re: d.slice(n + 1), im: e.slice(n + 1) } },
        );
      }
      // The shift.
      x = H[n * nn + n]!;
      y = 0;
      w = 0;
      if (l < n) {
        y = H[(n - 1) * nn + n - 1]!;
        w = H[n * nn + n - 1]! * H[(n - 1) * nn + n]!;
      }
      if (iter === 10) {
        // Wilkinson's exceptional shift.
        exshift += x;
        for (let i = low; i <= n; i++) H[i * nn + i]! -= x;
        s = Math.abs(H[n * nn + n - 1]!) + Math.abs(H[(n - 1) * nn + n - 2]!);
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      if (iter === 30) {
        // MATLAB's exceptional shift.
        s = (y - x) / 2;
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
      // Two consecutive small sub-diagonal elements.
      let m = n - 2;
      while (m >= l) {
        z = H[m * nn + m]!;
        r = x - z;
        s = y - z;
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
      for (let i = m + 2; i <= n; i++) {
        H[i * nn + i - 2] = 0;
        if (i > m + 2) H[i * nn + i - 3] = 0;
      }
      // The double QR step on rows l…n and columns m…n.
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
        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s === 0) continue;
        if (k !== m) H[k * nn + k - 1] = -s * x;
        else if (l !== m) H[k * nn + k - 1] = -H[k * nn + k - 1]!;
        p += s;
        x = p / s;
        y = q / s;
        z = r / s;
        q /= p;
        r /= p;
        reflectRows(H, nn, k, k, x, y, z, q, r, notlast);
        reflectColumns(H, nn, k, 0, Math.min(n, k + 3), x, y, z, q, r, notlast);
        reflectColumns(V, nn, k, low, high, x, y, z, q, r, notlast);
      }
    }
  }
  if (norm === 0) return total;
  // Back substitution: the eigenvectors of the quasi-triangular Schur factor, in H's columns.
  const c = new Float64Array(2);
  for (n = nn - 1; n >= 0; n--) {
    p = d[n]!;
    q = e[n]!;
    if (q === 0) {
      // A real vector.
      let l = n;
      H[n * nn + n] = 1;
      for (let i = n - 1; i >= 0; i--) {
        w = H[i * nn + i]! - p;
        r = rowColumnDot(H, nn, i, n, l, n);
        if (e[i]! < 0) {
          z = w;
          s = r;
        } else {
          l = i;
          if (e[i] === 0) {
            H[i * nn + n] = w !== 0 ? -r / w : -r / (EPS * norm);
          } else {
            x = H[i * nn + i + 1]!;
            y = H[(i + 1) * nn + i]!;
            q = (d[i]! - p) * (d[i]! - p) + e[i]! * e[i]!;
            t = (x * s - z * r) / q;
            H[i * nn + n] = t;
            H[(i + 1) * nn + n] = Math.abs(x) > Math.abs(z) ? (-r - w * t) / x : (-s - y * t) / z;
          }
          t = Math.abs(H[i * nn + n]!);
          if (EPS * t * t > 1) for (let j = i; j <= n; j++) H[j * nn + n]! /= t;
        }
      }
    } else if (q < 0) {
      // A complex vector (the second of a pair: columns n − 1 and n).
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
      for (let i = n - 2; i >= 0; i--) {
        const ra = rowColumnDot(H, nn, i, n - 1, l, n);
        const sa = rowColumnDot(H, nn, i, n, l, n);
        w = H[i * nn + i]! - p;
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
            x = H[i * nn + i + 1]!;
            y = H[(i + 1) * nn + i]!;
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
          t = Math.max(Math.abs(H[i * nn + n - 1]!), Math.abs(H[i * nn + n]!));
          if (EPS * t * t > 1) {
            for (let j = i; j <= n; j++) {
              H[j * nn + n - 1]! /= t;
              H[j * nn + n]! /= t;
            }
          }
        }
      }
    }
  }
  // Back transformation: V := V·(the Schur factor's eigenvectors, upper triangular in H).
  backTransform(V, H, nn, low, high);
  return total;
}
