/**
 * Choosing the ridge λ on held-out data. One pass over the training data accumulates the
 * normal equations; every λ is then a Cholesky solve, scored on the validation features.
 * On accurate (noise-free) data the best λ moves over orders of magnitude with the model, so
 * a fixed default is not enough (Gauthier et al. 2021 tune it per task).
 */
import { PhaseflowError, checkFunction, checkInteger, checkNonNegative, checkOptions, invalid } from '@phaseflow/core';
import { matrix, type Matrix } from '@phaseflow/linalg';
import { toMatrixList, type SeriesLike } from './series.js';
import { createRidgeAccumulator } from './readout.js';
import type { ReadoutModel } from './trainers.js';

/** Options of {@link ridgeSweep}. */
export interface RidgeSweepOptions {
  readonly train: { readonly inputs: SeriesLike | readonly SeriesLike[]; readonly targets: SeriesLike | readonly SeriesLike[] };
  /** Held-out sequence, run right after the training data (the model's state carries on). */
  readonly validation: { readonly inputs: SeriesLike; readonly targets: SeriesLike };
  /** λ values to try. Default 10^−12 … 10^0, one per decade. */
  readonly ridges?: readonly number[];
  /** Warm-up steps discarded at the start of each training sequence. Default 0. */
  readonly warmup?: number;
  /**
   * Custom criterion, lower is better, called with the model after each λ's weights are set
   * (e.g. minus the closed-loop valid prediction time on held-out windows: one-step error
   * often prefers a λ whose closed loop is unstable). Default: validation RMSE. A λ whose
   * score is not finite, or whose score throws (the message is kept in the row's `error`), is
   * ruled out.
   */
  readonly score?: (model: ReadoutModel, ridge: number) => number;
}

/** One row of a sweep. */
export interface RidgeSweepRow {
  readonly ridge: number;
  /** RMSE of the readout's target on the validation data. */
  readonly rmse: number;
  /** RMSE / ptp of the validation targets. */
  readonly nrmse: number;
  /** The custom criterion, when `options.score` is given (NaN when it threw: see `error`). */
  readonly score?: number;
  /**
   * What `options.score` threw for this λ (its message), as a hyper-parameter search keeps a
   * failed trial's error: the λ is ruled out and the sweep goes on. Absent when it returned.
   */
  readonly error?: string;
}

/**
 * Fit the readout for every λ and keep the best on the validation data (the readout is left
 * with the best λ's weights).
 *
 * @example
 * ```ts
 * const { best, table } = ridgeSweep(nvar, { train: { inputs, targets }, validation: { inputs: vu, targets: vy }, warmup: 2 });
 * ```
 */
export function ridgeSweep(model: ReadoutModel, options: RidgeSweepOptions): { best: RidgeSweepRow; table: RidgeSweepRow[] } {
  if (model === null || typeof model !== 'object' || typeof model.stream !== 'function') invalid('model', 'an ESN or NVAR model', model);
  const o = checkOptions('options', options, ['train', 'validation', 'ridges', 'warmup', 'score']);
  const ridges = o.ridges !== undefined ? o.ridges : Array.from({ length: 13 }, (_, i) => 10 ** (i - 12));
  if (!Array.isArray(ridges) || ridges.length === 0) invalid('options.ridges', 'a non-empty array of ridges >= 0', ridges);
  ridges.forEach((r, i) => checkNonNegative(`options.ridges[${i}]`, r));
  if (o.score !== undefined) checkFunction('options.score', o.score);
  const warmup = o.warmup === undefined ? 0 : checkInteger('options.warmup', o.warmup, { min: 0 });
  for (const key of ['train', 'validation'] as const) {
    const v = o[key] as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      invalid(`options.${key}`, `${key === 'train' ? 'training' : 'validation'} data { inputs, targets }`, v);
    checkOptions(`options.${key}`, v as object, ['inputs', 'targets']);
  }
  const ui = toMatrixList('options.train.inputs', o.train.inputs, model.inputDim);
  const yi = toMatrixList('options.train.targets', o.train.targets, model.readout.outputDim);
  if (ui.length !== yi.length) invalid('options.train.targets', `${ui.length} sequences`, yi.length, 'SHAPE_MISMATCH');
  const [vu] = toMatrixList('options.validation.inputs', o.validation.inputs, model.inputDim);
  const [vy] = toMatrixList('options.validation.targets', o.validation.targets, model.readout.outputDim);
  if (vu!.rows !== vy!.rows) invalid('options.validation.targets', `${vu!.rows} rows`, vy!.rows, 'SHAPE_MISMATCH');
  const r = model.readout;
  const samples = ui.reduce((a, u) => a + Math.max(0, u.rows - warmup), 0);
  ui.forEach((u, s) => {
    if (u.rows !== yi[s]!.rows) invalid(`options.train.targets[${s}]`, `${u.rows} rows`, yi[s]!.rows, 'SHAPE_MISMATCH');
  });
  const acc = createRidgeAccumulator({ inputDim: r.inputDim, outputDim: r.outputDim, samples });
  try {
    ui.forEach((u, s) => {
      model.stream(u, yi[s]!, s, (f, fo, y, yo, t) => {
        if (t >= warmup) acc.add(f, fo, y, yo);
      });
    });
  } finally {
    acc.close(); // the sums are final: every λ below is a solve on them
  }
  // Validation features and (model-transformed) targets, kept once.
  const F: Matrix = matrix(vu!.rows, r.inputDim);
  const Y: Matrix = matrix(vu!.rows, r.outputDim);
  model.stream(vu!, vy!, 0, (f, fo, y, yo, t) => {
    F.data.set(f.subarray(fo, fo + r.inputDim), t * r.inputDim);
    Y.data.set(y.subarray(yo, yo + r.outputDim), t * r.outputDim);
  });
  let lo = Infinity,
    hi = -Infinity;
  for (const v of vy!.data) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const out = new Float64Array(r.outputDim);
  const table: RidgeSweepRow[] = [];
  let best: { row: RidgeSweepRow; crit: number; theta: Float64Array } | undefined;
  for (const ridge of ridges) {
    try {
      acc.solve(ridge, r);
    } catch (e) {
      if (e instanceof PhaseflowError && e.code === 'NOT_POSITIVE_DEFINITE') {
        table.push({ ridge, rmse: NaN, nrmse: NaN });
        continue;
      }
      throw e;
    }
    let s = 0;
    for (let t = 0; t < F.rows; t++) {
      r.apply(F.data, t * r.inputDim, out, 0);
      for (let k = 0; k < r.outputDim; k++) s += (out[k]! - Y.data[t * r.outputDim + k]!) ** 2;
    }
    const e = Math.sqrt(s / Y.data.length);
    let crit = e;
    let row: RidgeSweepRow = { ridge, rmse: e, nrmse: e / (hi - lo) };
    if (o.score !== undefined) {
      const theta = r.parameters.get();
      let error: string | undefined;
      try {
        crit = o.score(model, ridge);
      } catch (e) {
        crit = NaN;
        error = e instanceof Error ? e.message : String(e);
      }
      r.parameters.set(theta);
      row = { ...row, score: crit, ...(error === undefined ? {} : { error }) };
    }
    table.push(row);
    if (Number.isFinite(crit) && (best === undefined || crit < best.crit)) best = { row, crit, theta: r.parameters.get() };
  }
  if (best === undefined) {
    throw new PhaseflowError('NOT_POSITIVE_DEFINITE', 'ridgeSweep: no ridge gave a solvable system; include larger ridges', { argument: 'options.ridges' });
  }
  r.parameters.set(best.theta);
  return { best: best.row, table };
}
