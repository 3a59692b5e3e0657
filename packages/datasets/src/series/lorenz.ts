/**
 * Lorenz-63 and Lorenz-96 series: the chaotic benchmarks of reservoir computing and data
 * assimilation, sampled on their attractors. The systems are @phaseflow/problems'.
 */
import { checkOptions } from '@phaseflow/core';
import { lorenz63, lorenz96 } from '@phaseflow/problems';
import { odeSeries, SERIES_KEYS, type SeriesOptions } from './ode-series.js';
import type { TimeSeries } from '../types.js';

/** Options of {@link lorenz63Series}. */
export interface Lorenz63SeriesOptions extends SeriesOptions {
  /** σ (default 10). */
  readonly sigma?: number;
  /** ρ (default 28). */
  readonly rho?: number;
  /** β (default 8/3). */
  readonly beta?: number;
  /** Samples (default 2000). */
  readonly n?: number;
  /** Time between samples (default 0.02). */
  readonly dt?: number;
  /** RK4 steps per sample (default 4, so h = 0.005). */
  readonly substeps?: number;
  /** Time discarded before the first sample (default 20). */
  readonly transient?: number;
  /** Initial state; default (1, 1, 1) + N(0, 1) noise drawn from `seed`. */
  readonly initial?: ArrayLike<number>;
}

/**
 * A Lorenz-63 time series on the attractor: x' = σ(y − x), y' = x(ρ − z) − y, z' = xy − βz
 * (σ = 10, ρ = 28, β = 8/3 by default, @phaseflow/problems' `lorenz63`), sampled every `dt`
 * after a `transient`, integrated with RK4 at h = dt/substeps.
 *
 * @example
 * ```ts
 * const s = lorenz63Series({ n: 5000, dt: 0.02, seed: 1 }); // s.x is 5000 × 3
 * ```
 */
export function lorenz63Series(options: Lorenz63SeriesOptions = {}): TimeSeries {
  const o = checkOptions('options', options, ['sigma', 'rho', 'beta', ...SERIES_KEYS]);
  const { problem } = lorenz63({ sigma: o.sigma, rho: o.rho, beta: o.beta });
  return odeSeries(
    'lorenz63',
    problem,
    3,
    o,
    { n: 2000, dt: 0.02, substeps: 4, transient: 20 },
    (rng) => Float64Array.of(1 + rng.normal(), 1 + rng.normal(), 1 + rng.normal()),
    ['x', 'y', 'z'],
  );
}

/** Options of {@link lorenz96Series}. */
export interface Lorenz96SeriesOptions extends SeriesOptions {
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
}

/**
 * A Lorenz-96 time series (F = 8, 40 sites by default, @phaseflow/problems' `lorenz96`:
 * x_i' = (x_{i+1} − x_{i−2}) x_{i−1} − x_i + F on a ring) after a transient.
 *
 * @example
 * ```ts
 * const s = lorenz96Series({ dim: 8, n: 500, seed: 2 }); // s.x is 500 × 8
 * ```
 */
export function lorenz96Series(options: Lorenz96SeriesOptions = {}): TimeSeries {
  const o = checkOptions('options', options, ['dim', 'forcing', ...SERIES_KEYS]);
  const { problem, parameters } = lorenz96({ dim: o.dim, forcing: o.forcing });
  const { dim, forcing } = parameters;
  return odeSeries(
    'lorenz96',
    problem,
    dim,
    o,
    { n: 1000, dt: 0.05, substeps: 5, transient: 10 },
    (rng) => {
      const y0 = new Float64Array(dim);
      for (let i = 0; i < dim; i++) y0[i] = forcing + 0.01 * rng.normal();
      return y0;
    },
    Array.from({ length: dim }, (_, i) => `x${i + 1}`),
  );
}
