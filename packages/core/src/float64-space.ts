import type { VectorSpace } from './vector-space.js';

function target(like: Float64Array, out: Float64Array | undefined): Float64Array {
  return out ?? new Float64Array(like.length);
}

/**
 * The Float64Array vector space: every operation is a single pass over memory and writes into
 * `out` when given (no allocation in hot loops). Sizes are trusted here; entry points check
 * them once, not every step.
 *
 * @example
 * ```ts
 * const y = float64Space.combine([0.5, 0.5], [k1, k2], y0, scratch); // y0 + ½k1 + ½k2
 * ```
 */
export const float64Space: VectorSpace<Float64Array> = {
  name: 'float64',
  mutable: true,
  zeros: (like) => new Float64Array(like.length),
  clone: (y) => y.slice(),
  copy(src, out) {
    const o = target(src, out);
    if (o === src) return o;
    // A loop beats TypedArray.set on small arrays (the states of small systems, copied per chunk).
    if (src.length <= 32) for (let i = 0; i < src.length; i++) o[i] = src[i]!;
    else o.set(src);
    return o;
  },
  size: (y) => y.length,
  isFinite(y) {
    for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) return false;
    return true;
  },
  toFloat64(y, out) {
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
