import { invalid } from './validate.js';
import type { VectorSpace } from './vector-space.js';

/** A Float64Array operand of the per-run (not per-stage) operations, named `argument`. */
function checkArray(argument: string, v: unknown): Float64Array {
  if (!(v instanceof Float64Array)) invalid(argument, 'a Float64Array', v);
  return v;
}

function target(like: Float64Array, out: Float64Array | undefined): Float64Array {
  return out ?? new Float64Array(like.length);
}

/**
 * The Float64Array vector space: every operation is a single pass over memory and writes into
 * `out` when given (no allocation in hot loops). The per-stage arithmetic (`axpy`, `scale`,
 * `combine`, `copy`, `dot`, `norm`, `errorNorm`) trusts its operands: it is the inner loop of
 * every Float64 integrator, and entry points check states once (`integrate` checks y0, its
 * guard the vector field's results), not every stage. The per-run and per-step operations
 * (`zeros`, `clone`, `size`, `isFinite`, `toFloat64`) check that they were handed a
 * Float64Array (INVALID_ARGUMENT naming it).
 *
 * @example
 * ```ts
 * const y = float64Space.combine([0.5, 0.5], [k1, k2], y0, scratch); // y0 + ½k1 + ½k2
 * ```
 */
export const float64Space: VectorSpace<Float64Array> = {
  name: 'float64',
  mutable: true,
  zeros: (like) => new Float64Array(checkArray('like', like).length),
  clone: (y) => checkArray('y', y).slice(),
  copy(src, out) {
    const o = target(src, out);
    if (o === src) return o;
    // A loop beats TypedArray.set on small arrays (the states of small systems, copied per chunk).
    if (src.length <= 32) for (let i = 0; i < src.length; i++) o[i] = src[i]!;
    else o.set(src);
    return o;
  },
  size: (y) => checkArray('y', y).length,
  isFinite(y) {
    checkArray('y', y);
    for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) return false;
    return true;
  },
  toFloat64(y, out) {
    checkArray('y', y);
    if (out !== undefined && (!(out instanceof Float64Array) || out.length !== y.length)) invalid('out', `a Float64Array of length ${y.length}`, out);
    const o = out ?? new Float64Array(y.length);
    o.set(y);
    return o;
  },
  axpy(a, x, y, out) {
    const o = target(y, out);
    for (let i = 0; i < o.length; i++) o[i] = y[i]! + a * x[i]!;
    return o;
  },
  scale(a, x, out) {
    const o = target(x, out);
    for (let i = 0; i < o.length; i++) o[i] = a * x[i]!;
    return o;
  },
  combine(c, xs, base, out) {
    const n = (base ?? xs[0]!).length;
    const o = out ?? new Float64Array(n);
    if (base) {
      if (o !== base) o.set(base);
    } else o.fill(0);
    for (let j = 0; j < xs.length; j++) {
      const cj = c[j]!;
      if (cj === 0) continue;
      const x = xs[j]!;
      for (let i = 0; i < n; i++) o[i] += cj * x[i]!;
    }
    return o;
  },
  dot(x, y) {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
    return s;
  },
  norm(x) {
    // Scaled to avoid overflow/underflow for extreme magnitudes.
    let scale = 0;
    for (let i = 0; i < x.length; i++) scale = Math.max(scale, Math.abs(x[i]!));
    if (scale === 0 || !Number.isFinite(scale)) return scale;
    let s = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]! / scale;
      s += v * v;
    }
    return scale * Math.sqrt(s);
  },
  errorNorm(err, a, b, atol, rtol) {
    const n = err.length;
    if (n === 0) return 0;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const at = typeof atol === 'number' ? atol : atol[i]!;
      const rt = typeof rtol === 'number' ? rtol : rtol[i]!;
      const w = at + rt * Math.max(Math.abs(a[i]!), Math.abs(b[i]!));
      const e = err[i]! / w;
      s += e * e;
    }
    return Math.sqrt(s / n);
  },
};
