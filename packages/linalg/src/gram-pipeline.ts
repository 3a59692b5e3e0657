/**
 * The Gram accumulation S += Σ x_s x_sᵀ on a second core: the caller (a reservoir stepping
 * W·x) fills a block of samples while a worker thread sums the previous block with the same
 * WebAssembly SIMD kernel as {@link createGramKernel}, over one shared memory
 * (`WebAssembly.Memory({ shared: true })`, a SharedArrayBuffer). Two panel buffers alternate;
 * the threads hand them over with `Atomics.wait`/`Atomics.notify` once per block (128–256
 * samples), never per sample, so a busy machine costs waiting time, not correctness.
 *
 * The worker runs the same kernel on the same blocks in the same order, so the sums are the
 * sequential kernel's bits (tested). Where worker threads, shared memory or WebAssembly SIMD
 * are missing (a browser page without cross-origin isolation, an old engine), or `threads` is
 * 1, the blocks are summed on the calling thread by {@link createGramKernel}: same bits again.
 *
 * The worker's code is a string evaluated by `node:worker_threads` (no file to resolve, so it
 * runs the same from the sources and from a build); the module is found through
 * `process.getBuiltinModule`, so nothing here imports a Node built-in statically.
 */
import { PhaseflowError, checkInteger, checkOneOf, checkOptions } from '@phaseflow/core';
import { createGramKernel, gramWasmBytes, type GramKernel } from './gram.js';

/** Options of {@link createGramPipeline}. */
export interface GramPipelineOptions {
  /** Number of features n, ≥ 1. */
  readonly features: number;
  /** Samples per block B, ≥ 1. */
  readonly block: number;
  /** `2`: sum on a worker thread where possible; `1`: on the calling thread. Default 2. */
  readonly threads?: 1 | 2;
}

/** A Gram accumulator fed block by block, summing on a worker thread when it has one. */
export interface GramPipeline {
  readonly name: 'gram-pipeline';
  /** True when a worker thread sums the blocks. */
  readonly threaded: boolean;
  /** Features rounded up to a multiple of four (row stride of the sums). */
  readonly stride: number;
  readonly block: number;
  /** The panel to fill now (column panels of four features, as {@link GramKernel.panels}); a new one after each {@link GramPipeline.post}. */
  panels(): Float64Array;
  /** Hand the current panel's first `count` samples over to be summed. */
  post(count: number): void;
  /** Wait until every posted block is summed; returns the sums (stride × stride, upper triangle of 4 × 4 tiles). */
  finish(): Float64Array;
  /** Stop the worker (if any). The pipeline cannot be used afterwards. */
  close(): void;
  /** Blocks the worker thread has summed so far (the others were summed by the caller: before the worker ran, or all of them without one). */
  readonly blocksOnWorker: number;
  /**
   * Blocks posted but not yet summed (always 0 without a worker). While it is not 0, the
   * worker is busy and the next {@link GramPipeline.post} would wait for it: a caller that
   * must stay responsive (an abortable fit) can wait asynchronously until it is 0 instead.
   */
  readonly pending: number;
  /** Block the caller until the worker runs (true) or `ms` milliseconds have passed (false); false at once without a worker. */
  waitForWorker(ms: number): boolean;
  /** Block the caller until {@link GramPipeline.pending} is 0 (true) or `ms` milliseconds have passed (false); true at once without a worker. */
  waitIdle(ms: number): boolean;
}

interface WorkerLike {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error', listener: (e: unknown) => void): void;
}
type WorkerCtor = new (code: string, options: { eval: true; workerData: unknown }) => WorkerLike;

/** `node:worker_threads`' Worker, or undefined where there is none (browsers, other engines). */
function workerConstructor(): WorkerCtor | undefined {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const wt = proc?.getBuiltinModule?.('node:worker_threads') as { Worker?: WorkerCtor; isMainThread?: boolean } | undefined;
    if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return undefined;
    return wt?.Worker;
  } catch {
    return undefined;
  }
}

