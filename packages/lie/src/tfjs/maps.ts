/**
 * The three orthogonal parametrisations of @phaseflow/lie (exponential, Cayley, Householder) as
 * float32 TensorFlow.js maps θ ↦ W(θ) that tf's autodiff differentiates, with the same θ
 * layout as the Float64 functions, which are their reference (geotorch's three:
 * Lezcano-Casado 2019).
 *
 * - exponential: W = expm(A), A = hat(ξ), by scaling and squaring a degree-10 Taylor
 *   polynomial (‖A/2ˢ‖₁ ≤ 1, truncation ≤ 1/11! ≈ 2.5e-8, under float32's unit roundoff);
 *   backward by tf's autodiff through the polynomial and the squarings.
 * - Cayley: W = (I − A)⁻¹(I + A); the inverse X = (I − A)⁻¹ by Float64 LU on the host (A read
 *   back once per forward, n² numbers), the product in float32; backward
 *   dL/dA = Xᵀ·G·(W + I)ᵀ by `tf.customGrad`.
 * - Householder: W = H₁⋯H_k, accumulated as k rank-one updates W ← W − (Wvᵢ)(2vᵢ/‖vᵢ‖²)ᵀ.
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, checkOneOf, checkOptions, invalid, type Random } from '@phaseflow/core';
import { luFactor, luSolve } from '@phaseflow/linalg';
import { checkTensor } from '@phaseflow/tfjs';
import { createSO } from '../groups/so-n.js';
import { checkRandom } from '../internal/check.js';
import {
  createCayleyParametrization,
  createExponentialParametrization,
  createHouseholderParametrization,
  type OrthogonalParametrization,
} from '../parametrizations.js';

/** The parametrisations by name. */
export type OrthogonalMapName = 'exponential' | 'cayley' | 'householder';

/** The names accepted wherever a map is chosen. */
export const ORTHOGONAL_MAPS: readonly OrthogonalMapName[] = ['exponential', 'cayley', 'householder'];

/**
 * Initial parameters: `identity` (θ = 0, W = I; exponential and Cayley), `henaff` (W block
 * diagonal with 2×2 rotations by angles uniform in [−π, π], Henaff, Szlam & LeCun 2016; the
 * expRNN initialisation of the copying task; exponential and Cayley), `haar` (W uniform on
 * SO(n): ξ = log Q or the inverse Cayley transform of Q; exponential and Cayley), `random`
 * (Householder vectors with independent standard normal entries, Mhammedi et al. 2017).
 */
export type OrthogonalInit = 'identity' | 'henaff' | 'haar' | 'random';

/** Options of {@link createTensorParametrization}. */
export interface TensorParametrizationOptions {
  /** `exponential`, `cayley` or `householder`. */
  readonly map: OrthogonalMapName;
  /** Order n of W (n×n). */
  readonly n: number;
  /** Householder only: the number k of reflections (default n). */
  readonly reflections?: number;
}

/** A float32 tensor map θ ↦ W(θ) onto orthogonal matrices. */
export interface TensorParametrization {
  readonly name: OrthogonalMapName;
  readonly n: number;
  /** Number of parameters (length of θ). */
  readonly size: number;
  /** Shape of the θ weight: [n(n−1)/2] (exponential, Cayley) or [k, n] (Householder). */
  readonly shape: readonly number[];
  /** The Float64 parametrisation with the same θ layout: the reference of `matrix`. */
  readonly reference: OrthogonalParametrization;
  /** W(θ), float32 [n, n]; differentiable in θ under `tf.grad`/`tf.variableGrads`. */
  matrix(theta: tf.Tensor): tf.Tensor2D;
  /** Initial θ (Float64, rounded to float32 when written into a weight). */
  initial(init: OrthogonalInit, random: Random): Float64Array;
}

/** Indices into [0, ξ, −ξ] that scatter ξ into the skew matrix hat(ξ) of {@link createSO}. */
function skewIndices(n: number): Int32Array {
  const d = (n * (n - 1)) / 2;
  const idx = new Int32Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      idx[j * n + i] = 1 + k; // hat(ξ)_ji = ξ_k
      idx[i * n + j] = 1 + d + k; // hat(ξ)_ij = −ξ_k
      k++;
    }
  }
  return idx;
}

/**
 * hat(ξ) as a float32 tensor: a gather of [0, ξ, −ξ]. Its gradient is written out,
 * dL/dξ_k = G_ji − G_ij (two gathers), because tf's gradient of a gather is a segment sum,
 * which the wasm backend lacks.
 */
