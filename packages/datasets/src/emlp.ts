/**
 * Two synthetic regression sets of the equivariant-MLP paper (Finzi, Welling & Wilson, ICML
 * 2021, `emlp/datasets.py`), regenerated from a seed: an O(5)-invariant scalar of two vectors
 * in ℝ⁵, and the O(3)-equivariant inertia tensor of five point masses. Each comes with its
 * target function, so the symmetry of a model's predictions can be checked against it.
 */
import { checkAllocation, checkFiniteArray, checkOptions, createRandom, invalid } from '@phaseflow/core';
import { seedArg, sizeArg } from './internal/args.js';
import type { RegressionSet } from './types.js';

/** Options of {@link o5Synthetic}. */
export interface O5SyntheticOptions {
  /** Samples (default 1024, EMLP's default). */
  readonly n?: number;
  /** Seed (default 0): the same seed gives the same bytes; row i does not depend on `n`. */
  readonly seed?: number;
}

/** Options of {@link inertia}. */
export interface InertiaOptions {
  /** Samples (default 1024, EMLP's default). */
  readonly n?: number;
  /** Point masses per sample, k (default 5). */
  readonly masses?: number;
  /** Seed (default 0): the same seed gives the same bytes; row i does not depend on `n`. */
  readonly seed?: number;
}

/** A regression set of the EMLP paper, with the symmetry of its target. */
export interface SymmetricRegressionSet extends RegressionSet {
  /** The group that acts: `O(5)` (o5Synthetic) or `O(3)` (inertia). */
  readonly group: 'O(5)' | 'O(3)';
  /** How it acts on a row of x and on a row of y, in words. */
  readonly action: { readonly input: string; readonly output: string };
}

const norm = (a: ArrayLike<number>, from: number, d: number) => {
  let s = 0;
  for (let i = 0; i < d; i++) s += a[from + i]! ** 2;
  return Math.sqrt(s);
};

/**
 * EMLP's O(5)-invariant target (Finzi et al. 2021, §7, "O(5) synthetic"):
 *
 *   f(x₁, x₂) = sin(‖x₁‖) − ½‖x₂‖³ + x₁·x₂ / (‖x₁‖ ‖x₂‖),   x₁, x₂ ∈ ℝ⁵,
 *
 * so f(Qx₁, Qx₂) = f(x₁, x₂) for every orthogonal Q. Undefined at x₁ = 0 or x₂ = 0 (refused).
 *
 * @example
 * ```ts
 * o5SyntheticTarget([1, 0, 0, 0, 0], [0, 2, 0, 0, 0]); // sin 1 − 4
 * ```
 */
export function o5SyntheticTarget(x1: ArrayLike<number>, x2: ArrayLike<number>): number {
  for (const [argument, v] of [
    ['x1', x1],
    ['x2', x2],
  ] as const) {
    checkFiniteArray(argument, v);
    if (v.length !== 5) invalid(argument, 'a vector of ℝ⁵ (5 finite numbers)', v, 'SHAPE_MISMATCH');
    if (norm(v, 0, 5) === 0) invalid(argument, 'a non-zero vector (f divides by its norm)', v);
  }
  const f = o5(x1, 0, x2, 0);
  if (!Number.isFinite(f)) invalid('x2', 'vectors whose target is finite (‖x₂‖³ or a norm overflows the float64 range)', x2, 'NON_FINITE_INPUT');
  return f;
}

function o5(a: ArrayLike<number>, ia: number, b: ArrayLike<number>, ib: number): number {
  const n1 = norm(a, ia, 5);
  const n2 = norm(b, ib, 5);
  let dot = 0;
  for (let i = 0; i < 5; i++) dot += a[ia + i]! * b[ib + i]!;
  return Math.sin(n1) - 0.5 * (n2 * n2 * n2) + dot / (n1 * n2); // n2³ multiplied out: `**` rounds differently across Node majors
}

/**
 * EMLP's O(5) synthetic regression set (Finzi, Welling & Wilson, ICML 2021, §7): x ~ N(0, I₁₀)
 * read as two vectors x₁ = x[0:5], x₂ = x[5:10] of ℝ⁵ (EMLP's `2*Vector`), y = f(x₁, x₂) of
 * {@link o5SyntheticTarget}, invariant under the orthogonal group O(5) acting on both vectors
 * at once (`Scalar` output). Rows are drawn one after another from one seeded stream, 10
 * normals each, in EMLP's layout.
 *
 * @example
 * ```ts
 * const train = o5Synthetic({ n: 1000, seed: 1 });
 * train.dim; // 10
 * train.y[0] === o5SyntheticTarget(train.x.subarray(0, 5), train.x.subarray(5, 10)); // true
 * ```
 */
