/**
 * The sparse matrix–vector product y = A·x of a CSR matrix as a WebAssembly kernel, for the
 * hot loop of a reservoir (one product per time step, the matrix streamed from cache each
 * time). Same arithmetic as `csrMatVec` — each row summed in its own entry order,
 * four rows side by side — so the same bits; WebAssembly's f64 add/mul are IEEE binary64
 * without contraction, as JavaScript's. Faster than the JavaScript loop because the gathered
 * loads x[colIdx[k]] carry no bounds checks (the module's memory is guarded by the engine).
 *
 * Process-global state: the compiled modules (private memory, shared memory) are cached per
 * JavaScript realm the first time they are needed, as the Gram kernel's are.
 */
import { PhaseflowError, checkAllocation, checkFinite, checkInteger, checkOneOf, checkOptions, invalid } from '@phaseflow/core';
import type { CsrMatrix } from './csr.js';
import { checkCsr, spmv } from './csr.js';

/** The row range of a partial `apply(r0, r1)`: integers with 0 ≤ r0 ≤ r1 ≤ rows. */
function checkRowRange(r0: unknown, r1: unknown, rows: number): void {
  checkInteger('r0', r0, { min: 0, max: rows });
  checkInteger('r1', r1, { min: r0 as number, max: rows });
}
import { F64, I32, get, i32, set, tee, uleb, vec, wasmModule } from './wasm-asm.js';
import { leakyTanhJs, tanhInPlaceJs, tanhKernel } from './tanh-wasm.js';

/** A CSR matrix copied into a kernel's memory, with the vectors x and y = A·x beside it. */
export interface SpmvKernel {
  readonly name: 'spmv';
  /** Which implementation runs. */
  readonly kind: 'wasm' | 'js';
  readonly rows: number;
  readonly cols: number;
  /** The input vector (length cols): write x here. */
  readonly x: Float64Array;
  /** The output vector (length rows): y = A·x after {@link SpmvKernel.apply}. */
  readonly y: Float64Array;
  /** y[r0…r1) = (A·x)[r0…r1) (default all rows). */
  apply(r0?: number, r1?: number): void;
  /**
   * The memory the vectors and the matrix live in (a SharedArrayBuffer when made with
   * `shared: true`) and the byte offsets of the parts, for a worker that instantiates
   * the kernel's module over the same memory.
   */
  readonly memory: WebAssembly.Memory | undefined;
  readonly offsets: { readonly rowPtr: number; readonly colIdx: number; readonly values: number; readonly x: number; readonly y: number; readonly end: number };
  /**
   * Start a helper thread (a kernel made with `shared: true`, WebAssembly, worker threads
   * available): from when it runs, a full `apply()` sums the lower half of the rows here and the
   * upper half there, with one hand-over each way per product (`Atomics`, a short spin, then a
   * wait). Same bits: every row is still one sum in entry order. False where it cannot start.
   */
  startThread(): boolean;
  /** Stop the helper thread; `apply()` runs every row here again. */
  stopThread(): void;
  /** True while a helper thread shares the products. */
  readonly threaded: boolean;
  /**
   * y ← tanh(y), elementwise, with the kernels' tanh (WebAssembly SIMD, two lanes at a time;
   * within 1.8·ε·|tanh y| of `Math.tanh`, the same bits as the JavaScript
   * fallback): a reservoir's activation after `apply()`.
   */
  tanh(): void;
  /**
   * x ← keep·x + rate·tanh(y), elementwise (a square kernel): the leaky reservoir update from
   * the pre-activations in y, in one pass over x and y.
   */
  leakyTanh(keep: number, rate: number): void;
}

/** Options of {@link createSpmvKernel}. */
export interface SpmvKernelOptions {
  /** `'auto'` (default): WebAssembly where available, else JavaScript; `'js'`: always JavaScript. */
  readonly kernel?: 'auto' | 'js';
  /** Put the memory in a SharedArrayBuffer (for worker threads). Default false. */
  readonly shared?: boolean;
  /** Extra bytes reserved after the kernel's own data (callers place their buffers there). Default 0. */
  readonly extraBytes?: number;
}

