/**
 * The EGNN layer as a TensorFlow.js layer on packed point clouds [B, n, width] (see
 * `packPointClouds`), registered with tf.serialization when this file loads.
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, checkOptions, invalid } from '@phaseflow/core';
import { PhaseflowLayer, activation, asTensor, mlpForward, registerPhaseflowLayer, type LayerArgs, type Weight } from '@phaseflow/tfjs';
import type { EquivarianceContract } from '../contract.js';
import { dimensionMismatch } from '../errors.js';
import type { EuclideanElement } from '../groups/euclidean.js';
import type { Permutation } from '../groups/permutation.js';
import { checkLayerShape } from '../internal/params.js';
import { tensorMap } from '../tensor-map.js';
import { nodeWidth, type NodeLayout } from './cloud.js';
import {
  createEgnn64,
  egnnConfig,
  egnnContracts,
  egnnInitialTheta,
  egnnNetworks,
  type Egnn64,
  type EgnnCheckOptions,
  type EgnnConfig,
  type EgnnOptions,
} from './reference.js';

const LAYER_KEYS = ['inputShape', 'batchInputShape', 'batchSize', 'dtype', 'name', 'trainable', 'weights', 'inputDType'];
type Shape = (number | null)[];
/** The one [B, n, width] shape tfjs hands `build` and `computeOutputShape` (sizes or null), validated. */
const firstShape = (s: tf.Shape | tf.Shape[]): Shape => checkLayerShape('inputShape', s, 3);

/** Configuration of {@link PhaseflowEgnn}: the options of `createEgnn64` (without θ) and the tf layer arguments. */
export type PhaseflowEgnnArgs = Omit<EgnnOptions, 'theta'> & LayerArgs;

/**
 * The E(n)-equivariant graph layer (Satorras, Hoogeboom & Welling, ICML 2021; EGNN_vel with
 * `velocity: true`) on packed point clouds [B, n, dim (+dim) + features + n·edgeFeatures]:
 * the same map as {@link createEgnn64}, with the same θ for the same seed, in float32.
 * Stack them in `tf.sequential()` (layer k's `features` = layer k − 1's `outFeatures`).
 * A row width that does not fit the layout fails with DIMENSION_MISMATCH.
 *
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [
 *   new PhaseflowEgnn({ dim: 3, features: 1, outFeatures: 32, edgeFeatures: 1, hidden: 32, velocity: true, inputShape: [5, 12] }),
 *   new PhaseflowEgnn({ dim: 3, features: 32, edgeFeatures: 1, hidden: 32, velocity: true }),
 * ] });
 * ```
 */
export class PhaseflowEgnn extends PhaseflowLayer {
  static override className = 'PhaseflowEgnn';
  readonly config: EgnnConfig;
  readonly inputLayout: NodeLayout;
  readonly outputLayout: NodeLayout;
  private readonly sigma: (x: tf.Tensor) => tf.Tensor;
  private nets: Record<string, Weight[]> = {};
  /** Nodes per graph, fixed when built (the edge block of a row has n·edgeFeatures entries). */
  nodes = 0;

  constructor(args: PhaseflowEgnnArgs) {
    if (args === undefined) invalid('args', 'an options object with dim and features', args);
    checkOptions('args', args, [
      'dim',
      'features',
      'outFeatures',
      'edgeFeatures',
      'hidden',
      'velocity',
      'activation',
      'aggregation',
      'residual',
      'coordinateGain',
      'seed',
      ...LAYER_KEYS,
    ]);
    const { dim, features, outFeatures, edgeFeatures, hidden, velocity, activation: act, aggregation, residual, coordinateGain, seed, ...layerArgs } = args;
    super(layerArgs);
    this.config = egnnConfig(
      { dim, features, outFeatures, edgeFeatures, hidden, velocity, activation: act, aggregation, residual, coordinateGain, seed } as EgnnOptions,
      'args',
    );
    const c = this.config;
    this.inputLayout = { dim: c.dim, velocity: c.velocity, features: c.features, edgeFeatures: c.edgeFeatures };
    this.outputLayout = { ...this.inputLayout, features: c.outFeatures };
    this.sigma = activation(c.activation, 'args.activation');
  }

