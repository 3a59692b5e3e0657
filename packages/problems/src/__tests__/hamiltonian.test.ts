import { describe, expect, it } from 'vitest';
import { createRandom, type HamiltonianProblem, type PhaseState, type SeparableHamiltonianProblem } from '@phaseflow/core';
import {
  doublePendulum,
  harmonicOscillator,
  henonHeiles,
  outerSolarSystem,
  OUTER_SOLAR_SYSTEM_DATA,
  pendulum,
  type ReferenceProblem,
} from '@phaseflow/problems';
import { dot, gradient, maxAbsDiff, timeDerivative } from './helpers.js';

type F = Float64Array;
type Phase = PhaseState<F>;
type Ref = ReferenceProblem<Phase, SeparableHamiltonianProblem<F> | HamiltonianProblem<F>>;

/** (∂H/∂p, −∂H/∂q) from the problem's own functions, on the flat state. */
function field(ref: Ref, z: F): F {
  const d = z.length / 2;
  const q = z.slice(0, d),
    p = z.slice(d);
  const pr = ref.problem;
  const dq = pr.kind === 'hamiltonian' ? pr.dHdp(q, p) : pr.dTdp(p);
  const dp = pr.kind === 'hamiltonian' ? pr.dHdq(q, p) : pr.dVdq(q);
  return Float64Array.from([...dq, ...dp.map((v) => -v)]);
}

const systems: [string, Ref, number][] = [
  ['harmonic oscillator', harmonicOscillator({ omega: 1.7 }), 0.3],
  ['pendulum', pendulum(), 0.3],
  ['Hénon–Heiles', henonHeiles(), 0.2],
  ['double pendulum', doublePendulum({ masses: [1, 2], lengths: [1.5, 0.7], gravity: 9.81 }), 0.3],
  ['outer solar system', outerSolarSystem(), 1e-3],
];

