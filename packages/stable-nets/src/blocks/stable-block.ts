/**
 * The stable blocks of Haber & Ruthotto (2018): tf layers whose forward pass is N steps of an
 * integrator over a learnable, layer-dependent vector field. Each block holds the step
 * kernels K_j ∈ ℝ^{w×w} as one weight [N, w, w] (or [1, w, w] when shared) and the biases
 * b_j as [N, w]. Features are rows (tfjs convention), so the papers' K Y reads `Y Kᵀ` here.
 *
 * This file registers every block class with tf.serialization when loaded (listed in the
 * package's `sideEffects`).
 */
import * as tf from '@tensorflow/tfjs';
import {
  PhaseflowError,
  checkInteger,
  checkNonNegative,
  checkOneOf,
  checkOptions,
  checkPositive,
  createRandom,
  describeValue,
  invalid,
  type Integrator,
  type OdeProblem,
  type PartitionedProblem,
  type PhaseState,
} from '@phaseflow/core';
import {
  ACTIVATIONS,
  PhaseflowLayer,
  activation as activationFn,
  asTensor,
  checkTensor,
  registerPhaseflowLayer,
  tensorSpace,
  type ActivationName,
  type LayerArgs,
  type Weight,
} from '@phaseflow/tfjs';
import { phaseSpace } from '@phaseflow/core';
import { splittingMethods } from '@phaseflow/symplectic';
import { dop853, dopri5, euler, heun, midpoint, ralston, rk38, rk4, tsit5, bs3 } from '@phaseflow/runge-kutta';

/** Options every stable block accepts (also what `getConfig` returns, with the block's own). */
export interface StableBlockArgs extends LayerArgs {
  /** Number of steps N (the depth of the block), ≥ 1. */
  depth: number;
  /** Final time T > 0 of the flow; the step is h = T / N (default 1). */
  T?: number;
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
  /** T under the name saved configs use (tfjs lower-cases a lone `T`); give `T` or this, not both. */
  finalTime?: number;
}

const COMMON_KEYS = ['depth', 'T', 'finalTime', 'width', 'activation', 'sharedWeights', 'seed', 'weightScale', 'inputShape', 'batchInputShape', 'batchSize', 'dtype', 'name', 'trainable', 'weights', 'inputDType'];

/** The shape a tf `build`/`computeOutputShape` call receives, as one shape. */
function singleShape(inputShape: tf.Shape | tf.Shape[]): (number | null)[] {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
}

/**
 * Base of the stable blocks: validates the common options, owns K [N|1, w, w] and b [N|1, w],
 * and runs the steps. Subclasses implement {@link StableBlock.steps}. Every block is a
 * `tf.layers.Layer` (inside `tf.sequential`, saved/loaded by class name), a core `Layer`
 * (`forward`) with a parametric view (`parameters`), and can report the features after each
 * step ({@link StableBlock.trajectory}).
 */
export abstract class StableBlock extends PhaseflowLayer {
  static override className = 'PhaseflowStableBlock';
  /** N, the number of steps. */
  readonly depth: number;
  /** T, the final time. */
  readonly T: number;
  /** h = T / N. */
  readonly h: number;
  readonly activationName: ActivationName;
  readonly sharedWeights: boolean;
  readonly seed: number;
  readonly weightScale: number;
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
    if (o.T !== undefined && o.finalTime !== undefined) invalid('args.finalTime', 'nothing when args.T is given', o.finalTime);
    const T = o.T !== undefined ? checkPositive('args.T', o.T) : o.finalTime !== undefined ? checkPositive('args.finalTime', o.finalTime) : 1;
    const width = o.width === undefined ? undefined : checkInteger('args.width', o.width, { min: 1 });
    const act = (o.activation ?? 'tanh') as ActivationName;
    checkOneOf('args.activation', act, ACTIVATIONS.filter((a) => a !== 'softmax'));
    if (o.sharedWeights !== undefined && typeof o.sharedWeights !== 'boolean') invalid('args.sharedWeights', 'a boolean', o.sharedWeights);
    const seed = o.seed === undefined ? 0 : checkInteger('args.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
    const weightScale = o.weightScale === undefined ? 1 : checkNonNegative('args.weightScale', o.weightScale);
    const base: LayerArgs = {};
    for (const k of ['inputShape', 'batchInputShape', 'batchSize', 'dtype', 'name', 'trainable', 'weights', 'inputDType'] as const) {
      if (o[k] !== undefined) (base as Record<string, unknown>)[k] = o[k];
    }
    super(base);
    this.depth = depth;
    this.T = T;
    this.h = T / depth;
    this.width = width;
    this.activationName = act;
    this.sigma = activationFn(act, 'args.activation');
    this.sharedWeights = o.sharedWeights ?? false;
    this.seed = seed;
    this.weightScale = weightScale;
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
    return tf.unstack(this.scaled(this.kernel!.read())) as tf.Tensor2D[];
  }

