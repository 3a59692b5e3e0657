/**
 * The problem types of the first plugins. Every problem names its `kind` and carries the
 * `space` (StateOps) of its full state, so the `integrate` driver and observers can copy and
 * check states without knowing the kind. Third parties define further kinds (Lie-group
 * problems, batched GPU problems) by extending {@link Problem}.
 */
import { float64Space } from './float64-space.js';
import { phaseSpace, type PhaseSpace, type PhaseState } from './phase-space.js';
import { checkFunction, checkOptions, invalid } from './validate.js';
import type { StateOps, VectorSpace } from './vector-space.js';

/** What every problem has: a kind tag and the operations of its state. */
export interface Problem<Y> {
  readonly kind: string;
  readonly space: StateOps<Y>;
  /** A conserved or monitored energy, when the problem has one (energy observers read it). */
  readonly energy?: (y: Y) => number;
  /** A name for reports. */
  readonly name?: string;
}

/** y' = f(t, y). `f` writes into `out` when given (mutable spaces) and returns dy/dt. */
export interface OdeProblem<S> extends Problem<S> {
  readonly kind: 'ode';
  readonly space: VectorSpace<S>;
  f(t: number, y: S, out?: S): S;
}

/**
 * Separable Hamiltonian H(q, p) = T(p) + V(q):  q' = ∂T/∂p,  p' = −∂V/∂q.
 * The natural input of splitting (symplectic) methods.
 */
export interface SeparableHamiltonianProblem<S> extends Problem<PhaseState<S>> {
  readonly kind: 'separable-hamiltonian';
  readonly space: PhaseSpace<S>;
  dTdp(p: S, out?: S): S;
  dVdq(q: S, out?: S): S;
  readonly T?: (p: S) => number;
  readonly V?: (q: S) => number;
}

/**
 * Partitioned (dynamical) system:  q' = velocity(t, q, p),  p' = force(t, q, p).
 * When `separable` is true, velocity depends on p only and force on q only (and t), which
 * makes splitting methods explicit.
 */
export interface PartitionedProblem<S> extends Problem<PhaseState<S>> {
  readonly kind: 'partitioned';
  readonly space: PhaseSpace<S>;
  readonly separable: boolean;
  velocity(t: number, q: S, p: S, out?: S): S;
  force(t: number, q: S, p: S, out?: S): S;
}

/**
 * General (not necessarily separable) Hamiltonian H(q, p): q' = ∂H/∂p, p' = −∂H/∂q. Solved by
 * implicit symplectic methods (implicit midpoint, Gauss–Legendre).
 */
export interface HamiltonianProblem<S> extends Problem<PhaseState<S>> {
  readonly kind: 'hamiltonian';
  readonly space: PhaseSpace<S>;
  dHdq(q: S, p: S, out?: S): S;
  dHdp(q: S, p: S, out?: S): S;
  readonly H?: (q: S, p: S) => number;
}

/** The problem kinds defined by core. */
export type CoreProblem<S> = OdeProblem<S> | SeparableHamiltonianProblem<S> | PartitionedProblem<S> | HamiltonianProblem<S>;

/**
 * The options every problem factory shares: `space` a state space (not null: leave it out for
 * Float64Array) and `name` a non-empty string.
 */
function checkCommon(prefix: string, o: { space?: unknown; name?: unknown }): void {
  if (o.space !== undefined) {
    const sp = o.space as Record<string, unknown> | null;
    if (sp === null || typeof sp !== 'object') invalid(`${prefix}.space`, 'a state space (e.g. float64Space; leave it out for Float64Array)', o.space);
    for (const m of ['clone', 'copy', 'size', 'isFinite', 'toFloat64']) {
      if (typeof sp[m] !== 'function') invalid(`${prefix}.space.${m}`, 'a function (space must be a VectorSpace)', sp[m]);
    }
  }
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name === '')) invalid(`${prefix}.name`, 'a non-empty string', o.name);
}

/**
 * Build an ODE problem y' = f(t, y) over Float64Array (or the given space).
 *
 * @example
 * ```ts
 * const decay = odeProblem((t, y, out = new Float64Array(1)) => { out[0] = -y[0]!; return out; });
 * ```
 */
export function odeProblem<S = Float64Array>(
  f: (t: number, y: S, out?: S) => S,
  options: { space?: VectorSpace<S>; name?: string; energy?: (y: S) => number } = {},
): OdeProblem<S> {
  checkFunction('f', f);
  const o = checkOptions('options', options, ['space', 'name', 'energy']);
  checkCommon('options', o);
  if (o.energy !== undefined) checkFunction('options.energy', o.energy);
  return {
    kind: 'ode',
    f,
    space: o.space ?? (float64Space as unknown as VectorSpace<S>),
    ...(o.name !== undefined && { name: o.name }),
    ...(o.energy !== undefined && { energy: o.energy }),
  };
}

/**
 * Build a separable Hamiltonian problem H = T(p) + V(q) from the two gradients.
 *
 * @example
 * ```ts
 * // harmonic oscillator H = p²/2 + q²/2
 * const ho = separableHamiltonian({
 *   dTdp: (p, out = new Float64Array(p.length)) => (out.set(p), out),
 *   dVdq: (q, out = new Float64Array(q.length)) => (out.set(q), out),
 *   T: (p) => 0.5 * p[0]! ** 2, V: (q) => 0.5 * q[0]! ** 2,
 * });
 * ```
 */
