/**
 * The Kuramoto model of coupled phase oscillators, all-to-all (mean field) or on a graph, as a
 * core `ode` problem with its exact Jacobian–vector product; the order parameter; frequency
 * samples; the N → ∞ theory (critical coupling, the self-consistent order parameter); and the
 * curve r(K) measured by integration.
 */
import {
  callbackFailed,
  PhaseflowError,
  checkFinite,
  checkFiniteArray,
  checkInRange,
  checkInteger,
  checkNonNegative,
  checkOneOf,
  checkOptions,
  checkPositive,
  createRandom,
  integrate,
  invalid,
  odeProblem,
  type Integrator,
  type OdeProblem,
} from '@phaseflow/core';
import { checkCsr, csrFromTriplets, matVecUnchecked, type CsrMatrix } from '@phaseflow/linalg';
import { checkedJvp, checkedMap } from './args.js';
import type { JacobianFields } from './tangent.js';

type F = Float64Array;

/** Options of {@link kuramoto}. */
export interface KuramotoOptions {
  /** Natural frequencies ωᵢ (one per oscillator). */
  readonly frequencies: ArrayLike<number>;
  /** Coupling strength K ≥ 0. */
  readonly coupling: number;
  /** Adjacency matrix A (N × N, weights allowed); omitted: all-to-all. */
  readonly graph?: CsrMatrix;
  /**
   * Divide the coupling sum by N (`size`, the default all-to-all) or by the mean degree
   * ⟨k⟩ = (Σ A_ij)/N (`mean-degree`, the default on a graph), so that a dense random graph has
   * the all-to-all threshold.
   */
  readonly normalization?: 'size' | 'mean-degree';
}

/** A Kuramoto problem, from {@link kuramoto}. */
export interface KuramotoProblem extends OdeProblem<F>, JacobianFields {
  readonly frequencies: F;
  readonly coupling: number;
  readonly graph: CsrMatrix | undefined;
  /** The divisor of the coupling sum (N, or the mean degree). */
  readonly normalizer: number;
}

/**
 * The Kuramoto model θᵢ′ = ωᵢ + (K/M) Σ_j A_ij sin(θ_j − θᵢ), M = N (all-to-all, A ≡ 1) or the
 * mean degree (on a graph), as an `ode` problem over Float64Array with its exact jvp
 * (Jv)ᵢ = (K/M) Σ_j A_ij cos(θ_j − θᵢ)(v_j − vᵢ). All-to-all it costs O(N) per evaluation
 * through the order parameter (θᵢ′ = ωᵢ + K r sin(ψ − θᵢ)); on a graph two sparse products,
 * sin(θ_j − θᵢ) = sin θ_j cos θᵢ − cos θ_j sin θᵢ.
 *
 * Sources: Y. Kuramoto, Self-entrainment of a population of coupled non-linear oscillators,
 * Lecture Notes in Physics 39 (1975) 420–422; S. H. Strogatz, From Kuramoto to Crawford,
 * Physica D 143 (2000) 1–20.
 *
 * @example
 * ```ts
 * import { createRk4 } from '@phaseflow/runge-kutta';
 * const p = kuramoto({ frequencies: lorentzianFrequencies(500, { width: 0.5 }), coupling: 2 });
 * const sol = integrate(createRk4(), p, randomPhases(500, 1), { tEnd: 100, h: 0.05 });
 * orderParameter(sol.yFinal).r; // ≈ √(1 − 1/2) = 0.707
 * ```
 */
