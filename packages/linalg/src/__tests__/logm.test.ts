import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createLogm, expm, logm } from '@phaseflow/linalg';
import { maxAbs, maxAbsDiff, randomMatrix } from './helpers.js';

describe('logm', () => {
  it('log of a rotation by t is the generator t·J', () => {
    for (const t of [1e-6, 0.05, 0.3, 0.7]) {
      const r = Float64Array.of(Math.cos(t), -Math.sin(t), Math.sin(t), Math.cos(t));
      expect(maxAbsDiff(logm(r, 2), [0, -t, t, 0])).toBeLessThan(1e-14);
    }
  });

  it('diagonal: log diag(d) = diag(log d), and log I = 0', () => {
    const l = createLogm({ n: 3 });
    const out = l.apply(Float64Array.of(1.5, 0, 0, 0, 0.6, 0, 0, 0, 1.01));
    expect(maxAbsDiff(out, [Math.log(1.5), 0, 0, 0, Math.log(0.6), 0, 0, 0, Math.log(1.01)])).toBeLessThan(1e-15);
    expect(l.squareRoots).toBeGreaterThan(0);
    expect(Array.from(logm(Float64Array.of(1, 0, 0, 1), 2))).toEqual([0, 0, 0, 0]);
  });

  it('property: logm(expm(X)) = X for small X (‖X‖₁ ≤ 0.6), fixed seed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: 0.001, max: 0.6, noNaN: true }),
        (seed, n, size) => {
          const X = randomMatrix(n, seed, 1);
          let norm = 0;
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let i = 0; i < n; i++) s += Math.abs(X[i * n + j]!);
            norm = Math.max(norm, s);
          }
          for (let i = 0; i < X.length; i++) X[i]! *= size / norm;
          const back = logm(expm(X, n), n);
          expect(maxAbsDiff(back, X)).toBeLessThan(1e-13 * Math.max(1, maxAbs(X)));
        },
      ),
      { seed: 424242, numRuns: 80 },
    );
  });

  it('expm(logm(A)) = A near the identity', () => {
    const A = randomMatrix(5, 99, 0.15);
    for (let i = 0; i < 5; i++) A[i * 6]! += 1;
    expect(maxAbsDiff(expm(logm(A, 5), 5), A)).toBeLessThan(1e-14);
  });

  it('outside ‖A − I‖₁ < 1 it throws OUTSIDE_DOMAIN naming the distance', () => {
    const r = Math.PI / 2;
    const rot = Float64Array.of(Math.cos(r), -Math.sin(r), Math.sin(r), Math.cos(r));
    expect(() => logm(rot, 2)).toThrow(expect.objectContaining({ code: 'OUTSIDE_DOMAIN', details: expect.objectContaining({ argument: 'a' }) }));
    expect(() => logm(Float64Array.of(-1, 0, 0, 1), 2)).toThrow(expect.objectContaining({ code: 'OUTSIDE_DOMAIN' }));
    expect(() => logm(new Float64Array(3), 2)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });
});
