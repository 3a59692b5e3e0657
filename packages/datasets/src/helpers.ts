/**
 * Helpers between a generated set and a model: seeded train/validation/test split,
 * standardisation fitted on the training part, windowing of time series, minibatches.
 */
import { checkFiniteArray, checkInteger, checkOptions, createRandom, invalid, PhaseflowError } from '@phaseflow/core';
import { seedArg, sizeArg } from './internal/args.js';
import type { ClassificationSet, LabeledSet, RegressionSet, TimeSeries } from './types.js';

function checkSet<S extends LabeledSet>(argument: string, data: S): S {
  if (data === null || typeof data !== 'object' || (data.kind !== 'classification' && data.kind !== 'regression')) {
    invalid(argument, 'a ClassificationSet or RegressionSet { kind, x, y, n, dim }', data);
  }
  const yWidth = data.kind === 'classification' ? 1 : data.outDim;
  if (!(data.x instanceof Float64Array) || data.x.length !== data.n * data.dim) {
    invalid(`${argument}.x`, `a Float64Array of n·dim = ${data.n * data.dim} entries`, data.x, 'SHAPE_MISMATCH');
  }
  if (data.y.length !== data.n * yWidth) invalid(`${argument}.y`, `${data.n * yWidth} entries`, data.y, 'SHAPE_MISMATCH');
  return data;
}

/**
 * Rows `index` of a labelled set, copied into a new set of the same kind (features and
 * labels stay paired).
 *
 * @example
 * ```ts
 * const firstTen = selectRows(moons({ n: 100 }), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
 * ```
 */
export function selectRows<S extends LabeledSet>(data: S, index: ArrayLike<number>): S {
  const d = checkSet('data', data);
  if (!Array.isArray(index) && !(ArrayBuffer.isView(index) && !(index instanceof DataView))) invalid('index', 'an array of row indices', index);
  if (index.length === 0) invalid('index', 'at least one row index (a set holds at least one row)', index, 'SHAPE_MISMATCH');
  return takeRows(d, index, 'index');
}

/** The rows `index` of a checked set; an empty index gives an empty part (a split's `validation: 0`). */
function takeRows<S extends LabeledSet>(d: S, index: ArrayLike<number>, argument: string): S {
  const m = index.length,
    dim = d.dim;
  const yWidth = d.kind === 'classification' ? 1 : d.outDim;
  const x = new Float64Array(m * dim);
  const y = d.kind === 'classification' ? new Int32Array(m) : new Float64Array(m * yWidth);
  for (let i = 0; i < m; i++) {
    const r = index[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= d.n) invalid(`${argument}[${i}]`, `a row index in [0, ${d.n - 1}]`, r);
    x.set(d.x.subarray(r * dim, (r + 1) * dim), i * dim);
    for (let j = 0; j < yWidth; j++) y[i * yWidth + j] = d.y[r * yWidth + j]!;
  }
  return { ...d, x, y, n: m } as S;
}

/** The three parts of {@link split}. */
export interface Splits<S extends LabeledSet> {
  readonly train: S;
  readonly validation: S;
  readonly test: S;
}

/** Options of {@link split}: fractions in [0, 1] with train + validation + test ≤ 1. */
export interface SplitOptions {
  /** Fraction for training (default 0.7). */
  readonly train?: number;
  /** Fraction for validation (default 0.15). */
  readonly validation?: number;
  /** Fraction for testing (default: what train and validation leave). */
  readonly test?: number;
  /** Shuffle before splitting (default true); false keeps order (time series). */
  readonly shuffle?: boolean;
  readonly seed?: number;
}

/**
 * Split a labelled set into train / validation / test parts. Counts are ⌊fraction·n⌋ for
 * train and validation, and the test part takes ⌊test·n⌋ (all the rest when `test` is
 * omitted or the fractions sum to 1). Rows are shuffled with `seed` unless `shuffle: false`.
 *
 * @example
 * ```ts
 * const { train, validation, test } = split(moons({ n: 1000 }), { train: 0.8, validation: 0.1, seed: 1 });
 * ```
 */
