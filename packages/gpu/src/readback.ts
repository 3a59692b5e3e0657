import { PhaseflowError, invalid } from '@phaseflow/core';

/**
 * Kernel results as flat Float32Arrays. gpu.js shapes a 2D/3D result as nested arrays of rows;
 * on webasm the rows are views of one packed buffer (read in one copy), on cpu they are
 * separate arrays (copied row by row).
 */

/** The numbers of a gpu.js result of output [w, h, d] (h, d ≥ 1), x fastest, as a new Float32Array. */
export function flatten(result: unknown, w: number, h: number, d: number): Float32Array {
  if (d === 1 && h === 1) return Float32Array.from(result as ArrayLike<number>);
  // A webasm kernel asked for its flat output (preferFlatOutput) returns a fresh copy: keep it.
  if (result instanceof Float32Array && result.length === w * h * d) return result;
  const rows: Float32Array[] = [];
  if (d === 1) rows.push(...(result as Float32Array[]));
  else for (const layer of result as Float32Array[][]) rows.push(...layer);
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  if (first.buffer === last.buffer && last.byteOffset === first.byteOffset + (rows.length - 1) * w * 4 && first.length === w) {
    return new Float32Array(first.buffer, first.byteOffset, w * h * d).slice();
  }
  const out = new Float32Array(w * h * d);
  for (let k = 0; k < rows.length; k++) out.set(rows[k]!.subarray(0, w), k * w);
  return out;
}

/**
 * `values` (exactly `length` finite numbers) as a Float32Array, checked: SHAPE_MISMATCH for a
 * wrong length, NON_FINITE_INPUT naming the first NaN/±Infinity index.
 */
export function finiteFloat32(argument: string, values: unknown, length: number, what: string): Float32Array {
  const a = values as ArrayLike<number> | null;
  if (a === null || typeof a !== 'object' || typeof a.length !== 'number') invalid(argument, `an array of ${what}`, values);
  if (a.length !== length) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: expected ${length} numbers (${what}), received ${a.length}`, {
      argument,
      expected: `length ${length}`,
      received: `length ${a.length}`,
    });
  }
  const out = a instanceof Float32Array ? a : new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const v = a[i]!;
    if (typeof v !== 'number' || v - v !== 0)
      invalid(`${argument}[${i}]`, 'a finite number', v, typeof v === 'number' ? 'NON_FINITE_INPUT' : 'INVALID_ARGUMENT');
    if (out !== a) out[i] = v;
  }
  return out;
}