  private checkShape(argument: string, shape: Shape): number {
    if (shape.length !== 3) invalid(argument, 'a rank-3 input [batch, nodes, width]', `rank ${shape.length}`, 'SHAPE_MISMATCH');
    const n = shape[1];
    const w = shape[2];
    if (typeof n !== 'number' || n < 2) invalid(`${argument}[1]`, 'a known node count ≥ 2', n);
    const width = nodeWidth(this.inputLayout, n);
    if (w !== width) {
      const l = this.inputLayout;
      dimensionMismatch(
        `${argument}[2]`,
        `rows of ${width} numbers for ${n} nodes in ℝ^${l.dim} (x ${l.dim}${l.velocity ? ` + v ${l.dim}` : ''} + h ${l.features} + edges ${n} × ${l.edgeFeatures})`,
        `${w}`,
      );
    }
    return n;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    this.nodes = this.checkShape('inputShape', firstShape(inputShape));
    const theta = egnnInitialTheta(this.config);
    let k = 0;
    for (const net of egnnNetworks(this.config)) {
      const ws: Weight[] = [];
      for (let l = 0; l + 1 < net.sizes.length; l++) {
        const a = net.sizes[l]!;
        const b = net.sizes[l + 1]!;
        for (const [part, shape] of [
          ['kernel', [a, b]],
          ['bias', [b]],
        ] as const) {
          const count = shape.reduce<number>((p, s) => p * s, 1);
          const w = this.addWeight(`phi_${net.name}_${part}_${l}`, [...shape], 'float32', tf.initializers.zeros());
          const values = Float32Array.from(theta.subarray(k, k + count));
          tf.tidy(() => {
            w.write(tf.tensor(values, [...shape], 'float32'));
          });
          k += count;
          ws.push(w);
        }
      }
      this.nets[net.name] = ws;
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = firstShape(inputShape);
    const n = this.checkShape('inputShape', s);
    return [s[0] ?? null, n, nodeWidth(this.outputLayout, n)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const input = asTensor(inputs);
      const n = this.checkShape('input', input.shape);
      if (n !== this.nodes) invalid('input[1]', `${this.nodes} nodes (as built)`, n, 'SHAPE_MISMATCH');
      const { dim, features: F, edgeFeatures: E, hidden: H, velocity, residual, activation: act } = this.config;
      const b = input.shape[0]!;
      const hOff = velocity ? 2 * dim : dim;
      const x = tf.slice(input, [0, 0, 0], [b, n, dim]);
      const h = tf.slice(input, [0, 0, hOff], [b, n, F]);
      const rest = tf.slice(input, [0, 0, hOff + F], [b, n, n * E]);
      const diff = tf.sub(tf.expandDims(x, 2), tf.expandDims(x, 1)); // [B, n, n, dim]: x_i − x_j
      const d2 = tf.sum(tf.square(diff), -1, true);
      const ones = tf.ones([1, n, n, 1]);
      const parts = [tf.mul(tf.expandDims(h, 2), ones), tf.mul(tf.expandDims(h, 1), ones), d2];
      if (E > 0) parts.push(tf.reshape(rest, [b, n, n, E]));
      const rows = b * n * n;
      const ein = tf.reshape(tf.concat(parts, -1), [rows, 2 * F + 1 + E]);
      // No self-messages: mask the diagonal j = i.
      const mask = tf.reshape(tf.sub(1, tf.eye(n)), [1, n, n, 1]);
      const m = tf.mul(tf.reshape(this.sigma(mlpForward(ein, this.netWeights('e'), act)), [b, n, n, H]), mask);
      const phiX = tf.reshape(mlpForward(tf.reshape(m, [rows, H]), this.netWeights('x'), act), [b, n, n, 1]);
      const c = this.config.aggregation === 'mean' ? 1 / (n - 1) : 1;
      const agg = tf.mul(tf.sum(tf.mul(tf.mul(diff, phiX), mask), 2), c);
      const out: tf.Tensor[] = [];
      if (velocity) {
        const v = tf.slice(input, [0, 0, dim], [b, n, dim]);
        const phiV = tf.reshape(mlpForward(tf.reshape(h, [b * n, F]), this.netWeights('v'), act), [b, n, 1]);
        // v^{l+1} = φ_v(h)·v^init + agg; the v slot keeps v^init for the next layer.
        out.push(tf.add(x, tf.add(tf.mul(phiV, v), agg)), v);
      } else out.push(tf.add(x, agg));
      const mi = tf.sum(m, 2);
      const dh = tf.reshape(mlpForward(tf.reshape(tf.concat([h, mi], -1), [b * n, F + H]), this.netWeights('h'), act), [b, n, this.config.outFeatures]);
      out.push(residual ? tf.add(h, dh) : dh);
      if (E > 0) out.push(rest);
      return tf.concat(out, -1);
    });
  }

