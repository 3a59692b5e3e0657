/**
 * The Lyapunov exponent of stochastic gradient descent (Chemnitz & Engel 2024): SGD
 * θ ← θ − η ∇L_B(θ) with a random minibatch B per step is a random map; near an interpolating
 * minimum its linearisation is the random product of I − η ∇²L_{B_k}(θ_k), and the sign of the
 * top exponent of that product decides whether SGD accumulates at the minimum (λ < 0) or is
 * driven away from it (λ > 0) — not the same as the deterministic 2/η test of gradient descent.
 */
import {
  callbackFailed,
  checkFiniteArray,
  checkFunction,
  checkInteger,
  checkOneOf,
  checkOptions,
  checkPositive,
  createRandom,
  invalid,
  isPhaseflowError,
  type Observer,
} from '@phaseflow/core';
import { matrix, qr } from '@phaseflow/linalg';
import { checkName, checkVector, checkedJvp, checkedMap } from './args.js';
import { lyapunovSpectrum, type LyapunovSpectrum } from './lyapunov.js';
import { mapIterator, mapProblem, type JacobianVectorProduct, type MapProblem } from './map.js';

type F = Float64Array;

/** A minibatch gradient: out ← ∇L_B(θ) = (1/|B|) Σ_{i∈B} ∇ℓᵢ(θ) for the sample indices in `batch`; returns `out`. */
export type BatchGradient = (theta: F, batch: Int32Array, out: F) => F;

/** A minibatch Hessian–vector product: out ← ∇²L_B(θ)·v; returns `out`. */
export type BatchHessianVectorProduct = (theta: F, batch: Int32Array, v: F, out: F) => F;

/** Options of {@link sgdMap}. */
export interface SgdMapOptions {
  /** Number m of training samples (indices 0 … m − 1). */
  readonly samples: number;
  readonly gradient: BatchGradient;
  /** Exact ∇²L_B(θ)·v; default: central differences of `gradient` (two minibatch gradients per product). */
  readonly hessianVectorProduct?: BatchHessianVectorProduct;
  /** Step size η > 0. */
  readonly learningRate: number;
  /** Minibatch size (default 1). */
  readonly batchSize?: number;
  /** Number of SGD steps whose minibatches are drawn (the length of a run). */
  readonly steps: number;
  /**
   * `replacement` (default): each minibatch is an independent uniform draw (with repetition
   * inside a batch when batchSize > 1), so the linearised maps are i.i.d.; `epochs`: shuffled
   * passes over the data, consecutive disjoint batches.
   */
  readonly sampling?: 'replacement' | 'epochs';
  /** Seed of the minibatch sequence (default 0). */
  readonly seed?: number;
  /** Relative difference step of the default Hessian–vector products (default 1e-5). */
  readonly fdStep?: number;
  readonly name?: string;
}

/** SGD as a random map, from {@link sgdMap}: time t is the step index. */
export interface SgdMap extends MapProblem {
  readonly learningRate: number;
  readonly batchSize: number;
  readonly samples: number;
  readonly steps: number;
  /** θ_{k+1} = θ_k − η ∇L_{B_k}(θ_k) and its linearisation v − η ∇²L_{B_k}(θ_k)·v. */
  readonly jvp: JacobianVectorProduct;
  /** The sample indices of step k's minibatch (a view). */
  batch(step: number): Int32Array;
}

/**
 * Stochastic gradient descent θ_{k+1} = θ_k − η ∇L_{B_k}(θ_k) over a seeded sequence of
 * minibatches B_0, B_1, …, as a core `map` problem whose time is the step index, with its
 * linearisation v ↦ (I − η ∇²L_{B_k}(θ_k)) v as the jvp. Iterate it with {@link mapIterator}
 * (h = 1) to run SGD; hand it to {@link lyapunovSpectrum} or {@link sgdLyapunovExponent} for the
 * exponents of the random product of linearised updates along the trajectory.
 *
 * Source: D. Chemnitz, M. Engel, Characterizing dynamical stability of stochastic gradient
 * descent in overparameterized learning, arXiv:2407.20209 (2024).
 *
 * @example
 * ```ts
 * const sgd = sgdMap({ samples: m, gradient: (th, batch, out) => …, learningRate: 0.1, steps: 10000 });
 * integrate(mapIterator(), sgd, theta0, { tEnd: sgd.steps, h: 1 }).yFinal; // θ after 10⁴ SGD steps
 * ```
 */
