/**
 * Core StateOps over points of a manifold, so `integrate`, Observers and save points work on
 * group elements and sphere points unchanged.
 */
import { invalid, type StateOps } from '@phaseflow/core';
import { need, outOf } from './internal/check.js';
import type { LieGroup } from './group.js';
import { isHomogeneousSpace, leftTranslations, type HomogeneousSpace } from './manifold.js';

type F = Float64Array;

/** StateOps of a manifold's points, plus the geometry observers may read. */
export interface LieStateOps extends StateOps<F> {
  /** The manifold whose points these are. */
  readonly manifold: HomogeneousSpace;
  /** How far y is from the manifold (orthogonality defect, |‖u‖ − 1|, …). */
  defect(y: F): number;
  /** Geodesic (or group) distance between two points. */
  distance(a: F, b: F): number;
}

/**
 * The core StateOps of the points of `manifold` (a homogeneous space, or a Lie group acting on
 * itself): Float64Array copies in place, a finite check, the entries as numbers (row-major),
 * plus `defect` and `distance`. Mutable: `out` is written and returned.
 *
 * @example
 * ```ts
 * import { SO3, createLieStateOps } from '@phaseflow/lie';
 * const space = createLieStateOps(SO3);
 * space.name; // 'SO(3)'
 * space.defect(SO3.exp(Float64Array.of(1, 2, 3))); // ≈ 1e-16
 * ```
 */
export function createLieStateOps(manifold: HomogeneousSpace | LieGroup): LieStateOps {
  if (manifold === null || typeof manifold !== 'object') invalid('manifold', 'a Lie group or a homogeneous space', manifold);
  const m = isHomogeneousSpace(manifold) ? manifold : leftTranslations(manifold);
  const what = `a point of ${m.name}`;
  const point = (argument: string, y: F) => need(argument, what, m.size, y);
  return {
    name: m.name,
    mutable: true,
    manifold: m,
    clone: (y) => (point('y', y), y.slice()),
    copy(src, out) {
      point('src', src);
      const o = outOf(m.size, out);
      if (o !== src) o.set(src);
      return o;
    },
    isFinite(y) {
      point('y', y);
      for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) return false;
      return true;
    },
    size: (y) => (point('y', y), y.length),
    toFloat64(y, out) {
      point('y', y);
      const o = outOf(m.size, out);
      o.set(y);
      return o;
    },
    defect: (y) => (point('y', y), m.defect(y)),
    distance: (a, b) => m.distance(a, b),
  };
}
