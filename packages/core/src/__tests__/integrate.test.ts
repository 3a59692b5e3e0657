import { describe, expect, it } from 'vitest';
import { PhaseflowError, float64Space, integrate, integrateAsync, odeProblem, type Integrator, type OdeProblem, type Observer } from '@phaseflow/core';

type F = Float64Array;
const euler: Integrator<OdeProblem<F>, F> = {
  name: 'euler',
  order: 1,
  problemKinds: ['ode'],
  properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
  step: (pr, t, y, h, out) => pr.space.axpy(h, pr.f(t, y), y, out),
};
const decay = odeProblem((_t, y: F, out = new Float64Array(y.length)) => float64Space.scale(-1, y, out));
const y0 = () => Float64Array.of(1);

function errorOf(fn: () => unknown): PhaseflowError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PhaseflowError) return e;
    throw e;
  }
  throw new Error('expected a PhaseflowError');
}

describe('integrate, fixed steps', () => {
  it('reproduces the explicit Euler recursion (1 − h)^n exactly on the grid', () => {
    const sol = integrate(euler, decay, y0(), { tEnd: 1, steps: 10, save: 'steps' });
    expect(sol.t).toHaveLength(11);
    sol.y.forEach((y, i) => expect(y[0]).toBeCloseTo(0.9 ** i, 14));
    expect(sol.t[10]).toBe(1);
    expect(sol.stats.steps).toBe(10);
    expect(sol.status).toBe('completed');
  });

  it('ends exactly on tEnd when h does not divide the span, and can run backward', () => {
    const sol = integrate(euler, decay, y0(), { tEnd: 1, h: 0.3 });
    expect(sol.t).toEqual([0, 1]);
    expect(sol.yFinal[0]).toBeCloseTo(0.7 * 0.7 * 0.7 * 0.9, 14);
    const back = integrate(euler, decay, y0(), { t0: 1, tEnd: 0, steps: 4 });
    expect(back.yFinal[0]).toBeCloseTo(1.25 ** 4, 12);
  });

  it('saves at requested times by splitting steps, keeping the grid', () => {
    const sol = integrate(euler, decay, y0(), { tEnd: 1, h: 0.25, save: { times: [0.1, 0.5, 1] } });
    expect(sol.t).toEqual([0.1, 0.5, 1]);
    expect(sol.y[0]![0]).toBeCloseTo(0.9, 14);
    // 0.1 then 0.15 to the grid point 0.25, then 0.25 to 0.5
    expect(sol.y[1]![0]).toBeCloseTo(0.9 * 0.85 * 0.75, 14);
  });

  it('does not mutate y0 and returns independent copies', () => {
    const init = y0();
    const sol = integrate(euler, decay, init, { tEnd: 1, steps: 3, save: 'steps' });
    expect(init[0]).toBe(1);
    const ys = new Set(sol.y);
    expect(ys.size).toBe(sol.y.length);
  });

  it('lets an observer stop the run and reports why', () => {
    const stopper: Observer = { name: 'stop', on: { step: (e, c) => e.step === 3 && c.stop('enough') } };
    const seen: string[] = [];
    const log: Observer = { name: 'log', on: { 'run:start': () => seen.push('start'), 'run:end': (e) => seen.push(`end:${e.status}`) } };
    const sol = integrate(euler, decay, y0(), { tEnd: 1, steps: 10, observers: [stopper, log] });
    expect(sol.status).toBe('stopped');
    expect(sol.reason).toBe('enough');
    expect(sol.stats.steps).toBe(3);
    expect(sol.tFinal).toBeCloseTo(0.3, 14);
    expect(seen).toEqual(['start', 'end:stopped']);
  });

  it('stops a blow-up with NON_FINITE_STATE naming step and time, keeping the partial run', () => {
    const blow = odeProblem((t, y: F, out = new Float64Array(1)) => {
      out[0] = t > 0.45 ? Infinity : y[0]!;
      return out;
    });
    const e = errorOf(() => integrate(euler, blow, y0(), { tEnd: 1, steps: 10, save: 'steps' }));
    expect(e.code).toBe('NON_FINITE_STATE');
    expect(e.details.step).toBe(6);
    expect(e.details.t).toBeCloseTo(0.6, 14);
    const partial = e.partial as { t: number[]; y: F[] };
    expect(partial.t).toHaveLength(6);
    expect(partial.y.every((y) => Number.isFinite(y[0]))).toBe(true);
  });

  it('honours the step budget and an AbortSignal', () => {
    const e = errorOf(() => integrate(euler, decay, y0(), { tEnd: 1, steps: 10, maxSteps: 4 }));
    expect(e.code).toBe('STEP_BUDGET_EXCEEDED');
    expect(e.details.step).toBe(4);
    const ctrl = new AbortController();
    const aborter: Observer = { name: 'abort', on: { step: (ev) => ev.step === 2 && ctrl.abort() } };
    const a = errorOf(() => integrate(euler, decay, y0(), { tEnd: 1, steps: 10, signal: ctrl.signal, observers: [aborter] }));
    expect(a.code).toBe('ABORTED');
    expect(a.details.step).toBe(2);
  });

  it('async runs yield to timers so an outside abort lands', async () => {
    const slow = odeProblem((_t, y: F, out = new Float64Array(1)) => {
      const until = performance.now() + 0.2;
      while (performance.now() < until);
      out[0] = -y[0]!;
      return out;
    });
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 30);
    await expect(integrateAsync(euler, slow, y0(), { tEnd: 1, steps: 100_000, signal: ctrl.signal, yieldEveryMs: 5 })).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });

  it('rejects bad input with coded errors that name the argument', () => {
    const cases: [() => unknown, string, string][] = [
      [() => integrate(euler, decay, y0(), { tEnd: 1, h: 0 }), 'INVALID_ARGUMENT', 'options.h'],
      [() => integrate(euler, decay, y0(), { tEnd: 1, h: -0.1 }), 'INVALID_ARGUMENT', 'options.h'],
      [() => integrate(euler, decay, y0(), { tEnd: 1, h: NaN }), 'NON_FINITE_INPUT', 'options.h'],
      [() => integrate(euler, decay, y0(), { tEnd: 0, h: 0.1 }), 'INVALID_ARGUMENT', 'options.tEnd'],
      [() => integrate(euler, decay, y0(), { tEnd: 1 }), 'INVALID_ARGUMENT', 'options.h'],
      [() => integrate(euler, decay, y0(), { tEnd: 1, steps: 2.5 }), 'INVALID_ARGUMENT', 'options.steps'],
      [() => integrate(euler, decay, y0(), { tEnd: 1, h: 0.1, steps: 10 }), 'INVALID_ARGUMENT', 'options.steps'],
      [() => integrate(euler, decay, Float64Array.of(NaN), { tEnd: 1, h: 0.1 }), 'NON_FINITE_INPUT', 'y0'],
      [() => integrate(euler, decay, y0(), { tEnd: 1, h: 0.1, adaptive: true }), 'NOT_AVAILABLE', 'options.adaptive'],
      [() => integrate(euler, decay, y0(), { tEnd: 1, h: 0.1, save: { times: [0.5, 0.2] } }), 'INVALID_ARGUMENT', 'options.save.times[1]'],
      [() => integrate(euler, decay, y0(), { tEnd: 1, h: 0.1, save: { times: [2] } }), 'INVALID_ARGUMENT', 'options.save.times[0]'],
      [() => integrate(euler, decay, y0(), { tEnd: 1, h: 0.1, tolerance: 1 } as never), 'UNKNOWN_OPTION', 'options.tolerance'],
      [() => integrate(euler, { kind: 'lie', space: float64Space } as never, y0(), { tEnd: 1, h: 0.1 }), 'UNSUPPORTED_PROBLEM', 'problem'],
      [() => integrate(euler, decay, y0(), { tEnd: 1, h: 0.1, observers: [{ on: {} }] as never }), 'INVALID_ARGUMENT', 'options.observers[0]'],
    ];
    for (const [fn, code, argument] of cases) {
      const e = errorOf(fn);
      expect(e.code, e.message).toBe(code);
      expect(e.details.argument, e.message).toBe(argument);
    }
  });

  it('wraps an exception thrown by user code with the step and time', () => {
    const bad = odeProblem((t, y: F, out = new Float64Array(1)) => {
      if (t >= 0.2) throw new Error('boom');
      out[0] = y[0]!;
      return out;
    });
    const e = errorOf(() => integrate(euler, bad, y0(), { tEnd: 1, steps: 10 }));
    expect(e.message).toContain('boom');
    expect(e.details.t).toBeCloseTo(0.2, 14);
    expect(e.cause).toBeInstanceOf(Error);
    expect(e.code).toBe('CALLBACK_FAILED');
    expect(e.details.callback).toBe('problem.f');
    expect(e.details.step).toBe(3);
  });
});

