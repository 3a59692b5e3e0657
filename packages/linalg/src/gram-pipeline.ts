/**
 * The Gram accumulation S += Σ x_s x_sᵀ on a second core: the caller (a reservoir stepping
 * W·x) fills a block of samples while a worker thread sums the previous block with the same
 * WebAssembly SIMD kernel as {@link createGramKernel}, over one shared memory
 * (`WebAssembly.Memory({ shared: true })`, a SharedArrayBuffer). Two panel buffers alternate;
 * the threads hand them over with `Atomics.wait`/`Atomics.notify` once per block (128–256
 * samples), never per sample, so a busy machine costs waiting time, not correctness. Where the
 * caller would wait for the worker (its next panel still being summed), it takes tile rows of
 * that block itself: the rows of the upper triangle are claimed one by one from a shared counter,
 * so the two threads share a block's work in whatever ratio their speeds give. Each tile row is
 * summed by one thread with the same kernel over the same samples, and a block's rows are taken
 * only after the block before it is complete, so every tile is summed block by block in order.
 *
 * So the sums are the sequential kernel's bits (tested). Where worker threads, shared memory or WebAssembly SIMD
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
  /**
   * Blocks handed to the worker thread so far (their tile rows shared between it and the caller,
   * who takes rows whenever it would wait); the others were summed whole by the caller: before
   * the worker ran, or all of them without one.
   */
  readonly blocksOnWorker: number;
  /**
   * Blocks posted but not yet summed (always 0 without a worker). While it is not 0, the
   * worker is busy and the next {@link GramPipeline.post} would wait for it: a caller that
   * must stay responsive (an abortable fit) can wait asynchronously until it is 0 instead.
   */
  readonly pending: number;
  /** Block the caller until the worker runs (true) or `ms` milliseconds have passed (false); false at once without a worker. */
  waitForWorker(ms: number): boolean;
  /**
   * Block the caller until {@link GramPipeline.pending} is 0 (true) or `ms` milliseconds have
   * passed (false), summing tile rows of the block in flight meanwhile; true at once without a worker.
   */
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

// The control block (Int32): [0] blocks posted, [1] blocks complete, [2] state (1 running, −1
// failed), [3] stop, [4 + b] samples in buffer b, [6 + b] tile rows of buffer b's block summed.
// The tile rows of block k are the tickets k·nq … k·nq + nq − 1 of one 64-bit counter, which both
// threads advance by compare-and-swap: each row is summed by exactly one thread, with the same
// kernel on the same samples, so a tile's sums do not depend on who summed it. A block's rows are
// taken only once the block before it is complete (the Kahan sums of a tile go block by block).
const POSTED = 0,
  DONE = 1,
  STATE = 2,
  STOP = 3,
  COUNT = 4,
  ROWS = 6,
  CTRL_INTS = 8;

