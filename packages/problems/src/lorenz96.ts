/** Lorenz-96: a ring of sites, the toy atmosphere of data assimilation. */
import { checkAllocation, checkFinite, checkInteger, checkOptions, odeProblem, type OdeProblem } from '@phaseflow/core';
import { flatFromFlat, vectorOption } from './internal.js';
import type { ReferenceProblem } from './reference-problem.js';

type F = Float64Array;

/** Options of {@link lorenz96}. */
export interface Lorenz96Options {
  /** Number of sites (default 40, at least 4). */
  readonly dim?: number;
  /** Forcing F (default 8). */
  readonly forcing?: number;
  /** Initial state (default x_i = F with x₁ = F + 0.01, Lorenz's perturbed equilibrium). */
  readonly y0?: ArrayLike<number>;
}

/** Lorenz-96 as a {@link ReferenceProblem}. */
export type Lorenz96Problem = ReferenceProblem<F, OdeProblem<F>, { readonly dim: number; readonly forcing: number }>;

/**
 * The Lorenz-96 system on a ring of `dim` sites (indices mod dim):
 * x_i' = (x_{i+1} − x_{i−2}) x_{i−1} − x_i + F. Chaotic for F = 8 and dim ≳ 4; x_i = F is an
 * equilibrium; with F = 0 the energy ½Σx² decays as e^{−2t} (the advection term conserves it).
 * `tEnd` = 10.
 *
 * Source: E. N. Lorenz, Predictability: a problem partly solved, Proc. ECMWF Seminar on
 * Predictability (1996), vol. 1, 1–18.
 *
 * @example
 * ```ts
 * const l96 = lorenz96({ dim: 40, forcing: 8 });
 * l96.problem.f(0, l96.y0()); // dx/dt at the perturbed equilibrium
 * ```
 */
export function lorenz96(options: Lorenz96Options = {}): Lorenz96Problem {
  const o = checkOptions('options', options, ['dim', 'forcing', 'y0']);
  const dim = o.dim === undefined ? 40 : checkAllocation('options.dim', checkInteger('options.dim', o.dim, { min: 4 }), 8);
  const F = o.forcing === undefined ? 8 : checkFinite('options.forcing', o.forcing);
  let start: F;
  if (o.y0 === undefined) {
    start = new Float64Array(dim).fill(F);
    start[0] = F + 0.01;
  } else start = Float64Array.from(vectorOption('options.y0', o.y0, dim, []));
  const problem = odeProblem<F>(
    (_t, x, out = new Float64Array(dim)) => {
      for (let i = 0; i < dim; i++) {
        const xp1 = x[(i + 1) % dim]!;
        const xm1 = x[(i - 1 + dim) % dim]!;
        const xm2 = x[(i - 2 + dim) % dim]!;
        out[i] = (xp1 - xm2) * xm1 - x[i]! + F;
      }
      return out;
    },
    { name: 'lorenz96' },
  );
  return {
    name: 'lorenz96',
    problem,
    y0: () => start.slice(),
    fromFlat: flatFromFlat(dim),
    t0: 0,
    tEnd: 10,
    parameters: { dim, forcing: F },
    hamiltonian: false,
    citation: 'E. N. Lorenz, Predictability: a problem partly solved, Proc. ECMWF Seminar on Predictability (1996), vol. 1, 1–18',
  };
}