  /**
   * J parameter sets at once (the batched evaluation derivative-free trainers use):
   * `inputs` [J, B, w], `weights` [K: [J, m, w, w], b: [J, m, w]]; returns [J, B, w].
   */
  override callEnsemble(inputs: tf.Tensor, weights: readonly tf.Tensor[]): tf.Tensor {
    this.checkInput(inputs);
    const ks = tf.unstack(this.scaled(weights[0]!), 1) as unknown as tf.Tensor2D[];
    const bs = tf.unstack(weights[1]!, 1).map((b) => tf.expandDims(b, 1));
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
      return this.steps(x, this.kernels(), tf.unstack(this.bias!.read()));
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
      this.steps(input, this.kernels(), tf.unstack(this.bias!.read()), record);
      for (const y of record) out.push(tf.keep(y.clone()));
    });
    return out;
  }

  /** K_j and b_j of step j (shared weights use index 0). */
  protected at<T>(list: readonly T[], j: number): T {
    return list[this.sharedWeights ? 0 : j]!;
  }

  /** @internal {@link StableBlock.at} for the module's step helpers. */
  pick<T>(list: readonly T[], j: number): T {
    return this.at(list, j);
  }

  /** @internal σ for the module's step helpers. */
  sigmaOf(x: tf.Tensor): tf.Tensor {
    return this.sigma(x);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      depth: this.depth,
      finalTime: this.T,
      ...(this.width !== undefined && { width: this.width }),
      activation: this.activationName,
      sharedWeights: this.sharedWeights,
      seed: this.seed,
      weightScale: this.weightScale,
    };
  }
}

/**
 * y Kᵀ + b (transposeK) or y K + b, batched over leading axes for ensembles. Not
 * `tf.fused.matMul`: the wasm backend rejects a bias that is a slice of the [N, w] bias weight.
 */
const affine = (y: tf.Tensor, k: tf.Tensor2D, b: tf.Tensor, transposeK: boolean): tf.Tensor => tf.add(tf.matMul(y as tf.Tensor2D, k, false, transposeK), b);

/** Forward Euler in the rescaled state U = Y/h with K̃ = hK: U ← U + σ(K̃ U + b). */
function eulerSteps(block: StableBlock & { sigmaOf(x: tf.Tensor): tf.Tensor; pick<T>(l: readonly T[], j: number): T }, x: tf.Tensor, ks: readonly tf.Tensor2D[], bs: readonly tf.Tensor[], record?: tf.Tensor[]): tf.Tensor {
  const h = block.h;
  let u = tf.div(x, h);
  record?.push(x);
  for (let j = 0; j < block.depth; j++) {
    u = tf.add(u, block.sigmaOf(affine(u, block.pick(ks, j), block.pick(bs, j), true)));
    if (record) record.push(tf.mul(u, h));
  }
  return tf.mul(u, h);
}

/**
 * Residual network block = forward Euler on Y' = σ(K(t) Y + b(t)):
 * Y_{j+1} = Y_j + h σ(K_j Y_j + b_j), h = T/N.
 *
 * Source: He et al., "Deep residual learning" (CVPR 2016); read as forward Euler by Haber &
 * Ruthotto, "Stable architectures for deep neural networks", Inverse Problems 34 (2018), eq. (2.3).
 *
 * @example
 * ```ts
 * const block = new ResNetBlock({ depth: 16, T: 2, width: 8 });
 * const y = block.forward(tf.randomNormal([32, 8]));
 * ```
 */
