/**
 * Householder QR of a rectangular matrix, A = Q·R (thin: Q is m × k with orthonormal columns,
 * R is k × n upper trapezoidal, k = min(m, n)), with R's diagonal made non-negative so the
 * factorisation is unique for full column rank — what a Lyapunov-spectrum observer needs
 * (log R_ii are the local expansion rates). Golub & Van Loan, Matrix Computations (4th ed.),
 * Algorithm 5.2.1 (Householder QR) and §5.1.6 (accumulating Q backwards).
 */
import { checkAllocation, checkInteger, checkOptions, invalid } from '@phaseflow/core';
import { checkMatrix } from './check.js';
import type { Matrix } from './matrix.js';

/** A thin QR factorisation: `q` is rows × k, `r` is k × cols, k = min(rows, cols). */
export interface QrFactorization {
  readonly q: Matrix;
  readonly r: Matrix;
}

interface QrScratch {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** A copy of A, reduced in place to R (m × n, row-major). */
  readonly w: Float64Array;
  /** Householder vectors, one per row (k × m), each of unit length (or zero). */
  readonly v: Float64Array;
  /** Row of dot products (length max(m, n)). */
  readonly dots: Float64Array;
}

function createScratch(m: number, n: number): QrScratch {
  const k = Math.min(m, n);
  return { m, n, k, w: new Float64Array(m * n), v: new Float64Array(k * m), dots: new Float64Array(Math.max(m, n)) };
}

/** out.q, out.r ← QR of a (already validated, shapes as in the scratch). */
function qrInto(a: Matrix, s: QrScratch, q: Float64Array, r: Float64Array): void {
  const { m, n, k, w, v, dots } = s;
  w.set(a.data);
  v.fill(0);
  for (let j = 0; j < k; j++) {
    // x = W[j:, j]; v = x − α e₁ with α = −sign(x₀)‖x‖ (no cancellation), normalised. x is
    // scaled by its largest entry first so that squares neither underflow nor overflow.
    let scale = 0;
    for (let i = j; i < m; i++) scale = Math.max(scale, Math.abs(w[i * n + j]!));
    if (scale === 0) continue;
    const vj = j * m;
    let norm2 = 0;
    for (let i = j; i < m; i++) {
      const x = w[i * n + j]! / scale;
      v[vj + i] = x;
      norm2 += x * x;
    }
    const x0 = v[vj + j]!;
    const normS = Math.sqrt(norm2);
    const alphaS = x0 >= 0 ? -normS : normS;
    v[vj + j] = x0 - alphaS;
    const vnorm2 = norm2 - x0 * x0 + (x0 - alphaS) ** 2;
    const inv = 1 / Math.sqrt(vnorm2);
    for (let i = j; i < m; i++) v[vj + i]! *= inv;
    const alpha = alphaS * scale;
    // W[j:, j:] −= 2 v (vᵀ W[j:, j:]), row by row.
    dots.fill(0, j, n);
    for (let i = j; i < m; i++) {
      const vi = v[vj + i]!;
      if (vi === 0) continue;
      const ri = i * n;
      for (let c = j; c < n; c++) dots[c]! += vi * w[ri + c]!;
    }
    for (let i = j; i < m; i++) {
      const vi = 2 * v[vj + i]!;
      if (vi === 0) continue;
      const ri = i * n;
      for (let c = j; c < n; c++) w[ri + c]! -= vi * dots[c]!;
    }
    w[j * n + j] = alpha;
    for (let i = j + 1; i < m; i++) w[i * n + j] = 0;
  }
  // R = the first k rows of W.
  r.set(w.subarray(0, k * n));
  // Q = H₀ H₁ … H_{k−1} I[:, :k], accumulated backwards (each H_j touches rows j… only).
  q.fill(0);
  for (let i = 0; i < k; i++) q[i * k + i] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const vj = j * m;
    dots.fill(0, 0, k);
    for (let i = j; i < m; i++) {
      const vi = v[vj + i]!;
      if (vi === 0) continue;
      const ri = i * k;
      for (let c = j; c < k; c++) dots[c]! += vi * q[ri + c]!;
    }
    for (let i = j; i < m; i++) {
      const vi = 2 * v[vj + i]!;
      if (vi === 0) continue;
      const ri = i * k;
      for (let c = j; c < k; c++) q[ri + c]! -= vi * dots[c]!;
    }
  }
  // Non-negative diagonal: flip row i of R and column i of Q together.
  for (let i = 0; i < k; i++) {
    if (r[i * n + i]! >= 0) continue;
    for (let c = i; c < n; c++) r[i * n + c] = -r[i * n + c]!;
    for (let rr = 0; rr < m; rr++) q[rr * k + i] = -q[rr * k + i]!;
  }
}

