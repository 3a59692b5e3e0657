/**
 * The tensor multilayer perceptron, in two forms over one weight layout [W₁, b₁, W₂, b₂, …]
 * (W_l: in × out): a `tf.Sequential` of Dense layers for `model.fit` and the gradient Trainer
 * (`createMlp`), and functions of explicit weight tensors (`mlpForward`, `mlpInputGradient`)
 * for layers that differentiate through an MLP with respect to its weights (neural-ODE
 * fields, Hamiltonian networks). Kernels are Glorot-uniform from phaseflow's own generator, as
 * in {@link PhaseflowDense}: the same numbers on every machine and backend.
 */
import * as tf from '@tensorflow/tfjs';
import { PhaseflowError, checkInteger, checkOptions, createRandom, invalid } from '@phaseflow/core';
import { activation, activation as checkActivation, type ActivationName } from './activations.js';
import { checkTensor } from './layer.js';

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
  /** Seed of the Glorot-uniform kernels, drawn layer by layer from one `createRandom(seed)` stream (default 0). */
  readonly seed?: number;
}

/**
 * Glorot-uniform kernels W ~ U(−a, a), a = √(6 / (fan_in + fan_out)), drawn layer by layer from
 * one `createRandom(seed)` stream (a one-layer MLP gets {@link PhaseflowDense}'s kernel for the
 * same seed), zero biases: [W₁, b₁, …] as Float32 values with their shapes.
 * @internal
 */
export function mlpInitialWeights(widths: readonly number[], seed: number): { values: Float32Array; shape: number[] }[] {
  const rng = createRandom(seed);
  const out: { values: Float32Array; shape: number[] }[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    const a = widths[i]!,
      b = widths[i + 1]!;
    const limit = Math.sqrt(6 / (a + b));
    out.push(
      { values: Float32Array.from(rng.fillUniform(new Float64Array(a * b), -limit, limit)), shape: [a, b] },
      { values: new Float32Array(b), shape: [b] },
    );
  }
  return out;
}

/**
 * x ↦ σ_out(W_L σ(… σ(W_1 x + b_1) …) + b_L): a Sequential of `tf.layers.dense` with
 * Glorot-uniform kernels (Glorot & Bengio, AISTATS 2010) drawn from phaseflow's seeded
 * generator, layer by layer from one stream as {@link PhaseflowDense} draws its kernel, and zero
 * biases. Plain tfjs layers, so `model.fit`, `model.save` and the gradient Trainer all accept it.
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
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  const widths = [...hidden, outputs];
  const initial = mlpInitialWeights([inputs, ...widths], seed);
  const model = tf.sequential();
  widths.forEach((units, i) => {
    const layer = tf.layers.dense({
      units,
      activation: i === widths.length - 1 ? outAct : act,
      kernelInitializer: 'zeros',
      biasInitializer: 'zeros',
      ...(i === 0 && { inputShape: [inputs] }),
    });
    model.add(layer);
    tf.tidy(() => layer.setWeights(initial.slice(2 * i, 2 * i + 2).map((w) => tf.tensor(w.values, w.shape))));
  });
  return model;
}

/**
 * Shapes of the weights [W₁, b₁, W₂, b₂, …] of an MLP with layer widths [in, h₁, …, out]
 * (at least two widths, each an integer ≥ 1; INVALID_ARGUMENT naming `widths[i]` otherwise).
 *
 * @example
 * ```ts
 * mlpWeightShapes([2, 16, 1]); // [[2, 16], [16], [16, 1], [1]]
 * ```
 */
export function mlpWeightShapes(widths: readonly number[]): number[][] {
  if (!Array.isArray(widths) || widths.length < 2) invalid('widths', 'an array of at least two layer widths [in, …, out]', widths);
  widths.forEach((w, i) => checkInteger(`widths[${i}]`, w, { min: 1 }));
  const out: number[][] = [];
  for (let i = 0; i + 1 < widths.length; i++) out.push([widths[i]!, widths[i + 1]!], [widths[i + 1]!]);
  return out;
}

/**
 * a·b for 2-D tensors, differentiated with explicit transposes: dA = dy·transpose(b),
 * dB = transpose(a)·dy. tfjs' own gradient calls matMul with its transpose flags, and the wasm
 * backend's transposed kernels run about ten times slower than a transpose followed by a plain
 * matMul (measured on [750, 200] × [200, 200]), which dominated HNN training.
 */
const matMul2d = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor2D, tf.transpose(saved[1]!) as tf.Tensor2D),
      tf.matMul(tf.transpose(saved[0]!) as tf.Tensor2D, dy as tf.Tensor2D),
    ],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

