import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_STEPS,
  PhaseflowError,
  checkStep,
  createRunLifecycle,
  integrate,
  odeProblem,
  type AdaptiveStepper,
  type Integrator,
  type Observer,
  type OdeProblem,
  type StepEvent,
} from '@phaseflow/core';

type F = Float64Array;

/** x' = v, v' = −x: autonomous, so chunk boundaries cannot change a single bit. */
const rot = odeProblem((_t, y: F, out = new Float64Array(2)) => ((out[0] = y[1]!), (out[1] = -y[0]!), out));
const y0 = () => Float64Array.of(1, 0);

let advanceCalls = 0;
let preparedCalls = 0;
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
    let z = pr.space.copy(y, out);
    for (let j = 0; j < n; j++) z = pr.space.axpy(h, pr.f(t + j * h, z), z, z);
    return z;
  },
};
const stepOnly: Integrator<OdeProblem<F>, F> = { ...euler, name: 'euler-step-only', advance: undefined };
/** `advance` prepared once per run. */
const prepared: Integrator<OdeProblem<F>, F> = {
  ...euler,
  name: 'euler-prepared',
  prepareAdvance(pr, _y, h) {
    preparedCalls++;
    return (t, y, n, out) => {
      advanceCalls++;
      let z = pr.space.copy(y, out);
      for (let j = 0; j < n; j++) z = pr.space.axpy(h, pr.f(t + j * h, z), z, z);
      return z;
    };
  },
};

/** The exact rotation as an "adaptive" integrator with steps of h0 and exact dense output. */
const rotate = (h: number, y: F, out: F = new Float64Array(2)): F => {
  const c = Math.cos(h);
  const s = Math.sin(h);
  const x = y[0]!;
  const v = y[1]!;
  out[0] = c * x + s * v;
  out[1] = -s * x + c * v;
  return out;
};
const exactDense: Integrator<OdeProblem<F>, F> = {
  name: 'exact-dense',
  order: 99,
  problemKinds: ['ode'],
  properties: { explicit: true, symplectic: true, timeReversible: true, adaptive: true, denseOutput: true },
  step: (_pr, _t, y, h, out) => rotate(h, y, out),
  adaptive(_pr, t0, yInit, tEnd, opts): AdaptiveStepper<F> {
    const H = (opts.h0 as number | undefined) ?? 0.25;
    let t = t0;
    let tPrev = t0;
    let y: F = Float64Array.from(yInit);
    let yPrev: F = Float64Array.from(yInit);
    const stats = { accepted: 0, rejected: 0, evaluations: 0 };
    return {
      stats,
      advance(tStop) {
        const last = Math.abs(tStop - t) <= H;
        const h = last ? tStop - t : Math.sign(tEnd - t0) * H;
        yPrev = y;
        tPrev = t;
        y = rotate(h, yPrev);
        t = last ? tStop : t + h;
        stats.accepted++;
        return { t, y, h };
      },
      interpolate: (tq, out) => rotate(tq - tPrev, yPrev, out),
    };
  },
};
const noDense: Integrator<OdeProblem<F>, F> = {
  ...exactDense,
  name: 'exact-no-dense',
  properties: { ...exactDense.properties, denseOutput: false },
  adaptive(pr, t0, yInit, tEnd, opts) {
    const { interpolate: _drop, ...rest } = exactDense.adaptive!(pr, t0, yInit, tEnd, opts);
    return rest;
  },
};

/** An observer that records what it is handed, with the cadence given. */
function watcher(cadence: { every?: number; at?: number[] }, stopAt?: number) {
  const seen: { step: number; t: number; h: number; state: number[]; interpolated: boolean }[] = [];
  const o: Observer = {
    name: 'watcher',
    ...cadence,
    on: {
      step(e: StepEvent, c) {
        seen.push({ step: e.step, t: e.t, h: e.h, state: Array.from(e.state as F), interpolated: e.interpolated === true });
        if (stopAt !== undefined && e.step >= stopAt) c.stop('seen enough');
      },
    },
  };
  return { o, seen };
}

function errorOf(fn: () => unknown): PhaseflowError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PhaseflowError) return e;
    throw e;
  }
  throw new Error('expected a PhaseflowError');
}

