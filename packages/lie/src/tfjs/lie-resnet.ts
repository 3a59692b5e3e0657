/**
 * LieResNetBlock: the Lie-group ResNet of the main entry ({@link createLieResNet}) as a float32
 * TensorFlow.js layer. Features are a batch of rotations [B, n, n]; each layer is a Lie–Euler
 * or RKMK step exp(h·A_θ(Y))·Y, trained by tf's autodiff.
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, checkOneOf, checkOptions, checkPositive, invalid } from '@phaseflow/core';
import { PhaseflowLayer, asTensor, type LayerArgs, type Weight } from '@phaseflow/tfjs';
import { createLieResNet, LIE_RESNET_METHODS, type LieResNet, type LieResNetMethod } from '../resnet.js';
import { DEXPINV_COEFFICIENTS, createLieEuler, createRkmk2, createRkmk3, createRkmk4, type RkmkIntegrator } from '../methods/rkmk.js';

/** Configuration of {@link LieResNetBlock} (also what `getConfig` returns). */
export interface LieResNetBlockArgs extends LayerArgs {
  /** Layers L (steps), ≥ 1. */
  depth: number;
  /** Hidden width of the vector field A_θ (default 16). */
  hidden?: number;
  /** T: the step is h = T/L (default 1). */
  finalTime?: number;
  /** `lie-euler` (default), `rkmk2`, `rkmk3`, `rkmk4`, or `euclidean` (Y + h·A_θ(Y)·Y, leaves the group). */
  method?: LieResNetMethod;
  /** One θ for every layer (default false). */
  sharedWeights?: boolean;
  /** Scale of the initial output kernel K₂ (default 1). */
  gain?: number;
  /** Seed of the initial θ: the same numbers as `createLieResNet` with this seed (default 0). */
  seed?: number;
}

