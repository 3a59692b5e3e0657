import { describe, expect, it } from 'vitest';
import { isPhaseflowError, type PhaseState } from '@phaseflow/core';
import {
  createLeapfrog,
  createMcLachlan4,
  createMcLachlanAtela4,
  createStormerVerlet,
  createSymplecticEuler,
  type SplittingIntegrator,
} from '@phaseflow/symplectic';
import { henonHeiles } from '@phaseflow/problems';

type F = Float64Array;
const flat = (y: PhaseState<F>) => [...y.q, ...y.p];

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (isPhaseflowError(e)) return e.code;
    throw e;
  }
  return 'no error';
};

/** 25 steps on Hénon–Heiles, as the list of every intermediate state. */
function run(m: SplittingIntegrator): number[][] {
  const hh = henonHeiles();
  let z = hh.y0();
  const states: number[][] = [];
  for (let j = 0; j < 25; j++) {
    z = m.step(hh.problem, j * 0.05, z, 0.05);
    states.push(flat(z));
  }
  return states;
}

// `first: 'kick' | 'drift'` replaces variant (kick-drift/drift-kick), form (velocity/position)
// and variant (kdk/dkd); the old options stay accepted, deprecated, for one minor.
describe("one option for which sub-flow goes first: first: 'kick' | 'drift'", () => {
  const cases: [string, () => SplittingIntegrator, () => SplittingIntegrator][] = [
    [
      "symplectic Euler, variant 'kick-drift' = first 'kick'",
      () => createSymplecticEuler({ variant: 'kick-drift' }),
      () => createSymplecticEuler({ first: 'kick' }),
    ],
    [
      "symplectic Euler, variant 'drift-kick' = first 'drift'",
      () => createSymplecticEuler({ variant: 'drift-kick' }),
      () => createSymplecticEuler({ first: 'drift' }),
    ],
    ["Störmer–Verlet, form 'velocity' = first 'kick'", () => createStormerVerlet({ form: 'velocity' }), () => createStormerVerlet({ first: 'kick' })],
    ["Störmer–Verlet, form 'position' = first 'drift'", () => createStormerVerlet({ form: 'position' }), () => createStormerVerlet({ first: 'drift' })],
    ["leapfrog, variant 'kdk' = first 'kick'", () => createLeapfrog({ variant: 'kdk' }), () => createLeapfrog({ first: 'kick' })],
    ["leapfrog, variant 'dkd' = first 'drift'", () => createLeapfrog({ variant: 'dkd' }), () => createLeapfrog({ first: 'drift' })],
  ];
  it.each(cases)('%s: same name, bit-identical steps', (_, old, current) => {
    const a = old();
    const b = current();
    expect(a.name).toBe(b.name);
    expect(run(a)).toEqual(run(b));
  });

  it('keeps the integrator names saved models store', () => {
    expect(createSymplecticEuler().name).toBe('symplectic-euler-kick-drift');
    expect(createSymplecticEuler({ first: 'drift' }).name).toBe('symplectic-euler-drift-kick');
    expect(createStormerVerlet().name).toBe('stormer-verlet-velocity');
    expect(createStormerVerlet({ first: 'drift' }).name).toBe('stormer-verlet-position');
    expect(createLeapfrog({ first: 'drift' }).name).toBe('stormer-verlet-position');
  });

  it('the kick-first and drift-first methods differ (the option is not ignored)', () => {
    expect(run(createStormerVerlet({ first: 'kick' }))).not.toEqual(run(createStormerVerlet({ first: 'drift' })));
    expect(run(createSymplecticEuler({ first: 'kick' }))).not.toEqual(run(createSymplecticEuler({ first: 'drift' })));
  });

  it('rejects a bad value, and an old option that contradicts first', () => {
    expect(code(() => createLeapfrog({ first: 'sideways' as never }))).toBe('INVALID_ARGUMENT');
    expect(code(() => createLeapfrog({ variant: 'kkk' as never }))).toBe('INVALID_ARGUMENT');
    expect(code(() => createStormerVerlet({ first: 'kick', form: 'position' }))).toBe('INVALID_ARGUMENT');
    expect(code(() => createSymplecticEuler({ first: 'drift', variant: 'kick-drift' }))).toBe('INVALID_ARGUMENT');
    expect(code(() => createStormerVerlet({ first: 'drift', form: 'position' }))).toBe('no error');
    expect(code(() => createSymplecticEuler({ order: 'kick' } as never))).toBe('UNKNOWN_OPTION');
  });
});

describe('createMcLachlanAtela4', () => {
  it('is named after its method; the deprecated createMcLachlan4 builds the same method', () => {
    expect(createMcLachlan4().name).toBe(createMcLachlanAtela4().name);
    expect(createMcLachlanAtela4().name).toBe('mclachlan-atela4');
    expect(run(createMcLachlan4())).toEqual(run(createMcLachlanAtela4()));
  });
});
