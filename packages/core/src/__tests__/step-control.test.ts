import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PhaseflowError, createPiController, float64Space, initialStep } from '@phaseflow/core';

const code = (fn: () => unknown): [string, unknown] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof PhaseflowError) return [e.code, e.details.argument];
    throw e;
  }
  return ['none', undefined];
};

describe('createPiController', () => {
  it('follows h_new = h · clamp(safety · err^(−α) · err_old^β) with α = 1/(q+1) − 0.75β', () => {
    const ctl = createPiController({ errorOrder: 4, beta: 0.04 });
    expect(ctl.alpha).toBeCloseTo(0.2 - 0.03, 15);
    const h1 = ctl.accept(0.5, 0.1);
    expect(h1).toBeCloseTo((0.1 * 0.9) / (Math.pow(0.5, ctl.alpha) / Math.pow(1e-4, 0.04)), 15);
    const h2 = ctl.accept(0.25, h1);
    expect(h2).toBeCloseTo((h1 * 0.9) / (Math.pow(0.25, ctl.alpha) / Math.pow(0.5, 0.04)), 15);
  });

  it('property: accepted ratios stay in [minFactor, maxFactor], rejections shrink, signs are kept', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.double({ min: 1.5, max: 20, noNaN: true }),
        fc.array(fc.tuple(fc.double({ min: 1e-12, max: 1e6, noNaN: true }), fc.boolean()), { minLength: 1, maxLength: 30 }),
        (q, beta, minFactor, maxFactor, trials) => {
          if (1 / (q + 1) - 0.75 * beta <= 0) {
            expect(code(() => createPiController({ errorOrder: q, beta }))).toEqual(['INVALID_ARGUMENT', 'options.beta']);
            return;
          }
          const ctl = createPiController({ errorOrder: q, beta, minFactor, maxFactor });
          let h = 0.01;
          const sign = trials.length % 2 === 0 ? 1 : -1;
          h *= sign;
          for (const [err0, forceReject] of trials) {
            const err = forceReject ? 1 + err0 : Math.min(err0, 1);
            const wasRejected = ctl.lastRejected;
            const next = err <= 1 ? ctl.accept(err, h) : ctl.reject(err, h);
            const ratio = next / h;
            expect(Math.sign(next)).toBe(sign);
            if (err <= 1) {
              expect(ratio).toBeGreaterThanOrEqual(minFactor * (1 - 1e-12));
              expect(ratio).toBeLessThanOrEqual(maxFactor * (1 + 1e-12));
              if (wasRejected) expect(ratio).toBeLessThanOrEqual(1);
              expect(ctl.lastRejected).toBe(false);
            } else {
              expect(ratio).toBeGreaterThanOrEqual(minFactor * (1 - 1e-12));
              expect(ratio).toBeLessThan(1);
              expect(ctl.lastRejected).toBe(true);
            }
            h = next;
          }
        },
      ),
      { seed: 4242, numRuns: 300 },
    );
  });

  it('a non-finite error shrinks by minFactor', () => {
    const ctl = createPiController({ errorOrder: 4, minFactor: 0.25 });
    expect(ctl.reject(NaN, 1)).toBe(0.25);
    expect(ctl.reject(Infinity, -1)).toBe(-0.25);
  });

  it('limits, lands and names a step that is too small', () => {
    const ctl = createPiController({ errorOrder: 4, minStep: 1e-3, maxStep: 0.5 });
    expect(ctl.limit(-2)).toBe(0.5);
    expect(ctl.tooSmall(1e-4, 0)).toBe('minStep');
    expect(ctl.tooSmall(0.1, 0)).toBeUndefined();
    const free = createPiController({ errorOrder: 4 });
    expect(free.tooSmall(1e-20, 1)).toBe('rounding');
    expect(free.tooSmall(0, 0)).toBe('rounding');
    expect(free.landing(0, 0.995, 1)).toBe(true); // a 0.5 % sliver is absorbed
    expect(free.landing(0, 0.9, 1)).toBe(false);
    expect(free.landing(1, -0.995, 0)).toBe(true);
    expect(free.landing(1, -0.9, 0)).toBe(false);
  });

  it('reset() forgets the error history', () => {
    const a = createPiController({ errorOrder: 4 });
    const b = createPiController({ errorOrder: 4 });
    a.accept(0.001, 1);
    a.reject(5, 1);
    a.reset();
    expect(a.accept(0.3, 0.1)).toBe(b.accept(0.3, 0.1));
  });

  it('validates its options, naming them', () => {
    expect(code(() => createPiController(null as never))).toEqual(['INVALID_ARGUMENT', 'options']);
    expect(code(() => createPiController({ errorOrder: 0 }))).toEqual(['INVALID_ARGUMENT', 'options.errorOrder']);
    expect(code(() => createPiController({ errorOrder: 4, beta: 0.5 }))).toEqual(['INVALID_ARGUMENT', 'options.beta']);
    expect(code(() => createPiController({ errorOrder: 4, safety: 0 }))).toEqual(['INVALID_ARGUMENT', 'options.safety']);
    expect(code(() => createPiController({ errorOrder: 4, minFactor: 1 }))).toEqual(['INVALID_ARGUMENT', 'options.minFactor']);
    expect(code(() => createPiController({ errorOrder: 4, maxFactor: 1 }))).toEqual(['INVALID_ARGUMENT', 'options.maxFactor']);
    expect(code(() => createPiController({ errorOrder: 4, minStep: 2, maxStep: 1 }))).toEqual(['INVALID_ARGUMENT', 'options.minStep']);
    expect(code(() => createPiController({ errorOrder: 4, maxStep: NaN }))).toEqual(['NON_FINITE_INPUT', 'options.maxStep']);
    expect(code(() => createPiController({ errorOrder: 4, beta: 0.1, argument: 'adaptive' }))).toEqual(['none', undefined]);
    expect(code(() => createPiController({ errorOrder: 4, beta: -1, argument: 'adaptive' }))).toEqual(['INVALID_ARGUMENT', 'adaptive.beta']);
  });
});

