import { describe, expect, it } from 'vitest';
import { PhaseflowError, checkFiniteArray, checkInteger, checkOptions, createEmitter, createRandom, requireParametric } from '@phaseflow/core';

function fnv(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(new Float64Array(Array.from(values)).buffer);
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16);
}

describe('createRandom', () => {
  it('is reproducible, with stored reference values that pin the stream on every machine', () => {
    const a = createRandom(12345);
    const b = createRandom(12345);
    const xs = Array.from({ length: 1000 }, () => a.uniform());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.uniform()));
    const r = createRandom(2024);
    expect([r.uint32(), r.uint32(), r.uint32()]).toMatchInlineSnapshot(`
      [
        2419916859,
        2996235947,
        1249288266,
      ]
    `);
    expect(fnv(createRandom(7).fillNormal(new Float64Array(256)))).toMatchInlineSnapshot(`"414090e3"`);
  });

  it('has the right moments and unbiased integers', () => {
    const r = createRandom(1);
    const n = 200_000;
    const z = r.fillNormal(new Float64Array(n));
    const mean = z.reduce((s, v) => s + v, 0) / n;
    const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.01);
    const counts = new Array(3).fill(0);
    for (let i = 0; i < 30_000; i++) counts[r.int(3)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    expect([...r.permutation(10)].sort((x, y) => x - y)).toEqual([...Array(10).keys()]);
  });

  it('forks independent, reproducible streams', () => {
    const f1 = createRandom(3).fork('weights').uniform();
    const f2 = createRandom(3).fork('weights').uniform();
    const g = createRandom(3).fork('data').uniform();
    expect(f1).toBe(f2);
    expect(f1).not.toBe(g);
  });

  it('rejects bad seeds', () => {
    for (const bad of [-1, 1.5, 2 ** 32, NaN, '1']) {
      expect(() => createRandom(bad as number)).toThrow(PhaseflowError);
    }
  });
});

describe('validation helpers', () => {
  it('name the argument, the expectation and what came', () => {
    try {
      checkFiniteArray('x', [1, Infinity]);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'NON_FINITE_INPUT', details: { argument: 'x[1]', received: 'Infinity' } });
    }
    expect(() => checkInteger('n', 0, { min: 1 })).toThrow(/n: expected an integer >= 1, received 0/);
    expect(() => checkOptions('options', { a: 1, z: 2 }, ['a'])).toThrow(/unknown option "z"/);
  });

  it('requireParametric rejects layers without the parametric view', () => {
    expect(() => requireParametric('model', { name: 'plain', forward: (x: number) => x })).toThrow(expect.objectContaining({ code: 'NOT_PARAMETRIC' }));
    const theta = new Float64Array(2);
    const layer = {
      name: 'p',
      forward: (x: number) => x * theta[0]! + theta[1]!,
      parameters: { size: 2, get: () => theta.slice(), set: (v: ArrayLike<number>) => theta.set(v) },
    };
    expect(requireParametric('model', layer)).toBe(layer);
  });

  it('createEmitter validates handlers and records the first stop request', () => {
    const em = createEmitter([
      { name: 'a', on: { step: (_e, c) => c.stop('first') } },
      { name: 'b', on: { step: (_e, c) => c.stop('second') } },
    ]);
    expect(em.has('step')).toBe(true);
    expect(em.has('epoch:end')).toBe(false);
    em.emit('step', { step: 1, t: 0, h: 1, state: null });
    expect(em.stopReason).toBe('first');
    expect(() => createEmitter([{ name: 'x', on: { step: 3 } } as never])).toThrow(/on\["step"\]/);
  });
});
