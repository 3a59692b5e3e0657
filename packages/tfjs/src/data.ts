/**
 * Checking and converting training data into tensors once, before any epoch runs.
 */
import * as tf from '@tensorflow/tfjs';
import { PhaseflowError, checkFunction, checkInteger, checkOneOf, invalid, type LabelledData } from '@phaseflow/core';
import { checkArgumentName, checkFloat32 } from './float32.js';

/** Features: n rows of d numbers, or a tensor [n, …]. */
export type TensorInputs = readonly ArrayLike<number>[] | tf.Tensor;

/**
 * Targets: n class labels (integers in [0, classes)) for the sparse categorical and binary
 * losses, n rows for `categorical-crossentropy` (one-hot) and `mse` (a plain number per
 * sample is accepted for one output), or a tensor [n, …].
 */
export type TensorTargets = ArrayLike<number> | readonly ArrayLike<number>[] | tf.Tensor;

/** Features and targets for the gradient Trainer: core's {@link LabelledData}, `{ inputs, targets }`. */
export type TensorLabelledData = LabelledData<TensorInputs, TensorTargets>;

/**
 * The data shape of @phaseflow/tfjs 0.0: `x` for the features, `y` for the targets.
 *
 * @deprecated Use `{ inputs, targets }` (core's LabelledData); removed in the next minor
 */
export interface TensorXYData {
  readonly x: TensorInputs;
  readonly y: TensorTargets;
}

/**
 * What the gradient Trainer, `evaluate` and {@link toTensors} accept: `{ inputs, targets }`,
 * or the deprecated `{ x, y }` (whose errors keep naming `x` and `y`).
 */
export type TensorData = TensorLabelledData | TensorXYData;

/** How targets are read: class labels, or real-valued rows. */
export type TargetKind = 'labels' | 'binary' | 'rows';

/** Tensors owned by the caller of {@link toTensors} (dispose both). */
export interface DataTensors {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
  readonly n: number;
}

const isArrayLike = (v: unknown): v is ArrayLike<unknown> =>
  v !== null &&
  typeof v === 'object' &&
  typeof (v as ArrayLike<unknown>).length === 'number' &&
  (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)));

function rowsToTensor(argument: string, rows: readonly ArrayLike<number>[]): tf.Tensor {
  const n = rows.length;
  const first = rows[0];
  if (!isArrayLike(first)) invalid(`${argument}[0]`, 'an array of numbers', first);
  const d = first.length;
  if (d === 0) invalid(`${argument}[0]`, 'a non-empty row', first);
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (!isArrayLike(row)) invalid(`${argument}[${i}]`, 'an array of numbers', row);
    if (row.length !== d) {
      throw new PhaseflowError('SHAPE_MISMATCH', `${argument}[${i}]: expected ${d} numbers (as row 0), received ${row.length}`, {
        argument: `${argument}[${i}]`,
        expected: `length ${d}`,
        received: `length ${row.length}`,
      });
    }
    for (let j = 0; j < d; j++) {
      const v = row[j];
      if (typeof v !== 'number') invalid(`${argument}[${i}][${j}]`, 'a finite number', v);
      if (!Number.isFinite(v)) invalid(`${argument}[${i}][${j}]`, 'a finite number', v, 'NON_FINITE_INPUT');
      data[i * d + j] = checkFloat32(`${argument}[${i}][${j}]`, v);
    }
  }
  return tf.tensor2d(data, [n, d]);
}

function checkTensorFinite(argument: string, t: tf.Tensor): void {
  if (!(t.dtype === 'float32' || t.dtype === 'int32' || t.dtype === 'bool')) invalid(argument, 'a numeric tensor', `${t.dtype} tensor`);
  const ok = tf.tidy(() => tf.all(tf.isFinite(tf.cast(t, 'float32'))).dataSync()[0]);
  if (!ok) invalid(argument, 'finite values', 'a tensor with NaN or Infinity', 'NON_FINITE_INPUT');
}

function checkLabels(argument: string, labels: ArrayLike<number>, classes: number): void {
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= classes) {
      invalid(
        `${argument}[${i}]`,
        `a class label, an integer in [0, ${classes - 1}]`,
        v,
        typeof v === 'number' && !Number.isFinite(v) ? 'NON_FINITE_INPUT' : 'INVALID_ARGUMENT',
      );
    }
  }
}

