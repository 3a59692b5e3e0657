/**
 * The state abstractions integrators are written against.
 *
 * `StateOps<Y>` is what the `integrate` driver needs of any state, including states that live
 * on a manifold (a rotation matrix, a point on a sphere): copy it, check it is finite, read it
 * as numbers. `VectorSpace<S>` adds the linear operations a generic integrator needs.
 *
 * Every operation that produces a state takes an optional `out`. A mutable space (Float64Array)
 * writes into `out` and returns it, so hot loops allocate nothing; an immutable space (tensors)
 * ignores `out` and returns a new value. Generic code therefore always uses the return value:
 * `acc = space.axpy(h, k, y, acc)`.
 */

import { checkFunction, invalid } from './validate.js';

/** What the driver and observers need of any state, vector space or not. */
export interface StateOps<Y> {
  /** A short name, e.g. `float64`, `tensor`, `phase(float64)`, `SO(3)`. */
  readonly name: string;
  /** True when `out` arguments are written in place (and the returned value is `out`). */
  readonly mutable: boolean;
  /** A deep copy of `y`. */
  clone(y: Y): Y;
  /** Copy `src` into `out` (in place for mutable spaces); returns the copy. */
  copy(src: Y, out?: Y): Y;
  /** True when every number in `y` is finite. */
  isFinite(y: Y): boolean;
  /** Number of scalar components of `y`. */
  size(y: Y): number;
  /** The numbers of `y` as a Float64Array (a copy; written into `out` when given). */
  toFloat64(y: Y, out?: Float64Array): Float64Array;
  /** Release resources held by `y` (tensors, GPU buffers); a no-op for plain arrays. */
  dispose?(y: Y): void;
  /**
   * Run `fn` in a resource scope: every value this space (or code running on its values, such
   * as a vector field) allocates while `fn` runs is released when `fn` returns **or throws**,
   * except the values passed to `keep`, which outlive the scope (they belong to the enclosing
   * scope, or to the caller when there is none). Nothing `fn` returns is kept implicitly.
   * Scopes nest. Present on spaces whose values hold resources (tensors: a `tf.tidy`); absent
   * on Float64Array spaces, where {@link withScope} just calls `fn`.
   *
   * Drivers wrap a run in it (keeping the saved states) so that stage values an integrator
   * drops are released without the integrator disposing anything itself.
   */
  scope?<T>(fn: (keep: Keep<Y>) => T): T;
}

/**
 * What {@link StateOps.scope} hands its function: `keep(y)` marks `y` to outlive the scope and
 * returns it. (Declared as a method type, so that `StateOps<Y>` stays assignable to
 * `StateOps<unknown>` as its other methods are.)
 */
export type Keep<Y> = { keep(y: Y): Y }['keep'];

/**
 * `space.scope(fn)` when the space has a scope, `fn` with an identity `keep` otherwise: what
 * generic code calls so that it is leak-free on tensor spaces and free on Float64 ones.
 *
 * @example
 * ```ts
 * const yEnd = withScope(problem.space, (keep) => {
 *   let y = y0;
 *   for (let i = 0; i < n; i++) y = integrator.step(problem, i * h, y, h);
 *   return keep(y); // every intermediate state and stage is released, y survives
 * });
 * ```
 */
export function withScope<Y, T>(space: StateOps<Y>, fn: (keep: Keep<Y>) => T): T {
  if (space === null || typeof space !== 'object' || typeof space.clone !== 'function')
    invalid('space', 'a state space (StateOps { name, clone, copy, ... })', space);
  checkFunction('fn', fn);
  return typeof space.scope === 'function' ? space.scope(fn) : fn(identity);
}

const identity = <Y>(y: Y): Y => y;

/**
 * A real vector space with the in-place linear algebra generic integrators use.
 *
 * @example
 * ```ts
 * const s = float64Space;
 * let y = Float64Array.of(1, 2), k = Float64Array.of(3, 4);
 * y = s.axpy(0.5, k, y, y); // y ← y + 0.5 k, in place
 * ```
 */
export interface VectorSpace<S> extends StateOps<S> {
  /** A zero vector shaped like `like`. */
  zeros(like: S): S;
  /** out ← y + a·x */
  axpy(a: number, x: S, y: S, out?: S): S;
  /** out ← a·x */
  scale(a: number, x: S, out?: S): S;
  /** out ← base + Σᵢ cᵢ·xᵢ (base omitted means 0); the Runge–Kutta stage combination. */
  combine(coefficients: ArrayLike<number>, xs: readonly S[], base?: S, out?: S): S;
  /** Euclidean inner product. */
  dot(x: S, y: S): number;
  /** Euclidean norm. */
  norm(x: S): number;
  /**
   * Weighted RMS error norm used by adaptive step control:
   * sqrt(mean_i (errᵢ / (atolᵢ + rtolᵢ·max(|aᵢ|, |bᵢ|)))²).
   * `atol` and `rtol` are scalars or per-component vectors.
   */
  errorNorm(err: S, a: S, b: S, atol: number | S, rtol: number | S): number;
}
