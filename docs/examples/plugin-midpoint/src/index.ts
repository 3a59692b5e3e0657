/**
 * The implicit midpoint rule, y₁ = y₀ + h f(t₀ + h/2, (y₀ + y₁)/2), as a phaseflow plugin.
 * Symplectic for any Hamiltonian vector field and symmetric; order 2. The implicit equation
 * is solved by fixed-point iteration until the update is below `tolerance` (relative), which
 * converges for h·L < 1 (L the Lipschitz constant of f).
 */
import { PhaseflowError, checkOptions, checkPositive, checkStep, checkInteger, type Integrator, type OdeProblem } from '@phaseflow/core';

export interface MidpointOptions {
  /** Relative tolerance of the fixed-point iteration (default 1e-14). */
  tolerance?: number;
  /** Iteration cap; more ends with CONVERGENCE_FAILURE (default 100). */
  maxIterations?: number;
}

/**
 * Create the implicit midpoint integrator for `ode` problems over Float64Array.
 *
 * @example
 * ```ts
 * import { integrate, odeProblem } from '@phaseflow/core';
 * const sol = integrate(createImplicitMidpoint(), problem, y0, { tEnd: 10, h: 0.1 });
 * ```
 */
export function createImplicitMidpoint(options: MidpointOptions = {}): Integrator<OdeProblem<Float64Array>, Float64Array> {
  const o = checkOptions('options', options, ['tolerance', 'maxIterations']);
  const tolerance = o.tolerance === undefined ? 1e-14 : checkPositive('options.tolerance', o.tolerance);
  const maxIterations = o.maxIterations === undefined ? 100 : checkInteger('options.maxIterations', o.maxIterations, { min: 1 });
  let mid = new Float64Array(0);
  let k = new Float64Array(0);
  return {
    name: 'implicit-midpoint (plugin example)',
    order: 2,
    problemKinds: ['ode'],
    properties: { explicit: false, symplectic: true, timeReversible: true, adaptive: false },
    reference: 'Hairer, Lubich & Wanner, Geometric Numerical Integration (2006), §I.1.2',
    step(problem, t, y, h, out) {
      checkStep(this, problem, h);
      const n = y.length;
      if (mid.length !== n) {
        mid = new Float64Array(n);
        k = new Float64Array(n);
      }
      problem.f(t, y, k); // explicit Euler predictor for the midpoint slope
      for (let it = 0; it < maxIterations; it++) {
        for (let i = 0; i < n; i++) mid[i] = y[i]! + 0.5 * h * k[i]!;
        const prev = k.slice();
        problem.f(t + h / 2, mid, k);
        let diff = 0;
        let size = 0;
        for (let i = 0; i < n; i++) {
          diff = Math.max(diff, Math.abs(k[i]! - prev[i]!));
          size = Math.max(size, Math.abs(k[i]!));
        }
        if (diff <= tolerance * Math.max(size, 1e-300)) {
          const o2 = out ?? new Float64Array(n);
          for (let i = 0; i < n; i++) o2[i] = y[i]! + h * k[i]!;
          return o2;
        }
      }
      throw new PhaseflowError('CONVERGENCE_FAILURE', `implicit midpoint: fixed point not reached in ${maxIterations} iterations at t = ${t}, h = ${h}`, {
        t,
        h,
      });
    },
  };
}
