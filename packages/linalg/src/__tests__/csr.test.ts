import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRandom, type PhaseflowErrorCode } from '@phaseflow/core';
import { checkCsr, csrFromDense, csrFromTriplets, csrMatVec, csrScale, csrToDense } from '@phaseflow/linalg';
import { randomCsr } from './helpers.js';

function code(f: () => unknown): PhaseflowErrorCode | 'none' {
  try {
    f();
    return 'none';
  } catch (e) {
    return (e as { code: PhaseflowErrorCode }).code;
  }
}

describe('sparse mat-vec', () => {
  it('equals the row-by-row sum bit for bit (rows summed four at a time, each in entry order)', () => {
    for (const [rows, cols] of [
      [1, 5],
      [7, 7],
      [50, 30],
      [203, 203],
    ] as const) {
      const A = randomCsr(rows, cols, 0.3, 'normal', rows);
      const x = new Float64Array(cols);
      createRandom(1).fillNormal(x);
      const out = csrMatVec(A, x, new Float64Array(rows));
      for (let i = 0; i < rows; i++) {
        let s = 0;
        for (let k = A.rowPtr[i]!; k < A.rowPtr[i + 1]!; k++) s += A.values[k]! * x[A.colIdx[k]!]!;
        expect(out[i]).toBe(s);
      }
    }
  });
});

describe('CSR construction', () => {
  it('CSR products agree with the dense product (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 1000 }), (r, c, seed) => {
        const A = randomCsr(r, c, 0.4, 'normal', seed);
        const x = Float64Array.from({ length: c }, (_, i) => Math.sin(i + seed));
        const y = csrMatVec(A, x, new Float64Array(r));
        const D = csrToDense(A);
        for (let i = 0; i < r; i++) {
          let s = 0;
          for (let j = 0; j < c; j++) s += D[i * c + j]! * x[j]!;
          expect(y[i]).toBeCloseTo(s, 12);
        }
      }),
      { seed: 40, numRuns: 40 },
    );
  });

  it('csrFromTriplets sums duplicates like scipy', () => {
    const A = csrFromTriplets(2, 2, [0, 0, 1], [1, 1, 0], [1, 2, 5]);
    expect(Array.from(csrToDense(A))).toEqual([0, 3, 5, 0]);
    expect(code(() => csrFromTriplets(2, 2, [2], [0], [1]))).toBe('INVALID_ARGUMENT');
    expect(code(() => csrFromTriplets(2, 2, [0], [0], [NaN]))).toBe('NON_FINITE_INPUT');
  });

  it('round-trips through dense and scales', () => {
    const A = csrFromTriplets(2, 3, [1, 0, 1, 1], [2, 1, 2, 0], [1, 2, 3, 4]);
    expect(Array.from(csrToDense(A))).toEqual([0, 2, 0, 4, 0, 4]);
    const B = csrFromDense(2, 3, csrToDense(A));
    expect(Array.from(B.values)).toEqual(Array.from(A.values));
    expect(Array.from(csrToDense(csrScale(A, 0.5)))).toEqual([0, 1, 0, 2, 0, 2]);
  });

  it('rejects malformed matrices with coded errors', () => {
    const A = csrFromDense(2, 2, [1, 0, 0, 3]);
    expect(() => checkCsr('A', A, 3, 2)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => checkCsr('A', { ...A, colIdx: Int32Array.of(0, 5) })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => csrFromTriplets(2, 2, [0], [0], [NaN])).toThrow(expect.objectContaining({ code: 'NON_FINITE_INPUT' }));
    expect(() => csrMatVec(A, new Float64Array(3), new Float64Array(2))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });

  it('names the first bad entry in entry order, whichever its kind', () => {
    const A = csrFromDense(3, 3, [1, 2, 0, 0, 3, 4, 5, 0, 6]); // 6 entries
    const at = (colIdx: number[], values: number[]) => () => checkCsr('W', { ...A, colIdx: Int32Array.from(colIdx), values: Float64Array.from(values) });
    const cols = Array.from(A.colIdx),
      vals = Array.from(A.values);
    const withCol = (k: number, c: number) => cols.map((x, i) => (i === k ? c : x));
    const withVal = (k: number, v: number) => vals.map((x, i) => (i === k ? v : x));
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(at(cols, withVal(4, bad))).toThrow(
        expect.objectContaining({ code: 'NON_FINITE_INPUT', details: expect.objectContaining({ argument: 'W.values[4]' }) }),
      );
      // a bad column after the bad value, and before it
      expect(at(withCol(5, 3), withVal(2, bad))).toThrow(
        expect.objectContaining({ code: 'NON_FINITE_INPUT', details: expect.objectContaining({ argument: 'W.values[2]' }) }),
      );
      expect(at(withCol(1, -1), withVal(2, bad))).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ argument: 'W.colIdx[1]' }) }),
      );
    }
    expect(at(withCol(3, 3), vals)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ argument: 'W.colIdx[3]' }) }),
    );
    expect(checkCsr('W', { ...A, values: Float64Array.from(withVal(0, -Number.MAX_VALUE)) }).values[0]).toBe(-Number.MAX_VALUE);
  });
});
