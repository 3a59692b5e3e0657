/**
 * Hamiltonian reference problems, each a core separable Hamiltonian with its initial state,
 * energy and (where one exists in closed form) exact solution. This is the one place they
 * live; @phaseflow/datasets re-exports them.
 */
import {
  checkFinite,
  checkInRange,
  checkOptions,
  checkPositive,
  separableHamiltonian,
  type PhaseState,
  type SeparableHamiltonianProblem,
} from '@phaseflow/core';

type F = Float64Array;

/**
 * A Hamiltonian system ready to run: problem, initial state, energy, and the exact solution
 * when there is one. Shaped like the testkit's `ReferenceProblem`, so systems with `exact`
 * plug straight into `runConformance({ problems: [...] })`.
 */
export interface HamiltonianSystem {
  readonly name: string;
  readonly problem: SeparableHamiltonianProblem<F> & { readonly energy: (y: PhaseState<F>) => number };
  /** A fresh copy of the initial state. */
  y0(): PhaseState<F>;
  /** Build a state from its flattened numbers [q…, p…]. */
  fromFlat(v: F): PhaseState<F>;
  /** A natural time span (one period where there is one). */
  readonly tEnd: number;
  /** True: (q, p) are canonical coordinates. */
  readonly hamiltonian: true;
  /** H(q, p). */
  energy(y: PhaseState<F>): number;
  /** The exact solution at time t, flattened as [q…, p…], when known in closed form. */
  exact?(t: number): F;
  /** Indices of the flattened state flipped by the reversing symmetry (q, p) ↦ (q, −p). */
  readonly reversingDims?: readonly number[];
}

const phaseOf = (v: F): PhaseState<F> => ({ q: v.slice(0, v.length / 2), p: v.slice(v.length / 2) });
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

function finite2(argument: string, v: unknown): [number, number] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) && !(v instanceof Float64Array)) checkFinite(argument, v);
  const a = v as ArrayLike<number>;
  if (a.length !== 2) checkInRange(`${argument}.length`, a.length, 2, 2);
  return [checkFinite(`${argument}[0]`, a[0]), checkFinite(`${argument}[1]`, a[1])];
}

/**
 * Harmonic oscillator H = p²/2 + ω²q²/2 in one degree of freedom, exact solution
 * q(t) = q₀cos ωt + (p₀/ω) sin ωt.
 *
 * @example
 * ```ts
 * const ho = harmonicOscillator({ omega: 2 });
 * integrate(createStormerVerlet(), ho.problem, ho.y0(), { tEnd: ho.tEnd, h: 0.01 });
 * ```
 */
export function harmonicOscillator(options: { omega?: number; q0?: number; p0?: number } = {}): HamiltonianSystem {
  const o = checkOptions('options', options, ['omega', 'q0', 'p0']);
  const w = o.omega === undefined ? 1 : checkPositive('options.omega', o.omega);
  const q0 = o.q0 === undefined ? 1 : checkFinite('options.q0', o.q0);
  const p0 = o.p0 === undefined ? 0 : checkFinite('options.p0', o.p0);
  const w2 = w * w;
  const problem = separableHamiltonian<F>({
    name: `harmonic-oscillator(omega=${w})`,
    dTdp: (p, out = new Float64Array(1)) => ((out[0] = p[0]!), out),
    dVdq: (q, out = new Float64Array(1)) => ((out[0] = w2 * q[0]!), out),
    T: (p) => 0.5 * p[0]! * p[0]!,
    V: (q) => 0.5 * w2 * q[0]! * q[0]!,
  }) as HamiltonianSystem['problem'];
  return {
    name: problem.name!,
    problem,
    y0: () => ({ q: Float64Array.of(q0), p: Float64Array.of(p0) }),
    fromFlat: phaseOf,
    tEnd: (2 * Math.PI) / w,
    hamiltonian: true,
    energy: problem.energy,
    exact: (t) => {
      const c = Math.cos(w * t);
      const s = Math.sin(w * t);
      return Float64Array.of(q0 * c + (p0 / w) * s, -q0 * w * s + p0 * c);
    },
    reversingDims: [1],
  };
}

