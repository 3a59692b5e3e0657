/**
 * The float32 workspace: matrices laid out for the kernels in one memory (a WebAssembly memory
 * where SIMD is available, an ArrayBuffer otherwise) and the operations the networks are built
 * from — a fused gemm (matmul + bias + activation), the activation and its derivative, axpy.
 * Networks allocate their matrices once for a batch size and reuse them every step.
 */
import { PhaseflowError, checkInteger, checkOneOf, checkOptions, invalid } from '@phaseflow/core';
import {
  gemmScratchFloats,
  ACT_CODE,
  INIT_ACCUMULATE,
  INIT_BIAS,
  INIT_ZERO,
  jsKernels,
  kernelBuild,
  kernelModule,
  SHARED_MAX_PAGES,
  wasmKernels,
  type KernelActivation,
  type KernelFunctions,
} from './kernels/kernels.js';
import { startGemmHelper, threadsAvailable, type GemmArgs, type GemmHelper } from './gemm-thread.js';

export type { KernelActivation } from './kernels/kernels.js';

/** Which kernels run: WebAssembly SIMD (f32x4) or plain typed-array loops. */
export type KernelKind = 'wasm-simd' | 'js';

/**
 * A rows × cols float32 matrix inside a {@link Workspace32}, row-major with a row stride of
 * `stride` floats (cols rounded up to a multiple of four) and storage for rows rounded up to
 * a multiple of four. Entries past `cols` in a row, and rows past `rows`, are padding: the
 * kernels read and write them, their values are unspecified.
 */
export interface Matrix32 {
  readonly rows: number;
  readonly cols: number;
  /** Floats per row (a multiple of four). */
  readonly stride: number;
  /** Byte offset of entry (0, 0) in the workspace memory (a multiple of 16). */
  readonly byteOffset: number;
  /** The storage, ⌈rows/4⌉·4 × stride floats: a live view (re-read it after the workspace grows). */
  readonly data: Float32Array;
}

/** Options of {@link Workspace32.gemm}. */
export interface GemmOptions {
  /** Use Aᵀ: C (a.cols × n) = Aᵀ·B, summing over the first `rows` rows of A and B (default false). */
  readonly transposeA?: boolean;
  /**
   * Rows in use: of A and C (plain product) or of A and B (the sum of `transposeA`); default
   * all of A's rows. Partial batches use fewer rows than the matrices hold.
   */
  readonly rows?: number;
  /** Add the product to C instead of overwriting it (default false). */
  readonly accumulate?: boolean;
  /** A 1 × n bias row added to every row before the activation (not with `accumulate`). */
  readonly bias?: Matrix32;
  /** σ applied to every entry after the sum, in the same pass (default `linear`). */
  readonly activation?: KernelActivation;
}

/** Options of {@link createWorkspace32}. */
export interface Workspace32Options {
  /** `auto` (default): WebAssembly SIMD where the engine validates it, else JavaScript; `js`: always JavaScript. */
  readonly kernel?: 'auto' | 'js';
  /**
   * Threads that run the products (default 1). With 2, the memory is a shared WebAssembly
   * memory and a helper worker thread runs the lower half of C's rows of every product of at
   * least 2¹⁸ multiply–adds (M·K·N) while the caller runs the upper half: the same sums in
   * the same order, so C is bit for bit what one thread computes. Where worker threads or shared
   * memories are unavailable (browsers without cross-origin isolation, the `js` kernels) the
   * workspace runs on one thread and says so in {@link Workspace32.threads}.
   */
  readonly threads?: 1 | 2;
}

/**
 * The smallest product (M·K·N multiply–adds) a two-thread workspace splits: about 10 µs of
 * work on one thread, against a hand-over of 1–3 µs each way.
 */
const SPLIT_MACS = 1 << 18;

