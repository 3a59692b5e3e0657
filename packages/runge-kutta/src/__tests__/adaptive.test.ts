import { float64Space, integrate, isPhaseflowError, odeProblem, phaseSpace, type PhaseState } from '@phaseflow/core';
import { describe, expect, it } from 'vitest';
import { createBs3, createDop853, createDopri5, createRk4, createTsit5, solveIvp, type RungeKuttaIntegrator } from '@phaseflow/runge-kutta';
import { arenstorf, kepler } from '@phaseflow/problems';

/** Kepler e = 0.5 as the first-order ODE z' = (p, −q/|q|³), and its exact solution. */
const keplerOde = () => kepler({ e: 0.5, kind: 'ode' });
const keplerExact = (t: number) => keplerOde().exact(t);

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (isPhaseflowError(e)) return e.code;
    throw e;
  }
  return 'no error';
};

describe('Arenstorf orbit (closed orbit of period 17.0652165601579625588917206249)', () => {
  // Measured returns at rtol = atol = 1e-10: dopri5 2.4e-6, tsit5 5.9e-8, dop853 8.6e-7. The
  // orbit passes within 0.01 of the Moon, where local errors are amplified by ~1e4: that is
  // the "tolerance" a closed-orbit return can meet.
  it.each([
    ['dopri5', createDopri5(), 1e-5],
    ['tsit5', createTsit5(), 1e-6],
    ['dop853', createDop853(), 5e-6],
  ] as const)('%s with rtol 1e-10 returns to its start after one period', (_, method, bound) => {
    const ar = arenstorf();
    const sol = solveIvp(method, ar.problem, ar.y0(), { tEnd: ar.period, rtol: 1e-10, atol: 1e-10, saveAt: 'endpoints' });
    expect(sol.status).toBe('completed');
    expect(sol.tFinal).toBe(ar.period);
    expect(maxDiff(sol.yFinal, ar.y0())).toBeLessThan(bound);
  });
  it('the return error falls in proportion to the tolerance (dop853: ×100 tighter gives ≥ ×30 smaller)', () => {
    const ar = arenstorf();
    const err = (tol: number) =>
      maxDiff(solveIvp(createDop853(), ar.problem, ar.y0(), { tEnd: ar.period, rtol: tol, atol: tol, saveAt: 'endpoints' }).yFinal, ar.y0());
    const e8 = err(1e-8);
    const e10 = err(1e-10);
    const e12 = err(1e-12);
    expect(e8 / e10).toBeGreaterThan(30);
    expect(e10 / e12).toBeGreaterThan(30);
  });
});

