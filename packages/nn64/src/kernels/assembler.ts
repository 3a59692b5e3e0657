/**
 * A few WebAssembly opcodes as byte arrays, and a module writer: enough to assemble the float32
 * kernels of this package from their instructions, without a toolchain (the way
 * @phaseflow/linalg's Gram kernel is built). Internal to the package.
 */

/** Unsigned LEB128. */
const uleb = (v: number): number[] => {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
};

/** Signed LEB128. */
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
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const utf8 = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/** Value types. */
export const I32 = 0x7f;
export const V128 = 0x7b;

const simd = (code: number, ...imm: number[]): number[] => [0xfd, ...uleb(code), ...imm];
const f32Bytes = (v: number): number[] => Array.from(new Uint8Array(Float32Array.of(v).buffer));

/** The instructions the kernels use (each a byte array to spread into a body). */
export const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  call: (f: number) => [0x10, ...uleb(f)],
  i32: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  and: [0x71],
  shrU: [0x76],
  eqz: [0x45],
  eq: [0x46],
  ltU: [0x49],
  gtU: [0x4b],
  leU: [0x4d],
  geU: [0x4f],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  /** `if` with no result; `else` and `end` below. */
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  ret: [0x0f],
  v128load: (offset = 0) => simd(0x00, 4, ...uleb(offset)),
  v128store: (offset = 0) => simd(0x0b, 4, ...uleb(offset)),
  load32splat: (offset = 0) => simd(0x09, 2, ...uleb(offset)),
  /** v128.const with the same float32 in every lane. */
  f32x4const: (v: number) => simd(0x0c, ...f32Bytes(v), ...f32Bytes(v), ...f32Bytes(v), ...f32Bytes(v)),
  f32x4splat: simd(0x13),
  f32x4gt: simd(0x44),
  f32x4lt: simd(0x43),
  and128: simd(0x4e),
  bitselect: simd(0x52),
  f32x4abs: simd(0xe0),
  f32x4add: simd(0xe4),
  f32x4sub: simd(0xe5),
  f32x4mul: simd(0xe6),
  f32x4div: simd(0xe7),
  f32x4min: simd(0xe8),
  f32x4max: simd(0xe9),
  /** Pseudo-minimum b < a ? b : a (one minps on x64; min's NaN and ±0 rules cost several). */
  f32x4pmin: simd(0xea),
  /** Pseudo-maximum a < b ? b : a. */
  f32x4pmax: simd(0xeb),
  /** i8x16.shuffle picking four 32-bit lanes (0–3 of the first operand, 4–7 of the second). */
  shuffle32: (lanes: readonly [number, number, number, number]) => simd(0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])),
  /** Relaxed SIMD's f32x4.relaxed_madd (a·b + c, fused where the hardware has FMA). */
  f32x4madd: simd(0x105),
};

/** One function of a module: its parameter and result types, extra locals and body (without the final `end`). */
export interface WasmFunction {
  readonly name?: string;
  readonly params: readonly number[];
  readonly results: readonly number[];
  readonly locals: readonly (readonly [count: number, type: number])[];
  readonly code: readonly number[];
}

/**
 * A module that imports its memory as `m.m` and holds `functions` (function i is index i;
 * named ones are exported). With `sharedMaximum` the import is a shared memory of at most that
 * many pages (threads proposal: shared memories declare a maximum), which worker threads can
 * instantiate the same module on.
 */
export function assemble(functions: readonly WasmFunction[], sharedMaximum?: number): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  const bodies = functions.map((f) => {
    const body = [...vec(f.locals.map(([count, type]) => [...uleb(count), type])), ...f.code, 0x0b];
    return [...uleb(body.length), ...body];
  });
  const exports = functions.flatMap((f, i) => (f.name === undefined ? [] : [[...utf8(f.name), 0x00, ...uleb(i)]]));
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    // memory import: limits 0x00 (min 0), or 0x03 (shared, min 0, max)
    ...section(2, vec([[...utf8('m'), ...utf8('m'), 0x02, ...(sharedMaximum === undefined ? [0x00, 0x00] : [0x03, 0x00, ...uleb(sharedMaximum)])]])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}
