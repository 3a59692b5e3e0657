/**
 * Two vector spaces the gradient engine runs integrators on: the product space of the
 * adjoint's augmented state [y, a, ∂L/∂θ], and a Float64 "traced" space that records every
 * linear combination an integrator makes so one step (or a whole run) can be differentiated
 * in reverse mode — the Float64 reference of back-propagation through the solver.
 */
import type { VectorSpace } from '@phaseflow/core';

/** The adjoint's augmented state: the state y, its adjoint a = ∂L/∂y and the accumulated ∂L/∂θ. */
export interface AugmentedState<S> {
  readonly y: S;
  readonly a: S;
  readonly g: S;
}

/** @internal Componentwise vector space over {@link AugmentedState}. */
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
    combine: (cs, xs, base, out) => map3((k) => c.combine(cs, xs.map((x) => x[k]), base?.[k], out?.[k])),
    dot: (x, y) => keys.reduce((s, k) => s + c.dot(x[k], y[k]), 0),
    norm: (x) => Math.hypot(...keys.map((k) => c.norm(x[k]))),
    errorNorm(err, a, b, atol, rtol) {
      // RMS over all components = sqrt(Σ nₖ eₖ² / N).
      let s = 0, n = 0;
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

/** A value recorded on a {@link Tape}: its numbers and, after `backward`, its gradient. */
export interface Traced {
  readonly v: Float64Array;
  g?: Float64Array;
}

/** @internal A reverse-mode tape over Float64 vectors. */
export class Tape {
  private readonly back: (() => void)[] = [];
  /** A leaf (no inputs). */
  leaf(v: Float64Array): Traced {
    return { v };
  }
  /** Record an operation: `backward(gOut)` adds into its inputs' gradients. */
  record(v: Float64Array, backward: (gOut: Float64Array) => void): Traced {
    const out: Traced = { v };
    this.back.push(() => {
      if (out.g) backward(out.g);
    });
    return out;
  }
  /** Run the recorded operations in reverse. */
  backward(): void {
    for (let i = this.back.length - 1; i >= 0; i--) this.back[i]!();
    this.back.length = 0;
  }
  /** Number of recorded operations (memory of back-propagation through the solver). */
  get length(): number {
    return this.back.length;
  }
}

/** @internal g(x) += s · v. */
export function accumulate(x: Traced, v: Float64Array, s = 1): void {
  const g = (x.g ??= new Float64Array(x.v.length));
  for (let i = 0; i < g.length; i++) g[i] += s * v[i]!;
}

/** @internal The immutable vector space of traced Float64 vectors on `tape`. */
export function tracedSpace(tape: Tape): VectorSpace<Traced> {
  const rec = tape.record.bind(tape);
  return {
    name: 'traced(float64)',
    mutable: false,
    zeros: (like) => tape.leaf(new Float64Array(like.v.length)),
    clone: (x) => rec(x.v.slice(), (g) => accumulate(x, g)),
    copy: (x) => rec(x.v.slice(), (g) => accumulate(x, g)),
    size: (x) => x.v.length,
    isFinite: (x) => x.v.every(Number.isFinite),
    toFloat64: (x, out) => {
      const o = out ?? new Float64Array(x.v.length);
      o.set(x.v);
      return o;
    },
    axpy(a, x, y) {
      const v = y.v.slice();
      for (let i = 0; i < v.length; i++) v[i] += a * x.v[i]!;
      return rec(v, (g) => {
        accumulate(y, g);
        accumulate(x, g, a);
      });
    },
    scale: (a, x) => rec(x.v.map((u) => a * u), (g) => accumulate(x, g, a)),
    combine(coefficients, terms, base) {
      // Integrators reuse their coefficient and stage arrays: keep copies for the backward pass.
      const cs = Array.from(coefficients);
      const xs = terms.slice();
      const v = base ? base.v.slice() : new Float64Array(xs[0]!.v.length);
      for (let j = 0; j < xs.length; j++) {
        const c = cs[j]!;
        if (c === 0) continue;
        const x = xs[j]!.v;
        for (let i = 0; i < v.length; i++) v[i] += c * x[i]!;
      }
      return rec(v, (g) => {
        if (base) accumulate(base, g);
        for (let j = 0; j < xs.length; j++) if (cs[j] !== 0) accumulate(xs[j]!, g, cs[j]!);
      });
    },
    dot: (x, y) => x.v.reduce((s, u, i) => s + u * y.v[i]!, 0),
    norm: (x) => Math.hypot(...x.v),
    errorNorm(err, a, b, atol, rtol) {
      const n = err.v.length;
      let s = 0;
      for (let i = 0; i < n; i++) {
        const w = (atol as number) + (rtol as number) * Math.max(Math.abs(a.v[i]!), Math.abs(b.v[i]!));
        s += (err.v[i]! / w) ** 2;
      }
      return n === 0 ? 0 : Math.sqrt(s / n);
    },
  };
}
