/**
 * Hamiltonian neural networks (Greydanus, Dzamba & Yosinski, NeurIPS 2019): a network learns a
 * scalar H_θ(q, p) whose symplectic gradient (∂H/∂p, −∂H/∂q) matches observed time
 * derivatives; predictions are rolled out with a symplectic integrator. This file registers
 * the layer class with tf.serialization when loaded (listed in the package's `sideEffects`).
 */
import * as tf from '@tensorflow/tfjs';
import {
  PhaseflowError,
  checkFiniteArray,
  checkInteger,
  checkOneOf,
  checkOptions,
  checkPositive,
  hamiltonianProblem,
  integrate,
  invalid,
  odeProblem,
  type AnyIntegrator,
  type PhaseState,
} from '@phaseflow/core';
import { PhaseflowLayer, asTensor, registerPhaseflowLayer, type LayerArgs, type Weight } from '@phaseflow/tfjs';
import { createGaussLegendre4 } from '@phaseflow/symplectic';
import { rk4 } from '@phaseflow/runge-kutta';
import { checkWidths, createMlp64, mlpInitialValues, mlpInputGradientTensor, mlpTensor, mlpWeightShapes, type Mlp64, type MlpActivation } from './mlp.js';

/** Options of {@link HamiltonianNN} (also what `getConfig` returns). */
export interface HamiltonianNNArgs extends LayerArgs {
  /** Hidden widths of H_θ's MLP (default [64, 64]). */
  hidden?: number[];
  /** Hidden activation (default `tanh`; must be twice differentiable). */
  activation?: MlpActivation;
  /** Seed of the Glorot-uniform initialisation (default 0). */
  seed?: number;
}

const KEYS = ['hidden', 'activation', 'seed', 'inputShape', 'batchInputShape', 'batchSize', 'dtype', 'name', 'trainable', 'weights', 'inputDType'];

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
  readonly activationName: MlpActivation;
  readonly seed: number;
  private hWeights: Weight[] = [];
  private dim = 0;

  constructor(args: HamiltonianNNArgs = {}) {
    const o = checkOptions('args', args, KEYS);
    super(args);
    this.hidden = o.hidden === undefined ? [64, 64] : checkWidths('args.hidden', [1, ...o.hidden]).slice(1);
    this.activationName = o.activation === undefined ? 'tanh' : checkOneOf('args.activation', o.activation, ['tanh', 'softplus', 'sigmoid'] as const);
    this.seed = o.seed === undefined ? 0 : checkInteger('args.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const d = shape[shape.length - 1];
    if (typeof d !== 'number' || d % 2 !== 0 || shape.length !== 2) invalid('inputShape', 'a state batch [batch, 2d] (q then p)', `[${shape.join(', ')}]`, 'SHAPE_MISMATCH');
    this.dim = d;
    const widths = [d, ...this.hidden, 1];
    const values = mlpInitialValues(widths, this.seed);
    this.hWeights = mlpWeightShapes(widths).map((s, i) => {
      const w = this.addWeight(`H_${i % 2 === 0 ? 'kernel' : 'bias'}${i >> 1}`, s, 'float32', tf.initializers.zeros());
      tf.tidy(() => {
        w.write(tf.tensor(Float32Array.from(values[i]!), s));
      });
      return w;
    });
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
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
      const { grad } = mlpInputGradientTensor(x, this.hWeights.map((w) => w.read()), this.activationName);
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
    if (!this.built) this.forward(x).dispose();
    this.check(x, 'x');
    return tf.tidy(() => tf.reshape(mlpTensor(x, this.hWeights.map((w) => w.read()), this.activationName), [-1]));
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
    const widths = [this.dim, ...this.hidden, 1];
    const mlp = createMlp64(widths, this.hWeights.map((w) => Float64Array.from(w.read().dataSync())), this.activationName);
    const d = this.dim / 2;
    const dim = this.dim;
    const vec = (y: ArrayLike<number>) => {
      if (y.length !== dim) invalid('y', `a state of ${dim} numbers`, y, 'SHAPE_MISMATCH');
      return Float64Array.from(y);
    };
    return {
      degrees: d,
      energy: (y) => mlp.forward(vec(y), 1)[0]!,
      gradient: (y) => mlp.inputGradient(vec(y), 1),
      vectorField(y, out = new Float64Array(dim)) {
        const g = mlp.inputGradient(vec(y), 1);
        for (let i = 0; i < d; i++) {
          out[i] = g[d + i]!;
          out[d + i] = -g[i]!;
        }
        return out;
      },
    };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), hidden: this.hidden, activation: this.activationName, seed: this.seed };
  }
}

registerPhaseflowLayer(HamiltonianNN);

/** Options of {@link rolloutHamiltonian} and {@link rolloutVectorField}. */
export interface RolloutOptions {
  /** Time between saved states. */
  readonly dt: number;
  /** Number of saved steps (the result has steps + 1 states). */
  readonly steps: number;
  /** Integrator substeps per dt (default 1). */
  readonly substeps?: number;
  /** The integrator (default: Gauss–Legendre 4 for Hamiltonians, rk4 for vector fields). */
  readonly integrator?: AnyIntegrator;
}

