/**
 * The Kepler problem in all four core problem kinds, with one exact solution through Kepler's
 * equation.
 */
import {
  checkFinite,
  checkInRange,
  checkOneOf,
  checkOptions,
  hamiltonianProblem,
  odeProblem,
  partitionedProblem,
  separableHamiltonian,
  type HamiltonianProblem,
  type OdeProblem,
  type PartitionedProblem,
  type PhaseState,
  type Problem,
  type SeparableHamiltonianProblem,
} from '@phaseflow/core';
import { checkTime, flatFromFlat, flatState, phaseFromFlat, phaseOf, phaseState } from './internal.js';
import type { ReferenceProblem } from './reference-problem.js';

type F = Float64Array;

/**
 * Solve Kepler's equation E − e sin E = M for the eccentric anomaly E by Newton's method, to
 * rounding. The start E₀ = M (e < 0.8) or M + sign(sin M)·e converges for every M and
 * 0 ≤ e < 1 (Danby 1987).
 *
 * @example
 * ```ts
 * eccentricAnomaly(1, 0.5); // 1.4987011335178482
 * ```
 */
export function eccentricAnomaly(M: number, e: number): number {
  checkFinite('M', M);
  checkInRange('e', e, 0, 1 - Number.EPSILON);
  let E = e < 0.8 ? M : M + Math.sign(Math.sin(M)) * e;
  for (let i = 0; i < 60; i++) {
    const dE = (E - e * Math.sin(E) - M) / (1 - e * Math.cos(E));
    E -= dE;
    if (Math.abs(dE) <= 4e-16 * Math.max(1, Math.abs(E))) break;
  }
  return E;
}

/** The four core problem kinds Kepler comes in. */
export type KeplerKind = 'separable-hamiltonian' | 'partitioned' | 'hamiltonian' | 'ode';

/** Options of {@link kepler}. */
export interface KeplerOptions<K extends KeplerKind = 'separable-hamiltonian'> {
  /** Eccentricity, 0 ≤ e ≤ 0.99 (default 0.5). */
  readonly e?: number;
  /** Which core problem kind to build (default `'separable-hamiltonian'`). */
  readonly kind?: K;
}

/** The Kepler problem as a {@link ReferenceProblem} of state Y and core problem P: energy, angular momentum, exact orbit. */
export interface KeplerReference<Y, P extends Problem<Y>> extends ReferenceProblem<Y, P, { readonly e: number }> {
  energy(y: Y): number;
  /** L = q₁p₂ − q₂p₁, conserved by the flow (and to rounding by Störmer–Verlet). */
  readonly invariants: { readonly angularMomentum: (y: Y) => number };
  exact(t: number): F;
  readonly period: number;
}

/** What {@link kepler} returns for each kind: the state is (q, p), or z = (q₁, q₂, p₁, p₂) for `ode`. */
export interface KeplerProblems {
  'separable-hamiltonian': KeplerReference<PhaseState<F>, SeparableHamiltonianProblem<F>>;
  partitioned: KeplerReference<PhaseState<F>, PartitionedProblem<F>>;
  hamiltonian: KeplerReference<PhaseState<F>, HamiltonianProblem<F>>;
  ode: KeplerReference<F, OdeProblem<F>>;
}

/** The Kepler reference problem of kind K. */
export type KeplerProblem<K extends KeplerKind = 'separable-hamiltonian'> = KeplerProblems[K];

const KINDS = ['separable-hamiltonian', 'partitioned', 'hamiltonian', 'ode'] as const;
const NAME_PREFIX: Record<KeplerKind, string> = {
  'separable-hamiltonian': 'kepler',
  partitioned: 'kepler-partitioned',
  hamiltonian: 'kepler-hamiltonian',
  ode: 'kepler-ode',
};

/** ∇V = q/|q|³ into `out`. */
function gradV(q: F, out: F): F {
  const x = q[0]!;
  const y = q[1]!;
  const r2 = x * x + y * y;
  const r3 = r2 * Math.sqrt(r2);
  out[0] = x / r3;
  out[1] = y / r3;
  return out;
}

const copyInto = (x: F, out: F = new Float64Array(x.length)): F => (out === x ? out : (out.set(x), out));
const H = (q: F, p: F): number => 0.5 * (p[0]! * p[0]! + p[1]! * p[1]!) - 1 / Math.hypot(q[0]!, q[1]!);
const L = (q: F, p: F): number => q[0]! * p[1]! - q[1]! * p[0]!;