export function kuramoto(options: KuramotoOptions): KuramotoProblem {
  const o = checkOptions('options', options, ['frequencies', 'coupling', 'graph', 'normalization']);
  if (o === undefined || (o as unknown) === null) invalid('options', 'an options object', o);
  checkFiniteArray('options.frequencies', o.frequencies);
  const omega = Float64Array.from(o.frequencies);
  const n = omega.length;
  if (n === 0) invalid('options.frequencies', 'at least one frequency', o.frequencies);
  const K = checkNonNegative('options.coupling', o.coupling);
  const graph = o.graph === undefined ? undefined : checkCsr('options.graph', o.graph, n, n);
  const normalization = checkOneOf('options.normalization', o.normalization === undefined ? (graph ? 'mean-degree' : 'size') : o.normalization, [
    'size',
    'mean-degree',
  ]);
  let normalizer = n;
  if (normalization === 'mean-degree') {
    if (graph) {
      let total = 0;
      for (let i = 0; i < graph.values.length; i++) total += graph.values[i]!;
      normalizer = total / n;
      if (!(normalizer > 0)) invalid('options.graph', 'a graph with at least one edge (mean degree > 0)', graph);
    } else normalizer = n;
  }
  const c = K / normalizer;
  const sn = new Float64Array(n);
  const cs = new Float64Array(n);
  const as = new Float64Array(n);
  const ac = new Float64Array(n);
  const cv = new Float64Array(n);
  const sv = new Float64Array(n);
  const acv = new Float64Array(n);
  const asv = new Float64Array(n);
  const trig = (theta: F): void => {
    for (let i = 0; i < n; i++) {
      sn[i] = Math.sin(theta[i]!);
      cs[i] = Math.cos(theta[i]!);
    }
  };
  /** as ← A·sin θ, ac ← A·cos θ (all-to-all: the sums, in every entry). */
  const neighbours = (x: F, y: F, outX: F, outY: F): void => {
    if (graph) {
      matVecUnchecked(graph, x, 0, outX);
      matVecUnchecked(graph, y, 0, outY);
      return;
    }
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      sx += x[i]!;
      sy += y[i]!;
    }
    outX.fill(sx);
    outY.fill(sy);
  };
  const f = (_t: number, theta: F, out: F = new Float64Array(n)): F => {
    trig(theta);
    neighbours(sn, cs, as, ac);
    // Σ_j A_ij sin(θ_j − θᵢ) = cos θᵢ (A sin θ)ᵢ − sin θᵢ (A cos θ)ᵢ
    for (let i = 0; i < n; i++) out[i] = omega[i]! + c * (cs[i]! * as[i]! - sn[i]! * ac[i]!);
    return out;
  };
  const jvp = (_t: number, theta: F, v: F, out: F): F => {
    trig(theta);
    neighbours(sn, cs, as, ac);
    for (let i = 0; i < n; i++) {
      cv[i] = cs[i]! * v[i]!;
      sv[i] = sn[i]! * v[i]!;
    }
    neighbours(cv, sv, acv, asv);
    // Σ_j A_ij cos(θ_j − θᵢ)(v_j − vᵢ), cos(θ_j − θᵢ) = cos θ_j cos θᵢ + sin θ_j sin θᵢ
    for (let i = 0; i < n; i++) {
      const ci = cs[i]!,
        si = sn[i]!;
      out[i] = c * (ci * acv[i]! + si * asv[i]! - v[i]! * (ci * ac[i]! + si * as[i]!));
    }
    return out;
  };
  const base = odeProblem<F>(checkedMap(n, f), { name: `kuramoto(N=${n}, K=${K}${graph ? ', graph' : ''})` });
  return { ...base, jvp: checkedJvp(n, jvp), frequencies: omega, coupling: K, graph, normalizer };
}

/** The order parameter r·e^{iψ} = (1/N) Σ_j e^{iθ_j}. */
export interface OrderParameter {
  /** Coherence r ∈ [0, 1]. */
  readonly r: number;
  /** Mean phase ψ ∈ (−π, π]. */
  readonly psi: number;
}

/**
 * The Kuramoto order parameter r·e^{iψ} = (1/N) Σ_j e^{iθ_j}: r = 1 when every phase agrees,
 * r = O(1/√N) for phases spread at random.
 *
 * @example
 * ```ts
 * orderParameter(Float64Array.of(0, 0.1, -0.1)).r; // 0.9967
 * ```
 */
export function orderParameter(theta: ArrayLike<number>): OrderParameter {
  checkFiniteArray('theta', theta);
  const n = theta.length;
  if (n === 0) invalid('theta', 'at least one phase', theta);
  let x = 0;
  let y = 0;
  for (let i = 0; i < n; i++) {
    x += Math.cos(theta[i]!);
    y += Math.sin(theta[i]!);
  }
  x /= n;
  y /= n;
  return { r: Math.hypot(x, y), psi: Math.atan2(y, x) };
}

/** How frequencies are drawn: deterministic quantiles (the default, small finite-N noise) or random samples. */
export interface FrequencySampling {
  /** `quantiles` (ωᵢ = F⁻¹((i + ½)/N), the default) or `random` (seeded draws). */
  readonly sampling?: 'quantiles' | 'random';
  /** Seed of the random draws (default 0). */
  readonly seed?: number;
}

/**
 * N natural frequencies from the Lorentzian (Cauchy) density g(ω) = (γ/π)/((ω − ω₀)² + γ²):
 * quantiles ωᵢ = ω₀ + γ tan(π((i + ½)/N − ½)) by default, or seeded random draws. For it
 * K_c = 2γ and r∞ = √(1 − 2γ/K) exactly (Kuramoto 1975).
 *
 * @example
 * ```ts
 * const omega = lorentzianFrequencies(1000, { width: 0.5 }); // K_c = 1
 * ```
 */
