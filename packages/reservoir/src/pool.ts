/**
 * A pool of worker threads for independent jobs — reservoir hyper-parameter trials: each
 * trial builds, fits and scores its own model from its parameters and its own seed, so trials
 * can run on any core in any order and still give the results of a sequential run.
 *
 * The trial is an export of an ES module (a file URL or path), not a closure: a worker thread
 * cannot receive a function, it imports the module itself. The module must be importable by
 * plain Node (built JavaScript: an objective that imports `@phaseflow/reservoir` resolves its
 * `dist`). The worker's bootstrap is a string evaluated by `node:worker_threads` (found through
 * `process.getBuiltinModule`, nothing imported statically), so the pool works the same from
 * sources and from a build; where there are no worker threads (a browser), `workers` is 0 and
 * the trials run on the calling thread.
 */
import { PhaseflowError, checkInteger, checkModuleUrl, checkOptions, invalid } from '@phaseflow/core';
import type { TrialParams } from './search.js';

/** What a trial module exports (under `export`, default `trial`). */
export type TrialFunction = (params: TrialParams, trial: { readonly index: number; readonly seed: number }) => number | Promise<number>;

/** One job for the pool. */
export interface TrialJob {
  readonly index: number;
  readonly params: TrialParams;
  /** The trial's own seed (an integer in [0, 2³²)): the only randomness a trial may use, so the result does not depend on where it ran. */
  readonly seed: number;
}

/** What a job gave. */
export interface TrialOutcome {
  readonly index: number;
  /** The trial's score; NaN when it threw. */
  readonly score: number;
  readonly error?: string;
  /** Worker that ran it (0 … workers − 1; −1 on the calling thread). */
  readonly worker: number;
  /** Wall seconds the trial took inside its worker. */
  readonly seconds: number;
}

/** Options of {@link createTrialPool}. */
export interface TrialPoolOptions {
  /** The module (file URL, or an absolute path) whose export is the trial. */
  readonly module: string | URL;
  /** The export's name. Default `'trial'`. */
  readonly export?: string;
  /** Worker threads; 0 runs the trials on the calling thread (the sequential reference). Default 2. */
  readonly workers?: number;
}

/** A pool of worker threads running trials of one module. */
export interface TrialPool {
  readonly name: 'trial-pool';
  /** Worker threads in use (0: on the calling thread). */
  readonly workers: number;
  /** Run the jobs (each worker takes the next when it is free); outcomes in the order of `jobs`. */
  run(jobs: readonly TrialJob[]): Promise<TrialOutcome[]>;
  /** Stop the workers. */
  close(): Promise<void>;
}

interface WorkerLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (m: unknown) => void): void;
  on(event: 'error', listener: (e: unknown) => void): void;
  terminate(): Promise<number>;
}
type WorkerCtor = new (code: string, options: { eval: true; workerData: unknown }) => WorkerLike;

