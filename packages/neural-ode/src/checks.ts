/**
 * Checks of what user callbacks hand back to the layer: the loss of `NeuralODE.gradients`
 * and the cotangent of the Float64 twin's `gradients`.
 */
import * as tf from '@tensorflow/tfjs';
import { callbackFailed, checkAllocation, checkInteger, describeValue, invalid, isPhaseflowError } from '@phaseflow/core';

/**
 * @internal loss(output), refused unless it is a scalar tensor (INVALID_ARGUMENT naming
 * `loss`); a loss that throws something other than a PhaseflowError becomes CALLBACK_FAILED
 * naming `loss`, the thrown value as `cause`. Runs inside the gradient's tidy, so nothing the
 * loss made outlives a failure.
 */
export function callLoss(loss: (output: tf.Tensor) => tf.Scalar, output: tf.Tensor): tf.Scalar {
  let value: unknown;
  try {
    value = loss(output);
  } catch (e) {
    if (isPhaseflowError(e)) throw e;
    throw callbackFailed('loss', e);
  }
  if (!(value instanceof tf.Tensor) || value.rank !== 0)
    invalid(
      'loss',
      'a function returning a scalar tensor (rank 0)',
      value instanceof tf.Tensor ? `a tensor of shape [${value.shape.join(', ')}]` : describeValue(value),
    );
  return value as tf.Scalar;
}

/**
 * @internal cotangent(k, y) of the Float64 twin, refused unless it is rows × d finite numbers
 * (SHAPE_MISMATCH / INVALID_ARGUMENT naming `cotangent(k)`); a throw becomes CALLBACK_FAILED
 * naming `cotangent`.
 */
export function callCotangent(cotangent: (k: number, y: Float64Array) => ArrayLike<number>, k: number, y: Float64Array, length: number): Float64Array {
  let g: unknown;
  try {
    g = cotangent(k, y);
  } catch (e) {
    if (isPhaseflowError(e)) throw e;
    throw callbackFailed('cotangent', e, { step: k });
  }
  const argument = `cotangent(${k})`;
  if (g === null || typeof g !== 'object' || !(ArrayBuffer.isView(g) || Array.isArray(g))) invalid(argument, `${length} numbers (rows × d)`, g);
  const a = g as ArrayLike<number>;
  if (a.length !== length) invalid(argument, `${length} numbers (rows × d)`, g, 'SHAPE_MISMATCH');
  for (let i = 0; i < a.length; i++)
    if (typeof a[i] !== 'number' || !Number.isFinite(a[i])) invalid(`${argument}[${i}]`, 'a finite number', a[i], 'NON_FINITE_INPUT');
  return Float64Array.from(a);
}

/** @internal A row count: an integer ≥ 1 whose rows × `width` Float64 states can be allocated. */
export function checkRows(argument: string, rows: unknown, width: number): number {
  checkInteger(argument, rows, { min: 1 });
  checkAllocation(argument, (rows as number) * width, 8);
  return rows as number;
}

/**
 * @internal A Float32Array holding `length` numbers (`exact`: exactly that many; otherwise at
 * least, the tail unread — callers such as nn64's chain32 pass buffers sized for a larger
 * batch), all finite when `finite` (an input or a cotangent; an accumulator may hold anything).
 */
export function checkFloat32Buffer(argument: string, value: unknown, length: number, finite: boolean, exact = false): Float32Array {
  const expected = `a Float32Array of ${exact ? '' : 'at least '}${length} numbers`;
  if (!(value instanceof Float32Array)) invalid(argument, expected, value);
  if (exact ? value.length !== length : value.length < length) invalid(argument, expected, value, 'SHAPE_MISMATCH');
  if (finite) for (let i = 0; i < length; i++) if (!Number.isFinite(value[i])) invalid(`${argument}[${i}]`, 'a finite number', value[i], 'NON_FINITE_INPUT');
  return value;
}