// The worker: instantiate the Gram module over the shared memory, then sum each posted block.
// ctrl: [0] blocks posted, [1] blocks summed, [2] state (1 running, −1 failed), [3] stop, [4 + b] samples in buffer b.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrlBuffer, a } = workerData;
const ctrl = new Int32Array(ctrlBuffer);
try {
  const gram = new WebAssembly.Instance(module, { m: { m: memory } }).exports.gram;
  Atomics.store(ctrl, 2, 1);
  Atomics.notify(ctrl, 2);
  for (;;) {
    // posted before done: the caller stores done before posted when it sums a block itself.
    let posted = Atomics.load(ctrl, 0);
    let done = Atomics.load(ctrl, 1);
    while (posted <= done && Atomics.load(ctrl, 3) === 0) {
      Atomics.wait(ctrl, 0, posted, 1000);
      posted = Atomics.load(ctrl, 0);
      done = Atomics.load(ctrl, 1);
    }
    if (posted <= done) break;
    const b = done & 1;
    const count = Atomics.load(ctrl, 4 + b);
    if (count > 0) gram(a.panel[b], a.sums, a.comp, a.nq, a.rowBytes, a.panelBytes, count * 32);
    Atomics.store(ctrl, 1, done + 1);
    Atomics.notify(ctrl, 1);
  }
} catch (e) {
  Atomics.store(ctrl, 2, -1);
  Atomics.notify(ctrl, 1);
}
`;

/**
 * A Gram accumulator whose blocks are summed on a worker thread while the caller fills the
 * next one (double-buffered panels in shared memory). Equation: S += Σ_s x_s x_sᵀ per block,
 * Kahan-compensated across blocks, as {@link createGramKernel}; the same bits on one thread or
 * two.
 *
 * @example
 * ```ts
 * const g = createGramPipeline({ features: 2, block: 4 });
 * g.panels().set([1, 2, 0, 0, 3, 4, 0, 0]); // x₀ = (1, 2), x₁ = (3, 4)
 * g.post(2);
 * const S = g.finish(); // [S[0], S[1], S[g.stride + 1]] = [10, 14, 20]
 * g.close();
 * ```
 */
export function createGramPipeline(options: GramPipelineOptions): GramPipeline {
  const o = checkOptions('options', options, ['features', 'block', 'threads']);
  const n = checkInteger('options.features', o.features, { min: 1 });
  const block = checkInteger('options.block', o.block, { min: 1 });
  const threads = checkOneOf('options.threads', o.threads === undefined ? 2 : o.threads, [1, 2] as const);
  const Worker = threads === 2 ? workerConstructor() : undefined;
  const threaded = Worker === undefined ? undefined : startThreaded(Worker, n, block);
  if (threaded !== undefined) return threaded;
  const k: GramKernel = createGramKernel({ features: n, block });
  let closed = false;
  return {
    name: 'gram-pipeline',
    threaded: false,
    stride: k.stride,
    block,
    panels: () => k.panels,
    post: (count) => {
      if (closed) closedError();
      k.accumulate(count);
    },
    finish: () => k.sums,
    close: () => {
      closed = true;
    },
    blocksOnWorker: 0,
    pending: 0,
    waitForWorker: () => false,
    waitIdle: () => true,
  };
}

function closedError(): never {
  throw new PhaseflowError('INVALID_STATE', 'gram pipeline: used after close()', { argument: 'pipeline', expected: 'an open pipeline', received: 'closed' });
}

function startThreaded(Worker: WorkerCtor, n: number, block: number): GramPipeline | undefined {
  const stride = (n + 3) & ~3;
  const nq = stride >> 2;
  const align = (b: number): number => Math.ceil(b / 64) * 64;
  const pBytes = align(stride * block * 8),
    sBytes = align(stride * stride * 8);
  const total = 2 * pBytes + 2 * sBytes;
  const pages = Math.ceil(total / 65536);
  if (pages > 65536) return undefined;
  let memory: WebAssembly.Memory;
  let module: WebAssembly.Module;
  try {
    const bytes = gramWasmBytes(pages);
    if (!WebAssembly.validate(bytes)) return undefined;
    module = new WebAssembly.Module(bytes);
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  } catch {
    return undefined;
  }
  const ctrlBuffer = new SharedArrayBuffer(8 * 4);
  const ctrl = new Int32Array(ctrlBuffer);
  const a = { panel: [0, pBytes], sums: 2 * pBytes, comp: 2 * pBytes + sBytes, nq, rowBytes: stride * 8, panelBytes: block * 32 };
  let worker: WorkerLike;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, ctrlBuffer, a } });
  } catch {
    return undefined;
  }
  worker.unref();
  worker.on('error', () => Atomics.store(ctrl, 2, -1));
  // Until the worker runs (starting one takes tens of milliseconds, more on a busy machine),
  // this thread sums the blocks itself with its own instance over the same memory: the blocks
  // still reach the sums one after the other, in order.
  let here: (pP: number, pS: number, pC: number, nq: number, rowBytes: number, panelBytes: number, countBytes: number) => void;
  try {
    here = new WebAssembly.Instance(module, { m: { m: memory } }).exports['gram'] as typeof here;
  } catch {
    void worker.terminate();
    return undefined;
  }
  const buf = memory.buffer;
  const panelViews = [new Float64Array(buf, 0, stride * block), new Float64Array(buf, pBytes, stride * block)];
  const sums = new Float64Array(buf, 2 * pBytes, stride * stride);
  let posted = 0;
  let here_ = 0; // blocks summed on this thread
  let closed = false;
  // Wait until the worker has summed `target` blocks (seconds without progress → an error, not a hang).
  const waitFor = (target: number): void => {
    let last = Atomics.load(ctrl, 1);
    let stalled = 0;
    while (last < target) {
      if (Atomics.load(ctrl, 2) === -1) {
        throw new PhaseflowError('INVALID_STATE', 'gram pipeline: the worker thread failed', {
          argument: 'pipeline',
          expected: 'a running worker',
          received: 'a failed worker',
        });
      }
      const r = Atomics.wait(ctrl, 1, last, 100);
      const now = Atomics.load(ctrl, 1);
      stalled = now === last && r === 'timed-out' ? stalled + 100 : 0;
      if (stalled >= 120_000) {
        throw new PhaseflowError('INVALID_STATE', 'gram pipeline: the worker thread made no progress for 120 s', {
          argument: 'pipeline',
          expected: 'a running worker',
          received: 'no progress',
        });
      }
      last = now;
    }
  };
  return {
    name: 'gram-pipeline',
    threaded: true,
    stride,
    block,
    panels: () => panelViews[posted & 1]!,
    post(count) {
      if (closed) closedError();
      checkInteger('count', count, { min: 0, max: block });
      const b = posted & 1;
      if (Atomics.load(ctrl, 2) !== 1 && Atomics.load(ctrl, 1) === posted) {
        // The worker is not running yet and has nothing outstanding: sum here. The done count
        // moves before the posted count, so the worker never sees this block as its own.
        if (count > 0) here(a.panel[b]!, a.sums, a.comp, nq, a.rowBytes, a.panelBytes, count * 32);
        here_++;
        posted++;
        Atomics.store(ctrl, 1, posted);
        Atomics.store(ctrl, 0, posted);
        return;
      }
      Atomics.store(ctrl, 4 + b, count);
      posted++;
      Atomics.store(ctrl, 0, posted);
      Atomics.notify(ctrl, 0);
      // The next panel to fill is the one of block posted − 2: wait until the worker is done with it.
      waitFor(posted - 1);
    },
    finish() {
      if (closed) closedError();
      waitFor(posted);
      return sums;
    },
    get pending() {
      return posted - Atomics.load(ctrl, 1);
    },
    get blocksOnWorker() {
      return Atomics.load(ctrl, 1) - here_;
    },
    waitIdle(ms) {
      const until = performance.now() + ms;
      for (let done = Atomics.load(ctrl, 1); done < posted && Atomics.load(ctrl, 2) !== -1; done = Atomics.load(ctrl, 1)) {
        const left = until - performance.now();
        if (left <= 0) return false;
        Atomics.wait(ctrl, 1, done, left);
      }
      return Atomics.load(ctrl, 1) >= posted;
    },
    waitForWorker(ms) {
      const until = performance.now() + ms;
      while (Atomics.load(ctrl, 2) === 0 && performance.now() < until) Atomics.wait(ctrl, 2, 0, Math.max(1, Math.min(50, until - performance.now())));
      return Atomics.load(ctrl, 2) === 1;
    },
    close() {
      if (closed) return;
      closed = true;
      Atomics.store(ctrl, 3, 1);
      Atomics.notify(ctrl, 0);
      void worker.terminate();
    },
  };
}
