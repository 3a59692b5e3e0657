import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { float64Space as s, phaseSpace } from '@phaseflow/core';

const vec = (n: number) => fc.float64Array({ minLength: n, maxLength: n, noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });

describe('float64Space', () => {
  it('combine equals the naive sum and writes in place when out aliases base', () => {
    fc.assert(
      fc.property(vec(5), vec(5), vec(5), fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: -10, max: 10, noNaN: true }), (b, x1, x2, c1, c2) => {
        const expected = b.map((v, i) => v + c1 * x1[i]! + c2 * x2[i]!);
        const out = b.slice();
        const r = s.combine([c1, c2], [x1, x2], out, out);
        expect(r).toBe(out);
        r.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
      }),
    );
  });

  it('axpy, scale, dot, norm agree with their definitions', () => {
    fc.assert(
      fc.property(vec(4), vec(4), fc.double({ min: -3, max: 3, noNaN: true }), (x, y, a) => {
        const r = s.axpy(a, x, y);
        r.forEach((v, i) => expect(v).toBe(y[i]! + a * x[i]!));
        expect(y).not.toBe(r);
        expect(s.norm(x)).toBeCloseTo(Math.sqrt(s.dot(x, x)), 3);
        s.scale(a, x).forEach((v, i) => expect(v).toBe(a * x[i]!));
      }),
    );
  });

  it('norm does not overflow and errorNorm is the weighted RMS', () => {
    expect(s.norm(Float64Array.of(3e200, 4e200))).toBeCloseTo(5e200, -190);
    const e = s.errorNorm(Float64Array.of(1e-3, 2e-3), Float64Array.of(1, -2), Float64Array.of(0.5, 4), 1e-3, Float64Array.of(0, 1e-3));
    const w = [1e-3, 1e-3 + 4e-3];
    expect(e).toBeCloseTo(Math.sqrt(((1e-3 / w[0]!) ** 2 + (2e-3 / w[1]!) ** 2) / 2), 14);
    expect(s.isFinite(Float64Array.of(1, NaN))).toBe(false);
  });
});

describe('phaseSpace', () => {
  it('acts componentwise and keeps q and p apart', () => {
    const ps = phaseSpace(s);
    const x = { q: Float64Array.of(1, 2), p: Float64Array.of(3) };
    const y = { q: Float64Array.of(1, 1), p: Float64Array.of(1) };
    const r = ps.axpy(2, x, y);
    expect([...r.q, ...r.p]).toEqual([3, 5, 7]);
    expect(ps.size(x)).toBe(3);
    expect([...ps.toFloat64(x)]).toEqual([1, 2, 3]);
    expect(ps.norm(x)).toBeCloseTo(Math.sqrt(14), 14);
    const c = ps.combine([1, -1], [x, y]);
    expect([...c.q, ...c.p]).toEqual([0, 1, 2]);
  });
});
