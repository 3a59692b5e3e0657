/**
 * The one shape every reference system has: a core problem with its initial state, the time
 * span it is usually run over, its parameters, what it conserves, its exact solution when
 * there is one in closed form, and where it comes from.
 */
import type { Problem } from '@phaseflow/core';

/** Parameters of a reference problem by name (e.g. `{ e: 0.5 }` for Kepler). */
export type ReferenceParameters = Readonly<Record<string, number>>;

/**
 * A reference system ready to run: `integrate(method, ref.problem, ref.y0(), { tEnd: ref.tEnd, … })`.
 *
 * Every field that holds a state function (`energy`, `invariants`) takes the state in the
 * problem's own type `Y`; `exact` and `fromFlat` speak the flattened numbers of
 * `problem.space.toFloat64` ([q…, p…] for phase states), so a tool can compare any kind of
 * state against the exact solution without knowing the kind.
 *
 * The testkit's conformance suite measures order, reversibility and symplecticity on values
 * of this type; the families use them in their tests and benches.
 *
 * @example
 * ```ts
 * import { kepler } from '@phaseflow/problems';
 * const k = kepler({ e: 0.5 });
 * k.problem.kind; // 'separable-hamiltonian'
 * k.energy(k.y0()); // −0.5 = −1/(2a)
 * ```
 */
export interface ReferenceProblem<Y = unknown, P extends Problem<Y> = Problem<Y>, Params extends ReferenceParameters = ReferenceParameters> {
  /** Kebab-case name, with the parameters that distinguish instances (`kepler(e=0.5)`). */
  readonly name: string;
  /** The core problem (its `kind` says which integrators accept it). */
  readonly problem: P;
  /** A fresh copy of the initial state at `t0`. */
  y0(): Y;
  /** Build a state from its flattened numbers (the inverse of `problem.space.toFloat64`). */
  fromFlat(v: Float64Array): Y;
  /** Initial time. */
  readonly t0: number;
  /** A natural end time: one period where the motion is periodic, else a span the literature uses. */
  readonly tEnd: number;
  /** The parameters the problem was built with. */
  readonly parameters: Params;
  /** The energy (the Hamiltonian's value for Hamiltonian systems), when the system has one. */
  energy?(y: Y): number;
  /** Further first integrals by name (angular momentum, the Jacobi constant), each conserved by the exact flow. */
  readonly invariants?: Readonly<Record<string, (y: Y) => number>>;
  /** The exact solution at time t, flattened as `problem.space.toFloat64` would, when it is known in closed form. */
  exact?(t: number): Float64Array;
  /** The period of the solution through `y0()`, when it is periodic and the period is known. */
  readonly period?: number;
  /** True when the state is canonical (q, p), so symplecticity of a method is a checkable claim. */
  readonly hamiltonian: boolean;
  /** Indices of the flattened state negated by the reversing symmetry (e.g. (q, p) ↦ (q, −p)). */
  readonly reversingDims?: readonly number[];
  /** Where the system and its data come from. */
  readonly citation: string;
}
