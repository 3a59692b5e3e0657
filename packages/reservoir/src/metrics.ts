/**
 * Forecast metrics, with ReservoirPy's conventions for the scalar ones (the arrays are
 * flattened over time and components): RMSE, NRMSE normalised by the peak-to-peak range or the
 * standard deviation of the truth, the coefficient of determination R², and the valid
 * prediction time of a closed-loop forecast in Lyapunov times.
 */
import { PhaseflowError, checkOneOf, checkOptions, checkPositive, checkFiniteArray, checkLength } from '@phaseflow/core';
import type { Matrix } from '@phaseflow/linalg';
import { toMatrix, type SeriesLike } from './series.js';

function pair(truth: SeriesLike, prediction: SeriesLike): [Matrix, Matrix] {
  const a = toMatrix('truth', truth);
  const b = toMatrix('prediction', prediction, a.cols);
  if (a.rows !== b.rows) {
    throw new PhaseflowError('SHAPE_MISMATCH', `prediction: expected ${a.rows} rows (as truth), received ${b.rows}`, {
      argument: 'prediction', expected: `${a.rows} rows`, received: `${b.rows} rows`,
    });
  }
  return [a, b];
}

/**
 * Root mean squared error, `sqrt(mean((ŷ − y)²))` over every entry.
 *
 * @example
 * ```ts
 * rmse([1, 2, 3], [1, 2, 4]); // sqrt(1/3)
 * ```
 */
export function rmse(truth: SeriesLike, prediction: SeriesLike): number {
  const [a, b] = pair(truth, prediction);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += (a.data[i]! - b.data[i]!) ** 2;
  return Math.sqrt(s / a.data.length);
}

/**
 * Normalised RMSE: `rmse / (max y − min y)` (`ptp`, default, ReservoirPy's `nrmse`) or
 * `rmse / std(y)` (`std`, population standard deviation).
 *
 * @example
 * ```ts
 * nrmse(truth, prediction, { norm: 'std' });
 * ```
 */
export function nrmse(truth: SeriesLike, prediction: SeriesLike, options: { readonly norm?: 'ptp' | 'std' } = {}): number {
  const o = checkOptions('options', options, ['norm']);
  const norm = checkOneOf('options.norm', o.norm ?? 'ptp', ['ptp', 'std']);
  const [a] = pair(truth, prediction);
  const e = rmse(truth, prediction);
  const d = a.data;
  let scale: number;
  if (norm === 'ptp') {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < d.length; i++) {
      if (d[i]! < lo) lo = d[i]!;
      if (d[i]! > hi) hi = d[i]!;
    }
    scale = hi - lo;
  } else {
    scale = Math.sqrt(variance(d));
  }
  return e / scale;
}

function variance(d: Float64Array): number {
  let mean = 0;
  for (let i = 0; i < d.length; i++) mean += d[i]!;
  mean /= d.length;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += (d[i]! - mean) ** 2;
  return s / d.length;
}

/**
 * Coefficient of determination `R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²`.
 *
 * @example
 * ```ts
 * rsquare([1, 2, 3], [1, 2, 3]); // 1
 * ```
 */
export function rsquare(truth: SeriesLike, prediction: SeriesLike): number {
  const [a, b] = pair(truth, prediction);
  let ss = 0;
  for (let i = 0; i < a.data.length; i++) ss += (a.data[i]! - b.data[i]!) ** 2;
  return 1 - ss / (variance(a.data) * a.data.length);
}

/** Options of {@link validPredictionTime}. */
export interface VptOptions {
  /** Time step between rows. */
  readonly dt: number;
  /** Largest Lyapunov exponent λ (the result is in Lyapunov times 1/λ). */
  readonly lyapunovExponent: number;
  /** Error threshold ε. Default 0.4. */
  readonly threshold?: number;
  /** Per-component scale σᵢ (e.g. the std of each component of the training data). Default: std of `truth`. */
  readonly scale?: ArrayLike<number>;
}

/**
 * Valid prediction time (Pathak et al. 2018; Vlachas et al. 2020): with the normalised error
 * `e(t) = sqrt(mean_i ((ŷᵢ(t) − yᵢ(t))/σᵢ)²)`, VPT = λ·dt·t*, where t* is the number of steps
 * before e first exceeds the threshold (all of them if it never does).
 *
 * @example
 * ```ts
 * const vpt = validPredictionTime(truth, generated, { dt: 0.025, lyapunovExponent: 0.9056 });
 * ```
 */
export function validPredictionTime(truth: SeriesLike, prediction: SeriesLike, options: VptOptions): number {
  const o = checkOptions('options', options, ['dt', 'lyapunovExponent', 'threshold', 'scale']);
  const dt = checkPositive('options.dt', o.dt);
  const lyap = checkPositive('options.lyapunovExponent', o.lyapunovExponent);
  const eps = o.threshold === undefined ? 0.4 : checkPositive('options.threshold', o.threshold);
  const [a, b] = pair(truth, prediction);
  const c = a.cols;
  const sigma = new Float64Array(c);
  if (o.scale !== undefined) {
    checkFiniteArray('options.scale', o.scale);
    checkLength('options.scale', o.scale, c);
    for (let j = 0; j < c; j++) sigma[j] = checkPositive(`options.scale[${j}]`, o.scale[j]);
  } else {
    for (let j = 0; j < c; j++) {
      const col = new Float64Array(a.rows);
      for (let t = 0; t < a.rows; t++) col[t] = a.data[t * c + j]!;
      sigma[j] = Math.sqrt(variance(col));
    }
  }
  let t = 0;
  for (; t < a.rows; t++) {
    let s = 0;
    for (let j = 0; j < c; j++) s += ((b.data[t * c + j]! - a.data[t * c + j]!) / sigma[j]!) ** 2;
    if (Math.sqrt(s / c) > eps) break;
  }
  return t * dt * lyap;
}
