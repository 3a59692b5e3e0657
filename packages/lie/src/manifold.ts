/**
 * Homogeneous spaces: a manifold M with a Lie group G acting on it, g·y. The Lie-group
 * integrators advance y ∈ M by y ← exp(Ω)·y, so they need only the action and the group's
 * exponential. A Lie group is a homogeneous space of itself (left translations).
 */
import { invalid, type Random } from '@phaseflow/core';
import type { LieGroup } from './group.js';
import { createSO } from './groups/so-n.js';
import { SO2 } from './groups/so2.js';
import { SO3 } from './groups/so3.js';
import { checkGroup, checkMember, checkRandom, need, needArrayLike, outOf } from './internal/check.js';

type F = Float64Array;

/** A manifold with a transitive Lie-group action, points stored as Float64Arrays. */
export interface HomogeneousSpace {
  /** e.g. `S^2`, or the group's name for a group acting on itself. */
  readonly name: string;
  /** The acting group; problems give their generator A(t, y) in its algebra coordinates. */
  readonly group: LieGroup;
  /** Number of Float64 entries of a point. */
  readonly size: number;
  /** The action g·y. `out` may alias `y`. */
  act(g: F, y: F, out?: F): F;
  /**
   * exp(ξ)·y, the step every Lie-group integrator takes: the group's `expCompose`/`expAct`
   * when it has one (rounded once per entry), else `act(exp(ξ), y)`. `out` may alias `y`.
   */
  expAct(xi: F, y: F, out?: F): F;
  /** Geodesic (or group) distance between two points. */
  distance(a: F, b: F): number;
  /** How far `y` is from the manifold (0 up to rounding on it), in {@link HomogeneousSpace.defectMeasure}. */
  defect(y: ArrayLike<number>): number;
  readonly defectMeasure: string;
  /** Validate a point from outside (see {@link LieGroup.check}). */
  check(argument: string, y: unknown, tolerance?: number): F;
  /** A random point (uniform for compact spaces). */
  sample(random: Random, out?: F): F;
}

/**
 * A Lie group as a homogeneous space of itself, acting by left translation g·y. The distance is
 * ‖log(a⁻¹b)‖₂.
 *
 * @example
 * ```ts
 * import { SO3, leftTranslations } from '@phaseflow/lie';
 * const M = leftTranslations(SO3);
 * M.act(SO3.exp(Float64Array.of(0, 0, 1)), SO3.identity()); // the rotation itself
 * ```
 */
export function leftTranslations(group: LieGroup): HomogeneousSpace {
  checkGroup('group', group);
  const e = new Float64Array(group.size);
  return {
    name: group.name,
    group,
    size: group.size,
    act: (g, y, out) => (need('y', `a point of ${group.name}`, group.size, y), group.compose(g, y, out)),
    expAct: group.expCompose ? (xi, y, out) => group.expCompose!(xi, y, out) : (xi, y, out) => group.compose(group.exp(xi, e), y, out),
    distance(a, b) {
      const w = group.log(group.compose(group.inverse(a), b));
      let s = 0;
      for (let i = 0; i < w.length; i++) s += w[i]! * w[i]!;
      return Math.sqrt(s);
    },
    defect: (y) => group.defect(y),
    defectMeasure: group.defectMeasure,
    check: (argument, y, tolerance) => group.check(argument, y, tolerance),
    sample: (random, out) => group.sample(random, out),
  };
}

/** True when `m` is a homogeneous space rather than a bare group. */
export function isHomogeneousSpace(m: unknown): m is HomogeneousSpace {
  return m !== null && typeof m === 'object' && typeof (m as HomogeneousSpace).act === 'function' && typeof (m as HomogeneousSpace).group === 'object';
}

/** The unit sphere Sⁿ ⊂ ℝⁿ⁺¹ with SO(n+1) acting by rotation. */
export interface Sphere extends HomogeneousSpace {
  /** n of Sⁿ (points have n + 1 coordinates). */
  readonly n: number;
  /** The Riemannian exponential at u of a tangent vector v (v ⊥ u): cos‖v‖·u + sinc‖v‖·v. */
  expAt(u: F, v: F, out?: F): F;
  /** The Riemannian logarithm at u of w: the tangent vector at u pointing to w, of length d(u, w). */
  logAt(u: F, w: F, out?: F): F;
  /** The projection of v onto the tangent space at u: v − (u·v)u. */
  project(u: F, v: F, out?: F): F;
}