function workerConstructor(): WorkerCtor | undefined {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    return (proc?.getBuiltinModule?.('node:worker_threads') as { Worker?: WorkerCtor } | undefined)?.Worker;
  } catch {
    return undefined;
  }
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.url).then((mod) => {
  const fn = mod[workerData.exportName];
  if (typeof fn !== 'function') throw new Error('the module has no function export ' + JSON.stringify(workerData.exportName));
  parentPort.on('message', async (job) => {
    const t0 = performance.now();
    try {
      const score = await fn(job.params, { index: job.index, seed: job.seed });
      parentPort.postMessage({ index: job.index, score: typeof score === 'number' ? score : NaN, seconds: (performance.now() - t0) / 1000 });
    } catch (e) {
      parentPort.postMessage({ index: job.index, score: NaN, error: String((e && e.message) || e), seconds: (performance.now() - t0) / 1000 });
    }
  });
  parentPort.postMessage({ ready: true });
}).catch((e) => parentPort.postMessage({ fatal: String((e && e.message) || e) }));
`;

/** Validate the jobs of {@link TrialPool.run}: an array of `{ index, params, seed }`. */
function checkJobs(jobs: unknown): readonly TrialJob[] {
  if (!Array.isArray(jobs)) invalid('jobs', 'an array of trial jobs { index, params, seed }', jobs);
  jobs.forEach((job: unknown, i) => {
    if (job === null || typeof job !== 'object' || Array.isArray(job)) invalid(`jobs[${i}]`, 'a trial job { index, params, seed }', job);
    const j = checkOptions(`jobs[${i}]`, job as TrialJob, ['index', 'params', 'seed']);
    checkInteger(`jobs[${i}].index`, j.index, { min: 0 });
    if (j.params === null || typeof j.params !== 'object' || Array.isArray(j.params)) invalid(`jobs[${i}].params`, 'an object of trial parameters', j.params);
    checkInteger(`jobs[${i}].seed`, j.seed, { min: 0, max: 2 ** 32 - 1 });
  });
  return jobs as readonly TrialJob[];
}

/**
 * A pool of `workers` threads, each importing the trial module once and running the jobs it is
 * handed (the next free worker takes the next job). Results are the sequential run's: a trial
 * sees only its parameters and its seed.
 *
 * @example
 * ```ts no-run
 * const pool = createTrialPool({ module: new URL('./trial.mjs', import.meta.url), workers: 2 });
 * const outcomes = await pool.run([{ index: 0, params: { sr: 1.1 }, seed: 7 }]);
 * await pool.close();
 * ```
 */
export function createTrialPool(options: TrialPoolOptions): TrialPool {
  const o = checkOptions('options', options, ['module', 'export', 'workers']);
  const url = checkModuleUrl('options.module', o.module);
  const exportName = o.export === undefined ? 'trial' : o.export;
  if (typeof exportName !== 'string' || exportName.length === 0) invalid('options.export', 'the name of the trial export', exportName);
  const requested = o.workers === undefined ? 2 : checkInteger('options.workers', o.workers, { min: 0, max: 256 });
  const Worker = requested > 0 ? workerConstructor() : undefined;
  const workers = Worker === undefined ? 0 : requested;
  if (workers === 0) {
    let fn: Promise<TrialFunction> | undefined;
    const load = (): Promise<TrialFunction> =>
      (fn ??= import(/* @vite-ignore */ url).then((mod: Record<string, unknown>) => {
        const f = mod[exportName];
        if (typeof f !== 'function') invalid('options.export', `a function export of ${url}`, exportName);
        return f as TrialFunction;
      }));
    return {
      name: 'trial-pool',
      workers: 0,
      async run(jobs) {
        checkJobs(jobs);
        const f = await load();
        const out: TrialOutcome[] = [];
        for (const job of jobs) {
          const t0 = performance.now();
          try {
            const score = await f(job.params, { index: job.index, seed: job.seed });
            out.push({ index: job.index, score: typeof score === 'number' ? score : NaN, worker: -1, seconds: (performance.now() - t0) / 1000 });
          } catch (e) {
            out.push({ index: job.index, score: NaN, error: e instanceof Error ? e.message : String(e), worker: -1, seconds: (performance.now() - t0) / 1000 });
          }
        }
        return out;
      },
      close: () => Promise.resolve(),
    };
  }
  const threads: { w: WorkerLike; ready: Promise<void> }[] = [];
  const handlers: ((m: Record<string, unknown>) => void)[] = [];
  let failure: Error | undefined;
  let runReject: ((e: Error) => void) | undefined;
  for (let k = 0; k < workers; k++) {
    const w = new Worker!(WORKER_SOURCE, { eval: true, workerData: { url, exportName } });
    const ready = new Promise<void>((resolve, reject) => {
      w.on('message', (raw) => {
        const m = raw as Record<string, unknown>;
        if (m['ready'] === true) resolve();
        else if (typeof m['fatal'] === 'string') {
          failure = new PhaseflowError('INVALID_ARGUMENT', `trial pool: worker ${k} could not load ${url}: ${m['fatal']}`, {
            argument: 'options.module',
            expected: 'an ES module importable by Node with a function export',
            received: m['fatal'],
          });
          reject(failure);
        } else handlers[k]?.(m);
      });
      w.on('error', (e) => {
        failure = e instanceof Error ? e : new Error(String(e));
        reject(failure);
        runReject?.(failure);
      });
    });
    ready.catch(() => undefined);
    threads.push({ w, ready });
  }
  let busy = false;
  return {
    name: 'trial-pool',
    workers,
    async run(jobs) {
      checkJobs(jobs);
      if (busy)
        throw new PhaseflowError('INVALID_STATE', 'trial pool: run() while a run is in progress', {
          argument: 'pool',
          expected: 'an idle pool',
          received: 'a running pool',
        });
      busy = true;
      try {
        await Promise.all(threads.map((t) => t.ready));
        const out = new Array<TrialOutcome | undefined>(jobs.length);
        let next = 0;
        await new Promise<void>((resolve, reject) => {
          let pending = jobs.length;
          if (pending === 0) return resolve();
          const give = (k: number): void => {
            if (next >= jobs.length) return;
            const slot = next++;
            const job = jobs[slot]!;
            handlers[k] = (m) => {
              out[slot] = {
                index: job.index,
                score: typeof m['score'] === 'number' ? m['score'] : NaN,
                ...(typeof m['error'] === 'string' ? { error: m['error'] } : {}),
                worker: k,
                seconds: typeof m['seconds'] === 'number' ? m['seconds'] : NaN,
              };
              if (--pending === 0) resolve();
              else give(k);
            };
            threads[k]!.w.postMessage({ index: job.index, params: job.params, seed: job.seed });
          };
          runReject = reject;
          threads.forEach((_, k) => give(k));
        });
        if (failure !== undefined) throw failure;
        return out as TrialOutcome[];
      } finally {
        busy = false;
        runReject = undefined;
      }
    },
    async close() {
      await Promise.all(threads.map((t) => t.w.terminate()));
    },
  };
}
