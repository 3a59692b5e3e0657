/**
 * Losses that tfjs can differentiate twice. tfjs's `tanh` and `sigmoid` save their *output* for
 * the backward pass, detached from the tape, so under nested `tf.grads` the curvature that flows
 * through that output is lost: the Hessian–vector product of a tanh network comes out wrong by
 * tens of percent in the first layers (measured: 0.2 relative on a 1-8-8-1 net). The
 * activations here recompute σ′ from the saved *input*, which the outer tape does see.
 */
import * as tf from '@tensorflow/tfjs';
import { checkOneOf, checkOptions, invalid } from '@phaseflow/core';
import type { TensorLoss } from './hessian.js';

/** Hidden activations with a second-order-safe gradient. */
export type TwiceDifferentiableActivation = 'tanh' | 'sigmoid' | 'softplus' | 'sin';

const twice = (f: (x: tf.Tensor) => tf.Tensor, df: (x: tf.Tensor) => tf.Tensor): ((x: tf.Tensor) => tf.Tensor) =>
  tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return { value: f(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, df(saved[0]!)) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;

const TANH = twice(tf.tanh, (x) => tf.sub(1, tf.square(tf.tanh(x))));
const SIGMOID = twice(tf.sigmoid, (x) => {
  const s = tf.sigmoid(x);
  return tf.mul(s, tf.sub(1, s));
});

/**
 * σ(x) whose gradient tfjs differentiates again correctly (for Hessian–vector products by
 * double backprop): tanh and sigmoid with σ′ recomputed from the input; softplus and sin are
 * tfjs's own (their gradients already read the input).
 *
 * @example
 * ```ts
 * const h = twiceDifferentiable('tanh')(tf.matMul(x, w)); // ∇² through h is exact
 * ```
 */
export function twiceDifferentiable(name: TwiceDifferentiableActivation): (x: tf.Tensor) => tf.Tensor {
  return TWICE[checkOneOf<TwiceDifferentiableActivation>('name', name, ['tanh', 'sigmoid', 'softplus', 'sin'])];
}

const TWICE: Record<TwiceDifferentiableActivation, (x: tf.Tensor) => tf.Tensor> = { tanh: TANH, sigmoid: SIGMOID, softplus: tf.softplus, sin: tf.sin };

/** Options of {@link tensorMseLoss}. */
export interface TensorMseLossOptions {
  /** x, [m, d] (kept by the caller). */
  readonly inputs: tf.Tensor;
  /** y, [m, k] (kept by the caller). */
  readonly targets: tf.Tensor;
  /** Hidden activation (default `tanh`); the output layer is linear. */
  readonly activation?: TwiceDifferentiableActivation;
}

/**
 * The full-batch MSE L(θ) = (1/2m) Σ_r ‖f_θ(x_r) − y_r‖² of an MLP with weights [W₁, b₁, W₂, b₂, …]
 * (W_l: in × out; @phaseflow/tfjs's and tf.layers.dense's layout, and nn64's θ split per
 * layer) as a {@link TensorLoss} whose Hessian double backprop gets right: the loss of Cohen
 * et al.'s MSE experiments, equal to the Float64 `mseLoss` of the main entry.
 *
 * @example
 * ```ts
 * const loss = tensorMseLoss({ inputs: xt, targets: yt });
 * tensorHessianEigenvalues(loss, model.trainableWeights.map((w) => w.read())).values[0]; // sharpness
 * ```
 */
export function tensorMseLoss(options: TensorMseLossOptions): TensorLoss {
  const o = checkOptions('options', options, ['inputs', 'targets', 'activation']);
  if (o === undefined || !(o.inputs instanceof tf.Tensor) || o.inputs.rank !== 2) invalid('options.inputs', 'a 2-D tensor [m, d]', o?.inputs);
  if (!(o.targets instanceof tf.Tensor) || o.targets.rank !== 2 || o.targets.shape[0] !== o.inputs.shape[0]) {
    invalid('options.targets', `a 2-D tensor [${o.inputs.shape[0]}, k]`, o.targets, 'SHAPE_MISMATCH');
  }
  const sigma =
    TWICE[
      o.activation === undefined
        ? 'tanh'
        : checkOneOf<TwiceDifferentiableActivation>('options.activation', o.activation, ['tanh', 'sigmoid', 'softplus', 'sin'])
    ];
  const x = o.inputs;
  const y = o.targets;
  const m = x.shape[0]!;
  return (w) =>
    tf.tidy(() => {
      if (!Array.isArray(w) || w.length === 0 || w.length % 2 !== 0) invalid('weights', 'pairs of tensors [W₁, b₁, W₂, b₂, …]', w);
      w.forEach((t: unknown, i) => {
        if (!(t instanceof tf.Tensor) || t.isDisposed || t.rank !== (i % 2 === 0 ? 2 : 1))
          invalid(`weights[${i}]`, i % 2 === 0 ? 'a live 2-D weight tensor' : 'a live 1-D bias tensor', t);
      });
      let h: tf.Tensor = x;
      for (let l = 0; l < w.length / 2; l++) {
        h = tf.add(tf.matMul(h as tf.Tensor2D, w[2 * l] as tf.Tensor2D), w[2 * l + 1]!);
        if (2 * l + 2 < w.length) h = sigma(h);
      }
      return tf.div(tf.sum(tf.square(tf.sub(h, y))), 2 * m) as tf.Scalar;
    });
}
