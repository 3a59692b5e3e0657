import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRandom } from '@phaseflow/core';
import { choleskyFactor, choleskyFactorBlocked, choleskySolve } from '@phaseflow/linalg';
import { matMul, maxAbsDiff, randomMatrix } from './helpers.js';

const relErr = (a: Float64Array, b: Float64Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / b.reduce((s, v) => s + v * v, 0));

// Moved from @phaseflow/enkf (linear.test.ts), where this Cholesky came from.
describe('choleskyFactor / choleskySolve', () => {
  it('solves random SPD systems to round-off', () => {
    const r = createRandom(3);
    for (const n of [1, 2, 7, 30]) {
      const B = r.fillNormal(new Float64Array(n * n));
      const S = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) S[i * n + j] += B[i * n + k]! * B[j * n + k]!;
      for (let i = 0; i < n; i++) S[i * n + i] += 0.1;
      const x = r.fillNormal(new Float64Array(n));
      const b = Float64Array.from({ length: n }, (_, i) => x.reduce((s, xv, j) => s + S[i * n + j]! * xv, 0));
      const sol = choleskySolve(choleskyFactor(Float64Array.from(S), n), n, b);
      expect(relErr(sol, x)).toBeLessThan(1e-9);
    }
  });
  it('rejects a matrix that is not positive definite with a coded error', () => {
    // One code for the workspace (enkf used CONVERGENCE_FAILURE, reservoir NOT_POSITIVE_DEFINITE).
    expect(() => choleskyFactor(Float64Array.of(1, 2, 2, 1), 2)).toThrow(expect.objectContaining({ code: 'NOT_POSITIVE_DEFINITE' }));
    expect(() => choleskyFactor(new Float64Array(3), 2)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => choleskySolve(Float64Array.of(1, 0, 0, 1), 2, new Float64Array(3), 2)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });

  it('the factor is lower triangular with L·Lᵀ = A; the example holds', () => {
    const a = choleskyFactor(Float64Array.of(4, 2, 2, 3), 2);
    expect(maxAbsDiff(a, [2, 0, 1, Math.SQRT2])).toBeLessThan(1e-15);
    expect(maxAbsDiff(choleskySolve(a, 2, Float64Array.of(6, 5)), [1, 1])).toBeLessThan(1e-15);
  });

  it('property: several right-hand sides at once equal one at a time, bit for bit (n up to 13, unrolled rows)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 13 }), fc.integer({ min: 1, max: 4 }), (seed, n, m) => {
        const M = randomMatrix(n, seed, 1);
        const Mt = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Mt[j * n + i] = M[i * n + j]!;
        const S = matMul(M, Mt, n);
        for (let i = 0; i < n; i++) S[i * n + i]! += 0.5;
        const L = choleskyFactor(S.slice(), n);
        const LLt = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) LLt[i * n + j]! += L[i * n + k]! * L[j * n + k]!;
        expect(maxAbsDiff(LLt, S)).toBeLessThan(1e-13 * n);
        const B = randomMatrix(Math.max(n, m), seed + 7, 1)
          .subarray(0, n * m)
          .slice();
        const X = choleskySolve(L, n, B.slice(), m);
        for (let c = 0; c < m; c++) {
          const b = Float64Array.from({ length: n }, (_, i) => B[i * m + c]!);
          choleskySolve(L, n, b);
          for (let i = 0; i < n; i++) expect(X[i * m + c]).toBe(b[i]);
        }
      }),
      { seed: 2026, numRuns: 50 },
    );
  });
});

describe('choleskyFactorBlocked', () => {
  it('equals the unblocked factor to rounding (1e-13 relative), any n and block, and solves the same systems', () => {
    const r = createRandom(11);
    for (const [n, block] of [
      [1, 4],
      [5, 4],
      [67, 16],
      [130, 64],
      [130, 20],
    ] as const) {
      const B = r.fillNormal(new Float64Array(n * n));
      const S = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) S[i * n + j] += B[i * n + k]! * B[j * n + k]!;
      for (let i = 0; i < n; i++) S[i * n + i] += 0.1;
      const a = choleskyFactor(S.slice(), n);
      const b = choleskyFactorBlocked(S.slice(), n, { block });
      let scale = 0;
      for (const v of a) scale = Math.max(scale, Math.abs(v));
      expect(maxAbsDiff(a, b) / scale).toBeLessThan(1e-13);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(b[i * n + j]).toBe(0);
      const x = r.fillNormal(new Float64Array(n));
      const rhs = Float64Array.from({ length: n }, (_, i) => x.reduce((s, xv, j) => s + S[i * n + j]! * xv, 0));
      expect(relErr(choleskySolve(b, n, rhs), x)).toBeLessThan(1e-8);
    }
    expect(Array.from(choleskyFactorBlocked(Float64Array.of(4, 2, 2, 3), 2))).toEqual([2, 0, 1, Math.SQRT2]);
  });

  it("the WebAssembly trailing update gives the JavaScript tiles' bits (n ≥ 128, ragged sizes and blocks), and a failed pivot still names it", () => {
    const r = createRandom(12);
    for (const [n, block] of [
      [128, 64],
      [131, 16],
      [203, 36],
      [257, 64],
    ] as const) {
      const B = r.fillNormal(new Float64Array(n * n));
      const S = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += B[i * n + k]! * B[j * n + k]!;
          S[i * n + j] = S[j * n + i] = s;
        }
      for (let i = 0; i < n; i++) S[i * n + i] += 0.1;
      const js = choleskyFactorBlocked(S.slice(), n, { block, kernel: 'js' });
      const auto = choleskyFactorBlocked(S.slice(), n, { block });
      let differing = 0;
      for (let i = 0; i < n * n; i++) if (!Object.is(js[i], auto[i])) differing++;
      expect(differing, `n ${n}, block ${block}`).toBe(0);
    }
    const a = new Float64Array(200 * 200);
    for (let i = 0; i < 200; i++) a[i * 200 + i] = i === 150 ? -1 : 4;
    expect(() => choleskyFactorBlocked(a, 200, { block: 32 })).toThrow(
      expect.objectContaining({ code: 'NOT_POSITIVE_DEFINITE', details: expect.objectContaining({ pivot: 150 }) }),
    );
    // The work done before the failed pivot is in a (the factor's first columns: √4 = 2).
    expect(a[0]).toBe(2);
    expect(() => choleskyFactorBlocked(Float64Array.of(4, 2, 2, 3), 2, { kernel: 'gpu' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('refuses a matrix that is not positive definite, naming the pivot', () => {
    const a = new Float64Array(100 * 100);
    for (let i = 0; i < 100; i++) a[i * 100 + i] = i === 70 ? -1 : 1;
    expect(() => choleskyFactorBlocked(a, 100, { block: 16 })).toThrow(
      expect.objectContaining({ code: 'NOT_POSITIVE_DEFINITE', details: expect.objectContaining({ pivot: 70 }) }),
    );
    expect(() => choleskyFactorBlocked(new Float64Array(4), 2, { block: 2 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