/**
 * Mathematical pendulum H = p²/2 − cos q (unit length, mass and gravity). Default start
 * q = 1, p = 0 (a libration of amplitude 1 rad).
 *
 * @example
 * ```ts
 * const pend = pendulum({ q0: 2.5 });
 * ```
 */
export function pendulum(options: { q0?: number; p0?: number } = {}): HamiltonianSystem {
  const o = checkOptions('options', options, ['q0', 'p0']);
  const q0 = o.q0 === undefined ? 1 : checkFinite('options.q0', o.q0);
  const p0 = o.p0 === undefined ? 0 : checkFinite('options.p0', o.p0);
  const problem = separableHamiltonian<F>({
    name: 'pendulum',
    dTdp: (p, out = new Float64Array(1)) => ((out[0] = p[0]!), out),
    dVdq: (q, out = new Float64Array(1)) => ((out[0] = Math.sin(q[0]!)), out),
    T: (p) => 0.5 * p[0]! * p[0]!,
    V: (q) => -Math.cos(q[0]!),
  }) as HamiltonianSystem['problem'];
  return { name: 'pendulum', problem, y0: () => ({ q: Float64Array.of(q0), p: Float64Array.of(p0) }), fromFlat: phaseOf, tEnd: 2 * Math.PI, hamiltonian: true, energy: problem.energy, reversingDims: [1] };
}

/**
 * Solve Kepler's equation E − e sin E = M for the eccentric anomaly by Newton's method.
 *
 * @example
 * ```ts
 * eccentricAnomaly(1, 0.5); // 1.4987011335178482
 * ```
 */
export function eccentricAnomaly(M: number, e: number): number {
  checkFinite('M', M);
  checkInRange('e', e, 0, 1 - Number.EPSILON);
  let E = e < 0.8 ? M : M + Math.sign(Math.sin(M)) * e;
  for (let i = 0; i < 60; i++) {
    const dE = (E - e * Math.sin(E) - M) / (1 - e * Math.cos(E));
    E -= dE;
    if (Math.abs(dE) <= 4e-16 * Math.max(1, Math.abs(E))) break;
  }
  return E;
}

/** A Kepler system, with its conserved angular momentum. */
export interface KeplerSystem extends HamiltonianSystem {
  readonly eccentricity: number;
  /** L = q₁p₂ − q₂p₁, conserved by the flow and exactly (to rounding) by Störmer–Verlet. */
  angularMomentum(y: PhaseState<F>): number;
  exact(t: number): F;
}

/**
 * The Kepler problem H = |p|²/2 − 1/|q| with eccentricity e, semi-major axis 1 and period 2π,
 * starting at perihelion q = (1 − e, 0), p = (0, √((1+e)/(1−e))). Exact solution through
 * Kepler's equation: q = (cos E − e, √(1−e²) sin E), p = (−sin E, √(1−e²) cos E)/(1 − e cos E).
 *
 * Source: Hairer, Lubich & Wanner, GNI §I.2.3.
 *
 * @example
 * ```ts
 * const k = kepler({ e: 0.5 });
 * const sol = integrate(createStormerVerlet(), k.problem, k.y0(), { tEnd: 100 * k.tEnd, h: 0.01 });
 * k.angularMomentum(sol.yFinal) - k.angularMomentum(k.y0()); // ~1e-15
 * ```
 */
