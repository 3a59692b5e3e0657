/**
 * A fixed-step solver for scalar delay differential equations with one constant delay:
 * classical RK4 by the method of steps, the delayed values read from a cubic Hermite
 * interpolant of the computed solution.
 */
import { checkAllocation, checkFinite, checkFunction, checkOptions, checkPositive, invalid, PhaseflowError } from '@phaseflow/core';

/** The right-hand side f(t, x(t), x(t − τ)) of a delay equation. */
export type DelayRightHandSide = (t: number, x: number, xDelayed: number) => number;

/** Options of {@link solveDelay}. */
export interface DelayOptions {
  /** The delay τ > 0. */
  readonly tau: number;
  /** x(t) for t ≤ t0: a constant or a function of t (it must return finite numbers). */
  readonly history: number | ((t: number) => number);
  /** Step size, 0 < h ≤ τ (τ/h an integer keeps the full fourth order); shortened so the grid ends on tEnd. */
  readonly h: number;
  /** Final time (> t0). */
  readonly tEnd: number;
  /** Start time (default 0). */
  readonly t0?: number;
}

/** What {@link solveDelay} returns: the grid and the solution on it. */
export interface DelaySolution {
  /** t_k = t0 + k·h, k = 0 … N, the last exactly tEnd. */
  readonly t: Float64Array;
  /** x(t_k). */
  readonly x: Float64Array;
}

/**
 * Solve the delay differential equation
 *
 *   x'(t) = f(t, x(t), x(t − τ)),  t > t0,   x(t) = history(t) for t ≤ t0,
 *
 * with the classical RK4 method on the grid t_k = t0 + k·h, h = (tEnd − t0)/⌈(tEnd − t0)/h⌉.
 * The delayed values x(t − τ) at the stages are read from the history when t − τ ≤ t0 and
 * otherwise from the cubic Hermite interpolant of the computed x_k and x'_k = f(t_k, x_k, x(t_k − τ)).
 * With h ≤ τ every delayed argument lies in the past, so the scheme is explicit (the method of
 * steps). The interpolant's O(h⁴) error keeps the method of order 4 when τ/h is an integer:
 * the derivative jumps at t0 + mτ (where the history's derivative and f at t0 disagree) then
 * fall on grid points.
 *
 * A state that becomes NaN or ±Infinity stops the run with `NON_FINITE_STATE`, naming the
 * step and time and carrying the solution computed before it as `partial`.
 *
 * Source: Bellen & Zennaro, Numerical Methods for Delay Differential Equations (Oxford 2003),
 * §3 (the method of steps), §4–5 (continuous Runge–Kutta methods and Hermite interpolation).
 *
 * @example
 * ```ts
 * // x'(t) = −x(t − 1), x = 1 for t ≤ 0: x(1) = 0, x(2) = −1/2, x(3) = −1/6
 * const { t, x } = solveDelay((_t, _x, xd) => -xd, { tau: 1, history: 1, h: 0.01, tEnd: 3 });
 * x[x.length - 1]; // −0.16666666666666…
 * ```
 */
export function solveDelay(f: DelayRightHandSide, options: DelayOptions): DelaySolution {
  checkFunction('f', f);
  const o = checkOptions('options', options, ['tau', 'history', 'h', 'tEnd', 't0']);
  const tau = checkPositive('options.tau', o.tau);
  const t0 = o.t0 === undefined ? 0 : checkFinite('options.t0', o.t0);
  const tEnd = checkFinite('options.tEnd', o.tEnd);
  if (!(tEnd > t0)) invalid('options.tEnd', `a time after t0 = ${t0}`, o.tEnd);
  const hWanted = checkPositive('options.h', o.h);
  if (hWanted > tau) invalid('options.h', `a step no larger than the delay tau = ${tau}`, o.h);
  const hist = o.history;
  let history: (t: number) => number;
  if (typeof hist === 'number') {
    const c = checkFinite('options.history', hist);
    history = () => c;
  } else if (typeof hist === 'function') {
    history = (s) => {
      const v = hist(s);
      if (typeof v !== 'number' || !Number.isFinite(v)) invalid('options.history(t)', `a finite number at t = ${s}`, v, 'NON_FINITE_INPUT', { t: s });
      return v;
    };
  } else invalid('options.history', 'a number or a function of t', hist);
  const steps = Math.ceil((tEnd - t0) / hWanted - 1e-9);
  // Three arrays of steps + 1 numbers: refuse a grid that cannot be allocated, before allocating it.
  checkAllocation('options.h', 3 * (steps + 1), 8);
  const h = (tEnd - t0) / steps;
  const t = new Float64Array(steps + 1);
  const x = new Float64Array(steps + 1);
  const dx = new Float64Array(steps + 1);
  const past = (s: number, k: number): number => {
    if (s <= t0) return history(s);
    let j = Math.floor((s - t0) / h);
    if (j >= k) return x[k]!; // s rounds onto t_k
    if (j < 0) j = 0;
    const th = (s - t0) / h - j;
    const th2 = th * th,
      th3 = th2 * th;
    return (2 * th3 - 3 * th2 + 1) * x[j]! + (th3 - 2 * th2 + th) * h * dx[j]! + (-2 * th3 + 3 * th2) * x[j + 1]! + (th3 - th2) * h * dx[j + 1]!;
  };
  x[0] = checkFinite('options.history(t0)', history(t0));
  t[0] = t0;
  dx[0] = f(t0, x[0], past(t0 - tau, 0));
  for (let k = 0; k < steps; k++) {
    const tk = t0 + k * h,
      xk = x[k]!;
    const k1 = dx[k]!;
    const dMid = past(tk + 0.5 * h - tau, k);
    const k2 = f(tk + 0.5 * h, xk + 0.5 * h * k1, dMid);
    const k3 = f(tk + 0.5 * h, xk + 0.5 * h * k2, dMid);
    const tn = k + 1 === steps ? tEnd : t0 + (k + 1) * h;
    const k4 = f(tn, xk + h * k3, past(tn - tau, k));
    const xn = xk + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
    if (!Number.isFinite(xn)) {
      throw new PhaseflowError(
        'NON_FINITE_STATE',
        `state became non-finite at step ${k + 1}, t = ${tn} (h = ${h})`,
        { step: k + 1, t: tn, h },
        { partial: { t: t.slice(0, k + 1), x: x.slice(0, k + 1) } satisfies DelaySolution },
      );
    }
    t[k + 1] = tn;
    x[k + 1] = xn;
    dx[k + 1] = f(tn, xn, past(tn - tau, k + 1));
  }
  return { t, x };
}
