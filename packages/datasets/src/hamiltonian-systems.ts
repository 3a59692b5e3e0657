/**
 * Hamiltonian systems as data sources: the Hamiltonian, its exact vector field
 * (dq/dt, dp/dt) = (∂H/∂p, −∂H/∂q) on the flat state y = (q, p) ∈ ℝ^{2d}, an ODE problem for
 * core's `integrate`, a default initial state and the initial-condition distribution used when
 * drawing samples for Hamiltonian neural networks (Greydanus, Dzamba & Yosinski 2019).
 *
 * The physics lives in @phaseflow/problems (harmonic oscillator, pendulum, double pendulum,
 * Kepler, Hénon–Heiles, outer solar system); {@link fromReferenceProblem} adapts any of them to
 * the flat state, and this file adds only the sampling distributions.
 */
import {
  checkFiniteArray,
  checkFunction,
  checkOptions,
  invalid,
  odeProblem,
  type HamiltonianProblem,
  type OdeProblem,
  type PhaseState,
  type Random,
  type SeparableHamiltonianProblem,
} from '@phaseflow/core';
import { doublePendulum, harmonicOscillator, henonHeiles, kepler, pendulum } from '@phaseflow/problems';
import { positiveArg, randomArg, vectorArg } from './internal/args.js';

/**
 * A Hamiltonian system with d degrees of freedom on the flat state y = (q₁…q_d, p₁…p_d).
 *
 * @example
 * ```ts
 * const sys = pendulumSystem();
 * sys.energy(Float64Array.of(0.5, 0)); // −cos 0.5
 * ```
 */
export interface FlatHamiltonianSystem {
  readonly name: string;
  /** Degrees of freedom d (the state has 2d entries). */
  readonly degrees: number;
  /** Names of the 2d state components, q's then p's. */
  readonly labels: readonly string[];
  /** H(q, p) at the flat state y. */
  energy(y: ArrayLike<number>): number;
  /** (dq/dt, dp/dt) = (∂H/∂p, −∂H/∂q) at y, written into `out` when given. */
  vectorField(y: ArrayLike<number>, out?: Float64Array): Float64Array;
  /** y' = vectorField(y) as a core ODE problem (with `energy`), for `integrate`. */
  readonly problem: OdeProblem<Float64Array>;
  /** A default initial state for trajectories. */
  readonly initial: Float64Array;
  /** Draw an initial state from this system's sampling distribution (documented per system). */
  sampleInitial(rng: Random): Float64Array;
}

/**
 * The system with its public methods checking their arguments (a state of 2·degrees finite
 * numbers, an output of that length, a random source); the problem's field, called by the
 * integrators on every stage, reads the unchecked forms.
 */
function build(spec: Omit<FlatHamiltonianSystem, 'problem'>): FlatHamiltonianSystem {
  const problem = odeProblem((_t, y, out) => spec.vectorField(y, out), { name: spec.name, energy: (y) => spec.energy(y) });
  const dim = 2 * spec.degrees;
  const state = (y: unknown) => {
    const a = checkFiniteArray<ArrayLike<number>>('y', y);
    if (a.length !== dim) invalid('y', `a state (q, p) of ${dim} numbers`, y, 'SHAPE_MISMATCH');
    return a;
  };
  return {
    ...spec,
    problem,
    energy: (y) => spec.energy(state(y)),
    vectorField: (y, out) => {
      const a = state(y);
      if (out === undefined) return spec.vectorField(a);
      if (!(out instanceof Float64Array) || out.length !== dim)
        invalid('out', `a Float64Array of ${dim} numbers`, out, out instanceof Float64Array ? 'SHAPE_MISMATCH' : 'INVALID_ARGUMENT');
      return spec.vectorField(a, out);
    },
    sampleInitial: (rng) => {
      randomArg('rng', rng);
      return spec.sampleInitial(rng);
    },
  };
}

/**
 * What {@link fromReferenceProblem} accepts: a Hamiltonian reference problem of
 * @phaseflow/problems (separable or not), or anything shaped so.
 */
export interface HamiltonianSource {
  readonly name: string;
  readonly problem: SeparableHamiltonianProblem<Float64Array> | HamiltonianProblem<Float64Array>;
  y0(): PhaseState<Float64Array>;
}

/**
 * Adapt a Hamiltonian reference problem of @phaseflow/problems (`harmonicOscillator()`,
 * `pendulum()`, `kepler()`, `henonHeiles()`, `outerSolarSystem()`, `doublePendulum()`, or your
 * own `{ name, problem, y0 }`) to the flat state y = (q, p): q' = ∂H/∂p, p' = −∂H/∂q (for a
 * separable H = T(p) + V(q): q' = ∂T/∂p, p' = −∂V/∂q).
 * Without `sampleInitial`, samples are the system's initial state with each component scaled
 * by (1 + 0.05·N(0, 1)) — relative noise, so systems with very different scales (the outer
 * solar system's momenta are ~1e-6) stay physical.
 *
 * @example
 * ```ts
 * import { outerSolarSystem } from '@phaseflow/problems';
 * const sys = fromReferenceProblem(outerSolarSystem());
 * const orbit = hamiltonianTrajectory(sys, { n: 500, dt: 50, substeps: 50 });
 * ```
 */