/**
 * The Kepler problem H = |p|²/2 − 1/|q| with eccentricity e, semi-major axis 1 and period 2π,
 * starting at perihelion q = (1 − e, 0), p = (0, √((1+e)/(1−e))). Exact solution through
 * Kepler's equation E − e sin E = t: q = (cos E − e, √(1−e²) sin E),
 * p = (−sin E, √(1−e²) cos E)/(1 − e cos E).
 *
 * `kind` picks the core problem: a separable Hamiltonian (splitting methods), a partitioned
 * system q' = p, p' = −q/|q|³, a general Hamiltonian (implicit symplectic methods), or the
 * first-order ODE z' = (p, −q/|q|³) in z = (q₁, q₂, p₁, p₂). All four share the one exact
 * solution and the same arithmetic for the force.
 *
 * Source: Hairer, Lubich & Wanner, Geometric Numerical Integration (2nd ed. 2006), §I.2.3.
 *
 * @example
 * ```ts
 * import { integrate } from '@phaseflow/core';
 * import { createStormerVerlet } from '@phaseflow/symplectic';
 * const k = kepler({ e: 0.5 });
 * const sol = integrate(createStormerVerlet(), k.problem, k.y0(), { tEnd: 100 * k.tEnd, h: 0.01 });
 * k.invariants.angularMomentum(sol.yFinal) - k.invariants.angularMomentum(k.y0()); // ~1e-15
 * const ode = kepler({ e: 0.5, kind: 'ode' }); // for Runge–Kutta methods
 * ```
 */
export function kepler<K extends KeplerKind = 'separable-hamiltonian'>(options: KeplerOptions<K> = {}): KeplerProblem<K> {
  const o = checkOptions('options', options, ['e', 'kind']);
  const e = o.e === undefined ? 0.5 : checkInRange('options.e', o.e, 0, 0.99);
  const kind: KeplerKind = o.kind === undefined ? 'separable-hamiltonian' : checkOneOf('options.kind', o.kind, KINDS);
  const name = `${NAME_PREFIX[kind]}(e=${e})`;
  const b = Math.sqrt(1 - e * e);
  const exact = (t: number): F => {
    const E = eccentricAnomaly(checkTime(t), e);
    const c = Math.cos(E);
    const s = Math.sin(E);
    const d = 1 - e * c;
    return Float64Array.of(c - e, b * s, -s / d, (b * c) / d);
  };
  const common = {
    name,
    t0: 0,
    tEnd: 2 * Math.PI,
    period: 2 * Math.PI,
    parameters: { e },
    exact,
    hamiltonian: true,
    reversingDims: [2, 3],
    citation: 'Hairer, Lubich & Wanner, Geometric Numerical Integration (2nd ed., Springer 2006), §I.2.3',
  } as const;
  if (kind === 'ode') {
    const energy = (z: F) => (flatState('z', z, 4), H(z.subarray(0, 2), z.subarray(2, 4)));
    const problem = odeProblem<F>(
      (_t, z, out = new Float64Array(4)) => {
        const r2 = z[0]! * z[0]! + z[1]! * z[1]!;
        const r3 = r2 * Math.sqrt(r2);
        const q0 = z[0]!;
        const q1 = z[1]!;
        out[0] = z[2]!;
        out[1] = z[3]!;
        out[2] = -q0 / r3;
        out[3] = -q1 / r3;
        return out;
      },
      { name, energy },
    );
    const ref: KeplerProblem<'ode'> = {
      ...common,
      problem,
      y0: () => exact(0),
      fromFlat: flatFromFlat(4),
      energy,
      invariants: { angularMomentum: (z: F) => (flatState('z', z, 4), z[0]! * z[3]! - z[1]! * z[2]!) },
    };
    return ref as unknown as KeplerProblem<K>;
  }
  const energy = (y: PhaseState<F>) => (phaseState('y', y, 2), H(y.q, y.p));
  let problem: SeparableHamiltonianProblem<F> | PartitionedProblem<F> | HamiltonianProblem<F>;
  if (kind === 'separable-hamiltonian') {
    problem = separableHamiltonian<F>({
      name,
      dTdp: (p, out = new Float64Array(2)) => {
        out[0] = p[0]!;
        out[1] = p[1]!;
        return out;
      },
      dVdq: (q, out = new Float64Array(2)) => gradV(q, out),
      T: (p) => 0.5 * (p[0]! * p[0]! + p[1]! * p[1]!),
      V: (q) => -1 / Math.hypot(q[0]!, q[1]!),
    });
  } else if (kind === 'partitioned') {
    problem = partitionedProblem<F>({
      name,
      separable: true,
      velocity: (_t, _q, p, out) => copyInto(p, out),
      force: (_t, q, _p, out = new Float64Array(2)) => {
        gradV(q, out);
        out[0] = -out[0]!;
        out[1] = -out[1]!;
        return out;
      },
      energy,
    });
  } else {
    problem = hamiltonianProblem<F>({
      name,
      dHdq: (q, _p, out = new Float64Array(2)) => gradV(q, out),
      dHdp: (_q, p, out) => copyInto(p, out),
      H,
    });
  }
  const ref: KeplerProblem<'separable-hamiltonian'> = {
    ...common,
    problem: problem as SeparableHamiltonianProblem<F>,
    y0: () => phaseOf(exact(0)),
    fromFlat: phaseFromFlat(2),
    energy,
    invariants: { angularMomentum: (y: PhaseState<F>) => (phaseState('y', y, 2), L(y.q, y.p)) },
  };
  return ref as unknown as KeplerProblem<K>;
}
