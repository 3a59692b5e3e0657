/**
 * DeepSets as TensorFlow.js layers on [B, n, d] tensors: the permutation-equivariant layer and
 * the invariant pooling. This file registers both with tf.serialization (see `sideEffects`).
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, checkOneOf, checkOptions, createRandom, invalid } from '@phaseflow/core';
import { PhaseflowLayer, activation, asTensor, registerPhaseflowLayer, type LayerArgs, type Weight } from '@phaseflow/tfjs';
import { glorot } from '@phaseflow/nn64';
import type { EquivarianceContract } from '../contract.js';
import type { Permutation } from '../groups/permutation.js';
import { checkLayerShape } from '../internal/params.js';
import { tensorMap } from '../tensor-map.js';
import {
  SET_ACTIVATIONS,
  createDeepSets64,
  createSetPool64,
  type DeepSets64,
  type SetActivation,
  type SetCheckOptions,
  type SetPool,
  type SetPool64,
} from './reference.js';

const LAYER_KEYS = ['inputShape', 'batchInputShape', 'batchSize', 'dtype', 'name', 'trainable', 'weights', 'inputDType'];
type Shape = (number | null)[];
/** The one [B, n, d] shape tfjs hands `build` and `computeOutputShape` (sizes or null), validated. */
const firstShape = (s: tf.Shape | tf.Shape[]): Shape => checkLayerShape('inputShape', s, 3);

function checkRank3(argument: string, shape: Shape): number {
  if (shape.length !== 3) invalid(argument, 'a rank-3 input [batch, elements, features]', `rank ${shape.length}`, 'SHAPE_MISMATCH');
  const d = shape[2];
  if (typeof d !== 'number') invalid(`${argument}[2]`, 'a known feature width', d);
  return d;
}

const poolTensor = (x: tf.Tensor, pool: SetPool): tf.Tensor => (pool === 'sum' ? tf.sum(x, 1) : pool === 'mean' ? tf.mean(x, 1) : tf.max(x, 1));

/** Configuration of {@link PhaseflowDeepSets}. */
export interface PhaseflowDeepSetsArgs extends LayerArgs {
  /** Output width d′. */
  units: number;
  /** `mean` (default), `sum` or `max`. */
  pool?: SetPool;
  /** σ (default `tanh`). */
  activation?: SetActivation;
  /** Seed of Λ and Γ, drawn as the Float64 reference draws them (default 0). */
  seed?: number;
}

/**
 * The permutation-equivariant DeepSets layer on [B, n, d]: Y = σ(X Λ + 1·pool(X) Γ + 1bᵀ)
 * (Zaheer et al., NeurIPS 2017). Works for any set size n (the weights do not depend on it).
 *
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [
 *   new PhaseflowDeepSets({ units: 32, inputShape: [null, 3], seed: 1 }),
 *   new PhaseflowSetPool({ pool: 'sum' }),
 *   tf.layers.dense({ units: 1 }),
 * ] });
 * ```
 */
export class PhaseflowDeepSets extends PhaseflowLayer {
  static override className = 'PhaseflowDeepSets';
  readonly units: number;
  readonly pool: SetPool;
  readonly activationName: SetActivation;
  readonly seed: number;
  inputs = 0;
  private readonly sigma: (x: tf.Tensor) => tf.Tensor;
  private lambda: Weight | undefined;
  private gamma: Weight | undefined;
  private bias: Weight | undefined;