/** Matrices and kernels in one memory; see {@link createWorkspace32}. */
export interface Workspace32 {
  readonly name: 'workspace32';
  /** Which kernels run. */
  readonly kind: KernelKind;
  /**
   * Whether the gemm multiplies–adds with relaxed SIMD's fused `f32x4.relaxed_madd` (where the
   * engine validates it: Node ≥ 22, current browsers), else f32x4.mul then f32x4.add; false for `js`.
   */
  readonly fma: boolean;
  /** Threads that run the large products: 2 where `threads: 2` was asked for and a helper thread can run, else 1. */
  readonly threads: 1 | 2;
  /** Bytes reserved so far. */
  readonly bytes: number;
  /** A new rows × cols matrix, zero-filled (grows the memory when needed). */
  matrix(rows: number, cols: number): Matrix32;
  /**
   * C = σ(init + A·B) with init 0, C (`accumulate`) or the bias row, A: m × k, B: k × n,
   * C: m × n; or with `transposeA`, C = (C +) Aᵀ·B, A: m × k, B: m × n, C: k × n. One fused
   * pass: every tile of C is summed in registers, biased, activated and stored once.
   */
  gemm(a: Matrix32, b: Matrix32, c: Matrix32, options?: GemmOptions): void;
  /** m ← σ(m) on its first `rows` rows (default all). */
  activate(m: Matrix32, activation: KernelActivation, rows?: number): void;
  /** g ← g ⊙ σ′(z), σ′ written with y = σ(z) (tanh: 1 − y², sigmoid: y(1 − y), relu: y > 0), on `rows` rows. */
  activationGrad(g: Matrix32, y: Matrix32, activation: KernelActivation, rows?: number): void;
  /**
   * out ← a ⊙ b ⊙ (σ′)′, the derivative of σ′ written with y = σ(z) (tanh: −2y, sigmoid:
   * 1 − 2y, relu and linear: 0), on `rows` rows: the second-order term of double backprop
   * (reverse mode through a reverse pass), as the HNN field's gradient needs.
   */
  activationCurvature(out: Matrix32, a: Matrix32, b: Matrix32, y: Matrix32, activation: KernelActivation, rows?: number): void;
  /** y ← y + αx (same shape), on `rows` rows. */
  axpy(alpha: number, x: Matrix32, y: Matrix32, rows?: number): void;
  /**
   * Write rows × cols numbers (row-major from `values[offset]`, or its transpose with
   * `transpose`: the entry (i, j) of m is values[offset + j·rows + i]) into m, zeroing the padding.
   */
  load(m: Matrix32, values: ArrayLike<number>, offset?: number, transpose?: boolean): void;
  /** out[offset + i·cols + j] += m(i, j) (or, with `transpose`, out[offset + j·rows + i]). */
  addTo(m: Matrix32, out: Float32Array | Float64Array, offset?: number, transpose?: boolean): void;
  /** out[offset + j] += Σ_r m(r, j) over the first `rows` rows. */
  columnSums(m: Matrix32, out: Float32Array | Float64Array, offset?: number, rows?: number): void;
  /**
   * Stop the helper thread of a two-thread workspace (idempotent; the workspace runs on one
   * thread afterwards). A workspace that is garbage collected stops it too, and the thread never
   * keeps a process alive.
   */
  close(): void;
}

const PAGE = 65536;
const ACTIVATIONS = Object.keys(ACT_CODE) as KernelActivation[];
const ceil4 = (n: number): number => (n + 3) & ~3;

/** @internal Which kernels a workspace made with this choice runs. */
export function kernelKind(choice: 'auto' | 'js'): KernelKind {
  return choice === 'js' || kernelModule() === null ? 'js' : 'wasm-simd';
}

/** @internal Threads a workspace made with these choices runs its products on (see {@link Workspace32Options.threads}). */
export function threadCount(kernel: 'auto' | 'js', threads: 1 | 2): 1 | 2 {
  return threads === 2 && kernel === 'auto' && threadsAvailable() && kernelBuild(true) !== null ? 2 : 1;
}

/** @internal `options.threads` checked: undefined (1), 1 or 2. */
export function checkThreads(value: unknown): 1 | 2 {
  return value === undefined ? 1 : checkOneOf('options.threads', value, [1, 2] as const);
}

/** Stops the helper of a workspace nobody holds any more. */
const helpers = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<GemmHelper>((h) => h.close()) : undefined;

function checkMatrix(argument: string, m: unknown, ws: object): Matrix32 {
  if (m === null || typeof m !== 'object' || (m as { workspace?: unknown }).workspace !== ws) invalid(argument, 'a Matrix32 of this workspace', m);
  return m as Matrix32;
}