describe('adaptive stepper through core integrate()', () => {
  it('integrate(..., { adaptive }) runs and its dense output at saved times matches the exact Kepler orbit', () => {
    const k = keplerOde();
    const times = Array.from({ length: 21 }, (_, i) => i * 0.3);
    for (const m of [createDopri5(), createTsit5(), createDop853()]) {
      const sol = integrate(m, k.problem, k.y0(), { tEnd: 6, adaptive: { rtol: 1e-10, atol: 1e-10 }, save: { times } });
      expect(sol.t).toEqual(times);
      const worst = Math.max(...sol.y.map((y, i) => maxDiff(y, keplerExact(times[i]!))));
      expect(worst).toBeLessThan(5e-8);
      // output at requested times does not shorten steps: same step count as an endpoints-only run
      const plain = integrate(m, k.problem, k.y0(), { tEnd: 6, adaptive: { rtol: 1e-10, atol: 1e-10 } });
      expect(sol.stats.steps).toBe(plain.stats.steps);
    }
  });
  it('dense output converges at its order inside a single step (Kepler, fixed h, halving)', () => {
    const k = keplerOde();
    const cases: [RungeKuttaIntegrator, number][] = [
      [createBs3(), 3],
      [createDopri5(), 4],
      [createTsit5(), 4],
      [createDop853(), 7],
    ];
    for (const [m, q] of cases) {
      const errs = [0.4, 0.2, 0.1].map((h) => {
        const st = m.adaptive!(k.problem, 0, k.y0(), h, { h0: h, rtol: 1, atol: 1 });
        st.advance(h);
        return maxDiff(st.interpolate!(0.37 * h), keplerExact(0.37 * h));
      });
      // local interpolation error is O(h^(q+1))
      expect(Math.log2(errs[1]! / errs[2]!)).toBeGreaterThan(q + 1 - 0.5);
    }
  });
  it('FSAL: dopri5 costs 6 evaluations per attempt plus 2 at the start; dop853 12 per accepted and 11 per rejected step', () => {
    const ar = arenstorf();
    const a = solveIvp(createDopri5(), ar.problem, ar.y0(), { tEnd: ar.period, rtol: 1e-6, atol: 1e-6, saveAt: 'endpoints' }).stats;
    expect(a.evaluations).toBe(2 + 6 * (a.accepted + a.rejected));
    const b = solveIvp(createDop853(), ar.problem, ar.y0(), { tEnd: ar.period, rtol: 1e-8, atol: 1e-8, saveAt: 'endpoints' }).stats;
    expect(b.rejected).toBeGreaterThan(0);
    expect(b.evaluations).toBe(2 + 12 * b.accepted + 11 * b.rejected);
  });
  it('per-component tolerances are honoured (a huge atol on one component loosens only the control)', () => {
    const k = keplerOde();
    const tight = solveIvp(createDopri5(), k.problem, k.y0(), { tEnd: 6, rtol: 1e-9, atol: 1e-9, saveAt: 'endpoints' });
    const perComp = solveIvp(createDopri5(), k.problem, k.y0(), {
      tEnd: 6,
      rtol: [1e-9, 1e-9, 1e-9, 1e-9],
      atol: Float64Array.of(1e-9, 1e-9, 1e-9, 1e-9),
      saveAt: 'endpoints',
    });
    expect(perComp.stats).toEqual(tight.stats);
    expect(maxDiff(perComp.yFinal, tight.yFinal)).toBe(0);
    const loose = solveIvp(createDopri5(), k.problem, k.y0(), { tEnd: 6, rtol: [1e-9, 1e-9, 1e3, 1e3], atol: [1e-9, 1e-9, 1e3, 1e3], saveAt: 'endpoints' });
    expect(loose.stats.accepted).toBeLessThan(tight.stats.accepted);
  });
  it('works on a non-Float64Array VectorSpace (phase space (q, p)) with the same numbers', () => {
    const space = phaseSpace(float64Space);
    const problem = odeProblem<PhaseState<Float64Array>>(
      (_t, y, out = space.zeros(y)) => {
        const r3 = Math.hypot(y.q[0]!, y.q[1]!) ** 3;
        out.q[0] = y.p[0]!;
        out.q[1] = y.p[1]!;
        out.p[0] = -y.q[0]! / r3;
        out.p[1] = -y.q[1]! / r3;
        return out;
      },
      { space },
    );
    const z0 = keplerExact(0);
    const y0 = { q: z0.slice(0, 2), p: z0.slice(2) };
    const sol = solveIvp(createTsit5<PhaseState<Float64Array>>(), problem, y0, { tEnd: 6, rtol: 1e-9, atol: 1e-9, saveAt: [3, 6] });
    const flat = solveIvp(createTsit5(), keplerOde().problem, z0, { tEnd: 6, rtol: 1e-9, atol: 1e-9, saveAt: [3, 6] });
    // phase space sums its error norm per block, so the step sequences agree to rounding only
    expect(sol.stats.accepted).toBe(flat.stats.accepted);
    expect(maxDiff(space.toFloat64(sol.yFinal), flat.yFinal)).toBeLessThan(1e-12);
    expect(maxDiff(space.toFloat64(sol.y[0]!), flat.y[0]!)).toBeLessThan(1e-12);
  });
  it('integrates backward in time (tEnd < t0) to the exact solution', () => {
    const k = keplerOde();
    const sol = solveIvp(createDop853(), k.problem, keplerExact(5), { t0: 5, tEnd: 0, rtol: 1e-11, atol: 1e-11, saveAt: [4, 2, 0] });
    expect(sol.t).toEqual([4, 2, 0]);
    expect(maxDiff(sol.yFinal, keplerExact(0))).toBeLessThan(1e-8);
  });
  it('step() with out aliasing y gives the fresh result and allocates no new state', () => {
    const k = keplerOde();
    const m = createDop853();
    const y = k.y0();
    const fresh = m.step(k.problem, 0, y, 0.1);
    const same = m.step(k.problem, 0, y, 0.1, y);
    expect(same).toBe(y);
    expect(maxDiff(same, fresh)).toBe(0);
  });
});

