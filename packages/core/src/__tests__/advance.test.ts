import { describe, expect, it } from 'vitest';
import { type PhaseflowError, checkStep, integrate, odeProblem, type Integrator, type Observer, type OdeProblem } from '@phaseflow/core';

type F = Float64Array;
let advanceCalls = 0;
const euler: Integrator<OdeProblem<F>, F> = {
  name: 'euler',
  order: 1,
  problemKinds: ['ode'],
  properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
  step(pr, t, y, h, out) {
    checkStep(this, pr, h);
    return pr.space.axpy(h, pr.f(t, y), y, out);
  },
  advance(pr, t, y, h, n, out) {
    advanceCalls++;
    checkStep(this, pr, h);
    let z = pr.space.copy(y, out);
    for (let j = 0; j < n; j++) z = pr.space.axpy(h, pr.f(t + j * h, z), z, z);
    return z;
  },
};
const stepOnly: Integrator<OdeProblem<F>, F> = { ...euler, name: 'euler-step-only', advance: undefined };
// Non-autonomous, so the times handed to advance matter.
const f = odeProblem((t, y: F, out = new Float64Array(1)) => ((out[0] = -y[0]! * (1 + t)), out));

describe('integrate with Integrator.advance', () => {
  it('gives the step-by-step result (to rounding), saves every k steps and ends on tEnd', () => {
    advanceCalls = 0;
    const a = integrate(euler, f, Float64Array.of(1), { tEnd: 2.05, h: 0.001, save: { every: 300 } });
    expect(advanceCalls).toBeGreaterThan(1);
    const b = integrate(stepOnly, f, Float64Array.of(1), { tEnd: 2.05, h: 0.001, save: { every: 300 } });
    expect(a.t).toEqual(b.t);
    a.y.forEach((y, i) => expect(y[0]).toBeCloseTo(b.y[i]![0]!, 13));
    expect(a.tFinal).toBe(2.05);
    expect(a.stats.steps).toBe(2050);
  });

  it('gives bit-identical states with and without a step observer on an autonomous problem', () => {
    const rot = odeProblem((_t, y: F, out = new Float64Array(2)) => ((out[0] = y[1]!), (out[1] = -y[0]!), out));
    const quiet = integrate(euler, rot, Float64Array.of(1, 0), { tEnd: 7.3, h: 0.001, save: { every: 1000 } });
    const watch: Observer = { name: 'w', on: { step: () => undefined } };
    const watched = integrate(euler, rot, Float64Array.of(1, 0), { tEnd: 7.3, h: 0.001, save: { every: 1000 }, observers: [watch] });
    expect(quiet.t).toEqual(watched.t);
    expect(quiet.y).toEqual(watched.y);
  });

  it('is not used when an observer watches steps', () => {
    advanceCalls = 0;
    let seen = 0;
    const watch: Observer = { name: 'w', on: { step: () => void seen++ } };
    integrate(euler, f, Float64Array.of(1), { tEnd: 1, h: 0.01, observers: [watch] });
    expect(advanceCalls).toBe(0);
    expect(seen).toBe(100);
  });

  it('keeps the step budget exact', () => {
    try {
      integrate(euler, f, Float64Array.of(1), { tEnd: 10, h: 0.001, maxSteps: 2500 });
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'STEP_BUDGET_EXCEEDED', details: { step: 2500 } });
    }
  });

  it('names the first non-finite step of a chunk, like the step-by-step run', () => {
    const blow = odeProblem((t, y: F, out = new Float64Array(1)) => ((out[0] = t > 1.2345 ? Infinity : y[0]!), out));
    const run = (m: Integrator<OdeProblem<F>, F>) => {
      try {
        integrate(m, blow, Float64Array.of(1), { tEnd: 3, h: 0.001, save: { every: 100 } });
      } catch (e) {
        return e as PhaseflowError<{ t: number[]; yFinal: F; stats: { steps: number } }>;
      }
      throw new Error('expected a failure');
    };
    const a = run(euler);
    const b = run(stepOnly);
    expect(a.code).toBe('NON_FINITE_STATE');
    expect(a.details.step).toBe(b.details.step);
    expect(a.details.t).toBeCloseTo(b.details.t!, 12);
    expect(a.partial!.t).toEqual(b.partial!.t);
    expect(Number.isFinite(a.partial!.yFinal[0])).toBe(true);
    expect(a.partial!.stats.steps).toBe(b.partial!.stats.steps);
  });

  it('runs the chunks on the problem as given, and still names a vector field that throws inside a chunk, and its step', () => {
    const seen = new Set<unknown>();
    const watching: Integrator<OdeProblem<F>, F> = {
      ...euler,
      name: 'euler-watching',
      advance(pr, t, y, h, n, out) {
        seen.add(pr);
        return euler.advance!(pr, t, y, h, n, out);
      },
    };
    integrate(watching, f, Float64Array.of(1), { tEnd: 3, h: 0.001 });
    expect([...seen]).toEqual([f]);
    const boom = new Error('boom');
    const throwing = odeProblem((t, y: F, out = new Float64Array(1)) => {
      if (t > 1.2345) throw boom;
      return ((out[0] = -y[0]!), out);
    });
    const run = (m: Integrator<OdeProblem<F>, F>) => {
      try {
        integrate(m, throwing, Float64Array.of(1), { tEnd: 3, h: 0.001, save: { every: 100 } });
      } catch (e) {
        return e as PhaseflowError<{ t: number[]; stats: { steps: number } }>;
      }
      throw new Error('expected a failure');
    };
    const a = run(euler);
    const b = run(stepOnly);
    expect(a.code).toBe('CALLBACK_FAILED');
    expect(a.message).toMatch(/problem\.f/);
    expect(a.cause).toBe(boom);
    expect(a.details.step).toBe(b.details.step);
    expect(a.details.t).toBeCloseTo(b.details.t!, 12);
    expect(a.partial!.stats.steps).toBe(b.partial!.stats.steps);
    expect(a.partial!.t).toEqual(b.partial!.t);
  });

  it('checks the size of what the vector field returns in chunked runs too', () => {
    const wrong = odeProblem((_t, _y: F) => new Float64Array(3));
    try {
      integrate(euler, wrong, Float64Array.of(1, 2), { tEnd: 3, h: 0.001 });
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'SHAPE_MISMATCH', details: { argument: 'problem.f' } });
    }
  });
});