const cache: Record<'private' | 'shared', WebAssembly.Module | null | undefined> = { private: undefined, shared: undefined };

/** The compiled module (`shared`: importing a shared memory of `maxPages` pages), or null where unavailable. */
function spmvModule(shared: boolean, maxPages = 65536): WebAssembly.Module | null {
  if (shared) {
    // A shared memory import must declare its maximum; the module is compiled per maximum.
    try {
      const bytes = spmvWasmBytes(true, maxPages);
      return typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      return null;
    }
  }
  const key = 'private';
  if (cache[key] !== undefined) return cache[key];
  cache[key] = null;
  try {
    const bytes = spmvWasmBytes(false, 0);
    if (typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) cache[key] = new WebAssembly.Module(bytes);
  } catch {
    cache[key] = null;
  }
  return cache[key];
}

/**
 * Copy `A` into a kernel: write x into `kernel.x`, call `apply()`, read `kernel.y`. Same bits as
 * `csrMatVec`. The WebAssembly kernel needs the matrix, x and y in its own memory (12 bytes
 * per stored entry plus 8 per row and column); where WebAssembly is unavailable or the memory
 * cannot be had, the JavaScript loop runs on the same buffers.
 *
 * @example
 * ```ts
 * const k = createSpmvKernel(csrFromDense(2, 2, [1, 2, 0, 3]));
 * k.x.set([1, 1]);
 * k.apply();
 * k.y; // [3, 3]
 * ```
 */