export function lorentzianFrequencies(n: number, options: FrequencySampling & { width?: number; center?: number } = {}): F {
  checkInteger('n', n, { min: 1 });
  const o = checkOptions('options', options, ['sampling', 'seed', 'width', 'center']);
  const gamma = o.width === undefined ? 1 : checkPositive('options.width', o.width);
  const center = o.center === undefined ? 0 : checkFinite('options.center', o.center);
  const u = uniforms(n, o);
  return u.map((p) => center + gamma * Math.tan(Math.PI * (p - 0.5)));
}

/**
 * N natural frequencies from the normal density N(μ, σ²): quantiles ωᵢ = μ + σ Φ⁻¹((i + ½)/N)
 * by default (Acklam's inverse normal, relative error < 1.2e-9), or seeded random draws. For
 * it K_c = 2/(π g(0)) = σ√(8/π) ≈ 1.5958 σ.
 *
 * @example
 * ```ts
 * const omega = gaussianFrequencies(1000); // K_c ≈ 1.596
 * ```
 */
export function gaussianFrequencies(n: number, options: FrequencySampling & { std?: number; mean?: number } = {}): F {
  checkInteger('n', n, { min: 1 });
  const o = checkOptions('options', options, ['sampling', 'seed', 'std', 'mean']);
  const sigma = o.std === undefined ? 1 : checkPositive('options.std', o.std);
  const mu = o.mean === undefined ? 0 : checkFinite('options.mean', o.mean);
  const sampling = o.sampling === undefined ? 'quantiles' : checkOneOf('options.sampling', o.sampling, ['quantiles', 'random']);
  if (o.seed !== undefined) checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  if (sampling === 'random') {
    const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
    return createRandom(seed).fillNormal(new Float64Array(n), mu, sigma);
  }
  return uniforms(n, o).map((p) => mu + sigma * inverseNormal(p));
}

function uniforms(n: number, o: FrequencySampling): F {
  const sampling = o.sampling === undefined ? 'quantiles' : checkOneOf('options.sampling', o.sampling, ['quantiles', 'random']);
  if (o.seed !== undefined) checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  if (sampling === 'quantiles') return Float64Array.from({ length: n }, (_, i) => (i + 0.5) / n);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  const rng = createRandom(seed);
  // (0, 1) open: tan(±π/2) is infinite
  return Float64Array.from({ length: n }, () => {
    let p = rng.uniform();
    while (p === 0) p = rng.uniform();
    return p;
  });
}

/** Φ⁻¹(p): P. J. Acklam's rational approximation (2003), relative error < 1.15e-9. */
function inverseNormal(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const cc = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((cc[0]! * q + cc[1]!) * q + cc[2]!) * q + cc[3]!) * q + cc[4]!) * q + cc[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -inverseNormal(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** A frequency density for the N → ∞ theory: symmetric about 0 and unimodal. */
export type FrequencyDistribution =
  | { readonly kind: 'lorentzian'; readonly width?: number }
  | { readonly kind: 'gaussian'; readonly std?: number }
  | { readonly kind: 'density'; readonly density: (omega: number) => number };

function densityOf(distribution: FrequencyDistribution): { g: (w: number) => number; g0: number; lorentzian?: number } {
  if (distribution === null || typeof distribution !== 'object') invalid('distribution', "{ kind: 'lorentzian' | 'gaussian' | 'density', ... }", distribution);
  const kind = checkOneOf('distribution.kind', distribution.kind, ['lorentzian', 'gaussian', 'density']);
  if (kind === 'lorentzian') {
    const d = distribution as { width?: number };
    const gamma = d.width === undefined ? 1 : checkPositive('distribution.width', d.width);
    return { g: (w) => gamma / (Math.PI * (w * w + gamma * gamma)), g0: 1 / (Math.PI * gamma), lorentzian: gamma };
  }
  if (kind === 'gaussian') {
    const d = distribution as { std?: number };
    const s = d.std === undefined ? 1 : checkPositive('distribution.std', d.std);
    const k = 1 / (s * Math.sqrt(2 * Math.PI));
    return { g: (w) => k * Math.exp(-(w * w) / (2 * s * s)), g0: k };
  }
  const g = (distribution as { density: (w: number) => number }).density;
  if (typeof g !== 'function') invalid('distribution.density', 'a function ω ↦ g(ω)', g);
  let g0: number;
  try {
    g0 = g(0);
  } catch (e) {
    throw callbackFailed('distribution.density', e);
  }
  // K_c = 2/(π g(0)) must be finite too: a g(0) so small that it overflows is no density to analyse.
  if (typeof g0 !== 'number' || !(g0 > 0) || !Number.isFinite(g0) || !Number.isFinite(2 / (Math.PI * g0)))
    invalid('distribution.density', 'a density with 0 < g(0) < ∞ and a finite K_c = 2/(π g(0))', g0);
  const checked = (w: number): number => {
    const v = g(w);
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v))
      invalid('distribution.density', `a density with finite values ≥ 0 (g(${w}) = ${v})`, v, 'NON_FINITE_INPUT');
    return v;
  };
  return { g: checked, g0 };
}

