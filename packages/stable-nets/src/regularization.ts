/**
 * Regularisation in time: the weights K(t), b(t) of a stable block are a discretised function
 * of time, and penalising their time derivative keeps that function smooth, so the network
 * stays close to its continuous limit and resampling the depth (prolongation) changes little.
 */
import * as tf from '@tensorflow/tfjs';
import { checkNonNegative, checkOptions, invalid } from '@phaseflow/core';
import { checkTensor, type LossFunction } from '@phaseflow/tfjs';
import { StableBlock } from './blocks/stable-block.js';

/** Options of {@link timeRegularizer} and {@link regularizedCrossEntropy}. */
export interface TimeRegularizerOptions {
  /** α, weight of the time-derivative term (default 1e-3). */
  readonly smoothness?: number;
  /** β, weight decay (default 1e-4). */
  readonly decay?: number;
}

function options(o: TimeRegularizerOptions | undefined): { alpha: number; beta: number } {
  const v = checkOptions('options', o, ['smoothness', 'decay']);
  return {
    alpha: v.smoothness === undefined ? 1e-3 : checkNonNegative('options.smoothness', v.smoothness),
    beta: v.decay === undefined ? 1e-4 : checkNonNegative('options.decay', v.decay),
  };
}

/**
 * R(K, b) = α/2 Σ_j ‖θ_{j+1} − θ_j‖² / h + β/2 Σ_j h ‖θ_j‖², θ_j = (K_j, b_j): the discretised
 * ∫ α/2 ‖θ'(t)‖² + β/2 ‖θ(t)‖² dt. Returns a function evaluating R as a scalar tensor (call
 * it inside the loss, so gradients reach the block's weights).
 *
 * Source: Haber & Ruthotto, Inverse Problems 34 (2018), §4 (regularisation of the weights in time).
 *
 * @example
 * ```ts
 * const R = timeRegularizer(findBlock(model), { smoothness: 1e-2 });
 * const penalty = R(); // tf.Scalar
 * ```
 */
export function timeRegularizer(block: StableBlock, opts?: TimeRegularizerOptions): () => tf.Scalar {
  if (!(block instanceof StableBlock)) invalid('block', 'a stable block', block);
  const { alpha, beta } = options(opts);
  return () =>
    tf.tidy(() => {
      if (!block.built) invalid('block', 'a built block', 'an unbuilt block', 'INVALID_STATE');
      const h = block.h;
      let r: tf.Tensor = tf.scalar(0);
      for (const w of block.trainableWeights) {
        const v = w.read();
        const m = v.shape[0]!;
        if (beta > 0) r = tf.add(r, tf.mul(tf.sum(tf.square(v)), (beta * h) / 2));
        if (alpha > 0 && m > 1) {
          const rest = v.shape.slice(1).map(() => 0);
          const size = v.shape.slice(1).map(() => -1);
          const diff = tf.sub(tf.slice(v, [1, ...rest], [m - 1, ...size]), tf.slice(v, [0, ...rest], [m - 1, ...size]));
          r = tf.add(r, tf.mul(tf.sum(tf.square(diff)), alpha / (2 * h)));
        }
      }
      return r as tf.Scalar;
    });
}

/**
 * A loss for @phaseflow/tfjs's gradient Trainer: sparse categorical cross-entropy of softmax
 * outputs plus {@link timeRegularizer} of every stable block in `model`:
 * L = −mean log p_{y} + Σ_blocks R(K, b). Targets are class labels (as the trainer passes
 * them for a custom loss: one per row).
 *
 * @example
 * ```ts
 * const trainer = createGradientTrainer({ loss: regularizedCrossEntropy(model, { smoothness: 1e-2 }) });
 * ```
 */
export function regularizedCrossEntropy(model: tf.LayersModel, opts?: TimeRegularizerOptions): LossFunction {
  if (!(model instanceof tf.LayersModel)) invalid('model', 'a tf.LayersModel', model);
  const blocks = model.layers.filter((l): l is StableBlock => l instanceof StableBlock);
  if (blocks.length === 0) invalid('model', 'a model holding a stable block', 'none');
  const rs = blocks.map((b) => timeRegularizer(b, opts));
  return (yTrue, yPred) => {
    checkTensor('yTrue', yTrue);
    checkTensor('yPred', yPred);
    const classes = yPred.shape[yPred.shape.length - 1]!;
    if (yPred.rank < 2 || yTrue.size * classes !== yPred.size)
      invalid('yTrue', `one class label per row of yPred [${yPred.shape.join(', ')}]`, `shape [${yTrue.shape.join(', ')}]`, 'SHAPE_MISMATCH');
    return tf.tidy(() => {
      const oneHot = tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), 'int32'), classes);
      const p = tf.clipByValue(tf.reshape(yPred, [-1, classes]), 1e-7, 1);
      const ce = tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.log(p)), -1)));
      return rs.reduce<tf.Tensor>((acc, r) => tf.add(acc, r()), ce) as tf.Scalar;
    });
  };
}
