/** Lorenz-63: the butterfly, the first chaotic flow found by computation. */
import { checkFinite, checkOptions, odeProblem, type OdeProblem } from '@phaseflow/core';
import { flatFromFlat, vectorOption } from './internal.js';
import type { ReferenceProblem } from './reference-problem.js';

type F = Float64Array;

/** Options of {@link lorenz63}. */
export interface Lorenz63Options {
  /** σ (default 10). */
  readonly sigma?: number;
  /** ρ (default 28). */
  readonly rho?: number;
  /** β (default 8/3). */
  readonly beta?: number;
  /** Initial state (default (1, 1, 1)). */
  readonly y0?: ArrayLike<number>;
}

/** Lorenz-63 as a {@link ReferenceProblem}. */
export type Lorenz63Problem = ReferenceProblem<F, OdeProblem<F>, { readonly sigma: number; readonly rho: number; readonly beta: number }>;

/**
 * Lorenz-63: x' = σ(y − x), y' = x(ρ − z) − y, z' = xy − βz, with the classical chaotic
 * parameters σ = 10, ρ = 28, β = 8/3 by default (largest Lyapunov exponent ≈ 0.906), started at
 * (1, 1, 1) unless `y0` is given. `tEnd` = 20.
 *
 * Source: E. N. Lorenz, Deterministic nonperiodic flow, J. Atmos. Sci. 20 (1963) 130–141.
 *
 * @example
 * ```ts
 * import { createDopri5, solveIvp } from '@phaseflow/runge-kutta';
 * const l = lorenz63();
 * solveIvp(createDopri5(), l.problem, l.y0(), { tEnd: l.tEnd, rtol: 1e-8, atol: 1e-8 });
 * ```
 */
export function lorenz63(options: Lorenz63Options = {}): Lorenz63Problem {
  const o = checkOptions('options', options, ['sigma', 'rho', 'beta', 'y0']);
  const sigma = o.sigma === undefined ? 10 : checkFinite('options.sigma', o.sigma);
  const rho = o.rho === undefined ? 28 : checkFinite('options.rho', o.rho);
  const beta = o.beta === undefined ? 8 / 3 : checkFinite('options.beta', o.beta);
  const start = Float64Array.from(vectorOption('options.y0', o.y0, 3, [1, 1, 1]));
  const problem = odeProblem<F>(
    (_t, u, out = new Float64Array(3)) => {
      const x = u[0]!;
      const y = u[1]!;
      const z = u[2]!;
      out[0] = sigma * (y - x);
      out[1] = x * (rho - z) - y;
      out[2] = x * y - beta * z;
      return out;
    },
    { name: 'lorenz63' },
  );
  return {
    name: 'lorenz63',
    problem,
    y0: () => start.slice(),
    fromFlat: flatFromFlat(3),
    t0: 0,
    tEnd: 20,
    parameters: { sigma, rho, beta },
    hamiltonian: false,
    citation: 'E. N. Lorenz, Deterministic nonperiodic flow, J. Atmos. Sci. 20 (1963) 130–141',
  };
}
