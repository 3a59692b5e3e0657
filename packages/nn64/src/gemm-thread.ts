/**
 * The helper thread of a two-thread workspace: a worker that instantiates the kernel module on
 * the workspace's shared memory and runs the lower part of a product's rows while the caller
 * runs the upper part. One control block (an Int32Array on a SharedArrayBuffer) carries the
 * job and the hand-over each way: the caller writes the 13 gemm arguments and a sequence number
 * (`Atomics.store` + `notify`), the helper answers with the same number. Both spin briefly
 * before they `Atomics.wait`, so consecutive products do not pay a futex wake-up. Internal to
 * the package (reached through `createWorkspace32({ threads: 2 })`).
 */
import { PhaseflowError } from '@phaseflow/core';

// The control block: [POSTED] products posted, [DONE] finished, [TAKEN] started by the helper,
// [STATE] 0 starting, 1 running, −1 gone (failed or stopped), [STOP] set by close, then the args.
const POSTED = 0;
const DONE = 1;
const TAKEN = 2;
const STATE = 3;
const STOP = 4;
const ARGS = 5;
const CTRL_INTS = ARGS + 13;

/**
 * How long each side spins on the control block before it waits (µs). The caller's wait is
 * short (both halves take about as long); the helper's spin after a job covers the gap between
 * a network's consecutive products (activation derivatives, column sums, loads: tens of µs).
 */
const CALLER_SPIN_US = 100;
const HELPER_SPIN_US = 300;
/** The longest the first split waits for the helper to start before giving it up (ms). */
const START_TIMEOUT_MS = 10_000;

/** @internal The gemm arguments of kernels.ts (pA, pB, pC, pBias, M, K, N, aRow, aRed, ldb, ldc, flags, pScratch). */
export type GemmArgs = readonly [number, number, number, number, number, number, number, number, number, number, number, number, number];

/** @internal The helper thread of one workspace. */
export interface GemmHelper {
  /** True until the helper failed, gave up starting or was closed. */
  readonly alive: boolean;
  /**
   * Hand `args` to the helper; false when it cannot take them (then nothing was posted and the
   * caller runs those rows). The first call waits for the thread to start.
   */
  post(args: GemmArgs): boolean;
  /**
   * Wait for the posted product. False: the helper was gone before it started the job (no row
   * written: the caller runs them). Throws INVALID_STATE when it failed part-way through.
   */
  finish(): boolean;
  /** Stop the thread (idempotent). */
  close(): void;
}

interface HelperWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error' | 'exit', listener: (e: unknown) => void): void;
}
type HelperCtor = new (code: string, options: { eval: true; workerData: unknown }) => HelperWorker;

/** node:worker_threads' Worker where it and SharedArrayBuffer exist (Node), else undefined (browsers, other runtimes). */
function workerConstructor(): HelperCtor | undefined {
  try {
    if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return undefined;
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    return (proc?.getBuiltinModule?.('node:worker_threads') as { Worker?: HelperCtor } | undefined)?.Worker;
  } catch {
    return undefined;
  }
}

/** @internal Whether a helper thread can be started here at all (worker threads and shared memory). */
export function threadsAvailable(): boolean {
  return workerConstructor() !== undefined;
}

// The helper: reads the posted count before it says it runs (the caller posts only to a running
// helper, so the first job is never missed); marks each job taken before it writes a row, so a
// failure tells the caller whether C was touched.
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl: buffer } = workerData;
const ctrl = new Int32Array(buffer);
try {
  const gemm = new WebAssembly.Instance(module, { m: { m: memory } }).exports.gemm;
  let seen = Atomics.load(ctrl, ${POSTED});
  Atomics.store(ctrl, ${STATE}, 1);
  Atomics.notify(ctrl, ${STATE});
  for (;;) {
    const t0 = performance.now();
    let spins = 0;
    while (Atomics.load(ctrl, ${POSTED}) === seen && Atomics.load(ctrl, ${STOP}) === 0) {
      if ((++spins & 63) === 0 && performance.now() - t0 > ${HELPER_SPIN_US / 1000}) Atomics.wait(ctrl, ${POSTED}, seen, 200);
    }
    if (Atomics.load(ctrl, ${STOP}) !== 0) break;
    seen = Atomics.load(ctrl, ${POSTED});
    Atomics.store(ctrl, ${TAKEN}, seen);
    const a = ctrl.subarray(${ARGS}, ${ARGS + 13});
    gemm(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12]);
    Atomics.store(ctrl, ${DONE}, seen);
    Atomics.notify(ctrl, ${DONE});
  }
} catch (e) {
  Atomics.store(ctrl, ${STATE}, -1);
  Atomics.notify(ctrl, ${DONE});
  Atomics.notify(ctrl, ${STATE});
}
`;

/**
 * @internal A helper thread on `memory` (shared) running `module` (the shared-memory build), or
 * undefined where worker threads are unavailable or the thread cannot be made. The worker is
 * unref'd: a workspace never keeps the process alive.
 */
export function startGemmHelper(module: WebAssembly.Module, memory: WebAssembly.Memory): GemmHelper | undefined {
  const Worker = workerConstructor();
  if (Worker === undefined) return undefined;
  const ctrl = new Int32Array(new SharedArrayBuffer(4 * CTRL_INTS));
  let worker: HelperWorker;
  try {
    worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { module, memory, ctrl: ctrl.buffer } });
  } catch {
    return undefined;
  }
  worker.unref();
  // Seen on the event loop, so between products: the next one runs on the caller.
  const gone = (): void => {
    Atomics.store(ctrl, STATE, -1);
    Atomics.notify(ctrl, DONE);
  };
  worker.on('error', gone);
  worker.on('exit', gone);
  let seq = 0;
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    Atomics.store(ctrl, STOP, 1);
    Atomics.store(ctrl, STATE, -1);
    Atomics.notify(ctrl, POSTED);
    void worker.terminate();
  };
  return {
    get alive() {
      return !closed && Atomics.load(ctrl, STATE) !== -1;
    },
    post(args) {
      if (closed) return false;
      let state = Atomics.load(ctrl, STATE);
      if (state === 0) {
        // Still starting (tens of ms after the workspace was made): wait for it once.
        const t0 = performance.now();
        while ((state = Atomics.load(ctrl, STATE)) === 0) {
          const left = START_TIMEOUT_MS - (performance.now() - t0);
          if (left <= 0) {
            close();
            return false;
          }
          Atomics.wait(ctrl, STATE, 0, Math.min(left, 50));
        }
      }
      if (state !== 1) return false;
      for (let i = 0; i < 13; i++) ctrl[ARGS + i] = args[i]!;
      seq++;
      Atomics.store(ctrl, POSTED, seq);
      Atomics.notify(ctrl, POSTED);
      return true;
    },
    finish() {
      const t0 = performance.now();
      let spins = 0;
      while (Atomics.load(ctrl, DONE) !== seq) {
        if (Atomics.load(ctrl, STATE) === -1 && Atomics.load(ctrl, DONE) !== seq) {
          if (Atomics.load(ctrl, TAKEN) !== seq) return false;
          close();
          throw new PhaseflowError('INVALID_STATE', 'workspace32: the gemm helper thread failed part-way through a product; its rows of c are unspecified', {
            argument: 'c',
            expected: 'a helper thread that finishes its rows',
            received: 'a helper thread that failed',
          });
        }
        if ((++spins & 63) === 0 && performance.now() - t0 > CALLER_SPIN_US / 1000) Atomics.wait(ctrl, DONE, seq - 1, 5);
      }
      return true;
    },
    close,
  };
}