describe('observer cadence: every k-th step', () => {
  it('sees exactly steps k, 2k, … and the final state, while the run advances in chunks', () => {
    for (const integrator of [euler, prepared]) {
      advanceCalls = 0;
      const { o, seen } = watcher({ every: 100 });
      const sol = integrate(integrator, rot, y0(), { tEnd: 7.3, h: 0.001, observers: [o] });
      expect(sol.stats.steps).toBe(7300);
      expect(seen.map((s) => s.step)).toEqual([...Array.from({ length: 73 }, (_, i) => 100 * (i + 1))]);
      expect(advanceCalls).toBeGreaterThanOrEqual(72);
      expect(advanceCalls).toBeLessThan(80);
      // The last one is the final state itself.
      expect(seen.at(-1)!.t).toBe(sol.tFinal);
      expect(seen.at(-1)!.state).toEqual(Array.from(sol.yFinal));
    }
    // 7301 steps: the final state (step 7301, not a multiple of 100) comes on its own.
    const { o, seen } = watcher({ every: 100 });
    const sol = integrate(euler, rot, y0(), { tEnd: 7.3005, h: 0.001, observers: [o] });
    expect(sol.stats.steps).toBe(7301);
    expect(seen.map((s) => s.step).slice(-2)).toEqual([7300, 7301]);
    expect(seen.at(-1)!.t).toBe(7.3005);
    expect(seen.at(-1)!.state).toEqual(Array.from(sol.yFinal));
  });

  it('prepares advance once per run', () => {
    preparedCalls = 0;
    const { o } = watcher({ every: 10 });
    integrate(prepared, rot, y0(), { tEnd: 1, h: 0.001, observers: [o] });
    expect(preparedCalls).toBe(1);
  });

  it('gives results bit-identical to the unobserved run, states at the steps it sees equal to the run saving them', () => {
    for (const integrator of [euler, prepared, stepOnly]) {
      const quiet = integrate(integrator, rot, y0(), { tEnd: 7.3, h: 0.001, save: { every: 700 } });
      const { o, seen } = watcher({ every: 37 });
      const watched = integrate(integrator, rot, y0(), { tEnd: 7.3, h: 0.001, save: { every: 700 }, observers: [o] });
      expect(watched.t).toEqual(quiet.t);
      expect(watched.y).toEqual(quiet.y);
      expect(watched.yFinal).toEqual(quiet.yFinal);
      const saved = integrate(integrator, rot, y0(), { tEnd: 7.3, h: 0.001, save: { every: 37 } });
      // saved: t0, steps 37, 74, …, and the final state; the observer: the same without t0.
      expect(seen.map((s) => s.t)).toEqual(saved.t.slice(1));
      expect(seen.map((s) => s.state)).toEqual(saved.y.slice(1).map((y) => Array.from(y)));
    }
  });

  it('keeps seeing every step for observers without a cadence, beside cadenced ones', () => {
    advanceCalls = 0;
    const all = watcher({});
    const some = watcher({ every: 50 });
    integrate(euler, rot, y0(), { tEnd: 1, h: 0.01, observers: [all.o, some.o] });
    expect(advanceCalls).toBe(0);
    expect(all.seen).toHaveLength(100);
    expect(some.seen.map((s) => s.step)).toEqual([50, 100]);
  });

  it('stops at the step where the observer asked, on the chunk boundary', () => {
    const { o, seen } = watcher({ every: 250 }, 750);
    const sol = integrate(euler, rot, y0(), { tEnd: 10, h: 0.001, observers: [o] });
    expect(sol.status).toBe('stopped');
    expect(sol.reason).toBe('seen enough');
    expect(sol.stats.steps).toBe(750);
    expect(seen.map((s) => s.step)).toEqual([250, 500, 750]);
  });

  it('sees the final state of a run ended by a terminal event', () => {
    const { o, seen } = watcher({ every: 1000 });
    const sol = integrate(euler, rot, y0(), { tEnd: 10, h: 0.001, observers: [o], events: [{ g: (_t, y) => y[0]!, terminal: true }] });
    expect(sol.status).toBe('terminated');
    expect(sol.tFinal).toBeCloseTo(Math.PI / 2, 2);
    expect(seen.map((s) => s.step)).toEqual([1000, sol.stats.steps]);
    expect(seen[1]!.t).toBe(sol.tFinal);
    expect(seen[1]!.state).toEqual(Array.from(sol.yFinal));
  });

  it('reads a cadence set by the run:start handler (from the total step count)', () => {
    const steps: number[] = [];
    let every = 1;
    const bar: Observer = {
      name: 'bar',
      get every() {
        return every;
      },
      on: {
        'run:start': (e) => void (every = Math.max(1, Math.floor((e.total ?? 0) / 10))),
        step: (e) => void steps.push(e.step),
      },
    };
    integrate(euler, rot, y0(), { tEnd: 1, h: 0.001, observers: [bar] });
    expect(steps).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });

  it('applies in trainers and other lifecycle runs too (every k-th step)', () => {
    const { o, seen } = watcher({ every: 3 });
    const life = createRunLifecycle({ run: 'training', name: 't', observers: [o] });
    life.start({ total: 10 });
    for (let s = 1; s <= 10; s++) life.step({ step: s, t: s, h: 1, state: Float64Array.of(s) });
    life.finish();
    expect(seen.map((s) => s.step)).toEqual([3, 6, 9]);
  });

  it('refuses a bad cadence, naming the observer', () => {
    const bad = (cadence: object) =>
      errorOf(() => integrate(euler, rot, y0(), { tEnd: 1, h: 0.1, observers: [{ name: 'x', on: { step: () => undefined }, ...cadence }] }));
    expect(bad({ every: 0 })).toMatchObject({ code: 'INVALID_ARGUMENT', details: { argument: 'options.observers[0].every' } });
    expect(bad({ every: 2.5 })).toMatchObject({ details: { argument: 'options.observers[0].every' } });
    expect(bad({ at: 'soon' })).toMatchObject({ details: { argument: 'options.observers[0].at' } });
    expect(bad({ at: [0.5, 2] })).toMatchObject({ details: { argument: 'options.observers[0].at[1]' } });
    expect(bad({ at: [0.5, 0.4] })).toMatchObject({ details: { argument: 'options.observers[0].at[1]' } });
  });
});

