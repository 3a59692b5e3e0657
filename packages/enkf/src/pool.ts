/**
 * A pool of worker threads for the ensemble's forward passes: in an EnKF iteration the J
 * members G(θ_j; x_B) are independent evaluations of one model at J parameter vectors, so they
 * can run on any core, in any grouping, and still give the outputs of a sequential pass.
 *
 * The model is built in each worker by an export of an ES module (a file URL or path), not
 * passed as an object: a worker thread cannot receive a closure or a model, it imports the
 * module itself. The module must be importable by plain Node (built JavaScript: a module that
 * imports `@phaseflow/nn64` resolves its `dist`). θ, the minibatch and the outputs travel in
 * SharedArrayBuffers, so a hand-over is a message of a few numbers. The worker's bootstrap is a
 * string evaluated by `node:worker_threads` (found through `process.getBuiltinModule`, nothing
 * imported statically), so the pool works the same from sources and from a build; where there
 * are no worker threads (a browser), `workers` is 0 and the members run on the calling thread.
 */
import {
  PhaseflowError,
  callbackFailed,
  checkFunction,
  checkInteger,
  checkModuleUrl,
  checkOptions,
  createYielder,
  describeValue,
  invalid,
} from '@phaseflow/core';
import type { Batch } from './batch.js';

/** What a member-pool module exports (under `export`, default `model`): a function building the model, once per worker. */
export type MemberModelFactory = (context: { readonly worker: number }) => unknown;

/** Options of {@link createMemberPool}. */
export interface MemberPoolOptions {
  /** The module (file URL, or an absolute path) whose export builds the model. */
  readonly module: string | URL;
  /** The export's name. Default `'model'`. */
  readonly export?: string;
  /** Worker threads; 0 evaluates the members on the calling thread. Default 2. */
  readonly workers?: number;
}

/** One evaluation of {@link MemberPool.evaluate}: J members of P parameters on one batch. */
export interface MemberEvaluation {
  /** J rows of P numbers, row-major (P must be the size of the module's model). */
  readonly thetas: Float64Array;
  /** J, the number of members (rows of `thetas`). */
  readonly members: number;
  /** The input every member is evaluated on. */
  readonly batch: Batch;
  /** Numbers in one member's output (rows × outputs); a model giving another length is a SHAPE_MISMATCH. */
  readonly outputs: number;
  /**
   * Called before each hand-over with the number of members handed over so far; a throw (an
   * abort) stops the hand-overs, and `evaluate` rejects with it once the members in flight are back.
   */
  readonly between?: (handed: number) => void;
}

/** A pool of worker threads evaluating ensemble members of one model. */
export interface MemberPool {
  readonly name: 'member-pool';
  /** Worker threads in use (0: on the calling thread). */
  readonly workers: number;
  /** The model, as errors name it: `module#export`. */
  readonly model: string;
  /**
   * Evaluate the members: a new array of J × `outputs` numbers, member j's output at
   * `j × outputs` (the members' order, whichever worker ran them). One evaluation at a time.
   */
  evaluate(job: MemberEvaluation): Promise<Float64Array>;
  /** Stop the workers (a closed pool refuses further evaluations). */
  close(): Promise<void>;
}

