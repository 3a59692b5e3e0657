import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { luFactor, luSolve } from '@phaseflow/linalg';
import { matMul, maxAbsDiff, randomMatrix } from './helpers.js';

describe('luFactor / luSolve', () => {
  it('pivots and solves a 2 × 2 that needs a row swap', () => {
    const f = luFactor(Float64Array.of(0, 1, 2, 3), 2);
    expect(f.sign).toBe(-1);
    expect(Array.from(f.pivots)).toEqual([1, 0]);
    expect(Array.from(luSolve(f, Float64Array.of(1, 5)))).toEqual([1, 1]);
  });

  it('property: A·X = B for random A and several right-hand sides, fixed seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 8 }), (seed, n) => {
        const A = randomMatrix(n, seed, 1);
        for (let i = 0; i < n; i++) A[i * n + i]! += 2; // keep it well conditioned
        const X = randomMatrix(n, seed + 1, 1);
        const B = matMul(A, X, n);
        const got = luSolve(luFactor(A, n), B, { columns: n });
        expect(maxAbsDiff(got, X)).toBeLessThan(1e-12);
      }),
      { seed: 5, numRuns: 60 },
    );
  });

  it('reports a singular matrix', () => {
    expect(luFactor(Float64Array.of(1, 2, 2, 4), 2).singular).toBe(true);
  });
});
