import { describe, expect, it } from 'vitest';
import { createEmitter, integrate, separableHamiltonian, type Observer, type PhaseState } from '@phaseflow/core';
import { createCallbackObserver, createEarlyStopping, createEnergyObserver, createRecorder, createStopWhen } from '@phaseflow/observers';
import { kepler } from '@phaseflow/problems';
import { explicitEuler, stormerVerletControl } from '@phaseflow/testkit';

type F = Float64Array;
const oscillator = separableHamiltonian<F>({
  dTdp: (p, out = new Float64Array(1)) => ((out[0] = p[0]!), out),
  dVdq: (q, out = new Float64Array(1)) => ((out[0] = q[0]!), out),
  T: (p) => 0.5 * p[0]! ** 2,
  V: (q) => 0.5 * q[0]! ** 2,
});
const y0 = (): PhaseState<F> => ({ q: Float64Array.of(1), p: Float64Array.of(0) });

describe('createEnergyObserver', () => {
  it('shows bounded error for Verlet, with the known O(h²/8) amplitude, and no drift', () => {
    const energy = createEnergyObserver({ every: 5 });
    const h = 0.1;
    integrate(stormerVerletControl, oscillator, y0(), { tEnd: 200, h, observers: [energy] });
    const r = energy.report();
    expect(r.initialEnergy).toBe(0.5);
    // Verlet conserves the modified energy; the true energy oscillates with relative amplitude h²/4.
    expect(r.maxRelativeError).toBeGreaterThan((0.5 * (h * h)) / 4);
    expect(r.maxRelativeError).toBeLessThan((1.1 * (h * h)) / 4);
    expect(Math.abs(r.driftSlope)).toBeLessThan(1e-5);
  });

  it('shows the secular drift of explicit Euler (energy grows like (1 + h²)^n)', () => {
    const ref = kepler({ e: 0, kind: 'ode' });
    const energy = createEnergyObserver();
    integrate(explicitEuler, ref.problem, ref.y0(), { tEnd: 10, h: 0.01, observers: [energy] });
    const r = energy.report();
    expect(r.driftSlope).toBeGreaterThan(1e-3);
    expect(r.finalRelativeError).toBeGreaterThan(0.1); // Euler pumps energy in: −½ rises toward 0
    expect(r.samples.t.length).toBe(1001);
  });

  it('refuses a problem without energy and validates options', () => {
    const energy = createEnergyObserver();
    const events = createEmitter([energy]);
    expect(() => events.emit('run:start', { run: 'integration', name: 'x', problem: { kind: 'ode' }, state: null })).toThrow(/problem.energy/);
    expect(() => createEnergyObserver({ every: 0 })).toThrow(/options.every/);
  });

  it('bounds its memory by halving resolution while keeping the exact maximum', () => {
    const energy = createEnergyObserver({ maxSamples: 64 });
    integrate(stormerVerletControl, oscillator, y0(), { tEnd: 100, h: 0.1, observers: [energy] });
    const r = energy.report();
    expect(r.samples.t.length).toBeLessThanOrEqual(65);
    const full = createEnergyObserver();
    integrate(stormerVerletControl, oscillator, y0(), { tEnd: 100, h: 0.1, observers: [full] });
    expect(r.maxRelativeError).toBe(full.report().maxRelativeError);
  });
});

