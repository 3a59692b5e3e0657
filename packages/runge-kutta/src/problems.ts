/**
 * Reference problems of the Runge–Kutta family: the Arenstorf orbit, Lorenz-63 and a
 * bouncing ball. Other packages (e.g. @phaseflow/datasets) re-export them.
 */
import { checkFinite, checkOptions, checkPositive, invalid, odeProblem, type OdeProblem } from '@phaseflow/core';
import type { EventSpec } from './solve-ivp.js';

type F = Float64Array;

/** The period of the Arenstorf orbit (Hairer, Nørsett & Wanner, Solving ODEs I, eq. (II.0.2)). */
export const ARENSTORF_PERIOD = 17.0652165601579625588917206249;

/** A reference initial-value problem. */
export interface IvpReference {
  readonly name: string;
  readonly problem: OdeProblem<F>;
  /** A fresh copy of the initial state on every read. */
  readonly y0: F;
  readonly t0: number;
  /** Default end time. */
  readonly tEnd: number;
}

/**
 * The Arenstorf orbit: the restricted three-body problem (Earth, Moon, satellite) in the
 * rotating frame, with μ = 0.012277471 and the initial value of a closed orbit of period
 * {@link ARENSTORF_PERIOD}:
 *
 *   x'' = x + 2y' − μ'(x+μ)/D₁ − μ(x−μ')/D₂,  y'' = y − 2x' − μ'y/D₁ − μy/D₂,
 *   D₁ = ((x+μ)² + y²)^{3/2}, D₂ = ((x−μ')² + y²)^{3/2}, μ' = 1 − μ.
 *
 * State (x, y, x', y'), y(0) = (0.994, 0, 0, −2.00158510637908252240537862224).
 * Source: Arenstorf (1963); Hairer, Nørsett & Wanner, Solving ODEs I, §II.0.
 *
 * @example
 * ```ts
 * const { problem, y0, period } = arenstorf();
 * solveIvp(dop853(), problem, y0, { tEnd: period, rtol: 1e-10, atol: 1e-10 }).yFinal; // ≈ y0
 * ```
 */
export function arenstorf(): IvpReference & { readonly period: number; readonly mu: number } {
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
  return {
    name: 'arenstorf',
    problem,
    get y0() {
      return Float64Array.of(0.994, 0, 0, -2.00158510637908252240537862224);
    },
    t0: 0,
    tEnd: ARENSTORF_PERIOD,
    period: ARENSTORF_PERIOD,
    mu,
  };
}

/**
 * Lorenz-63: x' = σ(y − x), y' = x(ρ − z) − y, z' = xy − βz, with the classical chaotic
 * parameters σ = 10, ρ = 28, β = 8/3 by default (largest Lyapunov exponent ≈ 0.906), started
 * at (1, 1, 1) unless `y0` is given. Source: E. N. Lorenz, Deterministic nonperiodic flow,
 * J. Atmos. Sci. 20 (1963).
 *
 * @example
 * ```ts
 * const { problem, y0 } = lorenz63();
 * solveIvp(dopri5(), problem, y0, { tEnd: 20, rtol: 1e-8, atol: 1e-8 });
 * ```
 */
export function lorenz63(
  options: { sigma?: number; rho?: number; beta?: number; y0?: ArrayLike<number> } = {},
): IvpReference & { readonly sigma: number; readonly rho: number; readonly beta: number } {
  const o = checkOptions('options', options, ['sigma', 'rho', 'beta', 'y0']);
  const sigma = o.sigma === undefined ? 10 : checkFinite('options.sigma', o.sigma);
  const rho = o.rho === undefined ? 28 : checkFinite('options.rho', o.rho);
  const beta = o.beta === undefined ? 8 / 3 : checkFinite('options.beta', o.beta);
  let start = Float64Array.of(1, 1, 1);
  if (o.y0 !== undefined) {
    if (o.y0 === null || typeof o.y0 !== 'object' || o.y0.length !== 3) invalid('options.y0', 'three finite numbers', o.y0);
    start = Float64Array.from({ length: 3 }, (_, i) => checkFinite(`options.y0[${i}]`, o.y0![i]));
  }
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
    get y0() {
      return start.slice();
    },
    t0: 0,
    tEnd: 20,
    sigma,
    rho,
    beta,
  };
}

/**
 * A ball falling under gravity: h' = v, v' = −g, from height `height` at rest. `impact` is the
 * terminal event h = 0 going down; `bounce(y)` returns the state after an impact with
 * coefficient of restitution e (v ← −e·v); `impactTimes(n)` the exact times of the first n
 * impacts: t₁ = √(2H/g), t_(k+1) = t_k + 2e^k·√(2gH)/g.
 *
 * @example
 * ```ts
 * const ball = bouncingBall({ restitution: 0.8 });
 * let sol = solveIvp(dop853(), ball.problem, ball.y0, { tEnd: 10, events: [ball.impact] });
 * sol = solveIvp(dop853(), ball.problem, ball.bounce(sol.yFinal), { t0: sol.tFinal, tEnd: 10, events: [ball.impact] });
 * ```
 */
export function bouncingBall(options: { g?: number; height?: number; restitution?: number } = {}): IvpReference & {
  readonly g: number;
  readonly height: number;
  readonly restitution: number;
  readonly impact: EventSpec<F>;
  bounce(y: F): F;
  impactTimes(n: number): number[];
} {
  const o = checkOptions('options', options, ['g', 'height', 'restitution']);
  const g = o.g === undefined ? 9.81 : checkPositive('options.g', o.g);
  const height = o.height === undefined ? 1 : checkPositive('options.height', o.height);
  const restitution = o.restitution === undefined ? 0.9 : checkPositive('options.restitution', o.restitution);
  if (restitution > 1) invalid('options.restitution', 'a number in (0, 1]', restitution);
  const problem = odeProblem<F>(
    (_t, y, out = new Float64Array(2)) => {
      out[0] = y[1]!;
      out[1] = -g;
      return out;
    },
    { name: 'bouncing-ball', energy: (y) => g * y[0]! + 0.5 * y[1]! * y[1]! },
  );
  return {
    name: 'bouncing-ball',
    problem,
    get y0() {
      return Float64Array.of(height, 0);
    },
    t0: 0,
    tEnd: 10,
    g,
    height,
    restitution,
    impact: { g: (_t, y) => y[0]!, direction: 'down', terminal: true, name: 'impact' },
    bounce: (y) => Float64Array.of(0, -restitution * y[1]!),
    impactTimes(n) {
      const v1 = Math.sqrt(2 * g * height);
      const out = [v1 / g];
      for (let k = 1; k < n; k++) out.push(out[k - 1]! + (2 * Math.pow(restitution, k) * v1) / g);
      return out;
    },
  };
}
