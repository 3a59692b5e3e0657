/**
 * Hamiltonian neural networks (Greydanus, Dzamba & Yosinski, NeurIPS 2019): a network learns a
 * scalar H_θ(q, p) whose symplectic gradient (∂H/∂p, −∂H/∂q) matches observed time
 * derivatives; predictions are rolled out with a symplectic integrator (rollout.ts). This file
 * registers the layer class with tf.serialization when loaded (listed in the package's
 * `sideEffects`).
 */
import * as tf from '@tensorflow/tfjs';
import { PhaseflowError, checkFiniteArray, checkInteger, checkOneOf, checkOptions, invalid } from '@phaseflow/core';
import { ENGINE_CHOICES, createGradientField32, createMlp64, type EngineChoice, type GradientField32, type Mlp64, type Twin32Options } from '@phaseflow/nn64';
import {
  PhaseflowLayer,
  SMOOTH_ACTIVATIONS,
  asTensor,
  checkTensor,
  mlpForward,
  mlpInputGradient,
  mlpWeightShapes,
  registerPhaseflowLayer,
  type LayerArgs,
  type SmoothActivation,
  type Weight,
} from '@phaseflow/tfjs';
import { stateShape } from './checks.js';

/** Options of {@link HamiltonianNN} (also what `getConfig` returns). */
export interface HamiltonianNNArgs extends LayerArgs {
  /** Hidden widths of H_θ's MLP (default [64, 64]). */
  hidden?: number[];
  /** Hidden activation (default `tanh`; must be twice differentiable). */
  activation?: SmoothActivation;
  /** Seed of the Glorot-uniform initialisation (default 0). */
  seed?: number;
  /**
   * The engine that trains it through @phaseflow/nn64/tfjs's `createEngineTrainer` (default
   * `auto`: the float32 engine of @phaseflow/nn64 up to a million parameters, see nn64's
   * `chooseEngine`; `tfjs` for tensor ops). The layer's own `call` is tfjs either way.
   */
  engine?: EngineChoice;
}

/** Hidden widths: a non-empty array of positive integers. */
function checkHidden(argument: string, hidden: unknown): number[] {
  if (!Array.isArray(hidden) || hidden.length === 0) invalid(argument, 'a non-empty array of hidden layer widths', hidden);
  return hidden.map((w, i) => checkInteger(`${argument}[${i}]`, w, { min: 1 }));
}

const KEYS = ['hidden', 'activation', 'seed', 'engine', 'inputShape', 'batchInputShape', 'batchSize', 'dtype', 'name', 'trainable', 'weights', 'inputDType'];

/** A Float64 Hamiltonian and its symplectic gradient, read from trained weights. */
export interface Hamiltonian64 {
  /** Degrees of freedom d (states have 2d numbers, q's then p's). */
  readonly degrees: number;
  /** H(y). */
  energy(y: ArrayLike<number>): number;
  /** (∂H/∂p, −∂H/∂q) at y. */
  vectorField(y: ArrayLike<number>, out?: Float64Array): Float64Array;
  /** (∂H/∂q, ∂H/∂p) at y. */
  gradient(y: ArrayLike<number>): Float64Array;
}

/**
 * A Hamiltonian neural network: H_θ: ℝ²ᵈ → ℝ an MLP; the layer maps a state batch y = (q, p)
 * [B, 2d] to its symplectic gradient ẏ = J∇H_θ(y) = (∂H_θ/∂p, −∂H_θ/∂q) [B, 2d], so training it
 * with an MSE loss on observed derivatives is the HNN objective
 * ‖∂H_θ/∂p − q̇‖² + ‖∂H_θ/∂q + ṗ‖² (Greydanus, Dzamba & Yosinski, "Hamiltonian Neural
 * Networks", NeurIPS 2019). ∇H_θ is written out with tensor ops (no nested autodiff), so any
 * gradient trainer differentiates it once more with respect to θ. H_θ is conserved exactly by
 * the learned flow; {@link rolloutHamiltonian} integrates it with a symplectic method.
 *
 * @example
 * ```ts
 * const hnn = new HamiltonianNN({ hidden: [64, 64], seed: 1 });
 * await createGradientTrainer({ loss: 'mse', epochs: 300 }).fit(hnn, { x: data.x, y: data.y, inputs: 2 });
 * const path = rolloutHamiltonian(hnn.toFloat64(), Float64Array.of(1, 0), { dt: 0.1, steps: 300 });
 * ```
 */
export class HamiltonianNN extends PhaseflowLayer {
  static override className = 'PhaseflowHamiltonianNN';
  readonly hidden: number[];
  readonly activationName: SmoothActivation;
  readonly seed: number;
  readonly engine: EngineChoice;
  private hWeights: Weight[] = [];
  private dim = 0;

