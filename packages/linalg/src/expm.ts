/**
 * The matrix exponential by scaling and squaring with Padé approximants (Higham 2005).
 *
 * For ‖A‖₁ ≤ θ_m (m = 3, 5, 7, 9) the diagonal Padé approximant r_m(A) = q_m(A)⁻¹ p_m(A) is
 * already accurate to unit roundoff; above θ₉ the matrix is scaled by 2⁻ˢ so that
 * ‖2⁻ˢA‖₁ ≤ θ₁₃, r₁₃ is evaluated, and the result is squared s times:
 * e^A = (r₁₃(2⁻ˢA))^(2ˢ). The θ_m and the coefficients b_k are those of Higham's Table 2.3
 * and eq. (2.10)–(2.11).
 *
 * N. J. Higham, "The scaling and squaring method for the matrix exponential revisited",
 * SIAM J. Matrix Anal. Appl. 26(4):1179–1193, 2005.
 */
import { PhaseflowError, checkAllocation, checkInteger, checkOptions } from '@phaseflow/core';
import { checkOut, checkSquare } from './check.js';
import { matMulInto, norm1 } from './dense.js';
import { luFactorInPlace, luSolveInPlace } from './lu.js';

/** Higham (2005), Table 2.3: the largest ‖A‖₁ for which r_m(A) is accurate to unit roundoff. */
const THETA = { 3: 1.495585217958292e-2, 5: 2.53939833006323e-1, 7: 9.504178996162932e-1, 9: 2.097847961257068, 13: 5.371920351148152 } as const;

/** Padé coefficients b_0 … b_m of p_m (q_m has the same with alternating signs). */
const B3 = [120, 60, 12, 1] as const;
const B5 = [30240, 15120, 3360, 420, 30, 1] as const;
const B7 = [17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1] as const;
const B9 = [17643225600, 8821612800, 2075673600, 302702400, 30270240, 2162160, 110880, 3960, 90, 1] as const;
const B13 = [
  64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600, 670442572800, 33522128640, 1323241920, 40840800,
  960960, 16380, 182, 1,
] as const;

/** The scratch an {@link ExpmEvaluator} keeps: nine n × n buffers and the LU pivots. */
interface ExpmScratch {
  readonly a: Float64Array;
  readonly a2: Float64Array;
  readonly a4: Float64Array;
  readonly a6: Float64Array;
  readonly a8: Float64Array;
  readonly u: Float64Array;
  readonly v: Float64Array;
  readonly t: Float64Array;
  readonly r: Float64Array;
  readonly pivots: Int32Array;
  /** Degree and squarings of the last evaluation (kept here so nothing is allocated per call). */
  degree: 3 | 5 | 7 | 9 | 13;
  squarings: number;
}

function createScratch(n: number): ExpmScratch {
  const nn = n * n;
  const f = () => new Float64Array(nn);
  return { a: f(), a2: f(), a4: f(), a6: f(), a8: f(), u: f(), v: f(), t: f(), r: f(), pivots: new Int32Array(n), degree: 13, squarings: 0 };
}

/**
 * out = c2·A² + c4·A⁴ + c6·A⁶ + c8·A⁸ + cI·I from the scratch powers; a zero coefficient skips
 * its power (which may hold stale values). No allocation.
 */
function combine(out: Float64Array, n: number, w: ExpmScratch, cI: number, c2: number, c4: number, c6: number, c8: number): void {
  const nn = n * n;
  const { a2, a4, a6, a8 } = w;
  for (let i = 0; i < nn; i++) {
    let x = c2 * a2[i]!;
    if (c4 !== 0) x += c4 * a4[i]!;
    if (c6 !== 0) x += c6 * a6[i]!;
    if (c8 !== 0) x += c8 * a8[i]!;
    out[i] = x;
  }
  for (let i = 0; i < n; i++) out[i * n + i]! += cI;
}

/** What `expm` chose: the Padé degree and the number of squarings. */
export interface ExpmDiagnostics {
  /** Padé degree m ∈ {3, 5, 7, 9, 13}. */
  readonly degree: 3 | 5 | 7 | 9 | 13;
  /** Number of squarings s (the matrix was scaled by 2⁻ˢ). */
  readonly squarings: number;
}

