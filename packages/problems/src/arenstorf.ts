/** The Arenstorf orbit: the standard test of adaptive step-size control. */
import { odeProblem, type OdeProblem } from '@phaseflow/core';
import { flatFromFlat, flatState } from './internal.js';
import type { ReferenceProblem } from './reference-problem.js';

type F = Float64Array;

/** The period of the Arenstorf orbit (Hairer, Nørsett & Wanner, Solving ODEs I, eq. (II.0.2)). */
export const ARENSTORF_PERIOD = 17.0652165601579625588917206249;

/** The Arenstorf orbit as a {@link ReferenceProblem}. */
export interface ArenstorfProblem extends ReferenceProblem<F, OdeProblem<F>, { readonly mu: number }> {
  /** J = ½(x'² + y'²) − ½(x² + y²) − μ'/r₁ − μ/r₂, the Jacobi integral of the rotating frame. */
  readonly invariants: { readonly jacobi: (z: F) => number };
  readonly period: number;
}

/**
 * The Arenstorf orbit: the restricted three-body problem (Earth, Moon, satellite) in the
 * rotating frame, with μ = 0.012277471 and the initial value of a closed orbit of period
 * {@link ARENSTORF_PERIOD}:
 *
 *   x'' = x + 2y' − μ'(x+μ)/D₁ − μ(x−μ')/D₂,  y'' = y − 2x' − μ'y/D₁ − μy/D₂,
 *   D₁ = ((x+μ)² + y²)^{3/2}, D₂ = ((x−μ')² + y²)^{3/2}, μ' = 1 − μ.
 *
 * State z = (x, y, x', y'), z(0) = (0.994, 0, 0, −2.00158510637908252240537862224); after one
 * period the orbit returns to z(0). It passes close to the Earth and the Moon, so a fixed step
 * fails where an adaptive one succeeds.
 *
 * Source: Arenstorf, Periodic solutions of the restricted three body problem representing
 * analytic continuations of Keplerian elliptic motions, Amer. J. Math. 85 (1963) 27–35;
 * Hairer, Nørsett & Wanner, Solving Ordinary Differential Equations I (2nd ed. 1993), §II.0.
 *
 * @example
 * ```ts
 * import { createDop853, solveIvp } from '@phaseflow/runge-kutta';
 * const ar = arenstorf();
 * solveIvp(createDop853(), ar.problem, ar.y0(), { tEnd: ar.period, rtol: 1e-10, atol: 1e-10 }).yFinal; // ≈ ar.y0()
 * ```
 */
export function arenstorf(): ArenstorfProblem {
  const mu = 0.012277471;
  const mup = 1 - mu;
  const problem = odeProblem<F>(
    (_t, z, out = new Float64Array(4)) => {
      const x = z[0]!;
      const y = z[1]!;
      const vx = z[2]!;
      const vy = z[3]!;
      const a = (x + mu) * (x + mu) + y * y;
      const b = (x - mup) * (x - mup) + y * y;
      const d1 = a * Math.sqrt(a);
      const d2 = b * Math.sqrt(b);
      out[0] = vx;
      out[1] = vy;
      out[2] = x + 2 * vy - (mup * (x + mu)) / d1 - (mu * (x - mup)) / d2;
      out[3] = y - 2 * vx - (mup * y) / d1 - (mu * y) / d2;
      return out;
    },
    { name: 'arenstorf' },
  );
  const jacobi = (z: F) => {
    flatState('z', z, 4);
    const x = z[0]!;
    const y = z[1]!;
    const r1 = Math.hypot(x + mu, y);
    const r2 = Math.hypot(x - mup, y);
    return 0.5 * (z[2]! * z[2]! + z[3]! * z[3]!) - 0.5 * (x * x + y * y) - mup / r1 - mu / r2;
  };
  return {
    name: 'arenstorf',
    problem,
    y0: () => Float64Array.of(0.994, 0, 0, -2.00158510637908252240537862224),
    fromFlat: flatFromFlat(4),
    t0: 0,
    tEnd: ARENSTORF_PERIOD,
    period: ARENSTORF_PERIOD,
    parameters: { mu },
    invariants: { jacobi },
    hamiltonian: false,
    reversingDims: [1, 2],
    citation: 'Arenstorf, Amer. J. Math. 85 (1963) 27–35; Hairer, Nørsett & Wanner, Solving Ordinary Differential Equations I (2nd ed., Springer 1993), §II.0',
  };
}
