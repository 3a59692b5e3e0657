/**
 * Core StateOps over points of a manifold, so `integrate`, Observers and save points work on
 * group elements and sphere points unchanged.
 */
import type { StateOps } from '@phaseflow/core';
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
  const m = isHomogeneousSpace(manifold) ? manifold : leftTranslations(manifold);
  return {
    name: m.name,
    mutable: true,
    manifold: m,
    clone: (y) => y.slice(),
    copy(src, out) {
      const o = out ?? new Float64Array(src.length);
      if (o !== src) o.set(src);
      return o;
    },
    isFinite(y) {
      for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) return false;
      return true;
    },
    size: (y) => y.length,
    toFloat64(y, out) {
      const o = out ?? new Float64Array(y.length);
      o.set(y);
      return o;
    },
    defect: (y) => m.defect(y),
    distance: (a, b) => m.distance(a, b),
  };
}