export function kepler(options: { e?: number } = {}): KeplerSystem {
  const o = checkOptions('options', options, ['e']);
  const e = o.e === undefined ? 0.5 : checkInRange('options.e', o.e, 0, 0.99);
  const problem = separableHamiltonian<F>({
    name: `kepler(e=${e})`,
    dTdp: (p, out = new Float64Array(2)) => {
      out[0] = p[0]!;
      out[1] = p[1]!;
      return out;
    },
    dVdq: (q, out = new Float64Array(2)) => {
      const x = q[0]!;
      const y = q[1]!;
      const r2 = x * x + y * y;
      const r3 = r2 * Math.sqrt(r2);
      out[0] = x / r3;
      out[1] = y / r3;
      return out;
    },
    T: (p) => 0.5 * (p[0]! * p[0]! + p[1]! * p[1]!),
    V: (q) => -1 / Math.hypot(q[0]!, q[1]!),
  }) as HamiltonianSystem['problem'];
  const b = Math.sqrt(1 - e * e);
  const exact = (t: number) => {
    const E = eccentricAnomaly(t, e);
    const c = Math.cos(E);
    const s = Math.sin(E);
    const d = 1 - e * c;
    return Float64Array.of(c - e, b * s, -s / d, (b * c) / d);
  };
  return {
    name: problem.name!,
    problem,
    eccentricity: e,
    y0: () => phaseOf(exact(0)),
    fromFlat: phaseOf,
    tEnd: 2 * Math.PI,
    hamiltonian: true,
    energy: problem.energy,
    exact,
    angularMomentum: (y) => y.q[0]! * y.p[1]! - y.q[1]! * y.p[0]!,
    reversingDims: [2, 3],
  };
}

/**
 * Hénon–Heiles H = (p₁² + p₂²)/2 + (q₁² + q₂²)/2 + q₁²q₂ − q₂³/3. Default start
 * q = (0.1, 0), p = (0, 0.5), energy 0.13 (below the escape energy 1/6: bounded, mixed
 * regular/chaotic).
 *
 * Source: Hénon & Heiles, Astron. J. 69 (1964) 73; Hairer, Lubich & Wanner, GNI §I.3.
 *
 * @example
 * ```ts
 * const hh = henonHeiles();
 * integrate(createKahanLi8(), hh.problem, hh.y0(), { tEnd: 1000, h: 0.01 });
 * ```
 */
export function henonHeiles(options: { q0?: ArrayLike<number>; p0?: ArrayLike<number> } = {}): HamiltonianSystem {
  const o = checkOptions('options', options, ['q0', 'p0']);
  const q0 = finite2('options.q0', o.q0) ?? [0.1, 0];
  const p0 = finite2('options.p0', o.p0) ?? [0, 0.5];
  const problem = separableHamiltonian<F>({
    name: 'henon-heiles',
    dTdp: (p, out = new Float64Array(2)) => {
      out[0] = p[0]!;
      out[1] = p[1]!;
      return out;
    },
    dVdq: (q, out = new Float64Array(2)) => {
      const x = q[0]!;
      const y = q[1]!;
      out[0] = x + 2 * x * y;
      out[1] = y + x * x - y * y;
      return out;
    },
    T: (p) => 0.5 * (p[0]! * p[0]! + p[1]! * p[1]!),
    V: (q) => 0.5 * (q[0]! * q[0]! + q[1]! * q[1]!) + q[0]! * q[0]! * q[1]! - (q[1]! * q[1]! * q[1]!) / 3,
  }) as HamiltonianSystem['problem'];
  return { name: 'henon-heiles', problem, y0: () => ({ q: Float64Array.from(q0), p: Float64Array.from(p0) }), fromFlat: phaseOf, tEnd: 2 * Math.PI, hamiltonian: true, energy: problem.energy, reversingDims: [2, 3] };
}

/** Gravitational constant in AU³ / (solar mass · day²), as in Hairer, Lubich & Wanner. */
export const GRAVITATIONAL_CONSTANT_AU_DAY = 2.95912208286e-4;

/** The outer solar system data set: names, masses (solar masses; the sun includes the inner planets), positions (AU) and velocities (AU/day) at 5 September 1994, 0h. */
export const OUTER_SOLAR_SYSTEM_DATA = {
  names: ['Sun', 'Jupiter', 'Saturn', 'Uranus', 'Neptune', 'Pluto'],
  masses: [1.00000597682, 0.000954786104043, 0.000285583733151, 0.0000437273164546, 0.0000517759138449, 1 / 1.3e8],
  positions: [
    [0, 0, 0],
    [-3.5023653, -3.8169847, -1.5507963],
    [9.0755314, -3.0458353, -1.6483708],
    [8.310142, -16.2901086, -7.2521278],
    [11.4707666, -25.7294829, -10.8169456],
    [-15.5387357, -25.2225594, -3.1902382],
  ],
  velocities: [
    [0, 0, 0],
    [0.00565429, -0.0041249, -0.00190589],
    [0.00168318, 0.00483525, 0.00192462],
    [0.00354178, 0.00137102, 0.00055029],
    [0.0028893, 0.00114527, 0.00039677],
    [0.00276725, -0.00170702, -0.00136504],
  ],
} as const;

