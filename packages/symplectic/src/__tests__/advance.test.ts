import { describe, expect, it } from 'vitest';
import { integrate, partitionedProblem, type PhaseState } from '@phaseflow/core';
import { splittingMethods } from '@phaseflow/symplectic';
import { henonHeiles } from '@phaseflow/problems';

type F = Float64Array;
const flat = (y: PhaseState<F>) => [...y.q, ...y.p];

describe('advance: n steps with the arguments checked once', () => {
  it('gives bitwise the states of n calls of step, for every method', () => {
    const hh = henonHeiles();
    for (const [name, make] of Object.entries(splittingMethods)) {
      const m = make();
      let z = hh.y0();
      for (let j = 0; j < 37; j++) z = m.step(hh.problem, j * 0.01, z, 0.01);
      const a = m.advance!(hh.problem, 0, hh.y0(), 0.01, 37);
      expect(flat(a), name).toEqual(flat(z));
      const y = hh.y0();
      const inPlace = m.advance!(hh.problem, 0, y, 0.01, 37, y);
      expect(inPlace, name).toBe(y);
      expect(flat(inPlace), name).toEqual(flat(z));
    }
  });

  it('carries time through a non-autonomous partitioned problem', () => {
    const forced = partitionedProblem<F>({
      separable: true,
      velocity: (_t, _q, p, out = new Float64Array(1)) => ((out[0] = p[0]!), out),
      force: (t, q, _p, out = new Float64Array(1)) => ((out[0] = -q[0]! + Math.cos(2 * t)), out),
    });
    const m = splittingMethods.yoshida6();
    let z: PhaseState<F> = { q: Float64Array.of(1), p: Float64Array.of(0) };
    for (let j = 0; j < 50; j++) z = m.step(forced, 0.3 + j * 0.02, z, 0.02);
    const a = m.advance!(forced, 0.3, { q: Float64Array.of(1), p: Float64Array.of(0) }, 0.02, 50);
    expect(flat(a)).toEqual(flat(z));
  });

  it('makes integrate take whole chunks, with the same result as stepping', () => {
    const hh = henonHeiles();
    const m = splittingMethods['kahan-li8']();
    const chunked = integrate(m, hh.problem, hh.y0(), { tEnd: 20, h: 0.01, save: { every: 500 } });
    const stepped = integrate({ ...m, advance: undefined }, hh.problem, hh.y0(), { tEnd: 20, h: 0.01, save: { every: 500 } });
    expect(chunked.t).toEqual(stepped.t);
    chunked.y.forEach((y, i) => flat(y).forEach((v, k) => expect(v).toBeCloseTo(flat(stepped.y[i]!)[k]!, 12)));
  });

  it('checks its arguments', () => {
    const hh = henonHeiles();
    const m = splittingMethods.yoshida6();
    expect(() => m.advance!(hh.problem, 0, hh.y0(), 0, 3)).toThrow(/h: expected a finite, non-zero step/);
    expect(() => m.advance!(hh.problem, 0, hh.y0(), 0.1, -1)).toThrow(/n: expected an integer >= 0/);
  });
});
