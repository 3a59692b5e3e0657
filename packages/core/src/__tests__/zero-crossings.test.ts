import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  PhaseflowError,
  float64Space,
  integrate,
  odeProblem,
  type AdaptiveStepper,
  type Integrator,
  type OdeProblem,
  type Observer,
  type PartialSolution,
  type RunEndEvent,
} from '@phaseflow/core';

type F = Float64Array;

/** x' = ω v, v' = −ω x, solved exactly: y(t) = R(ω t) y(0). */
const rotate = (omega: number, h: number, y: F, out: F = new Float64Array(2)): F => {
  const c = Math.cos(omega * h);
  const s = Math.sin(omega * h);
  const x = y[0]!;
  const v = y[1]!;
  out[0] = c * x + s * v;
  out[1] = -s * x + c * v;
  return out;
};
const oscillator = (omega: number) => odeProblem((_t, y: F, out = new Float64Array(2)) => ((out[0] = omega * y[1]!), (out[1] = -omega * y[0]!), out));

/** The exact flow as a fixed-step integrator (no dense output: events are found by re-stepping). */
const exactFlow = (omega: number): Integrator<OdeProblem<F>, F> => ({
  name: 'exact-rotation',
  order: 99,
  problemKinds: ['ode'],
  properties: { explicit: true, symplectic: true, timeReversible: true, adaptive: false },
  step: (_pr, _t, y, h, out) => rotate(omega, h, y, out),
});

/** The exact flow as an "adaptive" integrator taking steps of h0, with exact dense output. */
const exactDense = (omega: number): Integrator<OdeProblem<F>, F> => ({
  ...exactFlow(omega),
  name: 'exact-rotation-dense',
  properties: { explicit: true, symplectic: true, timeReversible: true, adaptive: true, denseOutput: true },
  adaptive(_pr, t0, y0, tEnd, opts): AdaptiveStepper<F> {
    const H = (opts.h0 as number | undefined) ?? 0.5;
    const dir = Math.sign(tEnd - t0);
    let t = t0;
    let tPrev = t0;
    let y: F = Float64Array.from(y0);
    let yPrev: F = Float64Array.from(y0);
    const stats = { accepted: 0, rejected: 0, evaluations: 0 };
    return {
      stats,
      advance(tStop) {
        const h = Math.abs(tStop - t) <= H ? tStop - t : dir * H;
        yPrev = y;
        tPrev = t;
        y = rotate(omega, h, yPrev);
        t = Math.abs(tStop - t) <= H ? tStop : t + h;
        stats.accepted++;
        return { t, y, h };
      },
      interpolate: (tq, out) => rotate(omega, tq - tPrev, yPrev, out),
    };
  },
});

function errorOf(fn: () => unknown): PhaseflowError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PhaseflowError) return e;
    throw e;
  }
  throw new Error('expected a PhaseflowError');
}