/** Core kernel: out = e^a with the given scratch. No checks; `out` may alias `a`. */
function expmInto(a: Float64Array, n: number, out: Float64Array, w: ExpmScratch): void {
  const nn = n * n;
  const nrm = norm1(a, n);
  const { a: A, a2, a4, a6, a8, u, v, t, r, pivots } = w;
  A.set(a.subarray(0, nn));
  let degree: ExpmDiagnostics['degree'] = 13;
  let s = 0;
  if (nrm <= THETA[3]) degree = 3;
  else if (nrm <= THETA[5]) degree = 5;
  else if (nrm <= THETA[7]) degree = 7;
  else if (nrm <= THETA[9]) degree = 9;
  else {
    s = Math.max(0, Math.ceil(Math.log2(nrm / THETA[13])));
    if (s > 0) {
      const scale = 2 ** -s;
      for (let i = 0; i < nn; i++) A[i]! *= scale;
    }
  }
  matMulInto(A, A, n, a2);
  // u ← (odd part without the leading A), v ← even part.
  if (degree === 3) {
    const b = B3;
    combine(t, n, w, b[1], b[3], 0, 0, 0);
    combine(v, n, w, b[0], b[2], 0, 0, 0);
  } else if (degree === 5) {
    const b = B5;
    matMulInto(a2, a2, n, a4);
    combine(t, n, w, b[1], b[3], b[5], 0, 0);
    combine(v, n, w, b[0], b[2], b[4], 0, 0);
  } else if (degree === 7) {
    const b = B7;
    matMulInto(a2, a2, n, a4);
    matMulInto(a2, a4, n, a6);
    combine(t, n, w, b[1], b[3], b[5], b[7], 0);
    combine(v, n, w, b[0], b[2], b[4], b[6], 0);
  } else if (degree === 9) {
    const b = B9;
    matMulInto(a2, a2, n, a4);
    matMulInto(a2, a4, n, a6);
    matMulInto(a4, a4, n, a8);
    combine(t, n, w, b[1], b[3], b[5], b[7], b[9]);
    combine(v, n, w, b[0], b[2], b[4], b[6], b[8]);
  } else {
    // Higham (2005), eq. (2.11): three products for the inner polynomials.
    const b = B13;
    matMulInto(a2, a2, n, a4);
    matMulInto(a2, a4, n, a6);
    combine(r, n, w, 0, b[9], b[11], b[13], 0);
    matMulInto(a6, r, n, t);
    for (let i = 0; i < nn; i++) t[i]! += b[7] * a6[i]! + b[5] * a4[i]! + b[3] * a2[i]!;
    for (let i = 0; i < n; i++) t[i * n + i]! += b[1];
    combine(r, n, w, 0, b[8], b[10], b[12], 0);
    matMulInto(a6, r, n, v);
    for (let i = 0; i < nn; i++) v[i]! += b[6] * a6[i]! + b[4] * a4[i]! + b[2] * a2[i]!;
    for (let i = 0; i < n; i++) v[i * n + i]! += b[0];
  }
  matMulInto(A, t, n, u);
  // Solve (V − U)·R = (V + U): q = v − u into t, p = v + u into r.
  for (let i = 0; i < nn; i++) {
    const vi = v[i]!,
      ui = u[i]!;
    t[i] = vi - ui;
    r[i] = vi + ui;
  }
  const { singular } = luFactorInPlace(t, n, pivots);
  if (singular) {
    throw new PhaseflowError('CONVERGENCE_FAILURE', 'expm: the Padé denominator q_m(A) is singular to working precision', {
      argument: 'a',
      expected: 'a matrix whose Padé denominator is invertible',
      received: `‖A‖₁ = ${nrm}`,
    });
  }
  luSolveInPlace(t, pivots, n, r, n, u);
  // Square s times, ping-ponging between r and u.
  let cur = r,
    nxt = u;
  for (let k = 0; k < s; k++) {
    matMulInto(cur, cur, n, nxt);
    const tmp = cur;
    cur = nxt;
    nxt = tmp;
  }
  out.set(cur.subarray(0, nn));
  w.degree = degree;
  w.squarings = s;
}

/**
 * The matrix exponential e^A of a square matrix (row-major Float64Array, n × n), by scaling
 * and squaring with Padé degree 3, 5, 7, 9 or 13 chosen from ‖A‖₁ (Higham 2005, Algorithm 2.3).
 *
 * Equation: e^A = (r_m(2⁻ˢA))^(2ˢ), r_m = q_m⁻¹ p_m the [m/m] Padé approximant of eˣ.
 *
 * Allocates its scratch on every call; in a hot loop use {@link createExpm}, which keeps it.
 * `out` may be `a` itself. Entries of `a` must be finite; a result that overflows is ±Infinity.
 *
 * @example
 * ```ts
 * // A rotation generator: e^{θJ} is the rotation by θ.
 * const t = 0.5;
 * expm(Float64Array.of(0, -t, t, 0), 2); // [cos t, −sin t, sin t, cos t]
 * ```
 */
export function expm(a: Float64Array, n: number, out?: Float64Array): Float64Array {
  checkSquare('a', a, n);
  const o = checkOut('out', out, n * n);
  expmInto(a, n, o, createScratch(n));
  return o;
}

/** A reusable matrix exponential for one size, from {@link createExpm}. */
export interface ExpmEvaluator {
  readonly name: 'expm';
  /** The order n of the matrices it takes. */
  readonly n: number;
  /** out = e^a (`out` defaults to a new array; it may be `a`). Allocates nothing when `out` is given. */
  apply(a: Float64Array, out?: Float64Array): Float64Array;
  /** Degree and squarings chosen by the last {@link ExpmEvaluator.apply}, or undefined before the first. */
  readonly last: ExpmDiagnostics | undefined;
}

/**
 * A matrix exponential for n × n matrices that keeps its scratch buffers (nine n × n arrays),
 * so `apply(a, out)` allocates nothing: the form to call once per integration step. Same
 * algorithm as {@link expm}.
 *
 * @example
 * ```ts
 * const exp3 = createExpm({ n: 3 });
 * const out = new Float64Array(9);
 * exp3.apply(Float64Array.of(0, -1, 0, 1, 0, 0, 0, 0, 0), out); // rotation by 1 rad about z
 * ```
 */
export function createExpm(options: { n: number }): ExpmEvaluator {
  const o = checkOptions('options', options, ['n']);
  const n = checkInteger('options.n', o.n, { min: 1 });
  checkAllocation('options.n', 9 * n * n, 8); // nine n × n scratch matrices
  const scratch = createScratch(n);
  let used = false;
  const last: ExpmDiagnostics = {
    get degree() {
      return scratch.degree;
    },
    get squarings() {
      return scratch.squarings;
    },
  };
  return {
    name: 'expm',
    n,
    apply(a, out) {
      checkSquare('a', a, n);
      const o = checkOut('out', out, n * n);
      expmInto(a, n, o, scratch);
      used = true;
      return o;
    },
    get last() {
      return used ? last : undefined;
    },
  };
}
