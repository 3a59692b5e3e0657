/**
 * The Lanczos method for the extreme eigenvalues of a symmetric operator known only through
 * its action v ↦ A·v (a Hessian through Hessian–vector products), with full
 * re-orthogonalisation so the Ritz values do not repeat (Paige's loss of orthogonality).
 */
import { PhaseflowError, checkFiniteArray, checkFunction, checkInteger, checkOptions, checkPositive, createRandom, invalid } from '@phaseflow/core';
import { symmetricEigen } from '@phaseflow/linalg';

type F = Float64Array;

/** A symmetric linear operator: out ← A·v; returns `out`. */
export type SymmetricOperator = (v: F, out: F) => F;

/** Options of {@link lanczos}. */
export interface LanczosOptions {
  /** How many of the largest (algebraic) eigenvalues to return (default 1). */
  readonly k?: number;
  /** Largest Krylov dimension m (default min(n, max(20, 4k))). */
  readonly iterations?: number;
  /** Stop when every wanted Ritz pair has residual ‖Ay − θy‖ ≤ tolerance·max(1, |θ|) (default 1e-8). */
  readonly tolerance?: number;
  /** Start vector (default a seeded Gaussian); a previous top eigenvector warm-starts a slowly changing operator. */
  readonly start?: ArrayLike<number>;
  /** Seed of the random start (default 0). */
  readonly seed?: number;
  /** Also return the Ritz vectors (default true). */
  readonly vectors?: boolean;
}

/** What {@link lanczos} found. */
export interface LanczosResult {
  /** The k largest Ritz values, descending. */
  readonly values: F;
  /** Their Ritz vectors (unit length), parallel to `values` (when asked for). */
  readonly vectors: F[];
  /** Residual norms ‖A·y − θ·y‖ of the returned pairs. */
  readonly residuals: F;
  /** Krylov dimension reached (= operator applications). */
  readonly iterations: number;
  /** True when every returned pair met the tolerance (or the Krylov space became invariant). */
  readonly converged: boolean;
}

/**
 * The k largest eigenvalues of a symmetric n × n operator A from its products A·v: Lanczos
 * tridiagonalisation A Q_m = Q_m T_m + β_m q_{m+1} e_mᵀ with full re-orthogonalisation, Ritz
 * values from the eigenvalues of T_m (linalg's `symmetricEigen`), stopped when the residuals
 * |β_m s_{m,i}| of the wanted pairs fall below the tolerance.
 *
 * Source: C. Lanczos, J. Res. Nat. Bur. Standards 45 (1950) 255–282; Golub & Van Loan,
 * Matrix Computations (4th ed.), §10.1–10.3.
 *
 * @example
 * ```ts
 * const A = (v: Float64Array, out: Float64Array) => { out[0] = 2 * v[0]! + v[1]!; out[1] = v[0]! + 2 * v[1]!; return out; };
 * lanczos(A, 2, { k: 1 }).values; // [3]
 * ```
 */
