/**
 * The mean-field limit of a two-layer network as a particle system: f(x) = (1/N) Σᵢ aᵢ σ(wᵢ·x + bᵢ)
 * trained by gradient flow on the risk, with time scaled by N, moves each neuron θᵢ = (aᵢ, wᵢ, bᵢ)
 * by a velocity field that depends on the others only through their empirical distribution
 * μ_N. As N → ∞ with i.i.d. initial neurons, μ_N(t) converges to the solution μ(t) of a
 * nonlinear transport PDE (propagation of chaos), with fluctuations O(1/√N).
 */
import { checkFiniteArray, checkInteger, checkOneOf, checkOptions, checkPositive, createRandom, invalid, odeProblem, type OdeProblem } from '@phaseflow/core';

type F = Float64Array;

/** Options of {@link meanFieldNetwork}. */
export interface MeanFieldOptions {
  /** Training inputs x_j, m × d row-major. */
  readonly inputs: ArrayLike<number>;
  /** Input dimension d. */
  readonly dimension: number;
  /** Targets y_j (m numbers). */
  readonly targets: ArrayLike<number>;
  /** σ (default `tanh`). */
  readonly activation?: 'tanh' | 'relu';
}

/** Options of {@link MeanFieldNetwork.initialise}. */
export interface MeanFieldInitOptions {
  /** Seed of the i.i.d. draw (default 0). */
  readonly seed?: number;
  /** Standard deviations of a, w and b (default 1 each): θᵢ ~ N(0, diag(σ_a², σ_w² I, σ_b²)). */
  readonly scale?: { readonly a?: number; readonly w?: number; readonly b?: number };
}

/** A two-layer network in mean-field scaling, from {@link meanFieldNetwork}. */
export interface MeanFieldNetwork {
  readonly name: string;
  readonly dimension: number;
  /** Numbers per neuron p = d + 2, laid out (a, w₁ … w_d, b); a state of N neurons has N·p numbers. */
  readonly parametersPerNeuron: number;
  /**
   * The particle gradient flow θᵢ′ = −N ∂R/∂θᵢ = −(1/m) Σ_j r_j ∇_θ φ(x_j; θᵢ), r_j = f(x_j) − y_j,
   * φ(x; θ) = a σ(w·x + b), for any number of neurons N (the state's length / p).
   */
  readonly problem: OdeProblem<F>;
  /** N neurons drawn i.i.d. from μ₀ = N(0, diag(σ_a², σ_w² I, σ_b²)). */
  initialise(neurons: number, options?: MeanFieldInitOptions): F;
  /** f(x) for each row of `inputs` (rows × d), default the training inputs. */
  predict(state: F, inputs?: ArrayLike<number>): F;
  /** R(μ_N) = (1/2m) Σ_j (f(x_j) − y_j)². */
  risk(state: F): number;
  /** Number of neurons in `state`. */
  neurons(state: F): number;
}

/**
 * A two-layer network f(x) = (1/N) Σᵢ aᵢ σ(wᵢ·x + bᵢ) on a fixed training set, trained by gradient
 * flow on the risk R = (1/2m) Σ_j (f(x_j) − y_j)² with time scaled by N: a particle system
 * whose `problem` any core Integrator advances (the state is the N·p neuron parameters). Each
 * particle moves by −∇_θ Ψ(θ; μ_N), Ψ(θ; μ) = E_x[(f_μ(x) − y(x)) φ(x; θ)], a field of the
 * empirical distribution μ_N only; as N → ∞ μ_N(t) follows the Wasserstein gradient flow of
 * the risk, and runs with N and 2N neurons differ by O(1/√N) (measure it with
 * {@link maximumMeanDiscrepancy}).
 *
 * Sources: S. Mei, A. Montanari, P.-M. Nguyen, A mean field view of the landscape of two-layer
 * neural networks, PNAS 115 (2018) E7665–E7671; L. Chizat, F. Bach, On the global convergence of
 * gradient descent for over-parameterized models using optimal transport, NeurIPS 2018.
 *
 * @example
 * ```ts
 * import { integrate } from '@phaseflow/core';
 * import { createRk4 } from '@phaseflow/runge-kutta';
 * const mf = meanFieldNetwork({ inputs: xs, dimension: 1, targets: ys });
 * const end = integrate(createRk4(), mf.problem, mf.initialise(400, { seed: 1 }), { tEnd: 5, h: 0.05 }).yFinal;
 * mf.risk(end);
 * ```
 */