describe('limits and bad input', () => {
  const k = keplerOde();
  it('minStep: STEP_SIZE_TOO_SMALL naming t and h', () => {
    try {
      solveIvp(createDopri5(), k.problem, k.y0(), { tEnd: 6, rtol: 1e-12, atol: 1e-12, minStep: 0.05 });
      expect.unreachable();
    } catch (e) {
      expect(isPhaseflowError(e, 'STEP_SIZE_TOO_SMALL')).toBe(true);
      const err = e as { details: { t: number; h: number }; message: string; partial: { t: number[] } };
      expect(err.details.t).toBeTypeOf('number');
      expect(Math.abs(err.details.h)).toBeLessThan(0.05);
      expect(err.message).toMatch(/t = .*h = /);
      expect(err.partial.t.length).toBeGreaterThan(0);
    }
  });
  it('maxSteps: STEP_BUDGET_EXCEEDED naming t and h', () => {
    try {
      solveIvp(createDopri5(), k.problem, k.y0(), { tEnd: 6, rtol: 1e-10, atol: 1e-10, maxSteps: 10 });
      expect.unreachable();
    } catch (e) {
      expect(isPhaseflowError(e, 'STEP_BUDGET_EXCEEDED')).toBe(true);
      expect((e as { details: { t: number; h: number } }).details.h).toBeGreaterThan(0);
    }
  });
  it('a vector field that blows up ends with STEP_SIZE_TOO_SMALL at the singularity', () => {
    // y' = y², y(0) = 1 blows up at t = 1
    const blow = odeProblem((_t, y, out = new Float64Array(1)) => ((out[0] = y[0]! * y[0]!), out));
    try {
      solveIvp(createDopri5(), blow, Float64Array.of(1), { tEnd: 2, rtol: 1e-8, atol: 1e-8 });
      expect.unreachable();
    } catch (e) {
      expect(isPhaseflowError(e, 'STEP_SIZE_TOO_SMALL')).toBe(true);
      expect(Math.abs((e as { details: { t: number } }).details.t - 1)).toBeLessThan(1e-3);
    }
  });
  it('tolerances ≤ 0, non-finite y0, unknown options, wrong sizes and non-adaptive methods are coded errors', () => {
    const y0 = k.y0();
    expect(code(() => solveIvp(createDopri5(), k.problem, y0, { tEnd: 1, rtol: 0 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => solveIvp(createDopri5(), k.problem, y0, { tEnd: 1, atol: -1e-6 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => solveIvp(createDopri5(), k.problem, y0, { tEnd: 1, atol: [1e-6, 1e-6, 0, 1e-6] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => solveIvp(createDopri5(), k.problem, y0, { tEnd: 1, rtol: [1e-6, 1e-6] }))).toBe('SHAPE_MISMATCH');
    expect(code(() => solveIvp(createDopri5(), k.problem, y0, { tEnd: 1, rtol: NaN }))).toBe('NON_FINITE_INPUT');
    expect(code(() => solveIvp(createDopri5(), k.problem, Float64Array.of(1, NaN, 0, 0), { tEnd: 1 }))).toBe('NON_FINITE_INPUT');
    expect(code(() => solveIvp(createDopri5(), k.problem, y0, { tEnd: 0 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => solveIvp(createDopri5(), k.problem, y0, { tEnd: 1, tol: 1e-3 } as never))).toBe('UNKNOWN_OPTION');
    expect(code(() => solveIvp(createDopri5(), k.problem, y0, { tEnd: 1, saveAt: [0.5, 0.2] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => solveIvp(createDopri5(), k.problem, y0, { tEnd: 1, saveAt: [2] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => solveIvp(createRk4(), k.problem, y0, { tEnd: 1 }))).toBe('NOT_AVAILABLE');
    expect(code(() => integrate(createRk4<Float64Array>(), k.problem, y0, { tEnd: 1, adaptive: true }))).toBe('NOT_AVAILABLE');
    expect(code(() => integrate(createDopri5<Float64Array>(), k.problem, y0, { tEnd: 1, adaptive: { rtol: -1 } }))).toBe('INVALID_ARGUMENT');
    expect(code(() => createDopri5().adaptive!(k.problem, 0, y0, 1, { beta: 0.5 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => createDopri5().adaptive!({ ...k.problem, kind: 'partitioned' } as never, 0, y0, 1, {}))).toBe('UNSUPPORTED_PROBLEM');
    expect(code(() => createDopri5().step(k.problem, 0, y0, 0))).toBe('INVALID_ARGUMENT');
  });
});
