import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { createRandom } from '@phaseflow/core';
import { matrix, qr, svd, symmetricEigen, type Matrix } from '@phaseflow/linalg';
import { maxAbsDiff } from './helpers.js';

function reconstruct(u: Matrix, s: Float64Array, v: Matrix): Float64Array {
  const out = new Float64Array(u.rows * v.rows);
  for (let i = 0; i < u.rows; i++)
    for (let j = 0; j < v.rows; j++) for (let k = 0; k < s.length; k++) out[i * v.rows + j]! += u.data[i * u.cols + k]! * s[k]! * v.data[j * v.cols + k]!;
  return out;
}
function transpose(a: Matrix): Matrix {
  const t = matrix(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) t.data[j * a.rows + i] = a.data[i * a.cols + j]!;
  return t;
}
function orthoError(q: Matrix): number {
  let e = 0;
  for (let i = 0; i < q.cols; i++) {
    for (let j = 0; j < q.cols; j++) {
      let d = 0;
      for (let r = 0; r < q.rows; r++) d += q.data[r * q.cols + i]! * q.data[r * q.cols + j]!;
      e = Math.max(e, Math.abs(d - (i === j ? 1 : 0)));
    }
  }
  return e;
}

describe('svd (one-sided Jacobi)', () => {
  it('the documented 2 × 2 example: σ = √45, √5', () => {
    const { s } = svd(matrix(2, 2, Float64Array.of(3, 0, 4, 5)));
    expect(maxAbsDiff(s, [Math.sqrt(45), Math.sqrt(5)])).toBeLessThan(1e-14);
  });

  it('property: A = U Σ Vᵀ, orthonormal U and V, σ descending = √eig(AᵀA), tall and wide (fixed seed)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 64, maxLength: 64 }),
        (m, n, vals) => {
          const a = matrix(m, n, Float64Array.from(vals.slice(0, m * n)));
          const { u, s, v } = svd(a);
          const k = Math.min(m, n);
          expect([u.rows, u.cols, v.rows, v.cols, s.length]).toEqual([m, k, n, k, k]);
          expect(maxAbsDiff(reconstruct(u, s, v), a.data)).toBeLessThan(1e-13 * 10);
          expect(orthoError(u)).toBeLessThan(1e-13);
          expect(orthoError(v)).toBeLessThan(1e-13);
          for (let i = 1; i < k; i++) expect(s[i]).toBeLessThanOrEqual(s[i - 1]!);
          // σ² are the top eigenvalues of AᵀA.
          const AtA = new Float64Array(n * n);
          for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let r = 0; r < m; r++) AtA[i * n + j]! += a.data[r * n + i]! * a.data[r * n + j]!;
          const ev = symmetricEigen(AtA, n).values.slice().reverse().slice(0, k);
          expect(
            maxAbsDiff(
              Float64Array.from(s, (x) => x * x),
              ev,
            ),
          ).toBeLessThan(1e-11 * Math.max(1, ev[0]!));
        },
      ),
      { seed: 123, numRuns: 100 },
    );
  });

  it('converges on a nearly orthogonal triangular matrix that cycled under an eps-only threshold (fixture, numpy.linalg.svd)', () => {
    // A 16 × 16 lower-triangular factor from @phaseflow/analysis: singular values 0.93…1.03,
    // columns orthogonal to ~1e-2. With |a_pᵀa_q| ≤ eps·‖a_p‖‖a_q‖ the sweeps never ended
    // (60 sweeps, CONVERGENCE_FAILURE); dgesvj's √m·eps threshold ends in a few.
    const f = JSON.parse(readFileSync(new URL('./fixtures/svd-nearly-orthogonal-triangular.json', import.meta.url), 'utf8')) as {
      rows: number;
      cols: number;
      data: number[];
      numpySingularValues: number[];
    };
    const a = matrix(f.rows, f.cols, Float64Array.from(f.data));
    for (const m of [a, transpose(a)]) {
      const { u, s, v, sweeps } = svd(m);
      expect(sweeps).toBeLessThanOrEqual(12);
      for (let i = 0; i < s.length; i++) expect(Math.abs(s[i]! - f.numpySingularValues[i]!) / f.numpySingularValues[i]!).toBeLessThan(1e-14);
      expect(maxAbsDiff(reconstruct(u, s, v), m.data)).toBeLessThan(1e-14);
      expect(orthoError(u)).toBeLessThan(1e-14);
      expect(orthoError(v)).toBeLessThan(1e-14);
    }
  });

  it('nearly orthogonal triangular factors (R of QR(I + εG), both orientations): few sweeps, σ² = eig(AᵀA) to 1e-14', () => {
    const rng = createRandom(7);
    for (const n of [8, 16]) {
      for (const e of [0.01, 0.03]) {
        for (let rep = 0; rep < 5; rep++) {
          const g = new Float64Array(n * n);
          for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j] = (i === j ? 1 : 0) + e * rng.normal();
          const { r } = qr(matrix(n, n, g));
          for (const m of [r, transpose(r)]) {
            const { s, sweeps } = svd(m);
            expect(sweeps).toBeLessThanOrEqual(12);
            const AtA = new Float64Array(n * n);
            for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) AtA[i * n + j]! += m.data[k * n + i]! * m.data[k * n + j]!;
            // Well conditioned (σ within a few per cent of 1): the Gram's eigenvalues are a second method to ~1e-15.
            const ev = symmetricEigen(AtA, n).values.slice().reverse();
            expect(
              maxAbsDiff(
                Float64Array.from(s, (x) => x * x),
                ev,
              ),
            ).toBeLessThan(1e-14);
          }
        }
      }
    }
  });

  it('rank deficient: zero singular values, U still orthonormal', () => {
    const a = matrix(4, 3, Float64Array.of(1, 2, 3, 2, 4, 6, 0, 0, 0, 1, 2, 3)); // rank 1
    const { u, s, v } = svd(a);
    expect(s[1]!).toBeLessThan(1e-14);
    expect(s[2]!).toBeLessThan(1e-14);
    expect(orthoError(u)).toBeLessThan(1e-13);
    expect(maxAbsDiff(reconstruct(u, s, v), a.data)).toBeLessThan(1e-13);
    const z = svd(matrix(2, 3));
    expect(Array.from(z.s)).toEqual([0, 0]);
    expect(orthoError(z.u)).toBeLessThan(1e-15);
  });

  it('rejects bad input with coded errors', () => {
    expect(() => svd(matrix(1, 2, Float64Array.of(1, Infinity)))).toThrow(expect.objectContaining({ code: 'NON_FINITE_INPUT' }));
    expect(() => svd(matrix(2, 2), { tol: 1 } as object)).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION' }));
  });
});
