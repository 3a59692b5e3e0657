/**
 * The Gram kernel of the streaming ridge accumulator: S += XbᵀXb (upper triangle, 4 × 4 tiles)
 * for a block of samples Xb, with the block's sum added to S by Kahan compensation.
 *
 * The block is stored in column panels of four features: `P[q·4B + 4s + r] = x_s[4q + r]`
 * (B samples per block, rows padded to a multiple of four with zeros). A tile
 * `S[4I…4I+3, 4J…4J+3]` is summed in registers over the block's samples — each entry
 * sequentially, sample by sample — then `y = g − C; t = S + y; C = (t − S) − y; S = t`.
 *
 * Two implementations with the same arithmetic, entry by entry (so the same bits): a
 * WebAssembly SIMD (f64x2) module, assembled below from its opcodes (about 400 bytes, no
 * toolchain and no native code), used where the engine validates it; and a plain JavaScript
 * kernel otherwise. WebAssembly f64x2 add/mul are IEEE binary64 lane by lane, without
 * contraction into fused multiply–adds, exactly as JavaScript's `+` and `*`.
 *
 * Process-global state: the compiled `WebAssembly.Module` (or the finding that SIMD is not
 * available) is cached in this module the first time a kernel is created, once per JavaScript
 * realm (process, worker or page), and shared by every kernel made after. Each kernel still
 * has its own `WebAssembly.Memory` and instance, so kernels never share sums or panels. The
 * cache holds only the validated bytes' compilation; nothing in it depends on the caller.
 */
import { checkAllocation, checkInteger, checkOneOf, checkOptions } from '@phaseflow/core';
import {
  BLOCK,
  END,
  F64X2_ADD as fadd,
  F64X2_MUL as fmul,
  F64X2_SUB as fsub,
  I32,
  I32_ADD as ADD,
  I32_GE_U as GE_U,
  I32_MUL as MUL,
  LOOP,
  V128,
  V128_ZERO as zero,
  br,
  brIf,
  get,
  i32,
  load64splat,
  set,
  uleb,
  v128load,
  v128store,
  vec,
  wasmModule,
} from './wasm-asm.js';

/** A Gram accumulator's storage and kernel, from {@link createGramKernel}. */
export interface GramKernel {
  readonly name: 'gram';
  /** Which implementation runs. */
  readonly kind: 'wasm-simd' | 'js';
  /** Features rounded up to a multiple of four (row stride of `sums`). */
  readonly stride: number;
  /** Samples per block. */
  readonly block: number;
  /** The packed block (column panels), written by the caller. */
  readonly panels: Float64Array;
  /** Running sums S (stride × stride, upper triangle of 4 × 4 tiles meaningful). */
  readonly sums: Float64Array;
  /** Add the first `count` samples of the packed block into the sums. */
  accumulate(count: number): void;
}

/** Options of {@link createGramKernel}. */
export interface GramKernelOptions {
  /** Number of features n (columns of a sample), ≥ 1. */
  readonly features: number;
  /** Samples per block B, ≥ 1. */
  readonly block: number;
  /** `'auto'` (default): WebAssembly SIMD where the engine validates it, else JavaScript. `'js'`: always JavaScript. */
  readonly kernel?: 'auto' | 'js';
}

/**
 * A Gram accumulator for `features` features and blocks of `block` samples: write a block
 * into `panels` (column panels of four features, `panels[q·4B + 4s + r] = x_s[4q + r]`), call
 * `accumulate(count)`, read the upper triangle of `sums`. Equation: S += Σ_s x_s x_sᵀ over the
 * block, added to S with Kahan compensation (Kahan 1965). The WebAssembly SIMD and JavaScript
 * kernels give the same bits.
 *
 * @example
 * ```ts
 * const g = createGramKernel({ features: 2, block: 4 });
 * g.panels.set([1, 2, 0, 0, 3, 4, 0, 0]); // x₀ = (1, 2), x₁ = (3, 4)
 * g.accumulate(2);
 * [g.sums[0], g.sums[1], g.sums[g.stride + 1]]; // [10, 14, 20]
 * ```
 */
