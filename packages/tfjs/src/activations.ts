/**
 * Activation functions by name, as tf ops (usable on any rank, including the [J, B, d]
 * tensors of ensemble evaluation). Every one returns a new tensor and leaves no intermediate
 * behind, so the caller may dispose input and output independently.
 */
import * as tf from '@tensorflow/tfjs';
import { checkOneOf } from '@phaseflow/core';

const table = {
  // A clone (it shares x's data): disposing the output must not dispose the input.
  linear: (x: tf.Tensor) => tf.clone(x),
  relu: (x: tf.Tensor) => tf.relu(x),
  tanh: (x: tf.Tensor) => tf.tanh(x),
  sigmoid: (x: tf.Tensor) => tf.sigmoid(x),
  softmax: (x: tf.Tensor) => tf.softmax(x),
  elu: (x: tf.Tensor) => tf.elu(x),
  selu: (x: tf.Tensor) => tf.selu(x),
  softplus: (x: tf.Tensor) => tf.softplus(x),
  swish: (x: tf.Tensor) => tf.tidy(() => tf.mul(x, tf.sigmoid(x))),
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
 * `argument` for an unknown name. σ(x) is always a new tensor (`linear` returns a clone of x)
 * and allocates nothing else: `tf.memory().numTensors` grows by exactly one per call.
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
