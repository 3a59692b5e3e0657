/** Shared validation of elements and algebra vectors. */
import { checkPositive, invalid } from '@phaseflow/core';
import { notOnManifold, wrongLength } from '../errors.js';
import { GROUP_TOLERANCE } from '../group.js';

type F = Float64Array;

/** Length check for a hot-path argument (a cheap comparison; throws SHAPE_MISMATCH). */
export function need(argument: string, what: string, length: number, value: F): void {
  if (value === null || typeof value !== 'object' || value.length !== length) wrongLength(argument, what, length, value);
}

/** A Float64Array of `length` finite numbers whose `defect` is within tolerance. */
export function checkMember(
  argument: string,
  value: unknown,
  length: number,
  manifold: string,
  defect: (m: F) => number,
  measure: string,
  tolerance: number | undefined,
): F {
  const tol = tolerance === undefined ? GROUP_TOLERANCE : checkPositive('tolerance', tolerance);
  if (!(value instanceof Float64Array)) invalid(argument, `a Float64Array element of ${manifold}`, value);
  if (value.length !== length) wrongLength(argument, `an element of ${manifold}`, length, value);
  for (let i = 0; i < length; i++) {
    if (!Number.isFinite(value[i])) invalid(`${argument}[${i}]`, 'a finite number', value[i], 'NON_FINITE_INPUT');
  }
  const d = defect(value);
  if (!(d <= tol)) notOnManifold(argument, manifold, d, tol, measure);
  return value;
}