/**
 * Kuramoto's critical coupling K_c = 2/(π g(0)) for a symmetric unimodal frequency density g:
 * 2γ for the Lorentzian of half-width γ, σ√(8/π) ≈ 1.5958σ for N(0, σ²).
 *
 * @example
 * ```ts
 * kuramotoCriticalCoupling({ kind: 'gaussian' }); // 1.5957691…
 * ```
 */
export function kuramotoCriticalCoupling(distribution: FrequencyDistribution): number {
  return 2 / (Math.PI * densityOf(distribution).g0);
}

/**
 * The N → ∞ order parameter of the partially locked state: r = 0 for K ≤ K_c, else the root
 * r ∈ (0, 1] of Kuramoto's self-consistency equation 1 = K ∫_{−π/2}^{π/2} cos²θ g(K r sin θ) dθ
 * (bisection on a 2000-panel Simpson rule); for the Lorentzian the closed form √(1 − 2γ/K).
 *
 * @example
 * ```ts
 * kuramotoOrderParameter(2, { kind: 'lorentzian', width: 0.5 }); // √(1 − 1/2) = 0.7071
 * ```
 */
export function kuramotoOrderParameter(coupling: number, distribution: FrequencyDistribution): number {
  const K = checkNonNegative('coupling', coupling);
  const { g, g0, lorentzian } = densityOf(distribution);
  const Kc = 2 / (Math.PI * g0);
  if (K <= Kc) return 0;
  if (lorentzian !== undefined) return Math.sqrt(1 - (2 * lorentzian) / K);
  const panels = 2000;
  const lhs = (r: number): number => {
    const hh = Math.PI / panels;
    let s = 0;
    for (let i = 0; i <= panels; i++) {
      const th = -Math.PI / 2 + i * hh;
      const w = i === 0 || i === panels ? 1 : i % 2 === 1 ? 4 : 2;
      const c = Math.cos(th);
      s += w * c * c * g(K * r * Math.sin(th));
    }
    return (K * s * hh) / 3 - 1;
  };
  // lhs decreases in r for unimodal g: lhs(0⁺) = K/K_c − 1 > 0.
  let lo = 0;
  let hi = 1;
  if (lhs(hi) > 0) return 1;
  for (let it = 0; it < 60; it++) {
    const mid = 0.5 * (lo + hi);
    if (lhs(mid) > 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * An Erdős–Rényi random graph G(N, p) as a symmetric 0/1 adjacency matrix without self-loops
 * (each of the N(N − 1)/2 edges present with probability p, seeded).
 *
 * @example
 * ```ts
 * const A = erdosRenyiGraph({ nodes: 500, probability: 0.2, seed: 1 }); // mean degree ≈ 100
 * const p = kuramoto({ frequencies: gaussianFrequencies(500), coupling: 2, graph: A });
 * ```
 */
export function erdosRenyiGraph(options: { nodes: number; probability: number; seed?: number }): CsrMatrix {
  const o = checkOptions('options', options, ['nodes', 'probability', 'seed']);
  const n = checkInteger('options.nodes', o.nodes, { min: 1 });
  const p = checkInRange('options.probability', o.probability, 0, 1);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  const rng = createRandom(seed);
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (rng.uniform() < p) {
        rows.push(i, j);
        cols.push(j, i);
      }
    }
  }
  return csrFromTriplets(n, n, rows, cols, new Float64Array(rows.length).fill(1));
}

/**
 * N phases drawn uniformly from [0, 2π) (seeded): the incoherent start of a Kuramoto run.
 *
 * @example
 * ```ts
 * const theta0 = randomPhases(1000, 7);
 * ```
 */
export function randomPhases(n: number, seed = 0): F {
  checkInteger('n', n, { min: 1 });
  checkInteger('seed', seed, { min: 0, max: 2 ** 32 - 1 });
  return createRandom(seed).fillUniform(new Float64Array(n), 0, 2 * Math.PI);
}

/** Options of {@link kuramotoSweep}. */
export interface KuramotoSweepOptions {
  readonly frequencies: ArrayLike<number>;
  /** The couplings K to measure at. */
  readonly couplings: ArrayLike<number>;
  readonly graph?: CsrMatrix;
  readonly normalization?: 'size' | 'mean-degree';
  /** Fixed step of the integrator. */
  readonly h: number;
  /** Time integrated before r is averaged (default 100). */
  readonly transient?: number;
  /** Time over which r is averaged (default 100). */
  readonly duration?: number;
  /** Seed of the random initial phases (default 0). */
  readonly seed?: number;
  /** Start each K from the final phases of the previous one (default false: a fresh random start). */
  readonly continuation?: boolean;
  readonly signal?: AbortSignal;
}

/** One point of r(K). */
export interface KuramotoSweepPoint {
  readonly coupling: number;
  /** Time mean of r over the measured span. */
  readonly r: number;
  /** Standard deviation of r(t) over the span (finite-N fluctuations). */
  readonly std: number;
}

/**
 * The order parameter curve r(K): for each coupling, integrate the Kuramoto model from random
 * phases (or from the previous K's end state) with `integrator`, discard `transient`, and
 * average r(t) over `duration`, read by an Observer at every step. At finite N the curve is
 * the N → ∞ theory ({@link kuramotoOrderParameter}) up to fluctuations of order 1/√N.
 *
 * @example
 * ```ts
 * import { createRk4 } from '@phaseflow/runge-kutta';
 * const curve = kuramotoSweep(createRk4(), { frequencies: lorentzianFrequencies(500, { width: 0.5 }), couplings: [0.5, 1.5, 2, 3], h: 0.05 });
 * curve.map((p) => p.r); // ≈ [O(1/√N), 0.577, 0.707, 0.816]
 * ```
 */
export function kuramotoSweep(integrator: Integrator<OdeProblem<F>, F>, options: KuramotoSweepOptions): KuramotoSweepPoint[] {
  const o = checkOptions('options', options, [
    'frequencies',
    'couplings',
    'graph',
    'normalization',
    'h',
    'transient',
    'duration',
    'seed',
    'continuation',
    'signal',
  ]);
  checkFiniteArray('options.couplings', o.couplings);
  if (o.couplings.length === 0) invalid('options.couplings', 'at least one coupling strength', o.couplings);
  checkFiniteArray('options.frequencies', o.frequencies);
  if (o.normalization !== undefined) checkOneOf('options.normalization', o.normalization, ['size', 'mean-degree']);
  if (o.continuation !== undefined && typeof o.continuation !== 'boolean') invalid('options.continuation', 'true or false', o.continuation);
  const h = checkPositive('options.h', o.h);
  const transient = o.transient === undefined ? 100 : checkNonNegative('options.transient', o.transient);
  const duration = o.duration === undefined ? 100 : checkPositive('options.duration', o.duration);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  const n = o.frequencies.length;
  let theta = randomPhases(Math.max(1, n), seed);
  const out: KuramotoSweepPoint[] = [];
  for (let i = 0; i < o.couplings.length; i++) {
    const K = o.couplings[i]!;
    const problem = kuramoto({
      frequencies: o.frequencies,
      coupling: K,
      ...(o.graph !== undefined && { graph: o.graph }),
      ...(o.normalization !== undefined && { normalization: o.normalization }),
    });
    const start = o.continuation ? theta : randomPhases(n, seed + i);
    const common = { h, ...(o.signal !== undefined && { signal: o.signal }) };
    const warm = transient > 0 ? integrate(integrator, problem, start, { ...common, tEnd: transient }).yFinal : start;
    let sum = 0;
    let sum2 = 0;
    let count = 0;
    const add = (state: F): void => {
      const r = orderParameter(state).r;
      sum += r;
      sum2 += r * r;
      count++;
    };
    add(warm);
    const sol = integrate(integrator, problem, warm, {
      ...common,
      t0: transient,
      tEnd: transient + duration,
      observers: [{ name: 'order-parameter', on: { step: (e) => add(e.state as F) } }],
    });
    theta = sol.yFinal;
    const mean = sum / count;
    if (!Number.isFinite(mean))
      throw new PhaseflowError('NON_FINITE_STATE', `kuramotoSweep: r became non-finite at K = ${K}`, { argument: `options.couplings[${i}]` });
    out.push({ coupling: K, r: mean, std: Math.sqrt(Math.max(0, sum2 / count - mean * mean)) });
  }
  return out;
}
