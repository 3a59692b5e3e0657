import { describe, expect, it } from 'vitest';
import { isPhaseflowError } from '@phaseflow/core';
import {
  CALVO_SANZ_SERNA4,
  compose,
  createRuth3,
  createStormerVerlet,
  KAHAN_LI6_HALF,
  KAHAN_LI8_HALF,
  MCLACHLAN_ATELA4,
  MCLACHLAN_ATELA5,
  palindrome,
  palindromeWithUnitSum,
  SOFRONIOU_SPALETTA10_HALF,
  splittingMethods,
  tripleJump,
  YOSHIDA6_HALF,
} from '@phaseflow/symplectic';

const powerSum = (g: readonly number[], k: number) => g.reduce((s, x) => s + x ** k, 0);

describe('composition weights satisfy their order conditions (symmetric compositions of a 2nd-order base)', () => {
  // For a palindromic composition of a symmetric 2nd-order method, Σγ = 1 and Σγ³ = Σγ⁵ = … = 0
  // up to γ^{p−1} are necessary for order p (HLW §V.3); they hold to rounding for full digits.
  for (const [name, gamma, order] of [
    ['yoshida6', palindromeWithUnitSum(YOSHIDA6_HALF), 6],
    ['kahan-li6', palindrome(KAHAN_LI6_HALF), 6],
    ['kahan-li8', palindrome(KAHAN_LI8_HALF), 8],
    ['sofroniou-spaletta10', palindrome(SOFRONIOU_SPALETTA10_HALF), 10],
  ] as const) {
    it(`${name}: ${gamma.length} weights, Σγ = 1, Σγ^k = 0 for odd 3 ≤ k < ${order}`, () => {
      expect(Math.abs(powerSum(gamma, 1) - 1)).toBeLessThan(4e-16);
      for (let k = 3; k < order; k += 2) expect(Math.abs(powerSum(gamma, k))).toBeLessThan(2e-15);
      // …and the next one does not vanish (the order is not higher by accident).
      expect(Math.abs(powerSum(gamma, order + 1))).toBeGreaterThan(1e-6);
    });
  }
  it('the splitting tables are consistent: Σa = Σb = 1', () => {
    for (const t of [MCLACHLAN_ATELA4, MCLACHLAN_ATELA5, CALVO_SANZ_SERNA4] as { a: readonly number[]; b: readonly number[] }[]) {
      expect(Math.abs(t.a.reduce((s, x) => s + x, 0) - 1)).toBeLessThan(4e-15);
      expect(Math.abs(t.b.reduce((s, x) => s + x, 0) - 1)).toBeLessThan(4e-15);
    }
  });
  it('force evaluations per step: position-form compositions need one per weight', () => {
    const m = Object.fromEntries(Object.entries(splittingMethods).map(([k, f]) => [k, f().forceEvaluations]));
    expect(m).toMatchObject({
      'stormer-verlet-position': 1,
      'stormer-verlet-velocity': 2,
      yoshida6: 7,
      'kahan-li6': 9,
      'kahan-li8': 17,
      'sofroniou-spaletta10': 35,
    });
  });
  it('symmetry is read off the coefficients', () => {
    expect(createRuth3().properties.timeReversible).toBe(false);
    expect(splittingMethods['kahan-li8']().properties.timeReversible).toBe(true);
    expect(splittingMethods['mclachlan-atela4']().properties.timeReversible).toBe(false);
  });
});

describe('compose', () => {
  const verlet = createStormerVerlet();
  it('derives the order from the weights', () => {
    const w = 1 / (2 - Math.cbrt(2));
    expect(compose(verlet, [w, 1 - 2 * w, w]).order).toBe(4);
    expect(compose(verlet, [0.5, 0.5]).order).toBe(2);
    expect(compose(verlet, [0.3, 0.7]).properties.timeReversible).toBe(false);
    expect(tripleJump(tripleJump(tripleJump(verlet))).order).toBe(8);
  });
  it('rejects inconsistent weights, non-symmetric bases and non-integrators with coded errors', () => {
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
        return 'none';
      } catch (e) {
        return isPhaseflowError(e) ? e.code : 'foreign';
      }
    };
    expect(codeOf(() => compose(verlet, [0.5, 0.6]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => compose(verlet, []))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => compose({} as never, [1]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => tripleJump(createRuth3()))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => compose(verlet, [1], { order: 0 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => compose(verlet, [1], { orders: 2 } as never))).toBe('UNKNOWN_OPTION');
  });
});
