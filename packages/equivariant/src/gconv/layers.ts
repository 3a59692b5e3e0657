/**
 * The planar group layers as TensorFlow.js layers (p4 and p4m): lifting convolution, group
 * convolution, pooling over the group and group-equivariant batch normalisation. They work in
 * `tf.sequential()`, save and load with tfjs under their `Phaseflow…` class names (this file
 * registers them, hence `sideEffects`), train with the gradient Trainer, and each hands out
 * its Float64 twin (`toFloat64()`) and its equivariance contract (`equivariance()`).
 */
import * as tf from '@tensorflow/tfjs';
import { checkInRange, checkInteger, checkOneOf, checkOptions, checkPositive, invalid } from '@phaseflow/core';
import {
  PhaseflowLayer,
  activation,
  asTensor,
  registerPhaseflowLayer,
  type ActivationName,
  type CallKwargs,
  type LayerArgs,
  type Weight,
} from '@phaseflow/tfjs';
import type { EquivarianceContract } from '../contract.js';
import { notSquare, wrongMultiplicity } from '../errors.js';
import { planarGroup, type PlanarGroup, type PlanarGroupName } from '../groups/planar.js';
import { checkLayerShape } from '../internal/params.js';
import { tensorMap } from '../tensor-map.js';
import { expandKernelTensor, planarConv } from './ops.js';
import {
  checkSize,
  createGroupBatchNorm64,
  createGroupConv64,
  createGroupPool64,
  createLiftingConv64,
  initialKernel,
  type GridCheckOptions,
  type GroupBatchNorm64,
  type GroupConv64,
  type GroupPool64,
  type GroupPoolMode,
  type Padding,
} from './reference.js';

const LAYER_KEYS = ['inputShape', 'batchInputShape', 'batchSize', 'dtype', 'name', 'trainable', 'weights', 'inputDType'];

type Shape = (number | null)[];

/**
 * The group named in a layer config. tfjs' serialiser snake-cases string values on save
 * ('D4' is stored as 'd4'), so the name is read case-insensitively.
 */
const tfGroup = (name: unknown): PlanarGroup =>
  planarGroup((name === undefined ? 'C4' : typeof name === 'string' ? name.toUpperCase() : name) as PlanarGroupName, 'args.group');
/** The one [B, H, W, C] shape tfjs hands `build` and `computeOutputShape` (sizes or null), validated. */
const firstShape = (s: tf.Shape | tf.Shape[]): Shape => checkLayerShape('inputShape', s, 4);

/** Check a [B, H, W, C] input: rank 4, square (when known), channels. */
function checkGridShape(argument: string, shape: Shape, group: PlanarGroup): void {
  if (shape.length !== 4) invalid(argument, 'a rank-4 input [batch, height, width, channels]', `rank ${shape.length}`, 'SHAPE_MISMATCH');
  const [, h, w] = shape;
  if (h !== null && w !== null && h !== w) notSquare(argument, group.name, h!, w!);
}

function channelsOf(argument: string, shape: Shape): number {
  const c = shape[3];
  if (typeof c !== 'number') invalid(`${argument}[3]`, 'a known channel count', c);
  return c;
}

/** Configuration of {@link PhaseflowLiftingConv} and {@link PhaseflowGroupConv}. */
export interface PhaseflowGroupConvArgs extends LayerArgs {
  /** `C4` (p4, default) or `D4` (p4m). */
  group?: PlanarGroupName;
  /** Output features C_out; the layer outputs C_out·|G| channels. */
  filters: number;
  /** Odd kernel size (default 3). */
  kernelSize?: number;
  /** `valid` (default) or `same`. */
  padding?: Padding;
  /** One bias per output feature, shared by its |G| copies (default true). */
  useBias?: boolean;
  /** A pointwise σ applied after the bias (default `linear`; pointwise maps keep equivariance). */
  activation?: ActivationName;
  /** Seed of the Glorot-uniform kernel, as the Float64 reference draws it (default 0). */
  seed?: number;
}

const CONV_KEYS = ['group', 'filters', 'kernelSize', 'padding', 'useBias', 'activation', 'seed', ...LAYER_KEYS];