export function split<S extends LabeledSet>(data: S, options: SplitOptions = {}): Splits<S> {
  const d = checkSet('data', data);
  const o = checkOptions('options', options, ['train', 'validation', 'test', 'shuffle', 'seed']);
  const frac = (name: string, v: unknown, fallback: number) => {
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) invalid(`options.${name}`, 'a fraction in [0, 1]', v);
    return v;
  };
  const fTrain = frac('train', o.train, 0.7);
  const fVal = frac('validation', o.validation, 0.15);
  const fTest = frac('test', o.test, Math.max(0, 1 - fTrain - fVal));
  const sum = fTrain + fVal + fTest;
  if (sum > 1 + 1e-12) {
    invalid('options', `fractions train + validation + test <= 1`, `${fTrain} + ${fVal} + ${fTest} = ${sum}`);
  }
  if (o.shuffle !== undefined && typeof o.shuffle !== 'boolean') invalid('options.shuffle', 'a boolean', o.shuffle);
  const n = d.n;
  const nTrain = Math.floor(fTrain * n + 1e-9);
  const nVal = Math.floor(fVal * n + 1e-9);
  const nTest = o.test === undefined || Math.abs(sum - 1) < 1e-12 ? n - nTrain - nVal : Math.floor(fTest * n + 1e-9);
  if (fTrain > 0 && nTrain === 0) invalid('options.train', `a fraction that keeps at least one of the ${n} rows`, fTrain);
  const order = o.shuffle === false ? Uint32Array.from({ length: n }, (_, i) => i) : createRandom(seedArg(o.seed)).permutation(n);
  return {
    train: takeRows(d, order.subarray(0, nTrain), 'order'),
    validation: takeRows(d, order.subarray(nTrain, nTrain + nVal), 'order'),
    test: takeRows(d, order.subarray(nTrain + nVal, nTrain + nVal + nTest), 'order'),
  };
}

/**
 * Per-column affine scaling z = (x − mean) / scale, fitted on one data set and applied to
 * others (fit on train only, so no information leaks from validation or test).
 */
export interface Standardizer {
  readonly dim: number;
  readonly mean: Float64Array;
  /** The standard deviation of each column (population, 1/n), or 1 for a constant column. */
  readonly scale: Float64Array;
  /** (x − mean) / scale, row-major with `dim` columns, into a new array. */
  transform(x: Float64Array): Float64Array;
  /** x = z · scale + mean. */
  inverseTransform(z: Float64Array): Float64Array;
}

/**
 * Fit a {@link Standardizer} on row-major data with `dim` columns: mean and population
 * standard deviation per column (two-pass, so large offsets lose no precision). A constant
 * column gets scale 1 (it is centred, not divided by zero), as scikit-learn's StandardScaler.
 *
 * @example
 * ```ts
 * const s = fitStandardizer(train.x, train.dim);
 * const xTest = s.transform(test.x);
 * ```
 */
export function fitStandardizer(x: Float64Array, dim: number): Standardizer {
  checkInteger('dim', dim, { min: 1 });
  if (!(x instanceof Float64Array)) invalid('x', 'a Float64Array', x);
  checkFiniteArray('x', x);
  if (x.length === 0 || x.length % dim !== 0)
    invalid('x', `a non-empty length divisible by dim = ${dim}`, x, x.length === 0 ? 'INVALID_ARGUMENT' : 'SHAPE_MISMATCH');
  const n = x.length / dim;
  const mean = new Float64Array(dim);
  const scale = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += x[i * dim + j]!;
  for (let j = 0; j < dim; j++) mean[j]! /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) scale[j]! += (x[i * dim + j]! - mean[j]!) ** 2;
  for (let j = 0; j < dim; j++) {
    const sd = Math.sqrt(scale[j]! / n);
    scale[j] = sd > 0 ? sd : 1;
  }
  const shape = (argument: string, a: Float64Array) => {
    if (!(a instanceof Float64Array)) invalid(argument, 'a Float64Array', a);
    if (a.length % dim !== 0) invalid(argument, `a length divisible by dim = ${dim}`, a, 'SHAPE_MISMATCH');
    checkFiniteArray(argument, a);
  };
  return {
    dim,
    mean,
    scale,
    transform(a) {
      shape('x', a);
      const out = new Float64Array(a.length);
      for (let i = 0; i < a.length; i++) out[i] = (a[i]! - mean[i % dim]!) / scale[i % dim]!;
      return out;
    },
    inverseTransform(z) {
      shape('z', z);
      const out = new Float64Array(z.length);
      for (let i = 0; i < z.length; i++) out[i] = z[i]! * scale[i % dim]! + mean[i % dim]!;
      return out;
    },
  };
}

