/** A bouncing ball: the reference problem for event location. */
import { checkAllocation, checkInteger, checkOptions, checkPositive, invalid, odeProblem, type OdeProblem } from '@phaseflow/core';
import { flatFromFlat, flatState } from './internal.js';
import type { ReferenceProblem } from './reference-problem.js';

type F = Float64Array;

/** Options of {@link bouncingBall}. */
export interface BouncingBallOptions {
  /** Gravity g > 0 (default 9.81). */
  readonly g?: number;
  /** Drop height H > 0 (default 1). */
  readonly height?: number;
  /** Coefficient of restitution e in (0, 1] (default 0.9). */
  readonly restitution?: number;
}

/** The bouncing ball as a {@link ReferenceProblem}, with its impact event and bounce map. */
export interface BouncingBallProblem extends ReferenceProblem<F, OdeProblem<F>, { readonly g: number; readonly height: number; readonly restitution: number }> {
  energy(y: F): number;
  /** The terminal event h = 0 going down, in the shape `solveIvp`'s `events` take. */
  readonly impact: { readonly g: (t: number, y: F) => number; readonly direction: 'down'; readonly terminal: true; readonly name: 'impact' };
  /** The state just after an impact: h = 0, v ← −e·v. */
  bounce(y: F): F;
  /** The exact times of the first n impacts. */
  impactTimes(n: number): number[];
}

/**
 * A ball falling under gravity: h' = v, v' = −g, dropped from `height` at rest. Between impacts
 * the flow is exact in closed form; `impact` is the terminal event h = 0 going down,
 * `bounce(y)` the state after an impact with coefficient of restitution e (v ← −e·v), and
 * `impactTimes(n)` the exact times of the first n impacts:
 * t₁ = √(2H/g), t_{k+1} = t_k + 2e^k·√(2gH)/g.
 *
 * Source: Shampine & Thompson, Event location for ordinary differential equations, Comput.
 * Math. Appl. 39 (2000) 43–54.
 *
 * @example
 * ```ts
 * import { createDop853, solveIvp } from '@phaseflow/runge-kutta';
 * const ball = bouncingBall({ restitution: 0.8 });
 * let sol = solveIvp(createDop853(), ball.problem, ball.y0(), { tEnd: 10, events: [ball.impact] });
 * sol = solveIvp(createDop853(), ball.problem, ball.bounce(sol.yFinal), { t0: sol.tFinal, tEnd: 10, events: [ball.impact] });
 * ```
 */
export function bouncingBall(options: BouncingBallOptions = {}): BouncingBallProblem {
  const o = checkOptions('options', options, ['g', 'height', 'restitution']);
  const g = o.g === undefined ? 9.81 : checkPositive('options.g', o.g);
  const height = o.height === undefined ? 1 : checkPositive('options.height', o.height);
  const restitution = o.restitution === undefined ? 0.9 : checkPositive('options.restitution', o.restitution);
  if (restitution > 1) invalid('options.restitution', 'a number in (0, 1]', restitution);
  const energy = (y: F) => (flatState('y', y, 2), g * y[0]! + 0.5 * y[1]! * y[1]!);
  const problem = odeProblem<F>(
    (_t, y, out = new Float64Array(2)) => {
      out[0] = y[1]!;
      out[1] = -g;
      return out;
    },
    { name: 'bouncing-ball', energy },
  );
  return {
    name: 'bouncing-ball',
    problem,
    y0: () => Float64Array.of(height, 0),
    fromFlat: flatFromFlat(2),
    t0: 0,
    tEnd: 10,
    parameters: { g, height, restitution },
    energy,
    hamiltonian: false,
    impact: { g: (_t, y) => y[0]!, direction: 'down', terminal: true, name: 'impact' },
    bounce: (y) => (flatState('y', y, 2), Float64Array.of(0, -restitution * y[1]!)),
    impactTimes(n) {
      checkInteger('n', n, { min: 0 });
      checkAllocation('n', n, 16);
      const v1 = Math.sqrt(2 * g * height);
      const out = n === 0 ? [] : [v1 / g];
      for (let k = 1; k < n; k++) out.push(out[k - 1]! + (2 * Math.pow(restitution, k) * v1) / g);
      return out;
    },
    citation: 'Shampine & Thompson, Event location for ordinary differential equations, Comput. Math. Appl. 39 (2000) 43–54',
  };
}