describe('initialStep', () => {
  type F = Float64Array;
  const linear =
    (lambda: number) =>
    (_t: number, y: F, out: F = new Float64Array(y.length)) => {
      for (let i = 0; i < y.length; i++) out[i] = lambda * y[i]!;
      return out;
    };

  it("reproduces Hairer's formula on y' = λy", () => {
    const lambda = -3;
    const y0 = Float64Array.of(2);
    const f = linear(lambda);
    const f0 = f(0, y0);
    const atol = 1e-6;
    const rtol = 1e-3;
    const h = initialStep({ space: float64Space, f, t0: 0, y0, f0, direction: 1, order: 5, atol, rtol });
    const sc = atol + rtol * 2;
    const d0 = 2 / sc;
    const d1 = 6 / sc;
    const h0 = (0.01 * d0) / d1;
    const y1 = 2 + h0 * lambda * 2;
    const d2 = Math.abs(lambda * y1 - lambda * 2) / sc / h0;
    const h1 = Math.pow(0.01 / Math.max(d1, d2), 1 / 5);
    expect(h).toBeCloseTo(Math.min(100 * h0, h1), 15);
  });

  it('property: positive, within maxStep, one evaluation, for any linear field and direction', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 5 }),
        fc.constantFrom<1 | -1>(1, -1),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 1e-4, max: 100, noNaN: true }),
        (lambda, ys, direction, order, maxStep) => {
          let calls = 0;
          const base = linear(lambda);
          const f = (t: number, y: F, out?: F) => (calls++, base(t, y, out));
          const y0 = Float64Array.from(ys);
          const f0 = base(0, y0);
          const h = initialStep({ space: float64Space, f, t0: 1, y0, f0, direction, order, atol: 1e-8, rtol: 1e-6, maxStep });
          expect(h).toBeGreaterThan(0);
          expect(h).toBeLessThanOrEqual(maxStep);
          expect(calls).toBe(1);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('validates direction, order and maxStep', () => {
    const y0 = Float64Array.of(1);
    const base = { space: float64Space, f: linear(-1), t0: 0, y0, f0: y0, atol: 1e-6, rtol: 1e-3 };
    expect(code(() => initialStep({ ...base, direction: 0 as never, order: 4 }))).toEqual(['INVALID_ARGUMENT', 'options.direction']);
    expect(code(() => initialStep({ ...base, direction: 1, order: 0 }))).toEqual(['INVALID_ARGUMENT', 'options.order']);
    expect(code(() => initialStep({ ...base, direction: 1, order: 4, maxStep: -1 }))).toEqual(['INVALID_ARGUMENT', 'options.maxStep']);
  });
});