export function sgdMap(options: SgdMapOptions): SgdMap {
  const o = checkOptions('options', options, [
    'samples',
    'gradient',
    'hessianVectorProduct',
    'learningRate',
    'batchSize',
    'steps',
    'sampling',
    'seed',
    'fdStep',
    'name',
  ]);
  if (o === undefined) invalid('options', 'an options object with samples, gradient, learningRate and steps', o);
  const m = checkInteger('options.samples', o.samples, { min: 1 });
  const gradient = checkFunction<BatchGradient>('options.gradient', o.gradient);
  const hvp =
    o.hessianVectorProduct === undefined ? undefined : checkFunction<BatchHessianVectorProduct>('options.hessianVectorProduct', o.hessianVectorProduct);
  const eta = checkPositive('options.learningRate', o.learningRate);
  const b = o.batchSize === undefined ? 1 : checkInteger('options.batchSize', o.batchSize, { min: 1, max: m });
  const steps = checkInteger('options.steps', o.steps, { min: 1 });
  const sampling = o.sampling === undefined ? 'replacement' : checkOneOf<'replacement' | 'epochs'>('options.sampling', o.sampling, ['replacement', 'epochs']);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  const delta = o.fdStep === undefined ? 1e-5 : checkPositive('options.fdStep', o.fdStep);
  const rng = createRandom(seed);
  const batches = new Int32Array(steps * b);
  if (sampling === 'replacement') for (let i = 0; i < batches.length; i++) batches[i] = rng.int(m);
  else {
    let perm = rng.permutation(m);
    let at = 0;
    for (let s = 0; s < steps; s++) {
      if (at + b > m) {
        perm = rng.permutation(m);
        at = 0;
      }
      for (let j = 0; j < b; j++) batches[s * b + j] = perm[at++]!;
    }
  }
  const batch = (step: number): Int32Array => {
    const k = Math.round(step);
    if (!Number.isFinite(step) || Math.abs(step - k) > 1e-9 * Math.max(1, Math.abs(step)) || k < 0 || k >= steps) {
      invalid('t', `a step index in 0 … ${steps - 1} (run SGD from t = 0 with h = 1)`, step);
    }
    return batches.subarray(k * b, (k + 1) * b);
  };
  const call = (theta: F, B: Int32Array, out: F): void => {
    let r: F;
    try {
      r = gradient(theta, B, out);
    } catch (e) {
      if (isPhaseflowError(e)) throw e;
      throw callbackFailed('options.gradient', e);
    }
    if (!(r instanceof Float64Array) || r.length !== out.length) invalid('options.gradient', `a gradient returning ${out.length} numbers`, r, 'SHAPE_MISMATCH');
    if (r !== out) out.set(r);
  };
  let gp = new Float64Array(0);
  let gm = new Float64Array(0);
  let shifted = new Float64Array(0);
  const fdHvp = (theta: F, B: Int32Array, v: F, out: F): void => {
    const n = theta.length;
    if (gp.length !== n) {
      gp = new Float64Array(n);
      gm = new Float64Array(n);
      shifted = new Float64Array(n);
    }
    let vn = 0;
    let tn = 0;
    for (let i = 0; i < n; i++) {
      vn = Math.max(vn, Math.abs(v[i]!));
      tn = Math.max(tn, Math.abs(theta[i]!));
    }
    if (vn === 0) {
      out.fill(0);
      return;
    }
    const eps = (delta * (1 + tn)) / vn;
    for (let i = 0; i < n; i++) shifted[i] = theta[i]! + eps * v[i]!;
    call(shifted, B, gp);
    for (let i = 0; i < n; i++) shifted[i] = theta[i]! - eps * v[i]!;
    call(shifted, B, gm);
    for (let i = 0; i < n; i++) out[i] = (gp[i]! - gm[i]!) / (2 * eps);
  };
  const base = mapProblem(
    checkedMap(undefined, (t, theta, out = new Float64Array(theta.length)) => {
      call(theta, batch(t), out);
      for (let i = 0; i < out.length; i++) out[i] = theta[i]! - eta * out[i]!;
      return out;
    }),
    {
      name: o.name === undefined ? `sgd(η = ${eta}, batch ${b})` : checkName('options.name', o.name),
      jvp: checkedJvp(undefined, (t, theta, v, out) => {
        const B = batch(t);
        if (hvp) {
          const r = hvp(theta, B, v, out);
          if (r !== out) out.set(r);
        } else fdHvp(theta, B, v, out);
        for (let i = 0; i < out.length; i++) out[i] = v[i]! - eta * out[i]!;
        return out;
      }),
    },
  );
  return { ...base, jvp: base.jvp!, learningRate: eta, batchSize: b, samples: m, steps, batch };
}

