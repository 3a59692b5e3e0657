/** Shared validation of elements and algebra vectors. */
import { checkPositive, invalid, type Random } from '@phaseflow/core';
import { notOnManifold, wrongLength } from '../errors.js';
import { GROUP_TOLERANCE, type LieGroup } from '../group.js';

type F = Float64Array;

/**
 * Type and length check for a hot-path argument (two cheap comparisons): INVALID_ARGUMENT
 * for anything but a Float64Array, SHAPE_MISMATCH for a wrong length. Entries are not read
 * (validate data from outside once with `check`).
 */
export function need(argument: string, what: string, length: number, value: F): void {
  if (!(value instanceof Float64Array)) invalid(argument, `${what} (a Float64Array of ${length} numbers)`, value);
  if (value.length !== length) wrongLength(argument, what, length, value);
}

/**
 * The argument of a `defect` verb, a distance of any matrix to the manifold (so plain arrays
 * are welcome): INVALID_ARGUMENT for anything but an array or typed array, SHAPE_MISMATCH for
 * a wrong length.
 */
export function needArrayLike(argument: string, what: string, length: number, value: ArrayLike<number>): void {
  if (value === null || typeof value !== 'object' || !(Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView)))) {
    invalid(argument, `${what} (an array of ${length} numbers)`, value);
  }
  if (value.length !== length) wrongLength(argument, what, length, value);
}

/**
 * The output buffer of a verb: a new Float64Array of `length` when `out` is undefined, else
 * `out` itself, which must be a Float64Array of exactly `length` numbers (it may alias an
 * input). Anything else is refused naming `out`, so a wrong buffer is never half written.
 */
export function outOf(length: number, out: F | undefined, argument = 'out'): F {
  if (out === undefined) return new Float64Array(length);
  if (!(out instanceof Float64Array)) invalid(argument, `undefined or a Float64Array of ${length} numbers`, out);
  if (out.length !== length) wrongLength(argument, 'the output buffer', length, out);
  return out;
}

/** A random source (core's `createRandom`): an object with `normal`, `uniform`, `uniformIn` and `fillNormal`. */
export function checkRandom(argument: string, random: unknown): Random {
  const r = random as Partial<Random> | null;
  if (
    r === null ||
    typeof r !== 'object' ||
    typeof r.normal !== 'function' ||
    typeof r.uniform !== 'function' ||
    typeof r.uniformIn !== 'function' ||
    typeof r.fillNormal !== 'function'
  ) {
    invalid(argument, 'a random source (createRandom(seed) of @phaseflow/core)', random);
  }
  return r as Random;
}

/** A Lie group (an object with the group verbs and integer sizes), or INVALID_ARGUMENT naming `argument`. */
export function checkGroup(argument: string, group: unknown): LieGroup {
  const g = group as Partial<LieGroup> | null;
  if (
    g === null ||
    typeof g !== 'object' ||
    typeof g.exp !== 'function' ||
    typeof g.compose !== 'function' ||
    typeof g.log !== 'function' ||
    !Number.isInteger(g.size) ||
    !Number.isInteger(g.dim)
  ) {
    invalid(argument, 'a Lie group (SO3, createSO(n), createProductGroup([...]), …)', group);
  }
  return g as LieGroup;
}

/** The `argument` name a `check` verb reports errors under: a non-empty string. */
function checkArgumentName(argument: unknown): string {
  if (typeof argument !== 'string' || argument.length === 0) invalid('argument', 'the non-empty name the errors report (e.g. "y0")', argument);
  return argument;
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
  checkArgumentName(argument);
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
