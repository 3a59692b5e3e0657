/**
 * Float32 range checks for numbers written into tensors: a finite Float64 beyond ±3.4028e38
 * becomes ±Infinity in a Float32Array, silently.
 */
import { checkFunction, invalid } from '@phaseflow/core';

/** The largest finite float32, (2 − 2⁻²³)·2¹²⁷ ≈ 3.4028e38. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The name an error reports (`argument` of the check helpers): a non-empty string.
 * @internal
 */
export function checkArgumentName(argument: unknown, name = 'argument'): string {
  if (typeof argument !== 'string' || argument.length === 0) invalid(name, 'the name of the argument being checked (a non-empty string)', argument);
  return argument;
}

/**
 * Check a number written into a float32 tensor: `value` must be a finite number
 * (INVALID_ARGUMENT for anything else, NON_FINITE_INPUT for NaN and ±Infinity) that does not
 * round to ±Infinity in float32 (INVALID_ARGUMENT naming `argument`); returns the value.
 * Values just above FLOAT32_MAX that still round to it pass.
 *
 * @example
 * ```ts
 * checkFloat32('data.x[0][1]', 1e39); // throws: expected a number within float32 range
 * ```
 */
export function checkFloat32(argument: string, value: number): number {
  checkArgumentName(argument);
  if (typeof value !== 'number') invalid(argument, 'a finite number', value);
  if (!Number.isFinite(value)) invalid(argument, 'a finite number', value, 'NON_FINITE_INPUT');
  if (Math.abs(value) > FLOAT32_MAX && !Number.isFinite(Math.fround(value))) {
    invalid(argument, `a number within float32 range (|x| ≤ ${FLOAT32_MAX.toPrecision(5)}); tensors are float32`, value);
  }
  return value;
}

/**
 * {@link checkFloat32} over every entry of an array or typed array, naming `argument[i]` (or
 * `format(i)`) of the first bad one: not a number, not finite, or beyond float32 range.
 *
 * @example
 * ```ts
 * checkFloat32Array('theta', theta);
 * ```
 */
export function checkFloat32Array(argument: string, values: ArrayLike<number>, format?: (i: number) => string): void {
  checkArgumentName(argument);
  if (format !== undefined) checkFunction('format', format);
  if (values === null || typeof values !== 'object' || !(Array.isArray(values) || (ArrayBuffer.isView(values) && !(values instanceof DataView)))) {
    invalid(argument, 'an array or typed array of finite numbers', values);
  }
  const name = format ?? ((i: number) => `${argument}[${i}]`);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // Two comparisons for the common case: a finite number within range.
    if (typeof v !== 'number' || !(Math.abs(v) <= FLOAT32_MAX)) checkFloat32(name(i), v);
  }
}