/** Options of {@link linearRegressionSgd}: the SGD options without the gradient, plus the data. */
export interface LinearRegressionSgdOptions extends Omit<SgdMapOptions, 'samples' | 'gradient' | 'hessianVectorProduct' | 'fdStep'> {
  /** The inputs x_i, m × d row-major. */
  readonly inputs: ArrayLike<number>;
  /** Input dimension d. */
  readonly dimension: number;
  /** Targets y_i (default 0: the interpolant θ* = 0, so θ is the deviation from it). */
  readonly targets?: ArrayLike<number>;
}

/** Linear regression SGD, from {@link linearRegressionSgd}. */
export interface LinearRegressionSgd extends SgdMap {
  readonly dimension: number;
  /** An orthonormal basis of span{x_i} (d × r row-major, r = min(m, d)): the directions normal to the set of interpolants. */
  readonly normalFrame: F;
  /** L(θ) = (1/2m) Σ (x_iᵀθ − y_i)². */
  loss(theta: F): number;
}

/**
 * SGD on least squares ℓᵢ(θ) = ½(x_iᵀθ − y_i)²: ∇L_B = (1/|B|) Σ x_i (x_iᵀθ − y_i), with the exact
 * minibatch Hessian H_B = (1/|B|) Σ x_i x_iᵀ. With interpolation (y = Xθ* for some θ*) the
 * deviation from θ* evolves exactly by the random product of I − η H_{B_k}, so the Lyapunov
 * exponent is the rate at which SGD converges (λ < 0) or escapes (λ > 0); in one dimension
 * with batch size 1 it is E ln |1 − η x²| ({@link linearSgdExponent1d}). When d > m the
 * interpolants form θ* + ker X, on which the maps are the identity; `normalFrame` spans the
 * normal directions, the frame to measure the exponents of stability with.
 *
 * Source: D. Chemnitz, M. Engel, arXiv:2407.20209 (2024), the linear example.
 *
 * @example
 * ```ts
 * const sgd = linearRegressionSgd({ inputs: X, dimension: 5, learningRate: 0.3, steps: 20000, seed: 1 });
 * sgdLyapunovExponent(sgd, theta0).exponents[0]; // < 0: SGD converges to the interpolant
 * ```
 */
