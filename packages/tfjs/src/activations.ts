/**
 * Activation functions by name, as tf ops (usable on any rank, including the [J, B, d]
 * tensors of ensemble evaluation). Every one returns a new tensor and leaves no intermediate
 * behind, so the caller may dispose input and output independently.
 */
import * as tf from '@tensorflow/tfjs';
import { checkOneOf } from '@phaseflow/core';
import { checkTensor } from './layer.js';

const table = {
  // A clone (it shares x's data): disposing the output must not dispose the input.
  linear: (x: tf.Tensor) => tf.clone(checkTensor('x', x)),
  relu: (x: tf.Tensor) => tf.relu(checkTensor('x', x)),
  tanh: (x: tf.Tensor) => tf.tanh(checkTensor('x', x)),
  sigmoid: (x: tf.Tensor) => tf.sigmoid(checkTensor('x', x)),
  softmax: (x: tf.Tensor) => tf.softmax(checkTensor('x', x)),
  elu: (x: tf.Tensor) => tf.elu(checkTensor('x', x)),
  selu: (x: tf.Tensor) => tf.selu(checkTensor('x', x)),
  softplus: (x: tf.Tensor) => tf.softplus(checkTensor('x', x)),
  swish: (x: tf.Tensor) => (checkTensor('x', x), tf.tidy(() => tf.mul(x, tf.sigmoid(x)))),
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
 * and allocates nothing else: `tf.memory().numTensors` grows by exactly one per call. σ refuses
 * what is not a live tensor with INVALID_ARGUMENT naming `x`, before any op runs.
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
