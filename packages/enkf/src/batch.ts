/**
 * The plain-TypeScript data shapes the EnKF trainer and its models share: row-major matrices
 * of Float64 numbers.
 */

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
 * A supervised data set: `samples` inputs (row-major in `x`, `x.length / samples` numbers
 * each) and their targets (row-major in `y`, `y.length / samples` numbers each, e.g. one-hot
 * class labels).
 */
export interface EnKFData {
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly samples: number;
}