/**
 * The thin Householder QR of a `rows × cols` matrix: A = Q·R with QᵀQ = I (Q rows × k),
 * R k × cols upper trapezoidal with R_ii ≥ 0, k = min(rows, cols).
 *
 * Equation: R = H_{k−1} ⋯ H₁ H₀ A with H_j = I − 2 v_j v_jᵀ zeroing column j below the
 * diagonal; Q = H₀ H₁ ⋯ H_{k−1} I[:, :k] (Golub & Van Loan, Alg. 5.2.1).
 *
 * Allocates Q, R and scratch per call; in a hot loop use {@link createQr}.
 *
 * @example
 * ```ts
 * const { q, r } = qr(matrix(2, 2, Float64Array.of(3, 1, 4, 2)));
 * r.data; // [5, 2.2, 0, 0.4]  (R_ii ≥ 0)
 * ```
 */
export function qr(a: Matrix): QrFactorization {
  checkMatrix('a', a);
  const s = createScratch(a.rows, a.cols);
  const q: Matrix = { rows: a.rows, cols: s.k, data: new Float64Array(a.rows * s.k) };
  const r: Matrix = { rows: s.k, cols: a.cols, data: new Float64Array(s.k * a.cols) };
  qrInto(a, s, q.data, r.data);
  return { q, r };
}

/** A reusable QR for one shape, from {@link createQr}. */
export interface QrEvaluator {
  readonly name: 'qr';
  readonly rows: number;
  readonly cols: number;
  /** QR of `a` into `out` (allocated when absent); allocates nothing when `out` is given. */
  apply(a: Matrix, out?: QrFactorization): QrFactorization;
}

/**
 * A Householder QR for `rows × cols` matrices that keeps its scratch, so `apply(a, out)`
 * allocates nothing: the form a renormalising observer calls every few steps. Same algorithm
 * and conventions as {@link qr}.
 *
 * @example
 * ```ts
 * const f = createQr({ rows: 3, cols: 2 });
 * const out = { q: matrix(3, 2), r: matrix(2, 2) };
 * f.apply(matrix(3, 2, Float64Array.of(1, 0, 1, 1, 0, 1)), out);
 * ```
 */
export function createQr(options: { rows: number; cols: number }): QrEvaluator {
  const o = checkOptions('options', options, ['rows', 'cols']);
  const rows = checkInteger('options.rows', o.rows, { min: 1 });
  const cols = checkInteger('options.cols', o.cols, { min: 1 });
  checkAllocation('options.rows', 2 * rows * cols, 8); // the working copy and the reflectors
  const s = createScratch(rows, cols);
  return {
    name: 'qr',
    rows,
    cols,
    apply(a, out) {
      checkMatrix('a', a, rows, cols);
      if (out !== undefined && (out === null || typeof out !== 'object')) invalid('out', 'a QrFactorization { q, r } to write into', out);
      const res = out ?? { q: { rows, cols: s.k, data: new Float64Array(rows * s.k) }, r: { rows: s.k, cols, data: new Float64Array(s.k * cols) } };
      checkMatrix('out.q', res.q, rows, s.k, false);
      checkMatrix('out.r', res.r, s.k, cols, false);
      qrInto(a, s, res.q.data, res.r.data);
      return res;
    },
  };
}
