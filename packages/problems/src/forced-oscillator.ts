/** The forced harmonic oscillator: a time-dependent force with a closed-form solution. */
import {
  checkFinite,
  checkOneOf,
  checkOptions,
  checkPositive,
  invalid,
  odeProblem,
  partitionedProblem,
  float64Space,
  type OdeProblem,
  type PartitionedProblem,
  type PhaseState,
} from '@phaseflow/core';
import { checkTime, flatFromFlat, phaseFromFlat } from './internal.js';
import type { ReferenceProblem } from './reference-problem.js';

type F = Float64Array;

/** Options of {@link forcedOscillator}. */
export interface ForcedOscillatorOptions {
  /** Natural angular frequency ω > 0 (default 1). */
  readonly omega?: number;
  /** Drive angular frequency ν > 0, ν ≠ ω (default 2). */
  readonly drive?: number;
  /** Drive amplitude A (default 1). */
  readonly amplitude?: number;
  /** `partitioned` (default; separable, for splitting methods) or `ode` (y = [q, p]). */
  readonly kind?: 'partitioned' | 'ode';
}

/** The forced oscillator as a {@link ReferenceProblem} (partitioned or ode form). */
export type ForcedOscillatorProblem =
  | (ReferenceProblem<PhaseState<F>, PartitionedProblem<F>, { readonly omega: number; readonly drive: number; readonly amplitude: number }> & {
      exact(t: number): F;
    })
  | (ReferenceProblem<F, OdeProblem<F>, { readonly omega: number; readonly drive: number; readonly amplitude: number }> & { exact(t: number): F });

/**
 * The forced harmonic oscillator q' = p, p' = −ω²q + A cos νt, q(0) = 1, p(0) = 0, with exact
 * solution q(t) = (1 − a) cos ωt + a cos νt, a = A/(ω² − ν²). The force depends on t, so a
 * method that evaluates it at the wrong stage time (the step start, say) loses its order —
 * which the autonomous problems cannot show. Separable: velocity depends on p only, force on
 * q and t. `tEnd` = 2.
 *
 * Source: any mechanics text (e.g. Landau & Lifshitz, Mechanics, §26); the testkit uses it to
 * check stage times.
 *
 * @example
 * ```ts
 * const f = forcedOscillator();
 * integrate(createStormerVerlet(), f.problem, f.y0(), { tEnd: f.tEnd, h: 0.01 });
 * ```
 */
export function forcedOscillator(options: ForcedOscillatorOptions = {}): ForcedOscillatorProblem {
  const o = checkOptions('options', options, ['omega', 'drive', 'amplitude', 'kind']);
  const w = o.omega === undefined ? 1 : checkPositive('options.omega', o.omega);
  const nu = o.drive === undefined ? 2 : checkPositive('options.drive', o.drive);
  if (nu === w) invalid('options.drive', `a drive frequency other than omega = ${w} (resonance has no bounded solution)`, nu);
  const A = o.amplitude === undefined ? 1 : checkFinite('options.amplitude', o.amplitude);
  const kind = o.kind === undefined ? 'partitioned' : checkOneOf('options.kind', o.kind, ['partitioned', 'ode'] as const);
  const w2 = w * w;
  const a = A / (w2 - nu * nu);
  const name = `forced-oscillator(omega=${w},drive=${nu})${kind === 'ode' ? '/ode' : ''}`;
  const exact = (t: number): F => (
    checkTime(t),
    Float64Array.of((1 - a) * Math.cos(w * t) + a * Math.cos(nu * t), -(1 - a) * w * Math.sin(w * t) - a * nu * Math.sin(nu * t))
  );
  const common = {
    name,
    t0: 0,
    tEnd: 2,
    parameters: { omega: w, drive: nu, amplitude: A },
    exact,
    hamiltonian: false,
    citation: 'Landau & Lifshitz, Mechanics, §26 (forced oscillations)',
  };
  if (kind === 'ode') {
    const problem = odeProblem<F>(
      (t, y, out = new Float64Array(2)) => {
        const q = y[0]!;
        out[0] = y[1]!;
        out[1] = -w2 * q + A * Math.cos(nu * t);
        return out;
      },
      { name, space: float64Space },
    );
    return { ...common, problem, y0: () => Float64Array.of(1, 0), fromFlat: flatFromFlat(2) };
  }
  const problem = partitionedProblem<F>({
    name,
    separable: true,
    velocity: (_t, _q, p, out = new Float64Array(1)) => ((out[0] = p[0]!), out),
    force: (t, q, _p, out = new Float64Array(1)) => ((out[0] = -w2 * q[0]! + A * Math.cos(nu * t)), out),
  });
  return { ...common, problem, y0: () => ({ q: Float64Array.of(1), p: Float64Array.of(0) }), fromFlat: phaseFromFlat(1) };
}