export function o5Synthetic(options: O5SyntheticOptions = {}): SymmetricRegressionSet {
  const o = checkOptions('options', options, ['n', 'seed']);
  const n = sizeArg('options.n', o.n, 1024);
  const rng = createRandom(seedArg(o.seed));
  const x = new Float64Array(checkAllocation('options.n', n * 10));
  const y = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < 10; i++) x[s * 10 + i] = rng.normal();
    y[s] = o5(x, s * 10, x, s * 10 + 5);
  }
  return {
    kind: 'regression',
    name: 'o5-synthetic',
    x,
    y,
    n,
    dim: 10,
    outDim: 1,
    group: 'O(5)',
    action: { input: 'x₁ ↦ Qx₁, x₂ ↦ Qx₂ (x[0:5], x[5:10])', output: 'y ↦ y (invariant)' },
  };
}

/**
 * The inertia tensor of k point masses about the origin:
 *
 *   I = Σᵢ mᵢ (‖rᵢ‖² I₃ − rᵢ rᵢᵀ),
 *
 * a symmetric 3 × 3 matrix (row-major, 9 numbers) that turns as I ↦ Q I Qᵀ when every rᵢ
 * turns as rᵢ ↦ Q rᵢ (Q ∈ O(3)), and does not change when the masses are relabelled.
 * `masses` has k entries, `positions` 3k (r₁, r₂, …).
 *
 * @example
 * ```ts
 * inertiaTensor([2], [1, 0, 0]); // diag(0, 2, 2): [0, 0, 0, 0, 2, 0, 0, 0, 2]
 * ```
 */
export function inertiaTensor(masses: ArrayLike<number>, positions: ArrayLike<number>, out: Float64Array = new Float64Array(9)): Float64Array {
  checkFiniteArray('masses', masses);
  checkFiniteArray('positions', positions);
  if (masses.length === 0) invalid('masses', 'at least one mass', masses, 'SHAPE_MISMATCH');
  if (positions.length !== 3 * masses.length)
    invalid('positions', `3 × ${masses.length} = ${3 * masses.length} coordinates (one point of ℝ³ per mass)`, `length ${positions.length}`, 'SHAPE_MISMATCH');
  if (!(out instanceof Float64Array) || out.length !== 9) invalid('out', 'a Float64Array of 9 entries', out, 'SHAPE_MISMATCH');
  return tensor(masses, 0, positions, 0, masses.length, out, 0);
}

function tensor(m: ArrayLike<number>, im: number, r: ArrayLike<number>, ir: number, k: number, out: Float64Array, io: number): Float64Array {
  out.fill(0, io, io + 9);
  for (let p = 0; p < k; p++) {
    const mass = m[im + p]!;
    const o = ir + 3 * p;
    const r2 = r[o]! ** 2 + r[o + 1]! ** 2 + r[o + 2]! ** 2;
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) out[io + 3 * a + b]! += mass * ((a === b ? r2 : 0) - r[o + a]! * r[o + b]!);
  }
  return out;
}

/** softplus(z) = log(1 + eᶻ), written so it neither overflows nor loses small values. */
const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

/**
 * EMLP's inertia-tensor regression set (Finzi, Welling & Wilson, ICML 2021, §7, "Inertia"):
 * each row is k masses and k points of ℝ³ in EMLP's layout x = (m₁ … m_k, r₁, …, r_k) of
 * 4k numbers, drawn as N(0, 1) with the masses passed through softplus (so mᵢ > 0); the
 * target is the inertia tensor y = Σᵢ mᵢ(‖rᵢ‖² I₃ − rᵢrᵢᵀ) of {@link inertiaTensor}, 9
 * numbers row-major. O(3) acts on the points (`k*Scalar + k*Vector`) and on y as a rank-2
 * tensor (`T(2)`): y(Qr) = Q y(r) Qᵀ.
 *
 * @example
 * ```ts
 * const data = inertia({ n: 1000, seed: 1 });
 * [data.dim, data.outDim]; // [20, 9]
 * ```
 */
export function inertia(options: InertiaOptions = {}): SymmetricRegressionSet {
  const o = checkOptions('options', options, ['n', 'masses', 'seed']);
  const n = sizeArg('options.n', o.n, 1024);
  const k = sizeArg('options.masses', o.masses, 5);
  const dim = 4 * k;
  const rng = createRandom(seedArg(o.seed));
  checkAllocation('options.n', n * (dim + 9)); // x and the 3 × 3 targets
  const x = new Float64Array(n * dim);
  const y = new Float64Array(n * 9);
  for (let s = 0; s < n; s++) {
    const row = s * dim;
    for (let i = 0; i < dim; i++) x[row + i] = rng.normal();
    for (let i = 0; i < k; i++) x[row + i] = softplus(x[row + i]!);
    tensor(x, row, x, row + k, k, y, s * 9);
  }
  return {
    kind: 'regression',
    name: 'inertia',
    x,
    y,
    n,
    dim,
    outDim: 9,
    group: 'O(3)',
    action: { input: `masses fixed, rᵢ ↦ Qrᵢ (x[${k}:${dim}], 3 per mass)`, output: 'y ↦ Q y Qᵀ (3 × 3, row-major)' },
  };
}