  private netWeights(name: string): tf.Tensor[] {
    return this.nets[name]!.map((w) => w.read());
  }

  override getConfig(): tf.serialization.ConfigDict {
    const c = this.config;
    return {
      ...super.getConfig(),
      dim: c.dim,
      features: c.features,
      outFeatures: c.outFeatures,
      edgeFeatures: c.edgeFeatures,
      hidden: c.hidden,
      velocity: c.velocity,
      activation: c.activation,
      aggregation: c.aggregation,
      residual: c.residual,
      coordinateGain: c.coordinateGain,
      seed: c.seed,
    };
  }

  /** The Float64 reference with this layer's current θ. */
  toFloat64(): Egnn64 {
    if (!this.built) invalid('layer', 'a built layer (call it once or build it)', 'an unbuilt layer', 'INVALID_STATE');
    const theta: number[] = [];
    for (const net of egnnNetworks(this.config)) for (const w of this.nets[net.name]!) theta.push(...w.read().dataSync());
    return createEgnn64({ ...this.config, theta });
  }

  private contracts(options: EgnnCheckOptions) {
    const o = checkOptions('options', options, ['n', 'batch']);
    const n = checkInteger('options.n', o.n, { min: 2 });
    if (o.batch !== undefined) checkInteger('options.batch', o.batch, { min: 1 });
    if (!this.built) this.build([null, n, nodeWidth(this.inputLayout, n)]);
    else if (n !== this.nodes) invalid('options.n', `${this.nodes} nodes (as built)`, n, 'SHAPE_MISMATCH');
    const ref = this.toFloat64();
    const c = egnnContracts(ref.name, this.inputLayout, this.outputLayout, (x, shape) => ref.forward({ data: x, shape }).data);
    const float32 = tensorMap(this, [options.batch ?? 1, this.nodes, nodeWidth(this.inputLayout, this.nodes)]);
    return { c, float32 };
  }

  /** The E(n) contract on `n`-node graphs (n as built), float32 beside the Float64 twin. */
  equivariance(options: EgnnCheckOptions): EquivarianceContract<EuclideanElement> {
    const { c, float32 } = this.contracts(options);
    return { ...c.euclidean(options), layers: { float32 } };
  }

  /** The S_n contract (relabelling nodes), float32 beside the Float64 twin. */
  permutationEquivariance(options: EgnnCheckOptions): EquivarianceContract<Permutation> {
    const { c, float32 } = this.contracts(options);
    return { ...c.permutation(options), layers: { float32 } };
  }
}

registerPhaseflowLayer(PhaseflowEgnn);
