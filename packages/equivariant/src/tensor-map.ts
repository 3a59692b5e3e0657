/**
 * A tfjs layer or model seen as a map of flat Float64 arrays, for the equivariance checker
 * and for comparing a float32 layer with its Float64 reference.
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, invalid } from '@phaseflow/core';

/** Anything that maps one tensor to one tensor: a PhaseflowLayer (forward), a tf.LayersModel (predict) or a tf.layers.Layer (apply). */
export type TensorMapSubject = { forward(x: tf.Tensor): tf.Tensor } | tf.LayersModel | tf.layers.Layer;

/**
 * x ↦ layer(x) on flat arrays: x (Float64, row-major) becomes a float32 tensor of
 * `inputShape`, the layer runs in inference mode, and the result comes back as a Float64Array.
 * Every tensor is disposed: `tf.memory().numTensors` is the same before and after a call.
 *
 * @example
 * ```ts
 * const f = tensorMap(conv, [1, 9, 9, 1]);
 * f(new Float64Array(81)); // Float64Array of 1·7·7·C·|G| numbers
 * ```
 */
export function tensorMap(layer: TensorMapSubject, inputShape: readonly number[]): (x: Float64Array) => Float64Array {
  const isForward = layer !== null && typeof layer === 'object' && typeof (layer as { forward?: unknown }).forward === 'function';
  if (!isForward && !(layer instanceof tf.LayersModel) && !(layer instanceof tf.layers.Layer)) {
    invalid('layer', 'a PhaseflowLayer, tf.LayersModel or tf.layers.Layer', layer);
  }
  if (!Array.isArray(inputShape) || inputShape.length === 0) invalid('inputShape', 'a non-empty array of sizes', inputShape);
  const shape = inputShape.map((s, i) => checkInteger(`inputShape[${i}]`, s, { min: 1 }));
  const size = shape.reduce((a, b) => a * b, 1);
  return (x: Float64Array) => {
    if (!(x instanceof Float64Array) || x.length !== size) invalid('x', `a Float64Array of ${size} numbers (shape [${shape.join(', ')}])`, x, 'SHAPE_MISMATCH');
    const input = tf.tensor(Float32Array.from(x), shape, 'float32');
    try {
      const y = isForward
        ? (layer as { forward(x: tf.Tensor): tf.Tensor }).forward(input)
        : tf.tidy(() => {
            const out = layer instanceof tf.LayersModel ? layer.predict(input) : (layer as tf.layers.Layer).apply(input, { training: false });
            return (Array.isArray(out) ? out[0] : out) as tf.Tensor;
          });
      const values = Float64Array.from(y.dataSync());
      y.dispose();
      return values;
    } finally {
      input.dispose();
    }
  };
}
