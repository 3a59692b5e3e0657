import { describe, expect, it } from 'vitest';
import { createRandom } from '@phaseflow/core';
import { ARENSTORF_PERIOD, arenstorf, bouncingBall, expSin, lorenz63, lorenz96 } from '@phaseflow/problems';
import { dot, gradient, maxAbsDiff, timeDerivative } from './helpers.js';

describe('ODE reference problems', () => {
  it('Arenstorf: the Jacobi integral is a first integral of the rotating-frame equations', () => {
    const ar = arenstorf();
    const rng = createRandom(2);
    for (let i = 0; i < 20; i++) {
      const z = Float64Array.of(rng.uniformIn(-1.5, 1.5), rng.uniformIn(-1.5, 1.5), rng.normal(), rng.normal());
      const g = gradient(ar.invariants.jacobi, z, 1e-5);
      const f = ar.problem.f(0, z);
      expect(Math.abs(dot(g, f))).toBeLessThan(1e-6 * Math.hypot(...g) * Math.hypot(...f));
    }
    expect(ar.period).toBe(ARENSTORF_PERIOD);
    expect(ar.tEnd).toBe(ARENSTORF_PERIOD);
    expect(Array.from(ar.y0())).toEqual([0.994, 0, 0, -2.00158510637908252240537862224]);
    expect(ar.parameters).toEqual({ mu: 0.012277471 });
  });

  it('Lorenz-63: the classical right-hand side and the (x, y, z) ↦ (−x, −y, z) symmetry', () => {
    const l = lorenz63();
    expect(Array.from(l.problem.f(0, Float64Array.of(1, 2, 3)))).toEqual([10, 1 * 25 - 2, 2 - 8]);
    const rng = createRandom(4);
    for (let i = 0; i < 10; i++) {
      const u = Float64Array.of(rng.normal(), rng.normal(), rng.normal());
      const a = l.problem.f(0, u);
      const b = l.problem.f(0, Float64Array.of(-u[0]!, -u[1]!, u[2]!));
      expect(Array.from(b)).toEqual([-a[0]!, -a[1]!, a[2]!]);
    }
    expect(Array.from(l.y0())).toEqual([1, 1, 1]);
    expect(Array.from(lorenz63({ y0: [2, 3, 4] }).y0())).toEqual([2, 3, 4]);
    expect(lorenz63({ rho: 99 }).parameters).toEqual({ sigma: 10, rho: 99, beta: 8 / 3 });
  });

  it('Lorenz-96: x_i = F is an equilibrium; with F = 0, d/dt ½Σx² = −Σx² (advection conserves energy)', () => {
    const l = lorenz96({ dim: 7, forcing: 8 });
    expect(Array.from(l.problem.f(0, new Float64Array(7).fill(8)))).toEqual(new Array(7).fill(0));
    expect(l.y0()[0]).toBe(8.01);
    const free = lorenz96({ dim: 9, forcing: 0 });
    const rng = createRandom(6);
    const x = Float64Array.from({ length: 9 }, () => rng.normal());
    expect(dot(x, free.problem.f(0, x))).toBeCloseTo(-dot(x, x), 12);
    expect(free.parameters).toEqual({ dim: 9, forcing: 0 });
  });

  it('bouncing ball: free fall conserves gh + v²/2; the impact times follow t₁ = √(2H/g), Δt_k = 2e^k√(2gH)/g', () => {
    const ball = bouncingBall({ g: 2, height: 4, restitution: 0.5 });
    const t = ball.impactTimes(3);
    expect(t[0]).toBeCloseTo(2, 14);
    expect(t[1]! - t[0]!).toBeCloseTo((2 * 0.5 * 4) / 2, 14);
    expect(t[2]! - t[1]!).toBeCloseTo((2 * 0.25 * 4) / 2, 14);
    const y = Float64Array.of(1.3, -0.7);
    expect(dot(gradient(ball.energy, y), ball.problem.f(0, y))).toBeCloseTo(0, 10);
    expect(Array.from(ball.bounce(Float64Array.of(0, -4)))).toEqual([0, 2]);
    expect(ball.impact.g(0, ball.y0())).toBe(4);
    expect(ball.impactTimes(0)).toEqual([]);
  });

  it("exp-sin: y = exp(sin t) solves y' = y cos t", () => {
    const ref = expSin();
    for (const t of [0, 1, 2.5]) {
      expect(maxAbsDiff(timeDerivative(ref.exact, t), ref.problem.f(t, ref.exact(t)))).toBeLessThan(1e-10);
    }
    expect(Array.from(ref.y0())).toEqual(Array.from(ref.exact(0)));
  });
});