export class ResNetBlock extends StableBlock {
  static override className = 'PhaseflowResNetBlock';
  constructor(args: StableBlockArgs) {
    super(args);
  }
  protected override kernelScale(): number {
    return this.h;
  }
  protected steps(x: tf.Tensor, ks: readonly tf.Tensor2D[], bs: readonly tf.Tensor[], record?: tf.Tensor[]): tf.Tensor {
    return eulerSteps(this, x, ks, bs, record);
  }
}

/** Options of {@link AntisymmetricBlock}. */
export interface AntisymmetricBlockArgs extends StableBlockArgs {
  /** Damping γ ≥ 0 in ½(K − Kᵀ) − γI (default 0.1). */
  gamma?: number;
}

/**
 * Antisymmetric ResNet: forward Euler with K_j replaced by ½(K_j − K_jᵀ) − γI, whose
 * eigenvalues have real part −γ, so the continuous flow neither explodes nor vanishes:
 * Y_{j+1} = Y_j + h σ((½(K_j − K_jᵀ) − γI) Y_j + b_j).
 *
 * Source: Haber & Ruthotto, Inverse Problems 34 (2018), §3.1; Chang et al., "AntisymmetricRNN" (ICLR 2019).
 *
 * @example
 * ```ts
 * const block = new AntisymmetricBlock({ depth: 32, T: 4, gamma: 0.1 });
 * ```
 */
export class AntisymmetricBlock extends StableBlock {
  static override className = 'PhaseflowAntisymmetricBlock';
  readonly gamma: number;
  constructor(args: AntisymmetricBlockArgs) {
    super(args, ['gamma']);
    this.gamma = args.gamma === undefined ? 0.1 : checkNonNegative('args.gamma', args.gamma);
  }
  protected override transformKernel(k: tf.Tensor): tf.Tensor {
    const r = k.rank;
    const perm = [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
    return tf.sub(tf.mul(tf.sub(k, tf.transpose(k, perm)), 0.5), tf.mul(tf.eye(this.width!), this.gamma));
  }
  protected override kernelScale(): number {
    return this.h;
  }
  protected steps(x: tf.Tensor, ks: readonly tf.Tensor2D[], bs: readonly tf.Tensor[], record?: tf.Tensor[]): tf.Tensor {
    return eulerSteps(this, x, ks, bs, record);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), gamma: this.gamma };
  }
}

/**
 * Hamiltonian two-stream network: the Verlet (leapfrog) discretisation of
 * Y' = σ(K Z + b), Z' = −σ(Kᵀ Y + b), Z(0) = 0:
 * Z_{j+½} = Z_{j−½} − h σ(K_jᵀ Y_j + b_j),  Y_{j+1} = Y_j + h σ(K_j Z_{j+½} + b_j),
 * started with Z_{−½} = (h/2) σ(K_0ᵀ Y_0 + b_0) (so Z_{½} = −(h/2)σ(…), second order).
 * Symplectic and time-reversible; outputs Y_N.
 *
 * Source: Haber & Ruthotto, Inverse Problems 34 (2018), §3.2, eq. (3.6) (Meganet `DoubleHamiltonianNN`).
 *
 * @example
 * ```ts
 * const block = new HamiltonianBlock({ depth: 16, T: 4 });
 * ```
 */
