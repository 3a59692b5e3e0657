/**
 * SympNets (Jin, Zhang, Zhu, Tang & Karniadakis, "SympNets: Intrinsic structure-preserving
 * symplectic networks for identifying Hamiltonian systems", Neural Networks 132, 2020): maps
 * (q, p) ↦ (q', p') built only from symplectic shears, so every network is symplectic by
 * construction. This file registers the layer class with tf.serialization when loaded (listed
 * in the package's `sideEffects`).
 */
import * as tf from '@tensorflow/tfjs';
import { PhaseflowError, checkFiniteArray, checkInteger, checkOneOf, checkOptions, createRandom, invalid } from '@phaseflow/core';
import { ENGINE_CHOICES, activations, type EngineChoice, type Trainable32, type Twin32Options } from '@phaseflow/nn64';
import {
  PhaseflowLayer,
  SMOOTH_ACTIVATIONS,
  activation,
  asTensor,
  registerPhaseflowLayer,
  type LayerArgs,
  type SmoothActivation,
  type Weight,
} from '@phaseflow/tfjs';
import { stateShape } from './checks.js';
import { createSympNet32 } from './sympnet32.js';

/** `LA`: linear + activation modules; `G`: gradient modules. */
export type SympNetKind = 'LA' | 'G';

/** Options of {@link SympNet} (also what `getConfig` returns). */
export interface SympNetArgs extends LayerArgs {
  /** Module family (default `G`). */
  kind?: SympNetKind;
  /** Number of modules (LA: linear+activation pairs; G: gradient modules), default 4. */
  layers?: number;
  /** LA: symmetric shears per linear module (default 2). */
  sublayers?: number;
  /** G: width w of each gradient module (default 16). */
  width?: number;
  /** σ (default `sigmoid`, as in the paper). */
  activation?: SmoothActivation;
  /** Seed of the N(0, 0.1²) initialisation (default 0). */
  seed?: number;
  /**
   * The engine that trains it through @phaseflow/nn64/tfjs's `createEngineTrainer` (default
   * `auto`: the float32 engine of @phaseflow/nn64, see nn64's `chooseEngine`; `tfjs` for tensor
   * ops). The layer's own `call` is tfjs either way.
   */
  engine?: EngineChoice;
}

