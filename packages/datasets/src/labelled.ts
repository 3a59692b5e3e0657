/**
 * The glue between a generated set and a trainer: datasets hand out `{ x, y, n, dim }`
 * (row-major Float64Arrays, integer class labels), trainers take core's
 * `LabelledData { inputs, targets, samples }`.
 */
import { checkOptions, invalid, type LabelledData } from '@phaseflow/core';
import { oneHot } from './helpers.js';
import type { LabeledSet } from './types.js';

/** Options of {@link toLabelledData}. */
export interface ToLabelledDataOptions {
  /**
   * Targets of a classification set: `'one-hot'` (n × classes, the default; what the
   * softmax/cross-entropy trainers take) or `'labels'` (n class indices as Float64).
   * Ignored for a regression set, whose targets are its `y`.
   */
  readonly targets?: 'one-hot' | 'labels';
}

/**
 * A set in the trainers' shape: exactly `{ inputs, targets, samples }` (trainers refuse unknown
 * keys), row widths `dim` and classes (one-hot), 1 (labels) or `outDim` (regression).
 */
export interface FlatLabelledData extends LabelledData<Float64Array, Float64Array> {
  readonly samples: number;
}

/**
 * A classification or regression set as core's {@link LabelledData}: `inputs` is the set's
 * `x` (shared, not copied), `targets` one-hot rows (or the labels, or the regression targets),
 * `samples` its `n`. What {@link split}, {@link standardize} and {@link batches} return goes
 * in the same way.
 *
 * @example
 * ```ts
 * import { moons, toLabelledData } from '@phaseflow/datasets';
 * const data = toLabelledData(moons({ n: 200, seed: 1 })); // { inputs: 200×2, targets: 200×2 one-hot, samples: 200 }
 * ```
 */
export function toLabelledData(set: LabeledSet, options: ToLabelledDataOptions = {}): FlatLabelledData {
  const o = checkOptions('options', options, ['targets']);
  if (o.targets !== undefined && o.targets !== 'one-hot' && o.targets !== 'labels') invalid('options.targets', "'one-hot' or 'labels'", o.targets);
  if (set === null || typeof set !== 'object' || (set.kind !== 'classification' && set.kind !== 'regression')) {
    invalid('set', 'a ClassificationSet or RegressionSet { kind, x, y, n, dim }', set);
  }
  if (!(set.x instanceof Float64Array) || set.x.length !== set.n * set.dim) {
    invalid('set.x', `a Float64Array of n·dim = ${set.n * set.dim} entries`, set.x, 'SHAPE_MISMATCH');
  }
  if (set.kind === 'regression') {
    if (!(set.y instanceof Float64Array) || set.y.length !== set.n * set.outDim)
      invalid('set.y', `a Float64Array of n·outDim = ${set.n * set.outDim} entries`, set.y, 'SHAPE_MISMATCH');
    return { inputs: set.x, targets: set.y, samples: set.n };
  }
  if (o.targets === 'labels') {
    if (set.y.length !== set.n) invalid('set.y', `${set.n} labels`, set.y, 'SHAPE_MISMATCH');
    return { inputs: set.x, targets: Float64Array.from(set.y), samples: set.n };
  }
  return { inputs: set.x, targets: oneHot(set), samples: set.n };
}