abstract class PlanarConvBase extends PhaseflowLayer {
  readonly group: PlanarGroup;
  readonly filters: number;
  readonly kernelSize: number;
  readonly padding: Padding;
  readonly useBias: boolean;
  readonly activationName: ActivationName;
  readonly seed: number;
  protected abstract readonly kind: 'lifting' | 'group';
  private readonly sigma: (x: tf.Tensor) => tf.Tensor;
  private kernel: Weight | undefined;
  private bias: Weight | undefined;
  /** Input features: image channels (lifting) or C_in (group), known once built. */
  inFeatures = 0;

  constructor(args: PhaseflowGroupConvArgs) {
    if (args === undefined) invalid('args', 'an options object with filters', args);
    const o = checkOptions('args', args, CONV_KEYS);
    super(args);
    this.group = tfGroup(o.group);
    this.filters = checkInteger('args.filters', o.filters, { min: 1 });
    this.kernelSize = o.kernelSize === undefined ? 3 : checkInteger('args.kernelSize', o.kernelSize, { min: 1 });
    if (this.kernelSize % 2 === 0) invalid('args.kernelSize', 'an odd kernel size (a rotation needs a centre pixel)', this.kernelSize);
    this.padding = o.padding === undefined ? 'valid' : checkOneOf<Padding>('args.padding', o.padding, ['valid', 'same']);
    if (o.useBias !== undefined && typeof o.useBias !== 'boolean') invalid('args.useBias', 'a boolean', o.useBias);
    this.useBias = o.useBias ?? true;
    this.activationName = o.activation === undefined ? 'linear' : o.activation;
    this.sigma = activation(this.activationName, 'args.activation');
    this.seed = o.seed === undefined ? 0 : checkInteger('args.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  }

  /** Channels the input must have: C_in (lifting) or C_in·|G| (group). */
  private inTotal(): number {
    return this.kind === 'lifting' ? this.inFeatures : this.inFeatures * this.group.order;
  }

  private features(argument: string, shape: Shape): number {
    checkGridShape(argument, shape, this.group);
    const c = channelsOf(argument, shape);
    if (this.kind === 'lifting') return c;
    if (c % this.group.order !== 0) wrongMultiplicity(`${argument}[3]`, this.group.name, this.group.order, c);
    return c / this.group.order;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    this.inFeatures = this.features('inputShape', firstShape(inputShape));
    const k = this.kernelSize;
    const shape = [k, k, this.inTotal(), this.filters];
    const values = initialKernel(k, this.inTotal(), this.filters, this.seed);
    this.kernel = this.addWeight('kernel', shape, 'float32', tf.initializers.zeros());
    tf.tidy(() => {
      this.kernel!.write(tf.tensor(Float32Array.from(values), shape, 'float32'));
    });
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, h, w] = firstShape(inputShape);
    const shrink = this.padding === 'same' ? 0 : this.kernelSize - 1;
    return [b ?? null, h == null ? null : h - shrink, w == null ? null : w - shrink, this.filters * this.group.order];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = asTensor(inputs) as tf.Tensor4D;
      const f = this.features('input', x.shape);
      if (f !== this.inFeatures) {
        if (this.kind === 'group') wrongMultiplicity('input[3]', this.group.name, this.group.order, x.shape[3], this.inFeatures);
        invalid('input[3]', `${this.inFeatures} channels`, x.shape[3], 'SHAPE_MISMATCH');
      }
      const w = expandKernelTensor(this.group, this.kind, this.kernel!.read(), this.inFeatures);
      let y: tf.Tensor = planarConv(x, w, this.padding);
      if (this.bias) {
        const [b, h, wd] = y.shape;
        const order = this.group.order;
        y = tf.reshape(tf.add(tf.reshape(y, [b!, h!, wd!, this.filters, order]), tf.reshape(this.bias.read(), [this.filters, 1])), [
          b!,
          h!,
          wd!,
          this.filters * order,
        ]);
      }
      return this.sigma(y);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      group: this.group.name,
      filters: this.filters,
      kernelSize: this.kernelSize,
      padding: this.padding,
      useBias: this.useBias,
      activation: this.activationName,
      seed: this.seed,
    };
  }

