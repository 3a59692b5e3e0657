import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createExpm, expm } from '@phaseflow/linalg';
import { identity, matMul, maxAbs, maxAbsDiff, randomMatrix } from './helpers.js';

/** Rodrigues: e^{θK} = I + sin θ K + (1 − cos θ) K², K the skew matrix of a unit axis. */
function rodrigues(axis: readonly [number, number, number], theta: number): Float64Array {
  const [x, y, z] = axis;
  const k = Float64Array.of(0, -z, y, z, 0, -x, -y, x, 0);
  const k2 = matMul(k, k, 3);
  const r = identity(3);
  for (let i = 0; i < 9; i++) r[i]! += Math.sin(theta) * k[i]! + (1 - Math.cos(theta)) * k2[i]!;
  return r;
}

function generator(axis: readonly [number, number, number], theta: number): Float64Array {
  const [x, y, z] = axis.map((v) => v * theta) as [number, number, number];
  return Float64Array.of(0, -z, y, z, 0, -x, -y, x, 0);
}

function unit(v: readonly [number, number, number]): [number, number, number] {
  const r = Math.hypot(...v);
  return [v[0] / r, v[1] / r, v[2] / r];
}

describe('expm', () => {
  it('e^{θK} of a rotation generator is the Rodrigues rotation to 1e-13 (every Padé degree and squarings)', () => {
    const axis = unit([0.3, -0.5, 0.8]);
    // ‖θK‖₁ spans the θ_m thresholds: 0.005 (m = 3) … 0.1 (5) … 0.5 (7) … 1.2 (9) … 3, 20, 100 (13 with s ≥ 0).
    for (const theta of [0.005, 0.1, 0.5, 1.2, 3, 20, 100]) {
      const e = expm(generator(axis, theta), 3);
      expect(maxAbsDiff(e, rodrigues(axis, theta))).toBeLessThan(1e-13);
    }
  });

  it('chooses degrees 3, 5, 7, 9, 13 by the 1-norm thresholds θ_m and squares above θ₁₃', () => {
    const ev = createExpm({ n: 2 });
    expect(ev.last).toBeUndefined();
    const seen: [number, number][] = [];
    for (const t of [0.01, 0.2, 0.9, 2, 5, 40]) {
      ev.apply(Float64Array.of(t, 0, 0, 0));
      seen.push([ev.last!.degree, ev.last!.squarings]);
    }
    expect(seen).toEqual([
      [3, 0],
      [5, 0],
      [7, 0],
      [9, 0],
      [13, 0],
      [13, 3],
    ]);
  });

  it('diagonal matrices: e^D = diag(e^{d_i})', () => {
    for (const d of [
      [0.001, -0.002, 0.003],
      [1, -2, 0.5],
      [10, -30, 4],
    ]) {
      const a = new Float64Array(9);
      for (let i = 0; i < 3; i++) a[i * 4] = d[i]!;
      const e = expm(a, 3);
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const want = i === j ? Math.exp(d[i]!) : 0;
          expect(Math.abs(e[i * 3 + j]! - want)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(want)));
        }
      }
    }
  });

  it('nilpotent matrices: the exponential series stops (strictly upper triangular N, N⁴ = 0)', () => {
    const n = 4;
    for (const s of [0.1, 1, 7]) {
      const N = new Float64Array(16);
      N[1] = s;
      N[2] = -2 * s;
      N[3] = 0.5 * s;
      N[6] = 3 * s;
      N[7] = s;
      N[11] = -s;
      const N2 = matMul(N, N, n),
        N3 = matMul(N2, N, n);
      const want = identity(n);
      for (let i = 0; i < 16; i++) want[i]! += N[i]! + N2[i]! / 2 + N3[i]! / 6;
      expect(maxAbsDiff(expm(N, n), want)).toBeLessThan(1e-13 * Math.max(1, maxAbs(want)));
    }
  });

  it('a Jordan block: e^{λI + N} = e^λ (I + N + N²/2)', () => {
    const l = 0.7;
    const a = Float64Array.of(l, 1, 0, 0, l, 1, 0, 0, l);
    const e = Math.exp(l);
    const want = Float64Array.of(e, e, e / 2, 0, e, e, 0, 0, e);
    expect(maxAbsDiff(expm(a, 3), want)).toBeLessThan(1e-14 * 4);
  });

  it('e^0 = I and out may alias a', () => {
    expect(Array.from(expm(new Float64Array(4), 2))).toEqual([1, 0, 0, 1]);
    const a = Float64Array.of(0, -1, 1, 0);
    const r = expm(a, 2, a);
    expect(r).toBe(a);
    expect(maxAbsDiff(a, [Math.cos(1), -Math.sin(1), Math.sin(1), Math.cos(1)])).toBeLessThan(1e-15);
  });

  it('property: e^{A+B} = e^A e^B for commuting A, B (polynomials in one matrix), fixed seed', () => {
    const n = 4;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (seed, p, q) => {
          const C = randomMatrix(n, seed, 0.6);
          const C2 = matMul(C, C, n);
          const A = new Float64Array(16),
            B = new Float64Array(16);
          for (let i = 0; i < 16; i++) {
            A[i] = p * C[i]!;
            B[i] = q * C2[i]! + 0.3 * C[i]!;
          }
          const sum = A.map((v, i) => v + B[i]!);
          const lhs = expm(sum, n);
          const rhs = matMul(expm(A, n), expm(B, n), n);
          expect(maxAbsDiff(lhs, rhs)).toBeLessThan(1e-12 * Math.max(1, maxAbs(lhs)));
        },
      ),
      { seed: 20261201, numRuns: 60 },
    );
  });

  it('property: e^A e^{−A} = I and det e^A = e^{tr A} (2 × 2), fixed seed', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 4, maxLength: 4 }), (v) => {
        const a = Float64Array.from(v);
        const e = expm(a, 2);
        const ei = expm(
          a.map((x) => -x),
          2,
        );
        expect(maxAbsDiff(matMul(e, ei, 2), identity(2))).toBeLessThan(1e-10 * Math.max(1, maxAbs(e) * maxAbs(ei)));
        const det = e[0]! * e[3]! - e[1]! * e[2]!;
        expect(Math.abs(det - Math.exp(v[0]! + v[3]!))).toBeLessThan(1e-11 * Math.max(1, maxAbs(e) ** 2));
      }),
      { seed: 12, numRuns: 100 },
    );
  });

  it('createExpm reuses its scratch and agrees with expm', () => {
    const ev = createExpm({ n: 5 });
    expect(ev.name).toBe('expm');
    const out = new Float64Array(25);
    for (const seed of [1, 2, 3]) {
      const a = randomMatrix(5, seed, 2);
      expect(ev.apply(a, out)).toBe(out);
      expect(Array.from(out)).toEqual(Array.from(expm(a, 5)));
    }
  });

  it('rejects bad input with coded errors', () => {
    expect(() => expm(new Float64Array(3), 2)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => expm(Float64Array.of(1, NaN, 0, 1), 2)).toThrow(expect.objectContaining({ code: 'NON_FINITE_INPUT' }));
    expect(() => expm([1, 0, 0, 1] as unknown as Float64Array, 2)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => expm(new Float64Array(4), 2, new Float64Array(3))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => createExpm({ n: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