export class HamiltonianBlock extends StableBlock {
  static override className = 'PhaseflowHamiltonianBlock';
  constructor(args: StableBlockArgs) {
    super(args);
  }
  protected override kernelScale(): number {
    return this.h;
  }
  protected steps(x: tf.Tensor, ks: readonly tf.Tensor2D[], bs: readonly tf.Tensor[], record?: tf.Tensor[]): tf.Tensor {
    // Rescaled state U = Y/h, V = Z/h with K̃ = hK: V ← V − σ(K̃ᵀU + b), U ← U + σ(K̃V + b),
    // the same map in 8 ops per step instead of 10.
    const h = this.h;
    let u = tf.div(x, h);
    let v: tf.Tensor | undefined;
    record?.push(x);
    for (let j = 0; j < this.depth; j++) {
      const k = this.at(ks, j);
      const b = this.at(bs, j);
      // Z_{−½} = (h/2) σ(K_0ᵀ Y_0 + b_0) is the staggered start consistent with Z(0) = 0, so
      // the first kick is a half kick (V_{½} = −½σ(…)).
      const kick = this.sigma(affine(u, k, b, false));
      v = v === undefined ? tf.mul(kick, -0.5) : tf.sub(v, kick);
      u = tf.add(u, this.sigma(affine(v, k, b, true)));
      if (record) record.push(tf.mul(u, h));
    }
    return tf.mul(u, h);
  }
}

/**
 * Second-order (leapfrog) network: the central-difference discretisation of
 * Y'' = −Kᵀ σ(K Y + b), with Y_{−1} = Y_0:
 * Y_{j+1} = 2Y_j − Y_{j−1} − h² K_jᵀ σ(K_j Y_j + b_j).
 *
 * Source: Haber & Ruthotto, Inverse Problems 34 (2018), §3.3 (Meganet `LeapFrogNN`).
 *
 * @example
 * ```ts
 * const block = new LeapfrogBlock({ depth: 32, T: 4 });
 * ```
 */
export class LeapfrogBlock extends StableBlock {
  static override className = 'PhaseflowLeapfrogBlock';
  constructor(args: StableBlockArgs) {
    super(args);
  }
  protected steps(x: tf.Tensor, ks: readonly tf.Tensor2D[], bs: readonly tf.Tensor[], record?: tf.Tensor[]): tf.Tensor {
    let prev = x;
    let y = x;
    const h2 = this.h * this.h;
    record?.push(y);
    for (let j = 0; j < this.depth; j++) {
      const k = this.at(ks, j);
      const force = tf.matMul(this.sigma(affine(y, k, this.at(bs, j), true)) as tf.Tensor2D, k);
      const next = tf.sub(tf.sub(tf.mul(y, 2), prev), tf.mul(force, h2));
      prev = y;
      y = next;
      record?.push(y);
    }
    return y;
  }
}

/** Options of {@link ParabolicBlock}. */
export interface ParabolicBlockArgs extends StableBlockArgs {
  /** N in the step: `none` (identity, the default) or `instance` (zero mean, unit variance per sample). */
  normalization?: 'none' | 'instance';
}

/**
 * Parabolic network: forward Euler on the gradient flow Y' = −Kᵀ σ(N(K Y) + b):
 * Y_{j+1} = Y_j − h K_jᵀ σ(N(K_j Y_j) + b_j). With N = identity and σ monotone the flow
 * decreases Σ Φ(KY + b) (Φ' = σ), a nonlinear heat equation: smoothing, stable.
 *
 * Source: Ruthotto & Haber, "Deep neural networks motivated by partial differential
 * equations", J. Math. Imaging Vis. (2020; arXiv 2018), §3.1.
 *
 * @example
 * ```ts
 * const block = new ParabolicBlock({ depth: 16, T: 1, normalization: 'instance' });
 * ```
 */
export class ParabolicBlock extends StableBlock {
  static override className = 'PhaseflowParabolicBlock';
  readonly normalization: 'none' | 'instance';
  constructor(args: ParabolicBlockArgs) {
    super(args, ['normalization']);
    this.normalization = args.normalization === undefined ? 'none' : checkOneOf('args.normalization', args.normalization, ['none', 'instance'] as const);
  }
  private normalize(x: tf.Tensor): tf.Tensor {
    if (this.normalization === 'none') return x;
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
  }
  protected steps(x: tf.Tensor, ks: readonly tf.Tensor2D[], bs: readonly tf.Tensor[], record?: tf.Tensor[]): tf.Tensor {
    let y = x;
    record?.push(y);
    for (let j = 0; j < this.depth; j++) {
      const k = this.at(ks, j);
      const s = this.sigma(tf.add(this.normalize(tf.matMul(y as tf.Tensor2D, k, false, true)), this.at(bs, j)));
      y = tf.sub(y, tf.mul(tf.matMul(s as tf.Tensor2D, k), this.h));
      record?.push(y);
    }
    return y;
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), normalization: this.normalization };
  }
}

