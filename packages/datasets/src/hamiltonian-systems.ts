/**
 * Hamiltonian reference systems as plain descriptions: the Hamiltonian, its exact vector field
 * (dq/dt, dp/dt) = (∂H/∂p, −∂H/∂q) on the flat state y = (q, p) ∈ ℝ^{2d}, an ODE problem for
 * core's `integrate`, a default initial state and the initial-condition distribution used when
 * drawing samples for Hamiltonian neural networks (Greydanus, Dzamba & Yosinski 2019).
 */
import { checkOptions, invalid, odeProblem, type OdeProblem, type Random } from '@phaseflow/core';
import { positiveArg } from './internal/args.js';

/**
 * A Hamiltonian system with d degrees of freedom on the flat state y = (q₁…q_d, p₁…p_d).
 *
 * @example
 * ```ts
 * const sys = pendulumSystem();
 * sys.energy(Float64Array.of(0.5, 0)); // 1 − cos 0.5
 * ```
 */
export interface HamiltonianSystem {
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

function build(spec: Omit<HamiltonianSystem, 'problem'>): HamiltonianSystem {
  const problem = odeProblem((_t, y, out) => spec.vectorField(y, out), { name: spec.name, energy: (y) => spec.energy(y) });
  return { ...spec, problem };
}

/**
 * Mass–spring oscillator, H = p²/(2m) + k q²/2; period 2π√(m/k).
 * Sampling (as Greydanus et al.'s spring data): (q, p) = r (cos φ, sin φ), r ~ U[0.1, 1],
 * φ ~ U[0, 2π).
 *
 * @example
 * ```ts
 * const spring = massSpringSystem({ mass: 1, stiffness: 4 }); // period π
 * ```
 */
export function massSpringSystem(options: { readonly mass?: number; readonly stiffness?: number } = {}): HamiltonianSystem {
  const o = checkOptions('options', options, ['mass', 'stiffness']);
  const m = positiveArg('options.mass', o.mass, 1);
  const k = positiveArg('options.stiffness', o.stiffness, 1);
  return build({
    name: 'mass-spring',
    degrees: 1,
    labels: ['q', 'p'],
    energy: (y) => (y[1]! * y[1]!) / (2 * m) + 0.5 * k * y[0]! * y[0]!,
    vectorField(y, out = new Float64Array(2)) {
      const q = y[0]!, p = y[1]!;
      out[0] = p / m;
      out[1] = -k * q;
      return out;
    },
    initial: Float64Array.of(1, 0),
    sampleInitial: (rng) => circleSample(rng, 0.1, 1),
  });
}

function circleSample(rng: Random, rMin: number, rMax: number): Float64Array {
  const r = rMin + (rMax - rMin) * rng.uniform();
  const phi = 2 * Math.PI * rng.uniform();
  return Float64Array.of(r * Math.cos(phi), r * Math.sin(phi));
}

/**
 * Ideal pendulum, H = p²/(2 m l²) + m g l (1 − cos q) (q the angle from the bottom).
 * Small-amplitude period 2π√(l/g); at amplitude θ₀ the period is 4K(sin(θ₀/2))√(l/g).
 * Sampling: (q, p) = r (cos φ, sin φ), r ~ U[0.5, 1.8], φ ~ U[0, 2π) — librations only for the
 * default m = l = g = 1 (the separatrix is at H = 2). Greydanus et al. use H = 3(1 − cos q) + p²
 * (m l² = ½, m g l = 3), i.e. `{ mass: 0.5, length: 1, gravity: 6 }`, with r ~ U[1.3, 2.6]; pass
 * those parameters and your own initial states to `hamiltonianSamples` to mimic it exactly.
 *
 * @example
 * ```ts
 * const pend = pendulumSystem({ gravity: 9.81, length: 1 });
 * ```
 */
export function pendulumSystem(
  options: { readonly mass?: number; readonly length?: number; readonly gravity?: number } = {},
): HamiltonianSystem {
  const o = checkOptions('options', options, ['mass', 'length', 'gravity']);
  const m = positiveArg('options.mass', o.mass, 1);
  const l = positiveArg('options.length', o.length, 1);
  const g = positiveArg('options.gravity', o.gravity, 1);
  const inertia = m * l * l, mgl = m * g * l;
  return build({
    name: 'pendulum',
    degrees: 1,
    labels: ['q', 'p'],
    energy: (y) => (y[1]! * y[1]!) / (2 * inertia) + mgl * (1 - Math.cos(y[0]!)),
    vectorField(y, out = new Float64Array(2)) {
      const q = y[0]!, p = y[1]!;
      out[0] = p / inertia;
      out[1] = -mgl * Math.sin(q);
      return out;
    },
    initial: Float64Array.of(1, 0),
    sampleInitial: (rng) => circleSample(rng, 0.5, 1.8),
  });
}

/**
 * Planar double pendulum (point masses m₁, m₂ on massless rods l₁, l₂; angles from the
 * vertical; canonical momenta p₁, p₂). With Δ = θ₁ − θ₂ and D = m₁ + m₂ sin²Δ,
 * H = [m₂ l₂² p₁² + (m₁+m₂) l₁² p₂² − 2 m₂ l₁ l₂ p₁ p₂ cos Δ] / [2 m₂ l₁² l₂² D]
 *     − (m₁+m₂) g l₁ cos θ₁ − m₂ g l₂ cos θ₂.
 * Not separable. Sampling: θ₁, θ₂ ~ U[−π/2, π/2], p = 0 (released from rest).
 * Source: Goldstein, Classical Mechanics; the equations as in Hairer, Lubich & Wanner's examples.
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
): HamiltonianSystem {
  const o = checkOptions('options', options, ['masses', 'lengths', 'gravity']);
  const pair = (arg: string, v: unknown): [number, number] => {
    if (v === undefined) return [1, 1];
    if (!Array.isArray(v) || v.length !== 2) invalid(arg, 'two positive numbers [a, b]', v);
    return [positiveArg(`${arg}[0]`, v[0], 1), positiveArg(`${arg}[1]`, v[1], 1)];
  };
  const [m1, m2] = pair('options.masses', o.masses);
  const [l1, l2] = pair('options.lengths', o.lengths);
  const g = positiveArg('options.gravity', o.gravity, 1);
  const M = m1 + m2;
  return build({
    name: 'double-pendulum',
    degrees: 2,
    labels: ['θ1', 'θ2', 'p1', 'p2'],
    energy(y) {
      const [t1, t2, p1, p2] = [y[0]!, y[1]!, y[2]!, y[3]!];
      const d = t1 - t2, c = Math.cos(d), D = m1 + m2 * Math.sin(d) ** 2;
      const T = (m2 * l2 * l2 * p1 * p1 + M * l1 * l1 * p2 * p2 - 2 * m2 * l1 * l2 * p1 * p2 * c) / (2 * m2 * l1 * l1 * l2 * l2 * D);
      return T - M * g * l1 * Math.cos(t1) - m2 * g * l2 * Math.cos(t2);
    },
    vectorField(y, out = new Float64Array(4)) {
      const t1 = y[0]!, t2 = y[1]!, p1 = y[2]!, p2 = y[3]!;
      const d = t1 - t2, c = Math.cos(d), s = Math.sin(d), D = m1 + m2 * s * s;
      const c1 = (p1 * p2 * s) / (l1 * l2 * D);
      const c2 =
        ((m2 * l2 * l2 * p1 * p1 + M * l1 * l1 * p2 * p2 - 2 * m2 * l1 * l2 * p1 * p2 * c) * Math.sin(2 * d)) /
        (2 * l1 * l1 * l2 * l2 * D * D);
      out[0] = (l2 * p1 - l1 * p2 * c) / (l1 * l1 * l2 * D);
      out[1] = (M * l1 * p2 - m2 * l2 * p1 * c) / (m2 * l1 * l2 * l2 * D);
      out[2] = -M * g * l1 * Math.sin(t1) - c1 + c2;
      out[3] = -m2 * g * l2 * Math.sin(t2) + c1 - c2;
      return out;
    },
    initial: Float64Array.of(Math.PI / 2, Math.PI / 2, 0, 0),
    sampleInitial: (rng) => Float64Array.of(rng.uniformIn(-Math.PI / 2, Math.PI / 2), rng.uniformIn(-Math.PI / 2, Math.PI / 2), 0, 0),
  });
}

/**
 * Kepler problem (the two-body problem in relative coordinates), q, p ∈ ℝ²,
 * H = |p|²/2 − μ/|q|. The default initial state is Hairer, Lubich & Wanner's (GNI §I.2):
 * eccentricity e = 0.6, q = (1 − e, 0), p = (0, √((1+e)/(1−e))), period 2π.
 * Sampling: semi-major axis 1, e ~ U[0, 0.5], periapsis direction φ ~ U[0, 2π), starting at
 * periapsis.
 *
 * @example
 * ```ts
 * const orbit = hamiltonianTrajectory(keplerSystem(), { n: 629, dt: 0.01 }); // one period
 * ```
 */
export function keplerSystem(options: { readonly mu?: number } = {}): HamiltonianSystem {
  const o = checkOptions('options', options, ['mu']);
  const mu = positiveArg('options.mu', o.mu, 1);
  const atPeriapsis = (e: number, phi: number) => {
    const v = Math.sqrt((mu * (1 + e)) / (1 - e));
    const c = Math.cos(phi), s = Math.sin(phi);
    return Float64Array.of((1 - e) * c, (1 - e) * s, -v * s, v * c);
  };
  return build({
    name: 'kepler',
    degrees: 2,
    labels: ['q1', 'q2', 'p1', 'p2'],
    energy: (y) => 0.5 * (y[2]! * y[2]! + y[3]! * y[3]!) - mu / Math.hypot(y[0]!, y[1]!),
    vectorField(y, out = new Float64Array(4)) {
      const q1 = y[0]!, q2 = y[1]!;
      const r2 = q1 * q1 + q2 * q2, r3 = r2 * Math.sqrt(r2);
      out[0] = y[2]!;
      out[1] = y[3]!;
      out[2] = (-mu * q1) / r3;
      out[3] = (-mu * q2) / r3;
      return out;
    },
    initial: atPeriapsis(0.6, 0),
    sampleInitial: (rng) => atPeriapsis(0.5 * rng.uniform(), 2 * Math.PI * rng.uniform()),
  });
}

/**
 * Hénon–Heiles system (Hénon & Heiles 1964), q = (x, y),
 * H = ½(p_x² + p_y²) + ½(x² + y²) + x²y − y³/3. Bounded motion for H < 1/6; chaos grows
 * from H ≈ 1/8. Default initial state: q = (0, 0.1), p_y = 0, p_x from H = 1/8.
 * Sampling: H ~ U[1/50, 1/8], q uniform in the disc |q| < 0.4 with V(q) < H (rejection),
 * |p| = √(2(H − V(q))) in a uniform direction.
 *
 * @example
 * ```ts
 * const hh = hamiltonianTrajectory(henonHeilesSystem(), { n: 4000, dt: 0.05 });
 * ```
 */
export function henonHeilesSystem(): HamiltonianSystem {
  const V = (x: number, y: number) => 0.5 * (x * x + y * y) + x * x * y - (y * y * y) / 3;
  return build({
    name: 'henon-heiles',
    degrees: 2,
    labels: ['x', 'y', 'px', 'py'],
    energy: (s) => 0.5 * (s[2]! * s[2]! + s[3]! * s[3]!) + V(s[0]!, s[1]!),
    vectorField(s, out = new Float64Array(4)) {
      const x = s[0]!, y = s[1]!;
      out[0] = s[2]!;
      out[1] = s[3]!;
      out[2] = -x - 2 * x * y;
      out[3] = -y - x * x + y * y;
      return out;
    },
    initial: Float64Array.of(0, 0.1, Math.sqrt(2 * (1 / 8 - V(0, 0.1))), 0),
    sampleInitial(rng) {
      const E = 1 / 50 + (1 / 8 - 1 / 50) * rng.uniform();
      let x: number, y: number;
      do {
        const r = 0.4 * Math.sqrt(rng.uniform()), a = 2 * Math.PI * rng.uniform();
        x = r * Math.cos(a);
        y = r * Math.sin(a);
      } while (V(x, y) >= E);
      const pr = Math.sqrt(2 * (E - V(x, y))), b = 2 * Math.PI * rng.uniform();
      return Float64Array.of(x, y, pr * Math.cos(b), pr * Math.sin(b));
    },
  });
}