/** An N-body system, with the masses it was built from. */
export interface NBodySystem extends HamiltonianSystem {
  readonly masses: readonly number[];
  readonly names: readonly string[];
}

/**
 * The outer solar system (sun + Jupiter, Saturn, Uranus, Neptune, Pluto):
 * H = ½ Σᵢ |pᵢ|²/mᵢ − G Σᵢ<ⱼ mᵢmⱼ/|qᵢ − qⱼ|, pᵢ = mᵢvᵢ, G = 2.95912208286e-4, time in days.
 * State: q and p as flat Float64Array(18), body-major (x, y, z per body).
 *
 * Source: Hairer, Lubich & Wanner, GNI §I.2.4, Table I.2.1.
 *
 * @example
 * ```ts
 * const sun5 = outerSolarSystem();
 * integrate(createKahanLi8(), sun5.problem, sun5.y0(), { tEnd: 200_000, h: 200 });
 * ```
 */
export function outerSolarSystem(): NBodySystem {
  const d = OUTER_SOLAR_SYSTEM_DATA;
  const m = Float64Array.from(d.masses);
  const G = GRAVITATIONAL_CONSTANT_AU_DAY;
  const nb = m.length;
  const n = 3 * nb;
  const problem = separableHamiltonian<F>({
    name: 'outer-solar-system',
    dTdp: (p, out = new Float64Array(n)) => {
      for (let i = 0; i < nb; i++) for (let k = 0; k < 3; k++) out[3 * i + k] = p[3 * i + k]! / m[i]!;
      return out;
    },
    dVdq: (q, out = new Float64Array(n)) => {
      out.fill(0);
      for (let i = 0; i < nb; i++) {
        for (let j = i + 1; j < nb; j++) {
          const dx = q[3 * i]! - q[3 * j]!;
          const dy = q[3 * i + 1]! - q[3 * j + 1]!;
          const dz = q[3 * i + 2]! - q[3 * j + 2]!;
          const r2 = dx * dx + dy * dy + dz * dz;
          const f = (G * m[i]! * m[j]!) / (r2 * Math.sqrt(r2));
          out[3 * i] += f * dx;
          out[3 * i + 1] += f * dy;
          out[3 * i + 2] += f * dz;
          out[3 * j] -= f * dx;
          out[3 * j + 1] -= f * dy;
          out[3 * j + 2] -= f * dz;
        }
      }
      return out;
    },
    T: (p) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += (p[i]! * p[i]!) / m[Math.floor(i / 3)]!;
      return 0.5 * s;
    },
    V: (q) => {
      let s = 0;
      for (let i = 0; i < nb; i++) {
        for (let j = i + 1; j < nb; j++) {
          s -= (G * m[i]! * m[j]!) / Math.hypot(q[3 * i]! - q[3 * j]!, q[3 * i + 1]! - q[3 * j + 1]!, q[3 * i + 2]! - q[3 * j + 2]!);
        }
      }
      return s;
    },
  }) as HamiltonianSystem['problem'];
  const q0 = Float64Array.from(d.positions.flat());
  const p0 = Float64Array.from(d.velocities.flat(), (v, i) => v * m[Math.floor(i / 3)]!);
  return {
    name: 'outer-solar-system',
    problem,
    masses: Array.from(m),
    names: [...d.names],
    y0: () => ({ q: q0.slice(), p: p0.slice() }),
    fromFlat: phaseOf,
    tEnd: 4332.6, // one Jupiter year, in days
    hamiltonian: true,
    energy: problem.energy,
    reversingDims: range(n, 2 * n),
  };
}
