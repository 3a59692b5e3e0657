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
      argument: 'prediction',
      expected: `${a.rows} rows`,
      received: `${b.rows} rows`,
    });
  }
  return [a, b];
}

/**
 * √(Σᵢ (aᵢ − bᵢ)² / n), summed plainly (bit-identical to the textbook loop) and rescaled by
 * max |aᵢ − bᵢ| only when the plain sum overflows; a difference beyond Float64 is a coded error.
 */
function rootMeanSquare(argument: string, a: Float64Array, b: Float64Array | undefined, shift = 0): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - (b ? b[i]! : shift)) ** 2;
  if (Number.isFinite(s)) return Math.sqrt(s / a.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - (b ? b[i]! : shift)));
  if (!Number.isFinite(m)) {
    throw new PhaseflowError('NON_FINITE_INPUT', `${argument}: a difference between entries overflows Float64 (beyond ±1.8e308)`, {
      argument,
      expected: 'values whose differences are finite in Float64',
      received: 'differences beyond ±1.8e308',
    });
  }
  let r = 0;
  for (let i = 0; i < a.length; i++) r += ((a[i]! - (b ? b[i]! : shift)) / m) ** 2;
  return m * Math.sqrt(r / a.length);
}

/** A truth series that NRMSE and R² can normalise by: not constant. */
function degenerate(metric: string, what: string): never {
  throw new PhaseflowError('INVALID_ARGUMENT', `truth: ${metric} is undefined for a constant truth series (its ${what} is 0); use rmse`, {
    argument: 'truth',
    expected: `a truth series that varies (${what} > 0)`,
    received: `a constant series (${what} 0)`,
  });
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
  return rootMeanSquare('prediction', a.data, b.data);
}

/**
 * Normalised RMSE: `rmse / (max y − min y)` (`ptp`, default, ReservoirPy's `nrmse`) or
 * `rmse / std(y)` (`std`, population standard deviation). A constant truth has no scale to
 * normalise by: INVALID_ARGUMENT naming `truth` (not ±Infinity or NaN).
 *
 * @example
 * ```ts
 * nrmse(truth, prediction, { norm: 'std' });
 * ```
 */
export function nrmse(truth: SeriesLike, prediction: SeriesLike, options: { readonly norm?: 'ptp' | 'std' } = {}): number {
  const o = checkOptions('options', options, ['norm']);
  const norm = o.norm === undefined ? 'ptp' : checkOneOf('options.norm', o.norm, ['ptp', 'std']);
  const [a] = pair(truth, prediction);
  const e = rmse(truth, prediction);
  const d = a.data;
  let scale: number;
  if (norm === 'ptp') {
    let lo = Infinity,
      hi = -Infinity;
    for (let i = 0; i < d.length; i++) {
      if (d[i]! < lo) lo = d[i]!;
      if (d[i]! > hi) hi = d[i]!;
    }
    scale = hi - lo;
    if (!(scale > 0)) degenerate('NRMSE', 'peak-to-peak range');
    if (!Number.isFinite(scale)) return e / hi / (1 - lo / hi);
  } else {
    if (isConstant(d)) degenerate('NRMSE', 'standard deviation');
    scale = standardDeviation(d);
  }
  return e / scale;
}

/** Every entry equal (the rounding of a computed mean must not make a constant series vary). */
function isConstant(d: Float64Array): boolean {
  for (let i = 1; i < d.length; i++) if (d[i] !== d[0]) return false;
  return true;
}

function mean(d: Float64Array): number {
  let m = 0;
  for (let i = 0; i < d.length; i++) m += d[i]!;
  m /= d.length;
  if (Number.isFinite(m)) return m;
  // The sum overflowed: the mean itself is within range.
  m = 0;
  for (let i = 0; i < d.length; i++) m += d[i]! / d.length;
  return m;
}

/** Population standard deviation (overflow-safe). */
function standardDeviation(d: Float64Array): number {
  return rootMeanSquare('truth', d, undefined, mean(d));
}

function variance(d: Float64Array): number {
  const m = mean(d);
  let s = 0;
  for (let i = 0; i < d.length; i++) s += (d[i]! - m) ** 2;
  return s / d.length;
}

/**
 * Coefficient of determination `R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²`. A constant truth (zero
 * variance) leaves R² undefined: INVALID_ARGUMENT naming `truth` (not −Infinity or NaN).
 *
 * @example
 * ```ts
 * rsquare([1, 2, 3], [1, 2, 3]); // 1
 * ```
 */
export function rsquare(truth: SeriesLike, prediction: SeriesLike): number {
  const [a, b] = pair(truth, prediction);
  if (isConstant(a.data)) degenerate('R²', 'variance');
  let ss = 0;
  for (let i = 0; i < a.data.length; i++) ss += (a.data[i]! - b.data[i]!) ** 2;
  const total = variance(a.data) * a.data.length;
  if (Number.isFinite(ss) && total > 0 && Number.isFinite(total)) return 1 - ss / total;
  // Overflow or underflow in the plain sums: the same ratio from rescaled root mean squares.
  const sd = standardDeviation(a.data);
  return 1 - (rootMeanSquare('prediction', a.data, b.data) / sd) ** 2;
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
      if (isConstant(col)) {
        throw new PhaseflowError(
          'INVALID_ARGUMENT',
          `truth: component ${j} is constant, so it has no standard deviation to normalise the error by; pass options.scale`,
          {
            argument: 'truth',
            expected: `a truth whose every component varies, or options.scale`,
            received: `component ${j} constant (standard deviation 0)`,
          },
        );
      }
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