function norm(v: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

/**
 * The unit sphere Sⁿ as the homogeneous space SO(n+1)/SO(n): points are unit vectors of
 * ℝⁿ⁺¹, the action is R·u, the distance the great-circle angle 2·atan2(‖a − b‖, ‖a + b‖)
 * (accurate at every angle, unlike acos(a·b)). The acting group defaults to {@link SO2} for S¹,
 * {@link SO3} for S² (closed forms) and `createSO(n + 1)` above.
 *
 * @example
 * ```ts
 * import { SO3, createSphere } from '@phaseflow/lie';
 * const S2 = createSphere(2); // acted on by SO3
 * S2.act(SO3.exp(Float64Array.of(0, 0, Math.PI / 2)), Float64Array.of(1, 0, 0)); // ≈ (0, 1, 0)
 * S2.distance(Float64Array.of(1, 0, 0), Float64Array.of(0, 1, 0)); // π/2
 * ```
 */
export function createSphere(n: number, group?: LieGroup): Sphere {
  const size = n + 1;
  const name = `S^${n}`;
  if (!Number.isInteger(n) || n < 1) invalid('n', 'an integer >= 1', n);
  const G = group ?? (n === 1 ? SO2 : n === 2 ? SO3 : createSO(size));
  if (group !== undefined) checkGroup('group', group);
  if (G.pointDim !== size) invalid('group', `a Lie group acting on R^${size} (SO(${size}))`, G);
  const alloc = (out?: F) => outOf(size, out);
  const e = new Float64Array(G.size);
  const defect = (y: ArrayLike<number>) => Math.abs(norm(y, size) - 1);
  const point = `a point of ${name}`;
  const sphere: Sphere = {
    name,
    n,
    group: G,
    size,
    act: (g, y, out) => G.act(g, y, out),
    expAct: G.expAct ? (xi, y, out) => G.expAct!(xi, y, out) : (xi, y, out) => G.act(G.exp(xi, e), y, out),
    distance(a, b) {
      need('a', point, size, a);
      need('b', point, size, b);
      let dm = 0,
        dp = 0;
      for (let i = 0; i < size; i++) {
        dm += (a[i]! - b[i]!) ** 2;
        dp += (a[i]! + b[i]!) ** 2;
      }
      return 2 * Math.atan2(Math.sqrt(dm), Math.sqrt(dp));
    },
    defect: (y) => (needArrayLike('y', point, size, y), defect(y)),
    defectMeasure: '|‖u‖ − 1|',
    check: (argument, y, tolerance) => checkMember(argument, y, size, name, defect, sphere.defectMeasure, tolerance),
    sample(random, out) {
      checkRandom('random', random);
      const o = alloc(out);
      for (let i = 0; i < size; i++) o[i] = random.normal();
      const r = norm(o, size);
      for (let i = 0; i < size; i++) o[i] /= r;
      return o;
    },
    expAt(u, v, out) {
      need('u', point, size, u);
      need('v', 'a tangent vector', size, v);
      const t = norm(v, size);
      const c = Math.cos(t),
        s = t < 1e-8 ? 1 - (t * t) / 6 : Math.sin(t) / t;
      const o = alloc(out);
      for (let i = 0; i < size; i++) o[i] = c * u[i]! + s * v[i]!;
      return o;
    },
    logAt(u, w, out) {
      need('u', point, size, u);
      need('w', point, size, w);
      const t = sphere.distance(u, w);
      let dot = 0;
      for (let i = 0; i < size; i++) dot += u[i]! * w[i]!;
      const o = alloc(out);
      for (let i = 0; i < size; i++) o[i] = w[i]! - dot * u[i]!;
      const r = norm(o, size);
      const k = r === 0 ? 0 : t / r;
      for (let i = 0; i < size; i++) o[i] *= k;
      return o;
    },
    project(u, v, out) {
      need('u', point, size, u);
      need('v', 'a vector', size, v);
      let dot = 0;
      for (let i = 0; i < size; i++) dot += u[i]! * v[i]!;
      const o = alloc(out);
      for (let i = 0; i < size; i++) o[i] = v[i]! - dot * u[i]!;
      return o;
    },
  };
  return sphere;
}