describe('integrate: zero-crossing events', () => {
  const y0 = () => Float64Array.of(1, 0); // x = cos t, v = −sin t

  it('locates crossings of fixed-step runs by re-stepping, to 1e-12, with direction', () => {
    const sol = integrate(exactFlow(1), oscillator(1), y0(), {
      tEnd: 10,
      h: 0.3,
      events: [
        { g: (_t, y) => y[0]!, name: 'x=0' },
        { g: (_t, y) => y[1]!, direction: 'up', name: 'v up' },
      ],
    });
    expect(sol.status).toBe('completed');
    const xs = sol.events!.filter((e) => e.name === 'x=0');
    expect(xs.map((e) => e.t)).toHaveLength(3);
    xs.forEach((e, k) => {
      expect(Math.abs(e.t - (Math.PI / 2 + k * Math.PI))).toBeLessThan(1e-12);
      expect(e.direction).toBe(k % 2 === 0 ? 'down' : 'up');
      expect(Math.abs(e.y[0]!)).toBeLessThan(1e-12);
    });
    // v = −sin t rises through 0 at t = π and 3π only
    const vs = sol.events!.filter((e) => e.name === 'v up');
    expect(vs.map((e) => Math.round(e.t / Math.PI))).toEqual([1, 3]);
    expect(sol.events!.map((e) => e.t)).toEqual([...sol.events!.map((e) => e.t)].sort((a, b) => a - b));
  });

  it('a terminal event ends the run there: status terminated, last saved point, step event, run:end completed', () => {
    const ends: RunEndEvent[] = [];
    let lastStep = -1;
    const watch: Observer = { name: 'w', on: { 'run:end': (e) => void ends.push(e), step: (e) => void (lastStep = e.t) } };
    const sol = integrate(exactFlow(1), oscillator(1), y0(), {
      tEnd: 10,
      h: 0.25,
      save: 'steps',
      observers: [watch],
      events: [{ g: (_t, y) => y[0]!, terminal: true }],
    });
    expect(sol.status).toBe('terminated');
    expect(Math.abs(sol.tFinal - Math.PI / 2)).toBeLessThan(1e-12);
    expect(sol.t[sol.t.length - 1]).toBe(sol.tFinal);
    expect(sol.t).toHaveLength(8); // t0, 6 full steps, the event
    expect(Math.abs(sol.yFinal[0]!)).toBeLessThan(1e-12);
    expect(lastStep).toBe(sol.tFinal);
    expect(ends).toEqual([{ status: 'completed', steps: 7, t: sol.tFinal }]);
  });

  it('saves requested times only up to a terminal event (fixed and dense)', () => {
    for (const [integ, opts] of [
      [exactFlow(1), { h: 0.3 }],
      [exactDense(1), { adaptive: { h0: 0.7 } }],
    ] as const) {
      const sol = integrate(integ, oscillator(1), y0(), {
        tEnd: 10,
        ...opts,
        save: { times: [0.5, 1, 1.5, 2, 3] },
        events: [{ g: (_t, y) => y[0]!, terminal: true }],
      });
      expect(sol.status).toBe('terminated');
      expect(sol.t.slice(0, 3)).toEqual([0.5, 1, 1.5]);
      expect(sol.t).toHaveLength(4);
      expect(Math.abs(sol.t[3]! - Math.PI / 2)).toBeLessThan(1e-12);
      expect(Math.abs(sol.y[1]![0]! - Math.cos(1))).toBeLessThan(1e-14);
    }
  });

  it('finds two sign changes inside one step on dense output (scipy misses both), and documents the end-point-only miss', () => {
    // cos t = 0.9 at 2π ± 0.451: both inside the step [5.5, 7.5] whose ends have cos t < 0.9.
    const g = (_t: number, y: F) => y[0]! - 0.9;
    const y0At = rotate(1, 5.5, y0());
    const sampled = integrate(exactDense(1), oscillator(1), y0At, { t0: 5.5, tEnd: 7.5, adaptive: { h0: 2 }, events: [{ g }] });
    expect(sampled.stats.steps).toBe(1);
    const a = Math.acos(0.9);
    expect(sampled.events!.map((e) => e.direction)).toEqual(['up', 'down']);
    expect(Math.abs(sampled.events![0]!.t - (2 * Math.PI - a))).toBeLessThan(1e-12);
    expect(Math.abs(sampled.events![1]!.t - (2 * Math.PI + a))).toBeLessThan(1e-12);
    const endsOnly = integrate(exactDense(1), oscillator(1), y0At, { t0: 5.5, tEnd: 7.5, adaptive: { h0: 2 }, events: [{ g }], eventSamples: 0 });
    expect(endsOnly.events).toEqual([]);
  });

  it('property: every crossing of cos(ωt) = c is found on dense output when neighbouring roots are further apart than one sample interval', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 5, noNaN: true }),
        fc.double({ min: -0.95, max: 0.95, noNaN: true }),
        fc.double({ min: 0.05, max: 3, noNaN: true }),
        fc.integer({ min: 0, max: 8 }),
        (omega, c, H, m) => {
          const T = 12;
          const a = Math.acos(c);
          const roots: number[] = [];
          for (let k = 0; (2 * Math.PI * k - a) / omega <= T; k++) {
            for (const r of [(2 * Math.PI * k - a) / omega, (2 * Math.PI * k + a) / omega]) if (r > 1e-9 && r < T - 1e-9) roots.push(r);
          }
          roots.sort((x, y) => x - y);
          const delta = H / (m + 1);
          const gaps = roots.slice(1).map((r, i) => r - roots[i]!);
          // Each sample interval must hold at most one root, and no root may sit on a sample.
          fc.pre(gaps.every((d) => d > 1.05 * delta));
          const sol = integrate(exactDense(omega), oscillator(omega), Float64Array.of(1, 0), {
            tEnd: T,
            adaptive: { h0: H },
            events: [{ g: (_t, y) => y[0]! - c }],
            eventSamples: m,
          });
          const found = sol.events!.map((e) => e.t);
          expect(found).toHaveLength(roots.length);
          found.forEach((t, i) => expect(Math.abs(t - roots[i]!)).toBeLessThan(1e-9));
        },
      ),
      { seed: 2026, numRuns: 150 },
    );
  });

  it('an event function that throws is CALLBACK_FAILED naming it, with step, t and the events found so far', () => {
    const e = errorOf(() =>
      integrate(exactFlow(1), oscillator(1), y0(), {
        tEnd: 10,
        h: 0.25,
        events: [
          { g: (_t, y) => y[0]! },
          {
            g: (t) => {
              if (t > 3) throw new RangeError('bad g');
              return 1;
            },
          },
        ],
      }),
    );
    expect(e.code).toBe('CALLBACK_FAILED');
    expect(e.details.callback).toBe('options.events[1].g');
    expect(e.details.step).toBe(13);
    expect(e.cause).toBeInstanceOf(RangeError);
    const partial = e.partial as PartialSolution<F>;
    expect(partial.events!.map((x) => x.index)).toEqual([0]);
    expect(partial.stats.steps).toBe(12);
  });

  it('a non-finite event value is INVALID_EVENT_VALUE; a non-finite state is NON_FINITE_STATE before any event function sees it', () => {
    const e = errorOf(() => integrate(exactFlow(1), oscillator(1), y0(), { tEnd: 10, h: 0.25, events: [{ g: (t) => (t > 1 ? NaN : 1) }] }));
    expect(e.code).toBe('INVALID_EVENT_VALUE');
    expect(e.details).toMatchObject({ argument: 'options.events[0].g', received: 'NaN', step: 5 });
    const poisoned = odeProblem((t, y: F, out = new Float64Array(1)) => ((out[0] = t >= 0.5 ? NaN : -y[0]!), out));
    const euler: Integrator<OdeProblem<F>, F> = {
      name: 'euler',
      order: 1,
      problemKinds: ['ode'],
      properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
      step: (pr, t, y, h, out) => float64Space.axpy(h, pr.f(t, y), y, out),
    };
    let seen = 0;
    const e2 = errorOf(() =>
      integrate(euler, poisoned, Float64Array.of(1), { tEnd: 1, h: 0.1, checkFiniteEvery: 5, events: [{ g: (_t, y) => (seen++, y[0]!) }] }),
    );
    expect(e2.code).toBe('NON_FINITE_STATE');
    expect(e2.details.step).toBe(6);
    expect(seen).toBe(6); // t0 and five finite steps
  });

  it('validates events, naming the entry', () => {
    const bad = (events: unknown, extra: object = {}) => {
      const e = errorOf(() => integrate(exactFlow(1), oscillator(1), y0(), { tEnd: 1, h: 0.1, events: events as never, ...extra }));
      return [e.code, e.details.argument];
    };
    expect(bad({})).toEqual(['INVALID_ARGUMENT', 'options.events']);
    expect(bad([{ g: 3 }])).toEqual(['INVALID_ARGUMENT', 'options.events[0].g']);
    expect(bad([{ g: () => 1, direction: 'sideways' }])).toEqual(['INVALID_ARGUMENT', 'options.events[0].direction']);
    expect(bad([{ g: () => 1, terminal: 'yes' }])).toEqual(['INVALID_ARGUMENT', 'options.events[0].terminal']);
    expect(bad([{ g: () => 1, when: 'now' }])).toEqual(['UNKNOWN_OPTION', 'options.events[0].when']);
    expect(bad([{ g: () => 1 }], { eventTolerance: 0 })).toEqual(['INVALID_ARGUMENT', 'options.eventTolerance']);
    expect(bad([{ g: () => 1 }], { eventSamples: -1 })).toEqual(['INVALID_ARGUMENT', 'options.eventSamples']);
  });
});