const KEYS = [
  'kind',
  'layers',
  'sublayers',
  'width',
  'activation',
  'seed',
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
const sym = (A: tf.Tensor) => tf.add(A, tf.transpose(A));

/**
 * A SympNet layer on states (q, p) [B, 2d] → [B, 2d], composed of shears that each change q
 * only from p or p only from q (alternately, "up" and "low" modules):
 *
 * - linear module: p ← p + S q or q ← q + S p with S = A + Aᵀ symmetric, `sublayers` times, then + b;
 * - activation module: p ← p + diag(a) σ(q) (or q ← q + diag(a) σ(p));
 * - gradient module: p ← p + Kᵀ diag(a) σ(K q + b) (or the same on q), K ∈ ℝ^{w×d}.
 *
 * Each shear is the exact flow of a Hamiltonian in one variable, hence symplectic: the Jacobian
 * M of the whole map satisfies MᵀJM = J for every θ (Jin et al. 2020, Thms. 1–2). LA-SympNets
 * alternate linear and activation modules (and end with a linear one); G-SympNets alternate
 * up/low gradient modules. Train on pairs (y(t), y(t + Δt)) with an MSE loss; iterate to
 * predict. {@link SympNet.toFloat64} is the Float64 map (for MᵀJM = J checks).
 *
 * @example
 * ```ts
 * const net = new SympNet({ kind: 'G', layers: 4, width: 16 });
 * await createGradientTrainer({ loss: 'mse', epochs: 200 }).fit(net, { x: yNow, y: yNext });
 * ```
 */
export class SympNet extends PhaseflowLayer {
  static override className = 'PhaseflowSympNet';
  readonly kind: SympNetKind;
  readonly layersCount: number;
  readonly sublayers: number;
  readonly width: number;
  readonly activationName: SmoothActivation;
  readonly seed: number;
  readonly engine: EngineChoice;
  private ws: Weight[] = [];
  private d = 0;

  constructor(args: SympNetArgs = {}) {
    const o = checkOptions('args', args, KEYS);
    super(args);
    // tfjs lower-cases some config strings on save, so the kind is read case-insensitively.
    this.kind = o.kind === undefined ? 'G' : checkOneOf('args.kind', typeof o.kind === 'string' ? o.kind.toUpperCase() : o.kind, ['LA', 'G'] as const);
    this.layersCount = o.layers === undefined ? 4 : checkInteger('args.layers', o.layers, { min: 1 });
    this.sublayers = o.sublayers === undefined ? 2 : checkInteger('args.sublayers', o.sublayers, { min: 1 });
    this.width = o.width === undefined ? 16 : checkInteger('args.width', o.width, { min: 1 });
    this.activationName = o.activation === undefined ? 'sigmoid' : checkOneOf('args.activation', o.activation, SMOOTH_ACTIVATIONS);
    this.seed = o.seed === undefined ? 0 : checkInteger('args.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
    this.engine = o.engine === undefined ? 'auto' : checkOneOf('args.engine', o.engine, ENGINE_CHOICES);
  }

  /** Weight shapes in order. */
  private shapes(d: number): { name: string; shape: number[] }[] {
    const out: { name: string; shape: number[] }[] = [];
    const linear = (i: number) => {
      for (let s = 0; s < this.sublayers; s++) out.push({ name: `lin${i}_A${s}`, shape: [d, d] });
      out.push({ name: `lin${i}_b`, shape: [2 * d] });
    };
    for (let i = 0; i < this.layersCount; i++) {
      if (this.kind === 'LA') {
        linear(i);
        out.push({ name: `act${i}_a`, shape: [d] });
      } else out.push({ name: `grad${i}_K`, shape: [d, this.width] }, { name: `grad${i}_a`, shape: [this.width] }, { name: `grad${i}_b`, shape: [this.width] });
    }
    if (this.kind === 'LA') linear(this.layersCount);
    return out;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const n = stateShape('inputShape', inputShape)[1]!;
    this.d = n / 2;
    const rng = createRandom(this.seed);
    this.ws = this.shapes(this.d).map(({ name, shape: s }) => {
      const size = s.reduce((a, b) => a * b, 1);
      const values = name.endsWith('_b') ? new Float64Array(size) : rng.fillNormal(new Float64Array(size), 0, 0.1);
      const w = this.addWeight(name, s, 'float32', tf.initializers.zeros());
      tf.tidy(() => {
        w.write(tf.tensor(Float32Array.from(values), s));
      });
      return w;
    });
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return stateShape('inputShape', inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = asTensor(inputs);
      if (x.rank !== 2 || x.shape[1] !== 2 * this.d) {
        throw new PhaseflowError('SHAPE_MISMATCH', `inputs: expected [batch, ${2 * this.d}], received [${x.shape.join(', ')}]`, {
          argument: 'inputs',
          expected: `[batch, ${2 * this.d}]`,
          received: `[${x.shape.join(', ')}]`,
        });
      }
      let [q, p] = tf.split(x, 2, 1) as [tf.Tensor, tf.Tensor];
      const w = this.ws.map((v) => v.read());
      const sigma = activation(this.activationName, 'args.activation');
      let k = 0;
      let up = true;
      const linear = () => {
        for (let s = 0; s < this.sublayers; s++) {
          const S = sym(w[k++]!);
          if (s % 2 === 0) p = tf.add(p, tf.matMul(q, S));
          else q = tf.add(q, tf.matMul(p, S));
        }
        const [bq, bp] = tf.split(w[k++]!, 2) as [tf.Tensor, tf.Tensor];
        q = tf.add(q, bq);
        p = tf.add(p, bp);
      };
      for (let i = 0; i < this.layersCount; i++) {
        if (this.kind === 'LA') {
          linear();
          const a = w[k++]!;
          if (up) p = tf.add(p, tf.mul(a, sigma(q)));
          else q = tf.add(q, tf.mul(a, sigma(p)));
        } else {
          const Kt = w[k++]!,
            a = w[k++]!,
            b = w[k++]!;
          const src = up ? q : p;
          const z = tf.mul(sigma(tf.add(tf.matMul(src, Kt), b)), a);
          const delta = tf.matMul(z, Kt, false, true);
          if (up) p = tf.add(p, delta);
          else q = tf.add(q, delta);
        }
        up = !up;
      }
      if (this.kind === 'LA') linear();
      return tf.concat([q, p], 1);
    });
  }

  /**
   * The same map in Float64 (weights copied): (q, p) ↦ (q', p') for one state of 2d numbers.
   *
   * @example
   * ```ts
   * const M = jacobian(net.toFloat64(), Float64Array.of(0.3, -0.2)); symplecticDefect(M); // ~1e-12
   * ```
   */
  toFloat64(): (y: Float64Array) => Float64Array {
    if (!this.built) invalid('layer', 'a built layer (call or fit it first)', 'an unbuilt SympNet', 'INVALID_STATE');
    const d = this.d;
    const w = this.ws.map((v) => Float64Array.from(v.read().dataSync()));
    const sigma = activations[this.activationName].f;
    return (y: Float64Array) => {
      checkFiniteArray('y', y);
      if (y.length !== 2 * d) invalid('y', `a state of ${2 * d} numbers`, y, 'SHAPE_MISMATCH');
      const q = y.slice(0, d),
        p = y.slice(d);
      let k = 0;
      let up = true;
      const shearSym = (A: Float64Array, from: Float64Array, to: Float64Array) => {
        const add = new Float64Array(d);
        for (let j = 0; j < d; j++) for (let i = 0; i < d; i++) add[j] += from[i]! * (A[i * d + j]! + A[j * d + i]!);
        for (let j = 0; j < d; j++) to[j] += add[j]!;
      };
      const linear = () => {
        for (let s = 0; s < this.sublayers; s++) {
          if (s % 2 === 0) shearSym(w[k++]!, q, p);
          else shearSym(w[k++]!, p, q);
        }
        const b = w[k++]!;
        for (let j = 0; j < d; j++) {
          q[j] += b[j]!;
          p[j] += b[d + j]!;
        }
      };
      for (let i = 0; i < this.layersCount; i++) {
        if (this.kind === 'LA') {
          linear();
          const a = w[k++]!;
          const from = up ? q : p,
            to = up ? p : q;
          const s = from.map(sigma);
          for (let j = 0; j < d; j++) to[j] += a[j]! * s[j]!;
        } else {
          const Kt = w[k++]!,
            a = w[k++]!,
            b = w[k++]!;
          const W = this.width;
          const from = up ? q : p,
            to = up ? p : q;
          const z = new Float64Array(W);
          for (let m = 0; m < W; m++) {
            let s = b[m]!;
            for (let j = 0; j < d; j++) s += from[j]! * Kt[j * W + m]!;
            z[m] = a[m]! * sigma(s);
          }
          for (let j = 0; j < d; j++) {
            let s = 0;
            for (let m = 0; m < W; m++) s += Kt[j * W + m]! * z[m]!;
            to[j] += s;
          }
        }
        up = !up;
      }
      if (this.kind === 'LA') linear();
      const out = new Float64Array(2 * d);
      out.set(q, 0);
      out.set(p, d);
      return out;
    };
  }

  /**
   * The same map on the float32 engine of @phaseflow/nn64 (weights copied, θ in the order of
   * `trainableWeights`): the shears with their reverse pass written out, as a `Trainable32`,
   * in plain typed-array loops (the states have 2d numbers). What @phaseflow/nn64/tfjs's
   * `createEngineTrainer` trains. `options.threads` is accepted and checked (1 or 2); the shears'
   * products are too small for a second thread, so the twin runs on one (`threads: 1`).
   *
   * @example
   * ```ts
   * const twin = net.toTrainable32(); twin.forwardTape(Float32Array.of(0.3, -0.2), 1);
   * ```
   */
  toTrainable32(options?: Twin32Options): Trainable32 {
    const o = checkOptions('options', options, ['threads']);
    if (o.threads !== undefined) checkOneOf('options.threads', o.threads, [1, 2] as const);
    if (!this.built) invalid('layer', 'a built layer (call or fit it first)', 'an unbuilt SympNet', 'INVALID_STATE');
    const theta = new Float32Array(this.ws.reduce((n, w) => n + w.read().size, 0));
    let off = 0;
    for (const w of this.ws) {
      const v = w.read().dataSync();
      theta.set(v, off);
      off += v.length;
    }
    return createSympNet32({
      kind: this.kind,
      layers: this.layersCount,
      sublayers: this.sublayers,
      width: this.width,
      activation: this.activationName,
      d: this.d,
      theta,
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      engine: this.engine,
      kind: this.kind,
      layers: this.layersCount,
      sublayers: this.sublayers,
      width: this.width,
      activation: this.activationName,
      seed: this.seed,
    };
  }
}

registerPhaseflowLayer(SympNet);