describe('declared cadence', () => {
  // Störmer–Verlet with a counting `advance`, to see that the run goes in chunks.
  let advanceCalls = 0;
  const chunked = {
    ...stormerVerletControl,
    advance(pr: Parameters<typeof stormerVerletControl.step>[0], t: number, y: PhaseState<F>, h: number, n: number, out?: PhaseState<F>) {
      advanceCalls++;
      let z = stormerVerletControl.step(pr, t, y, h, out);
      for (let j = 1; j < n; j++) z = stormerVerletControl.step(pr, t + j * h, z, h, z);
      return z;
    },
  };

  it('the energy observer declares every: k, sees steps k, 2k, … and the final state, and keeps the run chunked', () => {
    const energy = createEnergyObserver({ every: 100 });
    expect(energy.every).toBe(100);
    advanceCalls = 0;
    const sol = integrate(chunked, oscillator, y0(), { tEnd: 105.05, h: 0.1, observers: [energy] });
    expect(sol.stats.steps).toBe(1051);
    expect(advanceCalls).toBe(11); // ten chunks of 100 steps, one of 50; the last (shortened) step alone
    const r = energy.report();
    expect(Array.from(r.samples.t)).toEqual(
      [0, ...Array.from({ length: 10 }, (_, i) => (i + 1) * 100 * 0.1)].map((t, i) => (i === 0 ? 0 : expect.closeTo(t, 9))),
    );
    // The final state (step 1051) counts for the final and maximum error.
    const hEnd = oscillator.energy!(sol.yFinal);
    expect(r.finalRelativeError).toBe((hEnd - 0.5) / 0.5);
    // The same figures as an observer that looks at every step and keeps every 100th.
    let max = 0;
    const every: Observer = {
      name: 'every-step',
      on: {
        step: (e) =>
          void ((e.step % 100 === 0 || e.step === 1051) && (max = Math.max(max, Math.abs((oscillator.energy!(e.state as PhaseState<F>) - 0.5) / 0.5)))),
      },
    };
    integrate(chunked, oscillator, y0(), { tEnd: 105.05, h: 0.1, observers: [every] });
    expect(r.maxRelativeError).toBe(max);
  });

  it('the energy observer gives the same figures when a driver hands it every step (no cadence support)', () => {
    const viaCadence = createEnergyObserver({ every: 100 });
    integrate(chunked, oscillator, y0(), { tEnd: 105.05, h: 0.1, observers: [viaCadence] });
    const direct = createEnergyObserver({ every: 100 });
    const control = { stop: () => undefined };
    direct.on['run:start']!({ run: 'integration', name: 'x', problem: oscillator, t0: 0, tEnd: 105.05, state: y0() }, control);
    // Every step, as a driver that ignores `every` hands them over.
    integrate(chunked, oscillator, y0(), { tEnd: 105.05, h: 0.1, observers: [{ name: 'relay', on: { step: (e) => direct.on.step!(e, control) } }] });
    direct.on['run:end']!({ status: 'completed', steps: 1051 }, control);
    expect(direct.report()).toEqual(viaCadence.report());
  });

  it('the recorder declares every: k and keeps only k-th steps (not the final state between them)', () => {
    const rec = createRecorder({ every: 100 });
    expect(rec.every).toBe(100);
    advanceCalls = 0;
    integrate(chunked, oscillator, y0(), { tEnd: 105.05, h: 0.1, observers: [rec] });
    expect(advanceCalls).toBe(11); // ten chunks of 100 steps, one of 50; the last (shortened) step alone
    expect(rec.t).toHaveLength(11);
  });
});

describe('createRecorder', () => {
  it('keeps the initial state and every k-th step as independent copies', () => {
    const rec = createRecorder({ every: 10 });
    integrate(stormerVerletControl, oscillator, y0(), { tEnd: 10, h: 0.1, observers: [rec] });
    expect(rec.t).toHaveLength(11);
    expect(rec.t[10]).toBeCloseTo(10, 12);
    expect(rec.values[0]).toEqual(Float64Array.of(1, 0));
    expect(rec.values[3]).not.toBe(rec.values[4]);
    const q = rec.values.map((v) => v[0]!);
    expect(Math.max(...q)).toBeCloseTo(1, 2);
  });

  it('applies map and limit', () => {
    const rec = createRecorder({ map: (s) => (s as PhaseState<F>).q[0]!, limit: 3 });
    integrate(stormerVerletControl, oscillator, y0(), { tEnd: 1, h: 0.1, observers: [rec] });
    expect(rec.values).toHaveLength(3);
    expect(typeof rec.values[0]).toBe('number');
  });
});