describe('Hamiltonian reference problems', () => {
  it.each(systems)('%s: the vector field is (∂H/∂p, −∂H/∂q) of its energy, by central differences', (_name, ref, spread) => {
    const rng = createRandom(5);
    const z0 = ref.problem.space.toFloat64(ref.y0());
    const d = z0.length / 2;
    const H = (z: F) => ref.energy!(ref.fromFlat(z));
    for (let trial = 0; trial < 5; trial++) {
      const z = Float64Array.from(z0, (v) => v * (1 + spread * rng.normal()) + spread * rng.normal() * (v === 0 ? 1 : 0));
      const g = gradient(H, z, 1e-5);
      const f = field(ref, z);
      const expected = Float64Array.from(f, (_, i) => (i < d ? g[d + i]! : -g[i - d]!));
      const scale = Math.max(...Array.from(expected, Math.abs), 1e-30);
      expect(maxAbsDiff(f, expected) / scale).toBeLessThan(1e-7);
      // the energy is a first integral: ∇H · f = 0
      expect(Math.abs(dot(g, f)) / (Math.hypot(...g) * Math.hypot(...f))).toBeLessThan(1e-7);
    }
  });

  it.each(systems)('%s: y0() is a fresh copy, fromFlat inverts toFloat64, canonical and cited', (_name, ref) => {
    const a = ref.y0();
    a.q[0] = 123;
    expect(ref.y0().q[0]).not.toBe(123);
    const z = ref.problem.space.toFloat64(ref.y0());
    expect(ref.problem.space.toFloat64(ref.fromFlat(z))).toEqual(z);
    expect(ref.hamiltonian).toBe(true);
    expect(ref.reversingDims).toEqual(Array.from({ length: z.length / 2 }, (_, i) => z.length / 2 + i));
    expect(ref.citation.length).toBeGreaterThan(10);
    expect(ref.problem.energy!(ref.y0())).toBeCloseTo(ref.energy!(ref.y0()), 14);
  });

  it("harmonic oscillator: the exact solution solves q' = p, p' = −ω²q and has period 2π/ω", () => {
    const ho = harmonicOscillator({ omega: 3, q0: 0.5, p0: -1 });
    for (const t of [0, 0.4, 1.9]) {
      const z = ho.exact(t);
      expect(maxAbsDiff(timeDerivative(ho.exact, t), Float64Array.of(z[1]!, -9 * z[0]!))).toBeLessThan(1e-9);
    }
    expect(Array.from(ho.exact(0))).toEqual([0.5, -1]);
    expect(maxAbsDiff(ho.exact(ho.period), ho.exact(0))).toBeLessThan(1e-14);
    expect(ho.parameters).toEqual({ omega: 3 });
  });

  it('pendulum: the period 4K(sin(θ/2)) tends to 2π(1 + θ²/16 + 11θ⁴/3072) for small θ; none for rotations', () => {
    for (const theta of [0.01, 0.05, 0.1]) {
      const series = 2 * Math.PI * (1 + theta ** 2 / 16 + (11 * theta ** 4) / 3072);
      expect(Math.abs(pendulum({ q0: theta }).period! / series - 1)).toBeLessThan(theta ** 6);
    }
    // the same libration started at the bottom with the same energy has the same period
    const atTop = pendulum({ q0: 1.5 });
    const atBottom = pendulum({ q0: 0, p0: Math.sqrt(2 * (1 - Math.cos(1.5))) });
    expect(atBottom.period!).toBeCloseTo(atTop.period!, 12);
    expect(pendulum({ q0: 0, p0: 2.5 }).period).toBeUndefined();
  });

  it('Hénon–Heiles: default state q = (0.1, 0), p = (0, 0.5) has H = 0.13', () => {
    const hh = henonHeiles();
    expect(hh.energy(hh.y0())).toBeCloseTo(0.13, 15);
  });

  it('double pendulum: small oscillations of the unit system have ω² = g(2 ∓ √2)', () => {
    const dp = doublePendulum({ gravity: 2 });
    const zero = new Float64Array(2);
    // Linearisation at rest: q' = A p with A = ∂(dH/dp)/∂p, p' = −B q with B = ∂(dH/dq)/∂q.
    const col = (f: (v: F) => F, j: number) => {
      const e = new Float64Array(2);
      e[j] = 1e-6;
      return Float64Array.from(f(e), (v, i) => (v - f(new Float64Array(2))[i]!) / 1e-6);
    };
    const A = [0, 1].map((j) => col((p) => dp.problem.dHdp(zero, p), j));
    const B = [0, 1].map((j) => col((q) => dp.problem.dHdq(q, zero), j));
    // AB (2 × 2) has eigenvalues ω²
    const m = [0, 1].map((i) => [0, 1].map((j) => A[0]![i]! * B[j]![0]! + A[1]![i]! * B[j]![1]!));
    const tr = m[0]![0]! + m[1]![1]!;
    const det = m[0]![0]! * m[1]![1]! - m[0]![1]! * m[1]![0]!;
    const disc = Math.sqrt(tr * tr - 4 * det);
    expect((tr - disc) / 2).toBeCloseTo(2 * (2 - Math.SQRT2), 5);
    expect((tr + disc) / 2).toBeCloseTo(2 * (2 + Math.SQRT2), 5);
    expect(dp.parameters).toEqual({ m1: 1, m2: 1, l1: 1, l2: 1, g: 2 });
    expect(dp.problem.kind).toBe('hamiltonian');
  });

  it('outer solar system: the data of HLW Table I.2.1, p = m v, a bound system', () => {
    const s = outerSolarSystem();
    const y = s.y0();
    expect(s.names).toEqual(OUTER_SOLAR_SYSTEM_DATA.names);
    expect(Array.from(y.q.subarray(3, 6))).toEqual(OUTER_SOLAR_SYSTEM_DATA.positions[1]);
    expect(y.p[3]).toBe(OUTER_SOLAR_SYSTEM_DATA.velocities[1][0] * s.masses[1]!);
    expect(s.energy(y)).toBeLessThan(0);
    expect(s.tEnd).toBe(4332.6);
  });
});