export function createGramKernel(options: GramKernelOptions): GramKernel {
  const o = checkOptions('options', options, ['features', 'block', 'kernel']);
  const n = checkInteger('options.features', o.features, { min: 1 });
  const block = checkInteger('options.block', o.block, { min: 1 });
  const kernel = checkOneOf('options.kernel', o.kernel === undefined ? 'auto' : o.kernel, ['auto', 'js'] as const);
  checkAllocation('options.features', n * n, 8);
  checkAllocation('options.block', n * block, 8);
  const stride = (n + 3) & ~3;
  const nq = stride >> 2;
  if (kernel !== 'js') {
    const k = wasmKernel(stride, nq, block);
    if (k !== undefined) return k;
  }
  const panels = new Float64Array(stride * block);
  const sums = new Float64Array(stride * stride);
  const comp = new Float64Array(stride * stride);
  return {
    name: 'gram',
    kind: 'js',
    stride,
    block,
    panels,
    sums,
    accumulate: (count) => gramJs(panels, sums, comp, nq, stride, block, checkInteger('count', count, { min: 0, max: block })),
  };
}

/** The JavaScript kernel: a 4 × 4 register tile per pair of panels. */
function gramJs(P: Float64Array, S: Float64Array, C: Float64Array, nq: number, stride: number, block: number, count: number): void {
  const pb = 4 * block,
    end = 4 * count;
  for (let I = 0; I < nq; I++) {
    const ai = I * pb;
    for (let J = I; J < nq; J++) {
      const bj = J * pb;
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      for (let s = 0; s < end; s += 4) {
        const a0 = P[ai + s]!,
          a1 = P[ai + s + 1]!,
          a2 = P[ai + s + 2]!,
          a3 = P[ai + s + 3]!;
        const b0 = P[bj + s]!,
          b1 = P[bj + s + 1]!,
          b2 = P[bj + s + 2]!,
          b3 = P[bj + s + 3]!;
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
      }
      const g = 4 * I * stride + 4 * J;
      kahan4(S, C, g, c00, c01, c02, c03);
      kahan4(S, C, g + stride, c10, c11, c12, c13);
      kahan4(S, C, g + 2 * stride, c20, c21, c22, c23);
      kahan4(S, C, g + 3 * stride, c30, c31, c32, c33);
    }
  }
}

function kahan4(S: Float64Array, C: Float64Array, g: number, v0: number, v1: number, v2: number, v3: number): void {
  let y = v0 - C[g]!,
    t = S[g]! + y;
  C[g] = t - S[g]! - y;
  S[g] = t;
  y = v1 - C[g + 1]!;
  t = S[g + 1]! + y;
  C[g + 1] = t - S[g + 1]! - y;
  S[g + 1] = t;
  y = v2 - C[g + 2]!;
  t = S[g + 2]! + y;
  C[g + 2] = t - S[g + 2]! - y;
  S[g + 2] = t;
  y = v3 - C[g + 3]!;
  t = S[g + 3]! + y;
  C[g + 3] = t - S[g + 3]! - y;
  S[g + 3] = t;
}

// ---- WebAssembly SIMD kernel ----------------------------------------------------------------

/** Process-global (see the file comment): compiled once per realm, null where SIMD is unavailable. */
let cachedModule: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable. */
function gramModule(): WebAssembly.Module | null {
  if (cachedModule !== undefined) return cachedModule;
  cachedModule = null;
  try {
    const bytes = gramWasmBytes();
    if (typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) cachedModule = new WebAssembly.Module(bytes);
  } catch {
    cachedModule = null;
  }
  return cachedModule;
}

function wasmKernel(stride: number, nq: number, block: number): GramKernel | undefined {
  const module = gramModule();
  if (module === null) return undefined;
  const align = (b: number): number => Math.ceil(b / 64) * 64;
  const pBytes = align(stride * block * 8),
    sBytes = align(stride * stride * 8);
  const total = pBytes + 2 * sBytes;
  const pages = Math.ceil(total / 65536);
  if (pages > 65536) return undefined; // beyond 4 GiB: the JavaScript kernel
  let memory: WebAssembly.Memory;
  let gram: (pP: number, pS: number, pC: number, nq: number, rowBytes: number, panelBytes: number, countBytes: number, i0: number, i1: number) => void;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const instance = new WebAssembly.Instance(module, { m: { m: memory } });
    gram = instance.exports['gram'] as typeof gram;
  } catch {
    return undefined; // out of memory for a wasm heap: fall back
  }
  const buf = memory.buffer;
  const panels = new Float64Array(buf, 0, stride * block);
  const sums = new Float64Array(buf, pBytes, stride * stride);
  return {
    name: 'gram',
    kind: 'wasm-simd',
    stride,
    block,
    panels,
    sums,
    accumulate: (count) => {
      if (checkInteger('count', count, { min: 0, max: block }) > 0) gram(0, pBytes, pBytes + sBytes, nq, stride * 8, block * 32, count * 32, 0, nq);
    },
  };
}

