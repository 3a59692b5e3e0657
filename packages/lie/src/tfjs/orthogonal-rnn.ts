/**
 * Orthogonal recurrent networks: h_t = σ(h_{t−1}·W + x_t·U), W orthogonal through one of the
 * three parametrisations, σ = modReLU. With map `exponential` this is expRNN
 * (Lezcano-Casado & Martínez-Rubio 2019), with `householder` the oRNN of Mhammedi et al.
 * (2017), with `cayley` a Cayley-parametrised RNN (as scoRNN, Helfrich et al. 2018, without
 * the scaling).
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, checkOneOf, checkOptions, createRandom, invalid } from '@phaseflow/core';
import { PhaseflowLayer, asTensor, type LayerArgs, type Weight } from '@phaseflow/tfjs';
import { createTensorParametrization, type OrthogonalInit, type OrthogonalMapName, type TensorParametrization } from './maps.js';
import { addOrthogonalWeight, orthogonalOptions } from './orthogonal-dense.js';
import { RECURRENT_ACTIVATIONS, recurrence, type RecurrentActivation } from './recurrence.js';

/** Configuration of {@link OrthogonalRnn} (also what `getConfig` returns). */
export interface OrthogonalRnnArgs extends LayerArgs {
  /** Hidden width n. */
  units: number;
  /** The parametrisation of W: `exponential` (default; expRNN), `householder` (Mhammedi et al.) or `cayley`. */
  map?: OrthogonalMapName;
  /** Householder only: number of reflections (default n). */
  reflections?: number;
  /** Initial θ: `henaff` (default for exponential and Cayley), `haar`, `identity`; `random` for Householder. */
  init?: OrthogonalInit;
  /** σ: `modrelu` (default), `tanh` or `linear`. */
  activation?: RecurrentActivation;
  /** Return [batch, time, units] (true) or the last state [batch, units] (default false). */
  returnSequences?: boolean;
  /** Seed of θ and of the input kernel (default 0). */
  seed?: number;
}

const KNOWN = [
  'units',
  'map',
  'reflections',
  'init',
  'activation',
  'returnSequences',
  'seed',
  'inputShape',
  'batchInputShape',
  'batchSize',
  'dtype',
  'name',
  'trainable',
  'weights',
  'inputDType',
];

/**
 * An orthogonal RNN layer over sequences [batch, time, features]: h₀ = 0,
 * h_t = σ(h_{t−1}·W + x_t·U) with W = W(θ) orthogonal (so ‖h_{t−1}·W‖ = ‖h_{t−1}‖ and
 * gradients neither explode nor vanish through W), U the input kernel (He-normal, as expRNN)
 * and σ = modReLU with a trainable bias b (initialised U(−0.01, 0.01), as expRNN). Trainable
 * weights, in order: θ, U, b. W is formed once per call; the recurrence runs as one op
 * ({@link recurrence}) with a hand-written back-propagation through time.
 *
 * Cells: `map: 'exponential'` is expRNN (Lezcano-Casado & Martínez-Rubio, ICML 2019),
 * `map: 'householder'` Mhammedi et al.'s oRNN (ICML 2017); see {@link createExpRnn} and
 * {@link createHouseholderRnn}. Saves and loads as `PhaseflowOrthogonalRnn`.
 *
 * @example
 * ```ts
 * import { OrthogonalRnn } from '@phaseflow/lie/tfjs';
 * const model = tf.sequential({ layers: [
 *   new OrthogonalRnn({ units: 64, returnSequences: true, inputShape: [null, 10] }),
 *   tf.layers.dense({ units: 9 }),
 * ] });
 * ```
 */
export class OrthogonalRnn extends PhaseflowLayer {
  static override className = 'PhaseflowOrthogonalRnn';
  readonly units: number;
  readonly map: OrthogonalMapName;
  readonly reflections: number | undefined;
  readonly init: OrthogonalInit;
  readonly activationName: RecurrentActivation;
  readonly returnSequences: boolean;
  readonly seed: number;
  private param: TensorParametrization | undefined;
  private theta: Weight | undefined;
  private inputKernel: Weight | undefined;
  private bias: Weight | undefined;

  constructor(args: OrthogonalRnnArgs) {
    const o = checkOptions('args', args, KNOWN);
    if (args === undefined) invalid('args', 'an options object with units', args);
    super(args);
    this.units = checkInteger('args.units', o.units, { min: 2 });
    const c = orthogonalOptions(o, true);
    this.map = c.map;
    this.init = c.init;
    this.seed = c.seed;
    this.reflections = c.reflections;
    this.activationName = o.activation === undefined ? 'modrelu' : checkOneOf<RecurrentActivation>('args.activation', o.activation, RECURRENT_ACTIVATIONS);
    if (o.returnSequences !== undefined && typeof o.returnSequences !== 'boolean') invalid('args.returnSequences', 'a boolean', o.returnSequences);
    this.returnSequences = o.returnSequences ?? false;
  }

