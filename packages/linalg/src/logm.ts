/**
 * The principal matrix logarithm of a matrix near the identity, by inverse scaling and
 * squaring: take square roots (Denman–Beavers iteration) until ‖A^{1/2ᵏ} − I‖₁ ≤ θ₇, evaluate
 * the [7/7] Padé approximant of log(I + X) in partial fractions, and multiply by 2ᵏ:
 *
 *   log A = 2ᵏ · r₇(A^{1/2ᵏ} − I),   r_m(X) = Σ_{j=1}^{m} w_j (I + x_j X)⁻¹ X,
 *
 * with (x_j, w_j) the m-point Gauss–Legendre rule on [0, 1]. θ₇ = 0.264 is the largest ‖X‖₁
 * for which r₇ is accurate to unit roundoff (Higham, Functions of Matrices, 2008, Table 11.1).
 *
 * Domain: ‖A − I‖₁ < 1. Then every eigenvalue lies in the disc |z − 1| < 1, away from the
 * closed negative real axis, so the principal logarithm exists, the Denman–Beavers iteration
 * converges and each square root brings A closer to I. Outside it `logm` throws
 * `OUTSIDE_DOMAIN` rather than return a result of unknown accuracy (a general logm needs a
 * Schur decomposition, which this package does not carry).
 *
 * S. H. Cheng, N. J. Higham, C. S. Kenney, A. J. Laub, "Approximating the logarithm of a
 * matrix to specified accuracy", SIAM J. Matrix Anal. Appl. 22(4):1112–1125, 2001.
 * E. D. Denman, A. N. Beavers, "The matrix sign function and computations in systems",
 * Appl. Math. Comput. 2(1):63–94, 1976.
 */
import { PhaseflowError, checkAllocation, checkInteger, checkOptions } from '@phaseflow/core';
import { checkOut, checkSquare } from './check.js';
import { identityInto, norm1MinusIdentity } from './dense.js';
import './errors.js';
import { luFactorInPlace, luSolveInPlace } from './lu.js';

const THETA7 = 0.264;
const DEGREE = 7;
const MAX_ROOTS = 64;
const MAX_DB_ITERATIONS = 100;

