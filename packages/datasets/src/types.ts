/**
 * The three data shapes of @phaseflow/datasets. Everything is a plain typed array, row-major,
 * with its sizes alongside, so any consumer (tfjs tensors, reservoirs, EnKF, integrators) can
 * wrap it without copying: row i of `x` is `x.subarray(i * dim, (i + 1) * dim)`.
 */

/**
 * A labelled classification set: `n` points in ℝ^dim with integer labels in [0, classes).
 *
 * - `x`: Float64Array of length `n * dim`, row-major (point i is `x[i*dim … i*dim+dim-1]`).
 * - `y`: Int32Array of length `n`, each entry in `0 … classes-1`.
 *
 * @example
 * ```ts
 * const { x, y, n, dim } = moons({ n: 200, seed: 1 });
 * for (let i = 0; i < n; i++) console.log(x[i * dim], x[i * dim + 1], y[i]);
 * ```
 */
export interface ClassificationSet {
  readonly kind: 'classification';
  readonly name: string;
  readonly x: Float64Array;
  readonly y: Int32Array;
  readonly n: number;
  readonly dim: number;
  readonly classes: number;
}

/**
 * A regression set: `n` inputs in ℝ^dim and `n` targets in ℝ^outDim, both row-major
 * Float64Arrays (`x.length = n * dim`, `y.length = n * outDim`). Windowed time series,
 * NARMA-10 and Hamiltonian samples (x = (q, p), y = (dq/dt, dp/dt)) have this shape.
 *
 * @example
 * ```ts
 * const { x, y, dim, outDim } = narma10({ n: 500, seed: 3 }); // dim = outDim = 1
 * ```
 */
export interface RegressionSet {
  readonly kind: 'regression';
  readonly name: string;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly n: number;
  readonly dim: number;
  readonly outDim: number;
}

/** Either labelled shape; the helpers (split, standardise, batches) take both. */
export type LabeledSet = ClassificationSet | RegressionSet;

/**
 * A sampled trajectory: `n` states in ℝ^dim at times `t` (length n), row-major in `x`
 * (`x.length = n * dim`). `labels` names the components (e.g. `['q', 'p']`); `energy`, when
 * present, is the Hamiltonian at each sample.
 *
 * @example
 * ```ts
 * const s = lorenz63Series({ n: 1000 });
 * const z = Float64Array.from({ length: s.n }, (_, i) => s.x[i * s.dim + 2]!);
 * ```
 */
export interface TimeSeries {
  readonly kind: 'time-series';
  readonly name: string;
  readonly t: Float64Array;
  readonly x: Float64Array;
  readonly n: number;
  readonly dim: number;
  readonly labels: readonly string[];
  readonly energy?: Float64Array;
}
