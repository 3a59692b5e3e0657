import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom, randomDraws, restoreRandom, type Random } from '@phaseflow/core';

describe('Random streams', () => {
  it('keeps the published stream of seed 7 (xoshiro128** words, polar normals): a change of representation must not move it', () => {
    const r = createRandom(7);
    const words = Array.from({ length: 4 }, () => r.uint32());
    const normals = Array.from(r.fillNormal(new Float64Array(3)));
    // Written by the generator before its state words were kept as signed integers.
    expect(words).toEqual(GOLDEN.words);
    expect(normals).toEqual(GOLDEN.normals);
    expect(r.getState().words).toEqual(GOLDEN.state);
  });

  it('fillNormal gives the numbers of normal() called as many times, whatever the length and a pending spare', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 3 }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        (seed, length, before, mean) => {
          const a = createRandom(seed),
            b = createRandom(seed);
          for (let k = 0; k < before; k++) expect(a.normal()).toBe(b.normal());
          const filled = a.fillNormal(new Float64Array(length), mean, 2);
          const called = Array.from({ length }, () => mean + 2 * b.normal());
          expect(Array.from(filled)).toEqual(called);
          expect(a.getState()).toEqual(b.getState());
          expect(a.normal()).toBe(b.normal());
          expect(a.uint32()).toBe(b.uint32());
        },
      ),
      { seed: 5, numRuns: 200 },
    );
  });

  it("randomDraws draws the source's own stream, interleaved with its methods, for sources made, forked and restored", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.array(fc.constantFrom('uint32', 'uniform', 'normal', 'fillNormal', 'int'), { maxLength: 30 }),
        fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
        (seed, calls, through) => {
          const make = (): Random[] => [createRandom(seed), createRandom((seed ^ 1) >>> 0).fork('x'), restoreRandom(createRandom((seed ^ 2) >>> 0).getState())];
          const sources = make(),
            references = make();
          sources.forEach((rng, s) => {
            const draws = randomDraws(rng);
            const want = references[s]!;
            calls.forEach((c, k) => {
              if (c === 'fillNormal') expect(Array.from(rng.fillNormal(new Float64Array(3)))).toEqual(Array.from(want.fillNormal(new Float64Array(3))));
              else if (c === 'int') expect(rng.int(7)).toBe(want.int(7));
              else expect(through[k] ? draws[c]() : rng[c]()).toBe(want[c]());
            });
            expect(rng.getState()).toEqual(want.getState());
          });
        },
      ),
      { seed: 11, numRuns: 100 },
    );
  });

  it("randomDraws hands a Random of the caller's own back as it is, and refuses what is not an object", () => {
    const own = { ...createRandom(1) };
    expect(randomDraws(own)).toBe(own);
    expect(() => randomDraws(null as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ argument: 'rng' }) }),
    );
  });
});

const GOLDEN = {
  words: [1004282400, 2200021487, 1928073449, 741806228],
  normals: [2.7798852822589497, 0.5592582996313386, 1.170719761828895],
  state: [2700934860, 2203657336, 1302430041, 2869375444],
};
