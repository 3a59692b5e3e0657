/**
 * Activation functions by name, as tf ops (usable on any rank, including the [J, B, d]
 * tensors of ensemble evaluation).
 */
import * as tf from '@tensorflow/tfjs';
import { checkOneOf } from '@phaseflow/core';

const table = {
  linear: (x: tf.Tensor) => x,
  relu: (x: tf.Tensor) => tf.relu(x),
  tanh: (x: tf.Tensor) => tf.tanh(x),
  sigmoid: (x: tf.Tensor) => tf.sigmoid(x),
  softmax: (x: tf.Tensor) => tf.softmax(x),
  elu: (x: tf.Tensor) => tf.elu(x),
  selu: (x: tf.Tensor) => tf.selu(x),
  softplus: (x: tf.Tensor) => tf.softplus(x),
  swish: (x: tf.Tensor) => tf.mul(x, tf.sigmoid(x)),
} as const;

/** The activation names phaseflow layers accept (the same names tf.layers uses). */
export type ActivationName = keyof typeof table;

/**
 * All accepted activation names.
 *
 * @example
 * ```ts
 * ACTIVATIONS.includes('tanh'); // true
 * ```
 */
export const ACTIVATIONS = Object.keys(table) as ActivationName[];

/**
 * The activation σ with this name as a tensor function; throws INVALID_ARGUMENT naming
 * `argument` for an unknown name.
 *
 * @example
 * ```ts
 * const sigma = activation('tanh');
 * sigma(tf.tensor([0, 1])); // [0, 0.7616]
 * ```
 */
export function activation(name: unknown, argument = 'activation'): (x: tf.Tensor) => tf.Tensor {
  return table[checkOneOf(argument, name, ACTIVATIONS)];
}
