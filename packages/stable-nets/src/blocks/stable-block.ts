/**
 * The base of the stable blocks of Haber & Ruthotto (2018): tf layers whose forward pass is N
 * steps of an integrator over a learnable, layer-dependent vector field. Each block holds the
 * step kernels K_j ∈ ℝ^{w×w} as one weight [N, w, w] (or [1, w, w] when shared) and the biases
 * b_j as [N, w]. Features are rows (tfjs convention), so the papers' K Y reads `Y Kᵀ` here.
 */
import * as tf from '@tensorflow/tfjs';
import { PhaseflowError, checkInteger, checkNonNegative, checkOneOf, checkOptions, checkPositive, createRandom, invalid } from '@phaseflow/core';
import { ENGINE_CHOICES, type EngineChoice, type Trainable32, type Twin32Options } from '@phaseflow/nn64';
import {
  ACTIVATIONS,
  PhaseflowLayer,
  activation as activationFn,
  asTensor,
  checkTensor,
  readWeights,
  type ActivationName,
  type LayerArgs,
  type Weight,
} from '@phaseflow/tfjs';
import { createBlockEngine32, type BlockKind32 } from './engine32.js';

/** Options every stable block accepts (also what `getConfig` returns, with the block's own). */
export interface StableBlockArgs extends LayerArgs {
  /** Number of steps N (the depth of the block), ≥ 1. */
  depth: number;
  /**
   * Final time T > 0 of the flow; the step is h = T / N (default 1). Named `finalTime`, not
   * `T`: tfjs lower-cases a lone `T` when it saves a config.
   */
  finalTime?: number;
  /** Feature width w; when given, the input's last dimension must equal it. */
  width?: number;
  /** σ, by name (default `tanh`). */
  activation?: ActivationName;
  /** One K, b for every step (`true`) or one per step (default `false`). */
  sharedWeights?: boolean;
  /** Seed of the N(0, weightScale²/w) kernel initialisation (default 0). */
  seed?: number;
  /** Standard deviation of K's entries times √w (default 1). */
  weightScale?: number;
  /**
   * The engine that trains the block through @phaseflow/nn64/tfjs's `createEngineTrainer`
   * (default `auto`: the float32 engine of @phaseflow/nn64 for models up to a million
   * parameters whose blocks have a twin, see nn64's `chooseEngine`; `tfjs` for tensor ops).
   * The layer's own `call` is tfjs either way.
   */
  engine?: EngineChoice;
}