/** An integrator an {@link IntegratorBlock} can run: explicit RK (`ode`) or splitting (`partitioned`) methods over tensors. */
export type BlockIntegrator = Integrator<OdeProblem<tf.Tensor>, tf.Tensor> | Integrator<PartitionedProblem<tf.Tensor>, PhaseState<tf.Tensor>>;

/**
 * What an {@link IntegratorBlock} accepts at the type level: any core Integrator, whatever
 * state type it was created for (`createYoshida6()` defaults to Float64Array; the block runs
 * it on tensors, which generic integrators support at run time).
 */
export type AnyBlockIntegrator = Integrator<never, unknown>;

const integratorFactories = new Map<string, () => BlockIntegrator>();

/**
 * Make an integrator known by its `name`, so saved {@link IntegratorBlock}s that use it load
 * again (`getConfig` stores only the name). The explicit Runge–Kutta methods of
 * @phaseflow/runge-kutta and the splitting methods of @phaseflow/symplectic are registered
 * when this module loads; call this for a third party's.
 *
 * @example
 * ```ts
 * registerBlockIntegrator(() => createMyIntegrator());
 * ```
 */
export function registerBlockIntegrator(factory: () => AnyBlockIntegrator): string {
  if (typeof factory !== 'function') invalid('factory', 'a function returning an Integrator', factory);
  const integrator = factory();
  checkIntegrator('factory()', integrator);
  integratorFactories.set(integrator.name, factory as () => BlockIntegrator);
  return integrator.name;
}

function checkIntegrator(argument: string, value: unknown): BlockIntegrator {
  const i = value as BlockIntegrator;
  if (i === null || typeof i !== 'object' || typeof i.name !== 'string' || typeof i.step !== 'function' || !Array.isArray(i.problemKinds)) {
    invalid(argument, 'a core Integrator { name, problemKinds, step }', value);
  }
  if (!i.problemKinds.includes('ode') && !i.problemKinds.includes('partitioned')) {
    throw new PhaseflowError('UNSUPPORTED_PROBLEM', `${argument}: integrator ${i.name} solves ${i.problemKinds.join(', ')} problems; an IntegratorBlock needs 'ode' or 'partitioned'`, {
      argument,
      expected: "an integrator whose problemKinds include 'ode' or 'partitioned'",
      received: i.problemKinds.join(', '),
    });
  }
  return i;
}

/** Options of {@link IntegratorBlock}. */
export interface IntegratorBlockArgs extends StableBlockArgs {
  /**
   * The integrator, or the name of one registered with {@link registerBlockIntegrator}
   * (built in: the explicit Runge–Kutta methods and the splitting methods by their names).
   */
  integrator: AnyBlockIntegrator | string;
}

/**
 * Any core Integrator as a network: N steps of `integrator` over a learnable field on
 * tensors (through @phaseflow/tfjs's `tensorSpace`). For `ode` integrators (Runge–Kutta)
 * the field is f_j(Y) = σ(K_j Y + b_j); for `partitioned` (splitting, symplectic) ones it is
 * the Hamiltonian two-stream field q' = σ(K_j p + b_j), p' = −σ(K_jᵀ q + b_j), q_0 = Y, p_0 = 0,
 * output q_N. Weights per step, or shared (`sharedWeights`). Gradients flow through the
 * integrator's tensor operations.
 *
 * Source: Chen et al., "Neural ordinary differential equations" (NeurIPS 2018) for the idea;
 * Haber & Ruthotto (2018) for the fields.
 *
 * @example
 * ```ts
 * import { createYoshida6 } from '@phaseflow/symplectic';
 * import { rk4 } from '@phaseflow/runge-kutta';
 * const a = new IntegratorBlock({ integrator: createYoshida6(), depth: 4, T: 2 });
 * const b = new IntegratorBlock({ integrator: rk4(), depth: 8, T: 1, sharedWeights: true });
 * ```
 */
