import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PhaseflowError } from '@phaseflow/core';
import {
  BS3,
  DOP853,
  DOPRI5,
  EULER,
  HEUN,
  MIDPOINT,
  ORDER_CONDITION_TOLERANCE,
  RALSTON,
  RK38,
  RK4,
  TSIT5,
  checkTableau,
  createRungeKutta,
  orderConditionResiduals,
  type ButcherTableau,
} from '@phaseflow/runge-kutta';

const ALL = [EULER, MIDPOINT, HEUN, RALSTON, RK4, RK38, BS3, DOPRI5, TSIT5, DOP853];

function rejection(t: ButcherTableau): [string, unknown] {
  try {
    createRungeKutta(t);
  } catch (e) {
    if (e instanceof PhaseflowError) return [e.code, e.details.argument];
    throw e;
  }
  return ['accepted', undefined];
}

describe('order conditions (Butcher trees)', () => {
  it('counts the rooted trees: 1, 1, 2, 4, 9, 20, 48, 115 of orders 1 … 8', () => {
    const r = orderConditionResiduals(RK4.a, RK4.b, 8);
    const counts = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => r.filter((x) => x.order === n).length);
    expect(counts).toEqual([1, 1, 2, 4, 9, 20, 48, 115]);
    expect(r.slice(0, 4).map((x) => x.tree)).toEqual(['t', '[t]', '[[t]]', '[t t]']);
  });

  it('every built-in tableau meets its declared order, and misses order + 1', () => {
    for (const t of ALL) {
      expect(() => checkTableau(t), t.name).not.toThrow();
      const next = orderConditionResiduals(t.a, t.b, t.order + 1).filter((r) => r.order === t.order + 1);
      expect(
        next.some((r) => Math.abs(r.residual) > ORDER_CONDITION_TOLERANCE * r.scale),
        t.name,
      ).toBe(true);
      expect(rejection({ ...t, order: t.order + 1 }), t.name).toEqual(['INVALID_ARGUMENT', 'tableau.order']);
    }
  });

  it('property: the two-stage family c₂ = a₂₁ = α, b = (1 − 1/(2α), 1/(2α)) has order 2 exactly', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 2, noNaN: true }), (alpha) => {
        const t: ButcherTableau = {
          name: 'two-stage',
          order: 2,
          fsal: false,
          c: [0, alpha],
          a: [[], [alpha]],
          b: [1 - 1 / (2 * alpha), 1 / (2 * alpha)],
          reference: 'test',
        };
        expect(rejection(t)).toEqual(['accepted', undefined]);
        expect(rejection({ ...t, order: 3 })).toEqual(['INVALID_ARGUMENT', 'tableau.order']);
      }),
      { seed: 5, numRuns: 200 },
    );
  });

  it('property: perturbing one coefficient of RK4 (row sums kept) is rejected', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.double({ min: 1e-9, max: 1, noNaN: true }), fc.boolean(), (which, size, negative) => {
        const delta = negative ? -size : size;
        const a = RK4.a.map((row) => [...row]);
        const b = [...RK4.b];
        const c = [...RK4.c];
        if (which < 4) b[which]! += delta;
        else {
          // the six entries of the strictly lower triangle
          const pos = [
            [1, 0],
            [2, 0],
            [2, 1],
            [3, 0],
            [3, 1],
            [3, 2],
          ][which - 4]!;
          a[pos[0]!]![pos[1]!]! += delta;
          c[pos[0]!]! += delta;
        }
        expect(rejection({ ...RK4, name: 'perturbed', a, b, c })).toEqual(['INVALID_ARGUMENT', 'tableau.order']);
      }),
      { seed: 13, numRuns: 300 },
    );
  });

  it('rejects row sums, shapes and FSAL claims that do not hold, naming the entry', () => {
    expect(rejection({ ...RK4, c: [0, 0.5, 0.5, 0.9] })).toEqual(['INVALID_ARGUMENT', 'tableau.c[3]']);
    expect(rejection({ ...RK4, c: [0, 0.5, 0.5] })).toEqual(['SHAPE_MISMATCH', 'tableau.c']);
    expect(rejection({ ...RK4, a: [[], [0.5], [0, 0.5], [0, 0, 1, 0]] })).toEqual(['SHAPE_MISMATCH', 'tableau.a[3]']);
    expect(rejection({ ...RK4, b: [1 / 6, NaN, 1 / 3, 1 / 6] })).toEqual(['NON_FINITE_INPUT', 'tableau.b[1]']);
    expect(rejection({ ...RK4, c: [0.1, 0.5, 0.5, 1] })).toEqual(['INVALID_ARGUMENT', 'tableau.c[0]']);
    expect(rejection({ ...RK4, order: 0 })).toEqual(['INVALID_ARGUMENT', 'tableau.order']);
    expect(rejection({ ...RK4, fsal: true })).toEqual(['INVALID_ARGUMENT', 'tableau.fsal']);
    expect(rejection(null as never)).toEqual(['INVALID_ARGUMENT', 'tableau']);
  });

  it('checks the embedded weights at their order (DOPRI5: 4; DOP853: b − e at 5, b − e3 at 3)', () => {
    const e = [...DOPRI5.embedded!.e];
    e[2]! += 1e-6;
    expect(rejection({ ...DOPRI5, embedded: { ...DOPRI5.embedded!, e } })).toEqual(['INVALID_ARGUMENT', 'tableau.embedded.errorOrder']);
    expect(rejection({ ...DOPRI5, embedded: { ...DOPRI5.embedded!, errorOrder: 5 } })).toEqual(['INVALID_ARGUMENT', 'tableau.embedded.errorOrder']);
    expect(rejection({ ...DOP853, embedded: { ...DOP853.embedded!, eOrder: 6 } })).toEqual(['INVALID_ARGUMENT', 'tableau.embedded.eOrder']);
    expect(rejection({ ...DOP853, embedded: { ...DOP853.embedded!, e3Order: 4 } })).toEqual(['INVALID_ARGUMENT', 'tableau.embedded.e3Order']);
    expect(rejection({ ...BS3, embedded: { ...BS3.embedded!, e: [1, 2] } })).toEqual(['SHAPE_MISMATCH', 'tableau.embedded.e']);
  });
});