  /** The parametrisation of W (available once built). */
  get parametrization(): TensorParametrization {
    if (!this.param) invalid('layer', 'a built layer (call it once first)', 'an unbuilt layer', 'INVALID_STATE');
    return this.param;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    if (shape.length !== 3) invalid('inputShape', 'a sequence shape [batch, time, features]', `[${shape.join(', ')}]`, 'SHAPE_MISMATCH');
    const features = shape[2];
    if (typeof features !== 'number') invalid('inputShape', 'a known feature dimension', features);
    const n = this.units;
    this.param = createTensorParametrization({ map: this.map, n, ...(this.reflections !== undefined && { reflections: this.reflections }) });
    this.theta = addOrthogonalWeight((name, shape) => this.addWeight(name, shape, 'float32', tf.initializers.zeros()), this.param, this.init, this.seed);
    const rng = createRandom(this.seed).fork('input');
    this.inputKernel = this.addWeight('inputKernel', [features, n], 'float32', tf.initializers.zeros());
    this.bias = this.addWeight('bias', [n], 'float32', tf.initializers.zeros());
    const u = Float32Array.from(rng.fillNormal(new Float64Array(features * n), 0, Math.sqrt(2 / features)));
    const b = Float32Array.from(rng.fillUniform(new Float64Array(n), -0.01, 0.01));
    tf.tidy(() => {
      this.inputKernel!.write(tf.tensor2d(u, [features, n]));
      this.bias!.write(tf.tensor1d(b));
    });
    this.built = true;
  }

  /** The recurrent matrix W at the current θ (n × n, orthogonal); the caller disposes it. */
  recurrentKernel(): tf.Tensor2D {
    if (!this.built) invalid('layer', 'a built layer (call it once first)', 'an unbuilt layer', 'INVALID_STATE');
    return this.param!.matrix(this.theta!.read());
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return this.returnSequences ? [shape[0]!, shape[1]!, this.units] : [shape[0]!, this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = asTensor(inputs);
      if (x.rank !== 3) invalid('inputs', 'a rank-3 tensor [batch, time, features]', `shape [${x.shape.join(', ')}]`, 'SHAPE_MISMATCH');
      const [B, T, d] = x.shape as [number, number, number];
      const n = this.units;
      const w = this.recurrentKernel();
      // u_t = x_t·U for all steps in one matMul, time-major.
      const u = tf.transpose(tf.reshape(tf.matMul(tf.reshape(x, [B * T, d]), this.inputKernel!.read() as tf.Tensor2D), [B, T, n]), [1, 0, 2]);
      const H = recurrence(w, u, this.bias!.read(), { activation: this.activationName });
      return this.returnSequences ? tf.transpose(H, [1, 0, 2]) : tf.reshape(tf.slice(H, [T - 1, 0, 0], [1, B, n]), [B, n]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      map: this.map,
      ...(this.reflections !== undefined && { reflections: this.reflections }),
      init: this.init,
      activation: this.activationName,
      returnSequences: this.returnSequences,
      seed: this.seed,
    };
  }
}

/**
 * The exponential-map cell of expRNN (Lezcano-Casado & Martínez-Rubio, ICML 2019):
 * h_t = modReLU(h_{t−1}·expm(A) + x_t·U), A skew, Henaff initialisation.
 *
 * @example
 * ```ts
 * const rnn = createExpRnn({ units: 64, returnSequences: true, inputShape: [null, 10] });
 * ```
 */
export function createExpRnn(args: Omit<OrthogonalRnnArgs, 'map' | 'reflections'>): OrthogonalRnn {
  if (args !== null && typeof args === 'object' && ('map' in args || 'reflections' in args))
    invalid('args.map', 'no map (this is the exponential cell)', (args as { map?: unknown }).map);
  return new OrthogonalRnn({ ...args, map: 'exponential' });
}

/**
 * The Householder cell of Mhammedi, Hellicar, Rahman & Bailey (ICML 2017):
 * h_t = modReLU(h_{t−1}·H₁⋯H_k + x_t·U) with k reflections (default n).
 *
 * @example
 * ```ts
 * const rnn = createHouseholderRnn({ units: 64, reflections: 16, inputShape: [null, 10] });
 * ```
 */
export function createHouseholderRnn(args: Omit<OrthogonalRnnArgs, 'map' | 'init'>): OrthogonalRnn {
  if (args !== null && typeof args === 'object' && 'map' in args) invalid('args.map', 'no map (this is the Householder cell)', (args as { map?: unknown }).map);
  return new OrthogonalRnn({ ...args, map: 'householder' });
}