export function fromReferenceProblem(
  source: HamiltonianSource,
  options: { readonly labels?: readonly string[]; readonly initial?: ArrayLike<number>; readonly sampleInitial?: (rng: Random) => Float64Array } = {},
): FlatHamiltonianSystem {
  const kind = source?.problem?.kind;
  if (source === null || typeof source !== 'object' || typeof source.y0 !== 'function' || (kind !== 'separable-hamiltonian' && kind !== 'hamiltonian')) {
    invalid('source', 'a Hamiltonian reference problem { name, problem, y0() } (e.g. pendulum() from @phaseflow/problems)', source);
  }
  const o = checkOptions('options', options, ['labels', 'initial', 'sampleInitial']);
  const pr = source.problem;
  const y0 = source.y0();
  const d = y0.q.length;
  const labels =
    o.labels !== undefined
      ? o.labels
      : [...Array.from({ length: d }, (_, i) => (d === 1 ? 'q' : `q${i + 1}`)), ...Array.from({ length: d }, (_, i) => (d === 1 ? 'p' : `p${i + 1}`))];
  if (!Array.isArray(labels) || labels.length !== 2 * d)
    invalid('options.labels', `${2 * d} names`, labels, Array.isArray(labels) ? 'SHAPE_MISMATCH' : 'INVALID_ARGUMENT');
  labels.forEach((l: unknown, i) => {
    if (typeof l !== 'string' || l.length === 0) invalid(`options.labels[${i}]`, 'a non-empty name', l);
  });
  const userSample = o.sampleInitial === undefined ? undefined : checkFunction<(rng: Random) => Float64Array>('options.sampleInitial', o.sampleInitial);
  const initial = o.initial === undefined ? Float64Array.from([...y0.q, ...y0.p]) : vectorArg('options.initial', o.initial, 2 * d);
  const q = new Float64Array(d),
    p = new Float64Array(d),
    dq = new Float64Array(d),
    dv = new Float64Array(d);
  const split = (y: ArrayLike<number>) => {
    for (let i = 0; i < d; i++) {
      q[i] = y[i]!;
      p[i] = y[d + i]!;
    }
  };
  // dq = ∂H/∂p, dv = ∂H/∂q at (q, p)
  const gradients =
    pr.kind === 'hamiltonian'
      ? () => {
          pr.dHdp(q, p, dq);
          pr.dHdq(q, p, dv);
        }
      : () => {
          pr.dTdp(p, dq);
          pr.dVdq(q, dv);
        };
  const energy = pr.energy ?? (pr.kind === 'separable-hamiltonian' && pr.T && pr.V ? (s: PhaseState<Float64Array>) => pr.T!(s.p) + pr.V!(s.q) : undefined);
  if (!energy) invalid('source.problem', 'a problem with an energy (H, or T and V)', pr);
  return build({
    name: source.name,
    degrees: d,
    labels,
    energy(y) {
      split(y);
      return energy({ q, p });
    },
    vectorField(y, out = new Float64Array(2 * d)) {
      split(y);
      gradients();
      for (let i = 0; i < d; i++) {
        out[i] = dq[i]!;
        out[d + i] = -dv[i]!;
      }
      return out;
    },
    initial,
    sampleInitial:
      userSample ??
      ((rng) => {
        const y = Float64Array.from(initial);
        for (let i = 0; i < y.length; i++) y[i]! *= 1 + 0.05 * rng.normal();
        return y;
      }),
  });
}

function circleSample(rng: Random, rMin: number, rMax: number): Float64Array {
  const r = rMin + (rMax - rMin) * rng.uniform();
  const phi = 2 * Math.PI * rng.uniform();
  return Float64Array.of(r * Math.cos(phi), r * Math.sin(phi));
}

/**
 * Mass–spring (harmonic) oscillator H = p²/2 + ω²q²/2 (@phaseflow/problems'
 * `harmonicOscillator`), period 2π/ω. A spring of mass m and stiffness k is ω = √(k/m) after
 * scaling p by 1/√m.
 * Sampling (as Greydanus et al.'s spring data): (q, p) = r (cos φ, sin φ), r ~ U[0.1, 1],
 * φ ~ U[0, 2π). Their H = q² + p² is ω = 1 with time scaled by 2.
 *
 * @example
 * ```ts
 * const spring = massSpringSystem({ omega: 2 }); // period π
 * ```
 */
export function massSpringSystem(options: { readonly omega?: number } = {}): FlatHamiltonianSystem {
  const o = checkOptions('options', options, ['omega']);
  const omega = positiveArg('options.omega', o.omega, 1);
  return fromReferenceProblem({ ...harmonicOscillator({ omega }), name: 'mass-spring' }, { sampleInitial: (rng) => circleSample(rng, 0.1, 1) });
}

