/** The Hénon–Heiles system: two degrees of freedom, regular and chaotic motion side by side. */
import { checkOptions, separableHamiltonian, type PhaseState, type SeparableHamiltonianProblem } from '@phaseflow/core';
import { phaseFromFlat, phaseState, vectorOption } from './internal.js';
import type { ReferenceProblem } from './reference-problem.js';

type F = Float64Array;

/** Options of {@link henonHeiles}. */
export interface HenonHeilesOptions {
  /** Initial position (x, y) (default (0.1, 0)). */
  readonly q0?: ArrayLike<number>;
  /** Initial momentum (default (0, 0.5)). */
  readonly p0?: ArrayLike<number>;
}

/** The Hénon–Heiles system as a {@link ReferenceProblem}. */
export interface HenonHeilesProblem extends ReferenceProblem<PhaseState<F>, SeparableHamiltonianProblem<F>, Record<string, never>> {
  energy(y: PhaseState<F>): number;
}

/**
 * Hénon–Heiles H = (p₁² + p₂²)/2 + (q₁² + q₂²)/2 + q₁²q₂ − q₂³/3. Default start q = (0.1, 0),
 * p = (0, 0.5), energy 0.13 (below the escape energy 1/6: bounded, mixed regular/chaotic).
 *
 * Source: Hénon & Heiles, The applicability of the third integral of motion: some numerical
 * experiments, Astron. J. 69 (1964) 73–79; Hairer, Lubich & Wanner, GNI §I.3.
 *
 * @example
 * ```ts
 * import { integrate } from '@phaseflow/core';
 * import { createKahanLi8 } from '@phaseflow/symplectic';
 * const hh = henonHeiles();
 * integrate(createKahanLi8(), hh.problem, hh.y0(), { tEnd: 1000, h: 0.01 });
 * ```
 */
export function henonHeiles(options: HenonHeilesOptions = {}): HenonHeilesProblem {
  const o = checkOptions('options', options, ['q0', 'p0']);
  const q0 = vectorOption('options.q0', o.q0, 2, [0.1, 0]);
  const p0 = vectorOption('options.p0', o.p0, 2, [0, 0.5]);
  const T = (p: F) => 0.5 * (p[0]! * p[0]! + p[1]! * p[1]!);
  const V = (q: F) => 0.5 * (q[0]! * q[0]! + q[1]! * q[1]!) + q[0]! * q[0]! * q[1]! - (q[1]! * q[1]! * q[1]!) / 3;
  const problem = separableHamiltonian<F>({
    name: 'henon-heiles',
    dTdp: (p, out = new Float64Array(2)) => {
      out[0] = p[0]!;
      out[1] = p[1]!;
      return out;
    },
    dVdq: (q, out = new Float64Array(2)) => {
      const x = q[0]!;
      const y = q[1]!;
      out[0] = x + 2 * x * y;
      out[1] = y + x * x - y * y;
      return out;
    },
    T,
    V,
  });
  return {
    name: 'henon-heiles',
    problem,
    y0: () => ({ q: Float64Array.from(q0), p: Float64Array.from(p0) }),
    fromFlat: phaseFromFlat(2),
    t0: 0,
    tEnd: 2 * Math.PI,
    parameters: {},
    energy: (y) => (phaseState('y', y, 2), T(y.p) + V(y.q)),
    hamiltonian: true,
    reversingDims: [2, 3],
    citation: 'Hénon & Heiles, Astron. J. 69 (1964) 73–79; Hairer, Lubich & Wanner, Geometric Numerical Integration (2nd ed., Springer 2006), §I.3',
  };
}