interface WorkerLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (m: unknown) => void): void;
  on(event: 'error', listener: (e: unknown) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
  terminate(): Promise<number>;
  ref(): void;
  unref(): void;
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

// The worker: import the module, build the model once, then evaluate the hand-overs
// { j0, n, P, rows, cols, M } on the shared θ and batch, writing the outputs in place. The
// evaluation mirrors `evaluateHere` below (forwardEnsemble when the view has it, else set +
// forward per member; array outputs or tensors read by dataSync).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const describe = (e) => ({ name: (e && e.name) || 'Error', message: String((e && e.message) || e), stack: e && e.stack, code: e && e.code });
const read = (o) => {
  if (o !== null && typeof o === 'object' && typeof o.dataSync === 'function') { const d = o.dataSync(); if (typeof o.dispose === 'function') o.dispose(); return d; }
  return o;
};
let buffers;
import(workerData.url).then(async (mod) => {
  const fn = mod[workerData.exportName];
  if (typeof fn !== 'function') { parentPort.postMessage({ fatal: 'export', message: 'the module has no function export ' + JSON.stringify(workerData.exportName) }); return; }
  let model;
  try { model = await fn({ worker: workerData.worker }); } catch (e) { parentPort.postMessage({ fatal: 'factory', error: describe(e) }); return; }
  const view = model && model.parameters;
  if (!model || typeof model.forward !== 'function' || !view || !Number.isInteger(view.size) || view.size < 1 || typeof view.set !== 'function') {
    parentPort.postMessage({ fatal: 'model', message: 'the export did not return a parametric Layer (forward, and parameters with size, get, set)' });
    return;
  }
  parentPort.on('message', (job) => {
    if (job.buffers) buffers = { theta: new Float64Array(job.buffers.theta), x: new Float64Array(job.buffers.x), out: new Float64Array(job.buffers.out) };
    const t0 = performance.now();
    const { j0, n, P, rows, cols, M } = job;
    try {
      const batch = { x: buffers.x.subarray(0, rows * cols), rows, cols };
      const outs = [];
      if (typeof view.forwardEnsemble === 'function') {
        const raw = view.forwardEnsemble(buffers.theta.subarray(j0 * P, (j0 + n) * P), n, batch);
        if (!Array.isArray(raw) || raw.length !== n) { parentPort.postMessage({ shape: -1, expected: n, received: Array.isArray(raw) ? 'an array of ' + raw.length : typeof raw }); return; }
        for (const r of raw) outs.push(read(r));
      } else {
        for (let j = j0; j < j0 + n; j++) { view.set(buffers.theta.subarray(j * P, (j + 1) * P)); outs.push(read(model.forward(batch))); }
      }
      for (let i = 0; i < n; i++) {
        const g = outs[i];
        if (g === null || typeof g !== 'object' || g.length !== M) {
          parentPort.postMessage({ shape: j0 + i, received: g === null || typeof g !== 'object' ? String(g) : 'length ' + g.length });
          return;
        }
        buffers.out.set(g, (j0 + i) * M);
      }
      parentPort.postMessage({ done: n, seconds: (performance.now() - t0) / 1000 });
    } catch (e) {
      parentPort.postMessage({ error: describe(e) });
    }
  });
  parentPort.postMessage({ ready: true, size: view.size });
}).catch((e) => parentPort.postMessage({ fatal: 'import', error: describe(e) }));
`;

interface CheckedJob {
  readonly thetas: Float64Array;
  readonly J: number;
  readonly P: number;
  readonly batch: Batch;
  readonly M: number;
  readonly between: ((handed: number) => void) | undefined;
}

/** Validate an evaluation `{ thetas, members, batch, outputs, between? }`. */
function checkJob(job: MemberEvaluation): CheckedJob {
  if (job === null || typeof job !== 'object' || Array.isArray(job)) invalid('job', 'an evaluation { thetas, members, batch, outputs, between? }', job);
  const j = checkOptions('job', job, ['thetas', 'members', 'batch', 'outputs', 'between']);
  const J = checkInteger('job.members', j.members, { min: 1 });
  if (!(j.thetas instanceof Float64Array) || j.thetas.length === 0 || j.thetas.length % J !== 0) {
    invalid('job.thetas', `a Float64Array of members × P numbers (members = ${J})`, j.thetas, 'SHAPE_MISMATCH');
  }
  const b = j.batch as unknown;
  if (b === null || typeof b !== 'object' || Array.isArray(b)) invalid('job.batch', 'a batch { x, rows, cols }', b);
  const batch = checkOptions('job.batch', b as Batch, ['x', 'rows', 'cols']);
  const rows = checkInteger('job.batch.rows', batch.rows, { min: 1 });
  const cols = checkInteger('job.batch.cols', batch.cols, { min: 1 });
  if (!(batch.x instanceof Float64Array) || batch.x.length !== rows * cols) {
    invalid('job.batch.x', `a Float64Array of rows × cols = ${rows * cols} numbers`, batch.x, 'SHAPE_MISMATCH');
  }
  const M = checkInteger('job.outputs', j.outputs, { min: 1 });
  const between = j.between === undefined ? undefined : checkFunction<(handed: number) => void>('job.between', j.between);
  return { thetas: j.thetas, J, P: j.thetas.length / J, batch, M, between };
}

/** A model's output as numbers: array-likes as they are, tensors through dataSync (then disposed). */
function readOutput(o: unknown): unknown {
  if (o !== null && typeof o === 'object' && typeof (o as { dataSync?: unknown }).dataSync === 'function') {
    const t = o as { dataSync(): ArrayLike<number>; dispose?(): void };
    const d = t.dataSync();
    t.dispose?.();
    return d;
  }
  return o;
}

interface ParametricModel {
  forward(input: Batch): unknown;
  parameters: { size: number; set(theta: ArrayLike<number>): void; forwardEnsemble?(thetas: Float64Array, members: number, input: Batch): unknown };
}

/** Milliseconds of model work one hand-over aims at: long enough to hide its message, short enough for an abort to land soon. */
const HANDOVER_MS = 20;

/**
 * A pool of `workers` threads, each importing the module once and building its model from the
 * export, then evaluating the runs of members it is handed (the next free worker takes the next
 * run, sized to about 20 ms of work from the measured time per member). Each member's output
 * depends only on its θ and the batch, so the outputs are those of a sequential pass, bit for
 * bit. Worker threads are not kept referenced between evaluations: a pool left unclosed does
 * not keep Node running.
 *
 * @example
 * ```ts no-run
 * // model.mjs: export const model = () => createMlp64({ sizes: [64, 256, 10], output: 'softmax', seed: 1 });
 * const pool = createMemberPool({ module: new URL('./model.mjs', import.meta.url), workers: 2 });
 * const trainer = createEnKFTrainer({ ensembleSize: 96, batchSize: 200, pool });
 * await trainer.fit(createMlp64({ sizes: [64, 256, 10], output: 'softmax', seed: 1 }), digits);
 * await pool.close();
 * ```
 */
export function createMemberPool(options: MemberPoolOptions): MemberPool {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) invalid('options', 'the pool options { module, export?, workers? }', options);
  const o = checkOptions('options', options, ['module', 'export', 'workers']);
  const url = checkModuleUrl('options.module', o.module);
  const exportName = o.export === undefined ? 'model' : o.export;
  if (typeof exportName !== 'string' || exportName.length === 0) invalid('options.export', 'the name of the export that builds the model', exportName);
  const requested = o.workers === undefined ? 2 : checkInteger('options.workers', o.workers, { min: 0, max: 256 });
  const Worker = requested > 0 ? workerConstructor() : undefined;
  const workers = Worker === undefined ? 0 : requested;
  const modelName = `${url}#${exportName}`;
  // A missing export is options.export's fault; a module that does not load or builds no model, options.module's.
  const notLoaded = (argument: 'options.module' | 'options.export', message: string, received: unknown): PhaseflowError =>
    new PhaseflowError('INVALID_ARGUMENT', `member pool: could not build the model from ${modelName}: ${message}`, {
      argument,
      expected: 'an ES module importable by Node whose export returns a parametric Layer',
      received: describeValue(received),
    });
  const sizeMismatch = (size: number, P: number): PhaseflowError =>
    new PhaseflowError('SHAPE_MISMATCH', `member pool: ${modelName} builds a model of ${size} parameters, job.thetas holds ${P} per member`, {
      argument: 'job.thetas',
      expected: `members × ${size} numbers`,
      received: `members × ${P}`,
    });
  const outputMismatch = (member: number, M: number, received: string): PhaseflowError =>
    new PhaseflowError('SHAPE_MISMATCH', `model output of member ${member}: expected ${M} numbers (job.outputs), received ${received}`, {
      argument: 'model output',
      expected: `length ${M}`,
      received,
    });
  let chunk = 4;
  const resize = (n: number, seconds: number, J: number, slots: number): void => {
    const ms = (seconds * 1000) / n;
    chunk = Math.max(1, Math.min(Math.ceil(J / slots), Math.round(ms > 0 ? HANDOVER_MS / ms : 2 * n)));
  };
  let busy = false;
  let closed = false;
  const enter = (): void => {
    if (closed)
      throw new PhaseflowError('INVALID_STATE', 'member pool: evaluate() after close()', {
        argument: 'pool',
        expected: 'an open pool',
        received: 'a closed pool',
      });
    if (busy)
      throw new PhaseflowError('INVALID_STATE', 'member pool: evaluate() while an evaluation is in progress', {
        argument: 'pool',
        expected: 'an idle pool',
        received: 'a busy pool',
      });
    busy = true;
  };

  if (workers === 0) {
    let built: Promise<ParametricModel> | undefined;
    const load = (): Promise<ParametricModel> =>
      (built ??= import(/* @vite-ignore */ url).then(
        async (mod: Record<string, unknown>) => {
          const f = mod[exportName];
          if (typeof f !== 'function') throw notLoaded('options.export', `the module has no function export ${JSON.stringify(exportName)}`, exportName);
          let m: unknown;
          try {
            m = await (f as MemberModelFactory)({ worker: -1 });
          } catch (e) {
            throw callbackFailed(modelName, e);
          }
          const v = (m as { parameters?: { size?: unknown; set?: unknown } } | null)?.parameters;
          if (
            typeof (m as { forward?: unknown } | null)?.forward !== 'function' ||
            !v ||
            !Number.isInteger(v.size) ||
            (v.size as number) < 1 ||
            typeof v.set !== 'function'
          ) {
            throw notLoaded('options.module', 'the export did not return a parametric Layer (forward, and parameters with size, get, set)', m);
          }
          return m as ParametricModel;
        },
        (e: unknown) => {
          throw e instanceof PhaseflowError ? e : notLoaded('options.module', e instanceof Error ? e.message : String(e), e);
        },
      ));
    const yielder = createYielder();
    return {
      name: 'member-pool',
      workers: 0,
      model: modelName,
      async evaluate(job) {
        const { thetas, J, P, batch, M, between } = checkJob(job);
        enter();
        try {
          const model = await load();
          const view = model.parameters;
          if (view.size !== P) throw sizeMismatch(view.size, P);
          const out = new Float64Array(J * M);
          for (let j0 = 0; j0 < J;) {
            between?.(j0);
            const n = Math.min(chunk, J - j0);
            const t0 = performance.now();
            let outs: unknown[];
            try {
              if (typeof view.forwardEnsemble === 'function') {
                const raw = view.forwardEnsemble(thetas.subarray(j0 * P, (j0 + n) * P), n, batch);
                if (!Array.isArray(raw) || raw.length !== n) throw outputMismatch(j0, M, `forwardEnsemble gave ${describeValue(raw)} for ${n} members`);
                outs = raw.map(readOutput);
              } else {
                outs = [];
                for (let j = j0; j < j0 + n; j++) {
                  view.set(thetas.subarray(j * P, (j + 1) * P));
                  outs.push(readOutput(model.forward(batch)));
                }
              }
            } catch (e) {
              throw e instanceof PhaseflowError && e.code === 'SHAPE_MISMATCH' && e.details.argument === 'model output' ? e : callbackFailed(modelName, e);
            }
            outs.forEach((g, i) => {
              if (g === null || typeof g !== 'object' || (g as ArrayLike<number>).length !== M) throw outputMismatch(j0 + i, M, describeValue(g));
              out.set(g as ArrayLike<number>, (j0 + i) * M);
            });
            resize(n, (performance.now() - t0) / 1000, J, 1);
            j0 += n;
            if (yielder.due()) await yielder.pause();
          }
          return out;
        } finally {
          busy = false;
        }
      },
      close() {
        closed = true;
        return Promise.resolve();
      },
    };
  }

  // Each thread: its worker, the promise of its model's size, the handler of its current hand-over.
  const threads: {
    w: WorkerLike;
    ready: Promise<number>;
    rejectReady: (e: PhaseflowError) => void;
    handle?: (m: Record<string, unknown>) => void;
    generation: number;
  }[] = [];
  const closedMidway = (): PhaseflowError =>
    new PhaseflowError('INVALID_STATE', 'member pool: closed during an evaluation', {
      argument: 'pool',
      expected: 'an open pool',
      received: 'a pool closed mid-evaluation',
    });
  let failure: PhaseflowError | undefined;
  let onFailure: ((e: PhaseflowError) => void) | undefined;
  const fail = (e: PhaseflowError): void => {
    failure ??= e;
    onFailure?.(failure);
  };
  const causeOf = (raw: unknown, k: number): Error => {
    const d = (raw ?? {}) as { name?: string; message?: string; stack?: string; code?: unknown };
    const e = new Error(`${d.message ?? String(raw)} (in worker ${k})`) as Error & { code?: unknown };
    if (typeof d.name === 'string') e.name = d.name;
    if (typeof d.stack === 'string') e.stack = d.stack;
    if (d.code !== undefined) e.code = d.code;
    return e;
  };
  for (let k = 0; k < workers; k++) {
    const w = new Worker!(WORKER_SOURCE, { eval: true, workerData: { url, exportName, worker: k } });
    w.unref();
    const thread: (typeof threads)[number] = { w, ready: Promise.resolve(0), rejectReady: () => undefined, generation: -1 };
    thread.ready = new Promise<number>((resolve, reject) => {
      thread.rejectReady = reject;
      w.on('message', (raw) => {
        const m = raw as Record<string, unknown>;
        if (m['ready'] === true) resolve(m['size'] as number);
        else if (typeof m['fatal'] === 'string') {
          const e =
            m['fatal'] === 'factory'
              ? callbackFailed(modelName, causeOf(m['error'], k))
              : notLoaded(
                  m['fatal'] === 'export' ? 'options.export' : 'options.module',
                  typeof m['message'] === 'string' ? m['message'] : causeOf(m['error'], k).message,
                  m['message'] ?? (m['error'] as { message?: unknown })?.message,
                );
          reject(e);
          fail(e);
        } else thread.handle?.(m);
      });
      w.on('error', (e) => {
        const err = callbackFailed(modelName, e instanceof Error ? e : causeOf(e, k));
        reject(err);
        fail(err);
      });
      w.on('exit', (code) => {
        if (closed) return;
        const err = callbackFailed(modelName, new Error(`worker ${k} exited with code ${code}`));
        reject(err);
        fail(err);
      });
    });
    thread.ready.catch(() => undefined);
    threads.push(thread);
  }
  let generation = 0;
  let shared: { theta: Float64Array; x: Float64Array; out: Float64Array } | undefined;
  const grow = (buffer: Float64Array | undefined, n: number): Float64Array => {
    if (buffer && buffer.length >= n) return buffer;
    generation++;
    return new Float64Array(new SharedArrayBuffer(8 * Math.max(n, 2 * (buffer?.length ?? 0))));
  };
  return {
    name: 'member-pool',
    workers,
    model: modelName,
    async evaluate(job) {
      const { thetas, J, P, batch, M, between } = checkJob(job);
      enter();
      for (const t of threads) t.w.ref();
      try {
        if (failure) throw failure;
        const sizes = await Promise.all(threads.map((t) => t.ready));
        if (closed) throw closedMidway();
        if (sizes[0] !== P) throw sizeMismatch(sizes[0]!, P);
        shared = { theta: grow(shared?.theta, J * P), x: grow(shared?.x, batch.x.length), out: grow(shared?.out, J * M) };
        shared.theta.set(thetas);
        shared.x.set(batch.x);
        const buffers = { theta: shared.theta.buffer, x: shared.x.buffer, out: shared.out.buffer };
        let next = 0;
        let inFlight = 0;
        let stopped: unknown;
        let finished = false;
        await new Promise<void>((resolve) => {
          const settle = (): void => {
            if (inFlight === 0 && !finished && (stopped !== undefined || next >= J)) {
              finished = true;
              resolve();
            }
          };
          onFailure = (e) => {
            stopped ??= e;
            // A failed worker answers no more: do not wait for the runs it held.
            inFlight = 0;
            settle();
          };
          const give = (k: number): void => {
            if (stopped !== undefined || next >= J) return settle();
            try {
              between?.(next);
            } catch (e) {
              stopped = e;
              return settle();
            }
            const j0 = next;
            const n = Math.min(chunk, J - j0);
            next += n;
            inFlight++;
            const t = threads[k]!;
            t.handle = (m) => {
              inFlight = Math.max(0, inFlight - 1);
              if (typeof m['done'] === 'number') resize(n, m['seconds'] as number, J, workers);
              else if (m['error'] !== undefined) stopped ??= callbackFailed(modelName, causeOf(m['error'], k));
              else if (typeof m['shape'] === 'number') {
                stopped ??=
                  m['shape'] < 0
                    ? outputMismatch(j0, M, `forwardEnsemble gave ${String(m['received'])} for ${n} members`)
                    : outputMismatch(m['shape'], M, String(m['received']));
              }
              give(k);
            };
            const fresh = t.generation !== generation;
            t.generation = generation;
            t.w.postMessage({ j0, n, P, rows: batch.rows, cols: batch.cols, M, ...(fresh ? { buffers } : {}) });
          };
          if (failure) onFailure(failure);
          else threads.forEach((_, k) => give(k));
        });
        if (stopped !== undefined) throw stopped;
        return shared.out.slice(0, J * M);
      } finally {
        onFailure = undefined;
        for (const t of threads) {
          t.handle = undefined;
          t.w.unref();
        }
        busy = false;
      }
    },
    async close() {
      closed = true;
      // An evaluation in flight would wait forever for workers that are gone: end it first.
      const e = closedMidway();
      for (const t of threads) t.rejectReady(e);
      onFailure?.(e);
      await Promise.all(threads.map((t) => t.w.terminate()));
    },
  };
}