function rolloutOptions(options: RolloutOptions) {
  const o = checkOptions('options', options, ['dt', 'steps', 'substeps', 'integrator']);
  const dt = checkPositive('options.dt', o.dt);
  const steps = checkInteger('options.steps', o.steps, { min: 1 });
  const substeps = o.substeps === undefined ? 1 : checkInteger('options.substeps', o.substeps, { min: 1 });
  return { dt, steps, substeps, integrator: o.integrator };
}

/**
 * Roll out a (learned) Hamiltonian from y0 with a symplectic integrator from
 * @phaseflow/symplectic — Gauss–Legendre 4 by default, which works for non-separable H — as a
 * core `hamiltonian` problem: q' = ∂H/∂p, p' = −∂H/∂q. Returns (steps + 1) × 2d numbers.
 *
 * @example
 * ```ts
 * const path = rolloutHamiltonian(hnn.toFloat64(), Float64Array.of(1, 0), { dt: 0.1, steps: 300 });
 * ```
 */
export function rolloutHamiltonian(H: Hamiltonian64, y0: ArrayLike<number>, options: RolloutOptions): Float64Array {
  if (H === null || typeof H !== 'object' || typeof H.gradient !== 'function') invalid('H', 'a Hamiltonian64 (hnn.toFloat64())', H);
  const o = rolloutOptions(options);
  const d = H.degrees;
  checkFiniteArray('y0', y0);
  if (y0.length !== 2 * d) invalid('y0', `a state of ${2 * d} numbers`, y0, 'SHAPE_MISMATCH');
  const y = new Float64Array(2 * d);
  const join = (q: Float64Array, p: Float64Array) => (y.set(q, 0), y.set(p, d), y);
  const problem = hamiltonianProblem({
    dHdq: (q, p, out = new Float64Array(d)) => (out.set(H.gradient(join(q, p)).subarray(0, d)), out),
    dHdp: (q, p, out = new Float64Array(d)) => (out.set(H.gradient(join(q, p)).subarray(d)), out),
    H: (q, p) => H.energy(join(q, p)),
  });
  const integrator = (o.integrator ?? createGaussLegendre4()) as never;
  const start: PhaseState<Float64Array> = { q: Float64Array.from(y0).subarray(0, d).slice(), p: Float64Array.from(y0).subarray(d).slice() };
  const sol = integrate(integrator, problem as never, start as never, { tEnd: o.dt * o.steps, steps: o.steps * o.substeps, save: { every: o.substeps } });
  const out = new Float64Array((o.steps + 1) * 2 * d);
  (sol.y as unknown as PhaseState<Float64Array>[]).forEach((s, i) => {
    out.set(s.q, i * 2 * d);
    out.set(s.p, i * 2 * d + d);
  });
  return out;
}

/**
 * Roll out a (learned) vector field ẏ = f(y) — the baseline model of the HNN paper — with
 * rk4 (or the given integrator). Returns (steps + 1) × n numbers.
 *
 * @example
 * ```ts
 * const path = rolloutVectorField((y) => mlp64(y), Float64Array.of(1, 0), { dt: 0.1, steps: 300 });
 * ```
 */
export function rolloutVectorField(f: (y: Float64Array) => Float64Array, y0: ArrayLike<number>, options: RolloutOptions): Float64Array {
  if (typeof f !== 'function') invalid('f', 'a function y → dy/dt', f);
  const o = rolloutOptions(options);
  const y = Float64Array.from(checkFiniteArray('y0', y0));
  const n = y.length;
  const problem = odeProblem((_t, s, out = new Float64Array(n)) => (out.set(f(s)), out));
  const integrator = (o.integrator ?? rk4()) as never;
  const sol = integrate(integrator, problem as never, y as never, { tEnd: o.dt * o.steps, steps: o.steps * o.substeps, save: { every: o.substeps } });
  const out = new Float64Array((o.steps + 1) * n);
  (sol.y as unknown as Float64Array[]).forEach((s, i) => out.set(s, i * n));
  return out;
}

/**
 * @internal Roll out B states at once under a learned scalar H (an MLP of width 2d → … → 1):
 * the flow of Σ_b H(q_b, p_b) moves every state independently, so one Gauss–Legendre 4 run on
 * the stacked state (all q's, then all p's) gives the B symplectic rollouts with one batched
 * gradient per stage evaluation (∂H/∂q and ∂H/∂p share it). Returns B paths of (steps + 1) × 2d.
 */
