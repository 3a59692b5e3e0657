import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { symmetricEigen } from '@phaseflow/linalg';
import { identity, matMul, maxAbs, maxAbsDiff, randomMatrix } from './helpers.js';

function transpose(a: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j]!;
  return t;
}

describe('symmetricEigen (cyclic Jacobi)', () => {
  it('2 × 2 example and the tridiagonal Toeplitz closed form λ_k = 2 − 2 cos(kπ/(n+1))', () => {
    const e = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect(maxAbsDiff(e.values, [1, 3])).toBeLessThan(1e-15);
    const n = 12;
    const T = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      T[i * n + i] = 2;
      if (i + 1 < n) T[i * n + i + 1] = T[(i + 1) * n + i] = -1;
    }
    const want = Float64Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1)));
    expect(maxAbsDiff(symmetricEigen(T, n).values, want)).toBeLessThan(1e-14);
  });

  it('property: A V = V Λ, VᵀV = I, values ascending (fixed seed)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 10 }), (seed, n) => {
        const M = randomMatrix(n, seed, 2);
        const A = M.map((v, i) => 0.5 * (v + M[(i % n) * n + Math.floor(i / n)]!));
        const { values, vectors } = symmetricEigen(A, n);
        for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]!);
        const L = new Float64Array(n * n);
        for (let i = 0; i < n; i++) L[i * n + i] = values[i]!;
        expect(maxAbsDiff(matMul(A, vectors, n), matMul(vectors, L, n))).toBeLessThan(1e-13 * Math.max(1, maxAbs(A)) * n);
        expect(maxAbsDiff(matMul(transpose(vectors, n), vectors, n), identity(n))).toBeLessThan(1e-14 * n);
      }),
      { seed: 17, numRuns: 60 },
    );
  });

  it('repeated eigenvalues: the identity and a rank-one update', () => {
    const n = 5;
    const e = symmetricEigen(identity(n), n);
    expect(Array.from(e.values)).toEqual([1, 1, 1, 1, 1]);
    const A = new Float64Array(n * n).fill(1); // eigenvalues 0 (×4) and 5
    const r = symmetricEigen(A, n);
    expect(maxAbsDiff(r.values, [0, 0, 0, 0, 5])).toBeLessThan(1e-14);
  });

  it('rejects an asymmetric matrix and bad options with coded errors', () => {
    expect(() => symmetricEigen(Float64Array.of(1, 2, 0, 1), 2)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => symmetricEigen(Float64Array.of(1, 0, 0, 1), 2, { sweeps: 3 } as object)).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION' }));
    expect(() => symmetricEigen(new Float64Array(3), 2)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });
});