  /** The Float64 reference with this layer's current weights (the activation is not part of it; use `linear` to compare). */
  toFloat64(): GroupConv64 {
    if (!this.built) invalid('layer', 'a built layer (call it once or build it)', 'an unbuilt layer', 'INVALID_STATE');
    const options = {
      group: this.group,
      inChannels: this.inFeatures,
      outChannels: this.filters,
      kernelSize: this.kernelSize,
      padding: this.padding,
      useBias: this.useBias,
      kernel: this.kernel!.read().dataSync(),
      ...(this.bias && { bias: this.bias.read().dataSync() }),
    };
    return this.kind === 'lifting' ? createLiftingConv64(options) : createGroupConv64(options);
  }

  /**
   * The contract on `size` × `size` inputs: this layer in float32 beside its Float64 twin with
   * the same weights (needs `activation: 'linear'`, the twin being linear). Builds the layer
   * for `channels` input features when it is not built yet.
   */
  equivariance(options: GridCheckOptions & { readonly channels?: number }): EquivarianceContract<number> {
    const { channels, ...rest } = checkOptions('options', options, ['size', 'batch', 'channels']);
    const { size, batch } = checkSize(rest);
    if (!this.built) {
      const c = channels === undefined ? 1 : checkInteger('options.channels', channels, { min: 1 });
      this.build([null, size, size, this.kind === 'lifting' ? c : c * this.group.order]);
    }
    if (this.activationName !== 'linear') invalid('layer.activation', "'linear' (the Float64 twin has no activation)", this.activationName, 'INVALID_STATE');
    const spec = this.toFloat64().equivariance({ size, batch });
    return { ...spec, layers: { float32: tensorMap(this, [batch, size, size, this.inTotal()]) } };
  }
}

/**
 * The lifting convolution Z² → p4/p4m as a tf layer: [B, N, N, C] images to
 * [B, N′, N′, filters·|G|] group feature maps, (f ⋆ ψ)(g, x) = Σ_y Σ_i f_i(x + y) ψ_i(A_g⁻¹y) + b
 * (Cohen & Welling, ICML 2016). The kernel is [k, k, C, filters] as in `tf.layers.conv2d`;
 * the |G| transformed copies are built at every call, so gradients reach the one kernel.
 * Non-square input fails with NOT_SQUARE_GRID.
 *
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [
 *   new PhaseflowLiftingConv({ group: 'C4', filters: 10, inputShape: [28, 28, 1], activation: 'relu' }),
 *   new PhaseflowGroupConv({ group: 'C4', filters: 10, activation: 'relu' }),
 *   new PhaseflowGroupPool({ group: 'C4' }),
 * ] });
 * ```
 */
export class PhaseflowLiftingConv extends PlanarConvBase {
  static override className = 'PhaseflowLiftingConv';
  protected readonly kind = 'lifting' as const;
}

/**
 * The group convolution p4 → p4 (or p4m → p4m) as a tf layer:
 * (F ⋆ ψ)(g, x) = Σ_y Σ_h Σ_i F_i(h, x + y) ψ_i(g⁻¹h, A_g⁻¹y) + b (Cohen & Welling 2016).
 * Input channels must be a multiple of |G| (WRONG_MULTIPLICITY); the kernel is
 * `[k, k, C_in·|G|, filters]`: 10 → 10 features on p4 with 3 × 3 kernels have 3600 weights,
 * as a plain 20 → 20 conv.
 *
 * @example
 * ```ts
 * const conv = new PhaseflowGroupConv({ group: 'D4', filters: 8, padding: 'same' });
 * conv.apply(tf.zeros([1, 9, 9, 16])); // [1, 9, 9, 64]
 * ```
 */
export class PhaseflowGroupConv extends PlanarConvBase {
  static override className = 'PhaseflowGroupConv';
  protected readonly kind = 'group' as const;
}

/** Configuration of {@link PhaseflowGroupPool}. */
export interface PhaseflowGroupPoolArgs extends LayerArgs {
  /** `C4` (default) or `D4`. */
  group?: PlanarGroupName;
  /** `max` (default) or `mean` over the |G| copies. */
  mode?: GroupPoolMode;
}

