/** The outer solar system: six bodies, the long-time benchmark of Hairer, Lubich & Wanner. */
import { checkOneOf, checkOptions, separableHamiltonian, type PhaseState, type SeparableHamiltonianProblem } from '@phaseflow/core';
import { phaseFromFlat, phaseState, range } from './internal.js';
import type { ReferenceProblem } from './reference-problem.js';

type F = Float64Array;

/** Gravitational constant in AU³ / (solar mass · day²), as in Hairer, Lubich & Wanner. */
export const GRAVITATIONAL_CONSTANT_AU_DAY = 2.95912208286e-4;

/**
 * The outer solar system data set (Hairer, Lubich & Wanner, GNI Table I.2.1): names, masses
 * (solar masses; the sun includes the inner planets), positions (AU) and velocities (AU/day)
 * at 5 September 1994, 0h.
 */
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

/** The outer solar system as a {@link ReferenceProblem}, with the bodies it was built from. */
export interface OuterSolarSystemProblem extends ReferenceProblem<PhaseState<F>, SeparableHamiltonianProblem<F>, { readonly G: number }> {
  energy(y: PhaseState<F>): number;
  /** Masses in solar masses, in body order. */
  readonly masses: readonly number[];
  /** Body names, in body order. */
  readonly names: readonly string[];
}

/** Options of {@link outerSolarSystem}. */
export interface OuterSolarSystemOptions {
  /**
   * `heliocentric` (default): GNI's data as given, the sun at rest at the origin — the
   * system's centre of mass then drifts (net momentum ≈ 1e-5 M☉·AU/day), so coordinates grow
   * linearly and long runs lose digits in q += τ·v. `barycentric`: the same bodies with the
   * centre of mass at rest at the origin (qᵢ − Σmⱼqⱼ/M, vᵢ − Σmⱼvⱼ/M), so they stay bounded.
   */
  readonly frame?: 'heliocentric' | 'barycentric';
}

/**
 * The outer solar system (sun + Jupiter, Saturn, Uranus, Neptune, Pluto):
 * H = ½ Σᵢ |pᵢ|²/mᵢ − G Σᵢ<ⱼ mᵢmⱼ/|qᵢ − qⱼ|, pᵢ = mᵢvᵢ, G = 2.95912208286e-4, time in days.
 * State: q and p as flat Float64Array(18), body-major (x, y, z per body). `tEnd` is one
 * Jupiter year (4332.6 days). `frame: 'barycentric'` moves the data to the centre-of-mass frame
 * (zero total momentum), the frame for long runs.
 *
 * Source: Hairer, Lubich & Wanner, Geometric Numerical Integration (2nd ed. 2006), §I.2.4, Table I.2.1.
 *
 * @example
 * ```ts
 * import { integrate } from '@phaseflow/core';
 * import { createKahanLi8 } from '@phaseflow/symplectic';
 * const sun5 = outerSolarSystem();
 * integrate(createKahanLi8(), sun5.problem, sun5.y0(), { tEnd: 200_000, h: 200 });
 * ```
 */
export function outerSolarSystem(options: OuterSolarSystemOptions = {}): OuterSolarSystemProblem {
  const o = checkOptions('options', options, ['frame']);
  const frame = o.frame === undefined ? 'heliocentric' : checkOneOf('options.frame', o.frame, ['heliocentric', 'barycentric'] as const);
  const d = OUTER_SOLAR_SYSTEM_DATA;
  const m = Float64Array.from(d.masses);
  const G = GRAVITATIONAL_CONSTANT_AU_DAY;
  const nb = m.length;
  const n = 3 * nb;
  const T = (p: F) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (p[i]! * p[i]!) / m[Math.floor(i / 3)]!;
    return 0.5 * s;
  };
  const V = (q: F) => {
    let s = 0;
    for (let i = 0; i < nb; i++) {
      for (let j = i + 1; j < nb; j++) {
        s -= (G * m[i]! * m[j]!) / Math.hypot(q[3 * i]! - q[3 * j]!, q[3 * i + 1]! - q[3 * j + 1]!, q[3 * i + 2]! - q[3 * j + 2]!);
      }
    }
    return s;
  };
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
    T,
    V,
  });
  const q0 = Float64Array.from(d.positions.flat());
  const v0 = Float64Array.from(d.velocities.flat());
  if (frame === 'barycentric') {
    let M = 0;
    for (let i = 0; i < nb; i++) M += m[i]!;
    for (let k = 0; k < 3; k++) {
      let cq = 0;
      let cv = 0;
      for (let i = 0; i < nb; i++) {
        cq += m[i]! * q0[3 * i + k]!;
        cv += m[i]! * v0[3 * i + k]!;
      }
      for (let i = 0; i < nb; i++) {
        q0[3 * i + k] -= cq / M;
        v0[3 * i + k] -= cv / M;
      }
    }
  }
  const p0 = Float64Array.from(v0, (v, i) => v * m[Math.floor(i / 3)]!);
  return {
    name: frame === 'barycentric' ? 'outer-solar-system-barycentric' : 'outer-solar-system',
    problem,
    masses: Array.from(m),
    names: [...d.names],
    y0: () => ({ q: q0.slice(), p: p0.slice() }),
    fromFlat: phaseFromFlat(n),
    t0: 0,
    tEnd: 4332.6, // one Jupiter year, in days
    parameters: { G },
    energy: (y) => (phaseState('y', y, n), T(y.p) + V(y.q)),
    hamiltonian: true,
    reversingDims: range(n, 2 * n),
    citation: 'Hairer, Lubich & Wanner, Geometric Numerical Integration (2nd ed., Springer 2006), §I.2.4, Table I.2.1',
  };
}
