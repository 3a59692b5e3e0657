import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDop853, createDopri5, createTsit5, solveIvp } from '@phaseflow/runge-kutta';
import { lorenz63 } from '@phaseflow/problems';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
const LAMBDA = 0.9056; // largest Lyapunov exponent of Lorenz-63
const SHARED = '/work/shared/data/reservoir/lorenz63_dop853_dt0.025.json';
const x0 = [17.67715816276679, 12.931379185960404, 43.91404334248268];

describe('Lorenz-63 to t = 20 against a tight-tolerance DOP853 reference', () => {
  const L = lorenz63({ y0: x0 });
  const ref = solveIvp(createDop853(), L.problem, L.y0(), { tEnd: 20, rtol: 1e-13, atol: 1e-13, saveAt: [20] }).yFinal;
  it('the reference itself agrees with a 1e-14 run to the amplified rounding level (< 1e-4)', () => {
    const ref14 = solveIvp(createDop853(), L.problem, L.y0(), { tEnd: 20, rtol: 1e-14, atol: 1e-14, saveAt: [20] }).yFinal;
    expect(maxDiff(ref, ref14)).toBeLessThan(1e-4);
  });
  it.each([
    ['dopri5', createDopri5()],
    ['tsit5', createTsit5()],
    ['dop853', createDop853()],
  ] as const)('%s at rtol = atol = 1e-10 matches to the expected error C·tol·e^(λ·20), C ≤ 20', (_, m) => {
    const tol = 1e-10;
    const sol = solveIvp(m, L.problem, L.y0(), { tEnd: 20, rtol: tol, atol: tol, saveAt: [20] });
    const err = maxDiff(sol.yFinal, ref);
    // measured: dopri5 7.0e-2, tsit5 1.1e-2, dop853 1.8e-2; tol·e^(λ·20) = 7.4e-3
    expect(err).toBeLessThan(20 * tol * Math.exp(LAMBDA * 20));
  });
  it.runIf(existsSync(SHARED))('DOP853 at 1e-10 reproduces scipy solve_ivp(DOP853, 1e-10) from the shared data set step for step', () => {
    const data = JSON.parse(readFileSync(SHARED, 'utf8')) as { params: { dt: number; x0: number[] }; data: number[][] };
    expect(data.params.x0).toEqual(x0);
    const times = [5, 10, 20];
    const sol = solveIvp(createDop853(), L.problem, L.y0(), { tEnd: 20, rtol: 1e-10, atol: 1e-10, saveAt: times });
    // Same algorithm, same steps: differences are rounding in the dense output, amplified by chaos
    // (measured 4e-13, 6e-11, 1.5e-7), while the true error at t = 20 is ~1.8e-2.
    times.forEach((t, i) => {
      const row = data.data[Math.round(t / data.params.dt)]!;
      expect(maxDiff(sol.y[i]!, row)).toBeLessThan(1e-12 * Math.exp(LAMBDA * t) * 10);
    });
    expect(maxDiff(ref, data.data[800]!)).toBeGreaterThan(1e-3); // …and both differ from the tight reference
  });
});