/**
 * Validate `data` and convert it to float32 tensors [n, …]. `classesOf(x)` gives the model's
 * output width once x is checked (labels must lie in [0, classes), binary labels in {0, 1}).
 * Errors: SHAPE_MISMATCH (inputs/targets lengths, ragged rows), INVALID_ARGUMENT (empty, label
 * range, an unknown `kind`, a `classesOf` that is no function or returns no class count), NON_FINITE_INPUT (NaN/Inf, naming `data.inputs[i][j]`). The caller disposes `x` and `y`.
 *
 * @example
 * ```ts
 * const { x, y, n } = toTensors({ inputs: rows, targets: labels }, 'labels', () => 3);
 * ```
 */
export function toTensors(data: TensorData, kind: TargetKind, classesOf: (x: tf.Tensor) => number, argument = 'data'): DataTensors {
  checkArgumentName(argument);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) invalid(argument, 'an object { inputs, targets }', data);
  checkOneOf<TargetKind>('kind', kind, ['labels', 'binary', 'rows']);
  checkFunction('classesOf', classesOf);
  const legacy = 'x' in data && !('targets' in data);
  const [xk, yk] = legacy ? ['x', 'y'] : ['inputs', 'targets'];
  const raw = data as unknown as Record<string, unknown>;
  const x = raw[xk] as TensorInputs;
  const y = raw[yk] as TensorTargets;
  const xa = `${argument}.${xk}`;
  const ya = `${argument}.${yk}`;
  let n: number;
  if (x instanceof tf.Tensor) {
    if (x.isDisposed) invalid(xa, 'a live tensor', 'a disposed tensor');
    if (x.rank < 2) invalid(xa, 'a tensor of rank >= 2 [n, features]', `rank ${x.rank}`);
    n = x.shape[0]!;
  } else if (Array.isArray(x)) n = x.length;
  else invalid(xa, 'an array of rows or a tf.Tensor', x);
  if (n === 0) invalid(xa, 'at least one sample', 'an empty data set');
  let ny: number;
  if (y instanceof tf.Tensor) {
    if (y.isDisposed) invalid(ya, 'a live tensor', 'a disposed tensor');
    ny = y.rank === 0 ? 0 : y.shape[0]!;
  } else if (isArrayLike(y)) ny = y.length;
  else invalid(ya, 'an array of targets or a tf.Tensor', y);
  if (ny !== n) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${xa} has ${n} samples but ${ya} has ${ny}; they must agree`, {
      argument: ya,
      expected: `${n} targets (as ${xa})`,
      received: `${ny} targets`,
    });
  }
  if (x instanceof tf.Tensor) checkTensorFinite(xa, x);
  const xt = x instanceof tf.Tensor ? tf.cast(x, 'float32') : rowsToTensor(xa, x);
  try {
    const classes = kind === 'labels' ? checkInteger('classesOf', classesOf(xt), { min: 1 }) : 2;
    let yt: tf.Tensor;
    if (y instanceof tf.Tensor) {
      checkTensorFinite(ya, y);
      if (kind !== 'rows') checkLabels(ya, y.dataSync(), kind === 'binary' ? 2 : classes);
      yt = tf.tidy(() => (kind === 'rows' && y.rank === 1 ? tf.expandDims(tf.cast(y, 'float32'), 1) : tf.cast(y, 'float32')));
    } else if (kind !== 'rows') {
      const labels = y as ArrayLike<number>;
      checkLabels(ya, labels, kind === 'binary' ? 2 : classes);
      const f = Float32Array.from(labels as ArrayLike<number>);
      yt = kind === 'binary' ? tf.tensor2d(f, [n, 1]) : tf.tensor1d(f);
    } else {
      const rows = y as readonly (ArrayLike<number> | number)[];
      // Array.from, not .map: a typed array's map would coerce each [v] back to a number.
      yt =
        typeof rows[0] === 'number'
          ? rowsToTensor(
              ya,
              Array.from(rows as ArrayLike<number>, (v) => [v]),
            )
          : rowsToTensor(ya, rows as ArrayLike<number>[]);
    }
    return { x: xt, y: yt, n };
  } catch (e) {
    xt.dispose();
    throw e;
  }
}
