import { describe, expect, it } from 'vitest';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { createRandom } from '@phaseflow/core';
import {
  doublePendulumSystem,
  hamiltonianSamples,
  hamiltonianTrajectory,
  henonHeilesSystem,
  keplerSystem,
  massSpringSystem,
  pendulumSystem,
  fromReferenceProblem,
  type FlatHamiltonianSystem,
} from '@phaseflow/datasets';
import { outerSolarSystem } from '@phaseflow/problems';

const systems: Array<[string, FlatHamiltonianSystem]> = [
  ['mass-spring', massSpringSystem({ omega: 1.7 })],
  ['pendulum', pendulumSystem()],
  ['double pendulum', doublePendulumSystem({ masses: [1, 2], lengths: [1.5, 0.7], gravity: 9.81 })],
  ['kepler', keplerSystem({ e: 0.3 })],
  ['Hénon–Heiles', henonHeilesSystem()],
  ['outer solar system (adapted from @phaseflow/problems)', fromReferenceProblem(outerSolarSystem())],
];

/** Complete elliptic integral of the first kind by the arithmetic–geometric mean. */
function ellipticK(k: number): number {
  let a = 1,
    b = Math.sqrt(1 - k * k);
  while (Math.abs(a - b) > 1e-15) [a, b] = [(a + b) / 2, Math.sqrt(a * b)];
  return Math.PI / (2 * a);
}

/** First time component `c` of a series crosses zero downward, by linear interpolation. */
function firstDownCrossing(s: { t: Float64Array; x: Float64Array; n: number; dim: number }, c: number): number {
  for (let i = 1; i < s.n; i++) {
    const a = s.x[(i - 1) * s.dim + c]!,
      b = s.x[i * s.dim + c]!;
    if (a > 0 && b <= 0) return s.t[i - 1]! + ((s.t[i]! - s.t[i - 1]!) * a) / (a - b);
  }
  return Number.NaN;
}

