/**
 * Which reference problems the conformance suite runs an integrator on, by problem kind. The
 * problems themselves are @phaseflow/problems'; this file only chooses among them.
 */
import { invalid } from '@phaseflow/core';
import { expSin, kepler, type ReferenceProblem } from '@phaseflow/problems';

/**
 * Kepler e = 0.5 over t = 2, a third of a period: the order-measurement defaults (the
 * rounding floor, the step counts) and the per-method floors in the families' tests are
 * calibrated on this span.
 */
const KEPLER_SPAN = 2;

const over = <R extends { readonly tEnd: number }>(ref: R, tEnd: number): R => ({ ...ref, tEnd });

/**
 * The default reference problems for a problem kind: Kepler (e = 0.5, over t = 2) in that
 * kind, and for `ode` also the non-autonomous y' = y cos t; none for kinds core does not define.
 *
 * @example
 * ```ts
 * referenceProblems('separable-hamiltonian').map((r) => r.name); // ['kepler(e=0.5)']
 * ```
 */
export function referenceProblems(kind: string): ReferenceProblem[] {
  if (typeof kind !== 'string' || kind === '') invalid('kind', 'a problem kind (e.g. "ode", "separable-hamiltonian")', kind);
  switch (kind) {
    case 'ode':
      return [expSin(), over(kepler({ kind: 'ode' }), KEPLER_SPAN)] as ReferenceProblem[];
    case 'separable-hamiltonian':
    case 'partitioned':
    case 'hamiltonian':
      return [over(kepler({ kind }), KEPLER_SPAN)] as ReferenceProblem[];
    default:
      return [];
  }
}