describe('observer cadence: output times', () => {
  const at = [0, 0.0005, 0.25, 0.3337, 1, 1.23456, 2.5];

  it('hits the times exactly in chunked fixed-step runs, with the state a run saving there computes, and changes nothing else', () => {
    for (const integrator of [euler, prepared, stepOnly]) {
      const { o, seen } = watcher({ at });
      const watched = integrate(integrator, rot, y0(), { tEnd: 2.5, h: 0.001, save: { every: 500 }, observers: [o] });
      const quiet = integrate(integrator, rot, y0(), { tEnd: 2.5, h: 0.001, save: { every: 500 } });
      expect(watched.y).toEqual(quiet.y);
      expect(watched.yFinal).toEqual(quiet.yFinal);
      expect(seen.map((s) => s.t)).toEqual(at);
      // A grid time gets the step's own state; any other time one step from the start of its step.
      const full = integrate(stepOnly, rot, y0(), { tEnd: 2.5, h: 0.001, save: 'steps' });
      const expected = at.map((ts) => {
        const j = full.t.findIndex((t) => t >= ts);
        return Array.from(full.t[j] === ts ? full.y[j]! : euler.step(rot, full.t[j - 1]!, full.y[j - 1]!, ts - full.t[j - 1]!));
      });
      expect(seen.map((s) => s.state)).toEqual(expected);
      expect(seen[0]).toMatchObject({ step: 0, h: 0, interpolated: false });
      // 0.0005 is inside step 1; 0.25 is a grid time (step 250).
      expect(seen[1]).toMatchObject({ step: 1, interpolated: true });
      expect(seen[1]!.h).toBeCloseTo(0.0005, 15);
      expect(seen[2]).toMatchObject({ step: 250, interpolated: false });
    }
  });

  it('merges every and at for one observer, in time order, each time once', () => {
    const { o, seen } = watcher({ every: 400, at: [0.2, 0.4, 0.5005] });
    integrate(euler, rot, y0(), { tEnd: 1, h: 0.001, observers: [o] });
    expect(seen.map((s) => s.t)).toEqual([0.2, 0.4, 0.5005, 0.8, 1]);
    expect(seen.map((s) => s.step)).toEqual([200, 400, 501, 800, 1000]);
  });

  it('hits the times in adaptive runs, from dense output or by re-stepping, without changing the steps', () => {
    const times = [0.1, 0.25, 0.9, 3.14159, 5];
    for (const integrator of [exactDense, noDense]) {
      const { o, seen } = watcher({ at: times });
      const watched = integrate(integrator, rot, y0(), { tEnd: 5, adaptive: true, save: 'steps', observers: [o] });
      const quiet = integrate(integrator, rot, y0(), { tEnd: 5, adaptive: true, save: 'steps' });
      expect(watched.t).toEqual(quiet.t);
      expect(watched.y).toEqual(quiet.y);
      expect(seen.map((s) => s.t)).toEqual(times);
      seen.forEach((s, i) => {
        expect(s.state[0]).toBeCloseTo(Math.cos(times[i]!), 13);
        expect(s.state[1]).toBeCloseTo(-Math.sin(times[i]!), 13);
      });
      expect(seen.map((s) => s.interpolated)).toEqual([true, false, true, true, false]);
    }
  });

  it('runs backward, and stops where an output-time handler asked (after the step holding it)', () => {
    const { o, seen } = watcher({ at: [0.75, 0.5] });
    const back = integrate(euler, rot, y0(), { t0: 1, tEnd: 0, h: 0.001, observers: [o] });
    expect(seen.map((s) => s.t)).toEqual([0.75, 0.5]);
    expect(back.tFinal).toBe(0);
    const stop: Observer = { name: 'stop', at: [0.3005], on: { step: (_e, c) => c.stop('at the time') } };
    const sol = integrate(euler, rot, y0(), { tEnd: 1, h: 0.001, observers: [stop] });
    expect(sol.status).toBe('stopped');
    expect(sol.stats.steps).toBe(301);
  });
});

