import { integrate } from '@phaseflow/core';
import { createRkmk32, createRkmk54, createRkmkPair, freeRigidBody, lieMethods, precessingRotation, SO3, type RkmkPairIntegrator } from '@phaseflow/lie';
import { RK4, TSIT5 } from '@phaseflow/runge-kutta';
import { lieIntegratorConformance } from '@phaseflow/testkit';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';
import { diff } from './helpers.js';

describe('embedded RKMK pairs: fixed steps keep the higher order (testkit conformance)', () => {
  for (const m of [createRkmk32(), createRkmk54()]) {
    const report = lieIntegratorConformance(m, { problems: [precessingRotation()], order: { tolerance: 0.15 } });
    for (const r of report.results) it(`${m.name}: ${r.check}`, () => expect(r.ok, r.message).toBe(true));
  }
});

const pairs: [string, () => RkmkPairIntegrator][] = [
  ['rkmk32', createRkmk32],
  ['rkmk54', createRkmk54],
  ['rkmk on TSIT5', () => createRkmkPair(TSIT5)],
];

describe.each(pairs)('%s with core step control', (_, make) => {
  it('the error on the symmetric free rigid body (exact solution) follows the tolerance, on S² to rounding', () => {
    const body = freeRigidBody({ inertia: [2, 2, 1] });
    const tEnd = 10;
    const exact = body.exact(tEnd);
    const rows = [1e-4, 1e-6, 1e-8].map((tol) => {
      const sol = integrate(make(), body.problem, body.y0(), { tEnd, adaptive: { rtol: tol, atol: tol }, save: { every: 1 } });
      let sphere = 0;
      for (const u of sol.y) sphere = Math.max(sphere, Math.abs(Math.hypot(u[0]!, u[1]!, u[2]!) - 1));
      return { tol, error: diff(sol.yFinal, exact), steps: sol.stats.steps, sphere };
    });
    for (const r of rows) {
      expect(r.error).toBeLessThan(100 * r.tol);
      expect(r.sphere).toBeLessThan(1e-14);
    }
    expect(rows[0]!.error / rows[2]!.error).toBeGreaterThan(100); // 10⁴ tighter: the error falls by > 10²
    expect(rows[2]!.steps).toBeGreaterThan(rows[0]!.steps);
  });
  it('lands on save times and on tEnd; rotations stay rotations on a time-dependent problem', () => {
    const ref = precessingRotation();
    const sol = integrate(make(), ref.problem, ref.y0(), { tEnd: ref.tEnd, adaptive: { rtol: 1e-8, atol: 1e-10 }, save: { times: [0.5, 1, 1.5] } });
    expect(sol.t).toEqual([0.5, 1, 1.5]);
    sol.y.forEach((Y, i) => {
      expect(SO3.defect(Y)).toBeLessThan(1e-13);
      expect(diff(Y, ref.exact(sol.t[i]!))).toBeLessThan(1e-6);
    });
  });
});

describe('embedded RKMK pairs', () => {
  it('rejects trial steps when the first step is too bold, and count their work', () => {
    const body = freeRigidBody({ inertia: [2, 2, 1] });
    const stepper = createRkmk54().adaptive(body.problem, 0, body.y0(), 10, { rtol: 1e-10, atol: 1e-10, h0: 5 });
    const first = stepper.advance(10);
    expect(stepper.stats.rejected).toBeGreaterThan(0);
    expect(Math.abs(first.h)).toBeLessThan(5);
    expect(stepper.stats.evaluations).toBe(1 + 6 * (stepper.stats.accepted + stepper.stats.rejected));
  });
  it('are in lieMethods and declare themselves adaptive', () => {
    const m = lieMethods.rkmk54();
    expect([m.name, m.order, m.errorOrder, m.properties.adaptive, m.truncation]).toEqual(['rkmk54', 5, 4, true, 3]);
    expect([createRkmk32().order, createRkmk32().errorOrder, createRkmk32().stages]).toEqual([3, 2, 3]);
  });
  it('reject a tableau without an estimate, bad tolerances, a spent budget', () => {
    const body = freeRigidBody({ inertia: [2, 2, 1] });
    expectPhaseflowError(() => createRkmkPair(RK4), 'NOT_AVAILABLE', 'tableau');
    expectPhaseflowError(() => createRkmk32().adaptive(body.problem, 0, body.y0(), 1, { rtol: -1 }), 'INVALID_ARGUMENT', 'options.rtol');
    expectPhaseflowError(() => createRkmk32().adaptive(body.problem, 0, body.y0(), 1, { atol: [1, 2] }), 'SHAPE_MISMATCH', 'options.atol');
    expectPhaseflowError(() => createRkmk32().adaptive(body.problem, 0, body.y0(), 1, { tolerance: 1 } as never), 'UNKNOWN_OPTION');
    expectPhaseflowError(() => createRkmk32().adaptive(body.problem, 0, Float64Array.of(0, 0, 2), 1, {}), 'NOT_ON_MANIFOLD', 'y');
    expect(() => integrate(createRkmk32(), body.problem, body.y0(), { tEnd: 10, adaptive: { rtol: 1e-10, atol: 1e-10, maxSteps: 3 } })).toThrow(
      expect.objectContaining({ code: 'STEP_BUDGET_EXCEEDED' }),
    );
  });
});