/**
 * Mathematical pendulum H = p²/2 − cos q (@phaseflow/problems' `pendulum`); at amplitude
 * θ₀ the period is 4K(sin(θ₀/2)), 2π for small swings; the separatrix is at H = 1.
 * Sampling: (q, p) = r (cos φ, sin φ), r ~ U[0.5, 1.8], φ ~ U[0, 2π) — librations only
 * (Greydanus et al. use H = 3(1 − cos q) + p² with r ~ U[1.3, 2.6]).
 *
 * @example
 * ```ts
 * const pend = pendulumSystem();
 * const data = hamiltonianSamples(pend, { points: 45, seed: 1 });
 * ```
 */
export function pendulumSystem(): FlatHamiltonianSystem {
  return fromReferenceProblem(pendulum(), { sampleInitial: (rng) => circleSample(rng, 0.5, 1.8) });
}

/**
 * Planar double pendulum (@phaseflow/problems' `doublePendulum`: point masses m₁, m₂ on
 * massless rods l₁, l₂, angles from the vertical, canonical momenta p₁, p₂), not separable.
 * Default start θ = (π/2, π/2), p = 0.
 * Sampling: θ₁, θ₂ ~ U[−π/2, π/2], p = 0 (released from rest).
 *
 * @example
 * ```ts
 * const dp = doublePendulumSystem();
 * const series = hamiltonianTrajectory(dp, { n: 2000, dt: 0.01 });
 * ```
 */
export function doublePendulumSystem(
  options: {
    readonly masses?: readonly [number, number];
    readonly lengths?: readonly [number, number];
    readonly gravity?: number;
  } = {},
): FlatHamiltonianSystem {
  const o = checkOptions('options', options, ['masses', 'lengths', 'gravity']);
  return fromReferenceProblem(doublePendulum({ masses: o.masses, lengths: o.lengths, gravity: o.gravity }), {
    labels: ['θ1', 'θ2', 'p1', 'p2'],
    sampleInitial: (rng) => Float64Array.of(rng.uniformIn(-Math.PI / 2, Math.PI / 2), rng.uniformIn(-Math.PI / 2, Math.PI / 2), 0, 0),
  });
}

/**
 * Kepler problem (the two-body problem in relative coordinates), H = |p|²/2 − 1/|q|, from
 * @phaseflow/problems' `kepler({ e })`: semi-major axis 1, period 2π, start at periapsis
 * (default e = 0.6, Hairer, Lubich & Wanner's GNI §I.2 example).
 * Sampling: e ~ U[0, 0.5] and periapsis direction φ ~ U[0, 2π), starting at periapsis.
 *
 * @example
 * ```ts
 * const orbit = hamiltonianTrajectory(keplerSystem(), { n: 629, dt: 0.01 }); // one period
 * ```
 */
export function keplerSystem(options: { readonly e?: number } = {}): FlatHamiltonianSystem {
  const o = checkOptions('options', options, ['e']);
  const atPeriapsis = (e: number, phi: number) => {
    const v = Math.sqrt((1 + e) / (1 - e));
    const c = Math.cos(phi),
      s = Math.sin(phi);
    return Float64Array.of((1 - e) * c, (1 - e) * s, -v * s, v * c);
  };
  return fromReferenceProblem(
    { ...kepler({ e: o.e === undefined ? 0.6 : o.e }), name: 'kepler' },
    {
      sampleInitial: (rng) => atPeriapsis(0.5 * rng.uniform(), 2 * Math.PI * rng.uniform()),
    },
  );
}

/**
 * Hénon–Heiles system (Hénon & Heiles 1964; @phaseflow/problems' `henonHeiles`), q = (x, y),
 * H = ½(p_x² + p_y²) + ½(x² + y²) + x²y − y³/3. Bounded motion for H < 1/6; chaos grows from
 * H ≈ 1/8. Default start q = (0.1, 0), p = (0, 0.5), H = 0.13.
 * Sampling: H ~ U[1/50, 1/8], q uniform in the disc |q| < 0.4 with V(q) < H (rejection),
 * |p| = √(2(H − V(q))) in a uniform direction.
 *
 * @example
 * ```ts
 * const hh = hamiltonianTrajectory(henonHeilesSystem(), { n: 4000, dt: 0.05 });
 * ```
 */
export function henonHeilesSystem(): FlatHamiltonianSystem {
  const hh = henonHeiles();
  const V = (x: number, y: number) => hh.problem.V!(Float64Array.of(x, y));
  return fromReferenceProblem(hh, {
    labels: ['x', 'y', 'px', 'py'],
    sampleInitial(rng) {
      const E = 1 / 50 + (1 / 8 - 1 / 50) * rng.uniform();
      let x: number, y: number;
      do {
        const r = 0.4 * Math.sqrt(rng.uniform()),
          a = 2 * Math.PI * rng.uniform();
        x = r * Math.cos(a);
        y = r * Math.sin(a);
      } while (V(x, y) >= E);
      const pr = Math.sqrt(2 * (E - V(x, y))),
        b = 2 * Math.PI * rng.uniform();
      return Float64Array.of(x, y, pr * Math.cos(b), pr * Math.sin(b));
    },
  });
}