export function linearRegressionSgd(options: LinearRegressionSgdOptions): LinearRegressionSgd {
  const o = checkOptions('options', options, ['inputs', 'dimension', 'targets', 'learningRate', 'batchSize', 'steps', 'sampling', 'seed', 'name']);
  if (o === undefined) invalid('options', 'an options object with inputs, dimension, learningRate and steps', o);
  const d = checkInteger('options.dimension', o.dimension, { min: 1 });
  checkFiniteArray('options.inputs', o.inputs);
  if (o.inputs.length === 0 || o.inputs.length % d !== 0) invalid('options.inputs', `m × ${d} numbers (row-major)`, o.inputs, 'SHAPE_MISMATCH');
  const X = Float64Array.from(o.inputs);
  const m = X.length / d;
  const y = new Float64Array(m);
  if (o.targets !== undefined) {
    checkFiniteArray('options.targets', o.targets);
    if (o.targets.length !== m) invalid('options.targets', `${m} targets`, o.targets, 'SHAPE_MISMATCH');
    y.set(o.targets);
  }
  const residual = (theta: F, i: number): number => {
    let s = -y[i]!;
    for (let j = 0; j < d; j++) s += X[i * d + j]! * theta[j]!;
    return s;
  };
  const checkTheta = (theta: F): void => {
    checkVector('theta', theta);
    if (theta.length !== d) invalid('theta', `${d} parameters`, theta, 'SHAPE_MISMATCH');
  };
  const sgd = sgdMap({
    samples: m,
    learningRate: o.learningRate,
    steps: o.steps,
    ...(o.batchSize !== undefined && { batchSize: o.batchSize }),
    ...(o.sampling !== undefined && { sampling: o.sampling }),
    ...(o.seed !== undefined && { seed: o.seed }),
    name: o.name === undefined ? `linear regression sgd(d = ${d}, m = ${m})` : checkName('options.name', o.name),
    gradient: (theta, B, out) => {
      checkTheta(theta);
      out.fill(0);
      for (const i of B) {
        const r = residual(theta, i) / B.length;
        for (let j = 0; j < d; j++) out[j] += r * X[i * d + j]!;
      }
      return out;
    },
    hessianVectorProduct: (_theta, B, v, out) => {
      out.fill(0);
      for (const i of B) {
        let s = 0;
        for (let j = 0; j < d; j++) s += X[i * d + j]! * v[j]!;
        s /= B.length;
        for (let j = 0; j < d; j++) out[j] += s * X[i * d + j]!;
      }
      return out;
    },
  });
  // span{x_i} = range(Xᵀ): the thin QR of Xᵀ (d × m) when m < d, else all of R^d.
  let normalFrame: F;
  if (m >= d) {
    normalFrame = new Float64Array(d * d);
    for (let j = 0; j < d; j++) normalFrame[j * d + j] = 1;
  } else {
    const Xt = matrix(d, m);
    for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) Xt.data[j * m + i] = X[i * d + j]!;
    normalFrame = qr(Xt).q.data;
  }
  return {
    ...sgd,
    dimension: d,
    normalFrame,
    loss(theta) {
      checkTheta(theta);
      let s = 0;
      for (let i = 0; i < m; i++) s += residual(theta, i) ** 2;
      return s / (2 * m);
    },
  };
}

/**
 * The exponent of one-dimensional SGD on least squares with batch size 1 drawn uniformly with
 * replacement, in closed form: λ(η) = (1/m) Σᵢ ln |1 − η xᵢ²| (the mean log-factor of the i.i.d.
 * scalar maps 1 − η x²). By Jensen λ(η) ≤ ln E|1 − η x²|: SGD can converge above gradient
 * descent's threshold η = 2/E[x²], and diverge below it.
 *
 * Source: D. Chemnitz, M. Engel, arXiv:2407.20209 (2024).
 *
 * @example
 * ```ts
 * linearSgdExponent1d([1, 2], 0.5); // (ln 0.5 + ln 1)/2 = −0.3466
 * ```
 */
export function linearSgdExponent1d(inputs: ArrayLike<number>, learningRate: number): number {
  checkFiniteArray('inputs', inputs);
  if (inputs.length === 0) invalid('inputs', 'at least one input', inputs);
  const eta = checkPositive('learningRate', learningRate);
  let s = 0;
  for (let i = 0; i < inputs.length; i++) s += Math.log(Math.abs(1 - eta * inputs[i]! ** 2));
  return s / inputs.length;
}