function skewOp(n: number) {
  // Index arrays, uploaded per call (n² small ints): kept tensors would outlive every layer.
  const indices = skewIndices(n);
  const lower: number[] = [],
    upper: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      lower.push(j * n + i);
      upper.push(i * n + j);
    }
  }
  const lowerIdx = Int32Array.from(lower),
    upperIdx = Int32Array.from(upper);
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const theta = args[0] as tf.Tensor;
    const flat = tf.reshape(theta, [-1]);
    const value = tf.reshape(tf.gather(tf.concat([tf.zeros([1]), flat, tf.neg(flat)]), tf.tensor1d(indices, 'int32')), [n, n]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const g = tf.reshape(Array.isArray(dy) ? dy[0]! : dy, [-1]);
        return tf.reshape(tf.sub(tf.gather(g, tf.tensor1d(lowerIdx, 'int32')), tf.gather(g, tf.tensor1d(upperIdx, 'int32'))), theta.shape);
      },
    };
  });
}

/** ‖A‖₁ of a small tensor, read back. */
function norm1(a: tf.Tensor2D): number {
  return tf.tidy(() => tf.max(tf.sum(tf.abs(a), 0))).arraySync() as number;
}

const TAYLOR_DEGREE = 10;

/**
 * expm(A) in float32 by scaling and squaring: B = A/2ˢ with ‖B‖₁ ≤ 1, the degree-10 Taylor
 * polynomial of B by Horner, then s squarings. Differentiable by tf's autodiff.
 *
 * @example
 * ```ts
 * const W = expmTensor(tf.tensor2d([[0, -1], [1, 0]])); // rotation by 1 radian
 * ```
 */
export function expmTensor(a: tf.Tensor2D): tf.Tensor2D {
  checkTensor('a', a);
  const n = a.shape[0];
  if (a.rank !== 2 || a.shape[1] !== n) invalid('a', 'a square rank-2 tensor', `shape [${a.shape.join(', ')}]`, 'SHAPE_MISMATCH');
  const nrm = norm1(a);
  if (!Number.isFinite(nrm)) invalid('a', 'a finite matrix', nrm, 'NON_FINITE_INPUT');
  const s = nrm > 1 ? Math.ceil(Math.log2(nrm)) : 0;
  return tf.tidy(() => {
    const eye = tf.eye(n);
    const b = s > 0 ? tf.mul(a, 2 ** -s) : a;
    // I + B(I + B/2(I + B/3(… (I + B/m)))).
    let p: tf.Tensor2D = tf.add(eye, tf.mul(b, 1 / TAYLOR_DEGREE));
    for (let k = TAYLOR_DEGREE - 1; k >= 1; k--) p = tf.add(eye, tf.mul(tf.matMul(b, p), 1 / k));
    for (let i = 0; i < s; i++) p = tf.matMul(p, p);
    return p;
  });
}

/** The Cayley transform (I − A)⁻¹(I + A) of a skew tensor, with its vector–Jacobian product. */
function cayleyOp(n: number) {
  const eyeF = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eyeF[i * n + i] = 1;
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [a, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const values = a.dataSync();
    const minus = Float64Array.from(eyeF, (x, i) => x - values[i]!);
    const lu = luFactor(minus, n);
    const inv = luSolve(lu, eyeF.slice(), { columns: n });
    const x = tf.tensor2d(Float32Array.from(inv), [n, n]);
    const value = tf.matMul(x, tf.add(tf.eye(n), a));
    save([x, value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, w] = saved as [tf.Tensor2D, tf.Tensor2D];
        const g = Array.isArray(dy) ? dy[0]! : dy;
        // dW = X·dA·(W + I) ⇒ dL/dA = Xᵀ·G·(W + I)ᵀ.
        return tf.matMul(tf.matMul(xs, g as tf.Tensor2D, true, false), tf.add(w, tf.eye(n)), false, true);
      },
    };
  });
}

function henaff(n: number, random: Random, cayley: boolean): Float64Array {
  const G = createSO(n);
  const xi = new Float64Array(G.dim);
  for (let k = 0; k < G.dim; k++) {
    const [i, j] = G.pairs[k]!;
    if (i % 2 === 0 && j === i + 1) {
      // A rotation by φ in the plane (i, i+1): ξ = φ (exponential) or tan(φ/2) (Cayley).
      const phi = random.uniformIn(-Math.PI, Math.PI);
      xi[k] = cayley ? Math.tan(phi / 2) : phi;
    }
  }
  return xi;
}