export function meanFieldNetwork(options: MeanFieldOptions): MeanFieldNetwork {
  const o = checkOptions('options', options, ['inputs', 'dimension', 'targets', 'activation']);
  if (o === undefined) invalid('options', 'an options object with inputs, dimension and targets', o);
  const d = checkInteger('options.dimension', o.dimension, { min: 1 });
  checkFiniteArray('options.inputs', o.inputs);
  if (o.inputs.length === 0 || o.inputs.length % d !== 0) invalid('options.inputs', `m × ${d} numbers (row-major)`, o.inputs, 'SHAPE_MISMATCH');
  const X = Float64Array.from(o.inputs);
  const m = X.length / d;
  checkFiniteArray('options.targets', o.targets);
  if (o.targets.length !== m) invalid('options.targets', `${m} targets (one per input row)`, o.targets, 'SHAPE_MISMATCH');
  const y = Float64Array.from(o.targets);
  const act = o.activation === undefined ? 'tanh' : checkOneOf<'tanh' | 'relu'>('options.activation', o.activation, ['tanh', 'relu']);
  const p = d + 2;
  const sigma = act === 'tanh' ? Math.tanh : (z: number) => (z > 0 ? z : 0);
  /** σ′ from σ's value: 1 − s² for tanh, the step for relu. */
  const dsigma = act === 'tanh' ? (s: number) => 1 - s * s : (s: number) => (s > 0 ? 1 : 0);
  const count = (state: F): number => {
    if (!(state instanceof Float64Array) || state.length === 0 || state.length % p !== 0) {
      invalid('state', `a Float64Array of N × ${p} neuron parameters (a, w, b)`, state, state instanceof Float64Array ? 'SHAPE_MISMATCH' : 'INVALID_ARGUMENT');
    }
    return state.length / p;
  };
  // f on the training inputs, and the activations (kept for the flow), N × m
  let acts = new Float64Array(0);
  const forward = (state: F, Z: F, rows: number, out: F, keep: boolean): F => {
    const N = state.length / p;
    if (keep && acts.length !== N * rows) acts = new Float64Array(N * rows);
    out.fill(0);
    for (let i = 0; i < N; i++) {
      const o0 = i * p;
      const a = state[o0]!;
      const b = state[o0 + d + 1]!;
      for (let j = 0; j < rows; j++) {
        let z = b;
        for (let c = 0; c < d; c++) z += state[o0 + 1 + c]! * Z[j * d + c]!;
        const s = sigma(z);
        if (keep) acts[i * rows + j] = s;
        out[j] += a * s;
      }
    }
    for (let j = 0; j < rows; j++) out[j] = out[j]! / N;
    return out;
  };
  const fx = new Float64Array(m);
  const r = new Float64Array(m);
  const problem = odeProblem<F>(
    (_t, state, out = new Float64Array(state.length)) => {
      const N = count(state);
      forward(state, X, m, fx, true);
      for (let j = 0; j < m; j++) r[j] = (fx[j]! - y[j]!) / m;
      for (let i = 0; i < N; i++) {
        const o0 = i * p;
        const a = state[o0]!;
        let ga = 0;
        let gb = 0;
        for (let c = 0; c < d; c++) out[o0 + 1 + c] = 0;
        for (let j = 0; j < m; j++) {
          const s = acts[i * m + j]!;
          const rj = r[j]!;
          ga += rj * s;
          const g = rj * a * dsigma(s);
          gb += g;
          for (let c = 0; c < d; c++) out[o0 + 1 + c] += g * X[j * d + c]!;
        }
        out[o0] = -ga;
        out[o0 + d + 1] = -gb;
        for (let c = 0; c < d; c++) out[o0 + 1 + c] = -out[o0 + 1 + c]!;
      }
      return out;
    },
    { name: `mean-field two-layer network (d = ${d}, m = ${m}, ${act})` },
  );
  return {
    name: problem.name ?? 'mean-field',
    dimension: d,
    parametersPerNeuron: p,
    problem,
    initialise(neurons, init = {}) {
      const N = checkInteger('neurons', neurons, { min: 1 });
      const io = checkOptions('options', init, ['seed', 'scale']);
      const seed = io.seed === undefined ? 0 : checkInteger('options.seed', io.seed, { min: 0, max: 2 ** 32 - 1 });
      const sc = io.scale ?? {};
      const sa = sc.a === undefined ? 1 : checkPositive('options.scale.a', sc.a);
      const sw = sc.w === undefined ? 1 : checkPositive('options.scale.w', sc.w);
      const sb = sc.b === undefined ? 1 : checkPositive('options.scale.b', sc.b);
      const rng = createRandom(seed);
      const out = new Float64Array(N * p);
      for (let i = 0; i < N; i++) {
        out[i * p] = sa * rng.normal();
        for (let c = 0; c < d; c++) out[i * p + 1 + c] = sw * rng.normal();
        out[i * p + d + 1] = sb * rng.normal();
      }
      return out;
    },
    predict(state, inputs) {
      count(state);
      if (inputs === undefined) return forward(state, X, m, new Float64Array(m), false);
      checkFiniteArray('inputs', inputs);
      if (inputs.length % d !== 0) invalid('inputs', `rows × ${d} numbers`, inputs, 'SHAPE_MISMATCH');
      const rows = inputs.length / d;
      return forward(state, Float64Array.from(inputs), rows, new Float64Array(rows), false);
    },
    risk(state) {
      count(state);
      const f = forward(state, X, m, new Float64Array(m), false);
      let s = 0;
      for (let j = 0; j < m; j++) s += (f[j]! - y[j]!) ** 2;
      return s / (2 * m);
    },
    neurons: count,
  };
}

