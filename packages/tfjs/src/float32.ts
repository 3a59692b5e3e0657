/**
 * Float32 range checks for numbers written into tensors: a finite Float64 beyond ±3.4028e38
 * becomes ±Infinity in a Float32Array, silently.
 */
import { invalid } from '@phaseflow/core';

/** The largest finite float32, (2 − 2⁻²³)·2¹²⁷ ≈ 3.4028e38. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Throw INVALID_ARGUMENT naming `argument` when `value` (finite) rounds to ±Infinity in
 * float32; returns the value. Values just above FLOAT32_MAX that still round to it pass.
 *
 * @example
 * ```ts
 * checkFloat32('data.x[0][1]', 1e39); // throws: expected a number within float32 range
 * ```
 */
export function checkFloat32(argument: string, value: number): number {
  if (Math.abs(value) > FLOAT32_MAX && !Number.isFinite(Math.fround(value))) {
    invalid(argument, `a number within float32 range (|x| ≤ ${FLOAT32_MAX.toPrecision(5)}); tensors are float32`, value);
  }
  return value;
}

/**
 * {@link checkFloat32} over every entry of finite numbers, naming `argument[i]` (or
 * `format(i)`) of the first out-of-range one.
 *
 * @example
 * ```ts
 * checkFloat32Array('theta', theta);
 * ```
 */
export function checkFloat32Array(argument: string, values: ArrayLike<number>, format: (i: number) => string = (i) => `${argument}[${i}]`): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Math.abs(v) > FLOAT32_MAX) checkFloat32(format(i), v);
  }
}