/**
 * Pooling over the group as a tf layer: [B, H, W, C·|G|] → [B, H, W, C],
 * y_c(x) = max_h F_c(h, x) (or the mean). The output transforms as an image; follow it with a
 * global spatial pool for group-invariant features.
 *
 * @example
 * ```ts
 * new PhaseflowGroupPool({ group: 'C4', mode: 'mean' }).apply(tf.zeros([2, 5, 5, 40])); // [2, 5, 5, 10]
 * ```
 */
export class PhaseflowGroupPool extends PhaseflowLayer {
  static override className = 'PhaseflowGroupPool';
  readonly group: PlanarGroup;
  readonly mode: GroupPoolMode;

  constructor(args: PhaseflowGroupPoolArgs = {}) {
    const o = checkOptions('args', args, ['group', 'mode', ...LAYER_KEYS]);
    super(args);
    this.group = tfGroup(o.group);
    this.mode = o.mode === undefined ? 'max' : checkOneOf<GroupPoolMode>('args.mode', o.mode, ['max', 'mean']);
  }

  private check(argument: string, shape: Shape): number {
    checkGridShape(argument, shape, this.group);
    const c = channelsOf(argument, shape);
    if (c % this.group.order !== 0) wrongMultiplicity(`${argument}[3]`, this.group.name, this.group.order, c);
    return c / this.group.order;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    this.check('inputShape', firstShape(inputShape));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = firstShape(inputShape);
    const c = s[3];
    if (c !== null && c % this.group.order !== 0) wrongMultiplicity('inputShape[3]', this.group.name, this.group.order, c);
    return [s[0] ?? null, s[1] ?? null, s[2] ?? null, c === null ? null : c / this.group.order];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = asTensor(inputs);
      const f = this.check('input', x.shape);
      const [b, h, w] = x.shape;
      const x5 = tf.reshape(x, [b!, h!, w!, f, this.group.order]);
      return this.mode === 'max' ? tf.max(x5, 4) : tf.mean(x5, 4);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), group: this.group.name, mode: this.mode };
  }

  /** The Float64 reference (it has no weights). */
  toFloat64(): GroupPool64 {
    return createGroupPool64({ group: this.group, mode: this.mode });
  }

  /** The contract on `channels` features over `size` × `size` grids, float32 beside Float64. */
  equivariance(options: GridCheckOptions & { readonly channels?: number }): EquivarianceContract<number> {
    const { channels: ch, ...rest } = checkOptions('options', options, ['size', 'batch', 'channels']);
    const { size, batch } = checkSize(rest);
    const channels = ch === undefined ? 2 : checkInteger('options.channels', ch, { min: 1 });
    const spec = this.toFloat64().equivariance({ size, batch, channels });
    return { ...spec, layers: { float32: tensorMap(this, [batch, size, size, channels * this.group.order]) } };
  }
}

/** Configuration of {@link PhaseflowGroupBatchNorm}. */
export interface PhaseflowGroupBatchNormArgs extends LayerArgs {
  /** `C4` (default) or `D4`. */
  group?: PlanarGroupName;
  /** Running-average momentum (default 0.99, as tf.layers). */
  momentum?: number;
  /** ε added to the variance (default 1e-3). */
  epsilon?: number;
}

/**
 * Group-equivariant batch normalisation as a tf layer: per feature c one mean, variance, γ
 * and β shared by its |G| copies, the statistics over batch, pixels and the group:
 * y_c(h, x) = γ_c (F_c(h, x) − μ_c)/√(σ²_c + ε) + β_c. Batch statistics when called with
 * `{ training: true }` (the gradient Trainer does), running averages otherwise; the running
 * mean and variance are saved with the model as non-trainable weights.
 *
 * @example
 * ```ts
 * const bn = new PhaseflowGroupBatchNorm({ group: 'C4' });
 * bn.apply(features, { training: true });
 * ```
 */
export class PhaseflowGroupBatchNorm extends PhaseflowLayer {
  static override className = 'PhaseflowGroupBatchNorm';
  readonly group: PlanarGroup;
  readonly momentum: number;
  readonly epsilon: number;
  channels = 0;
  private gamma: Weight | undefined;
  private beta: Weight | undefined;
  private movingMean: Weight | undefined;
  private movingVariance: Weight | undefined;