/**
 * Standardise the features of every part of a split with statistics fitted on `train` only;
 * with `targets: true` (regression sets) the targets are standardised too. Returns the scaled
 * parts and the fitted standardizers (to undo the scaling of predictions).
 *
 * @example
 * ```ts
 * const { train, test, features } = standardize(split(data, { seed: 1 }));
 * ```
 */
export function standardize<S extends LabeledSet>(
  splits: Splits<S>,
  options: { readonly targets?: boolean } = {},
): Splits<S> & { readonly features: Standardizer; readonly targets?: Standardizer } {
  if (splits === null || typeof splits !== 'object' || !splits.train) invalid('splits', 'the { train, validation, test } of split()', splits);
  const o = checkOptions('options', options, ['targets']);
  const train = checkSet('splits.train', splits.train);
  const validation = checkSet('splits.validation', splits.validation);
  const test = checkSet('splits.test', splits.test);
  const features = fitStandardizer(train.x, train.dim);
  let targets: Standardizer | undefined;
  if (o.targets === true) {
    if (train.kind !== 'regression') invalid('options.targets', 'true only for regression sets (labels are not scaled)', o.targets);
    targets = fitStandardizer(train.y, train.outDim);
  } else if (o.targets !== undefined && o.targets !== false) invalid('options.targets', 'a boolean', o.targets);
  const apply = (s: S): S => ({
    ...s,
    x: features.transform(s.x),
    ...(targets && { y: targets.transform((s as RegressionSet).y) }),
  });
  return { train: apply(train), validation: apply(validation), test: apply(test), features, ...(targets && { targets }) };
}

/** Options of {@link windows}. */
export interface WindowOptions {
  /** Past states in each input window (default 1). */
  readonly input?: number;
  /** Future states in each target (default 1). */
  readonly horizon?: number;
  /** Shift between consecutive windows (default 1). */
  readonly stride?: number;
}

/**
 * Cut a time series into supervised windows: row r has input (s_i, …, s_{i+input−1}) and
 * target (s_{i+input}, …, s_{i+input+horizon−1}), i = r·stride, each flattened state after
 * state (so `dim = input·series.dim`, `outDim = horizon·series.dim`).
 *
 * @example
 * ```ts
 * const w = windows(mackeyGlassSeries({ n: 1000 }), { input: 8, horizon: 1 }); // w.dim = 8
 * ```
 */
