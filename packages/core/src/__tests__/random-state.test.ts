import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PhaseflowError, createRandom, restoreRandom, type RandomState } from '@phaseflow/core';

describe('Random state export and restore', () => {
  it('a restored source (through JSON) continues the stream exactly, whatever was drawn before', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.array(fc.constantFrom('uint32', 'uniform', 'normal', 'fork'), { maxLength: 40 }),
        (seed, draws) => {
          const rng = createRandom(seed);
          for (const d of draws) {
            if (d === 'fork') rng.fork('x');
            else rng[d]();
          }
          const saved: RandomState = JSON.parse(JSON.stringify(rng.getState()));
          const again = restoreRandom(saved);
          const moved = createRandom((seed + 1) % 2 ** 32);
          moved.setState(saved);
          for (let i = 0; i < 12; i++) {
            const want = [rng.normal(), rng.uint32(), rng.uniform()];
            expect([again.normal(), again.uint32(), again.uniform()]).toEqual(want);
            expect([moved.normal(), moved.uint32(), moved.uniform()]).toEqual(want);
          }
          expect(again.seed).toBe(seed);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses states it did not write, naming the field', () => {
    const good = createRandom(1).getState();
    const cases: [unknown, string][] = [
      [null, 'state'],
      [{ ...good, words: [1, 2, 3] }, 'state.words'],
      [{ ...good, words: [0, 0, 0, 0] }, 'state.words'],
      [{ ...good, words: [1, 2, 3, 2 ** 32] }, 'state.words[3]'],
      [{ ...good, spareNormal: NaN }, 'state.spareNormal'],
      [{ ...good, seed: -1 }, 'state.seed'],
    ];
    for (const [state, argument] of cases) {
      try {
        restoreRandom(state as RandomState);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(PhaseflowError);
        expect((e as PhaseflowError).details.argument).toBe(argument);
      }
    }
  });
});