  constructor(args: PhaseflowGroupBatchNormArgs = {}) {
    const o = checkOptions('args', args, ['group', 'momentum', 'epsilon', ...LAYER_KEYS]);
    super(args);
    this.group = tfGroup(o.group);
    this.momentum = o.momentum === undefined ? 0.99 : checkInRange('args.momentum', o.momentum, 0, 1);
    this.epsilon = o.epsilon === undefined ? 1e-3 : checkPositive('args.epsilon', o.epsilon);
  }

  private check(argument: string, shape: Shape): number {
    checkGridShape(argument, shape, this.group);
    const c = channelsOf(argument, shape);
    if (c % this.group.order !== 0) wrongMultiplicity(`${argument}[3]`, this.group.name, this.group.order, c);
    return c / this.group.order;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    this.channels = this.check('inputShape', firstShape(inputShape));
    const c = [this.channels];
    this.gamma = this.addWeight('gamma', c, 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', c, 'float32', tf.initializers.zeros());
    this.movingMean = this.addWeight('moving_mean', c, 'float32', tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', c, 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return firstShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs = {}): tf.Tensor {
    return tf.tidy(() => {
      const x = asTensor(inputs);
      const f = this.check('input', x.shape);
      if (f !== this.channels) wrongMultiplicity('input[3]', this.group.name, this.group.order, x.shape[3]!, this.channels);
      const [b, h, w] = x.shape;
      const x5 = tf.reshape(x, [b!, h!, w!, f, this.group.order]);
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (kwargs.training === true) {
        const m = tf.moments(x5, [0, 1, 2, 4]);
        mean = m.mean;
        variance = m.variance;
        const update = (v: Weight, value: tf.Tensor) =>
          tf.tidy(() => {
            const old = v.read();
            v.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - this.momentum)));
          });
        update(this.movingMean!, mean);
        update(this.movingVariance!, variance);
      } else {
        mean = this.movingMean!.read();
        variance = this.movingVariance!.read();
      }
      const col = (t: tf.Tensor) => tf.reshape(t, [f, 1]);
      const scale = tf.mul(col(this.gamma!.read()), tf.rsqrt(tf.add(col(variance), this.epsilon)));
      const y = tf.add(tf.mul(tf.sub(x5, col(mean)), scale), col(this.beta!.read()));
      return tf.reshape(y, x.shape);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), group: this.group.name, momentum: this.momentum, epsilon: this.epsilon };
  }

  /** The Float64 reference with this layer's γ, β and running statistics. */
  toFloat64(): GroupBatchNorm64 {
    if (!this.built) invalid('layer', 'a built layer (call it once or build it)', 'an unbuilt layer', 'INVALID_STATE');
    return createGroupBatchNorm64({
      group: this.group,
      channels: this.channels,
      epsilon: this.epsilon,
      gamma: this.gamma!.read().dataSync(),
      beta: this.beta!.read().dataSync(),
      movingMean: this.movingMean!.read().dataSync(),
      movingVariance: this.movingVariance!.read().dataSync(),
    });
  }

  /** The contract in inference mode on `size` × `size` inputs, float32 beside Float64 (builds for `channels` features, default 2). */
  equivariance(options: GridCheckOptions & { readonly channels?: number }): EquivarianceContract<number> {
    const { channels, ...rest } = checkOptions('options', options, ['size', 'batch', 'channels']);
    const { size, batch } = checkSize(rest);
    if (!this.built) this.build([null, size, size, (channels === undefined ? 2 : checkInteger('options.channels', channels, { min: 1 })) * this.group.order]);
    const spec = this.toFloat64().equivariance({ size, batch });
    return { ...spec, layers: { float32: tensorMap(this, [batch, size, size, this.channels * this.group.order]) } };
  }
}

registerPhaseflowLayer(PhaseflowLiftingConv);
registerPhaseflowLayer(PhaseflowGroupConv);
registerPhaseflowLayer(PhaseflowGroupPool);
registerPhaseflowLayer(PhaseflowGroupBatchNorm);
