/** The Kaplan–Yorke (Lyapunov) dimension of a spectrum. */
import { invalid } from '@phaseflow/core';

/**
 * The Kaplan–Yorke dimension D_KY = j + (λ₁ + … + λ_j)/|λ_{j+1}|, with the exponents sorted
 * descending and j the largest index whose partial sum λ₁ + … + λ_j is ≥ 0. It is 0 when
 * λ₁ < 0 (a stable fixed point) and k when every partial sum is ≥ 0 (then the spectrum was
 * truncated too early and k is a lower bound). −∞ exponents (a singular map) are allowed.
 *
 * Source: J. L. Kaplan, J. A. Yorke, Chaotic behavior of multidimensional difference equations,
 * Lecture Notes in Mathematics 730 (1979) 204–227.
 *
 * @example
 * ```ts
 * kaplanYorkeDimension([0.9056, 0, -14.5723]); // 2.0621 (Lorenz-63)
 * ```
 */
export function kaplanYorkeDimension(exponents: ArrayLike<number>): number {
  if (exponents === null || typeof exponents !== 'object' || typeof exponents.length !== 'number' || exponents.length === 0) {
    invalid('exponents', 'a non-empty array of exponents', exponents);
  }
  const l: number[] = [];
  for (let i = 0; i < exponents.length; i++) {
    const x = exponents[i];
    if (typeof x !== 'number' || Number.isNaN(x) || x === Infinity) {
      invalid(`exponents[${i}]`, 'a number < +Infinity (−Infinity allowed)', x, typeof x === 'number' ? 'NON_FINITE_INPUT' : 'INVALID_ARGUMENT');
    }
    l.push(x);
  }
  l.sort((a, b) => b - a);
  let sum = 0;
  for (let j = 0; j < l.length; j++) {
    const next = sum + l[j]!;
    if (next < 0) return j + sum / Math.abs(l[j]!);
    sum = next;
  }
  return l.length;
}
