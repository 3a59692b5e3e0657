import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PhaseflowError } from '@phaseflow/core';
import { createNvar, createReadout, createReservoir, createRidgeAccumulator, matrix, randomSparse, randomVector } from '@phaseflow/reservoir';

const codeOf = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e instanceof PhaseflowError ? e.code : `raw ${String(e)}`;
  }
  return 'accepted';
};

// Sizes no machine allocates: refused with a coded error before any allocation, in
// milliseconds (they were raw RangeErrors, or — NVAR's monomials — a heap out-of-memory crash).
const huge = fc.oneof(fc.constantFrom(2 ** 31, 2 ** 32, 1e10, 1e15, 2 ** 53 - 1), fc.integer({ min: 2 ** 29, max: 2 ** 40 }));

describe('sizes that cannot be allocated are refused before allocation', () => {
  it('every size-taking entry point answers ALLOCATION_TOO_LARGE (or INVALID_ARGUMENT), never a RangeError', () => {
    fc.assert(
      fc.property(huge, (n) => {
        const started = performance.now();
        const codes = [
          codeOf(() => matrix(n, n)),
          codeOf(() => randomVector(n)),
          codeOf(() => randomSparse({ rows: n, cols: n, connectivity: 0.5 })),
          codeOf(() => createReadout({ inputDim: n, outputDim: 4 })),
          codeOf(() => createRidgeAccumulator({ inputDim: n, outputDim: 1 })),
          codeOf(() => createReservoir({ units: n, inputDim: 1 })),
          codeOf(() => createReservoir({ units: 10, inputDim: n })),
          codeOf(() => createNvar({ inputDim: 2, order: 2, strides: n })),
        ];
        for (const c of codes) expect(c).toBe('ALLOCATION_TOO_LARGE');
        expect(performance.now() - started).toBeLessThan(500);
      }),
      { numRuns: 20 },
    );
  });

  it('createNvar counts its features before generating a monomial (a large feature count crashed the process)', () => {
    const started = performance.now();
    for (const inputDim of [700, 10_000, 1e6, 1e9]) {
      expect(codeOf(() => createNvar({ inputDim, delay: 2, order: 2 }))).toBe('ALLOCATION_TOO_LARGE');
    }
    expect(codeOf(() => createNvar({ inputDim: 3, delay: 200, order: 3 }))).toBe('ALLOCATION_TOO_LARGE');
    expect(performance.now() - started).toBeLessThan(200);
    // The largest accepted size still builds: 2·300 linear + 600·601/2 quadratic = 180 900 features.
    expect(createNvar({ inputDim: 300, delay: 2, order: 2 }).featureDim).toBe(180_900);
  });
});
