/**
 * The float32 contract: every batched kernel against its Float64 reference (the family's
 * integrator running the same field in Float64), on webasm and on cpu. Tolerance: the largest
 * component difference, relative to max(1, |y|), is at most C · ε₃₂ · n after n steps with
 * C = 1 (measured up to 0.32 on webasm, for yoshida6; about 0.001 on cpu, which rounds its
 * Float64 arithmetic to float32 at the kernel's output).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rungeKuttaMethods, RK4, rk4 } from '@phaseflow/runge-kutta';
import { splittingMethods } from '@phaseflow/symplectic';
import { lorenz63 } from '@phaseflow/problems';
import { integrate } from '@phaseflow/core';
import { FLOAT32_EPSILON, chooseGpuBackend, createBatchedIntegrator, type FieldVector } from '@phaseflow/gpu';

const C = 1;
const damped = (_t: number, y: FieldVector, p: FieldVector) => [y[1], -p[0] * Math.sin(y[0]) - p[1] * y[1]];
const pendulum = { dVdq: (q: FieldVector, p: FieldVector) => [p[0] * Math.sin(q[0])] };
const henonHeiles = { dVdq: (q: FieldVector) => [q[0] + 2 * q[0] * q[1], q[1] + q[0] * q[0] - q[1] * q[1]] };
const lorenz = (_t: number, y: FieldVector, p: FieldVector) => [p[0] * (y[1] - y[0]), y[0] * (p[1] - y[2]) - y[1], y[0] * y[1] - p[2] * y[2]];
// Lorenz-96 with N = 5 (components split into kernels of 4 + 1), forcing p[0].
const lorenz96 = (_t: number, x: FieldVector, p: FieldVector) => [
  (x[1] - x[3]) * x[4] - x[0] + p[0],
  (x[2] - x[4]) * x[0] - x[1] + p[0],
  (x[3] - x[0]) * x[1] - x[2] + p[0],
  (x[4] - x[1]) * x[2] - x[3] + p[0],
  (x[0] - x[2]) * x[3] - x[4] + p[0],
];

const B = 16;
const rows = Array.from({ length: B }, (_, m) => [1 + m / 8, 0.05 * (m % 3)]);
const starts = Array.from({ length: B }, (_, m) => [0.2 + 0.15 * m, 0.1 * (m % 4)]);

/** max_i |a_i − b_i| / max(1, |b_i|), in units of ε₃₂ · n. */
function errorInEpsN(a: Float32Array, b: Float64Array, n: number): number {
  expect(a.length).toBe(b.length);
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return e / (FLOAT32_EPSILON * n);
}

