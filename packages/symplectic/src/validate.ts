/** Validation helpers shared by this package's entry points. */
import { checkFiniteArray, checkInteger, checkOptions, invalid, PhaseflowError } from '@phaseflow/core';

/**
 * A non-empty array of finite coefficients, optionally of a given length and summing to 1
 * (to 1e-14 relative to Σ|cᵢ|, the consistency condition of a splitting or composition).
 * `argument` names the value in the errors (a non-empty string); `options` takes
 * `sumToOne` (a boolean) and `length` (an integer >= 1), nothing else.
 *
 * @example
 * ```ts
 * checkCoefficients('gamma', [0.5, 0.5], { sumToOne: true });
 * ```
 */
export function checkCoefficients(argument: string, value: unknown, options: { sumToOne?: boolean; length?: number } = {}): readonly number[] {
  if (typeof argument !== 'string' || argument.length === 0) invalid('argument', 'the non-empty name of the argument checked', argument);
  const o = checkOptions('options', options, ['sumToOne', 'length']);
  if (o.sumToOne !== undefined && typeof o.sumToOne !== 'boolean') invalid('options.sumToOne', 'a boolean', o.sumToOne);
  if (o.length !== undefined) checkInteger('options.length', o.length, { min: 1 });
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
