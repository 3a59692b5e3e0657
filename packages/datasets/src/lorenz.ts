/**
 * Lorenz-63 and Lorenz-96: the chaotic benchmarks of reservoir computing and data
 * assimilation. Lorenz-63's problem is @phaseflow/runge-kutta's; Lorenz-96's is defined here
 * (it has no other home). The generators sample them after a transient.
 */
import { checkFinite, checkOptions, createRandom, odeProblem, type OdeProblem } from '@phaseflow/core';
import { lorenz63 as lorenz63Reference } from '@phaseflow/runge-kutta';
import { nonNegativeArg, positiveArg, seedArg, sizeArg, vectorArg } from './internal/args.js';
import { sampleOde } from './internal/sample.js';
import type { TimeSeries } from './types.js';

/** Parameters of Lorenz-63 (defaults σ = 10, ρ = 28, β = 8/3). */
export interface Lorenz63Parameters {
  readonly sigma?: number;
  readonly rho?: number;
  readonly beta?: number;
}

/** Options of {@link lorenz63}. */
export interface Lorenz63Options extends Lorenz63Parameters {
  /** Samples (default 2000). */
  readonly n?: number;
  /** Time between samples (default 0.02). */
  readonly dt?: number;
  /** RK4 steps per sample (default 4, so h = 0.005). */
  readonly substeps?: number;
  /** Time discarded before the first sample so the series lies on the attractor (default 20). */
  readonly transient?: number;
  /** Initial state; default (1, 1, 1) + N(0, 1) noise drawn from `seed`. */
  readonly initial?: ArrayLike<number>;
  readonly seed?: number;
}

/**
 * A Lorenz-63 time series on the attractor (σ = 10, ρ = 28, β = 8/3 by default), sampled every
 * `dt` after a `transient`, integrated with RK4 at h = dt/substeps.
 *
 * @example
 * ```ts
 * const s = lorenz63({ n: 5000, dt: 0.02, seed: 1 }); // s.x is 5000 × 3
 * ```
 */
export function lorenz63(options: Lorenz63Options = {}): TimeSeries {
  const o = checkOptions('options', options, ['sigma', 'rho', 'beta', 'n', 'dt', 'substeps', 'transient', 'initial', 'seed']);
  const { sigma, rho, beta } = o;
  // The problem itself is @phaseflow/runge-kutta's reference Lorenz-63.
  const { problem } = lorenz63Reference({
    ...(sigma !== undefined && { sigma }),
    ...(rho !== undefined && { rho }),
    ...(beta !== undefined && { beta }),
  });
  const n = sizeArg('options.n', o.n, 2000);
  const dt = positiveArg('options.dt', o.dt, 0.02);
  const substeps = sizeArg('options.substeps', o.substeps, 4);
  const transient = nonNegativeArg('options.transient', o.transient, 20);
  let y0: Float64Array;
  if (o.initial !== undefined) y0 = vectorArg('options.initial', o.initial, 3);
  else {
    const rng = createRandom(seedArg(o.seed));
    y0 = Float64Array.of(1 + rng.normal(), 1 + rng.normal(), 1 + rng.normal());
  }
  const { t, x } = sampleOde(problem, y0, n, dt, substeps, transient);
  return { kind: 'time-series', name: 'lorenz63', t, x, n, dim: 3, labels: ['x', 'y', 'z'] };
}

/**
 * The Lorenz-96 system (Lorenz 1996) on a ring of `dim` sites (indices mod dim):
 * x_i' = (x_{i+1} − x_{i−2}) x_{i−1} − x_i + F. Chaotic for F = 8 and dim ≥ 4 or so.
 *
 * @example
 * ```ts
 * const p = lorenz96Problem({ dim: 40, forcing: 8 });
 * ```
 */
export function lorenz96Problem(parameters: { readonly dim?: number; readonly forcing?: number } = {}): OdeProblem<Float64Array> {
  const o = checkOptions('parameters', parameters, ['dim', 'forcing']);
  const dim = sizeArg('parameters.dim', o.dim, 40, 4);
  const F = o.forcing === undefined ? 8 : checkFinite('parameters.forcing', o.forcing);
  return odeProblem(
    (_t, x, out = new Float64Array(dim)) => {
      for (let i = 0; i < dim; i++) {
        const xp1 = x[(i + 1) % dim]!, xm1 = x[(i - 1 + dim) % dim]!, xm2 = x[(i - 2 + dim) % dim]!;
        out[i] = (xp1 - xm2) * xm1 - x[i]! + F;
      }
      return out;
    },
    { name: 'lorenz96' },
  );
}

/** Options of {@link lorenz96}. */
export interface Lorenz96Options {
  /** Number of sites (default 40, at least 4). */
  readonly dim?: number;
  /** Forcing F (default 8). */
  readonly forcing?: number;
  /** Samples (default 1000). */
  readonly n?: number;
  /** Time between samples (default 0.05, about 6 hours of "atmosphere" in Lorenz's units). */
  readonly dt?: number;
  /** RK4 steps per sample (default 5, so h = 0.01). */
  readonly substeps?: number;
  /** Time discarded before the first sample (default 10). */
  readonly transient?: number;
  /** Initial state; default x_i = F + 0.01·N(0, 1) drawn from `seed`. */
  readonly initial?: ArrayLike<number>;
  readonly seed?: number;
}

/**
 * A Lorenz-96 time series (F = 8, 40 sites by default) after a transient.
 *
 * @example
 * ```ts
 * const s = lorenz96({ dim: 8, n: 500, seed: 2 }); // s.x is 500 × 8
 * ```
 */
export function lorenz96(options: Lorenz96Options = {}): TimeSeries {
  const o = checkOptions('options', options, ['dim', 'forcing', 'n', 'dt', 'substeps', 'transient', 'initial', 'seed']);
  const dim = sizeArg('options.dim', o.dim, 40, 4);
  const F = o.forcing === undefined ? 8 : checkFinite('options.forcing', o.forcing);
  const problem = lorenz96Problem({ dim, forcing: F });
  const n = sizeArg('options.n', o.n, 1000);
  const dt = positiveArg('options.dt', o.dt, 0.05);
  const substeps = sizeArg('options.substeps', o.substeps, 5);
  const transient = nonNegativeArg('options.transient', o.transient, 10);
  let y0: Float64Array;
  if (o.initial !== undefined) y0 = vectorArg('options.initial', o.initial, dim);
  else {
    const rng = createRandom(seedArg(o.seed));
    y0 = new Float64Array(dim);
    for (let i = 0; i < dim; i++) y0[i] = F + 0.01 * rng.normal();
  }
  const { t, x } = sampleOde(problem, y0, n, dt, substeps, transient);
  return { kind: 'time-series', name: 'lorenz96', t, x, n, dim, labels: Array.from({ length: dim }, (_, i) => `x${i + 1}`) };
}