export function createSpmvKernel(A: CsrMatrix, options: SpmvKernelOptions = {}): SpmvKernel {
  checkCsr('A', A);
  const o = checkOptions('options', options, ['kernel', 'shared', 'extraBytes']);
  const kernelChoice = o.kernel === undefined ? 'auto' : checkOneOf('options.kernel', o.kernel, ['auto', 'js'] as const);
  if (o.shared !== undefined && typeof o.shared !== 'boolean') invalid('options.shared', 'true or false', o.shared);
  const extra = o.extraBytes === undefined ? 0 : checkAllocation('options.extraBytes', checkInteger('options.extraBytes', o.extraBytes, { min: 0 }), 1);
  const { rows, cols } = A;
  const nnz = A.values.length;
  const align = (b: number): number => Math.ceil(b / 64) * 64;
  const rp = 0,
    ci = align((rows + 1) * 4),
    va = ci + align(nnz * 4),
    xo = va + align(nnz * 8),
    yo = xo + align(cols * 8),
    end = yo + align(rows * 8);
  const total = end + align(extra);
  checkAllocation('A', total, 1);
  const pages = Math.max(1, Math.ceil(total / 65536));
  const shared = o.shared === true;
  const module = kernelChoice === 'js' || pages > 65536 ? null : spmvModule(shared, pages);
  let memory: WebAssembly.Memory | undefined;
  let fn: ((rp: number, ci: number, va: number, x: number, y: number, r0: number, r1: number) => void) | undefined;
  if (module !== null) {
    try {
      memory = new WebAssembly.Memory(shared ? { initial: pages, maximum: pages, shared: true } : { initial: pages, maximum: pages });
      const instance = new WebAssembly.Instance(module, { m: { m: memory } });
      fn = instance.exports['spmv'] as typeof fn;
    } catch {
      memory = undefined;
      fn = undefined;
    }
  }
  const buffer: ArrayBufferLike = memory !== undefined ? memory.buffer : shared ? new SharedArrayBuffer(total) : new ArrayBuffer(total);
  const rowPtr = new Int32Array(buffer, rp, rows + 1);
  const colIdx = new Int32Array(buffer, ci, nnz);
  const values = new Float64Array(buffer, va, nnz);
  rowPtr.set(A.rowPtr);
  colIdx.set(A.colIdx);
  values.set(A.values);
  const x = new Float64Array(buffer, xo, cols);
  const y = new Float64Array(buffer, yo, rows);
  const offsets = { rowPtr: rp, colIdx: ci, values: va, x: xo, y: yo, end };
  // The activation kernels over the same memory (the JavaScript forms give the same bits), made
  // at their first call: a kernel that only multiplies (spectralRadius's) never assembles and
  // compiles their module, which was half of a process's first createSpmvKernel.
  let tk: ReturnType<typeof tanhKernel> | null = null;
  const activation = (): ReturnType<typeof tanhKernel> => {
    if (tk === null) tk = memory !== undefined ? tanhKernel(memory, shared) : undefined;
    return tk;
  };
  const tanh = (): void => {
    const k = activation();
    if (k !== undefined) k.tanh(yo, rows);
    else tanhInPlaceJs(y, rows);
  };
  const leakyTanh = (keep: number, rate: number): void => {
    checkFinite('keep', keep);
    checkFinite('rate', rate);
    if (rows !== cols) {
      throw new PhaseflowError('SHAPE_MISMATCH', `leakyTanh: expected a square kernel (x and y of one length), received ${rows} × ${cols}`, {
        argument: 'A',
        expected: 'a square matrix',
        received: `${rows} × ${cols}`,
      });
    }
    const k = activation();
    if (k !== undefined) k.leaky(xo, yo, rows, keep, rate);
    else leakyTanhJs(x, y, rows, keep, rate);
  };
  if (fn !== undefined) {
    const f = fn;
    const mem = memory!;
    // The helper thread (see startThread): ctrl [0] products posted, [1] done, [2] running, [3] stop.
    let ctrl: Int32Array | undefined;
    let helper: { terminate(): Promise<number> } | undefined;
    let seq = 0;
    const mid = rows >> 1;
    const kernel: SpmvKernel = {
      name: 'spmv',
      kind: 'wasm',
      rows,
      cols,
      x,
      y,
      memory,
      offsets,
      get threaded() {
        return ctrl !== undefined && Atomics.load(ctrl, 2) === 1;
      },
      apply(r0 = 0, r1 = rows) {
        if (r0 !== 0 || r1 !== rows) checkRowRange(r0, r1, rows);
        const c = ctrl;
        if (c === undefined || r0 !== 0 || r1 !== rows || Atomics.load(c, 2) !== 1) {
          f(rp, ci, va, xo, yo, r0, r1);
          return;
        }
        seq++;
        Atomics.store(c, 0, seq);
        Atomics.notify(c, 0, 1);
        f(rp, ci, va, xo, yo, 0, mid);
        let spins = 0;
        while (Atomics.load(c, 1) !== seq) {
          if (Atomics.load(c, 2) === -1) {
            // The helper failed: do its half here and go on alone.
            ctrl = undefined;
            f(rp, ci, va, xo, yo, mid, rows);
            return;
          }
          if (++spins > 2000) Atomics.wait(c, 1, seq - 1, 20);
        }
      },
      startThread() {
        if (ctrl !== undefined) return true;
        if (!shared || rows < 2) return false;
        const Worker = workerConstructor();
        if (Worker === undefined) return false;
        const module = spmvModule(true, mem.buffer.byteLength / 65536);
        if (module === null) return false;
        const c = new Int32Array(new SharedArrayBuffer(16));
        try {
          const w = new Worker(HELPER_SOURCE, { eval: true, workerData: { module, memory: mem, ctrlBuffer: c.buffer, a: [rp, ci, va, xo, yo, mid, rows] } });
          w.unref();
          w.on('error', () => Atomics.store(c, 2, -1));
          helper = w;
        } catch {
          return false;
        }
        seq = 0;
        ctrl = c;
        return true;
      },
      stopThread() {
        if (ctrl !== undefined) {
          Atomics.store(ctrl, 3, 1);
          Atomics.notify(ctrl, 0);
        }
        if (helper !== undefined) void helper.terminate();
        ctrl = undefined;
        helper = undefined;
      },
      tanh,
      leakyTanh,
    };
    return kernel;
  }
  return {
    name: 'spmv',
    kind: 'js',
    rows,
    cols,
    x,
    y,
    memory: undefined,
    offsets,
    apply: (r0 = 0, r1 = rows) => {
      if (r0 !== 0 || r1 !== rows) checkRowRange(r0, r1, rows);
      if (r0 === 0 && r1 === rows) spmv(rowPtr, colIdx, values, rows, x, 0, y);
      else spmvRange(rowPtr, colIdx, values, r0, r1, x, y);
    },
    startThread: () => false,
    stopThread: () => undefined,
    threaded: false,
    tanh,
    leakyTanh,
  };
}

