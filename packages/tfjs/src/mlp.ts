/**
 * A multilayer perceptron as a plain `tf.Sequential` of Dense layers with seeded
 * initialisation — the reference model of tests, benchmarks and demos.
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, checkOptions, invalid } from '@phaseflow/core';
import { activation as checkActivation, type ActivationName } from './activations.js';

/** Options of {@link createMlp}. */
export interface MlpOptions {
  /** Input width d. */
  readonly inputs: number;
  /** Hidden widths, e.g. [32, 32] (may be empty: a linear/softmax model). */
  readonly hidden: readonly number[];
  /** Output width (classes for a softmax classifier). */
  readonly outputs: number;
  /** Hidden activation (default `tanh`). */
  readonly activation?: ActivationName;
  /** Output activation (default `softmax`). */
  readonly outputActivation?: ActivationName;
  /** Seed of the Glorot-uniform kernels (layer i uses seed + i; default 0). */
  readonly seed?: number;
}

/**
 * x ↦ σ_out(W_L σ(… σ(W_1 x + b_1) …) + b_L): a Sequential of `tf.layers.dense` with
 * Glorot-uniform kernels seeded per layer (Glorot & Bengio, AISTATS 2010), zero biases.
 * Plain tfjs layers, so `model.fit`, `model.save` and the gradient Trainer all accept it.
 *
 * @example
 * ```ts
 * const model = createMlp({ inputs: 2, hidden: [32, 32], outputs: 2, seed: 1 });
 * ```
 */
export function createMlp(options: MlpOptions): tf.Sequential {
  const o = checkOptions('options', options, ['inputs', 'hidden', 'outputs', 'activation', 'outputActivation', 'seed']);
  const inputs = checkInteger('options.inputs', o.inputs, { min: 1 });
  const outputs = checkInteger('options.outputs', o.outputs, { min: 1 });
  if (!Array.isArray(o.hidden)) invalid('options.hidden', 'an array of layer widths', o.hidden);
  const hidden = o.hidden.map((h, i) => checkInteger(`options.hidden[${i}]`, h, { min: 1 }));
  const act = o.activation ?? 'tanh';
  const outAct = o.outputActivation ?? 'softmax';
  checkActivation(act, 'options.activation');
  checkActivation(outAct, 'options.outputActivation');
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0 });
  const widths = [...hidden, outputs];
  const model = tf.sequential();
  widths.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: i === widths.length - 1 ? outAct : act,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
        biasInitializer: 'zeros',
        ...(i === 0 && { inputShape: [inputs] }),
      }),
    );
  });
  return model;
}