describe('integrate, adaptive', () => {
  // A toy adaptive integrator: Euler with step doubling, to exercise the driver's adaptive loop.
  const adaptiveEuler: Integrator<OdeProblem<F>, F> = {
    ...euler,
    name: 'adaptive-euler',
    properties: { ...euler.properties, adaptive: true, denseOutput: true },
    adaptive(pr, t0, y0, tEnd, opts) {
      let t = t0;
      let h = (opts.h0 as number | undefined) ?? 0.01;
      const dir = Math.sign(tEnd - t0);
      let y = y0;
      let prev = y0;
      let tPrev = t0;
      const stats = { accepted: 0, rejected: 0, evaluations: 0 };
      return {
        stats,
        advance(tStop) {
          const hh = Math.min(h, Math.abs(tStop - t)) * dir;
          prev = y;
          tPrev = t;
          y = euler.step(pr, t, y, hh);
          stats.evaluations++;
          stats.accepted++;
          t = Math.abs(tStop - t) <= h ? tStop : t + hh;
          h *= 1.5;
          return { t, y, h: hh };
        },
        interpolate(ts, out) {
          const th = (ts - tPrev) / (t - tPrev);
          return float64Space.combine([1 - th, th], [prev, y], undefined, out);
        },
      };
    },
  };

  it('drives the stepper to tEnd and interpolates at requested times', () => {
    const sol = integrate(adaptiveEuler, decay, y0(), { tEnd: 1, adaptive: { rtol: 1e-3 }, h: 0.1, save: { times: [0, 0.05, 1] } });
    expect(sol.t).toEqual([0, 0.05, 1]);
    expect(sol.y[1]![0]).toBeCloseTo(1 - 0.05, 12);
    expect(sol.tFinal).toBe(1);
    expect(sol.stats.evaluations).toBe(sol.stats.steps);
  });
});