const COMMON_KEYS = [
  'depth',
  'finalTime',
  'width',
  'activation',
  'sharedWeights',
  'seed',
  'weightScale',
  'engine',
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
 * The shape a tf `build`/`computeOutputShape` call receives, as one shape: [batch, …, w] with
 * every known dimension a positive integer (tf passes a list of shapes for multi-input calls).
 */
function singleShape(inputShape: tf.Shape | tf.Shape[]): (number | null)[] {
  const shape = Array.isArray(inputShape) && Array.isArray(inputShape[0]) ? (inputShape[0] as unknown) : inputShape;
  if (!Array.isArray(shape) || shape.length < 2 || !shape.every((s) => s === null || (Number.isInteger(s) && (s as number) >= 1)))
    invalid(
      'inputShape',
      'a batch shape [batch, …, width] of positive integers (or null)',
      Array.isArray(shape) ? `[${shape.join(', ')}]` : shape,
      'SHAPE_MISMATCH',
    );
  return shape as (number | null)[];
}

/**
 * Base of the stable blocks: validates the common options, owns K [N|1, w, w] and b [N|1, w],
 * and runs the steps. Subclasses implement {@link StableBlock.steps}. Every block is a
 * `tf.layers.Layer` (inside `tf.sequential`, saved/loaded by class name), a core `Layer`
 * (`forward`) with a parametric view (`parameters`), and can report the features after each
 * step ({@link StableBlock.trajectory}).
 *
 * Source: Haber & Ruthotto, "Stable architectures for deep neural networks", Inverse Problems 34
 * (2018), §2: Y' = F(Y, θ(t)), Y(0) = Y_0 on [0, T], discretised in N steps of h = T/N.
 *
 * @example
 * ```ts
 * const block: StableBlock = new HamiltonianBlock({ depth: 16, finalTime: 4, width: 8 });
 * block.h; // 0.25
 * ```
 */
export abstract class StableBlock extends PhaseflowLayer {
  static override className = 'PhaseflowStableBlock';
  /** N, the number of steps. */
  readonly depth: number;
  /** T, the final time. */
  readonly finalTime: number;
  /** h = T / N. */
  readonly h: number;
  readonly activationName: ActivationName;
  readonly sharedWeights: boolean;
  readonly seed: number;
  readonly weightScale: number;
  readonly engine: EngineChoice;
  /** w, once known (from the option or the first input). */
  width: number | undefined;
  protected readonly sigma: (x: tf.Tensor) => tf.Tensor;
  protected kernel: Weight | undefined;
  protected bias: Weight | undefined;

  constructor(args: StableBlockArgs, extraKeys: readonly string[] = []) {
    if (args === undefined || args === null || typeof args !== 'object') invalid('args', 'an options object with depth', args);
    const o = checkOptions('args', args, [...COMMON_KEYS, ...extraKeys]);
    // Check before super(): tf would otherwise fail on our option names first.
    const depth = checkInteger('args.depth', o.depth, { min: 1 });
    const finalTime = o.finalTime === undefined ? 1 : checkPositive('args.finalTime', o.finalTime);
    const width = o.width === undefined ? undefined : checkInteger('args.width', o.width, { min: 1 });
    // Only a left-out option takes the default: null is refused like any other bad value.
    const act: ActivationName =
      o.activation === undefined
        ? 'tanh'
        : checkOneOf(
            'args.activation',
            o.activation,
            ACTIVATIONS.filter((a) => a !== 'softmax'),
          );
    if (o.sharedWeights !== undefined && typeof o.sharedWeights !== 'boolean') invalid('args.sharedWeights', 'a boolean', o.sharedWeights);
    const seed = o.seed === undefined ? 0 : checkInteger('args.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
    const weightScale = o.weightScale === undefined ? 1 : checkNonNegative('args.weightScale', o.weightScale);
    const engine = o.engine === undefined ? 'auto' : checkOneOf('args.engine', o.engine, ENGINE_CHOICES);
    const base: LayerArgs = {};
    for (const k of ['inputShape', 'batchInputShape', 'batchSize', 'dtype', 'name', 'trainable', 'weights', 'inputDType'] as const) {
      if (o[k] !== undefined) (base as Record<string, unknown>)[k] = o[k];
    }
    super(base);
    this.depth = depth;
    this.finalTime = finalTime;
    this.h = finalTime / depth;
    this.width = width;
    this.activationName = act;
    this.sigma = activationFn(act, 'args.activation');
    this.sharedWeights = o.sharedWeights ?? false;
    this.seed = seed;
    this.weightScale = weightScale;
    this.engine = engine;
  }

  /** Number of (K, b) pairs held: N, or 1 when shared. */
  get kernelCount(): number {
    return this.sharedWeights ? 1 : this.depth;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape);
    const w = shape[shape.length - 1];
    if (typeof w !== 'number') invalid('inputShape', 'a known last dimension (the width)', w);
    if (this.width !== undefined && w !== this.width) {
      throw new PhaseflowError('SHAPE_MISMATCH', `input: expected width ${this.width} (args.width), received ${w}`, {
        argument: 'input',
        expected: `last dimension ${this.width}`,
        received: `last dimension ${w}`,
      });
    }
    this.width = w;
    const m = this.kernelCount;
    const values = createRandom(this.seed).fillNormal(new Float64Array(m * w * w), 0, this.weightScale / Math.sqrt(w));
    this.kernel = this.addWeight('kernel', [m, w, w], 'float32', tf.initializers.zeros());
    this.bias = this.addWeight('bias', [m, w], 'float32', tf.initializers.zeros());
    tf.tidy(() => {
      this.kernel!.write(tf.tensor3d(Float32Array.from(values), [m, w, w]));
    });
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape) as tf.Shape;
  }

  /**
   * The kernels the steps use, from the stored ones (identity here; the antisymmetric block
   * maps K ↦ ½(K − Kᵀ) − γI). Acts on the last two axes, so ensembles [J, m, w, w] work too.
   */
  protected transformKernel(k: tf.Tensor): tf.Tensor {
    return k;
  }

  /**
   * Factor the kernels are multiplied by before the steps run (1 here). Forward-Euler-type
   * blocks return h and step the rescaled state U = Y/h, U ← U + σ((hK) U + b), which is the
   * same map without the multiplication by h in every step.
   */
  protected kernelScale(): number {
    return 1;
  }

  private scaled(k: tf.Tensor): tf.Tensor {
    const t = this.transformKernel(k);
    const c = this.kernelScale();
    return c === 1 ? t : tf.mul(t, c);
  }

  private kernels(): tf.Tensor2D[] {
    return unstack(this.scaled(this.kernel!.read())) as tf.Tensor2D[];
  }

  /**
   * J parameter sets at once (the batched evaluation derivative-free trainers use):
   * `inputs` [J, B, w], `weights` [K: [J, m, w, w], b: [J, m, w]]; returns [J, B, w].
   */
  override callEnsemble(inputs: tf.Tensor, weights: readonly tf.Tensor[]): tf.Tensor {
    checkTensor('inputs', inputs);
    if (inputs.rank !== 3) invalid('inputs', 'an ensemble batch [members, batch, width]', `shape [${inputs.shape.join(', ')}]`, 'SHAPE_MISMATCH');
    this.checkInput(inputs);
    if (!Array.isArray(weights) || weights.length !== 2) invalid('weights', 'the ensemble weights [kernel, bias] (one tensor each)', weights);
    const J = inputs.shape[0]!;
    const m = this.kernelCount;
    const w = this.width!;
    const want = [
      [J, m, w, w],
      [J, m, w],
    ];
    (weights as readonly tf.Tensor[]).forEach((t, i) => {
      checkTensor(`weights[${i}]`, t);
      if (t.shape.length !== want[i]!.length || t.shape.some((s, j) => s !== want[i]![j]))
        invalid(`weights[${i}]`, `shape [${want[i]!.join(', ')}]`, `shape [${t.shape.join(', ')}]`, 'SHAPE_MISMATCH');
    });
    const ks = unstack(this.scaled(weights[0]!), 1) as unknown as tf.Tensor2D[];
    const bs = unstack(weights[1]!, 1).map((b) => tf.expandDims(b, 1));
    return this.steps(inputs, ks, bs);
  }

  /**
   * Run the N steps from Y_0 = x; when `record` is given, push Y_0 … Y_N into it.
   * Called inside a tidy; returns Y_N.
   */
  protected abstract steps(x: tf.Tensor, ks: readonly tf.Tensor2D[], bs: readonly tf.Tensor[], record?: tf.Tensor[]): tf.Tensor;

  protected checkInput(x: tf.Tensor): void {
    if (this.width !== undefined && x.shape[x.shape.length - 1] !== this.width) {
      throw new PhaseflowError('SHAPE_MISMATCH', `input: expected width ${this.width}, received ${x.shape[x.shape.length - 1]}`, {
        argument: 'input',
        expected: `last dimension ${this.width}`,
        received: `shape [${x.shape.join(', ')}]`,
      });
    }
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = asTensor(inputs);
      this.checkInput(x);
      return this.steps(x, this.kernels(), unstack(this.bias!.read()));
    });
  }

  /**
   * The features after every step, Y_0 … Y_N (N + 1 tensors shaped like `input`, owned by the
   * caller) — the data being transported by the flow.
   *
   * @example
   * ```ts
   * const ys = block.trajectory(x); // ys.length === block.depth + 1
   * tf.dispose(ys);
   * ```
   */
  trajectory(input: tf.Tensor): tf.Tensor[] {
    checkTensor('input', input);
    if (!this.built) this.forward(input).dispose();
    this.checkInput(input);
    const out: tf.Tensor[] = [];
    tf.tidy(() => {
      const record: tf.Tensor[] = [];
      this.steps(input, this.kernels(), unstack(this.bias!.read()), record);
      for (const y of record) out.push(tf.keep(y.clone()));
    });
    return out;
  }

  /** K_j and b_j of step j (shared weights use index 0). */
  protected at<T>(list: readonly T[], j: number): T {
    return list[this.sharedWeights ? 0 : j]!;
  }

  /**
   * Forward Euler in the rescaled state U = Y/h with K̃ = hK: U ← U + σ(K̃ U + b), the steps of
   * the ResNet and antisymmetric blocks (whose {@link StableBlock.kernelScale} is h).
   */
  protected eulerSteps(x: tf.Tensor, ks: readonly tf.Tensor2D[], bs: readonly tf.Tensor[], record?: tf.Tensor[]): tf.Tensor {
    const h = this.h;
    let u = tf.div(x, h);
    record?.push(x);
    for (let j = 0; j < this.depth; j++) {
      u = tf.add(u, this.sigma(affine(u, this.at(ks, j), this.at(bs, j), true)));
      if (record) record.push(tf.mul(u, h));
    }
    return tf.mul(u, h);
  }

  /**
   * Which float32 twin the block has (the step rule of engine32), or undefined when it has none
   * (the IntegratorBlock, the parabolic block with instance normalisation).
   */
  protected twinKind(): BlockKind32 | undefined {
    return undefined;
  }

  /**
   * The block on the float32 engine of @phaseflow/nn64 (weights copied, θ = (K, b) in the
   * order of `trainableWeights`): the same steps, each product one fused kernel, with the
   * reverse pass written out, as a `Trainable32` on rows of w features. What
   * @phaseflow/nn64/tfjs's `createEngineTrainer` trains. NOT_AVAILABLE for blocks without one
   * (IntegratorBlock, instance normalisation) and activations the kernels lack (elu, selu,
   * softplus, swish: tanh, relu, sigmoid and linear run there). `options.threads: 2` splits the
   * steps' large products with a helper thread (bit for bit the one-thread twin; see nn64's
   * createWorkspace32), as `createEngineTrainer({ threads: 2 })` asks.
   *
   * @example
   * ```ts
   * const twin = block.toTrainable32(); twin.forwardTape(Float32Array.from(x.dataSync()), rows);
   * ```
   */
  toTrainable32(options?: Twin32Options): Trainable32 {
    const o = checkOptions('options', options, ['threads']);
    const threads = o.threads === undefined ? 1 : checkOneOf('options.threads', o.threads, [1, 2] as const);
    if (!this.built) invalid('block', 'a built block (call or fit it first)', 'an unbuilt block', 'INVALID_STATE');
    const kind = this.twinKind();
    const what = `${this.getClassName()} ${JSON.stringify(this.name)}`;
    const unavailable = (why: string): never => {
      throw new PhaseflowError('NOT_AVAILABLE', `${what}: ${why}`, {
        argument: 'block',
        expected: 'a block with a float32 twin',
        received: `${what} (${why})`,
      });
    };
    if (kind === undefined) unavailable('no nn64 twin');
    const act = this.activationName;
    if (act !== 'tanh' && act !== 'relu' && act !== 'sigmoid' && act !== 'linear') return unavailable(`activation ${act} has no nn64 kernel`);
    return createBlockEngine32({
      kind: kind!,
      depth: this.depth,
      h: this.h,
      width: this.width!,
      activation: act,
      shared: this.sharedWeights,
      gamma: (this as unknown as { gamma?: number }).gamma ?? 0,
      theta: Float32Array.from(readWeights(this.trainableWeights)),
      threads,
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      engine: this.engine,
      depth: this.depth,
      finalTime: this.finalTime,
      ...(this.width !== undefined && { width: this.width }),
      activation: this.activationName,
      sharedWeights: this.sharedWeights,
      seed: this.seed,
      weightScale: this.weightScale,
    };
  }
}

/**
 * tf.unstack, except along an axis of length one (shared weights), where it is a squeeze:
 * tfjs's gradient of a one-output unstack fails ("Argument tensors passed to stack must be a
 * `Tensor[]`"), which made blocks with shared weights impossible to train.
 */
const unstack = (t: tf.Tensor, axis = 0): tf.Tensor[] => (t.shape[axis] === 1 ? [tf.squeeze(t, [axis])] : tf.unstack(t, axis));

/**
 * y Kᵀ + b (transposeK) or y K + b, batched over leading axes for ensembles: the affine map
 * inside every block's field. Not `tf.fused.matMul`: the wasm backend rejects a bias that is a
 * slice of the [N, w] bias weight. Internal to the package (not exported from its index).
 */
export const affine = (y: tf.Tensor, k: tf.Tensor2D, b: tf.Tensor, transposeK: boolean): tf.Tensor =>
  tf.add(tf.matMul(y as tf.Tensor2D, k, false, transposeK), b);