/** Options of {@link maximumMeanDiscrepancy}. */
export interface MmdOptions {
  /** Gaussian kernel bandwidth ℓ in k(u, v) = exp(−‖u − v‖²/(2ℓ²)) (default 1). */
  readonly bandwidth?: number;
}

/**
 * The maximum mean discrepancy between two empirical distributions of points in Rᵖ (rows of
 * `a` and `b`, row-major) under the Gaussian kernel k(u, v) = exp(−‖u − v‖²/(2ℓ²)):
 * MMD² = E k(u, u′) + E k(v, v′) − 2 E k(u, v) over all pairs (the V-statistic, the exact squared
 * distance between the two empirical measures in the kernel's RKHS). Returns MMD ≥ 0. For
 * independent samples of the same law it is O(1/√N): the yardstick of mean-field convergence.
 *
 * Source: A. Gretton, K. M. Borgwardt, M. J. Rasch, B. Schölkopf, A. Smola, A kernel two-sample
 * test, JMLR 13 (2012) 723–773.
 *
 * @example
 * ```ts
 * maximumMeanDiscrepancy(Float64Array.of(0, 0), Float64Array.of(0, 0), 2); // 0
 * ```
 */
export function maximumMeanDiscrepancy(a: ArrayLike<number>, b: ArrayLike<number>, dimension: number, options: MmdOptions = {}): number {
  const p = checkInteger('dimension', dimension, { min: 1 });
  checkFiniteArray('a', a);
  checkFiniteArray('b', b);
  if (a.length === 0 || a.length % p !== 0) invalid('a', `n × ${p} numbers (row-major)`, a, 'SHAPE_MISMATCH');
  if (b.length === 0 || b.length % p !== 0) invalid('b', `n × ${p} numbers (row-major)`, b, 'SHAPE_MISMATCH');
  const o = checkOptions('options', options, ['bandwidth']);
  const ell = o.bandwidth === undefined ? 1 : checkPositive('options.bandwidth', o.bandwidth);
  const inv = 1 / (2 * ell * ell);
  const mean = (u: ArrayLike<number>, v: ArrayLike<number>, same: boolean): number => {
    const nu = u.length / p;
    const nv = v.length / p;
    let s = 0;
    for (let i = 0; i < nu; i++) {
      for (let j = same ? i + 1 : 0; j < nv; j++) {
        let q = 0;
        for (let c = 0; c < p; c++) {
          const t = u[i * p + c]! - v[j * p + c]!;
          q += t * t;
        }
        s += Math.exp(-q * inv);
      }
    }
    // same: the off-diagonal pairs twice, plus the diagonal k(u, u) = 1
    return same ? (2 * s + nu) / (nu * nu) : s / (nu * nv);
  };
  const mmd2 = mean(a, a, true) + mean(b, b, true) - 2 * mean(a, b, false);
  return Math.sqrt(Math.max(0, mmd2));
}