describe('stop conditions and callbacks', () => {
  it('createStopWhen stops at the first step where the predicate holds', () => {
    const stop = createStopWhen({ predicate: (e) => (e.state as PhaseState<F>).q[0]! < 0, reason: 'crossed zero' });
    const sol = integrate(stormerVerletControl, oscillator, y0(), { tEnd: 10, h: 0.01, observers: [stop] });
    expect(sol.status).toBe('stopped');
    expect(sol.reason).toBe('crossed zero');
    expect(sol.tFinal).toBeGreaterThan(Math.PI / 2);
    expect(sol.tFinal).toBeLessThan(Math.PI / 2 + 0.011);
  });

  it('createCallbackObserver forwards events', () => {
    let steps = 0;
    const cb = createCallbackObserver({ handlers: { step: () => void steps++ } });
    integrate(stormerVerletControl, oscillator, y0(), { tEnd: 1, steps: 7, observers: [cb] });
    expect(steps).toBe(7);
    expect(() => createCallbackObserver({ handlers: { step: 1 } } as never)).toThrow(/handlers\["step"\]/);
  });

  it('options are checked: unknown keys, a non-function predicate, an empty name', () => {
    expect(() => createStopWhen({ predicate: () => true, because: 'x' } as never)).toThrow(/unknown option "because"/);
    expect(() => createStopWhen({ predicate: 1 } as never)).toThrow(/options\.predicate/);
    expect(() => createCallbackObserver({ handlers: {}, name: '' })).toThrow(/options\.name/);
    expect(createCallbackObserver({ handlers: {}, name: 'log' }).name).toBe('log');
    expect(createCallbackObserver({ handlers: {} }).name).toBe('callback');
  });

  it('the deprecated positional forms still work (removed in the next minor)', () => {
    const old = createStopWhen((e) => (e.state as PhaseState<F>).q[0]! < 0, 'crossed zero');
    const current = createStopWhen({ predicate: (e) => (e.state as PhaseState<F>).q[0]! < 0, reason: 'crossed zero' });
    const a = integrate(stormerVerletControl, oscillator, y0(), { tEnd: 10, h: 0.01, observers: [old] });
    const b = integrate(stormerVerletControl, oscillator, y0(), { tEnd: 10, h: 0.01, observers: [current] });
    expect(a.reason).toBe('crossed zero');
    expect(a.tFinal).toBe(b.tFinal);
    expect(old.name).toBe(current.name);
    expect(createStopWhen(() => false).name).toBe('stop-when');
    let steps = 0;
    const cb = createCallbackObserver({ step: () => void steps++ }, 'counter');
    expect(cb.name).toBe('counter');
    expect(createCallbackObserver({}).name).toBe('callback');
    integrate(stormerVerletControl, oscillator, y0(), { tEnd: 1, steps: 7, observers: [cb] });
    expect(steps).toBe(7);
    expect(() => createCallbackObserver({ step: 1 } as never)).toThrow(/handlers\["step"\]/);
    expect(() => createStopWhen(1 as never)).toThrow(/predicate/);
  });

  it('createEarlyStopping stops after `patience` epochs without improvement', () => {
    const early = createEarlyStopping({ monitor: 'valLoss', patience: 2, minDelta: 0.01 });
    const events = createEmitter([early]);
    const val = [1, 0.5, 0.499, 0.498, 0.3];
    let stoppedAt = -1;
    val.forEach((v, epoch) => {
      if (stoppedAt >= 0) return;
      events.emit('epoch:end', { epoch, loss: 0, metrics: { valLoss: v } });
      if (events.stopReason) stoppedAt = epoch;
    });
    expect(stoppedAt).toBe(3);
    expect(early.best).toEqual({ value: 0.5, epoch: 1 });
    const bad = createEmitter([createEarlyStopping({ monitor: 'accuracy' })]);
    expect(() => bad.emit('epoch:end', { epoch: 0, loss: 1, metrics: {} })).toThrow(/options.monitor/);
  });
});