const KNOWN = [
  'depth',
  'hidden',
  'finalTime',
  'method',
  'sharedWeights',
  'gain',
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

const STEPS: Record<Exclude<LieResNetMethod, 'euclidean'>, () => RkmkIntegrator> = {
  'lie-euler': createLieEuler,
  rkmk2: createRkmk2,
  rkmk3: createRkmk3,
  rkmk4: createRkmk4,
};

const TAYLOR_DEGREE = 10;

/**
 * expm of a batch of matrices [B, n, n] in float32: one scaling 2ˢ for the batch (the largest
 * ‖A_b‖₁ ≤ 2ˢ, read back), a degree-10 Taylor polynomial by Horner, s squarings.
 */
function expmBatch(a: tf.Tensor3D, eye: tf.Tensor2D): tf.Tensor3D {
  const norm = tf.tidy(() => tf.max(tf.sum(tf.abs(a), 1))).arraySync() as number;
  const s = norm > 1 ? Math.ceil(Math.log2(norm)) : 0;
  return tf.tidy(() => {
    const b = s > 0 ? tf.mul(a, 2 ** -s) : a;
    let p = tf.add(eye, tf.mul(b, 1 / TAYLOR_DEGREE)) as tf.Tensor3D;
    for (let k = TAYLOR_DEGREE - 1; k >= 1; k--) p = tf.add(eye, tf.mul(tf.matMul(b, p), 1 / k));
    for (let i = 0; i < s; i++) p = tf.matMul(p, p);
    return p;
  });
}

/**
 * A residual block whose features evolve on SO(n): input and output are batches of rotations
 * [B, n, n]. Layer l is one step of size h = T/L of Y' = A_θ(Y)·Y with
 * A_θ(Y) = hat(K₂·tanh(K₁·vec(Y) + b₁) + b₂) ∈ so(n): Lie–Euler Y ← exp(h·A_θ_l(Y))·Y by default,
 * or an RKMK step (dexp⁻¹ truncated after p − 2 commutators, here in matrix form
 * [U, W] = UW − WU), so the features stay orthogonal to float32 rounding through the depth
 * (Celledoni et al., Structure-preserving deep learning, Eur. J. Appl. Math. 32 (2021);
 * Munthe-Kaas 1998). The exponential is scaling and squaring of a degree-10 Taylor
 * polynomial, batched; tf's autodiff runs the backward pass. `euclidean` is the plain residual
 * step Y + h·A_θ(Y)·Y of the same network, which drifts off the group.
 *
 * Weights (float32): `k1` [L, hidden, n²], `b1` [L, hidden], `k2` [L, d, hidden], `b2` [L, d],
 * d = n(n−1)/2 (one layer when `sharedWeights`), the layout and initial values of
 * `createLieResNet` with the same options; {@link LieResNetBlock.reference} is that Float64
 * network at the current weights. Saves and loads as `PhaseflowLieResNetBlock`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { LieResNetBlock } from '@phaseflow/lie/tfjs';
 * const model = tf.sequential({ layers: [new LieResNetBlock({ depth: 8, hidden: 16, method: 'rkmk2', inputShape: [3, 3] })] });
 * const Y = model.predict(tf.eye(3).expandDims(0)); // [1, 3, 3], a rotation
 * ```
 */
export class LieResNetBlock extends PhaseflowLayer {
  static override className = 'PhaseflowLieResNetBlock';
  readonly depth: number;
  readonly hidden: number;
  readonly finalTime: number;
  readonly method: LieResNetMethod;
  readonly sharedWeights: boolean;
  readonly gain: number;
  readonly seed: number;
  private n = 0;
  private float64: LieResNet | undefined;
  private k1: Weight | undefined;
  private b1: Weight | undefined;
  private k2: Weight | undefined;
  private b2: Weight | undefined;

  constructor(args: LieResNetBlockArgs) {
    if (args === undefined || args === null) invalid('args', 'an options object with depth', args);
    const o = checkOptions('args', args, KNOWN);
    super(args);
    this.depth = checkInteger('args.depth', o.depth, { min: 1 });
    this.hidden = o.hidden === undefined ? 16 : checkInteger('args.hidden', o.hidden, { min: 1 });
    this.finalTime = o.finalTime === undefined ? 1 : checkPositive('args.finalTime', o.finalTime);
    if (!Number.isFinite(this.finalTime)) invalid('args.finalTime', 'a finite positive time', this.finalTime, 'NON_FINITE_INPUT');
    this.method = o.method === undefined ? 'lie-euler' : checkOneOf<LieResNetMethod>('args.method', o.method, LIE_RESNET_METHODS);
    if (o.sharedWeights !== undefined && typeof o.sharedWeights !== 'boolean') invalid('args.sharedWeights', 'a boolean', o.sharedWeights);
    this.sharedWeights = o.sharedWeights ?? false;
    this.gain = o.gain === undefined ? 1 : checkPositive('args.gain', o.gain);
    this.seed = o.seed === undefined ? 0 : checkInteger('args.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  }

  /** The step size h = T/L. */
  get h(): number {
    return this.finalTime / this.depth;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const n = shape[shape.length - 1];
    if (shape.length !== 3 || typeof n !== 'number' || shape[1] !== n || n < 2) {
      invalid('inputShape', 'a batch of n×n rotations [batch, n, n], n ≥ 2', `[${shape.map(String).join(', ')}]`, 'SHAPE_MISMATCH');
    }
    this.n = n;
    this.float64 = createLieResNet({
      n,
      depth: this.depth,
      hidden: this.hidden,
      finalTime: this.finalTime,
      method: this.method,
      sharedWeights: this.sharedWeights,
      gain: this.gain,
      seed: this.seed,
      tolerance: 1e-5,
    });
    const L = this.sharedWeights ? 1 : this.depth;
    const d = (n * (n - 1)) / 2;
    const zeros = tf.initializers.zeros();
    this.k1 = this.addWeight('k1', [L, this.hidden, n * n], 'float32', zeros);
    this.b1 = this.addWeight('b1', [L, this.hidden], 'float32', zeros);
    this.k2 = this.addWeight('k2', [L, d, this.hidden], 'float32', zeros);
    this.b2 = this.addWeight('b2', [L, d], 'float32', zeros);
    this.writeTheta(this.float64.theta);
    this.built = true;
  }

  /** The four weights' slices of one layer's block [K₁, b₁, K₂, b₂] of the Float64 θ. */
  private split(): [number, number, number, number] {
    const n = this.n,
      d = (n * (n - 1)) / 2;
    return [this.hidden * n * n, this.hidden, d * this.hidden, d];
  }

  private writeTheta(theta: Float64Array): void {
    const sizes = this.split();
    const per = sizes.reduce((a, b) => a + b, 0);
    const L = theta.length / per;
    const parts = sizes.map((s) => new Float32Array(L * s));
    for (let l = 0; l < L; l++) {
      let at = l * per;
      sizes.forEach((s, w) => {
        parts[w]!.set(theta.subarray(at, at + s), l * s);
        at += s;
      });
    }
    const weights = [this.k1!, this.b1!, this.k2!, this.b2!];
    tf.tidy(() => weights.forEach((w, i) => w.write(tf.tensor(parts[i]!, w.shape as number[]))));
  }

  /**
   * The Float64 network (`createLieResNet`, same options) holding the current weights: the
   * reference of this layer, with its `vjp`, `trajectory` and checked inputs (membership
   * tolerance 1e-5, so that float32 rotations read back from tensors pass).
   */
  reference(): LieResNet {
    if (!this.built || !this.float64) invalid('layer', 'a built layer (call it once first)', 'an unbuilt layer', 'INVALID_STATE');
    const sizes = this.split();
    const per = sizes.reduce((a, b) => a + b, 0);
    const values = [this.k1!, this.b1!, this.k2!, this.b2!].map((w) => tf.tidy(() => w.read().dataSync()));
    const theta = new Float64Array(this.float64.parameters.size);
    const L = theta.length / per;
    for (let l = 0; l < L; l++) {
      let at = l * per;
      sizes.forEach((s, w) => {
        for (let i = 0; i < s; i++) theta[at + i] = values[w]![l * s + i]!;
        at += s;
      });
    }
    this.float64.parameters.set(theta);
    return this.float64;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = asTensor(inputs) as tf.Tensor3D;
      const n = this.n,
        nn = n * n;
      const group = this.float64!.group;
      const d = group.dim;
      // hat as a product with the basis matrices: ξ·basis is vec(hat ξ) (differentiable on every backend).
      const basisValues = new Float32Array(d * nn);
      const e = new Float64Array(d);
      for (let k = 0; k < d; k++) {
        e.fill(0);
        e[k] = 1;
        basisValues.set(group.hat(e), k * nn);
      }
      const basis = tf.tensor2d(basisValues, [d, nn]);
      const eye = tf.eye(n);
      const [k1s, b1s, k2s, b2s] = [this.k1!, this.b1!, this.k2!, this.b2!].map((w) => tf.unstack(w.read()));
      const h = this.h;
      const field = (l: number, y: tf.Tensor3D): tf.Tensor3D => {
        const w = this.sharedWeights ? 0 : l;
        const a = tf.tanh(tf.add(tf.matMul(tf.reshape(y, [-1, nn]), k1s[w] as tf.Tensor2D, false, true), b1s[w]!));
        const xi = tf.add(tf.matMul(a, k2s[w] as tf.Tensor2D, false, true), b2s[w]!);
        return tf.reshape(tf.matMul(xi, basis), [-1, n, n]);
      };
      let y = x;
      if (this.method === 'euclidean') {
        for (let l = 0; l < this.depth; l++) y = tf.add(y, tf.mul(tf.matMul(field(l, y), y), h));
        return y;
      }
      const rkmk = STEPS[this.method]();
      const t = rkmk.tableau;
      let s = t.b.length;
      while (s > 1 && t.b[s - 1] === 0) s--;
      const q = rkmk.truncation;
      for (let l = 0; l < this.depth; l++) {
        const ks: tf.Tensor3D[] = [];
        for (let i = 0; i < s; i++) {
          const row = t.a[i]!;
          let u: tf.Tensor3D | undefined;
          for (let j = 0; j < i; j++) {
            const c = row[j] ?? 0;
            if (c !== 0) u = u ? tf.add<tf.Tensor3D>(u, tf.mul(ks[j]!, h * c)) : tf.mul<tf.Tensor3D>(ks[j]!, h * c);
          }
          const f = field(l, u ? tf.matMul(expmBatch(u, eye), y) : y);
          let k = f;
          if (u && q > 0) {
            let w = f;
            for (let m = 1; m <= q; m++) {
              w = tf.sub(tf.matMul(u, w), tf.matMul(w, u));
              const c = DEXPINV_COEFFICIENTS[m]!;
              if (c !== 0) k = tf.add(k, tf.mul(w, c));
            }
          }
          ks.push(k);
        }
        let v: tf.Tensor3D | undefined;
        for (let i = 0; i < s; i++) {
          const c = t.b[i]!;
          if (c !== 0) v = v ? tf.add<tf.Tensor3D>(v, tf.mul(ks[i]!, h * c)) : tf.mul<tf.Tensor3D>(ks[i]!, h * c);
        }
        y = tf.matMul(expmBatch(v!, eye), y);
      }
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      depth: this.depth,
      hidden: this.hidden,
      finalTime: this.finalTime,
      method: this.method,
      sharedWeights: this.sharedWeights,
      gain: this.gain,
      seed: this.seed,
    };
  }
}
