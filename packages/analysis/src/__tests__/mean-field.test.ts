import { maximumMeanDiscrepancy, meanFieldNetwork } from '@phaseflow/analysis';
import { integrate } from '@phaseflow/core';
import { createRk4 } from '@phaseflow/runge-kutta';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';

const m = 20;
const xs = Float64Array.from({ length: m }, (_, i) => -1 + (2 * i) / (m - 1));
const ys = xs.map((x) => Math.sin(Math.PI * x));

describe('mean-field limit of a two-layer network (Mei–Montanari–Nguyen, Chizat–Bach)', () => {
  it('the particle velocity is −N ∇_θᵢ R (finite differences of the risk), for tanh and relu', () => {
    for (const activation of ['tanh', 'relu'] as const) {
      const mf = meanFieldNetwork({ inputs: xs, dimension: 1, targets: ys, activation });
      const N = 7;
      const th = mf.initialise(N, { seed: 3 });
      expect(mf.neurons(th)).toBe(N);
      expect(mf.parametersPerNeuron).toBe(3);
      const v = mf.problem.f(0, th, new Float64Array(th.length));
      const e = 1e-6;
      for (let k = 0; k < th.length; k++) {
        const p = th.slice();
        const q = th.slice();
        p[k]! += e;
        q[k]! -= e;
        expect(v[k]!).toBeCloseTo((-N * (mf.risk(p) - mf.risk(q))) / (2 * e), 6);
      }
    }
  });

  it('integrated by RK4, the risk falls, and runs with N and 2N neurons approach each other like 1/√N', () => {
    const mf = meanFieldNetwork({ inputs: xs, dimension: 1, targets: ys });
    const run = (N: number, seed: number) => integrate(createRk4<Float64Array>(), mf.problem, mf.initialise(N, { seed }), { tEnd: 3, h: 0.1 }).yFinal;
    const sizes = [25, 50, 100, 200];
    const reps = 6;
    const distance: number[] = [];
    for (const N of sizes) {
      let s = 0;
      for (let rep = 0; rep < reps; rep++) s += maximumMeanDiscrepancy(run(N, 1000 + rep), run(2 * N, 2000 + rep), 3);
      distance.push(s / reps);
    }
    // least-squares slope of ln MMD against ln N (measured −0.48: 0.184, 0.141, 0.105, 0.068)
    const lx = sizes.map(Math.log);
    const ly = distance.map(Math.log);
    const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
    const my = ly.reduce((a, b) => a + b, 0) / ly.length;
    const slope = lx.reduce((a, x, i) => a + (x - mx) * (ly[i]! - my), 0) / lx.reduce((a, x) => a + (x - mx) ** 2, 0);
    expect(slope).toBeGreaterThan(-0.65);
    expect(slope).toBeLessThan(-0.35);
    const start = mf.initialise(400, { seed: 5 });
    const end = integrate(createRk4<Float64Array>(), mf.problem, start, { tEnd: 3, h: 0.1 }).yFinal;
    expect(mf.risk(end)).toBeLessThan(0.6 * mf.risk(start));
    expect(mf.predict(end, [0.5]).length).toBe(1);
  });

  it('the MMD is a distance between empirical measures; bad input gives coded errors', () => {
    const u = Float64Array.of(0, 0, 1, 1);
    expect(maximumMeanDiscrepancy(u, u, 2)).toBe(0);
    expect(maximumMeanDiscrepancy(u, Float64Array.of(1, 1, 0, 0), 2)).toBeCloseTo(0, 12); // order does not matter
    // two single points: MMD² = 2 − 2 exp(−‖u − v‖²/(2ℓ²))
    expect(maximumMeanDiscrepancy([0], [1], 1, { bandwidth: 0.5 })).toBeCloseTo(Math.sqrt(2 - 2 * Math.exp(-2)), 12);
    expect(maximumMeanDiscrepancy([0, 3], [1], 1)).toBeCloseTo(maximumMeanDiscrepancy([1], [3, 0], 1), 12);
    const mf = meanFieldNetwork({ inputs: xs, dimension: 1, targets: ys });
    expectPhaseflowError(() => meanFieldNetwork({ inputs: xs, dimension: 1, targets: [1, 2] }), 'SHAPE_MISMATCH', 'options.targets');
    expectPhaseflowError(() => meanFieldNetwork({ inputs: [1, 2, 3], dimension: 2, targets: [1] }), 'SHAPE_MISMATCH', 'options.inputs');
    expectPhaseflowError(
      () => meanFieldNetwork({ inputs: xs, dimension: 1, targets: ys, activation: 'gelu' as never }),
      'INVALID_ARGUMENT',
      'options.activation',
    );
    expectPhaseflowError(() => mf.risk(new Float64Array(4)), 'SHAPE_MISMATCH', 'state');
    expectPhaseflowError(() => mf.initialise(0), 'INVALID_ARGUMENT', 'neurons');
    expectPhaseflowError(() => maximumMeanDiscrepancy([1, 2, 3], [1, 2], 2), 'SHAPE_MISMATCH', 'a');
    expectPhaseflowError(() => maximumMeanDiscrepancy([1], [1], 1, { bandwidth: 0 }), 'INVALID_ARGUMENT', 'options.bandwidth');
  });
});
