import { invalid } from './validate.js';
import type { Keep, VectorSpace } from './vector-space.js';

/** A point (q, p) of phase space: positions and conjugate momenta (or velocities). */
export interface PhaseState<S> {
  q: S;
  p: S;
}

/** The direct sum V ⊕ V of a component space: the state space of partitioned problems. */
export interface PhaseSpace<S> extends VectorSpace<PhaseState<S>> {
  /** The space q and p each live in. */
  readonly component: VectorSpace<S>;
}

/**
 * Build the phase space over a component space; every operation acts on q and p alike.
 *
 * @example
 * ```ts
 * const phase = phaseSpace(float64Space);
 * const y = { q: Float64Array.of(1), p: Float64Array.of(0) };
 * phase.norm(y); // 1
 * ```
 */
export function phaseSpace<S>(component: VectorSpace<S>): PhaseSpace<S> {
  if (component === null || typeof component !== 'object') invalid('component', 'a VectorSpace (e.g. float64Space)', component);
  for (const m of ['zeros', 'clone', 'copy', 'size', 'isFinite', 'toFloat64', 'axpy', 'scale', 'combine', 'dot', 'norm', 'errorNorm'] as const) {
    if (typeof component[m] !== 'function') invalid(`component.${m}`, `a function (component must be a VectorSpace)`, component[m]);
  }
  if (typeof component.name !== 'string') invalid('component.name', 'a string', component.name);
  const c = component;
  /** A phase state { q, p } handed to the per-run and per-step operations. */
  const point = (argument: string, y: unknown): PhaseState<S> => {
    if (y === null || typeof y !== 'object' || !('q' in y) || !('p' in y)) invalid(argument, 'a phase state { q, p }', y);
    return y as PhaseState<S>;
  };
  const pair = (q: S, p: S, out?: PhaseState<S>): PhaseState<S> => {
    if (out) {
      out.q = q;
      out.p = p;
      return out;
    }
    return { q, p };
  };
  // Reused component lists: combine is the Runge–Kutta hot path and must not allocate per call.
  const qList: S[] = [];
  const pList: S[] = [];
  const split = (xs: readonly PhaseState<S>[]) => {
    qList.length = xs.length;
    pList.length = xs.length;
    for (let i = 0; i < xs.length; i++) {
      qList[i] = xs[i]!.q;
      pList[i] = xs[i]!.p;
    }
  };
  return {
    name: `phase(${c.name})`,
    mutable: c.mutable,
    component: c,
    zeros: (like) => ({ q: c.zeros(point('like', like).q), p: c.zeros(like.p) }),
    clone: (y) => ({ q: c.clone(point('y', y).q), p: c.clone(y.p) }),
    copy: (src, out) => pair(c.copy(src.q, out?.q), c.copy(src.p, out?.p), out),
    size: (y) => c.size(point('y', y).q) + c.size(y.p),
    isFinite: (y) => c.isFinite(point('y', y).q) && c.isFinite(y.p),
    toFloat64(y, out) {
      point('y', y);
      const nq = c.size(y.q);
      const n = nq + c.size(y.p);
      if (out !== undefined && (!(out instanceof Float64Array) || out.length !== n)) invalid('out', `a Float64Array of length ${n}`, out);
      const o = out ?? new Float64Array(n);
      o.set(c.toFloat64(y.q), 0);
      o.set(c.toFloat64(y.p), nq);
      return o;
    },
    dispose(y) {
      point('y', y);
      c.dispose?.(y.q);
      c.dispose?.(y.p);
    },
    // The component's scope, keeping both halves of a kept point.
    ...(typeof c.scope === 'function' && {
      scope: <T>(fn: (keep: Keep<PhaseState<S>>) => T): T =>
        c.scope!((keep) =>
          fn((y) => {
            keep(y.q);
            keep(y.p);
            return y;
          }),
        ),
    }),
    axpy: (a, x, y, out) => pair(c.axpy(a, x.q, y.q, out?.q), c.axpy(a, x.p, y.p, out?.p), out),
    scale: (a, x, out) => pair(c.scale(a, x.q, out?.q), c.scale(a, x.p, out?.p), out),
    combine(k, xs, base, out) {
      split(xs);
      return pair(c.combine(k, qList, base?.q, out?.q), c.combine(k, pList, base?.p, out?.p), out);
    },
    dot: (x, y) => c.dot(x.q, y.q) + c.dot(x.p, y.p),
    norm: (x) => Math.hypot(c.norm(x.q), c.norm(x.p)),
    errorNorm(err, a, b, atol, rtol) {
      const nq = c.size(err.q);
      const np = c.size(err.p);
      const part = (s: 'q' | 'p') => c.errorNorm(err[s], a[s], b[s], typeof atol === 'number' ? atol : atol[s], typeof rtol === 'number' ? rtol : rtol[s]);
      const eq = part('q');
      const ep = part('p');
      return Math.sqrt((eq * eq * nq + ep * ep * np) / Math.max(1, nq + np));
    },
  };
}