/** m-point Gauss–Legendre nodes and weights on [0, 1] (Newton's method on the Legendre polynomial P_m). */
function gaussLegendre01(m: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(m),
    weights = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (m + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1,
        p1 = x;
      for (let k = 2; k <= m; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (m * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    nodes[i] = (x + 1) / 2;
    weights[i] = 1 / ((1 - x * x) * dp * dp);
  }
  return { nodes, weights };
}

const RULE = gaussLegendre01(DEGREE);

interface LogmScratch {
  readonly y: Float64Array;
  readonly z: Float64Array;
  readonly yi: Float64Array;
  readonly zi: Float64Array;
  readonly t: Float64Array;
  readonly s: Float64Array;
  readonly pivots: Int32Array;
  roots: number;
}

function createScratch(n: number): LogmScratch {
  const nn = n * n;
  const f = () => new Float64Array(nn);
  return { y: f(), z: f(), yi: f(), zi: f(), t: f(), s: f(), pivots: new Int32Array(n), roots: 0 };
}

/** inv = m⁻¹ via LU (m is copied into work first). Throws on a singular m. */
function invertInto(m: Float64Array, n: number, inv: Float64Array, w: LogmScratch, work: Float64Array): void {
  work.set(m.subarray(0, n * n));
  const { singular } = luFactorInPlace(work, n, w.pivots);
  if (singular) {
    throw new PhaseflowError('CONVERGENCE_FAILURE', 'logm: a Denman–Beavers iterate became singular', { argument: 'a' });
  }
  identityInto(n, inv);
  luSolveInPlace(work, w.pivots, n, inv, n, w.s);
}

/** y ← √y by the Denman–Beavers iteration Y ← (Y + Z⁻¹)/2, Z ← (Z + Y⁻¹)/2, Z₀ = I. */
function sqrtmInPlace(n: number, w: LogmScratch): void {
  const nn = n * n;
  const { y, z, yi, zi, t } = w;
  identityInto(n, z);
  let prev = Infinity;
  for (let it = 0; it < MAX_DB_ITERATIONS; it++) {
    invertInto(y, n, yi, w, t);
    invertInto(z, n, zi, w, t);
    let change = 0,
      size = 0;
    for (let i = 0; i < nn; i++) {
      const ny = 0.5 * (y[i]! + zi[i]!);
      change = Math.max(change, Math.abs(ny - y[i]!));
      size = Math.max(size, Math.abs(ny));
      y[i] = ny;
      z[i] = 0.5 * (z[i]! + yi[i]!);
    }
    const rel = change / size;
    // Quadratic convergence: stop at roundoff level, or when roundoff stops the decrease.
    if (rel <= 4 * n * Number.EPSILON || (rel < 1e-10 && rel >= prev)) return;
    prev = rel;
  }
  throw new PhaseflowError('CONVERGENCE_FAILURE', `logm: the Denman–Beavers square root did not converge in ${MAX_DB_ITERATIONS} iterations`, {
    argument: 'a',
  });
}

function logmInto(a: Float64Array, n: number, out: Float64Array, w: LogmScratch): void {
  const nn = n * n;
  const dist = norm1MinusIdentity(a, n);
  if (!(dist < 1)) {
    throw new PhaseflowError('OUTSIDE_DOMAIN', `logm: expected a matrix with ‖A − I‖₁ < 1, received ‖A − I‖₁ = ${dist}`, {
      argument: 'a',
      expected: '‖A − I‖₁ < 1 (a matrix near the identity)',
      received: `‖A − I‖₁ = ${dist}`,
    });
  }
  const { y, t, s, zi, pivots } = w;
  y.set(a.subarray(0, nn));
  let k = 0;
  while (norm1MinusIdentity(y, n) > THETA7) {
    if (k === MAX_ROOTS) {
      throw new PhaseflowError('CONVERGENCE_FAILURE', `logm: ${MAX_ROOTS} square roots did not bring A within θ₇ of I`, { argument: 'a' });
    }
    sqrtmInPlace(n, w);
    k++;
  }
  // X = Y − I in y; accumulate Σ w_j (I + x_j X)⁻¹ X in zi.
  for (let i = 0; i < n; i++) y[i * n + i]! -= 1;
  zi.fill(0, 0, nn);
  for (let j = 0; j < DEGREE; j++) {
    const xj = RULE.nodes[j]!,
      wj = RULE.weights[j]!;
    for (let i = 0; i < nn; i++) t[i] = xj * y[i]!;
    for (let i = 0; i < n; i++) t[i * n + i]! += 1;
    luFactorInPlace(t, n, pivots);
    // (I + x_j X)⁻¹ X = X (I + x_j X)⁻¹ (they commute); solve with X as the right-hand sides.
    w.yi.set(y.subarray(0, nn));
    luSolveInPlace(t, pivots, n, w.yi, n, s);
    for (let i = 0; i < nn; i++) zi[i]! += wj * w.yi[i]!;
  }
  const scale = 2 ** k;
  for (let i = 0; i < nn; i++) out[i] = scale * zi[i]!;
  w.roots = k;
}

/**
 * The principal logarithm log A of a square matrix near the identity (row-major Float64Array,
 * n × n), by inverse scaling and squaring with Denman–Beavers square roots and a [7/7] Padé
 * approximant (Cheng, Higham, Kenney & Laub 2001).
 *
 * Equation: log A = 2ᵏ · r₇(A^{1/2ᵏ} − I), with k the fewest square roots that give
 * ‖A^{1/2ᵏ} − I‖₁ ≤ 0.264.
 *
 * Domain: ‖A − I‖₁ < 1; outside it throws `OUTSIDE_DOMAIN` (details name ‖A − I‖₁). `out` may
 * be `a`. Allocates its scratch per call; in a hot loop use {@link createLogm}.
 *
 * @example
 * ```ts
 * const t = 0.3;
 * logm(Float64Array.of(Math.cos(t), -Math.sin(t), Math.sin(t), Math.cos(t)), 2); // [0, −t, t, 0]
 * ```
 */
export function logm(a: Float64Array, n: number, out?: Float64Array): Float64Array {
  checkSquare('a', a, n);
  const o = checkOut('out', out, n * n);
  logmInto(a, n, o, createScratch(n));
  return o;
}

/** A reusable matrix logarithm for one size, from {@link createLogm}. */
export interface LogmEvaluator {
  readonly name: 'logm';
  /** The order n of the matrices it takes. */
  readonly n: number;
  /** out = log a for ‖a − I‖₁ < 1 (`out` defaults to a new array; it may be `a`). */
  apply(a: Float64Array, out?: Float64Array): Float64Array;
  /** Square roots taken by the last `apply` (0 before the first). */
  readonly squareRoots: number;
}

/**
 * A matrix logarithm for n × n matrices near the identity that keeps its scratch (six n × n
 * arrays), so `apply(a, out)` allocates nothing. Same algorithm and domain as {@link logm}.
 *
 * @example
 * ```ts
 * const log2 = createLogm({ n: 2 });
 * log2.apply(Float64Array.of(1.1, 0, 0, 0.9)); // [log 1.1, 0, 0, log 0.9]
 * ```
 */
export function createLogm(options: { n: number }): LogmEvaluator {
  const opts = checkOptions('options', options, ['n']);
  const n = checkInteger('options.n', opts.n, { min: 1 });
  checkAllocation('options.n', 6 * n * n, 8); // six n × n scratch matrices
  const scratch = createScratch(n);
  return {
    name: 'logm',
    n,
    apply(a, out) {
      checkSquare('a', a, n);
      const o = checkOut('out', out, n * n);
      logmInto(a, n, o, scratch);
      return o;
    },
    get squareRoots() {
      return scratch.roots;
    },
  };
}