/** Options of {@link sgdLyapunovExponent}. */
export interface SgdLyapunovOptions {
  /** Steps discarded while the frame aligns (default 0). */
  readonly transient?: number;
  /** Number of exponents k (default 1; the frame's columns when a frame matrix is given). */
  readonly vectors?: number;
  /** Initial frame: `random` (default), `identity` or an n × k matrix (e.g. a regression's `normalFrame`). */
  readonly frame?: 'random' | 'identity' | ArrayLike<number>;
  readonly seed?: number;
  /** Points of the running estimate kept (default 200). */
  readonly history?: number;
  /**
   * Where the updates are linearised: `trajectory` (default) at the SGD iterates θ_k from θ₀;
   * `start` at θ₀ for every step, the state held there — the exponent of a minimum θ₀ itself
   * (Chemnitz–Engel's λ), finite even when λ > 0 would drive the iterates to overflow. An
   * interpolating minimum is a fixed point of every minibatch map, so both agree there up to
   * rounding, which an unstable minimum amplifies.
   */
  readonly linearise?: 'trajectory' | 'start';
  /**
   * With `linearise: 'start'`: an orthonormal n × r basis N (row-major) of a subspace every
   * linearised map keeps invariant — the normal space of the interpolants at an interpolating
   * minimum ({@link NetworkSgd.normalFrame}, a regression's `normalFrame`). The exponents are
   * then those of the compressed maps Nᵀ(I − η∇²L_{B_k})N on Rʳ: the same numbers in exact
   * arithmetic, but the rounding of the Hessian–vector products can no longer leak into the
   * neutral tangent directions (exponent 0), which otherwise put a floor of ~ln(1e-10)/T under
   * a stable λ₁. `frame` and `vectors` then refer to Rʳ (default: k = 1, a random frame).
   */
  readonly subspace?: ArrayLike<number>;
  readonly observers?: readonly Observer[];
  readonly signal?: AbortSignal;
}

/** What {@link sgdLyapunovExponent} measured: a Lyapunov spectrum per SGD step, with its sign. */
export interface SgdLyapunovExponent extends LyapunovSpectrum {
  readonly learningRate: number;
  readonly batchSize: number;
  /** λ₁ < 0: the linearised SGD contracts (the minimum is stable for SGD). */
  readonly stable: boolean;
  /**
   * Standard errors of the exponents from the spread of the per-step log-growths,
   * std(ln R_jj)/√T (exact for one-dimensional i.i.d. maps; ignores the weak correlation of
   * successive steps otherwise).
   */
  readonly standardError: F;
}

/**
 * The top Lyapunov exponents of SGD per step: the random product of linearised updates
 * I − η ∇²L_{B_k}(θ_k) along the SGD trajectory from θ₀, by QR after every step
 * ({@link lyapunovSpectrum} on the {@link sgdMap} with τ = h = 1), with the sign that decides
 * stability and a standard error. Near an interpolating minimum λ₁ < 0 means SGD accumulates
 * there, λ₁ > 0 that it escapes (Chemnitz–Engel); for gradient descent the same test reduces
 * to η < 2/λ_max(∇²L). With `linearise: 'start'` the maps are linearised at θ₀ itself (give
 * the minimum): the exponent of that minimum, which stays finite when it is unstable; add
 * `subspace` (the normal frame of the interpolants) to measure it on the normal space alone.
 *
 * Source: D. Chemnitz, M. Engel, Characterizing dynamical stability of stochastic gradient
 * descent in overparameterized learning, arXiv:2407.20209 (2024).
 *
 * @example
 * ```ts
 * const sgd = linearRegressionSgd({ inputs: X, dimension: 5, learningRate: 0.3, steps: 20000 });
 * const e = sgdLyapunovExponent(sgd, theta0, { transient: 100 });
 * e.exponents[0]; e.standardError[0]; e.stable;
 * ```
 */
