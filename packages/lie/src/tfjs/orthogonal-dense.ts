/**
 * OrthogonalDense: y = σ(x·W + b) with W orthogonal by construction (W = Q(θ) or a block of
 * it), trained through its unconstrained parameters θ.
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, checkOneOf, checkOptions, createRandom, invalid } from '@phaseflow/core';
import { PhaseflowLayer, activation, asTensor, type ActivationName, type LayerArgs, type Weight } from '@phaseflow/tfjs';
import { ORTHOGONAL_MAPS, createTensorParametrization, type OrthogonalInit, type OrthogonalMapName, type TensorParametrization } from './maps.js';

/** Configuration of {@link OrthogonalDense} (also what `getConfig` returns). */
export interface OrthogonalDenseArgs extends LayerArgs {
  /** Output width. */
  units: number;
  /** The parametrisation of W: `exponential` (default), `cayley` or `householder`. */
  map?: OrthogonalMapName;
  /** Householder only: number of reflections (default n = max(inputs, units)). */
  reflections?: number;
  /** Initial θ: `haar` (default for exponential and Cayley), `henaff`, `identity`, or `random` (Householder, its default). */
  init?: OrthogonalInit;
  /** σ, by name (default `linear`). */
  activation?: ActivationName;
  /** Add the bias b (default true). */
  useBias?: boolean;
  /** Seed of the initial θ (default 0). */
  seed?: number;
}

const KNOWN = [
  'units',
  'map',
  'reflections',
  'init',
  'activation',
  'useBias',
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

/** The default initialisation of a map. */
const defaultInit = (map: OrthogonalMapName, recurrent: boolean): OrthogonalInit => (map === 'householder' ? 'random' : recurrent ? 'henaff' : 'haar');

/** Checked shared options of the orthogonal layers. @internal */
export function orthogonalOptions(o: { map?: unknown; init?: unknown; seed?: unknown; reflections?: unknown }, recurrent: boolean) {
  const map = o.map === undefined ? 'exponential' : checkOneOf<OrthogonalMapName>('args.map', o.map, ORTHOGONAL_MAPS);
  const init = o.init === undefined ? defaultInit(map, recurrent) : checkOneOf<OrthogonalInit>('args.init', o.init, ['identity', 'henaff', 'haar', 'random']);
  if ((map === 'householder') !== (init === 'random'))
    invalid('args.init', map === 'householder' ? "'random' for the householder map" : "'identity', 'henaff' or 'haar'", init);
  const seed = o.seed === undefined ? 0 : checkInteger('args.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  const reflections = o.reflections === undefined ? undefined : checkInteger('args.reflections', o.reflections, { min: 1 });
  if (reflections !== undefined && map !== 'householder') invalid('args.reflections', 'no reflections for a map other than householder', reflections);
  return { map, init, seed, reflections };
}

/** Add θ (through the layer's `addWeight`) as a trainable weight initialised from `p.initial`. @internal */
export function addOrthogonalWeight(add: (name: string, shape: number[]) => Weight, p: TensorParametrization, init: OrthogonalInit, seed: number): Weight {
  const theta = add('theta', [...p.shape]);
  const values = p.initial(init, createRandom(seed));
  tf.tidy(() => {
    theta.write(tf.tensor(Float32Array.from(values), [...p.shape]));
  });
  return theta;
}

/**
 * A dense layer y = σ(x·W + b) whose kernel is orthogonal by construction (Lezcano-Casado &
 * Martínez-Rubio 2019; geotorch's `orthogonal`): W is the leading `inputs × units` block of
 * Q = W(θ) ∈ SO(n) (or O(n) for Householder), n = max(inputs, units), so WᵀW = I when
 * units ≤ inputs and WWᵀ = I otherwise (the Stiefel manifold). The trainable weight is θ; any
 * optimiser trains it and W stays orthogonal to float32 rounding, since it is recomputed from
 * θ on every call. Saves and loads as `PhaseflowOrthogonalDense` (θ is what is stored).
 *
 * @example
 * ```ts
 * import '@phaseflow/lie/tfjs';
 * const model = tf.sequential({ layers: [
 *   new OrthogonalDense({ units: 16, map: 'cayley', inputShape: [16], seed: 1 }),
 *   new PhaseflowDense({ units: 2, activation: 'softmax' }),
 * ] });
 * ```
 */
export class OrthogonalDense extends PhaseflowLayer {
  static override className = 'PhaseflowOrthogonalDense';
  readonly units: number;
  readonly map: OrthogonalMapName;
  readonly reflections: number | undefined;
  readonly init: OrthogonalInit;
  readonly activationName: ActivationName;
  readonly useBias: boolean;
  readonly seed: number;
  private readonly sigma: (x: tf.Tensor) => tf.Tensor;
  private param: TensorParametrization | undefined;
  private theta: Weight | undefined;
  private bias: Weight | undefined;
  private inputs = 0;

  constructor(args: OrthogonalDenseArgs) {
    const o = checkOptions('args', args, KNOWN);
    if (args === undefined) invalid('args', 'an options object with units', args);
    super(args);
    this.units = checkInteger('args.units', o.units, { min: 1 });
    const c = orthogonalOptions(o, false);
    this.map = c.map;
    this.init = c.init;
    this.seed = c.seed;
    this.reflections = c.reflections;
    this.activationName = o.activation === undefined ? 'linear' : o.activation;
    this.sigma = activation(this.activationName, 'args.activation');
    if (o.useBias !== undefined && typeof o.useBias !== 'boolean') invalid('args.useBias', 'a boolean', o.useBias);
    this.useBias = o.useBias ?? true;
  }

  /** The parametrisation (available once built). */
  get parametrization(): TensorParametrization {
    if (!this.param) invalid('layer', 'a built layer (call it once first)', 'an unbuilt layer', 'INVALID_STATE');
    return this.param;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const fanIn = shape[shape.length - 1];
    if (typeof fanIn !== 'number') invalid('inputShape', 'a known last dimension', fanIn);
    const n = Math.max(fanIn, this.units);
    if (n < 2) invalid('inputShape', 'inputs or units of at least 2 (an orthogonal 1×1 kernel is ±1)', fanIn);
    this.inputs = fanIn;
    this.param = createTensorParametrization({ map: this.map, n, ...(this.reflections !== undefined && { reflections: this.reflections }) });
    this.theta = addOrthogonalWeight((name, shape) => this.addWeight(name, shape, 'float32', tf.initializers.zeros()), this.param, this.init, this.seed);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  /** The kernel W (inputs × units) at the current θ; the caller disposes it. */
  kernel(): tf.Tensor2D {
    if (!this.built) invalid('layer', 'a built layer (call it once first)', 'an unbuilt layer', 'INVALID_STATE');
    return tf.tidy(() => {
      const q = this.param!.matrix(this.theta!.read());
      return this.inputs === q.shape[0] && this.units === q.shape[1] ? q : tf.slice(q, [0, 0], [this.inputs, this.units]);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = asTensor(inputs);
      let y = tf.dot(x, this.kernel());
      if (this.bias) y = tf.add(y, this.bias.read());
      return this.sigma(y);
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
      useBias: this.useBias,
      seed: this.seed,
    };
  }
}
