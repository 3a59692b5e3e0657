/** The harmonic oscillator, the one linear Hamiltonian system every method is checked on. */
import { checkFinite, checkOptions, checkPositive, separableHamiltonian, type PhaseState, type SeparableHamiltonianProblem } from '@phaseflow/core';
import { checkTime, phaseFromFlat, phaseState } from './internal.js';
import type { ReferenceProblem } from './reference-problem.js';

type F = Float64Array;

/** Options of {@link harmonicOscillator}. */
export interface HarmonicOscillatorOptions {
  /** Angular frequency ω > 0 (default 1). */
  readonly omega?: number;
  /** Initial position (default 1). */
  readonly q0?: number;
  /** Initial momentum (default 0). */
  readonly p0?: number;
}

/** The harmonic oscillator as a {@link ReferenceProblem}. */
export interface HarmonicOscillatorProblem extends ReferenceProblem<PhaseState<F>, SeparableHamiltonianProblem<F>, { readonly omega: number }> {
  energy(y: PhaseState<F>): number;
  exact(t: number): F;
  readonly period: number;
}

/**
 * Harmonic oscillator H = p²/2 + ω²q²/2 in one degree of freedom (a unit mass on a spring of
 * stiffness ω²), exact solution q(t) = q₀ cos ωt + (p₀/ω) sin ωt, p(t) = −q₀ω sin ωt + p₀ cos ωt,
 * period 2π/ω.
 *
 * Source: Hairer, Lubich & Wanner, Geometric Numerical Integration (2nd ed. 2006), §I.1.
 *
 * @example
 * ```ts
 * import { integrate } from '@phaseflow/core';
 * import { createStormerVerlet } from '@phaseflow/symplectic';
 * const ho = harmonicOscillator({ omega: 2 });
 * integrate(createStormerVerlet(), ho.problem, ho.y0(), { tEnd: ho.tEnd, h: 0.01 });
 * ```
 */
export function harmonicOscillator(options: HarmonicOscillatorOptions = {}): HarmonicOscillatorProblem {
  const o = checkOptions('options', options, ['omega', 'q0', 'p0']);
  const w = o.omega === undefined ? 1 : checkPositive('options.omega', o.omega);
  const q0 = o.q0 === undefined ? 1 : checkFinite('options.q0', o.q0);
  const p0 = o.p0 === undefined ? 0 : checkFinite('options.p0', o.p0);
  const w2 = w * w;
  const T = (p: F) => 0.5 * p[0]! * p[0]!;
  const V = (q: F) => 0.5 * w2 * q[0]! * q[0]!;
  const problem = separableHamiltonian<F>({
    name: `harmonic-oscillator(omega=${w})`,
    dTdp: (p, out = new Float64Array(1)) => ((out[0] = p[0]!), out),
    dVdq: (q, out = new Float64Array(1)) => ((out[0] = w2 * q[0]!), out),
    T,
    V,
  });
  return {
    name: problem.name!,
    problem,
    y0: () => ({ q: Float64Array.of(q0), p: Float64Array.of(p0) }),
    fromFlat: phaseFromFlat(1),
    t0: 0,
    tEnd: (2 * Math.PI) / w,
    period: (2 * Math.PI) / w,
    parameters: { omega: w },
    energy: (y) => (phaseState('y', y, 1), T(y.p) + V(y.q)),
    exact: (t) => {
      checkTime(t);
      const c = Math.cos(w * t);
      const s = Math.sin(w * t);
      return Float64Array.of(q0 * c + (p0 / w) * s, -q0 * w * s + p0 * c);
    },
    hamiltonian: true,
    reversingDims: [1],
    citation: 'Hairer, Lubich & Wanner, Geometric Numerical Integration (2nd ed., Springer 2006), §I.1',
  };
}