export function rolloutHamiltonianBatch(mlp: Mlp64, y0s: readonly ArrayLike<number>[], options: RolloutOptions): Float64Array[] {
  const o = rolloutOptions(options);
  const dim = mlp.widths[0]!;
  const d = dim / 2;
  const B = y0s.length;
  const x = new Float64Array(B * dim);
  const lastQ = new Float64Array(B * d).fill(NaN), lastP = new Float64Array(B * d).fill(NaN);
  let grad: Float64Array = new Float64Array(B * dim);
  const gradientAt = (q: Float64Array, p: Float64Array): Float64Array => {
    let same = true;
    for (let i = 0; same && i < B * d; i++) same = q[i] === lastQ[i] && p[i] === lastP[i];
    if (same) return grad;
    lastQ.set(q);
    lastP.set(p);
    for (let b = 0; b < B; b++) {
      x.set(q.subarray(b * d, (b + 1) * d), b * dim);
      x.set(p.subarray(b * d, (b + 1) * d), b * dim + d);
    }
    grad = mlp.inputGradient(x, B);
    return grad;
  };
  const part = (g: Float64Array, offset: number, out: Float64Array) => {
    for (let b = 0; b < B; b++) for (let i = 0; i < d; i++) out[b * d + i] = g[b * dim + offset + i]!;
    return out;
  };
  const problem = hamiltonianProblem({
    dHdq: (q, p, out = new Float64Array(B * d)) => part(gradientAt(q, p), 0, out),
    dHdp: (q, p, out = new Float64Array(B * d)) => part(gradientAt(q, p), d, out),
  });
  const start: PhaseState<Float64Array> = { q: new Float64Array(B * d), p: new Float64Array(B * d) };
  y0s.forEach((y0, b) => {
    if (y0.length !== dim) invalid(`y0s[${b}]`, `a state of ${dim} numbers`, y0, 'SHAPE_MISMATCH');
    for (let i = 0; i < d; i++) {
      start.q[b * d + i] = y0[i]!;
      start.p[b * d + i] = y0[d + i]!;
    }
  });
  const integrator = (o.integrator ?? createGaussLegendre4({ tolerance: 1e-10 })) as never;
  const sol = integrate(integrator, problem as never, start as never, { tEnd: o.dt * o.steps, steps: o.steps * o.substeps, save: { every: o.substeps } });
  const paths = y0s.map(() => new Float64Array((o.steps + 1) * dim));
  (sol.y as unknown as PhaseState<Float64Array>[]).forEach((s, k) => {
    for (let b = 0; b < B; b++) {
      paths[b]!.set(s.q.subarray(b * d, (b + 1) * d), k * dim);
      paths[b]!.set(s.p.subarray(b * d, (b + 1) * d), k * dim + d);
    }
  });
  return paths;
}

/** @internal Roll out B states at once under a learned vector field MLP (width n → … → n), rk4 by default. */
export function rolloutVectorFieldBatch(mlp: Mlp64, y0s: readonly ArrayLike<number>[], options: RolloutOptions): Float64Array[] {
  const o = rolloutOptions(options);
  const n = mlp.widths[0]!;
  const B = y0s.length;
  const y = new Float64Array(B * n);
  y0s.forEach((y0, b) => {
    if (y0.length !== n) invalid(`y0s[${b}]`, `a state of ${n} numbers`, y0, 'SHAPE_MISMATCH');
    for (let i = 0; i < n; i++) y[b * n + i] = y0[i]!;
  });
  const problem = odeProblem((_t, s, out = new Float64Array(B * n)) => (out.set(mlp.forward(s, B)), out));
  const integrator = (o.integrator ?? rk4()) as never;
  const sol = integrate(integrator, problem as never, y as never, { tEnd: o.dt * o.steps, steps: o.steps * o.substeps, save: { every: o.substeps } });
  const paths = y0s.map(() => new Float64Array((o.steps + 1) * n));
  (sol.y as unknown as Float64Array[]).forEach((s, k) => {
    for (let b = 0; b < B; b++) paths[b]!.set(s.subarray(b * n, (b + 1) * n), k * n);
  });
  return paths;
}

/**
 * The HNN paper's energy metric: the mean squared difference between the true energy along a
 * predicted trajectory and along the true one, (1/N) Σᵢ (H(ŷᵢ) − H(yᵢ))².
 *
 * @example
 * ```ts
 * energyMse((y) => system.energy(y), predicted, truth, 2);
 * ```
 */
export function energyMse(energy: (y: Float64Array) => number, predicted: ArrayLike<number>, truth: ArrayLike<number>, dim: number): number {
  if (typeof energy !== 'function') invalid('energy', 'a function y → H(y)', energy);
  checkInteger('dim', dim, { min: 1 });
  if (predicted.length !== truth.length || predicted.length % dim !== 0 || predicted.length === 0) {
    throw new PhaseflowError('SHAPE_MISMATCH', `predicted has ${predicted.length} numbers, truth ${truth.length}; both must be N × ${dim}`, {
      argument: 'predicted',
      expected: `${truth.length} numbers`,
      received: `${predicted.length} numbers`,
    });
  }
  const n = predicted.length / dim;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const e = energy(Float64Array.from({ length: dim }, (_, j) => predicted[i * dim + j]!)) - energy(Float64Array.from({ length: dim }, (_, j) => truth[i * dim + j]!));
    s += e * e;
  }
  return s / n;
}
