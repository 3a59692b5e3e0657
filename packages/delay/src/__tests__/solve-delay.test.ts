import { describe, expect, it } from 'vitest';
import { isPhaseflowError } from '@phaseflow/core';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { solveDelay, type DelaySolution } from '@phaseflow/delay';

/** x'(t) = −x(t − 1), x ≡ 1 for t ≤ 0, by the method of steps: a cubic polynomial on each [k, k+1]. */
const polynomial = (s: number) => (s <= 1 ? 1 - s : s <= 2 ? 1 - s + (s - 1) ** 2 / 2 : 1 - s + (s - 1) ** 2 / 2 - (s - 2) ** 3 / 6);

/**
 * x'(t) = −x(t − 1), x(t) = cos t for t ≤ 0, by the method of steps:
 * on [0, 1] x = 1 − sin 1 − sin(t − 1); on [1, 2] x = (1 − sin 1)(2 − t) + cos 1 − cos(t − 2).
 */
const cosHistory = (s: number) =>
  s <= 0 ? Math.cos(s) : s <= 1 ? 1 - Math.sin(1) - Math.sin(s - 1) : (1 - Math.sin(1)) * (2 - s) + Math.cos(1) - Math.cos(s - 2);

const lastError = (sol: DelaySolution, exact: (t: number) => number) => Math.abs(sol.x[sol.x.length - 1]! - exact(sol.t[sol.t.length - 1]!));

describe('solveDelay', () => {
  it("x' = −x(t−1), x ≡ 1 before 0: matches the method-of-steps polynomials", () => {
    const { t, x } = solveDelay((_t, _x, xd) => -xd, { tau: 1, history: 1, h: 0.05, tEnd: 3 });
    for (let k = 0; k < t.length; k++) expect(x[k]).toBeCloseTo(polynomial(t[k]!), 12);
  });

  it("is fourth order where the history interpolation matters (x = e^{−t} solves x' = −e^{−1} x(t−1))", () => {
    const err = (h: number) => {
      const r = solveDelay((_t, _x, xd) => -Math.exp(-1) * xd, { tau: 1, history: (s) => Math.exp(-s), h, tEnd: 4 });
      return Math.abs(r.x[r.x.length - 1]! - Math.exp(-4));
    };
    const [e1, e2, e3] = [err(0.1), err(0.05), err(0.025)];
    expect(Math.log2(e1 / e2)).toBeGreaterThan(3.7);
    expect(Math.log2(e2 / e3)).toBeGreaterThan(3.7);
    expect(e3).toBeLessThan(1e-8);
  });

  it('converges at order 4 by step halving to the closed form with a cos t history (derivative jump at t = 0)', () => {
    const errors = [0.1, 0.05, 0.025, 0.0125].map((h) =>
      lastError(
        solveDelay((_t, _x, xd) => -xd, { tau: 1, history: Math.cos, h, tEnd: 2 }),
        cosHistory,
      ),
    );
    const slopes = errors.slice(1).map((e, i) => Math.log2(errors[i]! / e));
    for (const s of slopes) {
      expect(s).toBeGreaterThan(3.8);
      expect(s).toBeLessThan(4.3);
    }
    // along the whole grid, not only at the end
    const { t, x } = solveDelay((_t, _x, xd) => -xd, { tau: 1, history: Math.cos, h: 0.01, tEnd: 2 });
    for (let k = 0; k < t.length; k++) expect(Math.abs(x[k]! - cosHistory(t[k]!))).toBeLessThan(1e-9);
  });

  it('the grid is t0 + k·h with the last point exactly tEnd; t0 shifts the problem', () => {
    const a = solveDelay((_t, _x, xd) => -xd, { tau: 1, history: 1, h: 0.3, tEnd: 2 });
    expect(a.t.length).toBe(8); // ⌈2/0.3⌉ = 7 steps of 2/7
    expect(a.t[7]).toBe(2);
    expect(a.t[3]).toBeCloseTo((3 * 2) / 7, 15);
    const shifted = solveDelay((_t, _x, xd) => -xd, { tau: 1, history: 1, h: 0.05, t0: 10, tEnd: 13 });
    expect(shifted.t[0]).toBe(10);
    expect(shifted.x[shifted.x.length - 1]).toBeCloseTo(polynomial(3), 12);
  });

  it('rejects bad input with coded errors', () => {
    expectPhaseflowError(() => solveDelay((_t, x) => x, { tau: 1, history: 1, h: 2, tEnd: 3 }), 'INVALID_ARGUMENT', 'options.h');
    expectPhaseflowError(() => solveDelay((_t, x) => x, { tau: 0, history: 1, h: 0.1, tEnd: 3 }), 'INVALID_ARGUMENT', 'options.tau');
    expectPhaseflowError(() => solveDelay((_t, x) => x, { history: 1, h: 0.1, tEnd: 3 } as never), 'INVALID_ARGUMENT', 'options.tau');
    expectPhaseflowError(() => solveDelay((_t, x) => x, { tau: 1, history: 'x' as never, h: 0.1, tEnd: 3 }), 'INVALID_ARGUMENT', 'options.history');
    expectPhaseflowError(() => solveDelay((_t, x) => x * x, { tau: 1, history: 10, h: 0.1, tEnd: 30 }), 'NON_FINITE_STATE');
    expectPhaseflowError(() => solveDelay('f' as never, { tau: 1, history: 1, h: 0.1, tEnd: 3 }), 'INVALID_ARGUMENT', 'f');
    expectPhaseflowError(() => solveDelay((_t, x) => x, { tau: 1, history: 1, h: 0.1, tEnd: 0 }), 'INVALID_ARGUMENT', 'options.tEnd');
    expectPhaseflowError(() => solveDelay((_t, x) => x, { tau: 1, history: 1, h: 0.1, tEnd: 3, steps: 5 } as never), 'UNKNOWN_OPTION', 'options.steps');
    expectPhaseflowError(() => solveDelay((_t, x) => x, { tau: 1, history: NaN, h: 0.1, tEnd: 3 }), 'NON_FINITE_INPUT', 'options.history');
    expectPhaseflowError(
      () => solveDelay((_t, x) => x, { tau: 1, history: (s) => (s < -0.5 ? NaN : 1), h: 0.1, tEnd: 3 }),
      'NON_FINITE_INPUT',
      'options.history(t)',
    );
  });

  it('a blow-up names the step and time and keeps the solution computed before it', () => {
    let caught: unknown;
    try {
      solveDelay((_t, x) => x * x, { tau: 1, history: 10, h: 0.1, tEnd: 30 });
    } catch (e) {
      caught = e;
    }
    expect(isPhaseflowError(caught, 'NON_FINITE_STATE')).toBe(true);
    const err = caught as { details: { step: number; t: number }; partial: DelaySolution };
    expect(err.partial.t.length).toBe(err.details.step);
    expect(err.partial.t[err.details.step - 1]).toBeLessThan(err.details.t);
    expect(err.partial.x.every(Number.isFinite)).toBe(true);
    expect(err.partial.x[0]).toBe(10);
  });
});