  constructor(args: PhaseflowDeepSetsArgs) {
    if (args === undefined) invalid('args', 'an options object with units', args);
    const o = checkOptions('args', args, ['units', 'pool', 'activation', 'seed', ...LAYER_KEYS]);
    super(args);
    this.units = checkInteger('args.units', o.units, { min: 1 });
    this.pool = o.pool === undefined ? 'mean' : checkOneOf<SetPool>('args.pool', o.pool, ['sum', 'mean', 'max']);
    this.activationName = o.activation === undefined ? 'tanh' : checkOneOf<SetActivation>('args.activation', o.activation, SET_ACTIVATIONS);
    this.sigma = activation(this.activationName, 'args.activation');
    this.seed = o.seed === undefined ? 0 : checkInteger('args.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = checkRank3('inputShape', firstShape(inputShape));
    this.inputs = d;
    const rng = createRandom(this.seed);
    const init = (name: string, values: Float64Array): Weight => {
      const w = this.addWeight(name, [d, this.units], 'float32', tf.initializers.zeros());
      tf.tidy(() => {
        w.write(tf.tensor2d(Float32Array.from(values), [d, this.units]));
      });
      return w;
    };
    this.lambda = init('lambda', glorot(rng, d, this.units));
    this.gamma = init('gamma', glorot(rng, d, this.units));
    this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = firstShape(inputShape);
    return [s[0] ?? null, s[1] ?? null, this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = asTensor(inputs);
      const d = checkRank3('input', x.shape);
      if (d !== this.inputs) invalid('input[2]', `elements of width ${this.inputs}`, d, 'SHAPE_MISMATCH');
      const [b, n] = x.shape as [number, number, number];
      const local = tf.reshape(tf.matMul(tf.reshape(x, [b * n, d]), this.lambda!.read() as tf.Tensor2D), [b, n, this.units]);
      const common = tf.add(tf.matMul(poolTensor(x, this.pool) as tf.Tensor2D, this.gamma!.read() as tf.Tensor2D), this.bias!.read());
      return this.sigma(tf.add(local, tf.expandDims(common, 1)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, pool: this.pool, activation: this.activationName, seed: this.seed };
  }

  /** The Float64 reference with this layer's current Λ, Γ and b. */
  toFloat64(): DeepSets64 {
    if (!this.built) invalid('layer', 'a built layer (call it once or build it)', 'an unbuilt layer', 'INVALID_STATE');
    return createDeepSets64({
      inputs: this.inputs,
      outputs: this.units,
      pool: this.pool,
      activation: this.activationName,
      lambda: this.lambda!.read().dataSync(),
      gamma: this.gamma!.read().dataSync(),
      bias: this.bias!.read().dataSync(),
    });
  }

  /** The contract under S_n, float32 beside Float64 (builds for `width`-wide elements, default 3, when not built). */
  equivariance(options: SetCheckOptions & { readonly width?: number }): EquivarianceContract<Permutation> {
    const { width, ...rest } = checkOptions('options', options, ['n', 'batch', 'width']);
    const w = width === undefined ? undefined : checkInteger('options.width', width, { min: 1 });
    if (!this.built) this.build([null, null, w ?? 3]);
    else if (w !== undefined && w !== this.inputs) invalid('options.width', `elements of width ${this.inputs} (as built)`, w, 'SHAPE_MISMATCH');
    const spec = this.toFloat64().equivariance(rest);
    return { ...spec, layers: { float32: tensorMap(this, [rest.batch ?? 1, rest.n, this.inputs]) } };
  }
}

/** Configuration of {@link PhaseflowSetPool}. */
export interface PhaseflowSetPoolArgs extends LayerArgs {
  /** `mean` (default), `sum` or `max`. */
  pool?: SetPool;
}

/**
 * Permutation-invariant pooling over the elements of a set: [B, n, d] → [B, d].
 *
 * @example
 * ```ts
 * new PhaseflowSetPool({ pool: 'max' }).apply(tf.zeros([4, 5, 8])); // [4, 8]
 * ```
 */
export class PhaseflowSetPool extends PhaseflowLayer {
  static override className = 'PhaseflowSetPool';
  readonly pool: SetPool;

  constructor(args: PhaseflowSetPoolArgs = {}) {
    const o = checkOptions('args', args, ['pool', ...LAYER_KEYS]);
    super(args);
    this.pool = o.pool === undefined ? 'mean' : checkOneOf<SetPool>('args.pool', o.pool, ['sum', 'mean', 'max']);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    checkRank3('inputShape', firstShape(inputShape));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = firstShape(inputShape);
    return [s[0] ?? null, s[2] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = asTensor(inputs);
      checkRank3('input', x.shape);
      return poolTensor(x, this.pool);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), pool: this.pool };
  }

  /** The Float64 reference. */
  toFloat64(): SetPool64 {
    return createSetPool64({ pool: this.pool });
  }

  /** The invariance contract under S_n, float32 beside Float64. */
  equivariance(options: SetCheckOptions & { readonly width?: number }): EquivarianceContract<Permutation> {
    const spec = this.toFloat64().equivariance(options);
    return { ...spec, layers: { float32: tensorMap(this, [options.batch ?? 1, options.n, options.width ?? 3]) } };
  }
}

registerPhaseflowLayer(PhaseflowDeepSets);
registerPhaseflowLayer(PhaseflowSetPool);
