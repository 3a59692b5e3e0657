/** Validation helpers shared by this package's entry points. */
import { checkFiniteArray, invalid, PhaseflowError } from '@phaseflow/core';

/**
 * A non-empty array of finite coefficients, optionally of a given length and summing to 1
 * (to 1e-14 relative to Σ|cᵢ|, the consistency condition of a splitting or composition).
 *
 * @example
 * ```ts
 * checkCoefficients('gamma', [0.5, 0.5], { sumToOne: true });
 * ```
 */
export function checkCoefficients(argument: string, value: unknown, options: { sumToOne?: boolean; length?: number } = {}): readonly number[] {
  const arr = checkFiniteArray<ArrayLike<number>>(argument, value);
  if (arr.length === 0) invalid(argument, 'a non-empty array of coefficients', value);
  if (options.length !== undefined && arr.length !== options.length) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: expected ${options.length} coefficients, received ${arr.length}`, {
      argument,
      expected: `length ${options.length}`,
      received: `length ${arr.length}`,
    });
  }
  if (options.sumToOne) {
    let sum = 0;
    let abs = 0;
    for (let i = 0; i < arr.length; i++) {
      sum += arr[i]!;
      abs += Math.abs(arr[i]!);
    }
    if (Math.abs(sum - 1) > 1e-14 * Math.max(1, abs)) invalid(argument, 'coefficients summing to 1 (consistency)', `coefficients summing to ${sum}`);
  }
  return Array.from(arr);
}
