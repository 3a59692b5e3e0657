/**
 * The flat parameter view θ ∈ ℝᴾ over a list of tfjs weights, and its batched (ensemble)
 * evaluation for chains of dense layers — what derivative-free trainers (EnKF) read and write.
 */
import * as tf from '@tensorflow/tfjs';
import { PhaseflowError, checkFiniteArray, checkFunction, checkInteger, checkLength, invalid, type ParametricView } from '@phaseflow/core';
import { checkArgumentName, checkFloat32Array } from './float32.js';

/** A tfjs layer weight (`layer.trainableWeights[i]`). */
export type Weight = tf.layers.Layer['trainableWeights'][number];

const sizeOf = (shape: readonly (number | null)[]): number => shape.reduce<number>((n, d) => n * (d ?? 0), 1);

/** A list of tfjs layer weights (`layer.trainableWeights`): an array of objects with a shape, `read` and `write`. */
function checkWeights(argument: string, weights: unknown): readonly Weight[] {
  if (!Array.isArray(weights)) invalid(argument, 'an array of tfjs layer weights (layer.trainableWeights)', weights);
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] as Partial<Weight> | null;
    if (w === null || typeof w !== 'object' || !Array.isArray(w.shape) || typeof w.read !== 'function' || typeof w.write !== 'function') {
      invalid(`${argument}[${i}]`, 'a tfjs layer weight (an entry of layer.trainableWeights)', w);
    }
  }
  return weights as readonly Weight[];
}

/**
 * Total number of scalars P in `weights` (the length of θ). Every function here refuses a
 * `weights` that is not an array of layer weights with INVALID_ARGUMENT naming `weights` or
 * `weights[i]`; an empty list is a model without weights (P = 0).
 *
 * @example
 * ```ts
 * countWeights(model.trainableWeights); // 354
 * ```
 */
export function countWeights(weights: readonly Weight[]): number {
  checkWeights('weights', weights);
  let n = 0;
  for (const w of weights) n += sizeOf(w.shape);
  return n;
}

/**
 * Read every weight into one Float64 vector, in order.
 *
 * @example
 * ```ts
 * const theta = readWeights(model.trainableWeights);
 * ```
 */
export function readWeights(weights: readonly Weight[], out?: Float64Array): Float64Array {
  const n = countWeights(weights);
  if (out !== undefined) {
    if (!(out instanceof Float64Array)) invalid('out', `a Float64Array of ${n} numbers`, out);
    checkLength('out', out, n);
  }
  const o = out ?? new Float64Array(n);
  let k = 0;
  for (const w of weights) {
    const data = w.read().dataSync();
    o.set(data, k);
    k += data.length;
  }
  return o;
}

/**
 * Overwrite every weight from one flat vector (values are rounded to float32).
 *
 * @example
 * ```ts
 * writeWeights(model.trainableWeights, theta);
 * ```
 */
export function writeWeights(weights: readonly Weight[], theta: ArrayLike<number>, argument = 'theta'): void {
  checkArgumentName(argument);
  const p = countWeights(weights);
  checkFiniteArray(argument, theta);
  checkFloat32Array(argument, theta);
  checkLength(argument, theta, p);
  let k = 0;
  tf.tidy(() => {
    for (const w of weights) {
      const n = sizeOf(w.shape);
      const values = new Float32Array(n);
      for (let i = 0; i < n; i++) values[i] = theta[k + i]!;
      k += n;
      w.write(tf.tensor(values, w.shape as number[], 'float32'));
    }
  });
}

/**
 * Slice J parameter rows into one tensor per weight with a leading member axis:
 * weight i becomes shape [J, …shapeᵢ]. The caller owns (disposes) the tensors.
 *
 * @example
 * ```ts
 * const [kernels, biases] = ensembleWeights(layer.trainableWeights, thetas, 8); // [8, in, out], [8, out]
 * ```
 */
export function ensembleWeights(weights: readonly Weight[], thetas: Float64Array, members: number): tf.Tensor[] {
  const p = countWeights(weights);
  checkInteger('members', members, { min: 1 });
  if (!(thetas instanceof Float64Array)) invalid('thetas', 'a Float64Array of members × P numbers', thetas);
  checkLength('thetas', thetas, members * p);
  checkFiniteArray('thetas', thetas);
  checkFloat32Array('thetas', thetas);
  const out: tf.Tensor[] = [];
  let k = 0;
  for (const w of weights) {
    const n = sizeOf(w.shape);
    const data = new Float32Array(members * n);
    for (let j = 0; j < members; j++) {
      const row = thetas.subarray(j * p + k, j * p + k + n);
      data.set(row, j * n);
    }
    out.push(tf.tensor(data, [members, ...(w.shape as number[])], 'float32'));
    k += n;
  }
  return out;
}

/**
 * A {@link ParametricView} over the weights a function returns (read each time, so layers
 * built later are seen). `ensemble`, when given, is the batched evaluation.
 *
 * @example
 * ```ts
 * const view = weightsView(() => model.trainableWeights, 'model');
 * view.set(view.get().map((v) => v * 0.5));
 * ```
 */
export function weightsView<I, O>(
  weights: () => readonly Weight[],
  owner: string,
  ensemble?: (thetas: Float64Array, members: number, input: I) => O[],
): ParametricView<I, O> {
  checkFunction('weights', weights);
  checkArgumentName(owner, 'owner');
  if (ensemble !== undefined) checkFunction('ensemble', ensemble);
  const built = () => {
    const ws = weights();
    if (ws.length === 0) {
      throw new PhaseflowError('INVALID_STATE', `${owner}: has no trainable weights yet (build it or call forward once first)`, {
        argument: owner,
        expected: 'a built layer with trainable weights',
        received: 'no weights',
      });
    }
    return ws;
  };
  return {
    get size() {
      return countWeights(weights());
    },
    get: (out) => readWeights(built(), out),
    set: (theta) => writeWeights(built(), theta),
    ...(ensemble && { forwardEnsemble: ensemble }),
  };
}
