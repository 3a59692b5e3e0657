/**
 * The `lie` problem kind: Y' = A(t, Y)·Y on a Lie group, and u' = A(t, u)·u on a homogeneous
 * space, with the generator A(t, y) given in the acting group's algebra coordinates.
 */
import { checkFunction, checkOptions, invalid, type Problem } from '@phaseflow/core';
import type { LieGroup } from './group.js';
import { isHomogeneousSpace, leftTranslations, type HomogeneousSpace } from './manifold.js';
import { createLieStateOps, type LieStateOps } from './state-ops.js';

type F = Float64Array;

/**
 * y' = A(t, y)·y on a homogeneous space M of a Lie group G: the velocity of y is the
 * infinitesimal action of A(t, y) ∈ 𝔤. For M = G acting on itself this is Y' = A(t, Y)·Y
 * (right-invariant form); for the sphere it is u' = A(t, u)·u with A ∈ so(n+1).
 */
export interface LieProblem extends Problem<F> {
  readonly kind: 'lie';
  readonly space: LieStateOps;
  readonly manifold: HomogeneousSpace;
  /**
   * A(t, y) in the coordinates of `manifold.group`'s algebra (length `group.dim`). Writes into
   * `out` when given and returns it.
   */
  generator(t: number, y: F, out?: F): F;
  /** True when A depends on t only (Y' = A(t)Y): Magnus methods need it. */
  readonly linear: boolean;
}

/** What {@link lieProblem} takes. */
export interface LieProblemSpec {
  /** The manifold: a homogeneous space (e.g. `createSphere(2)`) or a Lie group acting on itself. */
  readonly manifold: HomogeneousSpace | LieGroup;
  /** A(t, y) ∈ 𝔤 in coordinates; writes into `out` when given. */
  readonly generator: (t: number, y: F, out?: F) => F;
  /** A independent of y (default false). */
  readonly linear?: boolean;
  readonly name?: string;
  /** A monitored energy of the state, for energy observers. */
  readonly energy?: (y: F) => number;
}

/**
 * Build a `lie` problem y' = A(t, y)·y.
 *
 * @example
 * ```ts
 * import { SO3, lieProblem } from '@phaseflow/lie';
 * // a rigid body spinning at constant spatial angular velocity ω: R' = ω̂R
 * const spin = lieProblem({
 *   manifold: SO3,
 *   generator: (t, R, out = new Float64Array(3)) => (out.set([0, 0, 2]), out),
 *   linear: true,
 * });
 * ```
 */
export function lieProblem(spec: LieProblemSpec): LieProblem {
  const s = checkOptions('spec', spec, ['manifold', 'generator', 'linear', 'name', 'energy']);
  const raw = s.manifold as unknown;
  if (raw === null || typeof raw !== 'object') invalid('spec.manifold', 'a Lie group or a homogeneous space', raw);
  const manifold = isHomogeneousSpace(raw) ? raw : leftTranslations(raw as LieGroup);
  if (typeof manifold.group?.exp !== 'function') invalid('spec.manifold', 'a Lie group or a homogeneous space', raw);
  checkFunction('spec.generator', s.generator);
  if (s.linear !== undefined && typeof s.linear !== 'boolean') invalid('spec.linear', 'a boolean', s.linear);
  if (s.energy !== undefined) checkFunction('spec.energy', s.energy);
  return {
    kind: 'lie',
    space: createLieStateOps(manifold),
    manifold,
    generator: s.generator,
    linear: s.linear ?? false,
    ...(s.name !== undefined && { name: s.name }),
    ...(s.energy !== undefined && { energy: s.energy }),
  };
}
