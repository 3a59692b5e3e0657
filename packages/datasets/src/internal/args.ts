/** Argument checks shared by the generators (not exported from the package). */
import { checkAllocation, checkFiniteArray, checkInteger, checkNonNegative, checkPositive, invalid } from '@phaseflow/core';

/**
 * A sample count: an integer ≥ min. With `entries` (Float64 numbers allocated per counted
 * item), a count whose arrays could not be allocated is refused before allocating
 * (ALLOCATION_TOO_LARGE naming the argument).
 */
export function sizeArg(argument: string, value: unknown, fallback: number, min = 1, entries?: number): number {
  const n = value === undefined ? fallback : checkInteger(argument, value, { min });
  if (entries !== undefined) checkAllocation(argument, n * entries, 8);
  return n;
}

/** A random source as core's `createRandom` makes it (uniform, normal, … as functions). */
export function randomArg(argument: string, value: unknown): void {
  const r = value as { uniform?: unknown; normal?: unknown } | null;
  if (r === null || typeof r !== 'object' || typeof r.uniform !== 'function' || typeof r.normal !== 'function') {
    invalid(argument, 'a random source from createRandom(seed)', value);
  }
}

/** A seed: an integer in [0, 2³²). */
export function seedArg(value: unknown, fallback = 0): number {
  return value === undefined ? fallback : checkInteger('options.seed', value, { min: 0, max: 2 ** 32 - 1 });
}

/** A noise standard deviation ≥ 0. */
export function noiseArg(value: unknown, fallback: number): number {
  return value === undefined ? fallback : checkNonNegative('options.noise', value);
}

/** A finite number > 0 with a default. */
export function positiveArg(argument: string, value: unknown, fallback: number): number {
  return value === undefined ? fallback : checkPositive(argument, value);
}

/** A finite number ≥ 0 with a default. */
export function nonNegativeArg(argument: string, value: unknown, fallback: number): number {
  return value === undefined ? fallback : checkNonNegative(argument, value);
}

/** A finite vector of exactly `length` entries, copied into a Float64Array. */
export function vectorArg(argument: string, value: unknown, length: number): Float64Array {
  const a = checkFiniteArray<ArrayLike<number>>(argument, value);
  if (a.length !== length) invalid(argument, `${length} finite numbers`, value, 'SHAPE_MISMATCH');
  return Float64Array.from(a);
}

/** Split n into `parts` near-equal counts (the first n mod parts get one more). */
export function balancedCounts(n: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, k) => Math.floor(n / parts) + (k < n % parts ? 1 : 0));
}
