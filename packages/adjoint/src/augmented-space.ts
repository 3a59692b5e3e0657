/**
 * The product space of the continuous adjoint's augmented state [y, a, ∂L/∂θ], componentwise
 * over any vector space, so every core Integrator can run the backward solve.
 */
import { checkFinite, checkNonNegative, invalid, type VectorSpace } from '@phaseflow/core';
import { checkSpace } from './validate.js';

/** An augmented state { y, a, g }, or a coded error naming `argument`. */
function checkAugmented<S>(argument: string, z: unknown): AugmentedState<S> {
  if (z === null || typeof z !== 'object' || Array.isArray(z)) invalid(argument, 'an augmented state { y, a, g }', z);
  for (const k of ['y', 'a', 'g'] as const)
    if ((z as Record<string, unknown>)[k] == null) invalid(`${argument}.${k}`, 'a state of the component space', (z as Record<string, unknown>)[k]);
  return z as AugmentedState<S>;
}

/** An optional output buffer: undefined, or an augmented state. */
const checkOut = <S>(out: unknown): AugmentedState<S> | undefined => (out === undefined ? undefined : checkAugmented<S>('out', out));

/** A tolerance: a number ≥ 0, or an augmented state of per-component tolerances. */
const checkTolerance = (argument: string, tol: unknown) => (typeof tol === 'number' ? checkNonNegative(argument, tol) : checkAugmented(argument, tol));

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
export function augmentedSpace<S>(space: VectorSpace<S>): VectorSpace<AugmentedState<S>> {
  const c = checkSpace<S>('space', space);
  const map3 = (fn: (k: 'y' | 'a' | 'g') => S): AugmentedState<S> => ({ y: fn('y'), a: fn('a'), g: fn('g') });
  const keys = ['y', 'a', 'g'] as const;
  const aug = checkAugmented<S>;
  return {
    name: `augmented(${c.name})`,
    mutable: c.mutable,
    zeros: (like) => (aug('like', like), map3((k) => c.zeros(like[k]))),
    clone: (v) => (aug('x', v), map3((k) => c.clone(v[k]))),
    copy: (src, out) => (aug('src', src), checkOut(out), map3((k) => c.copy(src[k], out?.[k]))),
    size: (v) => (aug('x', v), c.size(v.y) + c.size(v.a) + c.size(v.g)),
    isFinite: (v) => (aug('x', v), c.isFinite(v.y) && c.isFinite(v.a) && c.isFinite(v.g)),
    toFloat64(v, out) {
      aug('x', v);
      const parts = keys.map((k) => c.toFloat64(v[k]));
      const total = parts.reduce((n, p) => n + p.length, 0);
      if (out !== undefined && (!(out instanceof Float64Array) || out.length < total)) invalid('out', `a Float64Array of at least ${total} numbers`, out);
      const o = out ?? new Float64Array(total);
      let off = 0;
      for (const p of parts) {
        o.set(p, off);
        off += p.length;
      }
      return o;
    },
    dispose(v) {
      aug('x', v);
      for (const k of keys) c.dispose?.(v[k]);
    },
    axpy: (s, x, y, out) => (checkFinite('a', s), aug('x', x), aug('y', y), checkOut(out), map3((k) => c.axpy(s, x[k], y[k], out?.[k]))),
    scale: (s, x, out) => (checkFinite('a', s), aug('x', x), checkOut(out), map3((k) => c.scale(s, x[k], out?.[k]))),
    combine(cs, xs, base, out) {
      if (cs === null || typeof cs !== 'object' || !(Array.isArray(cs) || ArrayBuffer.isView(cs)))
        invalid('coefficients', 'an array or typed array of finite numbers', cs);
      if (!Array.isArray(xs)) invalid('xs', 'an array of augmented states', xs);
      if (cs.length < xs.length) invalid('coefficients', `at least ${xs.length} coefficients (one per term of xs)`, cs);
      // A term with coefficient 0 is not read (integrators may pass a released stage there).
      for (let j = 0; j < xs.length; j++) if (checkFinite(`coefficients[${j}]`, cs[j]) !== 0) aug(`xs[${j}]`, xs[j]);
      if (base !== undefined) aug('base', base);
      else if (xs.length === 0) invalid('xs', 'at least one augmented state when base is omitted', xs);
      checkOut(out);
      return map3((k) =>
        c.combine(
          cs,
          xs.map((x) => x[k]),
          base?.[k],
          out?.[k],
        ),
      );
    },
    dot: (x, y) => (aug('x', x), aug('y', y), keys.reduce((s, k) => s + c.dot(x[k], y[k]), 0)),
    norm: (x) => (aug('x', x), Math.hypot(...keys.map((k) => c.norm(x[k])))),
    errorNorm(err, a, b, atol, rtol) {
      aug('err', err);
      aug('a', a);
      aug('b', b);
      checkTolerance('atol', atol);
      checkTolerance('rtol', rtol);
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