interface HelperWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error', listener: (e: unknown) => void): void;
}
type HelperCtor = new (code: string, options: { eval: true; workerData: unknown }) => HelperWorker;

function workerConstructor(): HelperCtor | undefined {
  try {
    if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return undefined;
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    return (proc?.getBuiltinModule?.('node:worker_threads') as { Worker?: HelperCtor } | undefined)?.Worker;
  } catch {
    return undefined;
  }
}

// The helper: the upper rows of each posted product. It reads the posted count before it says
// it runs (the caller posts only to a running helper), so it never misses the first one.
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrlBuffer, a } = workerData;
const ctrl = new Int32Array(ctrlBuffer);
try {
  const spmv = new WebAssembly.Instance(module, { m: { m: memory } }).exports.spmv;
  let seen = Atomics.load(ctrl, 0);
  Atomics.store(ctrl, 2, 1);
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctrl, 0) === seen && Atomics.load(ctrl, 3) === 0) {
      if (++spins > 2000) Atomics.wait(ctrl, 0, seen, 20);
    }
    if (Atomics.load(ctrl, 3) !== 0) break;
    seen = Atomics.load(ctrl, 0);
    spmv(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
    Atomics.store(ctrl, 1, seen);
    Atomics.notify(ctrl, 1, 1);
  }
} catch (e) {
  Atomics.store(ctrl, 2, -1);
  Atomics.notify(ctrl, 1);
}
`;

/** Rows r0…r1 of the product, row by row (the JavaScript form of a partial apply). */
function spmvRange(rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array, r0: number, r1: number, x: Float64Array, y: Float64Array): void {
  for (let i = r0; i < r1; i++) {
    let s = 0;
    const e = rowPtr[i + 1]!;
    for (let k = rowPtr[i]!; k < e; k++) s += values[k]! * x[colIdx[k]!]!;
    y[i] = s;
  }
}

/**
 * The module: imports memory `m.m` (shared with maximum `maxPages` when `shared`),
 * exports `spmv(rowPtr, colIdx, values, x, y, r0, r1)` (byte offsets; rows r0…r1).
 */
function spmvWasmBytes(shared: boolean, maxPages: number): Uint8Array<ArrayBuffer> {
  // params 0–6
  const [RP, CI, VA, X, Y, R0, R1] = [0, 1, 2, 3, 4, 5, 6];
  // i32 locals 7–19, f64 locals 20–23
  const I = 7;
  const PC = [8, 9, 10, 11];
  const PV = [12, 13, 14, 15];
  const E = [16, 17, 18, 19];
  const LEN = 20,
    STOP = 21,
    T = 22;
  const S = [23, 24, 25, 26];
  const ADD = 0x6a,
    SUB = 0x6b,
    SHL = 0x74,
    LT_S = 0x48,
    GT_S = 0x4a,
    GE_U = 0x4f,
    SELECT = 0x1b;
  const i32load = (off: number) => [0x28, 2, ...uleb(off)];
  const f64load = (off: number) => [0x2b, 3, ...uleb(off)];
  const f64store = (off: number) => [0x39, 3, ...uleb(off)];
  const F64ADD = 0xa0,
    F64MUL = 0xa2;
  const f64zero = [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
  const BLOCK = [0x02, 0x40],
    LOOP = [0x03, 0x40],
    END = 0x0b;
  const br = (d: number) => [0x0c, d],
    brIf = (d: number) => [0x0d, d];
  // s += values[pv] · x[colIdx[pc]]; pc += 4; pv += 8
  const term = (j: number): number[] => [
    ...get(S[j]!),
    ...get(PV[j]!),
    ...f64load(0),
    ...get(X),
    ...get(PC[j]!),
    ...i32load(0),
    ...i32(3),
    SHL,
    ADD,
    ...f64load(0),
    F64MUL,
    F64ADD,
    ...set(S[j]!),
    ...get(PC[j]!),
    ...i32(4),
    ADD,
    ...set(PC[j]!),
    ...get(PV[j]!),
    ...i32(8),
    ADD,
    ...set(PV[j]!),
  ];
  // pc = CI + 4·rowPtr[i + r], pv = VA + 8·rowPtr[i + r]
  const startOf = (r: number, pc: number, pv: number): number[] => [
    ...get(RP),
    ...get(I),
    ...i32(2),
    SHL,
    ADD,
    ...i32load(4 * r),
    ...tee(T),
    ...i32(2),
    SHL,
    ...get(CI),
    ADD,
    ...set(pc),
    ...get(T),
    ...i32(3),
    SHL,
    ...get(VA),
    ADD,
    ...set(pv),
  ];
  // while (pc < e) term
  const tail = (j: number): number[] => [...BLOCK, ...LOOP, ...get(PC[j]!), ...get(E[j]!), GE_U, ...brIf(1), ...term(j), ...br(0), END, END];
  const store = (j: number): number[] => [...get(Y), ...get(I), ...i32(3), SHL, ADD, ...get(S[j]!), ...f64store(8 * j)];
  const code: number[] = [
    ...get(R0),
    ...set(I),
    // Four rows at a time.
    ...BLOCK,
    ...LOOP,
    ...get(I),
    ...i32(4),
    ADD,
    ...get(R1),
    GT_S,
    ...brIf(1),
    ...startOf(0, PC[0]!, PV[0]!),
    ...startOf(1, PC[1]!, PV[1]!),
    ...startOf(2, PC[2]!, PV[2]!),
    ...startOf(3, PC[3]!, PV[3]!),
    ...startOf(4, E[3]!, T), // E3 = end of row 3 (colIdx pointer); T scratch
    ...get(PC[1]!),
    ...set(E[0]!),
    ...get(PC[2]!),
    ...set(E[1]!),
    ...get(PC[3]!),
    ...set(E[2]!),
    // LEN = min of the four lengths (in colIdx bytes)
    ...get(E[0]!),
    ...get(PC[0]!),
    SUB,
    ...set(LEN),
    ...[1, 2, 3].flatMap((j) => [...get(E[j]!), ...get(PC[j]!), SUB, ...tee(T), ...get(LEN), ...get(T), ...get(LEN), LT_S, SELECT, ...set(LEN)]),
    ...S.flatMap((s) => [...f64zero, ...set(s)]),
    ...get(PC[0]!),
    ...get(LEN),
    ADD,
    ...set(STOP),
    ...BLOCK,
    ...LOOP,
    ...get(PC[0]!),
    ...get(STOP),
    GE_U,
    ...brIf(1),
    ...term(0),
    ...term(1),
    ...term(2),
    ...term(3),
    ...br(0),
    END,
    END,
    ...tail(0),
    ...tail(1),
    ...tail(2),
    ...tail(3),
    ...store(0),
    ...store(1),
    ...store(2),
    ...store(3),
    ...get(I),
    ...i32(4),
    ADD,
    ...set(I),
    ...br(0),
    END,
    END,
    // The remaining rows one by one.
    ...BLOCK,
    ...LOOP,
    ...get(I),
    ...get(R1),
    0x4e, // i32.ge_s
    ...brIf(1),
    ...startOf(0, PC[0]!, PV[0]!),
    ...startOf(1, E[0]!, T),
    ...f64zero,
    ...set(S[0]!),
    ...tail(0),
    ...store(0),
    ...get(I),
    ...i32(1),
    ADD,
    ...set(I),
    ...br(0),
    END,
    END,
    END,
  ];
  const locals = vec(
    [
      [16, I32],
      [4, F64],
    ].map(([c, ty]) => [...uleb(c!), ty!]),
  );
  return wasmModule([{ name: 'spmv', params: new Array<number>(7).fill(I32), body: [...locals, ...code] }], {
    minPages: 0,
    sharedMaxPages: shared ? maxPages : 0,
  });
}