describe('Hamiltonian systems', () => {
  it.each(systems)('%s: vectorField = (∂H/∂p, −∂H/∂q) by central differences', (_name, sys) => {
    const rng = createRandom(11);
    const d = sys.degrees;
    for (let trial = 0; trial < 5; trial++) {
      const y = sys.sampleInitial(rng);
      // move off the sampling distribution too (the double pendulum samples start at rest)
      for (let j = 0; j < 2 * d; j++) y[j] = y[j] === 0 ? 0.3 * rng.normal() : y[j]! * (1 + 0.2 * rng.normal());
      const f = sys.vectorField(y);
      const eps = 1e-6;
      for (let j = 0; j < 2 * d; j++) {
        const yp = Float64Array.from(y),
          ym = Float64Array.from(y);
        yp[j]! += eps;
        ym[j]! -= eps;
        const dH = (sys.energy(yp) - sys.energy(ym)) / (2 * eps);
        // q-derivative of H is −dp/dt; p-derivative is dq/dt.
        const expected = j < d ? -f[j + d]! : f[j - d]!;
        expect(Math.abs(dH - expected)).toBeLessThan(1e-6 * (1 + Math.abs(expected)));
      }
    }
  });

  it.each(systems)('%s: trajectories conserve H to integration accuracy', (_name, sys) => {
    const s = hamiltonianTrajectory(sys, { n: 400, dt: 0.02, substeps: 20 });
    expect(s.x.length).toBe(400 * 2 * sys.degrees);
    expect(s.labels.length).toBe(2 * sys.degrees);
    const e = s.energy!;
    for (let i = 0; i < s.n; i++) expect(Math.abs(e[i]! - e[0]!)).toBeLessThan(1e-6 * (1 + Math.abs(e[0]!)));
  });

  it('pendulum: the period at amplitude θ₀ is 4K(sin(θ₀/2))', () => {
    for (const theta0 of [0.3, 1.5, 2.8]) {
      const sys = pendulumSystem();
      const s = hamiltonianTrajectory(sys, { initial: [theta0, 0], n: 1500, dt: 0.01, substeps: 4 });
      const quarter = firstDownCrossing(s, 0);
      const period = 4 * ellipticK(Math.sin(theta0 / 2));
      expect(Math.abs(4 * quarter - period) / period).toBeLessThan(1e-7);
    }
  });

  it('kepler: one period 2π a^{3/2}/√μ brings the e = 0.6 orbit back to its start', () => {
    const sys = keplerSystem();
    const s = hamiltonianTrajectory(sys, { n: 2001, dt: (2 * Math.PI) / 2000, substeps: 4 });
    const last = s.x.subarray(2000 * 4);
    for (let j = 0; j < 4; j++) expect(Math.abs(last[j]! - sys.initial[j]!)).toBeLessThan(1e-6);
    expect(s.energy![0]).toBeCloseTo(-0.5, 14); // H = −μ/(2a)
  });

  it('double pendulum: small oscillations in the slow normal mode have ω² = (g/l)(2 − √2)', () => {
    const sys = doublePendulumSystem();
    const eps = 1e-3;
    const s = hamiltonianTrajectory(sys, { initial: [eps, Math.SQRT2 * eps, 0, 0], n: 2000, dt: 0.01, substeps: 2 });
    const omega = Math.sqrt(2 - Math.SQRT2);
    const quarter = firstDownCrossing(s, 0);
    expect(Math.abs(4 * quarter - (2 * Math.PI) / omega) / ((2 * Math.PI) / omega)).toBeLessThan(1e-5);
    // both angles stay in phase with ratio √2
    const i = 100;
    expect(s.x[i * 4 + 1]! / s.x[i * 4]!).toBeCloseTo(Math.SQRT2, 4);
  });

  it('Hénon–Heiles: default state q = (0.1, 0), p = (0, 0.5) has H = 0.13; samples have H ≤ 1/8', () => {
    const hh = henonHeilesSystem();
    expect(hh.energy(hh.initial)).toBeCloseTo(0.13, 15);
    const rng = createRandom(3);
    for (let i = 0; i < 50; i++) expect(hh.energy(hh.sampleInitial(rng))).toBeLessThanOrEqual(1 / 8 + 1e-15);
  });

  it('samples follow Greydanus et al.: exact derivatives at clean states, Gaussian noise on (q, p)', () => {
    const sys = massSpringSystem();
    const clean = hamiltonianSamples(sys, { trajectories: 20, points: 30, tEnd: 3, noise: 0, seed: 5 });
    const noisy = hamiltonianSamples(sys, { trajectories: 20, points: 30, tEnd: 3, noise: 0.1, seed: 5 });
    expect(clean.n).toBe(600);
    expect(clean.dim).toBe(2);
    expect(clean.outDim).toBe(2);
    expect(noisy.y).toEqual(clean.y);
    for (let i = 0; i < clean.n; i++) {
      const q = clean.x[2 * i]!,
        p = clean.x[2 * i + 1]!;
      expect(clean.y[2 * i]).toBeCloseTo(p, 12);
      expect(clean.y[2 * i + 1]).toBeCloseTo(-q, 12);
      // energy radius r ∈ [0.1, 1]: H = r²/2
      expect(clean.energy[i]).toBeGreaterThanOrEqual(0.005 - 1e-12);
      expect(clean.energy[i]).toBeLessThanOrEqual(0.5 + 1e-12);
      expect(clean.trajectory[i]).toBe(Math.floor(i / 30));
    }
    expect(clean.t[29]).toBeCloseTo(3, 14);
    let ss = 0;
    for (let i = 0; i < clean.x.length; i++) ss += (noisy.x[i]! - clean.x[i]!) ** 2;
    expect(Math.sqrt(ss / clean.x.length)).toBeGreaterThan(0.09);
    expect(Math.sqrt(ss / clean.x.length)).toBeLessThan(0.11);
  });

  it('rejects bad input with coded errors', () => {
    const expectCode = (call: () => unknown, code: string, argument: string) => expectPhaseflowError(call, code as never, argument);
    expectCode(() => massSpringSystem({ omega: 0 }), 'INVALID_ARGUMENT', 'options.omega');
    expectCode(() => fromReferenceProblem({} as never), 'INVALID_ARGUMENT', 'source');
    expectCode(() => doublePendulumSystem({ masses: 1 as never }), 'INVALID_ARGUMENT', 'options.masses');
    expectCode(() => keplerSystem({ e: 1.5 }), 'INVALID_ARGUMENT', 'options.e');
    expectCode(() => massSpringSystem({ spring: 1 } as never), 'UNKNOWN_OPTION', 'options.spring');
    expectCode(() => hamiltonianTrajectory({} as never), 'INVALID_ARGUMENT', 'system');
    expectCode(() => hamiltonianTrajectory(keplerSystem(), { initial: [1, 0, 0] }), 'SHAPE_MISMATCH', 'options.initial');
    expectCode(() => hamiltonianTrajectory(keplerSystem(), { initial: [1, 0, NaN, 1] }), 'NON_FINITE_INPUT', 'options.initial[2]');
    expectCode(() => hamiltonianTrajectory(keplerSystem(), { dt: -0.1 }), 'INVALID_ARGUMENT', 'options.dt');
    expectCode(() => hamiltonianSamples(keplerSystem(), { points: 1 }), 'INVALID_ARGUMENT', 'options.points');
    expectCode(() => hamiltonianSamples(keplerSystem(), { noise: -1 }), 'INVALID_ARGUMENT', 'options.noise');
  });
});
