/** Argument helpers and the flat parameter view over Float64 arrays (not exported from the package). */
import { PhaseflowError, checkFiniteArray, checkInteger, invalid, type ParametricView, type Random } from '@phaseflow/core';

/** `value` as a Random (core's `createRandom`): an object with `int`, `uniform`, `normal` and `fillNormal`; INVALID_ARGUMENT otherwise. */
export function checkRandom(argument: string, value: unknown): Random {
  const r = value as Partial<Random> | null;
  if (
    r === null ||
    typeof r !== 'object' ||
    typeof r.int !== 'function' ||
    typeof r.uniform !== 'function' ||
    typeof r.normal !== 'function' ||
    typeof r.fillNormal !== 'function'
  )
    invalid(argument, 'a Random (createRandom(seed) of @phaseflow/core)', value);
  return value as Random;
}

/** `value` as a shape of `rank` positive integer sizes ([B, H, W, C], [B, n, d] …); SHAPE_MISMATCH for another rank. */
export function checkShape(argument: string, value: unknown, rank: number, names = ''): number[] {
  if (!Array.isArray(value)) invalid(argument, `a shape of ${rank} sizes${names ? ` [${names}]` : ''}`, value);
  if (value.length !== rank) invalid(argument, `a shape of ${rank} sizes${names ? ` [${names}]` : ''}`, `rank ${value.length}`, 'SHAPE_MISMATCH');
  return value.map((s, i) => checkInteger(`${argument}[${i}]`, s, { min: 1 }));
}

/**
 * A tf layer's input shape as tfjs hands it to `build`/`computeOutputShape` (one shape, or a
 * list holding one): `rank` entries, each a size ≥ 0 or null (unknown).
 */
export function checkLayerShape(argument: string, value: unknown, rank: number): (number | null)[] {
  const s =
    Array.isArray(value) && Array.isArray(value[0])
      ? value.length === 1
        ? value[0]
        : invalid(argument, 'one input shape', `${value.length} shapes`, 'SHAPE_MISMATCH')
      : value;
  if (!Array.isArray(s)) invalid(argument, `an input shape of rank ${rank} (sizes or null)`, value);
  if (s.length !== rank) invalid(argument, `an input shape of rank ${rank}`, `rank ${s.length}`, 'SHAPE_MISMATCH');
  return s.map((d, i) => (d === null ? null : checkInteger(`${argument}[${i}]`, d, { min: 0 })));
}

/** `out` for a view's `get`: absent (a new array is made) or a Float64Array of `size` numbers. */
export function outArray(out: unknown, size: number): Float64Array {
  if (out === undefined) return new Float64Array(size);
  if (!(out instanceof Float64Array)) invalid('out', `a Float64Array of ${size} numbers (or nothing)`, out);
  if (out.length !== size) invalid('out', `a Float64Array of ${size} numbers`, `length ${out.length}`, 'SHAPE_MISMATCH');
  return out;
}

/** `value` as a new Float64Array of exactly `length` finite numbers (SHAPE_MISMATCH, NON_FINITE_INPUT otherwise). */
export function floatArray(argument: string, value: unknown, length: number): Float64Array {
  if (value === null || typeof value !== 'object' || typeof (value as ArrayLike<number>).length !== 'number')
    invalid(argument, `an array of ${length} numbers`, value);
  const a = value as ArrayLike<number>;
  if (a.length !== length) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: expected ${length} numbers, received ${a.length}`, {
      argument,
      expected: `${length} numbers`,
      received: `length ${a.length}`,
    });
  }
  checkFiniteArray(argument, a);
  return Float64Array.from(a);
}

/** θ = the concatenation of `arrays` (read and written in place). */
export function parametersOf<I, O>(arrays: readonly Float64Array[]): ParametricView<I, O> {
  const size = arrays.reduce((n, a) => n + a.length, 0);
  return {
    size,
    get(out) {
      const o = outArray(out, size);
      let k = 0;
      for (const a of arrays) {
        o.set(a, k);
        k += a.length;
      }
      return o;
    },
    set(theta) {
      const t = floatArray('theta', theta, size);
      let k = 0;
      for (const a of arrays) {
        a.set(t.subarray(k, k + a.length));
        k += a.length;
      }
    },
  };
}
