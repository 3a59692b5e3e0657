/**
 * A state space whose values are resources, for testing that a driver or an integrator is
 * leak-free on spaces with a scope (tensors) without loading tfjs: values are Float64Arrays
 * registered as live until disposed, its `scope` releases what was made inside it unless kept
 * (a `tf.tidy` in miniature; scopes nest), and reading a released value throws.
 */
import { float64Space, invalid, type VectorSpace } from '@phaseflow/core';

/** What {@link createResourceSpace} returns. */
export interface ResourceSpace {
  /** The space: `float64Space`'s arithmetic, every produced value tracked, `mutable: false`. */
  readonly space: VectorSpace<Float64Array>;
  /** The values alive now (made by the space and neither disposed nor released by a scope). */
  readonly live: ReadonlySet<Float64Array>;
  /** Mark a value made outside the space (an initial state) as readable; returns it. */
  external(y: Float64Array): Float64Array;
}

/**
 * A tracked Float64 space: after a run, `live` should hold exactly what the run returned
 * (its saved states, final state and events); anything else is a leak, and a value used after
 * the space released it throws `Error('used after dispose')`.
 *
 * @example
 * ```ts
 * const { space, live, external } = createResourceSpace();
 * const pr = odeProblem((_t, y: Float64Array) => space.scale(-1, y), { space });
 * const sol = await integrateAsync(rk4, pr, external(Float64Array.of(1)), { tEnd: 1, steps: 100 });
 * new Set(live); // { ...sol.y, sol.yFinal } and nothing else
 * ```
 */
export function createResourceSpace(): ResourceSpace {
  const live = new Set<Float64Array>();
  const outside = new Set<Float64Array>();
  const scopes: Set<Float64Array>[] = [];
  const track = (v: Float64Array): Float64Array => {
    live.add(v);
    scopes.at(-1)?.add(v);
    return v;
  };
  const check = (v: Float64Array): Float64Array => {
    if (!live.has(v) && !outside.has(v)) throw new Error('used after dispose');
    return v;
  };
  const space: VectorSpace<Float64Array> = {
    ...float64Space,
    name: 'resource',
    mutable: false,
    zeros: (like) => track(float64Space.zeros(check(like))),
    clone: (y) => track(float64Space.clone(check(y))),
    copy: (src) => track(float64Space.clone(check(src))),
    axpy: (a, x, y) => track(float64Space.axpy(a, check(x), check(y))),
    scale: (a, x) => track(float64Space.scale(a, check(x))),
    combine: (c, xs, base) =>
      track(
        float64Space.combine(
          c,
          xs.map((x, j) => (c[j] === 0 ? x : check(x))),
          base && check(base),
        ),
      ),
    dispose: (y) => void live.delete(y),
    scope<T>(fn: (keep: (y: Float64Array) => Float64Array) => T): T {
      const mine = new Set<Float64Array>();
      const kept = new Set<Float64Array>();
      scopes.push(mine);
      try {
        return fn((y) => (kept.add(y), y));
      } finally {
        scopes.pop();
        for (const v of mine) {
          if (kept.has(v)) scopes.at(-1)?.add(v);
          else live.delete(v);
        }
      }
    },
  };
  const external = (y: Float64Array): Float64Array => {
    if (!(y instanceof Float64Array)) invalid('y', 'a Float64Array (a state made outside the space)', y);
    outside.add(y);
    return y;
  };
  return { space, live, external };
}
