/**
 * A fixed-step solver for scalar delay differential equations with one constant delay, and
 * the Mackey–Glass series built on it.
 */
import { checkFinite, checkFunction, checkPositive, checkOptions, invalid, PhaseflowError } from '@phaseflow/core';
import { positiveArg, nonNegativeArg, sizeArg } from './internal/args.js';
import type { TimeSeries } from './types.js';

/** Options of {@link solveDelay}. */
export interface DelayOptions {
  /** The delay τ > 0. */
  readonly tau: number;
  /** x(t) for t ≤ t0: a constant or a function of t. */
  readonly history: number | ((t: number) => number);
  /** Step size, 0 < h ≤ τ (τ/h an integer keeps the full fourth order). */
  readonly h: number;
  /** Final time (> t0). */
  readonly tEnd: number;
  /** Start time (default 0). */
  readonly t0?: number;
}

/**
 * Solve x'(t) = f(t, x(t), x(t − τ)), x = history on (−∞, t0], with the classical RK4 method
 * and the delayed values taken from a cubic Hermite interpolant of the computed solution
 * (values and derivatives at the grid points). With h ≤ τ every delayed argument lies in the
 * past, so the scheme is explicit; the interpolant's O(h⁴) error keeps the method of order 4
 * when τ/h is an integer (the derivative jumps at t0 + mτ then fall on grid points).
 * Following Bellen & Zennaro, Numerical Methods for Delay Differential Equations (2003), §4–5.
 *
 * Returns the grid t_k = t0 + k·h (the last step ends exactly on tEnd) and x(t_k).
 *
 * @example
 * ```ts
 * // x'(t) = −x(t − 1), x = 1 for t ≤ 0: x(1) = 0, x(2) = −1/2
 * const { t, x } = solveDelay((_t, _x, xd) => -xd, { tau: 1, history: 1, h: 0.01, tEnd: 2 });
 * ```
 */
export function solveDelay(
  f: (t: number, x: number, xDelayed: number) => number,
  options: DelayOptions,
): { t: Float64Array; x: Float64Array } {
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
  } else if (typeof hist === 'function') history = hist;
  else invalid('options.history', 'a number or a function of t', hist);
  const steps = Math.ceil((tEnd - t0) / hWanted - 1e-9);
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
    const th2 = th * th, th3 = th2 * th;
    return (
      (2 * th3 - 3 * th2 + 1) * x[j]! + (th3 - 2 * th2 + th) * h * dx[j]! +
      (-2 * th3 + 3 * th2) * x[j + 1]! + (th3 - th2) * h * dx[j + 1]!
    );
  };
  x[0] = checkFinite('options.history(t0)', history(t0));
  t[0] = t0;
  dx[0] = f(t0, x[0], past(t0 - tau, 0));
  for (let k = 0; k < steps; k++) {
    const tk = t0 + k * h, xk = x[k]!;
    const k1 = dx[k]!;
    const dMid = past(tk + 0.5 * h - tau, k);
    const k2 = f(tk + 0.5 * h, xk + 0.5 * h * k1, dMid);
    const k3 = f(tk + 0.5 * h, xk + 0.5 * h * k2, dMid);
    const tn = k + 1 === steps ? tEnd : t0 + (k + 1) * h;
    const k4 = f(tn, xk + h * k3, past(tn - tau, k));
    const xn = xk + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
    if (!Number.isFinite(xn)) {
      throw new PhaseflowError('NON_FINITE_STATE', `state became non-finite at step ${k + 1}, t = ${tn} (h = ${h})`, { step: k + 1, t: tn, h });
    }
    t[k + 1] = tn;
    x[k + 1] = xn;
    dx[k + 1] = f(tn, xn, past(tn - tau, k + 1));
  }
  return { t, x };
}

/** Options of {@link mackeyGlass}. */
export interface MackeyGlassOptions {
  /** Samples (default 2000). */
  readonly n?: number;
  /** Delay τ (default 17: mildly chaotic; 30 is more chaotic). */
  readonly tau?: number;
  /** β (default 0.2). */
  readonly beta?: number;
  /** γ (default 0.1). */
  readonly gamma?: number;
  /** Exponent n of the nonlinearity (default 10). */
  readonly exponent?: number;
  /** Time between samples (default 1). */
  readonly dt?: number;
  /** RK4 steps per sample (default 10, so h = 0.1 and τ/h = 170 for τ = 17). */
  readonly substeps?: number;
  /** Time discarded before the first sample (default 500). */
  readonly transient?: number;
  /** Constant history x(t ≤ 0) (default 1.2). */
  readonly history?: number;
}

/**
 * The Mackey–Glass series (Mackey & Glass 1977), the classic reservoir-computing benchmark:
 * x'(t) = β x(t−τ) / (1 + x(t−τ)ⁿ) − γ x(t), with β = 0.2, γ = 0.1, n = 10, τ = 17 and
 * x = 1.2 on t ≤ 0 by default, integrated by {@link solveDelay} (RK4 + cubic Hermite history)
 * and sampled every `dt` after a transient.
 *
 * @example
 * ```ts
 * const mg = mackeyGlass({ n: 1000, tau: 17 }); // mg.x: 1000 values in about (0.2, 1.4)
 * ```
 */
export function mackeyGlass(options: MackeyGlassOptions = {}): TimeSeries {
  const o = checkOptions('options', options, ['n', 'tau', 'beta', 'gamma', 'exponent', 'dt', 'substeps', 'transient', 'history']);
  const n = sizeArg('options.n', o.n, 2000);
  const tau = positiveArg('options.tau', o.tau, 17);
  const beta = positiveArg('options.beta', o.beta, 0.2);
  const gamma = positiveArg('options.gamma', o.gamma, 0.1);
  const power = positiveArg('options.exponent', o.exponent, 10);
  const dt = positiveArg('options.dt', o.dt, 1);
  const substeps = sizeArg('options.substeps', o.substeps, 10);
  const transient = nonNegativeArg('options.transient', o.transient, 500);
  const x0 = o.history === undefined ? 1.2 : positiveArg('options.history', o.history, 1.2);
  const h = dt / substeps;
  if (h > tau) invalid('options.substeps', `enough steps per sample that dt/substeps <= tau = ${tau}`, o.substeps);
  const skip = Math.round(transient / dt) * substeps;
  const total = skip + (n - 1) * substeps;
  const sol = total === 0
    ? { x: Float64Array.of(x0) }
    : solveDelay((_t, x, xd) => (beta * xd) / (1 + xd ** power) - gamma * x, { tau, history: x0, h, tEnd: total * h });
  const t = new Float64Array(n);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = i * dt;
    x[i] = sol.x[skip + i * substeps]!;
  }
  return { kind: 'time-series', name: 'mackey-glass', t, x, n, dim: 1, labels: ['x'] };
}
