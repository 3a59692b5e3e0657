/**
 * Seeded random hyper-parameter search (Bergstra & Bengio, JMLR 13, 2012): random trials beat a
 * grid when few of the parameters matter — the usual case for reservoirs (spectral radius,
 * leak rate, input scaling, ridge; Hinaut & Trouvain 2021).
 */
import { checkFunction, checkInteger, checkOptions, checkFinite, invalid, type Random } from '@phaseflow/core';
import { toRandom } from './init.js';
import { createTrialPool, type TrialJob } from './pool.js';

/** One dimension of the search space: a range (optionally log-uniform or integer) or a list of choices. */
export type SearchDimension =
  { readonly low: number; readonly high: number; readonly log?: boolean; readonly integer?: boolean } | readonly (number | string | boolean)[];

/** A trial's parameters by name. */
export type TrialParams = Record<string, number | string | boolean>;

/** One row of the result. */
export interface TrialResult {
  readonly trial: number;
  readonly params: TrialParams;
  /** The objective (lower is better); NaN when the trial threw. */
  readonly score: number;
  readonly error?: string;
}

/** A trial living in an ES module (for worker threads): its export is called as `(params, { index, seed })`. */
export interface TrialModule {
  /** File URL or absolute path of the module. */
  readonly module: string | URL;
  /** The export's name. Default `'trial'`. */
  readonly export?: string;
}

/** Options of {@link randomSearch}. */
export interface RandomSearchOptions {
  readonly space: Readonly<Record<string, SearchDimension>>;
  /** Number of trials. */
  readonly trials: number;
  /** Seed of the sampler; each trial also gets its own forked Random. Default 0. */
  readonly seed?: number;
  /**
   * Score a parameter set (lower is better): a function (run here, one trial after another,
   * with the trial's forked Random), or a {@link TrialModule} whose export runs on a pool of
   * `workers` threads with the trial's seed (the first 32-bit word of the same forked stream):
   * the same results as `workers: 0`, which runs them here.
   */
  readonly objective: ((params: TrialParams, trial: { readonly index: number; readonly rng: Random }) => number | Promise<number>) | TrialModule;
  /** Worker threads for a module objective (0: this thread). Default 2. */
  readonly workers?: number;
}

/**
 * Random search: draws `trials` parameter sets from `space` with a seeded sampler, scores them,
 * and returns the trials sorted best first plus a Markdown table.
 *
 * @example
 * ```ts
 * const { best, table } = await randomSearch({
 *   space: { sr: { low: 0.5, high: 1.5 }, lr: { low: 0.05, high: 1, log: true }, ridge: [1e-8, 1e-6, 1e-4] },
 *   trials: 20, seed: 1,
 *   objective: async (p) => score(p),
 * });
 * console.log(table);
 * ```
 */
export async function randomSearch(options: RandomSearchOptions): Promise<{ best: TrialResult; results: TrialResult[]; table: string }> {
  const o = checkOptions('options', options, ['space', 'trials', 'seed', 'objective', 'workers']);
  const trials = checkInteger('options.trials', o.trials, { min: 1 });
  const viaModule = o.objective !== null && typeof o.objective === 'object';
  if (viaModule) checkOptions('options.objective', o.objective as TrialModule, ['module', 'export']);
  else checkFunction('options.objective', o.objective);
  if (o.workers !== undefined && !viaModule) invalid('options.workers', 'no workers with a function objective (a module objective runs on workers)', o.workers);
  if (o.space === null || typeof o.space !== 'object' || Object.keys(o.space).length === 0)
    invalid('options.space', 'a non-empty object of dimensions', o.space);
  const names = Object.keys(o.space);
  for (const name of names) {
    const dim = o.space[name]!;
    if (Array.isArray(dim)) {
      if (dim.length === 0) invalid(`options.space.${name}`, 'a non-empty list of choices', dim);
    } else {
      const r = dim as { low: number; high: number; log?: boolean };
      checkFinite(`options.space.${name}.low`, r.low);
      checkFinite(`options.space.${name}.high`, r.high);
      if (!(r.high >= r.low)) invalid(`options.space.${name}.high`, `a number >= low (${r.low})`, r.high);
      if (r.log && !(r.low > 0)) invalid(`options.space.${name}.low`, 'a number > 0 for a log-uniform range', r.low);
    }
  }
  const rng = toRandom('options.seed', o.seed === undefined ? 0 : o.seed);
  const results: TrialResult[] = [];
  const jobs: TrialJob[] = [];
  for (let index = 0; index < trials; index++) {
    const params: TrialParams = {};
    for (const name of names) {
      const dim = o.space[name]!;
      if (Array.isArray(dim)) params[name] = dim[rng.int(dim.length)]!;
      else {
        const r = dim as { low: number; high: number; log?: boolean; integer?: boolean };
        let v = r.log ? Math.exp(Math.log(r.low) + (Math.log(r.high) - Math.log(r.low)) * rng.uniform()) : r.low + (r.high - r.low) * rng.uniform();
        if (r.integer) v = Math.min(Math.floor(r.high), Math.max(Math.ceil(r.low), Math.round(v)));
        params[name] = v;
      }
    }
    const trialRng = rng.fork(index);
    if (viaModule) {
      jobs.push({ index, params, seed: trialRng.uint32() });
      continue;
    }
    try {
      const score = await (o.objective as Exclude<RandomSearchOptions['objective'], TrialModule>)(params, { index, rng: trialRng });
      results.push({ trial: index, params, score: typeof score === 'number' ? score : NaN });
    } catch (e) {
      results.push({ trial: index, params, score: NaN, error: e instanceof Error ? e.message : String(e) });
    }
  }
  if (viaModule) {
    const m = o.objective as TrialModule;
    const pool = createTrialPool({ module: m.module, ...(m.export === undefined ? {} : { export: m.export }), workers: o.workers ?? 2 });
    try {
      const outcomes = await pool.run(jobs);
      outcomes.forEach((r, i) =>
        results.push({ trial: r.index, params: jobs[i]!.params, score: r.score, ...(r.error === undefined ? {} : { error: r.error }) }),
      );
    } finally {
      await pool.close();
    }
  }
  const sorted = [...results].sort((a, b) => (Number.isNaN(a.score) ? 1 : Number.isNaN(b.score) ? -1 : a.score - b.score));
  const fmt = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v));
  const table = [
    `| rank | trial | ${names.join(' | ')} | score |`,
    `| --- | --- | ${names.map(() => '---').join(' | ')} | --- |`,
    ...sorted.map(
      (r, i) => `| ${i + 1} | ${r.trial} | ${names.map((n) => fmt(r.params[n])).join(' | ')} | ${r.error ? `error: ${r.error.slice(0, 40)}` : fmt(r.score)} |`,
    ),
  ].join('\n');
  return { best: sorted[0]!, results: sorted, table };
}
