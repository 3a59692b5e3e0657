/**
 * The product space of the continuous adjoint's augmented state [y, a, ∂L/∂θ], componentwise
 * over any vector space, so every core Integrator can run the backward solve.
 */
import type { VectorSpace } from '@phaseflow/core';

/** The adjoint's augmented state: the state y, its adjoint a = ∂L/∂y and the accumulated g = ∂L/∂θ. */
export interface AugmentedState<S> {
  readonly y: S;
  readonly a: S;
  readonly g: S;
}

/**
 * The componentwise vector space over {@link AugmentedState} built from the space of its parts:
 * linear operations act on y, a and g alike, `dot` sums and `norm` combines the three,
 * `errorNorm` is the RMS over all components (Σₖ nₖ eₖ² / N), so adaptive control weighs every
 * number equally.
 *
 * @example
 * ```ts
 * const aug = augmentedSpace(float64Space);
 * const z = aug.axpy(2, { y, a, g }, { y: y2, a: a2, g: g2 });
 * ```
 */
export function augmentedSpace<S>(c: VectorSpace<S>): VectorSpace<AugmentedState<S>> {
  const map3 = (fn: (k: 'y' | 'a' | 'g') => S): AugmentedState<S> => ({ y: fn('y'), a: fn('a'), g: fn('g') });
  const keys = ['y', 'a', 'g'] as const;
  return {
    name: `augmented(${c.name})`,
    mutable: c.mutable,
    zeros: (like) => map3((k) => c.zeros(like[k])),
    clone: (v) => map3((k) => c.clone(v[k])),
    copy: (src, out) => map3((k) => c.copy(src[k], out?.[k])),
    size: (v) => c.size(v.y) + c.size(v.a) + c.size(v.g),
    isFinite: (v) => c.isFinite(v.y) && c.isFinite(v.a) && c.isFinite(v.g),
    toFloat64(v, out) {
      const parts = keys.map((k) => c.toFloat64(v[k]));
      const o = out ?? new Float64Array(parts.reduce((n, p) => n + p.length, 0));
      let off = 0;
      for (const p of parts) {
        o.set(p, off);
        off += p.length;
      }
      return o;
    },
    dispose(v) {
      for (const k of keys) c.dispose?.(v[k]);
    },
    axpy: (s, x, y, out) => map3((k) => c.axpy(s, x[k], y[k], out?.[k])),
    scale: (s, x, out) => map3((k) => c.scale(s, x[k], out?.[k])),
    combine: (cs, xs, base, out) =>
      map3((k) =>
        c.combine(
          cs,
          xs.map((x) => x[k]),
          base?.[k],
          out?.[k],
        ),
      ),
    dot: (x, y) => keys.reduce((s, k) => s + c.dot(x[k], y[k]), 0),
    norm: (x) => Math.hypot(...keys.map((k) => c.norm(x[k]))),
    errorNorm(err, a, b, atol, rtol) {
      // RMS over all components = sqrt(Σ nₖ eₖ² / N).
      let s = 0,
        n = 0;
      for (const k of keys) {
        const nk = c.size(err[k]);
        if (nk === 0) continue;
        const e = c.errorNorm(err[k], a[k], b[k], atol as never, rtol as never);
        s += nk * e * e;
        n += nk;
      }
      return n === 0 ? 0 : Math.sqrt(s / n);
    },
  };
}