/** y' = 0 solved exactly, fixed-step (with advance) and adaptive: the budget tests cost nothing per step. */
const zero = odeProblem((_t, y: F, out = new Float64Array(y.length)) => out.fill(0));
const still: Integrator<OdeProblem<F>, F> = {
  name: 'still',
  order: 99,
  problemKinds: ['ode'],
  properties: { explicit: true, symplectic: true, timeReversible: true, adaptive: true },
  step: (pr, _t, y, _h, out) => pr.space.copy(y, out),
  advance: (pr, _t, y, _h, _n, out) => pr.space.copy(y, out),
  adaptive(_pr, t0, yInit, _tEnd, opts): AdaptiveStepper<F> {
    const h = opts.h0 as number;
    let t = t0;
    const stats = { accepted: 0, rejected: 0, evaluations: 0 };
    return {
      stats,
      advance(tStop) {
        const last = Math.abs(tStop - t) <= h;
        const hh = last ? tStop - t : h;
        t = last ? tStop : t + h;
        stats.accepted++;
        return { t, y: yInit, h: hh };
      },
    };
  },
};
const stillStep: Integrator<OdeProblem<F>, F> = { ...still, name: 'still-step', advance: undefined };

describe('the default step budget', () => {
  it('is one number for fixed-step and adaptive runs, documented as DEFAULT_MAX_STEPS', () => {
    expect(DEFAULT_MAX_STEPS).toBe(1_000_000);
  });

  it('stops a fixed-step run that needs more, naming maxSteps, the step reached and t, with the run so far', () => {
    const e = errorOf(() => integrate(still, zero, y0(), { tEnd: 1e9, h: 1e-3 }));
    expect(e.code).toBe('STEP_BUDGET_EXCEEDED');
    expect(e.message).toMatch(/options\.maxSteps/);
    expect(e.message).toMatch(/step 1000000, t = /);
    expect(e.details).toMatchObject({ argument: 'options.maxSteps', maxSteps: DEFAULT_MAX_STEPS, step: DEFAULT_MAX_STEPS });
    expect(e.details.t).toBeCloseTo(1000, 6);
    const partial = e.partial as { stats: { steps: number }; tFinal: number };
    expect(partial.stats.steps).toBe(DEFAULT_MAX_STEPS);
    expect(partial.tFinal).toBe(e.details.t);
    // The step-by-step path says the same (on a budget that costs less to reach).
    const s = errorOf(() =>
      integrate(stillStep, zero, y0(), { tEnd: 1e9, h: 1e-3, maxSteps: 5000, observers: [{ name: 'w', on: { step: () => undefined } }] }),
    );
    expect(s.details).toMatchObject({ argument: 'options.maxSteps', maxSteps: 5000, step: 5000 });
    expect(s.details.t).toBeCloseTo(5, 10);
  });

  it('applies to adaptive runs, and options.maxSteps (Infinity included) overrides it', () => {
    const e = errorOf(() => integrate(still, zero, y0(), { tEnd: 1e9, adaptive: { h0: 1e-3 } }));
    expect(e.details).toMatchObject({ maxSteps: DEFAULT_MAX_STEPS, step: DEFAULT_MAX_STEPS });
    const sol = integrate(still, zero, y0(), { tEnd: 1000.002, h: 1e-3, maxSteps: Infinity });
    expect(sol.stats.steps).toBe(DEFAULT_MAX_STEPS + 2);
    const given = errorOf(() => integrate(euler, rot, y0(), { tEnd: 1, h: 1e-3, maxSteps: 10 }));
    expect(given.message).toMatch(/step budget of 10 steps \(options\.maxSteps\) used up at step 10, t = 0\.01/);
    expect(errorOf(() => integrate(euler, rot, y0(), { tEnd: 1, h: 1e-3, maxSteps: 0 })).details.argument).toBe('options.maxSteps');
  });
});
