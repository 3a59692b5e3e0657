/** The options and the sampling every ODE series shares (private to the package). */
import { createRandom, type OdeProblem, type Random } from '@phaseflow/core';
import { nonNegativeArg, positiveArg, seedArg, sizeArg, vectorArg } from '../internal/args.js';
import { sampleOde } from '../internal/sample.js';
import type { TimeSeries } from '../types.js';

/** Options every ODE series takes: how many samples, how far apart, how accurately, from where. */
export interface SeriesOptions {
  /** Samples. */
  readonly n?: number;
  /** Time between samples. */
  readonly dt?: number;
  /** RK4 steps per sample (h = dt/substeps). */
  readonly substeps?: number;
  /** Time discarded before the first sample so the series lies on the attractor. */
  readonly transient?: number;
  /** Initial state; by default a seeded draw near the system's usual start. */
  readonly initial?: ArrayLike<number>;
  readonly seed?: number;
}

/** The keys of {@link SeriesOptions}, for `checkOptions`. */
export const SERIES_KEYS = ['n', 'dt', 'substeps', 'transient', 'initial', 'seed'] as const;

/**
 * Sample `problem` as a series after a transient: RK4 at h = dt/substeps through core's
 * `integrate`, the initial state from `options.initial` or drawn by `draw` from `options.seed`.
 */
export function odeSeries(
  name: string,
  problem: OdeProblem<Float64Array>,
  dim: number,
  o: SeriesOptions,
  defaults: { readonly n: number; readonly dt: number; readonly substeps: number; readonly transient: number },
  draw: (rng: Random) => Float64Array,
  labels: readonly string[],
): TimeSeries {
  const n = sizeArg('options.n', o.n, defaults.n, 1, dim + 1);
  const dt = positiveArg('options.dt', o.dt, defaults.dt);
  const substeps = sizeArg('options.substeps', o.substeps, defaults.substeps);
  const transient = nonNegativeArg('options.transient', o.transient, defaults.transient);
  const y0 = o.initial !== undefined ? vectorArg('options.initial', o.initial, dim) : draw(createRandom(seedArg(o.seed)));
  const { t, x } = sampleOde(problem, y0, n, dt, substeps, transient);
  return { kind: 'time-series', name, t, x, n, dim, labels };
}