/**
 * @internal The module: imports memory `m.m` (a shared one of `sharedMaxPages` pages when > 0), exports
 * `gram(pP, pS, pC, nq, rowBytes, panelBytes, countBytes, i0, i1)` (byte offsets and sizes; the
 * tile rows i0 ≤ I < i1 of the upper triangle, each tile I ≤ J < nq: a row range sums the same
 * tiles, sample by sample, as the whole triangle does, so rows can be shared out between threads).
 */
export function gramWasmBytes(sharedMaxPages = 0): Uint8Array<ArrayBuffer> {
  // Locals: params 0–8; i32 9–14; v128 15–29.
  const [pP, pS, pC, nq, rowBytes, panelBytes, countBytes, i0, i1] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [I, J, a, b, end, g] = [9, 10, 11, 12, 13, 14];
  const acc = [15, 16, 17, 18, 19, 20, 21, 22];
  const [b01, b23, x, sv, cv, y, t] = [23, 24, 25, 26, 27, 28, 29];

  // Kahan update of S[g + off…+16) by accumulator `v` (C at the same offset from pC).
  const kahan = (v: number, off: number): number[] => [
    ...get(pS),
    ...get(g),
    ADD,
    ...v128load(off),
    ...set(sv),
    ...get(pC),
    ...get(g),
    ADD,
    ...v128load(off),
    ...set(cv),
    ...get(v),
    ...get(cv),
    ...fsub,
    ...set(y), // y = v − C
    ...get(sv),
    ...get(y),
    ...fadd,
    ...set(t), // t = S + y
    ...get(pC),
    ...get(g),
    ADD,
    ...get(t),
    ...get(sv),
    ...fsub,
    ...get(y),
    ...fsub,
    ...v128store(off), // C = (t − S) − y
    ...get(pS),
    ...get(g),
    ADD,
    ...get(t),
    ...v128store(off), // S = t
  ];
  const fmaRow = (r: number): number[] => [
    ...get(a),
    ...load64splat(8 * r),
    ...set(x),
    ...get(acc[2 * r]!),
    ...get(x),
    ...get(b01),
    ...fmul,
    ...fadd,
    ...set(acc[2 * r]!),
    ...get(acc[2 * r + 1]!),
    ...get(x),
    ...get(b23),
    ...fmul,
    ...fadd,
    ...set(acc[2 * r + 1]!),
  ];
  const code: number[] = [
    ...get(i0),
    ...set(I),
    ...BLOCK,
    ...LOOP, // I loop
    ...get(I),
    ...get(i1),
    GE_U,
    ...brIf(1),
    ...get(I),
    ...set(J),
    ...BLOCK,
    ...LOOP, // J loop
    ...get(J),
    ...get(nq),
    GE_U,
    ...brIf(1),
    ...get(pP),
    ...get(I),
    ...get(panelBytes),
    MUL,
    ADD,
    ...set(a),
    ...get(pP),
    ...get(J),
    ...get(panelBytes),
    MUL,
    ADD,
    ...set(b),
    ...get(a),
    ...get(countBytes),
    ADD,
    ...set(end),
    ...acc.flatMap((k) => [...zero, ...set(k)]),
    ...BLOCK,
    ...LOOP, // sample loop
    ...get(a),
    ...get(end),
    GE_U,
    ...brIf(1),
    ...get(b),
    ...v128load(0),
    ...set(b01),
    ...get(b),
    ...v128load(16),
    ...set(b23),
    ...fmaRow(0),
    ...fmaRow(1),
    ...fmaRow(2),
    ...fmaRow(3),
    ...get(a),
    ...i32(32),
    ADD,
    ...set(a),
    ...get(b),
    ...i32(32),
    ADD,
    ...set(b),
    ...br(0),
    END,
    END,
    // g = 4·I·rowBytes + 32·J
    ...get(I),
    ...i32(4),
    MUL,
    ...get(rowBytes),
    MUL,
    ...get(J),
    ...i32(32),
    MUL,
    ADD,
    ...set(g),
    ...[0, 1, 2, 3].flatMap((r) => [...kahan(acc[2 * r]!, 0), ...kahan(acc[2 * r + 1]!, 16), ...get(g), ...get(rowBytes), ADD, ...set(g)]),
    ...get(J),
    ...i32(1),
    ADD,
    ...set(J),
    ...br(0),
    END,
    END,
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
      [6, I32],
      [15, V128],
    ].map(([c, ty]) => [...uleb(c!), ty!]),
  );
  // (i32 ×9) → (); memory m.m: min 0, or shared (min 1, max sharedMaxPages) for the worker pipeline.
  return wasmModule([{ name: 'gram', params: new Array<number>(9).fill(I32), body: [...locals, ...code] }], { minPages: 0, sharedMaxPages });
}