/**
 * The float32 tensor form of an orthogonal parametrisation: `matrix(θ)` is W(θ) ∈ O(n) as a
 * tf tensor, differentiable in θ, with the θ layout of the Float64 `reference`
 * ({@link createExponentialParametrization}, {@link createCayleyParametrization},
 * {@link createHouseholderParametrization}). Use it inside any custom layer or training loop
 * (the weight wrapper); the layers of this entry are built on it.
 *
 * - exponential: W = expm(hat ξ) (Lezcano-Casado & Martínez-Rubio 2019, expRNN);
 * - Cayley: W = (I − A)⁻¹(I + A) (Helfrich, Willmott & Ye 2018);
 * - Householder: W = H₁⋯H_k, Hᵢ = I − 2vᵢvᵢᵀ/‖vᵢ‖² (Mhammedi et al. 2017).
 *
 * @example
 * ```ts
 * import { createTensorParametrization } from '@phaseflow/lie/tfjs';
 * const p = createTensorParametrization({ map: 'exponential', n: 8 });
 * const theta = tf.variable(tf.tensor1d(Float32Array.from(p.initial('haar', createRandom(1)))));
 * const { grads } = tf.variableGrads(() => tf.sum(tf.matMul(x, p.matrix(theta))));
 * ```
 */
/** θ for `matrix`: a live tensor of `size` numbers. */
function checkTheta(theta: unknown, size: number): void {
  const t = checkTensor('theta', theta);
  if (t.size !== size) invalid('theta', `a tensor of ${size} parameters`, `shape [${t.shape.join(', ')}]`, 'SHAPE_MISMATCH');
}

export function createTensorParametrization(options: TensorParametrizationOptions): TensorParametrization {
  const o = checkOptions('options', options, ['map', 'n', 'reflections']);
  const name = checkOneOf<OrthogonalMapName>('options.map', o.map, ORTHOGONAL_MAPS);
  const n = checkInteger('options.n', o.n, { min: 2 });
  if (o.reflections !== undefined && name !== 'householder') invalid('options.reflections', 'no reflections for a map other than householder', o.reflections);
  if (name === 'householder') {
    const k = o.reflections === undefined ? n : checkInteger('options.reflections', o.reflections, { min: 1 });
    const reference = createHouseholderParametrization({ n, reflections: k });
    return {
      name,
      n,
      size: k * n,
      shape: [k, n],
      reference,
      matrix(theta) {
        checkTheta(theta, k * n);
        return tf.tidy(() => {
          const v = tf.reshape(theta, [k, n]);
          const scaled = tf.div(tf.mul(v, 2), tf.sum(tf.square(v), 1, true)); // rows 2vᵢ/‖vᵢ‖²
          const cols = tf.unstack(tf.reshape(v, [k, n, 1]));
          const rows = tf.unstack(tf.reshape(scaled, [k, 1, n]));
          let w: tf.Tensor2D = tf.eye(n);
          for (let i = 0; i < k; i++) w = tf.sub(w, tf.matMul(tf.matMul(w, cols[i] as tf.Tensor2D), rows[i] as tf.Tensor2D));
          return w;
        });
      },
      initial(init, random) {
        if (init !== 'random') invalid('init', `'random' for the householder map`, init);
        return checkRandom('random', random).fillNormal(new Float64Array(k * n));
      },
    };
  }
  const G = createSO(n);
  const reference = name === 'exponential' ? createExponentialParametrization({ n }) : createCayleyParametrization({ n });
  const skew = skewOp(n);
  const cayley = name === 'cayley' ? cayleyOp(n) : undefined;
  return {
    name,
    n,
    size: G.dim,
    shape: [G.dim],
    reference,
    matrix(theta) {
      checkTheta(theta, G.dim);
      return tf.tidy(() => {
        const a = skew(theta) as tf.Tensor2D;
        return cayley ? (cayley(a) as tf.Tensor2D) : expmTensor(a);
      });
    },
    initial(init, random) {
      const kind = checkOneOf<OrthogonalInit>('init', init, ['identity', 'henaff', 'haar']);
      if (kind === 'identity') return new Float64Array(G.dim);
      checkRandom('random', random);
      if (kind === 'henaff') return henaff(n, random, name === 'cayley');
      const Q = G.sample(random);
      if (name === 'exponential') return G.log(Q);
      // Inverse Cayley: A = (Q − I)(Q + I)⁻¹, i.e. (Q + I)ᵀ·Aᵀ = (Q − I)ᵀ.
      const nn = n * n;
      const plusT = new Float64Array(nn),
        minusT = new Float64Array(nn);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          plusT[i * n + j] = Q[j * n + i]! + (i === j ? 1 : 0);
          minusT[i * n + j] = Q[j * n + i]! - (i === j ? 1 : 0);
        }
      }
      const At = luSolve(luFactor(plusT, n), minusT, { columns: n });
      const xi = new Float64Array(G.dim);
      G.pairs.forEach(([i, j], k) => (xi[k] = 0.5 * (At[i * n + j]! - At[j * n + i]!)));
      return xi;
    },
  };
}