export function sgdLyapunovExponent(sgd: SgdMap, theta0: F, options: SgdLyapunovOptions = {}): SgdLyapunovExponent {
  if (sgd === null || typeof sgd !== 'object' || typeof sgd.batch !== 'function' || typeof sgd.steps !== 'number') {
    invalid('sgd', 'an SGD map from sgdMap or linearRegressionSgd', sgd);
  }
  const o = checkOptions('options', options, ['transient', 'vectors', 'frame', 'seed', 'history', 'linearise', 'subspace', 'observers', 'signal']);
  checkFiniteArray('theta0', theta0);
  const where = o.linearise === undefined ? 'trajectory' : checkOneOf<'trajectory' | 'start'>('options.linearise', o.linearise, ['trajectory', 'start']);
  const theta = Float64Array.from(theta0);
  const p = theta0.length;
  let N: F | undefined;
  let r = p;
  if (o.subspace !== undefined) {
    if (where !== 'start') invalid('options.subspace', "a subspace only with linearise: 'start' (the maps at one point)", o.subspace);
    checkFiniteArray('options.subspace', o.subspace);
    const len = o.subspace.length;
    if (len === 0 || len % p !== 0 || len / p > p)
      invalid('options.subspace', `an orthonormal ${p} × r basis (row-major, 1 ≤ r ≤ ${p})`, `${len} numbers`, 'SHAPE_MISMATCH');
    N = Float64Array.from(o.subspace);
    r = len / p;
  }
  const full = new Float64Array(N ? p : 0);
  const image = new Float64Array(N ? p : 0);
  /** out ← Nᵀ J_t N v (v, out in Rʳ). */
  const compressed: JacobianVectorProduct = (t, _y, v, out) => {
    const basis = N!;
    full.fill(0);
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let c = 0; c < r; c++) s += basis[i * r + c]! * v[c]!;
      full[i] = s;
    }
    sgd.jvp(t, theta, full, image);
    out.fill(0);
    for (let i = 0; i < p; i++) {
      const w = image[i]!;
      for (let c = 0; c < r; c++) out[c] += basis[i * r + c]! * w;
    }
    return out;
  };
  // Held at θ₀: the identity map whose jvp is SGD's linearisation at θ₀ (compressed to N when given).
  const problem: MapProblem =
    where === 'trajectory'
      ? sgd
      : mapProblem(
          (_t, y, out = new Float64Array(y.length)) => {
            out.set(y);
            return out;
          },
          { name: `${sgd.name ?? 'sgd'} at θ₀`, jvp: N ? compressed : (t, _y, v, out) => sgd.jvp(t, theta, v, out) },
        );
  const n = r;
  const frame = o.frame;
  if (frame !== undefined && frame !== 'random' && frame !== 'identity') checkFiniteArray('options.frame', frame);
  let k = o.vectors;
  if (k === undefined) {
    k = frame !== undefined && typeof frame === 'object' && frame !== null && frame.length % n === 0 && frame.length > 0 ? frame.length / n : 1;
  }
  const s = lyapunovSpectrum(mapIterator(), problem, N ? new Float64Array(r) : theta0, {
    tEnd: sgd.steps,
    h: 1,
    tau: 1,
    vectors: k,
    ...(o.transient !== undefined && { transient: o.transient }),
    ...(frame !== undefined && { frame }),
    ...(o.seed !== undefined && { seed: o.seed }),
    ...(o.history !== undefined && { history: o.history }),
    ...(o.observers !== undefined && { observers: o.observers }),
    ...(o.signal !== undefined && { signal: o.signal }),
  });
  const standardError = s.local.std.map((x) => (s.renormalisations > 0 ? x / Math.sqrt(s.renormalisations) : NaN));
  const result = { ...s, learningRate: sgd.learningRate, batchSize: sgd.batchSize, stable: s.exponents[0]! < 0, standardError };
  if (!N) return result;
  // Back to parameter space: θ₀ held, the final frame N·F (p × k).
  const frameOut = new Float64Array(p * k);
  for (let i = 0; i < p; i++) for (let c = 0; c < r; c++) for (let j = 0; j < k; j++) frameOut[i * k + j] += N[i * r + c]! * s.frame[c * k + j]!;
  return { ...result, yFinal: theta.slice(), frame: frameOut };
}
