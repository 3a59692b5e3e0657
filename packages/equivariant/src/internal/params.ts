/** Argument helpers and the flat parameter view over Float64 arrays (not exported from the package). */
import { PhaseflowError, checkFiniteArray, invalid, type ParametricView } from '@phaseflow/core';

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
      const o = out ?? new Float64Array(size);
      if (o.length !== size) invalid('out', `a Float64Array of ${size} numbers`, o, 'SHAPE_MISMATCH');
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