export function lanczos(operator: SymmetricOperator, n: number, options: LanczosOptions = {}): LanczosResult {
  checkFunction('operator', operator);
  checkInteger('n', n, { min: 1 });
  const o = checkOptions('options', options, ['k', 'iterations', 'tolerance', 'start', 'seed', 'vectors']);
  const k = o.k === undefined ? 1 : checkInteger('options.k', o.k, { min: 1, max: n });
  const m = o.iterations === undefined ? Math.min(n, Math.max(20, 4 * k)) : checkInteger('options.iterations', o.iterations, { min: k, max: n });
  const tol = o.tolerance === undefined ? 1e-8 : checkPositive('options.tolerance', o.tolerance);
  if (o.vectors !== undefined && typeof o.vectors !== 'boolean') invalid('options.vectors', 'true or false', o.vectors);
  const wantVectors = o.vectors ?? true;
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  const Q: F[] = [];
  const alpha: number[] = [];
  const beta: number[] = [];
  let q = new Float64Array(n);
  if (o.start !== undefined) {
    checkFiniteArray('options.start', o.start);
    if (o.start.length !== n) invalid('options.start', `a vector of length ${n}`, o.start, 'SHAPE_MISMATCH');
    q.set(o.start);
  } else createRandom(seed).fillNormal(q);
  let nq = norm(q);
  if (nq === 0) {
    createRandom(seed).fillNormal(q);
    nq = norm(q);
  }
  for (let i = 0; i < n; i++) q[i]! /= nq;
  const w = new Float64Array(n);
  let scale = 0;
  let eig: { values: F; vectors: F } | undefined;
  let converged = false;
  for (let j = 0; j < m; j++) {
    Q.push(q);
    const r = operator(q, w);
    if (r !== w) w.set(r);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(w[i]!)) {
        throw new PhaseflowError('NON_FINITE_STATE', `lanczos: the operator returned a non-finite product at iteration ${j + 1} (entry ${i})`, {
          step: j + 1,
          argument: 'operator',
        });
      }
    }
    const a = dot(q, w);
    alpha.push(a);
    // w ← w − α q_j − β_{j−1} q_{j−1}, then twice against every q_i (full re-orthogonalisation)
    for (let i = 0; i < n; i++) w[i] = w[i]! - a * q[i]! - (j > 0 ? beta[j - 1]! * Q[j - 1]![i]! : 0);
    for (let pass = 0; pass < 2; pass++) {
      for (const qi of Q) {
        const c = dot(qi, w);
        for (let i = 0; i < n; i++) w[i] = w[i]! - c * qi[i]!;
      }
    }
    const b = norm(w);
    scale = Math.max(scale, Math.abs(a), b);
    const size = j + 1;
    eig = tridiagonalEigen(alpha, beta, size);
    const invariant = b <= 1e-12 * Math.max(scale, Number.MIN_VALUE);
    // residual of Ritz pair i: |β_j · s_{j,i}| (last component of its eigenvector of T)
    let ok = size >= Math.min(k, n);
    for (let c = 0; ok && c < Math.min(k, size); c++) {
      const col = size - 1 - c;
      const theta = eig.values[col]!;
      const res = Math.abs(b * eig.vectors[(size - 1) * size + col]!);
      if (res > tol * Math.max(1, Math.abs(theta))) ok = false;
    }
    if (invariant || ok) {
      converged = true;
      beta.push(b);
      break;
    }
    beta.push(b);
    if (j + 1 < m) {
      q = new Float64Array(n);
      for (let i = 0; i < n; i++) q[i] = w[i]! / b;
    }
  }
  const size = alpha.length;
  const e = eig!;
  const kk = Math.min(k, size);
  const values = new Float64Array(kk);
  const residuals = new Float64Array(kk);
  const vectors: F[] = [];
  const bLast = beta[size - 1] ?? 0;
  for (let c = 0; c < kk; c++) {
    const col = size - 1 - c;
    values[c] = e.values[col]!;
    residuals[c] = Math.abs(bLast * e.vectors[(size - 1) * size + col]!);
    if (wantVectors) {
      const y = new Float64Array(n);
      for (let j = 0; j < size; j++) {
        const s = e.vectors[j * size + col]!;
        const qj = Q[j]!;
        for (let i = 0; i < n; i++) y[i]! += s * qj[i]!;
      }
      const ny = norm(y);
      if (ny > 0) for (let i = 0; i < n; i++) y[i]! /= ny;
      vectors.push(y);
    }
  }
  return { values, vectors, residuals, iterations: size, converged };
}

function tridiagonalEigen(alpha: number[], beta: number[], size: number): { values: F; vectors: F } {
  const T = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    T[i * size + i] = alpha[i]!;
    if (i + 1 < size) {
      T[i * size + i + 1] = beta[i]!;
      T[(i + 1) * size + i] = beta[i]!;
    }
  }
  const r = symmetricEigen(T, size);
  return { values: r.values, vectors: r.vectors };
}

function dot(a: F, b: F): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function norm(a: F): number {
  return Math.sqrt(dot(a, a));
}