/** An optional boolean: undefined or true/false. */
function checkFlag(argument: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') invalid(argument, 'a boolean', value);
}

/** An optional offset into an array: undefined (0) or an integer ≥ 0. */
function checkOffset(value: unknown): number {
  return value === undefined ? 0 : checkInteger('offset', value, { min: 0 });
}

function mismatch(argument: string, expected: string, received: string): never {
  throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: expected ${expected}, received ${received}`, { argument, expected, received });
}

/**
 * A float32 workspace: allocate matrices once ({@link Workspace32.matrix}), then run the fused
 * kernels on them step after step without allocating. The kernels are WebAssembly SIMD (f32x4,
 * assembled in this package, no toolchain) where the engine validates it, plain typed-array
 * loops otherwise (or with `kernel: 'js'`); both follow the same contract, the wasm sums in
 * float32, the loops in double precision. The memory grows as matrices are added; views
 * (`m.data`) follow.
 *
 * @example
 * ```ts
 * import { createWorkspace32 } from '@phaseflow/nn64';
 * const ws = createWorkspace32();
 * const x = ws.matrix(2, 3), W = ws.matrix(3, 4), b = ws.matrix(1, 4), y = ws.matrix(2, 4);
 * ws.load(x, [1, 2, 3, 4, 5, 6]);
 * ws.load(W, new Float32Array(12).fill(0.1));
 * ws.gemm(x, W, y, { bias: b, activation: 'tanh' }); // y = tanh(x·W + b)
 * y.data[0]; // tanh(0.6) ≈ 0.537
 * ```
 */
export function createWorkspace32(options?: Workspace32Options): Workspace32 {
  const o = checkOptions('options', options, ['kernel', 'threads']);
  // Only a left-out option takes the default: null is refused like any other bad value.
  const choice = o.kernel === undefined ? 'auto' : checkOneOf('options.kernel', o.kernel, ['auto', 'js'] as const);
  const threads = threadCount(choice, checkThreads(o.threads));
  const build = choice === 'js' ? null : kernelBuild(threads === 2);
  const module = build?.module ?? null;
  let memory: WebAssembly.Memory | undefined;
  let buffer: ArrayBufferLike;
  let f32: Float32Array;
  let k: KernelFunctions;
  let helper: GemmHelper | undefined;
  if (module !== null) {
    memory = threads === 2 ? new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true }) : new WebAssembly.Memory({ initial: 1 });
    if (threads === 2) helper = startGemmHelper(module, memory);
    buffer = memory.buffer;
    f32 = new Float32Array(buffer);
    k = wasmKernels(module, memory);
  } else {
    buffer = new ArrayBuffer(PAGE);
    f32 = new Float32Array(buffer);
    k = jsKernels(() => f32);
  }
  let used = 0;
  let scratch: Matrix32 | undefined;
  /** The wasm gemm's room for its packed panels (gemmScratchFloats of C's stride), grown when a product needs more. */
  let gemmScratch: Matrix32 | undefined;
  /** The helper thread's scratch (two-thread workspaces). */
  let helperScratch: Matrix32 | undefined;
  /** Room in the memory for load's and addTo's float32 copies, grown when one needs more. */
  let stage: Matrix32 | undefined;
  /** The staging matrix with at least `floats` floats (a multiple of 4), the memory refreshed. */
  const staging = (floats: number): Matrix32 => {
    if (stage === undefined || stage.rows * 4 < floats) stage = ws.matrix(floats / 4, 4);
    refresh();
    return stage;
  };
  const refresh = (): void => {
    if (memory !== undefined && memory.buffer !== buffer) {
      buffer = memory.buffer;
      f32 = new Float32Array(buffer);
    }
  };
  const grow = (bytes: number): void => {
    if (bytes <= buffer.byteLength) return;
    const pages = Math.ceil(bytes / PAGE);
    if (memory !== undefined) {
      const have = buffer.byteLength / PAGE;
      if (pages > 65536) invalid('rows × cols', 'matrices within the 4 GiB of a WebAssembly memory', `${bytes} bytes`, 'ALLOCATION_TOO_LARGE');
      try {
        // Geometrically (at least doubling, as the ArrayBuffer path does): many small matrices
        // added one by one would otherwise grow — and past ~64 MB copy — the memory each time.
        const target = Math.min(65536, Math.max(pages, 2 * have));
        try {
          memory.grow(target - have);
        } catch {
          memory.grow(pages - have);
        }
      } catch (e) {
        throw new PhaseflowError(
          'ALLOCATION_TOO_LARGE',
          `workspace32: cannot grow the memory to ${bytes} bytes`,
          { argument: 'rows × cols', received: `${bytes} bytes` },
          { cause: e },
        );
      }
      refresh();
    } else {
      const next = new ArrayBuffer(Math.max(pages * PAGE, 2 * buffer.byteLength));
      new Uint8Array(next).set(new Uint8Array(buffer));
      buffer = next;
      f32 = new Float32Array(buffer);
    }
  };

  const ws: Workspace32 = {
    name: 'workspace32',
    kind: module !== null ? 'wasm-simd' : 'js',
    fma: build?.fma ?? false,
    get threads() {
      return helper !== undefined && helper.alive ? 2 : 1;
    },
    get bytes() {
      return used;
    },
    matrix(rowsArg, colsArg) {
      const rows = checkInteger('rows', rowsArg, { min: 1 });
      const cols = checkInteger('cols', colsArg, { min: 1 });
      const stride = ceil4(cols);
      const floats = ceil4(rows) * stride;
      const byteOffset = used;
      used += floats * 4;
      grow(used);
      let viewBuffer: ArrayBufferLike | undefined;
      let view: Float32Array = new Float32Array(0);
      const m = {
        workspace: ws,
        rows,
        cols,
        stride,
        byteOffset,
        get data() {
          refresh();
          if (viewBuffer !== buffer) {
            viewBuffer = buffer;
            view = new Float32Array(buffer, byteOffset, floats);
          }
          return view;
        },
      };
      return m;
    },
    gemm(aArg, bArg, cArg, gemmOptions) {
      const a = checkMatrix('a', aArg, ws),
        b = checkMatrix('b', bArg, ws),
        c = checkMatrix('c', cArg, ws);
      const g = checkOptions('options', gemmOptions, ['transposeA', 'rows', 'accumulate', 'bias', 'activation']);
      const rows = g.rows === undefined ? a.rows : checkInteger('options.rows', g.rows, { min: 1, max: a.rows });
      const act = ACT_CODE[g.activation === undefined ? 'linear' : checkOneOf('options.activation', g.activation, ACTIVATIONS)];
      checkFlag('options.transposeA', g.transposeA);
      checkFlag('options.accumulate', g.accumulate);
      if (g.bias !== undefined && g.accumulate === true) invalid('options.bias', 'no bias with options.accumulate', 'both');
      if (c.cols !== b.cols) mismatch('c.cols', `${b.cols} (b.cols)`, String(c.cols));
      let init = g.accumulate === true ? INIT_ACCUMULATE : INIT_ZERO;
      let pBias = 0;
      if (g.bias !== undefined) {
        const bias = checkMatrix('options.bias', g.bias, ws);
        if (bias.cols !== b.cols) mismatch('options.bias.cols', `${b.cols} (b.cols)`, String(bias.cols));
        init = INIT_BIAS;
        pBias = bias.byteOffset;
      }
      if (g.transposeA === true) {
        if (rows > b.rows) mismatch('b.rows', `at least ${rows} rows`, String(b.rows));
        if (c.rows !== a.cols) mismatch('c.rows', `${a.cols} (a.cols)`, String(c.rows));
      } else {
        if (b.rows !== a.cols) mismatch('b.rows', `${a.cols} (a.cols)`, String(b.rows));
        if (c.rows < rows) mismatch('c.rows', `at least ${rows} rows`, String(c.rows));
      }
      const split = helper !== undefined && helper.alive;
      let pScratch = 0;
      if (module !== null) {
        const floats = gemmScratchFloats(c.stride);
        if (gemmScratch === undefined || gemmScratch.rows * 4 < floats) {
          gemmScratch = ws.matrix(floats / 4, 4);
          // The helper packs its own panels: a second scratch beside the caller's.
          if (split) helperScratch = ws.matrix(floats / 4, 4);
        }
        pScratch = gemmScratch.byteOffset;
      }
      refresh();
      const flags = init | (act << 2);
      const ldb = b.stride * 4,
        ldc = c.stride * 4;
      // C's rows M, the reduction K, and the byte step through A per row of C.
      const [M, K, aRow, aRed] = g.transposeA === true ? [a.stride, rows, 4, a.stride * 4] : [ceil4(rows), a.cols, a.stride * 4, 4];
      if (split && M >= 8 && M * K * c.stride >= SPLIT_MACS) {
        // Rows [0, top) here, [top, M) on the helper; top a multiple of 4 (the tiles' height),
        // so every entry of C is summed by the same tile code in the same order as on one thread.
        const top = ceil4(M >> 1);
        const lower: GemmArgs = [
          a.byteOffset + top * aRow,
          b.byteOffset,
          c.byteOffset + top * ldc,
          pBias,
          M - top,
          K,
          c.stride,
          aRow,
          aRed,
          ldb,
          ldc,
          flags,
          helperScratch!.byteOffset,
        ];
        if (helper!.post(lower)) {
          k.gemm(a.byteOffset, b.byteOffset, c.byteOffset, pBias, top, K, c.stride, aRow, aRed, ldb, ldc, flags, pScratch);
          // The helper was gone before it began (no row of C written): its rows run here.
          if (!helper!.finish()) k.gemm(lower[0], lower[1], lower[2], pBias, M - top, K, c.stride, aRow, aRed, ldb, ldc, flags, pScratch);
          return;
        }
      }
      k.gemm(a.byteOffset, b.byteOffset, c.byteOffset, pBias, M, K, c.stride, aRow, aRed, ldb, ldc, flags, pScratch);
    },
    activate(mArg, activation, rowsArg) {
      const m = checkMatrix('m', mArg, ws);
      const act = ACT_CODE[checkOneOf('activation', activation, ACTIVATIONS)];
      const rows = rowsArg === undefined ? m.rows : checkInteger('rows', rowsArg, { min: 1, max: m.rows });
      if (act !== 0) {
        refresh();
        k.act(m.byteOffset, ceil4(rows) * m.stride, act);
      }
    },
    activationGrad(gArg, yArg, activation, rowsArg) {
      const g = checkMatrix('g', gArg, ws),
        y = checkMatrix('y', yArg, ws);
      if (g.cols !== y.cols || g.rows !== y.rows) mismatch('y', `${g.rows} × ${g.cols} (g)`, `${y.rows} × ${y.cols}`);
      const act = ACT_CODE[checkOneOf('activation', activation, ACTIVATIONS)];
      const rows = rowsArg === undefined ? g.rows : checkInteger('rows', rowsArg, { min: 1, max: g.rows });
      if (act !== 0) {
        refresh();
        k.dact(g.byteOffset, y.byteOffset, ceil4(rows) * g.stride, act);
      }
    },
    activationCurvature(outArg, aArg, bArg, yArg, activation, rowsArg) {
      const out = checkMatrix('out', outArg, ws);
      for (const [argument, m] of [
        ['a', aArg],
        ['b', bArg],
        ['y', yArg],
      ] as const) {
        const mm = checkMatrix(argument, m, ws);
        if (mm.cols !== out.cols || mm.rows !== out.rows) mismatch(argument, `${out.rows} × ${out.cols} (out)`, `${mm.rows} × ${mm.cols}`);
      }
      const act = ACT_CODE[checkOneOf('activation', activation, ACTIVATIONS)];
      const rows = rowsArg === undefined ? out.rows : checkInteger('rows', rowsArg, { min: 1, max: out.rows });
      refresh();
      k.curv(out.byteOffset, aArg.byteOffset, bArg.byteOffset, yArg.byteOffset, ceil4(rows) * out.stride, act);
    },
    axpy(alpha, xArg, yArg, rowsArg) {
      const x = checkMatrix('x', xArg, ws),
        y = checkMatrix('y', yArg, ws);
      if (x.cols !== y.cols || x.rows !== y.rows) mismatch('y', `${x.rows} × ${x.cols} (x)`, `${y.rows} × ${y.cols}`);
      const rows = rowsArg === undefined ? x.rows : checkInteger('rows', rowsArg, { min: 1, max: x.rows });
      refresh();
      k.axpy(x.byteOffset, y.byteOffset, ceil4(rows) * x.stride, alpha);
    },
    load(mArg, values, offsetArg, transposeArg) {
      const m = checkMatrix('m', mArg, ws);
      const offset = checkOffset(offsetArg);
      checkFlag('transpose', transposeArg);
      const transpose = transposeArg === true;
      const { rows, cols, stride } = m;
      if (values === null || typeof values !== 'object' || typeof values.length !== 'number' || values.length < offset + rows * cols)
        invalid('values', `at least ${offset + rows * cols} numbers`, values, 'SHAPE_MISMATCH');
      if (transpose && module !== null && values instanceof Float32Array && rows % 4 === 0 && cols % 4 === 0) {
        // Transposed from float32 (a layer's Wᵀ for the backward product): one copy into the
        // memory, then the kernel's 4 × 4 blocks (a scalar loop here runs at ~5 ns a float,
        // its reads a row of `values` apart).
        const s = staging(rows * cols);
        s.data.set(values.subarray(offset, offset + rows * cols));
        k.transpose(s.byteOffset, m.byteOffset, rows, cols, stride * 4); // (no padding: stride = cols, rows a multiple of 4)
        return;
      }
      const d = m.data;
      if (!transpose && cols === stride && values instanceof Float32Array) {
        // Rows without padding from float32: one copy.
        d.set(values.subarray(offset, offset + rows * cols));
        d.fill(0, rows * stride);
        return;
      }
      for (let i = 0; i < rows; i++) {
        const o = i * stride;
        if (transpose) for (let j = 0; j < cols; j++) d[o + j] = values[offset + j * rows + i]!;
        else for (let j = 0; j < cols; j++) d[o + j] = values[offset + i * cols + j]!;
        for (let j = cols; j < stride; j++) d[o + j] = 0;
      }
      d.fill(0, rows * stride);
    },
    addTo(mArg, out, offsetArg, transposeArg) {
      const m = checkMatrix('m', mArg, ws);
      const offset = checkOffset(offsetArg);
      checkFlag('transpose', transposeArg);
      const transpose = transposeArg === true;
      const { rows, cols, stride } = m;
      if (!(out instanceof Float32Array || out instanceof Float64Array) || out.length < offset + rows * cols)
        invalid('out', `a Float32Array or Float64Array of at least ${offset + rows * cols} numbers`, out, 'SHAPE_MISMATCH');
      if (!transpose && module !== null && out instanceof Float32Array && cols === stride) {
        // Unpadded rows into float32: copied into the memory, added there by axpy (α = 1: the
        // same float32 sums as the loop), copied back.
        const n = rows * cols;
        const s = staging(n);
        const view = s.data.subarray(0, n);
        view.set(out.subarray(offset, offset + n));
        k.axpy(m.byteOffset, s.byteOffset, n, 1);
        out.set(view, offset);
        return;
      }
      const d = m.data;
      for (let i = 0; i < rows; i++) {
        const o = i * stride;
        if (transpose) for (let j = 0; j < cols; j++) out[offset + j * rows + i] += d[o + j]!;
        else for (let j = 0; j < cols; j++) out[offset + i * cols + j] += d[o + j]!;
      }
    },
    columnSums(mArg, out, offsetArg, rowsArg) {
      const m = checkMatrix('m', mArg, ws);
      const offset = checkOffset(offsetArg);
      const rows = rowsArg === undefined ? m.rows : checkInteger('rows', rowsArg, { min: 1, max: m.rows });
      if (!(out instanceof Float32Array || out instanceof Float64Array) || out.length < offset + m.cols)
        invalid('out', `a Float32Array or Float64Array of at least ${offset + m.cols} numbers`, out, 'SHAPE_MISMATCH');
      // Summed by the kernel into a scratch row of the workspace, then added into out.
      if (scratch === undefined || scratch.stride < m.stride) scratch = ws.matrix(1, m.stride);
      refresh();
      k.colsum(m.byteOffset, scratch.byteOffset, rows, m.stride);
      const d = scratch.data;
      for (let j = 0; j < m.cols; j++) out[offset + j] += d[j]!;
    },
    close() {
      helper?.close();
    },
  };
  if (helper !== undefined) helpers?.register(ws, helper, helper);
  return ws;
}
