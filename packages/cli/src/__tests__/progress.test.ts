import { describe, expect, it } from 'vitest';
import { integrate, separableHamiltonian, type PhaseState } from '@phaseflow/core';
import { createProgress } from '@phaseflow/cli';
import { stormerVerletControl } from '@phaseflow/testkit';

type F = Float64Array;
const oscillator = separableHamiltonian<F>({
  dTdp: (p, out = new Float64Array(1)) => ((out[0] = p[0]!), out),
  dVdq: (q, out = new Float64Array(1)) => ((out[0] = q[0]!), out),
  T: (p) => 0.5 * p[0]! ** 2,
  V: (q) => 0.5 * q[0]! ** 2,
});
const y0 = (): PhaseState<F> => ({ q: Float64Array.of(1), p: Float64Array.of(0) });

describe('createProgress', () => {
  it('stays quiet on a non-TTY stream and draws when forced', () => {
    const chunks: string[] = [];
    const stream = { write: (s: string) => void chunks.push(s), isTTY: false };
    integrate(stormerVerletControl, oscillator, y0(), { tEnd: 1, h: 0.01, observers: [createProgress({ stream })] });
    expect(chunks).toHaveLength(0);
    integrate(stormerVerletControl, oscillator, y0(), { tEnd: 1, h: 0.01, observers: [createProgress({ stream, force: true, label: 'osc' })] });
    expect(chunks.join('')).toMatch(/osc/);
    expect(chunks.join('')).toMatch(/100%/);
  });
});

describe('createProgress cadence', () => {
  /** Störmer–Verlet with a counting `advance`, to see that the run goes in chunks. */
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

  it('asks for every ⌈total/1000⌉-th step of a fixed-step run, so the run stays chunked, and still ends at 100 %', () => {
    const chunks: string[] = [];
    const stream = { write: (s: string) => void chunks.push(s), isTTY: false };
    const bar = createProgress({ stream, force: true, label: 'osc' });
    advanceCalls = 0;
    const sol = integrate(chunked, oscillator, y0(), { tEnd: 500, h: 0.01, observers: [bar] });
    expect(bar.every).toBe(50);
    expect(sol.stats.steps).toBe(50_000);
    // Chunks of at most 50 steps (1000 of them), not 50 000 single steps.
    expect(advanceCalls).toBe(1000);
    expect(chunks.join('')).toMatch(/100%/);
    // The same states as the run without a bar.
    const quiet = integrate(chunked, oscillator, y0(), { tEnd: 500, h: 0.01 });
    expect(Array.from(sol.yFinal.q)).toEqual(Array.from(quiet.yFinal.q));
  });

  it('asks for no steps when quiet, takes `every` by hand, and refuses a bad one', () => {
    const stream = { write: () => undefined, isTTY: false };
    const quiet = createProgress({ stream });
    advanceCalls = 0;
    integrate(chunked, oscillator, y0(), { tEnd: 100, h: 0.01, observers: [quiet] });
    expect(quiet.every).toBe(Number.MAX_SAFE_INTEGER);
    expect(advanceCalls).toBe(10);
    const hand = createProgress({ stream, force: true, every: 7 });
    integrate(chunked, oscillator, y0(), { tEnd: 1, h: 0.01, observers: [hand] });
    expect(hand.every).toBe(7);
    expect(() => createProgress({ every: 0 })).toThrow(/options.every/);
  });
});