export function windows(series: TimeSeries, options: WindowOptions = {}): RegressionSet {
  if (series === null || typeof series !== 'object' || series.kind !== 'time-series')
    invalid('series', 'a TimeSeries { kind: "time-series", x, n, dim }', series);
  if (series.x.length !== series.n * series.dim) invalid('series.x', `${series.n * series.dim} entries (n·dim)`, series.x, 'SHAPE_MISMATCH');
  const o = checkOptions('options', options, ['input', 'horizon', 'stride']);
  const input = sizeArg('options.input', o.input, 1);
  const horizon = sizeArg('options.horizon', o.horizon, 1);
  const stride = sizeArg('options.stride', o.stride, 1);
  const span = input + horizon;
  if (span > series.n) invalid('options', `input + horizon <= series length ${series.n}`, `${input} + ${horizon}`, 'SHAPE_MISMATCH');
  const rows = Math.floor((series.n - span) / stride) + 1;
  const d = series.dim;
  const x = new Float64Array(rows * input * d);
  const y = new Float64Array(rows * horizon * d);
  for (let r = 0; r < rows; r++) {
    const i = r * stride;
    x.set(series.x.subarray(i * d, (i + input) * d), r * input * d);
    y.set(series.x.subarray((i + input) * d, (i + span) * d), r * horizon * d);
  }
  return { kind: 'regression', name: `${series.name}-windows`, x, y, n: rows, dim: input * d, outDim: horizon * d };
}

/** One minibatch: rows `index` of the set, copied. */
export interface Batch<S extends LabeledSet> {
  readonly x: Float64Array;
  readonly y: S['y'];
  readonly n: number;
  /** The rows of the source set in this batch. */
  readonly index: Uint32Array;
}

/** Options of {@link batches}. */
export interface BatchOptions {
  /** Rows per batch (≥ 1). */
  readonly size: number;
  /** Shuffle rows (default true); each call with the same seed gives the same order. */
  readonly shuffle?: boolean;
  /** Drop a last, smaller batch (default false). */
  readonly dropLast?: boolean;
  readonly seed?: number;
}

/**
 * Minibatches of a labelled set, in a seeded shuffled order (one epoch). Options are checked
 * when called, not when iterated.
 *
 * @example
 * ```ts
 * for (const b of batches(train, { size: 32, seed: epoch })) model.step(b.x, b.y);
 * ```
 */
export function batches<S extends LabeledSet>(data: S, options: BatchOptions): Iterable<Batch<S>> {
  const d = checkSet('data', data);
  if (options === undefined) invalid('options', 'an options object with a batch size', options);
  const o = checkOptions('options', options, ['size', 'shuffle', 'dropLast', 'seed']);
  const size = checkInteger('options.size', o.size, { min: 1 });
  if (o.shuffle !== undefined && typeof o.shuffle !== 'boolean') invalid('options.shuffle', 'a boolean', o.shuffle);
  if (o.dropLast !== undefined && typeof o.dropLast !== 'boolean') invalid('options.dropLast', 'a boolean', o.dropLast);
  if (d.n === 0)
    throw new PhaseflowError('INVALID_ARGUMENT', 'data: expected a non-empty set, received 0 rows', { argument: 'data', expected: 'n >= 1', received: '0' });
  const order = o.shuffle === false ? Uint32Array.from({ length: d.n }, (_, i) => i) : createRandom(seedArg(o.seed)).permutation(d.n);
  const count = o.dropLast === true ? Math.floor(d.n / size) : Math.ceil(d.n / size);
  return {
    *[Symbol.iterator]() {
      for (let b = 0; b < count; b++) {
        const index = order.slice(b * size, Math.min(d.n, (b + 1) * size));
        const part = selectRows(d, index);
        yield { x: part.x, y: part.y, n: part.n, index } as Batch<S>;
      }
    },
  };
}

/**
 * One-hot encode class labels: an n × classes Float64Array, row i has a 1 in column y_i (for
 * softmax / cross-entropy heads).
 *
 * @example
 * ```ts
 * const targets = oneHot(spirals({ classes: 3 })); // n × 3
 * ```
 */
export function oneHot(data: ClassificationSet): Float64Array {
  if (data === null || typeof data !== 'object' || data.kind !== 'classification') invalid('data', 'a ClassificationSet', data);
  const out = new Float64Array(data.n * data.classes);
  for (let i = 0; i < data.n; i++) {
    const c = data.y[i]!;
    if (!(c >= 0 && c < data.classes)) invalid(`data.y[${i}]`, `a label in [0, ${data.classes - 1}]`, c);
    out[i * data.classes + c] = 1;
  }
  return out;
}
