/**
 * @internal The trailing update of the blocked Cholesky factor in WebAssembly SIMD (f64x2): for
 * a block column J = [j0, j1), every whole 4 × 4 tile strictly inside the lower triangle,
 * A[i…i+3, j…j+3] −= L[i…i+3, <j0] · L[j…j+3, <j0]ᵀ, summed in registers term by term in k
 * order and subtracted once — the operations of the JavaScript tile in `cholesky.ts`, lane by
 * lane (f64x2 mul and add are IEEE binary64 without contraction), so the same bits.
 *
 * The factor's matrix lives in the kernel's memory while the factorisation runs; the block
 * column's rows of L (k < j0) are packed first into panels of four rows, k-major (the 4 values a
 * term needs side by side: two v128 loads), and the tile rows' L values are splatted from the
 * matrix. About 4× the JavaScript tile at n = 2000 (whose 16 accumulators do not fit the
 * registers); the rest of the factorisation (the diagonal tiles, edges and the block's own
 * columns) stays in JavaScript on the same memory.
 *
 * Process-global state: the compiled module (or the finding that SIMD is unavailable), once per
 * realm, as the Gram kernel's.
 */
import {
  BLOCK,
  END,
  F64X2_ADD as fadd,
  F64X2_MUL as fmul,
  F64X2_SUB as fsub,
  I32,
  I32_ADD as ADD,
  I32_GE_U as GE_U,
  I32_GT_U as GT_U,
  I32_MUL as MUL,
  I32_SUB as SUB,
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

/**
 * The module: imports memory `m.m`, exports
 * `upd(pA, pB, rowBytes, i0, n, j0, j1, kBytes)`: for i = i0, i0 + 4, … with i + 3 < n and tile
 * columns j = j0, j0 + 4, … with j + 3 < j1 and j + 3 ≤ i, A[i…, j…] −= Σ_k A[i + r, k]·B, the
 * panel of tile column (j − j0)/4 at pB + ((j − j0)/4)·4·kBytes holding L[j…j+3, k] at 32·k.
 */
function choleskyUpdateWasmBytes(): Uint8Array<ArrayBuffer> {
  const [pA, pB, rowBytes, i0, n, j0, j1, kBytes] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [I, J, a, b, end, row] = [8, 9, 10, 11, 12, 13];
  const acc = [14, 15, 16, 17, 18, 19, 20, 21];
  const [b01, b23, x] = [22, 23, 24];
  // One row r of a term: x = splat(A[i + r, k]) at a + r·rowBytes; acc_r += x·b01, x·b23.
  const term = (r: number): number[] => [
    ...get(a),
    ...(r === 0 ? [] : [...get(rowBytes), ...i32(r), MUL, ADD]),
    ...load64splat(0),
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
  // A[i + r, j…j+3] −= acc_r: row at `row` (then the next row).
  const subtract = (r: number): number[] => [
    ...get(row),
    ...get(row),
    ...v128load(0),
    ...get(acc[2 * r]!),
    ...fsub,
    ...v128store(0),
    ...get(row),
    ...get(row),
    ...v128load(16),
    ...get(acc[2 * r + 1]!),
    ...fsub,
    ...v128store(16),
    ...get(row),
    ...get(rowBytes),
    ADD,
    ...set(row),
  ];
  const code: number[] = [
    ...get(i0),
    ...set(I),
    ...BLOCK,
    ...LOOP, // tile rows: while I + 3 < n
    ...get(I),
    ...i32(3),
    ADD,
    ...get(n),
    GE_U,
    ...brIf(1),
    ...get(j0),
    ...set(J),
    ...BLOCK,
    ...LOOP, // tile columns: while J + 3 < j1 and J + 3 ≤ I
    ...get(J),
    ...i32(3),
    ADD,
    ...get(j1),
    GE_U,
    ...brIf(1),
    ...get(J),
    ...i32(3),
    ADD,
    ...get(I),
    GT_U,
    ...brIf(1),
    // a = pA + I·rowBytes (k = 0 of row I); b = pB + (J − j0)·kBytes (the panel: 4 floats a term)
    ...get(pA),
    ...get(I),
    ...get(rowBytes),
    MUL,
    ADD,
    ...set(a),
    ...get(pB),
    ...get(J),
    ...get(j0),
    SUB,
    ...get(kBytes),
    MUL,
    ADD,
    ...set(b),
    ...get(a),
    ...get(kBytes),
    ADD,
    ...set(end),
    ...acc.flatMap((v) => [...zero, ...set(v)]),
    ...BLOCK,
    ...LOOP, // terms k = 0 … j0 − 1
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
    ...term(0),
    ...term(1),
    ...term(2),
    ...term(3),
    ...get(a),
    ...i32(8),
    ADD,
    ...set(a),
    ...get(b),
    ...i32(32),
    ADD,
    ...set(b),
    ...br(0),
    END,
    END,
    // row = pA + I·rowBytes + 8·J
    ...get(pA),
    ...get(I),
    ...get(rowBytes),
    MUL,
    ADD,
    ...get(J),
    ...i32(8),
    MUL,
    ADD,
    ...set(row),
    ...subtract(0),
    ...subtract(1),
    ...subtract(2),
    ...subtract(3),
    ...get(J),
    ...i32(4),
    ADD,
    ...set(J),
    ...br(0),
    END,
    END,
    ...get(I),
    ...i32(4),
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
      [11, V128],
    ].map(([c, ty]) => [...uleb(c!), ty!]),
  );
  return wasmModule([{ name: 'upd', params: new Array<number>(8).fill(I32), body: [...locals, ...code] }], { minPages: 0, sharedMaxPages: 0 });
}

/** The kernel on one memory: the factor's working matrix and the panel, and the update. */
export interface CholeskyUpdateKernel {
  /** The n × n working matrix (row-major) in the kernel's memory. */
  readonly a: Float64Array;
  /**
   * Every whole tile strictly inside the lower triangle of block column [j0, j1) updated by the
   * columns k < j0 (the tiles with j + 3 < j1 and j + 3 ≤ i; the caller does the rest).
   */
  update(j0: number, j1: number): void;
}

let cached: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable. */
function updateModule(): WebAssembly.Module | null {
  if (cached !== undefined) return cached;
  cached = null;
  try {
    const bytes = choleskyUpdateWasmBytes();
    if (typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) cached = new WebAssembly.Module(bytes);
  } catch {
    cached = null;
  }
  return cached;
}

/**
 * @internal A kernel for an n × n factor with block columns of at most `nb` columns, or
 * undefined where SIMD or the memory is unavailable (the caller then runs its JavaScript tiles).
 */
export function choleskyUpdateKernel(n: number, nb: number): CholeskyUpdateKernel | undefined {
  const module = updateModule();
  if (module === null) return undefined;
  const aBytes = n * n * 8;
  const panelBytes = Math.ceil(nb / 4) * 4 * n * 8;
  const pages = Math.ceil((aBytes + panelBytes) / 65536);
  if (pages > 65536) return undefined;
  let upd: (pA: number, pB: number, rowBytes: number, i0: number, n: number, j0: number, j1: number, kBytes: number) => void;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    upd = new WebAssembly.Instance(module, { m: { m: memory } }).exports['upd'] as typeof upd;
  } catch {
    return undefined;
  }
  const a = new Float64Array(memory.buffer, 0, n * n);
  const panel = new Float64Array(memory.buffer, aBytes, panelBytes / 8);
  return {
    a,
    update(j0, j1) {
      // Pack L[j…j+3, k] (k < j0) of each whole tile column, k-major.
      for (let j = j0; j + 3 < j1; j += 4) {
        const base = (j - j0) * j0;
        const q0 = j * n,
          q1 = q0 + n,
          q2 = q1 + n,
          q3 = q2 + n;
        for (let k = 0; k < j0; k++) {
          const p = base + 4 * k;
          panel[p] = a[q0 + k]!;
          panel[p + 1] = a[q1 + k]!;
          panel[p + 2] = a[q2 + k]!;
          panel[p + 3] = a[q3 + k]!;
        }
      }
      upd(0, aBytes, n * 8, j0, n, j0, j1, j0 * 8);
    },
  };
}