describe.each(['webasm', 'cpu'] as const)('float32 contract on %s', (name) => {
  const backend = chooseGpuBackend({ prefer: name });
  afterAll(() => backend.destroy());

  it.each(Object.keys(rungeKuttaMethods))('%s (damped pendulum sweep, 400 steps) within ε₃₂·n of Float64', (method) => {
    const batch = createBatchedIntegrator({ method, field: damped, dimension: 2, parameters: rows, backend });
    expect(batch.runsOn).toBe(name);
    const y0 = batch.state(starts);
    const n = 400;
    const y = batch.advance(batch.problem, 0, y0, 0.01, n);
    const ref = batch.float64Reference().integrate(y0, { tEnd: n * 0.01, steps: n });
    expect(errorInEpsN(y.values, ref.y.at(-1)!, n)).toBeLessThan(C);
    batch.destroy();
  });

  it.each(Object.keys(splittingMethods))('%s (pendulum grid and Hénon–Heiles, 400 steps) within ε₃₂·n of Float64', (method) => {
    const n = 400;
    const a = createBatchedIntegrator({ method, field: pendulum, dimension: 1, parameters: rows, backend });
    const y0 = a.state(starts);
    const ya = a.advance(a.problem, 0, y0, 0.05, n);
    const ra = a.float64Reference().integrate(y0, { tEnd: n * 0.05, steps: n });
    expect(errorInEpsN(ya.values, ra.y.at(-1)!, n)).toBeLessThan(C);
    const b = createBatchedIntegrator({ method, field: henonHeiles, dimension: 2, members: 4, backend });
    const z0 = b.state([
      [0.1, 0, 0, 0.2],
      [0.2, 0.1, 0, 0],
      [0, 0.3, 0.1, 0],
      [0.25, -0.1, 0.1, 0.1],
    ]);
    const zb = b.advance(b.problem, 0, z0, 0.05, n);
    const rb = b.float64Reference().integrate(z0, { tEnd: n * 0.05, steps: n });
    expect(errorInEpsN(zb.values, rb.y.at(-1)!, n)).toBeLessThan(C);
    a.destroy();
    b.destroy();
  });

  it('Lorenz-63 ρ-sweep under RK4 agrees with @phaseflow/problems’ lorenz63 integrated member by member in Float64 (t ≤ 1)', () => {
    const rhos = [20, 24, 28, 32, 99.96];
    const batch = createBatchedIntegrator({ method: RK4, field: lorenz, dimension: 3, parameters: rhos.map((rho) => [10, rho, 8 / 3]), backend });
    const y0 = batch.state(rhos.map(() => [1, 1, 1]));
    const n = 1000;
    const sol = integrate(batch, batch.problem, y0, { tEnd: 1, steps: n, save: { every: 250 } });
    expect(sol.t).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const expected = new Float64Array(rhos.length * 3);
    rhos.forEach((rho, m) => {
      const l = lorenz63({ rho });
      expected.set(integrate(rk4<Float64Array>(), l.problem, l.y0(), { tEnd: 1, steps: n }).yFinal, 3 * m);
    });
    // Chaos amplifies rounding: |δ(t)| ≲ e^{λt}·ε·n with λ ≈ 0.9 at ρ = 28 (faster at ρ ≈ 100).
    expect(errorInEpsN(sol.yFinal.values, expected, n)).toBeLessThan(C * 8);
    batch.destroy();
  });

  it('Lorenz-96 (5 components: kernels of 4 and 1) and a scalar decay (1 component)', () => {
    const l96 = createBatchedIntegrator({ method: 'rk4', field: lorenz96, dimension: 5, parameters: [[8], [4], [2]], backend });
    expect(l96.kernelSources).toHaveLength(2);
    const y0 = l96.state([
      [1, 0.5, 0, 0, 0],
      [0.1, 0.2, 0.3, 0.4, 0.5],
      [2, 1, 0, -1, -2],
    ]);
    const n = 200;
    const y = l96.advance(l96.problem, 0, y0, 0.005, n);
    expect(errorInEpsN(y.values, l96.float64Reference().integrate(y0, { tEnd: 1, steps: n }).y.at(-1)!, n)).toBeLessThan(C);
    const decay = createBatchedIntegrator({ method: 'heun', field: (_t, u, p) => [-p[0] * u[0]], dimension: 1, parameters: [[0.5], [1], [2]], backend });
    const u0 = decay.state([1, 1, 1]);
    const u = decay.advance(decay.problem, 0, u0, 0.01, n);
    expect(errorInEpsN(u.values, decay.float64Reference().integrate(u0, { tEnd: 2, steps: n }).y.at(-1)!, n)).toBeLessThan(C);
    l96.destroy();
    decay.destroy();
  });

  it('time-dependent fields see the stage times t + cᵢh', () => {
    const forced = createBatchedIntegrator({
      method: 'rk38',
      field: (t, y, p) => [y[1], -y[0] + p[0] * Math.cos(2 * t)],
      dimension: 2,
      parameters: [[0.5], [1]],
      backend,
    });
    const y0 = forced.state([
      [0, 0],
      [1, 0],
    ]);
    const n = 300;
    const y = forced.advance(forced.problem, 0.5, y0, 0.01, n);
    const ref = forced.float64Reference().integrate(y0, { t0: 0.5, tEnd: 3.5, steps: n });
    expect(errorInEpsN(y.values, ref.y.at(-1)!, n)).toBeLessThan(C);
    forced.destroy();
  });
});

describe('compensated accumulation', () => {
  it('keeps a long sum of small increments at O(ε) where plain float32 drifts by O(nε)', () => {
    const backend = chooseGpuBackend({ prefer: 'webasm' });
    // y' = p₀ from y = 1: n increments of h·p₀ ≈ 1e-4; each addition to y ∈ [1, 2) rounds by up to ε/2.
    const batch = createBatchedIntegrator({ method: 'euler', field: (_t, _y, p) => [p[0]], dimension: 1, parameters: [[0.1], [0.3]], backend });
    const n = 4096;
    const h = 1e-3;
    const y = batch.advance(batch.problem, 0, batch.state([1, 1]), h, n);
    let naive = Math.fround(1);
    for (let j = 0; j < n; j++) naive = Math.fround(naive + Math.fround(Math.fround(h) * Math.fround(0.1)));
    const exact = 1 + n * h * 0.1;
    expect(Math.abs(naive - exact) / exact / FLOAT32_EPSILON).toBeGreaterThan(50);
    expect(Math.abs(y.values[0]! - exact) / exact / FLOAT32_EPSILON).toBeLessThan(4);
    expect(Math.abs(y.values[1]! - (1 + n * h * 0.3)) / (1 + n * h * 0.3) / FLOAT32_EPSILON).toBeLessThan(4);
    batch.destroy();
    backend.destroy();
  });
});
