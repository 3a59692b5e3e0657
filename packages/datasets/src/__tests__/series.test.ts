import { describe, expect, it } from 'vitest';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { lorenz63Series, lorenz96Series, mackeyGlassSeries, narma, narma10 } from '@phaseflow/datasets';

const expectCode = (call: () => unknown, code: string, argument?: string) => expectPhaseflowError(call, code as never, argument);

describe('Lorenz-63', () => {
  it('RK4 sampling converges at fourth order (Richardson ratio ≈ 16)', () => {
    const end = (substeps: number) => lorenz63Series({ initial: [1, 1, 1], transient: 0, n: 51, dt: 0.02, substeps }).x.subarray(150);
    const [a, b, c] = [end(4), end(8), end(16)];
    let num = 0,
      den = 0;
    for (let j = 0; j < 3; j++) {
      num += (a[j]! - b[j]!) ** 2;
      den += (b[j]! - c[j]!) ** 2;
    }
    const ratio = Math.sqrt(num / den);
    expect(ratio).toBeGreaterThan(13);
    expect(ratio).toBeLessThan(19);
  });

  it('lies on the attractor: symmetric in x, mean z near 23.5 for ρ = 28', () => {
    const s = lorenz63Series({ n: 10000, dt: 0.02, seed: 1 });
    let mx = 0,
      mz = 0;
    for (let i = 0; i < s.n; i++) {
      mx += s.x[i * 3]!;
      mz += s.x[i * 3 + 2]!;
    }
    expect(Math.abs(mx / s.n)).toBeLessThan(2);
    expect(mz / s.n).toBeGreaterThan(22.5);
    expect(mz / s.n).toBeLessThan(24.5);
  });
});

describe('Lorenz-96', () => {
  it('with F = 0 the energy ½Σx² decays exactly as e^{−2t} (the advection term conserves it)', () => {
    const x0 = [1, -0.5, 0.3, 2, -1, 0.7, 0.1, -0.2];
    const s = lorenz96Series({ dim: 8, forcing: 0, initial: x0, transient: 0, n: 41, dt: 0.05, substeps: 5 });
    const energy = (i: number) => 0.5 * s.x.subarray(i * 8, i * 8 + 8).reduce((a, v) => a + v * v, 0);
    for (const i of [10, 20, 40]) expect(Math.abs(energy(i) / (energy(0) * Math.exp(-2 * s.t[i]!)) - 1)).toBeLessThan(1e-8);
  });

  it('x_i = F is an equilibrium; perturbed, F = 8 is chaotic and stays bounded', () => {
    const eq = lorenz96Series({ dim: 6, initial: new Array(6).fill(8), transient: 0, n: 20 });
    expect(eq.x.every((v) => Math.abs(v - 8) < 1e-12)).toBe(true);
    const s = lorenz96Series({ dim: 10, n: 400, seed: 3 });
    expect(s.x.every((v) => Math.abs(v) < 20)).toBe(true);
    let sd = 0;
    for (const v of s.x) sd += v * v;
    expect(Math.sqrt(sd / s.x.length)).toBeGreaterThan(2);
  });
});

describe('Mackey–Glass (solved by @phaseflow/delay)', () => {
  it('Mackey–Glass τ = 17: converges under step refinement and stays in (0.2, 1.4)', () => {
    const at = (substeps: number) => mackeyGlassSeries({ n: 101, transient: 0, dt: 1, substeps }).x;
    const [a, b, c] = [at(5), at(10), at(20)];
    const last = 100;
    const ratio = Math.abs(a[last]! - b[last]!) / Math.abs(b[last]! - c[last]!);
    expect(ratio).toBeGreaterThan(10); // fourth order: 16
    const s = mackeyGlassSeries({ n: 1500 });
    expect(s.dim).toBe(1);
    expect(Math.min(...s.x)).toBeGreaterThan(0.2);
    expect(Math.max(...s.x)).toBeLessThan(1.4);
    // chaotic, not a fixed point: large spread
    expect(Math.max(...s.x) - Math.min(...s.x)).toBeGreaterThan(0.6);
    // τ is honoured: τ = 3 < 4.71 (the Hopf delay of the linearisation) gives the stable
    // equilibrium x* = (β/γ − 1)^{1/n} = 1
    const calm = mackeyGlassSeries({ tau: 3, n: 50, transient: 2000 });
    expect(Math.abs(calm.x[49]! - 1)).toBeLessThan(1e-3);
  });

  it('rejects bad input', () => {
    expectCode(() => mackeyGlassSeries({ tau: -17 }), 'INVALID_ARGUMENT', 'options.tau');
    expectCode(() => mackeyGlassSeries({ n: 0 }), 'INVALID_ARGUMENT', 'options.n');
    expectCode(() => mackeyGlassSeries({ tau: 0.5, dt: 1, substeps: 1 }), 'INVALID_ARGUMENT', 'options.substeps');
    expectCode(() => lorenz63Series({ rho: Number.NaN }), 'NON_FINITE_INPUT', 'options.rho');
    expectCode(() => lorenz96Series({ dim: 3 }), 'INVALID_ARGUMENT', 'options.dim');
    expectCode(() => lorenz96Series({ transient: -1 }), 'INVALID_ARGUMENT', 'options.transient');
    expectCode(() => narma10({ order: 5 } as never), 'UNKNOWN_OPTION', 'options.order');
  });
});

describe('NARMA', () => {
  it('satisfies its recurrence row by row (row k: x = u(k), y = y(k+1))', () => {
    const d = narma10({ n: 400, seed: 2 });
    expect(d.kind).toBe('regression');
    expect(d.x.every((u) => u >= 0 && u < 0.5)).toBe(true);
    for (let k = 10; k < d.n; k++) {
      let sum = 0;
      for (let i = 0; i < 10; i++) sum += d.y[k - 1 - i]!;
      const expected = 0.3 * d.y[k - 1]! + 0.05 * d.y[k - 1]! * sum + 1.5 * d.x[k - 9]! * d.x[k]! + 0.1;
      expect(d.y[k]).toBeCloseTo(expected, 14);
    }
    expect(narma({ n: 400, seed: 2 }).y).toEqual(d.y);
    expect(narma({ order: 5, n: 100, seed: 2 }).name).toBe('narma5');
  });
});
