/**
 * Reference problems with closed-form solutions, in every core problem kind, for measuring
 * convergence order and checking structural claims.
 */
import {
  float64Space,
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

type F = Float64Array;

/** A problem with its initial value and exact solution. */
export interface ReferenceProblem<Y = unknown, P extends Problem<Y> = Problem<Y>> {
  readonly name: string;
  readonly problem: P;
  readonly y0: () => Y;
  /** Build a state from its flattened numbers (inverse of `problem.space.toFloat64`). */
  fromFlat(v: Float64Array): Y;
  /** Default time span for order measurement. */
  readonly tEnd: number;
  /** Exact solution at time t, flattened as `problem.space.toFloat64` would. */
  exact(t: number): Float64Array;
  /** True when the problem is Hamiltonian in (q, p) coordinates (symplecticity can be checked). */
  readonly hamiltonian: boolean;
  /** Momentum flip ρ(q, p) = (q, −p) for reversible problems, on the flattened state. */
  readonly reversingDims?: readonly number[];
}

/** Solve Kepler's equation E − e·sin E = M by Newton's method to machine precision. */
export function eccentricAnomaly(M: number, e: number): number {
  let E = e < 0.8 ? M : Math.PI;
  for (let i = 0; i < 50; i++) {
    const dE = (E - e * Math.sin(E) - M) / (1 - e * Math.cos(E));
    E -= dE;
    if (Math.abs(dE) < 1e-16 * Math.max(1, Math.abs(E))) break;
  }
  return E;
}

/**
 * Exact Kepler orbit with eccentricity e, semi-major axis 1, period 2π, starting at
 * perihelion q = (1 − e, 0), p = (0, √((1 + e)/(1 − e))). Returns [q1, q2, p1, p2].
 */
export function keplerExact(t: number, e: number): Float64Array {
  const E = eccentricAnomaly(t, e);
  const c = Math.cos(E);
  const s = Math.sin(E);
  const b = Math.sqrt(1 - e * e);
  const d = 1 - e * c;
  return Float64Array.of(c - e, b * s, -s / d, (b * c) / d);
}

function keplerForceInto(q: F, out: F): F {
  const r2 = q[0]! * q[0]! + q[1]! * q[1]!;
  const r3 = r2 * Math.sqrt(r2);
  out[0] = q[0]! / r3;
  out[1] = q[1]! / r3;
  return out;
}

const copyInto = (x: F, out: F = new Float64Array(x.length)) => (out === x ? out : (out.set(x), out));
const phase = (v: F): PhaseState<F> => ({ q: v.slice(0, v.length / 2), p: v.slice(v.length / 2) });

/** Kepler problem H = |p|²/2 − 1/|q| as a separable Hamiltonian. */
export function keplerSeparable(e = 0.5): ReferenceProblem<PhaseState<F>, SeparableHamiltonianProblem<F>> {
  const problem = separableHamiltonian<F>({
    name: `kepler(e=${e})`,
    dTdp: (p, out) => copyInto(p, out),
    dVdq: (q, out = new Float64Array(2)) => keplerForceInto(q, out),
    T: (p) => 0.5 * (p[0]! ** 2 + p[1]! ** 2),
    V: (q) => -1 / Math.hypot(q[0]!, q[1]!),
  });
  return { name: problem.name!, problem, y0: () => phase(keplerExact(0, e)), fromFlat: phase, tEnd: 2, exact: (t) => keplerExact(t, e), hamiltonian: true, reversingDims: [2, 3] };
}

/** Kepler problem as a partitioned (dynamical) system q' = p, p' = −q/|q|³. */
export function keplerPartitioned(e = 0.5): ReferenceProblem<PhaseState<F>, PartitionedProblem<F>> {
  const problem = partitionedProblem<F>({
    name: `kepler-partitioned(e=${e})`,
    separable: true,
    velocity: (_t, _q, p, out) => copyInto(p, out),
    force: (_t, q, _p, out = new Float64Array(2)) => {
      keplerForceInto(q, out);
      out[0] = -out[0]!;
      out[1] = -out[1]!;
      return out;
    },
    energy: (y) => 0.5 * (y.p[0]! ** 2 + y.p[1]! ** 2) - 1 / Math.hypot(y.q[0]!, y.q[1]!),
  });
  return { name: problem.name!, problem, y0: () => phase(keplerExact(0, e)), fromFlat: phase, tEnd: 2, exact: (t) => keplerExact(t, e), hamiltonian: true, reversingDims: [2, 3] };
}

/** Kepler problem as a general Hamiltonian (for implicit symplectic methods). */
export function keplerHamiltonian(e = 0.5): ReferenceProblem<PhaseState<F>, HamiltonianProblem<F>> {
  const problem = hamiltonianProblem<F>({
    name: `kepler-hamiltonian(e=${e})`,
    dHdq: (q, _p, out = new Float64Array(2)) => keplerForceInto(q, out),
    dHdp: (_q, p, out) => copyInto(p, out),
    H: (q, p) => 0.5 * (p[0]! ** 2 + p[1]! ** 2) - 1 / Math.hypot(q[0]!, q[1]!),
  });
  return { name: problem.name!, problem, y0: () => phase(keplerExact(0, e)), fromFlat: phase, tEnd: 2, exact: (t) => keplerExact(t, e), hamiltonian: true, reversingDims: [2, 3] };
}

/** Kepler problem as a first-order ODE in z = (q1, q2, p1, p2). */
export function keplerOde(e = 0.5): ReferenceProblem<F, OdeProblem<F>> {
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
    { name: `kepler-ode(e=${e})`, energy: (z) => 0.5 * (z[2]! ** 2 + z[3]! ** 2) - 1 / Math.hypot(z[0]!, z[1]!) },
  );
  return { name: problem.name!, problem, y0: () => keplerExact(0, e), fromFlat: (v) => v.slice(), tEnd: 2, exact: (t) => keplerExact(t, e), hamiltonian: true, reversingDims: [2, 3] };
}

/** Non-autonomous scalar ODE y' = y·cos t, y(0) = 1, exact y = exp(sin t). */
export function expSin(): ReferenceProblem<F, OdeProblem<F>> {
  const problem = odeProblem<F>(
    (t, y, out = new Float64Array(1)) => {
      out[0] = y[0]! * Math.cos(t);
      return out;
    },
    { name: 'exp-sin', space: float64Space },
  );
  return { name: 'exp-sin', problem, y0: () => Float64Array.of(1), fromFlat: (v) => v.slice(), tEnd: 3, exact: (t) => Float64Array.of(Math.exp(Math.sin(t))), hamiltonian: false };
}

/** The default reference problems for a problem kind. */
export function referenceProblems(kind: string): ReferenceProblem[] {
  switch (kind) {
    case 'ode':
      return [expSin(), keplerOde()] as ReferenceProblem[];
    case 'separable-hamiltonian':
      return [keplerSeparable()] as ReferenceProblem[];
    case 'partitioned':
      return [keplerPartitioned()] as ReferenceProblem[];
    case 'hamiltonian':
      return [keplerHamiltonian()] as ReferenceProblem[];
    default:
      return [];
  }
}