export function separableHamiltonian<S = Float64Array>(spec: {
  dTdp: (p: S, out?: S) => S;
  dVdq: (q: S, out?: S) => S;
  T?: (p: S) => number;
  V?: (q: S) => number;
  space?: VectorSpace<S>;
  name?: string;
}): SeparableHamiltonianProblem<S> {
  const s = checkOptions('spec', spec, ['dTdp', 'dVdq', 'T', 'V', 'space', 'name']);
  checkFunction('spec.dTdp', s.dTdp);
  checkFunction('spec.dVdq', s.dVdq);
  if (s.T !== undefined) checkFunction('spec.T', s.T);
  if (s.V !== undefined) checkFunction('spec.V', s.V);
  checkCommon('spec', s);
  const component = s.space ?? (float64Space as unknown as VectorSpace<S>);
  const { T, V } = s;
  return {
    kind: 'separable-hamiltonian',
    space: phaseSpace(component),
    dTdp: s.dTdp,
    dVdq: s.dVdq,
    ...(T && { T }),
    ...(V && { V }),
    ...(T && V && { energy: (y: PhaseState<S>) => T(y.p) + V(y.q) }),
    ...(s.name !== undefined && { name: s.name }),
  };
}

/**
 * Build a partitioned problem q' = velocity(t, q, p), p' = force(t, q, p).
 *
 * @example
 * ```ts
 * // second-order ODE q'' = −q written as (q, v)
 * const osc = partitionedProblem({
 *   velocity: (t, q, p, out = new Float64Array(1)) => (out.set(p), out),
 *   force: (t, q, p, out = new Float64Array(1)) => ((out[0] = -q[0]!), out),
 *   separable: true,
 * });
 * ```
 */
export function partitionedProblem<S = Float64Array>(spec: {
  velocity: (t: number, q: S, p: S, out?: S) => S;
  force: (t: number, q: S, p: S, out?: S) => S;
  separable?: boolean;
  energy?: (y: PhaseState<S>) => number;
  space?: VectorSpace<S>;
  name?: string;
}): PartitionedProblem<S> {
  const s = checkOptions('spec', spec, ['velocity', 'force', 'separable', 'energy', 'space', 'name']);
  checkFunction('spec.velocity', s.velocity);
  checkFunction('spec.force', s.force);
  if (s.separable !== undefined && typeof s.separable !== 'boolean') invalid('spec.separable', 'a boolean', s.separable);
  if (s.energy !== undefined) checkFunction('spec.energy', s.energy);
  checkCommon('spec', s);
  return {
    kind: 'partitioned',
    space: phaseSpace(s.space ?? (float64Space as unknown as VectorSpace<S>)),
    velocity: s.velocity,
    force: s.force,
    separable: s.separable ?? false,
    ...(s.energy !== undefined && { energy: s.energy }),
    ...(s.name !== undefined && { name: s.name }),
  };
}

/**
 * Build a general Hamiltonian problem from ∂H/∂q and ∂H/∂p.
 *
 * @example
 * ```ts
 * const pendulum = hamiltonianProblem({
 *   dHdq: (q, p, out = new Float64Array(1)) => ((out[0] = Math.sin(q[0]!)), out),
 *   dHdp: (q, p, out = new Float64Array(1)) => ((out[0] = p[0]!), out),
 *   H: (q, p) => 0.5 * p[0]! ** 2 - Math.cos(q[0]!),
 * });
 * ```
 */
export function hamiltonianProblem<S = Float64Array>(spec: {
  dHdq: (q: S, p: S, out?: S) => S;
  dHdp: (q: S, p: S, out?: S) => S;
  H?: (q: S, p: S) => number;
  space?: VectorSpace<S>;
  name?: string;
}): HamiltonianProblem<S> {
  const s = checkOptions('spec', spec, ['dHdq', 'dHdp', 'H', 'space', 'name']);
  checkFunction('spec.dHdq', s.dHdq);
  checkFunction('spec.dHdp', s.dHdp);
  const H = s.H;
  if (H !== undefined) checkFunction('spec.H', H);
  checkCommon('spec', s);
  return {
    kind: 'hamiltonian',
    space: phaseSpace(s.space ?? (float64Space as unknown as VectorSpace<S>)),
    dHdq: s.dHdq,
    dHdp: s.dHdp,
    ...(H && { H, energy: (y: PhaseState<S>) => H(y.q, y.p) }),
    ...(s.name !== undefined && { name: s.name }),
  };
}

/** View a separable Hamiltonian as a partitioned problem (q' = ∂T/∂p, p' = −∂V/∂q). */
export function asPartitioned<S>(problem: SeparableHamiltonianProblem<S>): PartitionedProblem<S> {
  if (problem === null || typeof problem !== 'object' || problem.kind !== 'separable-hamiltonian') {
    invalid('problem', 'a separable Hamiltonian problem (see separableHamiltonian)', problem);
  }
  if (
    typeof problem.dTdp !== 'function' ||
    typeof problem.dVdq !== 'function' ||
    !problem.space ||
    typeof problem.space !== 'object' ||
    !problem.space.component
  ) {
    invalid('problem', 'a separable Hamiltonian problem { dTdp, dVdq, space: phaseSpace(…) }', problem);
  }
  const c = problem.space.component;
  return {
    kind: 'partitioned',
    space: problem.space,
    separable: true,
    velocity: (_t, _q, p, out) => problem.dTdp(p, out),
    force: (_t, q, _p, out) => c.scale(-1, problem.dVdq(q, out), out),
    ...(problem.energy && { energy: problem.energy }),
    ...(problem.name !== undefined && { name: problem.name }),
  };
}