  constructor(args: HamiltonianNNArgs = {}) {
    const o = checkOptions('args', args, KEYS);
    super(args);
    this.hidden = o.hidden === undefined ? [64, 64] : checkHidden('args.hidden', o.hidden);
    this.activationName = o.activation === undefined ? 'tanh' : checkOneOf('args.activation', o.activation, SMOOTH_ACTIVATIONS);
    this.seed = o.seed === undefined ? 0 : checkInteger('args.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
    this.engine = o.engine === undefined ? 'auto' : checkOneOf('args.engine', o.engine, ENGINE_CHOICES);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = stateShape('inputShape', inputShape)[1]!;
    this.dim = d;
    const widths = [d, ...this.hidden, 1];
    // Glorot-uniform kernels drawn layer by layer from createRandom(seed) (nn64's initialisation).
    const theta = createMlp64({ sizes: widths, seed: this.seed }).theta;
    let off = 0;
    this.hWeights = mlpWeightShapes(widths).map((s, i) => {
      const n = s.reduce((a, b) => a * b, 1);
      const values = Float32Array.from(theta.subarray(off, off + n));
      off += n;
      const w = this.addWeight(`H_${i % 2 === 0 ? 'kernel' : 'bias'}${i >> 1}`, s, 'float32', tf.initializers.zeros());
      tf.tidy(() => {
        w.write(tf.tensor(values, s));
      });
      return w;
    });
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return stateShape('inputShape', inputShape);
  }

  private check(x: tf.Tensor, argument: string): void {
    if (x.rank !== 2 || x.shape[1] !== this.dim) {
      throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: expected a state batch [batch, ${this.dim}], received [${x.shape.join(', ')}]`, {
        argument,
        expected: `[batch, ${this.dim}]`,
        received: `[${x.shape.join(', ')}]`,
      });
    }
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = asTensor(inputs);
      this.check(x, 'inputs');
      const { grad } = mlpInputGradient(
        x,
        this.hWeights.map((w) => w.read()),
        this.activationName,
      );
      const [dq, dp] = tf.split(grad, 2, 1) as [tf.Tensor, tf.Tensor];
      return tf.concat([dp, tf.neg(dq)], 1);
    });
  }

  /**
   * H_θ at a state batch [B, 2d] → [B]. The caller owns the result.
   *
   * @example
   * ```ts
   * hnn.hamiltonian(tf.tensor2d([[1, 0]])).print();
   * ```
   */
  hamiltonian(x: tf.Tensor): tf.Tensor {
    checkTensor('x', x);
    if (!this.built) this.forward(x).dispose();
    this.check(x, 'x');
    return tf.tidy(() =>
      tf.reshape(
        mlpForward(
          x,
          this.hWeights.map((w) => w.read()),
          this.activationName,
        ),
        [-1],
      ),
    );
  }

  /**
   * The learned Hamiltonian in Float64 (weights copied), for rollouts and energy metrics.
   *
   * @example
   * ```ts
   * const H = hnn.toFloat64(); H.energy([1, 0]);
   * ```
   */
  toFloat64(): Hamiltonian64 {
    if (!this.built) invalid('layer', 'a built layer (call or fit it first)', 'an unbuilt HamiltonianNN', 'INVALID_STATE');
    const mlp = this.toMlp64();
    const d = this.dim / 2;
    const dim = this.dim;
    const vec = (y: ArrayLike<number>) => {
      checkFiniteArray('y', y);
      if (y.length !== dim) invalid('y', `a state of ${dim} numbers`, y, 'SHAPE_MISMATCH');
      return { x: Float64Array.from(y), rows: 1, cols: dim };
    };
    return {
      degrees: d,
      energy: (y) => mlp.forward(vec(y))[0]!,
      gradient: (y) => mlp.inputGradient(vec(y)),
      vectorField(y, out = new Float64Array(dim)) {
        if (!(out instanceof Float64Array) || out.length !== dim) invalid('out', `a Float64Array of ${dim} numbers`, out, 'SHAPE_MISMATCH');
        const g = mlp.inputGradient(vec(y));
        for (let i = 0; i < d; i++) {
          out[i] = g[d + i]!;
          out[d + i] = -g[i]!;
        }
        return out;
      },
    };
  }

  /**
   * H_θ as a Float64 MLP (2d → … → 1, weights copied) from @phaseflow/nn64, for batched
   * rollouts ({@link rolloutHamiltonianBatch}) and reverse-mode checks.
   *
   * @example
   * ```ts
   * const paths = rolloutHamiltonianBatch(hnn.toMlp64(), initials, { dt: 0.1, steps: 300 });
   * ```
   */
  toMlp64(): Mlp64 {
    if (!this.built) invalid('layer', 'a built layer (call or fit it first)', 'an unbuilt HamiltonianNN', 'INVALID_STATE');
    const theta = new Float64Array(this.hWeights.reduce((n, w) => n + w.read().size, 0));
    let off = 0;
    for (const w of this.hWeights) {
      const v = w.read().dataSync();
      theta.set(v, off);
      off += v.length;
    }
    return createMlp64({ sizes: [this.dim, ...this.hidden, 1], activation: this.activationName, theta });
  }

  /**
   * The layer on the float32 engine of @phaseflow/nn64 (weights copied): nn64's
   * `createGradientField32` of H_θ with `symplectic: true`, x ↦ J∇H_θ(x) with its θ-gradient
   * written out (double backprop), θ in the order of `trainableWeights`. What
   * @phaseflow/nn64/tfjs's `createEngineTrainer` trains. `options.threads: 2` splits the field's
   * large products with a helper thread (bit for bit the one-thread field; see nn64's
   * createWorkspace32), as `createEngineTrainer({ threads: 2 })` asks.
   *
   * @example
   * ```ts
   * const field = hnn.toTrainable32(); field.forward({ x: Float32Array.of(1, 0), rows: 1, cols: 2 });
   * ```
   */
  toTrainable32(options?: Twin32Options): GradientField32 {
    const o = checkOptions('options', options, ['threads']);
    if (!this.built) invalid('layer', 'a built layer (call or fit it first)', 'an unbuilt HamiltonianNN', 'INVALID_STATE');
    const theta = Float32Array.from(this.toMlp64().theta);
    return createGradientField32({
      sizes: [this.dim, ...this.hidden, 1],
      activation: this.activationName,
      symplectic: true,
      theta,
      ...(o.threads !== undefined && { threads: o.threads }),
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), hidden: this.hidden, activation: this.activationName, seed: this.seed, engine: this.engine };
  }
}

registerPhaseflowLayer(HamiltonianNN);
