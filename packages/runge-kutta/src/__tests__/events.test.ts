import { isPhaseflowError, type Observer } from '@phaseflow/core';
import { describe, expect, it } from 'vitest';
import { createDop853, createDopri5, createTsit5, solveIvp } from '@phaseflow/runge-kutta';
import { bouncingBall, kepler } from '@phaseflow/problems';

/** Kepler e = 0.5 as the first-order ODE z' = (p, −q/|q|³), and its exact solution. */
const keplerOde = () => kepler({ e: 0.5, kind: 'ode' });
const keplerExact = (t: number) => keplerOde().exact(t);

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('events', () => {
  it.each([
    ['dopri5', createDopri5()],
    ['tsit5', createTsit5()],
    ['dop853', createDop853()],
  ] as const)('bouncing ball with %s: terminal impact, restart, 8 impacts at the closed-form times to 1e-10', (_, m) => {
    const ball = bouncingBall({ height: 2, restitution: 0.8 });
    const exact = ball.impactTimes(8);
    let t0 = 0;
    let y = ball.y0();
    for (let i = 0; i < 8; i++) {
      const sol = solveIvp(m, ball.problem, y, { t0, tEnd: 20, rtol: 1e-6, atol: 1e-6, events: [ball.impact] });
      expect(sol.status).toBe('terminated');
      expect(sol.events).toHaveLength(1);
      const ev = sol.events[0]!;
      expect(ev.name).toBe('impact');
      expect(ev.direction).toBe('down');
      expect(Math.abs(ev.t - exact[i]!)).toBeLessThan(1e-10);
      expect(Math.abs(ev.y[0]!)).toBeLessThan(1e-10);
      expect(sol.tFinal).toBe(ev.t);
      t0 = ev.t;
      y = ball.bounce(ev.y);
    }
  });
  it('Poincaré section q₂ = 0 on the Kepler orbit: direction up finds only perihelia (t = 2πk), down only aphelia, to 1e-10', () => {
    const k = keplerOde();
    const sol = solveIvp(createDop853(), k.problem, k.y0(), {
      tEnd: 20,
      rtol: 1e-13,
      atol: 1e-13,
      saveAt: 'endpoints',
      events: [
        { g: (_t, y) => y[1]!, direction: 'up', name: 'perihelion' },
        { g: (_t, y) => y[1]!, direction: 'down', name: 'aphelion' },
      ],
    });
    expect(sol.status).toBe('completed');
    const peri = sol.events.filter((e) => e.name === 'perihelion');
    const aph = sol.events.filter((e) => e.name === 'aphelion');
    expect(peri.map((e) => Math.round(e.t / (2 * Math.PI)))).toEqual([1, 2, 3]);
    expect(aph.map((e) => Math.round((e.t - Math.PI) / (2 * Math.PI)))).toEqual([0, 1, 2]);
    for (const e of peri) {
      expect(Math.abs(e.t - 2 * Math.PI * Math.round(e.t / (2 * Math.PI)))).toBeLessThan(1e-10);
      expect(e.direction).toBe('up');
      expect(maxDiff(e.y, keplerExact(e.t))).toBeLessThan(1e-10);
    }
    for (const e of aph) expect(Math.abs(e.t - Math.PI * (2 * Math.round((e.t - Math.PI) / (2 * Math.PI)) + 1))).toBeLessThan(1e-10);
    // in time order, and the run was not stopped by non-terminal events
    expect(sol.events.map((e) => e.t)).toEqual([...sol.events.map((e) => e.t)].sort((a, b) => a - b));
    expect(sol.tFinal).toBe(20);
  });
  it('both-direction events and saveAt times up to a terminal event', () => {
    const k = keplerOde();
    const sol = solveIvp(createDopri5(), k.problem, k.y0(), {
      tEnd: 20,
      rtol: 1e-10,
      atol: 1e-10,
      saveAt: [1, 2, 3, 4, 10],
      events: [{ g: (_t, y) => y[1]!, terminal: true }],
    });
    expect(sol.status).toBe('terminated');
    expect(Math.abs(sol.tFinal - Math.PI)).toBeLessThan(1e-8);
    expect(sol.t).toEqual([1, 2, 3, sol.tFinal]);
  });
  it('an event function returning NaN is a coded error naming the event and t', () => {
    const k = keplerOde();
    try {
      solveIvp(createDopri5(), k.problem, k.y0(), { tEnd: 5, events: [{ g: (t) => (t > 1 ? NaN : 1) }] });
      expect.unreachable();
    } catch (e) {
      expect(isPhaseflowError(e, 'INVALID_EVENT_VALUE')).toBe(true);
      expect((e as Error).message).toMatch(/events\[0\]\.g.*t = /);
    }
    const bad = (ev: unknown) => {
      try {
        solveIvp(createDopri5(), k.problem, k.y0(), { tEnd: 5, events: [ev as never] });
      } catch (e) {
        return isPhaseflowError(e) ? e.code : 'other';
      }
      return 'none';
    };
    expect(bad({ g: 3 })).toBe('INVALID_ARGUMENT');
    expect(bad({ g: () => 1, direction: 'sideways' })).toBe('INVALID_ARGUMENT');
    expect(bad({ g: () => 1, when: 'now' })).toBe('UNKNOWN_OPTION');
  });
  it('observers see every step and may stop the run; an aborted signal ends with ABORTED and a partial solution', () => {
    const k = keplerOde();
    let seen = 0;
    const stopper: Observer = { name: 'stop-at-10', on: { step: (e, c) => (++seen, e.step >= 10 && c.stop('enough')) } };
    const sol = solveIvp(createDopri5(), k.problem, k.y0(), { tEnd: 20, rtol: 1e-8, atol: 1e-8, observers: [stopper] });
    expect(sol.status).toBe('stopped');
    expect(sol.reason).toBe('enough');
    expect(seen).toBe(10);
    expect(sol.t).toHaveLength(11);
    const ac = new AbortController();
    const aborter: Observer = { name: 'abort', on: { step: (e) => e.step === 3 && ac.abort() } };
    try {
      solveIvp(createDopri5(), k.problem, k.y0(), { tEnd: 20, observers: [aborter], signal: ac.signal });
      expect.unreachable();
    } catch (e) {
      expect(isPhaseflowError(e, 'ABORTED')).toBe(true);
      expect((e as { partial: { t: number[] } }).partial.t).toHaveLength(4);
    }
  });
});
