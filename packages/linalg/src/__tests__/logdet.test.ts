import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { expm, logdet } from '@phaseflow/linalg';
import { matMul, randomMatrix } from './helpers.js';

describe('logdet', () => {
  it('small closed forms: sign and log |det|', () => {
    expect(logdet(Float64Array.of(2, 1, 1, 3), 2)).toEqual({ sign: 1, logAbsDet: expect.closeTo(Math.log(5), 15) });
    expect(logdet(Float64Array.of(0, 1, 1, 0), 2)).toEqual({ sign: -1, logAbsDet: 0 });
    expect(logdet(Float64Array.of(1, 2, 2, 4), 2)).toEqual({ sign: 0, logAbsDet: -Infinity });
    expect(logdet(Float64Array.of(4, 2, 2, 3), 2, { method: 'cholesky' })).toEqual({ sign: 1, logAbsDet: expect.closeTo(Math.log(8), 15) });
  });

  it('does not overflow where det itself would: det(10 I₄₀₀) = 10⁴⁰⁰', () => {
    const n = 400;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) a[i * n + i] = 10;
    expect(logdet(a, n).logAbsDet).toBeCloseTo(n * Math.LN10, 9);
    expect(logdet(a, n, { method: 'cholesky' }).logAbsDet).toBeCloseTo(n * Math.LN10, 9);
  });

  it('property: log det e^A = tr A, sign +1 (LU), fixed seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 7 }), (seed, n) => {
        const A = randomMatrix(n, seed, 1);
        let tr = 0;
        for (let i = 0; i < n; i++) tr += A[i * n + i]!;
        const r = logdet(expm(A, n), n);
        expect(r.sign).toBe(1);
        expect(Math.abs(r.logAbsDet - tr)).toBeLessThan(1e-12 * Math.max(1, Math.abs(tr)) * n);
      }),
      { seed: 7, numRuns: 60 },
    );
  });

  it('property: Cholesky and LU agree on SPD matrices M Mᵀ + I, and the matrix is left unchanged', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 9 }), (seed, n) => {
        const M = randomMatrix(n, seed, 1);
        const Mt = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Mt[j * n + i] = M[i * n + j]!;
        const S = matMul(M, Mt, n);
        for (let i = 0; i < n; i++) S[i * n + i]! += 1;
        const copy = S.slice();
        const a = logdet(S, n, { method: 'cholesky' });
        const b = logdet(S, n, { work: new Float64Array(n * n), pivots: new Int32Array(n) });
        expect(Array.from(S)).toEqual(Array.from(copy));
        expect(a.sign).toBe(1);
        expect(b.sign).toBe(1);
        expect(Math.abs(a.logAbsDet - b.logAbsDet)).toBeLessThan(1e-12 * Math.max(1, Math.abs(a.logAbsDet)));
      }),
      { seed: 31, numRuns: 60 },
    );
  });

  it('sign follows row swaps and negative pivots', () => {
    const a = Float64Array.of(0, 0, 1, 0, 1, 0, 1, 0, 0); // anti-diagonal permutation, det −1
    expect(logdet(a, 3)).toEqual({ sign: -1, logAbsDet: 0 });
    expect(logdet(Float64Array.of(-2, 0, 0, -3), 2)).toEqual({ sign: 1, logAbsDet: expect.closeTo(Math.log(6), 15) });
    expect(logdet(Float64Array.of(-2, 0, 0, 3), 2).sign).toBe(-1);
  });

  it('rejects bad input with coded errors', () => {
    expect(() => logdet(Float64Array.of(1, 2, 2, 1), 2, { method: 'cholesky' })).toThrow(expect.objectContaining({ code: 'NOT_POSITIVE_DEFINITE' }));
    expect(() => logdet(Float64Array.of(1, 0, 0, 1), 2, { method: 'qr' as 'lu' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => logdet(Float64Array.of(1, 0, 0, 1), 2, { bogus: 1 } as object)).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION' }));
    expect(() => logdet(Float64Array.of(1, 0, 0, 1), 2, { pivots: new Int32Array(1) })).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => logdet(Float64Array.of(1, Infinity, 0, 1), 2)).toThrow(expect.objectContaining({ code: 'NON_FINITE_INPUT' }));
  });
});
