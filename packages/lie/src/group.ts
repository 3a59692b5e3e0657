/**
 * The Lie-group contract every group in this package meets: the same verbs on every group
 * (as in jaxlie and manif), elements and algebra coordinates as Float64Arrays, and the `out`
 * convention of core (`out` is written and returned; it may alias an input).
 *
 * Conventions (Solà, Deray & Atchuthan, "A micro Lie theory for state estimation in
 * robotics", 2018):
 * - an element is stored row-major (SO(3): a 3×3 rotation matrix, SE(3): the 4×4 homogeneous
 *   matrix); a product group concatenates its factors;
 * - algebra elements are coordinate vectors ξ ∈ ℝᵈ (`hat` makes the matrix, `vee` reads it);
 * - the right Jacobian satisfies exp(ξ + δ) ≈ exp(ξ)·exp(J_r(ξ)δ), the left one
 *   exp(ξ + δ) ≈ exp(J_l(ξ)δ)·exp(ξ), and J_l(ξ) = J_r(−ξ) = Ad_{exp ξ} J_r(ξ);
 * - Jacobians and adjoints are d×d matrices, row-major.
 *
 * Hot-path verbs (compose, exp, log, act, …) check lengths but not membership: validate data
 * from outside once with {@link LieGroup.check}.
 */
import type { Random } from '@phaseflow/core';

type F = Float64Array;

/** A Lie group with its algebra in coordinates. */
export interface LieGroup {
  /** The group's name, e.g. `SO(3)`, `SE(2)`, `SO(3)×R^3`. */
  readonly name: string;
  /** Dimension d of the group (length of an algebra coordinate vector ξ). */
  readonly dim: number;
  /** Number of Float64 entries of an element (SO(3): 9). */
  readonly size: number;
  /** Dimension of the points `act` transforms (SO(3), SE(3): 3). */
  readonly pointDim: number;
  /** The identity element. */
  identity(out?: F): F;
  /** The product a·b. */
  compose(a: F, b: F, out?: F): F;
  /** The inverse g⁻¹. */
  inverse(g: F, out?: F): F;
  /** The exponential map exp: 𝔤 → G of coordinates ξ. */
  exp(xi: F, out?: F): F;
  /** The principal logarithm log: G → 𝔤 (inverse of exp on its injectivity domain). */
  log(g: F, out?: F): F;
  /** The Lie bracket [u, v] in coordinates (vee of hat(u)hat(v) − hat(v)hat(u)). */
  bracket(u: F, v: F, out?: F): F;
  /** The adjoint matrix Ad_g (d×d): Ad_g ξ = vee(g·hat(ξ)·g⁻¹). */
  adjoint(g: F, out?: F): F;
  /** The group action on points: rotation R·p, rigid motion R·p + t. */
  act(g: F, p: F, out?: F): F;
  /** Right Jacobian J_r(ξ) (d×d): exp(ξ + δ) ≈ exp(ξ)·exp(J_r(ξ)·δ). */
  rightJacobian(xi: F, out?: F): F;
  /** J_r(ξ)⁻¹ (d×d); d log(g·exp(δ))/dδ at δ = 0 is J_r(log g)⁻¹. */
  rightJacobianInverse(xi: F, out?: F): F;
  /** Left Jacobian J_l(ξ) = J_r(−ξ) (d×d): exp(ξ + δ) ≈ exp(J_l(ξ)·δ)·exp(ξ). */
  leftJacobian(xi: F, out?: F): F;
  /** J_l(ξ)⁻¹ (d×d). */
  leftJacobianInverse(xi: F, out?: F): F;
  /** The geodesic a·exp(s·log(a⁻¹b)): a at s = 0, b at s = 1. */
  interpolate(a: F, b: F, s: number, out?: F): F;
  /**
   * How far `m` (an element-shaped array) is from the group, in the measure named by
   * {@link LieGroup.defectMeasure}; 0 up to rounding for every element.
   */
  defect(m: ArrayLike<number>): number;
  /** What {@link LieGroup.defect} measures, in words, for error messages. */
  readonly defectMeasure: string;
  /**
   * Validate data from outside: a Float64Array of `size` finite numbers within `tolerance`
   * (default 1e-9) of the group. Returns it; throws SHAPE_MISMATCH, NON_FINITE_INPUT or
   * NOT_ON_MANIFOLD (with `details.distance`) naming `argument`.
   */
  check(argument: string, m: unknown, tolerance?: number): F;
  /** A random element (Haar measure for compact groups; a unit normal translation part otherwise). */
  sample(random: Random, out?: F): F;
  /**
   * Optional: exp(ξ)·g, evaluated as g + (exp(ξ) − I)·g so that the result is rounded once per
   * entry (rotations: the orthogonality defect of a long run of steps y ← exp(Ω)·y then grows
   * about four times slower than with `compose(exp(ξ), g)`). Integrators use it when present.
   */
  expCompose?(xi: F, g: F, out?: F): F;
  /** Optional: exp(ξ)·p for the action on points, evaluated likewise. */
  expAct?(xi: F, p: F, out?: F): F;
}

/** A matrix Lie group: elements are n×n matrices and algebra elements have a matrix form. */
export interface MatrixLieGroup extends LieGroup {
  /** n of the n×n matrices (SO(3): 3, SE(3): 4). */
  readonly matrixSize: number;
  /** The algebra matrix hat(ξ) (n×n, row-major). */
  hat(xi: F, out?: F): F;
  /** The coordinates of an algebra matrix (its skew or twist part is read; the rest ignored). */
  vee(X: F, out?: F): F;
}

/** The default membership tolerance of {@link LieGroup.check}. */
export const GROUP_TOLERANCE = 1e-9;
