import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createQr, matrix, qr, type Matrix } from '@phaseflow/linalg';
import { maxAbsDiff } from './helpers.js';

function mul(a: Matrix, b: Matrix): Float64Array {
  const c = new Float64Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let k = 0; k < a.cols; k++) for (let j = 0; j < b.cols; j++) c[i * b.cols + j]! += a.data[i * a.cols + k]! * b.data[k * b.cols + j]!;
  return c;
}
function gramOf(q: Matrix): Float64Array {
  const g = new Float64Array(q.cols * q.cols);
  for (let i = 0; i < q.cols; i++)
    for (let j = 0; j < q.cols; j++) for (let r = 0; r < q.rows; r++) g[i * q.cols + j]! += q.data[r * q.cols + i]! * q.data[r * q.cols + j]!;
  return g;
}
const eye = (k: number) => Float64Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 1 : 0));

describe('qr (Householder)', () => {
  it('the documented 2 × 2 example', () => {
    const { q, r } = qr(matrix(2, 2, Float64Array.of(3, 1, 4, 2)));
    expect(maxAbsDiff(r.data, [5, 2.2, 0, 0.4])).toBeLessThan(1e-15);
    expect(maxAbsDiff(q.data, [0.6, -0.8, 0.8, 0.6])).toBeLessThan(1e-15);
  });

  it('property: A = QR, QᵀQ = I, R upper with R_ii ≥ 0, tall and wide shapes (fixed seed)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 81, maxLength: 81 }),
        (m, n, vals) => {
          const a = matrix(m, n, Float64Array.from(vals.slice(0, m * n)));
          const { q, r } = qr(a);
          const k = Math.min(m, n);
          expect([q.rows, q.cols, r.rows, r.cols]).toEqual([m, k, k, n]);
          expect(maxAbsDiff(mul(q, r), a.data)).toBeLessThan(1e-13 * 10);
          expect(maxAbsDiff(gramOf(q), eye(k))).toBeLessThan(1e-14 * 10);
          for (let i = 0; i < k; i++) {
            expect(r.data[i * n + i]).toBeGreaterThanOrEqual(0);
            for (let j = 0; j < i; j++) expect(r.data[i * n + j]).toBe(0);
          }
        },
      ),
      { seed: 99, numRuns: 100 },
    );
  });

  it('a zero column (rank deficient) still gives orthonormal Q and A = QR', () => {
    const a = matrix(3, 3, Float64Array.of(1, 0, 2, 1, 0, 3, 1, 0, 4));
    const { q, r } = qr(a);
    expect(maxAbsDiff(mul(q, r), a.data)).toBeLessThan(1e-14);
    expect(maxAbsDiff(gramOf(q), eye(3))).toBeLessThan(1e-14);
  });

  it('createQr reuses buffers and agrees with qr; bad input has coded errors', () => {
    const f = createQr({ rows: 4, cols: 3 });
    expect(f.name).toBe('qr');
    const out = { q: matrix(4, 3), r: matrix(3, 3) };
    const a = matrix(
      4,
      3,
      Float64Array.from({ length: 12 }, (_, i) => Math.sin(i + 1)),
    );
    expect(f.apply(a, out)).toBe(out);
    const ref = qr(a);
    expect(Array.from(out.q.data)).toEqual(Array.from(ref.q.data));
    expect(Array.from(out.r.data)).toEqual(Array.from(ref.r.data));
    expect(() => f.apply(matrix(3, 3))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => qr(matrix(2, 1, Float64Array.of(1, NaN)))).toThrow(expect.objectContaining({ code: 'NON_FINITE_INPUT' }));
    expect(() => qr({ rows: 2, cols: 2, data: [1, 2, 3, 4] } as unknown as Matrix)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