export class IntegratorBlock extends StableBlock {
  static override className = 'PhaseflowIntegratorBlock';
  readonly integrator: BlockIntegrator;
  private readonly kind: 'ode' | 'partitioned';

  constructor(args: IntegratorBlockArgs) {
    super(args, ['integrator']);
    let integrator: BlockIntegrator;
    if (typeof args.integrator === 'string') {
      const factory = integratorFactories.get(args.integrator);
      if (!factory) {
        throw new PhaseflowError('NOT_AVAILABLE', `args.integrator: no integrator named ${JSON.stringify(args.integrator)} is registered (known: ${[...integratorFactories.keys()].join(', ')})`, {
          argument: 'args.integrator',
          expected: `one of ${[...integratorFactories.keys()].join(', ')} or an Integrator`,
          received: describeValue(args.integrator),
        });
      }
      integrator = factory();
    } else integrator = checkIntegrator('args.integrator', args.integrator);
    this.integrator = integrator;
    this.kind = integrator.problemKinds.includes('ode') ? 'ode' : 'partitioned';
  }

  protected steps(x: tf.Tensor, ks: readonly tf.Tensor2D[], bs: readonly tf.Tensor[], record?: tf.Tensor[]): tf.Tensor {
    const h = this.h;
    record?.push(x);
    if (this.kind === 'ode') {
      const step = (this.integrator as Integrator<OdeProblem<tf.Tensor>, tf.Tensor>).step;
      let y = x;
      for (let j = 0; j < this.depth; j++) {
        const k = this.at(ks, j);
        const b = this.at(bs, j);
        const problem: OdeProblem<tf.Tensor> = { kind: 'ode', space: tensorSpace, f: (_t, yy) => this.sigma(affine(yy, k, b, true)) };
        y = step.call(this.integrator, problem, j * h, y, h);
        record?.push(y);
      }
      return y;
    }
    const step = (this.integrator as Integrator<PartitionedProblem<tf.Tensor>, PhaseState<tf.Tensor>>).step;
    const space = phaseSpace(tensorSpace);
    let state: PhaseState<tf.Tensor> = { q: x, p: tf.zerosLike(x) };
    for (let j = 0; j < this.depth; j++) {
      const k = this.at(ks, j);
      const b = this.at(bs, j);
      const problem: PartitionedProblem<tf.Tensor> = {
        kind: 'partitioned',
        space,
        separable: true,
        velocity: (_t, _q, p) => this.sigma(affine(p, k, b, true)),
        force: (_t, q) => tf.neg(this.sigma(affine(q, k, b, false))),
      };
      state = step.call(this.integrator, problem, j * h, state, h);
      record?.push(state.q);
    }
    return state.q;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), integrator: this.integrator.name };
  }
}

/** The block classes by short name, as {@link createStableNetwork} and the multilevel tools use them. */
export const STABLE_BLOCKS = {
  resnet: ResNetBlock,
  antisymmetric: AntisymmetricBlock,
  hamiltonian: HamiltonianBlock,
  leapfrog: LeapfrogBlock,
  parabolic: ParabolicBlock,
} as const;

/** A block kind by short name: `resnet`, `antisymmetric`, `hamiltonian`, `leapfrog`, `parabolic`. */
export type StableBlockKind = keyof typeof STABLE_BLOCKS;

for (const cls of [...Object.values(STABLE_BLOCKS), IntegratorBlock]) registerPhaseflowLayer(cls);

// The integrators of our own packages load by name; a third party registers its own.
for (const factory of [euler, midpoint, heun, ralston, rk4, rk38, bs3, dopri5, tsit5, dop853]) {
  integratorFactories.set(factory().name, () => factory<tf.Tensor>());
}
for (const factory of Object.values(splittingMethods)) {
  const name = factory().name;
  integratorFactories.set(name, factory as unknown as () => BlockIntegrator);
}