function shapeMismatch(argument: string, expected: string, received: string): never {
  throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: expected ${expected}, received ${received}`, { argument, expected, received });
}

/**
 * x [B, in] and weights [W₁ [in, h₁], b₁ [h₁], W₂ [h₁, h₂], …] that chain: checked by shape
 * only (no tensor is read or made), before any op runs; returns the output width.
 */
function checkMlpArguments(x: unknown, weights: unknown): number {
  const xt = checkTensor('x', x);
  if (xt.rank !== 2) shapeMismatch('x', 'a rank-2 tensor [batch, inputs]', `shape [${xt.shape.join(', ')}]`);
  if (!Array.isArray(weights) || weights.length === 0 || weights.length % 2 !== 0) {
    invalid('weights', 'a non-empty array of tensors [W₁, b₁, W₂, b₂, …] (kernel and bias per layer)', weights);
  }
  let width = xt.shape[1]!;
  for (let i = 0; i < weights.length; i += 2) {
    const w = checkTensor(`weights[${i}]`, weights[i]);
    const b = checkTensor(`weights[${i + 1}]`, weights[i + 1]);
    if (w.rank !== 2 || w.shape[0] !== width) shapeMismatch(`weights[${i}]`, `a kernel of shape [${width}, units]`, `shape [${w.shape.join(', ')}]`);
    width = w.shape[1]!;
    if (b.rank !== 1 || b.shape[0] !== width) shapeMismatch(`weights[${i + 1}]`, `a bias of shape [${width}]`, `shape [${b.shape.join(', ')}]`);
  }
  return width;
}

/**
 * y = W_L σ(… σ(x W₁ + b₁) …) + b_L for x [B, in] with explicit weights [W₁, b₁, …] (hidden
 * activation σ, linear output), so `tf.grads` can differentiate with respect to the weights.
 * Inside `tf.tidy` the intermediates are freed; the caller owns the result. Shapes are checked
 * before any op runs: SHAPE_MISMATCH naming `x` or `weights[i]` when they do not chain,
 * INVALID_ARGUMENT for what is not a live tensor or an unknown `hidden`.
 *
 * @example
 * ```ts
 * const y = tf.tidy(() => mlpForward(x, weights, 'tanh')); // [B, out]
 * ```
 */
export function mlpForward(x: tf.Tensor, weights: readonly tf.Tensor[], hidden: ActivationName): tf.Tensor {
  checkMlpArguments(x, weights);
  const sigma = activation(hidden, 'hidden');
  let h = x;
  const layers = weights.length / 2;
  for (let i = 0; i < layers; i++) {
    h = tf.add(matMul2d(h, weights[2 * i]!), weights[2 * i + 1]!);
    if (i + 1 < layers) h = sigma(h);
  }
  return h;
}

/** Hidden activations with a derivative {@link mlpInputGradient} writes out (twice differentiable). */
export type SmoothActivation = 'tanh' | 'softplus' | 'sigmoid';

/**
 * The smooth activations, for option validation.
 *
 * @example
 * ```ts
 * checkOneOf('args.activation', value, SMOOTH_ACTIVATIONS);
 * ```
 */
export const SMOOTH_ACTIVATIONS: readonly SmoothActivation[] = ['tanh', 'softplus', 'sigmoid'];

/**
 * The value s(x) and ∇ₓs of a scalar MLP (output width 1) for every row of x [B, in], written
 * with ops only, so tfjs differentiates it once more with respect to the weights (the HNN
 * objective): ∇ₓs = W₁ (σ'(z₁) ⊙ W₂ (σ'(z₂) ⊙ … w_L)). Returns { value [B, 1], grad [B, in] }.
 *
 * @example
 * ```ts
 * const { value, grad } = mlpInputGradient(x, weights, 'tanh');
 * ```
 */
export function mlpInputGradient(x: tf.Tensor, weights: readonly tf.Tensor[], hidden: SmoothActivation): { value: tf.Tensor; grad: tf.Tensor } {
  const out = checkMlpArguments(x, weights);
  if (out !== 1) shapeMismatch(`weights[${weights.length - 2}]`, 'a scalar MLP (output width 1)', `output width ${out}`);
  if (!SMOOTH_ACTIVATIONS.includes(hidden)) invalid('hidden', `one of ${SMOOTH_ACTIVATIONS.map((a) => JSON.stringify(a)).join(', ')}`, hidden);
  const sigma = activation(hidden, 'hidden');
  const layers = weights.length / 2;
  let h = x;
  const dact: tf.Tensor[] = [];
  for (let i = 0; i < layers; i++) {
    const z = tf.add(matMul2d(h, weights[2 * i]!), weights[2 * i + 1]!);
    if (i + 1 < layers) {
      h = sigma(z);
      dact.push(hidden === 'tanh' ? tf.sub(1, tf.square(h)) : hidden === 'sigmoid' ? tf.mul(h, tf.sub(1, h)) : tf.sigmoid(z));
    } else h = z;
  }
  // Start from the output layer's kernel column as a [1, width] row that broadcasts over the
  // batch (tf.tile's gradient is one slice per row, which dominated HNN training).
  let g: tf.Tensor = tf.reshape(weights[2 * (layers - 1)]!, [1, -1]);
  for (let i = layers - 2; i >= 0; i--) {
    g = tf.mul(g, dact[i]!);
    g = matMul2d(g, tf.transpose(weights[2 * i]!));
  }
  if (layers === 1) g = tf.mul(tf.ones([x.shape[0]!, 1]), g);
  return { value: h, grad: g };
}
