/** The mathematical pendulum, the simplest nonlinear Hamiltonian system. */
import { checkFinite, checkOptions, separableHamiltonian, type PhaseState, type SeparableHamiltonianProblem } from '@phaseflow/core';
import { phaseFromFlat, phaseState } from './internal.js';
import type { ReferenceProblem } from './reference-problem.js';

type F = Float64Array;

/** Options of {@link pendulum}. */
export interface PendulumOptions {
  /** Initial angle from the downward vertical (default 1 rad). */
  readonly q0?: number;
  /** Initial momentum (default 0). */
  readonly p0?: number;
}

/** The pendulum as a {@link ReferenceProblem}. */
export interface PendulumProblem extends ReferenceProblem<PhaseState<F>, SeparableHamiltonianProblem<F>, Record<string, never>> {
  energy(y: PhaseState<F>): number;
}

/** Complete elliptic integral of the first kind K(k) = π / (2·AGM(1, √(1 − k²))). */
function ellipticK(k: number): number {
  let a = 1;
  let b = Math.sqrt(1 - k * k);
  for (let i = 0; i < 64 && Math.abs(a - b) > 1e-15 * a; i++) [a, b] = [(a + b) / 2, Math.sqrt(a * b)];
  return Math.PI / (a + b);
}

/**
 * Mathematical pendulum H = p²/2 − cos q (unit length, mass and gravity). Default start q = 1,
 * p = 0, a libration of amplitude 1 rad. For a libration (H < 1) of amplitude θ = arccos(−H)
 * the period is 4K(sin(θ/2)) (K the complete elliptic integral of the first kind), 2π for small
 * swings; `period` is set for librations only.
 *
 * Source: Hairer, Lubich & Wanner, Geometric Numerical Integration (2nd ed. 2006), §I.1.
 *
 * @example
 * ```ts
 * const pend = pendulum({ q0: 2.5 });
 * pend.period; // 4K(sin 1.25) ≈ 10.63
 * ```
 */
export function pendulum(options: PendulumOptions = {}): PendulumProblem {
  const o = checkOptions('options', options, ['q0', 'p0']);
  const q0 = o.q0 === undefined ? 1 : checkFinite('options.q0', o.q0);
  const p0 = o.p0 === undefined ? 0 : checkFinite('options.p0', o.p0);
  const T = (p: F) => 0.5 * p[0]! * p[0]!;
  const V = (q: F) => -Math.cos(q[0]!);
  const problem = separableHamiltonian<F>({
    name: 'pendulum',
    dTdp: (p, out = new Float64Array(1)) => ((out[0] = p[0]!), out),
    dVdq: (q, out = new Float64Array(1)) => ((out[0] = Math.sin(q[0]!)), out),
    T,
    V,
  });
  const H0 = 0.5 * p0 * p0 - Math.cos(q0);
  return {
    name: 'pendulum',
    problem,
    y0: () => ({ q: Float64Array.of(q0), p: Float64Array.of(p0) }),
    fromFlat: phaseFromFlat(1),
    t0: 0,
    tEnd: 2 * Math.PI,
    ...(H0 < 1 && { period: 4 * ellipticK(Math.sin(Math.acos(-H0) / 2)) }),
    parameters: {},
    energy: (y) => (phaseState('y', y, 1), T(y.p) + V(y.q)),
    hamiltonian: true,
    reversingDims: [1],
    citation: 'Hairer, Lubich & Wanner, Geometric Numerical Integration (2nd ed., Springer 2006), §I.1',
  };
}