// The worker: instantiate the Gram module over the shared memory, then take tile rows of each
// posted block once the block before it is complete.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrlBuffer, tickBuffer, a } = workerData;
const ctrl = new Int32Array(ctrlBuffer);
const tick = new BigInt64Array(tickBuffer);
const NQ = BigInt(a.nq);
try {
  const gram = new WebAssembly.Instance(module, { m: { m: memory } }).exports.gram;
  let seen = Atomics.load(ctrl, ${DONE});
  Atomics.store(ctrl, ${STATE}, 1);
  Atomics.notify(ctrl, ${STATE});
  outer: for (;;) {
    for (;;) {
      if (Atomics.load(ctrl, ${STOP}) !== 0) break outer;
      const posted = Atomics.load(ctrl, ${POSTED});
      if (posted <= seen) {
        Atomics.wait(ctrl, ${POSTED}, posted, 1000);
        continue;
      }
      const done = Atomics.load(ctrl, ${DONE});
      if (done < seen) {
        Atomics.wait(ctrl, ${DONE}, done, 1000);
        continue;
      }
      break;
    }
    const b = seen & 1;
    const count = Atomics.load(ctrl, ${COUNT} + b);
    const lo = BigInt(seen) * NQ,
      hi = lo + NQ;
    for (;;) {
      const t = Atomics.load(tick, 0);
      if (t < lo || t >= hi) break;
      if (Atomics.compareExchange(tick, 0, t, t + 1n) !== t) continue;
      const I = Number(t - lo);
      if (count > 0) gram(a.panel[b], a.sums, a.comp, a.nq, a.rowBytes, a.panelBytes, count * 32, I, I + 1);
      if (Atomics.add(ctrl, ${ROWS} + b, 1) === a.nq - 1) {
        Atomics.store(ctrl, ${DONE}, seen + 1);
        Atomics.notify(ctrl, ${DONE});
      }
    }
    seen++;
  }
} catch (e) {
  Atomics.store(ctrl, ${STATE}, -1);
  Atomics.notify(ctrl, ${DONE});
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
  const ctrlBuffer = new SharedArrayBuffer(CTRL_INTS * 4);
  const ctrl = new Int32Array(ctrlBuffer);
  const tickBuffer = new SharedArrayBuffer(8);
  const tick = new BigInt64Array(tickBuffer);
  const NQ = BigInt(nq);
  const a = { panel: [0, pBytes], sums: 2 * pBytes, comp: 2 * pBytes + sBytes, nq, rowBytes: stride * 8, panelBytes: block * 32 };
  let worker: WorkerLike;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, ctrlBuffer, tickBuffer, a } });
  } catch {
    return undefined;
  }
  worker.unref();
  worker.on('error', () => Atomics.store(ctrl, STATE, -1));
  // Until the worker runs (starting one takes tens of milliseconds, more on a busy machine),
  // this thread sums the blocks itself with its own instance over the same memory: the blocks
  // still reach the sums one after the other, in order. Once it runs, this thread takes tile rows
  // of the block in flight whenever it would otherwise wait for the worker.
  type Gram = (pP: number, pS: number, pC: number, nq: number, rowBytes: number, panelBytes: number, countBytes: number, i0: number, i1: number) => void;
  let here: Gram;
  try {
    here = new WebAssembly.Instance(module, { m: { m: memory } }).exports['gram'] as Gram;
  } catch {
    void worker.terminate();
    return undefined;
  }
  const buf = memory.buffer;
  const panelViews = [new Float64Array(buf, 0, stride * block), new Float64Array(buf, pBytes, stride * block)];
  const sums = new Float64Array(buf, 2 * pBytes, stride * stride);
  let posted = 0;
  let here_ = 0; // blocks summed whole on this thread
  let closed = false;
  // Take tile rows of block k (its predecessor complete) until none is left or `until` (ms) passes.
  const help = (k: number, until = Infinity): void => {
    const b = k & 1;
    const count = Atomics.load(ctrl, COUNT + b);
    const lo = BigInt(k) * NQ,
      hi = lo + NQ;
    while (performance.now() < until) {
      const t = Atomics.load(tick, 0);
      if (t < lo || t >= hi) return;
      if (Atomics.compareExchange(tick, 0, t, t + 1n) !== t) continue;
      const I = Number(t - lo);
      if (count > 0) here(a.panel[b]!, a.sums, a.comp, nq, a.rowBytes, a.panelBytes, count * 32, I, I + 1);
      if (Atomics.add(ctrl, ROWS + b, 1) === nq - 1) {
        Atomics.store(ctrl, DONE, k + 1);
        Atomics.notify(ctrl, DONE);
      }
    }
  };
  // Wait until `target` blocks are complete (seconds without progress → an error, not a hang).
  const waitFor = (target: number): void => {
    let last = Atomics.load(ctrl, DONE);
    let stalled = 0;
    while (last < target) {
      if (Atomics.load(ctrl, STATE) === -1) {
        throw new PhaseflowError('INVALID_STATE', 'gram pipeline: the worker thread failed', {
          argument: 'pipeline',
          expected: 'a running worker',
          received: 'a failed worker',
        });
      }
      const r = Atomics.wait(ctrl, DONE, last, 100);
      const now = Atomics.load(ctrl, DONE);
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
      const k = posted;
      const b = k & 1;
      if (Atomics.load(ctrl, STATE) !== 1 && Atomics.load(ctrl, DONE) === posted) {
        // The worker is not running (yet) and has nothing outstanding: sum here. The block's
        // tickets and the done count move before the posted count, so the worker never takes
        // a row of this block.
        if (count > 0) here(a.panel[b]!, a.sums, a.comp, nq, a.rowBytes, a.panelBytes, count * 32, 0, nq);
        Atomics.add(tick, 0, NQ);
        here_++;
        posted++;
        Atomics.store(ctrl, DONE, posted);
        Atomics.store(ctrl, POSTED, posted);
        return;
      }
      // Buffer b's last block (k − 2) is complete: no thread counts its rows any more.
      Atomics.store(ctrl, ROWS + b, 0);
      Atomics.store(ctrl, COUNT + b, count);
      posted++;
      Atomics.store(ctrl, POSTED, posted);
      Atomics.notify(ctrl, POSTED);
      // The next panel to fill is block k − 1's: share its remaining rows, then wait for the last.
      if (k >= 1) help(k - 1);
      waitFor(k);
    },
    finish() {
      if (closed) closedError();
      if (posted > Atomics.load(ctrl, DONE)) help(posted - 1);
      waitFor(posted);
      return sums;
    },
    get pending() {
      return posted - Atomics.load(ctrl, DONE);
    },
    get blocksOnWorker() {
      return posted - here_;
    },
    waitIdle(ms) {
      const until = performance.now() + ms;
      // The block in flight (its predecessor complete once post returned): take rows of it first.
      if (posted > Atomics.load(ctrl, DONE)) help(posted - 1, until);
      for (let done = Atomics.load(ctrl, DONE); done < posted && Atomics.load(ctrl, STATE) !== -1; done = Atomics.load(ctrl, DONE)) {
        const left = until - performance.now();
        if (left <= 0) return false;
        Atomics.wait(ctrl, DONE, done, left);
      }
      return Atomics.load(ctrl, DONE) >= posted;
    },
    waitForWorker(ms) {
      const until = performance.now() + ms;
      while (Atomics.load(ctrl, STATE) === 0 && performance.now() < until) Atomics.wait(ctrl, STATE, 0, Math.max(1, Math.min(50, until - performance.now())));
      return Atomics.load(ctrl, STATE) === 1;
    },
    close() {
      if (closed) return;
      closed = true;
      Atomics.store(ctrl, STOP, 1);
      Atomics.notify(ctrl, POSTED);
      Atomics.notify(ctrl, DONE);
      void worker.terminate();
    },
  };
}
