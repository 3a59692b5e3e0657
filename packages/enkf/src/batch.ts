/**
 * The plain-TypeScript data shapes the EnKF trainer and its models share: row-major matrices
 * of Float64 numbers.
 */
import type { LabelledData } from '@phaseflow/core';

/**
 * A batch of `rows` inputs, each of `cols` numbers, stored row-major in `x`
 * (`x[r * cols + c]`). This is the input type of @phaseflow/nn64's `createMlp64` and the default input
 * the trainer hands a model.
 */
export interface Batch {
  readonly x: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/**
 * A supervised data set, core's {@link LabelledData} over flat row-major arrays: `samples`
 * inputs (row-major in `inputs`, `inputs.length / samples` numbers each) and their targets
 * (row-major in `targets`, `targets.length / samples` numbers each, e.g. one-hot class labels).
 */
export interface EnKFData extends LabelledData<ArrayLike<number>, ArrayLike<number>> {
  readonly samples: number;
}

/**
 * The data shape of @phaseflow/enkf 0.0: `x` for the inputs, `y` for the targets.
 *
 * @deprecated Use {@link EnKFData} (`{ inputs, targets, samples }`, core's LabelledData); removed in the next minor
 */
export interface EnKFXYData {
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly samples: number;
}
