/**
 * @internal Byte-level helpers for the WebAssembly modules this package assembles by hand
 * (the Gram kernel, the sparse matrix–vector kernel): LEB128 integers, sections, vectors, names.
 */
export const uleb = (v: number): number[] => {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
};
const sleb = (v: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
};
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** local.get / local.set / local.tee, i32.const, and a SIMD (0xfd-prefixed) instruction. */
export const get = (i: number): number[] => [0x20, ...uleb(i)];
export const set = (i: number): number[] => [0x21, ...uleb(i)];
export const tee = (i: number): number[] => [0x22, ...uleb(i)];
export const i32 = (v: number): number[] => [0x41, ...sleb(v)];
export const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];

/** A function of a module: its export name, parameter types, and body (locals, then code ending in `end`). */
export interface WasmFunction {
  readonly name: string;
  readonly params: readonly number[];
  readonly body: readonly number[];
}

/**
 * A module importing its memory as `m.m` — private with minimum `minPages` when `sharedMaxPages`
 * is 0, else shared with minimum 1 and that maximum — and exporting each function (no results)
 * under its name, in the order given.
 */
export function wasmModule(
  functions: readonly WasmFunction[],
  memory: { readonly minPages: number; readonly sharedMaxPages: number },
): Uint8Array<ArrayBuffer> {
  const limits = memory.sharedMaxPages > 0 ? [0x03, ...uleb(1), ...uleb(memory.sharedMaxPages)] : [0x00, ...uleb(memory.minPages)];
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(functions.map((f) => [0x60, ...vec(f.params.map((t) => [t])), 0x00]))),
    ...section(2, vec([[...name('m'), ...name('m'), 0x02, ...limits]])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(functions.map((f) => [...uleb(f.body.length), ...f.body]))),
  ];
  return Uint8Array.from(bytes);
}

/** i32 arithmetic and unsigned comparisons. */
export const I32_ADD = 0x6a;
export const I32_SUB = 0x6b;
export const I32_MUL = 0x6c;
export const I32_GT_U = 0x4b;
export const I32_GE_U = 0x4f;

/** Structured control: block, loop (no result), end, br d, br_if d. */
export const BLOCK = [0x02, 0x40];
export const LOOP = [0x03, 0x40];
export const END = 0x0b;
export const br = (d: number): number[] => [0x0c, d];
export const brIf = (d: number): number[] => [0x0d, d];

/** v128 memory access at a static byte offset (16-byte alignment hint), and an f64 load splatted to both lanes. */
export const v128load = (off: number): number[] => simd(0x00, 4, ...uleb(off));
export const v128store = (off: number): number[] => simd(0x0b, 4, ...uleb(off));
export const load64splat = (off: number): number[] => simd(0x0a, 3, ...uleb(off));

/** f64x2 add, sub, mul (IEEE binary64 lane by lane, no contraction) and the zero vector. */
export const F64X2_ADD = simd(0xf0);
export const F64X2_SUB = simd(0xf1);
export const F64X2_MUL = simd(0xf2);
export const V128_ZERO = simd(0x0c, ...new Array<number>(16).fill(0));
