/** A non-autonomous scalar ODE with a closed-form solution, for order measurements. */
import { float64Space, odeProblem, type OdeProblem } from '@phaseflow/core';
import { checkTime, flatFromFlat } from './internal.js';
import type { ReferenceProblem } from './reference-problem.js';

type F = Float64Array;

/** y' = y cos t as a {@link ReferenceProblem}. */
export interface ExpSinProblem extends ReferenceProblem<F, OdeProblem<F>, Record<string, never>> {
  exact(t: number): F;
}

/**
 * The non-autonomous scalar ODE y' = y·cos t, y(0) = 1, exact solution y = exp(sin t) (by
 * separation of variables). It exercises the time argument of a method, which autonomous
 * problems leave untested. `tEnd` = 3.
 *
 * @example
 * ```ts
 * const ref = expSin();
 * ref.exact(ref.tEnd); // Float64Array [exp(sin 3)]
 * ```
 */
export function expSin(): ExpSinProblem {
  const problem = odeProblem<F>(
    (t, y, out = new Float64Array(1)) => {
      out[0] = y[0]! * Math.cos(t);
      return out;
    },
    { name: 'exp-sin', space: float64Space },
  );
  return {
    name: 'exp-sin',
    problem,
    y0: () => Float64Array.of(1),
    fromFlat: flatFromFlat(1),
    t0: 0,
    tEnd: 3,
    parameters: {},
    exact: (t) => Float64Array.of(Math.exp(Math.sin(checkTime(t)))),
    hamiltonian: false,
    citation: 'y = exp(sin t) by separation of variables (a standard non-autonomous test equation)',
  };
}
