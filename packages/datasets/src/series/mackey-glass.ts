/** The Mackey–Glass series, solved by @phaseflow/delay's `solveDelay`. */
import { checkAllocation, checkOptions, invalid } from '@phaseflow/core';
import { solveDelay } from '@phaseflow/delay';
import { nonNegativeArg, positiveArg, sizeArg } from '../internal/args.js';
import type { TimeSeries } from '../types.js';

/** Options of {@link mackeyGlassSeries}. */
export interface MackeyGlassSeriesOptions {
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
 * xⁿ for an integer n by repeated squaring: plain IEEE-754 multiplications, so every engine
 * gives the same bits (V8's `**` and `Math.pow` round differently from one Node major to the
 * next, which changed the series between Node 20 and 24). Other exponents use `Math.pow`.
 */
function integerPower(n: number): (x: number) => number {
  if (!Number.isInteger(n) || n < 0 || n > 64) return (x) => Math.pow(x, n);
  return (x) => {
    let result = 1;
    let base = x;
    for (let k = n; k > 0; k >>= 1) {
      if (k & 1) result *= base;
      base *= base;
    }
    return result;
  };
}

/**
 * The Mackey–Glass series (Mackey & Glass 1977), the classic reservoir-computing benchmark:
 * x'(t) = β x(t−τ) / (1 + x(t−τ)ⁿ) − γ x(t), with β = 0.2, γ = 0.1, n = 10, τ = 17 and
 * x = 1.2 on t ≤ 0 by default, integrated by @phaseflow/delay's `solveDelay` (RK4 + cubic Hermite history)
 * and sampled every `dt` after a transient.
 *
 * @example
 * ```ts
 * const mg = mackeyGlassSeries({ n: 1000, tau: 17 }); // mg.x: 1000 values in about (0.2, 1.4)
 * ```
 */
export function mackeyGlassSeries(options: MackeyGlassSeriesOptions = {}): TimeSeries {
  const o = checkOptions('options', options, ['n', 'tau', 'beta', 'gamma', 'exponent', 'dt', 'substeps', 'transient', 'history']);
  const n = sizeArg('options.n', o.n, 2000, 1, 2);
  const tau = positiveArg('options.tau', o.tau, 17);
  const beta = positiveArg('options.beta', o.beta, 0.2);
  const gamma = positiveArg('options.gamma', o.gamma, 0.1);
  const power = positiveArg('options.exponent', o.exponent, 10);
  const powerOf = integerPower(power);
  const dt = positiveArg('options.dt', o.dt, 1);
  const substeps = sizeArg('options.substeps', o.substeps, 10);
  const transient = nonNegativeArg('options.transient', o.transient, 500);
  const x0 = o.history === undefined ? 1.2 : positiveArg('options.history', o.history, 1.2);
  const h = dt / substeps;
  if (h > tau) invalid('options.substeps', `enough steps per sample that dt/substeps <= tau = ${tau}`, o.substeps);
  const skip = Math.round(transient / dt) * substeps;
  const total = skip + (n - 1) * substeps;
  checkAllocation(skip > (n - 1) * substeps ? 'options.transient' : 'options.n', total + 1, 8); // the delay solution on the fine grid
  const sol =
    total === 0 ? { x: Float64Array.of(x0) } : solveDelay((_t, x, xd) => (beta * xd) / (1 + powerOf(xd)) - gamma * x, { tau, history: x0, h, tEnd: total * h });
  const t = new Float64Array(n);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = i * dt;
    x[i] = sol.x[skip + i * substeps]!;
  }
  return { kind: 'time-series', name: 'mackey-glass', t, x, n, dim: 1, labels: ['x'] };
}
