/**
 * PhaseflowDense: y = σ(x W + b) with weights seeded by phaseflow's own generator (the same
 * numbers on every machine and backend), ensemble evaluation, and tfjs serialisation.
 * This file registers the class with tf.serialization when loaded (listed in `sideEffects`).
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, checkOptions, invalid } from '@phaseflow/core';
import { activation, type ActivationName } from './activations.js';
import { PhaseflowLayer, asTensor, registerPhaseflowLayer, type LayerArgs } from './layer.js';
import { mlpInitialWeights } from './mlp.js';
import type { Weight } from './parameters.js';

/** Configuration of {@link PhaseflowDense} (also what `getConfig` returns). */
export interface PhaseflowDenseArgs extends LayerArgs {
  /** Output width. */
  units: number;
  /** σ, by name (default `linear`). */
  activation?: ActivationName;
  /** Add the bias b (default true). */
  useBias?: boolean;
  /** Seed of the Glorot-uniform kernel initialisation (default 0). */
  seed?: number;
}

const KNOWN = ['units', 'activation', 'useBias', 'seed', 'inputShape', 'batchInputShape', 'batchSize', 'dtype', 'name', 'trainable', 'weights', 'inputDType'];

/**
 * A dense layer y = σ(x W + b) on the phaseflow layer base. Kernel W ~ U(−a, a) with
 * a = √(6 / (fan_in + fan_out)) (Glorot & Bengio, AISTATS 2010) drawn from `createRandom(seed)`,
 * bias 0. Works in `tf.sequential()`, saves and loads as `PhaseflowDense`, and evaluates J
 * parameter sets at once ([J, B, in] × [J, in, out]).
 *
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [
 *   new PhaseflowDense({ units: 16, activation: 'tanh', inputShape: [2], seed: 1 }),
 *   new PhaseflowDense({ units: 2, activation: 'softmax', seed: 2 }),
 * ] });
 * ```
 */
export class PhaseflowDense extends PhaseflowLayer {
  static override className = 'PhaseflowDense';
  readonly units: number;
  readonly activationName: ActivationName;
  readonly useBias: boolean;
  readonly seed: number;
  private readonly sigma: (x: tf.Tensor) => tf.Tensor;
  private kernel: Weight | undefined;
  private bias: Weight | undefined;

  constructor(args: PhaseflowDenseArgs) {
    const o = checkOptions('args', args, KNOWN);
    if (args === undefined) invalid('args', 'an options object with units', args);
    super(args);
    this.units = checkInteger('args.units', o.units, { min: 1 });
    this.activationName = o.activation ?? 'linear';
    this.sigma = activation(this.activationName, 'args.activation');
    if (o.useBias !== undefined && typeof o.useBias !== 'boolean') invalid('args.useBias', 'a boolean', o.useBias);
    this.useBias = o.useBias ?? true;
    this.seed = o.seed === undefined ? 0 : checkInteger('args.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const fanIn = shape[shape.length - 1];
    if (typeof fanIn !== 'number') invalid('inputShape', 'a known last dimension', fanIn);
    const values = mlpInitialWeights([fanIn, this.units], this.seed)[0]!.values;
    this.kernel = this.addWeight('kernel', [fanIn, this.units], 'float32', tf.initializers.zeros());
    tf.tidy(() => {
      this.kernel!.write(tf.tensor2d(values, [fanIn, this.units]));
    });
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = asTensor(inputs);
      let y = tf.dot(x, this.kernel!.read());
      if (this.bias) y = tf.add(y, this.bias.read());
      return this.sigma(y);
    });
  }

  override callEnsemble(inputs: tf.Tensor, weights: readonly tf.Tensor[]): tf.Tensor {
    let y = tf.matMul(inputs, weights[0]!);
    if (this.useBias) y = tf.add(y, tf.expandDims(weights[1]!, 1));
    return this.sigma(y);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, activation: this.activationName, useBias: this.useBias, seed: this.seed };
  }
}

registerPhaseflowLayer(PhaseflowDense);
