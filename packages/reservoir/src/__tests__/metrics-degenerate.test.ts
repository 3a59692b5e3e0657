import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PhaseflowError } from '@phaseflow/core';
import { matrix, nrmse, rmse, rsquare, validPredictionTime } from '@phaseflow/reservoir';

const failure = (f: () => unknown): PhaseflowError | 'accepted' => {
  try {
    f();
  } catch (e) {
    if (e instanceof PhaseflowError) return e;
    throw e;
  }
  return 'accepted';
};

describe('metrics on degenerate data are coded errors, never ±Infinity or NaN', () => {
  it('a constant truth: nrmse (both norms), rsquare and an unscaled VPT name `truth`', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e300, max: 1e300, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 50, maxLength: 50 }),
        (c, n, pred) => {
          const truth = new Array<number>(n).fill(c);
          const p = pred.slice(0, n);
          for (const f of [
            () => nrmse(truth, p),
            () => nrmse(truth, p, { norm: 'std' }),
            () => rsquare(truth, p),
            () => validPredictionTime(truth, p, { dt: 1, lyapunovExponent: 1 }),
          ]) {
            const e = failure(f);
            expect(e).not.toBe('accepted');
            expect((e as PhaseflowError).code).toBe('INVALID_ARGUMENT');
            expect((e as PhaseflowError).details.argument).toBe('truth');
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('finite values near the top of Float64 give finite metrics (sums no longer overflow)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e307, max: 1e307, noNaN: true }), { minLength: 2, maxLength: 30 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (t, k) => {
          fc.pre(Math.max(...t) - Math.min(...t) > 1e290);
          const p = t.map((v) => v / k);
          for (const v of [rmse(t, p), nrmse(t, p), nrmse(t, p, { norm: 'std' }), rsquare(t, p)]) expect(Number.isFinite(v)).toBe(true);
          expect(nrmse(t, t)).toBe(0);
          expect(rsquare(t, t)).toBe(1);
        },
      ),
      { numRuns: 60 },
    );
    // A difference beyond Float64 is a coded error.
    const e = failure(() => rmse([1.7e308, 0], [-1.7e308, 0]));
    expect((e as PhaseflowError).code).toBe('NON_FINITE_INPUT');
    // Scaling by hand agrees with the textbook formula where the latter does not overflow.
    expect(rmse([3e300, 0], [0, 0]) / 1e300).toBeCloseTo(Math.sqrt(4.5), 12);
  });

  it('a constant component in a multi-dimensional truth is named in the VPT error', () => {
    const truth = matrix(3, 2, Float64Array.of(1, 5, 2, 5, 3, 5));
    const e = failure(() => validPredictionTime(truth, truth, { dt: 1, lyapunovExponent: 1 }));
    expect((e as PhaseflowError).details.received).toBe('component 1 constant (standard deviation 0)');
    expect(validPredictionTime(truth, truth, { dt: 1, lyapunovExponent: 1, scale: [1, 1] })).toBe(3);
  });
});
