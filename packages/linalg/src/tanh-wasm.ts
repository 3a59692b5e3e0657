/**
 * tanh of a Float64 vector in WebAssembly SIMD, for a reservoir's state update
 * x ← (1 − a)·x + a·tanh(s): V8's `Math.tanh` is a call into C (≈ 36 ns an element here, most
 * of a 500-unit reservoir step once W·x runs in WebAssembly); this kernel takes two lanes at a
 * time with no call and no branch.
 *
 * The function, for a = |x|:
 * - a < 0.625: Cephes' rational form a + a·z·P(z)/Q(z), z = a² (S. L. Moshier, *Methods and
 *   Programs for Mathematical Functions*, 1989: `tanh.c`);
 * - else 1 − 2/(e^{2a} + 1), with e^{y} = 2ᵏ·e^{r}, k = ⌊y·log₂e + ½⌋, r = y − k·ln 2 in two parts
 *   (Cody & Waite), e^{r} by its Taylor series to r¹³ (|r| ≤ ln 2 / 2: truncation below 10⁻¹⁷),
 *   2ᵏ built from its exponent bits; a is capped at 20, past which tanh is 1 in binary64;
 * - the sign of x put back (tanh(−0) = −0, NaN stays NaN).
 * Both branches are computed and one selected per lane. Distance from `Math.tanh` (itself within
 * an ulp): at most 1.8·ε·|tanh x| over 4·10⁶ samples of [−22, 22]; the tests check 2·10⁵ of them,
 * the switch at 0.625 and the special values.
 *
 * {@link tanh64} is the same sequence of IEEE operations in JavaScript (no fused multiply–add
 * on either side), so the kernel and the fallback give the same bits (tested).
 */
import { F64, I32, V128, get, set, simd, uleb, vec, wasmModule } from './wasm-asm.js';

const P0 = -9.64399179425052238628e-1,
  P1 = -9.92877231001918586564e1,
  P2 = -1.61468768441708447952e3;
const Q0 = 1.12811678491632931402e2,
  Q1 = 2.23548839060100448583e3,
  Q2 = 4.84406305325125486048e3;
const LOG2E = 1.4426950408889634,
  LN2HI = 6.9314718036912382e-1,
  LN2LO = 1.9082149292705877e-10;
/** 1/j! for j = 0…13, Horner from the top. */
const TAYLOR: readonly number[] = (() => {
  const c: number[] = [];
  let f = 1;
  for (let j = 0; j <= 13; j++) {
    if (j > 0) f *= j;
    c.push(1 / f);
  }
  return c;
})();
const [C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13] = TAYLOR as [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];
const SMALL = 0.625;
const CAP = 20;
/** 2ᵏ for the k a capped argument can reach (0 … 58). */
const POW2 = Float64Array.from({ length: 64 }, (_, k) => 2 ** k);

/**
 * tanh(x) as the WebAssembly kernel computes it (same bits): within 1.8 ε·|tanh x| of
 * `Math.tanh` (measured over 4·10⁶ samples).
 */
export function tanh64(x: number): number {
  const a = Math.abs(x);
  const z = a * a;
  const y = 2 * Math.min(a, CAP);
  const k = Math.floor(y * LOG2E + 0.5);
  const r = y - k * LN2HI - k * LN2LO;
  // e^r by Estrin's scheme (a dependency chain of 8 operations instead of Horner's 26).
  const r2 = r * r,
    r4 = r2 * r2,
    r8 = r4 * r4;
  const s0 = C0 + C1 * r + (C2 + C3 * r) * r2,
    s1 = C4 + C5 * r + (C6 + C7 * r) * r2,
    s2 = C8 + C9 * r + (C10 + C11 * r) * r2,
    s3 = C12 + C13 * r;
  const p = s0 + s1 * r4 + (s2 + s3 * r4) * r8;
  const e = p * POW2[k]!;
  // One division for either branch: small = a + (a·z·P)/Q, big = 1 − 2/(e + 1).
  const t = a < SMALL ? a + (a * z * ((P0 * z + P1) * z + P2)) / (((z + Q0) * z + Q1) * z + Q2) : 1 - 2 / (e + 1);
  return x < 0 || Object.is(x, -0) ? -t : t;
}

/** y[0…n) ← tanh(y) (the JavaScript form of the kernel's `tanh`). */
export function tanhInPlaceJs(y: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] = tanh64(y[i]!);
}

/** x[0…n) ← keep·x + rate·tanh(y) (the JavaScript form of the kernel's `leaky`). */
export function leakyTanhJs(x: Float64Array, y: Float64Array, n: number, keep: number, rate: number): void {
  for (let i = 0; i < n; i++) x[i] = keep * x[i]! + rate * tanh64(y[i]!);
}

/** The two kernel functions over a module's memory (byte offsets, element counts). */
export interface TanhKernelFunctions {
  /** y ← tanh(y), n elements from byte offset `y`. */
  tanh(y: number, n: number): void;
  /** x ← keep·x + rate·tanh(y). */
  leaky(x: number, y: number, n: number, keep: number, rate: number): void;
}

const cache: Record<'private' | 'shared', WebAssembly.Module | null | undefined> = { private: undefined, shared: undefined };

/**
 * The compiled module importing memory `m.m` (shared when `shared`: declared with the largest
 * maximum, so it instantiates over any shared memory), or null where WebAssembly SIMD is missing.
 */
function tanhModule(shared: boolean): WebAssembly.Module | null {
  const key = shared ? 'shared' : 'private';
  if (cache[key] !== undefined) return cache[key];
  cache[key] = null;
  try {
    const bytes = tanhWasmBytes(shared);
    if (typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) cache[key] = new WebAssembly.Module(bytes);
  } catch {
    cache[key] = null;
  }
  return cache[key];
}

/** Instantiate the kernel over `memory`, or undefined where it cannot run. */
export function tanhKernel(memory: WebAssembly.Memory, shared: boolean): TanhKernelFunctions | undefined {
  const module = tanhModule(shared);
  if (module === null) return undefined;
  try {
    const e = new WebAssembly.Instance(module, { m: { m: memory } }).exports as unknown as TanhKernelFunctions;
    return { tanh: e.tanh, leaky: e.leaky };
  } catch {
    return undefined;
  }
}

/** The module's bytes: exports `tanh(y, n)` and `leaky(x, y, n, keep, rate)` (byte offsets). */
function tanhWasmBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const f64Bytes = (v: number) => Array.from(new Uint8Array(Float64Array.of(v).buffer));
  const splat = (v: number) => simd(0x0c, ...f64Bytes(v), ...f64Bytes(v)); // v128.const
  const i64splat = (lo: number, hi: number) => {
    const b = new Uint8Array(16);
    const w = new DataView(b.buffer);
    for (const o of [0, 8]) {
      w.setUint32(o, lo, true);
      w.setUint32(o + 4, hi, true);
    }
    return simd(0x0c, ...b);
  };
  const ADD = simd(0xf0),
    SUB = simd(0xf1),
    MUL = simd(0xf2),
    DIV = simd(0xf3),
    PMIN = simd(0xf6), // f64x2.pmin(a, b) = b < a ? b : a: one minpd (a ≥ 0 or NaN here, where it equals Math.min)
    ABS = simd(0xec),
    FLOOR = simd(0x75),
    LT = simd(0x49),
    AND = simd(0x4e),
    OR = simd(0x50),
    BITSELECT = simd(0x52),
    I64SHL = simd(0xcb);
  const i32c = (v: number) => [0x41, ...uleb(v)]; // small non-negative constants only
  // The constants live in locals set once before the loop (a v128.const inside the loop is
  // rebuilt on every iteration by the engine's code generator); `base` is the first free local.
  const constants = (base: number) => {
    const slots = new Map<string, { index: number; bytes: number[] }>();
    const slot = (key: string, bytes: () => number[]): number[] => {
      let s = slots.get(key);
      if (s === undefined) slots.set(key, (s = { index: base + slots.size, bytes: bytes() }));
      return get(s.index);
    };
    return {
      f: (v: number) => slot(`f${v}`, () => splat(v)),
      i64: (lo: number, hi: number) => slot(`i${lo}:${hi}`, () => i64splat(lo, hi)),
      get count() {
        return slots.size;
      },
      prologue: () => [...slots.values()].flatMap((s) => [...s.bytes, ...set(s.index)]),
    };
  };
  type Constants = ReturnType<typeof constants>;
  const load = (lane: boolean) => (lane ? simd(0x5d, 3, 0) : simd(0x00, 4, 0)); // v128.load64_zero | v128.load
  // v128.store | v128.store64_lane 0 (address, value on the stack)
  const store = (lane: boolean) => (lane ? simd(0x5b, 3, 0, 0) : simd(0x0b, 4, 0));

  // tanh of the v128 in local V into local T. L: the scratch locals (v128).
  interface Scratch {
    A: number;
    Z: number;
    Y: number;
    K: number;
    R: number;
    R2: number;
    R4: number;
  }
  const body = (V: number, T: number, L: Scratch, k: Constants): number[] => {
    const { A, Z, Y, K, R, R2, R4 } = L;
    const splat = k.f,
      i64splat = k.i64;
    // c + d·r, left on the stack
    const pair = (c: number, d: number) => [...splat(c), ...splat(d), ...get(R), ...MUL, ...ADD];
    // p ↦ (…(p·z + c₀)·z + c₁…): Horner's steps in z on the value on the stack
    const horner = (cs: readonly number[]) => cs.flatMap((c) => [...get(Z), ...MUL, ...splat(c), ...ADD]);
    return [
      ...get(V),
      ...ABS,
      ...set(A),
      ...get(A),
      ...get(A),
      ...MUL,
      ...set(Z),
      // y = 2·min(a, 20), k = ⌊y·log₂e + ½⌋, r = y − k·LN2HI − k·LN2LO
      ...splat(2),
      ...get(A),
      ...splat(CAP),
      ...PMIN,
      ...MUL,
      ...set(Y),
      ...get(Y),
      ...splat(LOG2E),
      ...MUL,
      ...splat(0.5),
      ...ADD,
      ...FLOOR,
      ...set(K),
      ...get(Y),
      ...get(K),
      ...splat(LN2HI),
      ...MUL,
      ...SUB,
      ...get(K),
      ...splat(LN2LO),
      ...MUL,
      ...SUB,
      ...set(R),
      ...get(R),
      ...get(R),
      ...MUL,
      ...set(R2),
      ...get(R2),
      ...get(R2),
      ...MUL,
      ...set(R4),
      // p = s0 + s1·r4 + (s2 + s3·r4)·r8 (Estrin), s_j = pair + pair·r2
      ...pair(C0, C1),
      ...pair(C2, C3),
      ...get(R2),
      ...MUL,
      ...ADD,
      ...pair(C4, C5),
      ...pair(C6, C7),
      ...get(R2),
      ...MUL,
      ...ADD,
      ...get(R4),
      ...MUL,
      ...ADD,
      ...pair(C8, C9),
      ...pair(C10, C11),
      ...get(R2),
      ...MUL,
      ...ADD,
      ...pair(C12, C13),
      ...get(R4),
      ...MUL,
      ...ADD,
      ...get(R4),
      ...get(R4),
      ...MUL,
      ...MUL,
      ...ADD,
      // e = p·2ᵏ: k + 1023 + 2⁵² holds k + 1023 in its low mantissa bits; shifted left by 52
      // they are the exponent of 2ᵏ (and the rest is shifted out). Y ← e + 1
      ...get(K),
      ...splat(1023 + 2 ** 52),
      ...ADD,
      ...i32c(52),
      ...I64SHL,
      ...MUL,
      ...splat(1),
      ...ADD,
      ...set(Y),
      // K ← mask a < 0.625; one division: (a·z·P(z) | 2) / (Q(z) | e + 1)
      ...get(A),
      ...splat(SMALL),
      ...LT,
      ...set(K),
      ...get(A),
      ...get(Z),
      ...MUL,
      ...splat(P0),
      ...horner([P1, P2]),
      ...MUL,
      ...splat(2),
      ...get(K),
      ...BITSELECT,
      ...get(Z),
      ...splat(Q0),
      ...ADD,
      ...horner([Q1, Q2]),
      ...get(Y),
      ...get(K),
      ...BITSELECT,
      ...DIV,
      ...set(R),
      // t = a + f | 1 − f, then the sign of x
      ...get(A),
      ...get(R),
      ...ADD,
      ...splat(1),
      ...get(R),
      ...SUB,
      ...get(K),
      ...BITSELECT,
      ...get(V),
      ...i64splat(0, 0x80000000),
      ...AND,
      ...OR,
      ...set(T),
    ];
  };
  const BLOCK = [0x02, 0x40],
    LOOP = [0x03, 0x40],
    IF = [0x04, 0x40],
    END = 0x0b;
  const brIf = (d: number) => [0x0d, d],
    br = (d: number) => [0x0c, d];
  const I32ADD = 0x6a,
    I32AND = 0x71,
    I32SHL = 0x74,
    I32GE_U = 0x4f;

  // The loop both functions share: E = y + 8·(n & ~1); pairs while y < E (y and `also` += 16);
  // the odd last element with the one-lane forms.
  const loop = (Y: number, N: number, E: number, also: readonly number[], main: number[], tail: number[]): number[] => [
    ...get(N),
    ...i32c(1),
    0x41,
    0x7f, // i32.const -1
    0x73, // i32.xor → ~1
    I32AND,
    ...i32c(3),
    I32SHL,
    ...get(Y),
    I32ADD,
    ...set(E),
    ...BLOCK,
    ...LOOP,
    ...get(Y),
    ...get(E),
    I32GE_U,
    ...brIf(1),
    ...main,
    ...[...also, Y].flatMap((p) => [...get(p), ...i32c(16), I32ADD, ...set(p)]),
    ...br(0),
    END,
    END,
    ...get(N),
    ...i32c(1),
    I32AND,
    ...IF,
    ...tail,
    END,
    END,
  ];

  // tanh(y, n): params Y 0, N 1; i32 local E 2; v128 locals V 3, T 4, scratch 5–11, constants from 12.
  const tanhCode = (() => {
    const [Y, N, E, V, T] = [0, 1, 2, 3, 4];
    const L = { A: 5, Z: 6, Y: 7, K: 8, R: 9, R2: 10, R4: 11 };
    const k = constants(12);
    const step = (lane: boolean) => [...get(Y), ...get(Y), ...load(lane), ...set(V), ...body(V, T, L, k), ...get(T), ...store(lane)];
    const code = loop(Y, N, E, [], step(false), step(true));
    return [
      ...vec([
        [...uleb(1), I32],
        [...uleb(9 + k.count), V128],
      ]),
      ...k.prologue(),
      ...code,
    ];
  })();

  // leaky(x, y, n, keep, rate): params X 0, Y 1, N 2, KEEP 3 (f64), RATE 4 (f64); i32 E 5;
  // v128 V 6, T 7, KEEPV 8, RATEV 9, scratch 10–16, constants from 17.
  const leakyCode = (() => {
    const [X, Y, N, KEEP, RATE, E, V, T, KV, RV] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const L = { A: 10, Z: 11, Y: 12, K: 13, R: 14, R2: 15, R4: 16 };
    const k = constants(17);
    const F64X2_SPLAT = simd(0x14);
    // x ← keep·x + rate·t
    const step = (lane: boolean) => [
      ...get(Y),
      ...load(lane),
      ...set(V),
      ...body(V, T, L, k),
      ...get(X),
      ...get(KV),
      ...get(X),
      ...load(lane),
      ...MUL,
      ...get(RV),
      ...get(T),
      ...MUL,
      ...ADD,
      ...store(lane),
    ];
    const code = loop(Y, N, E, [X], step(false), step(true));
    return [
      ...vec([
        [...uleb(1), I32],
        [...uleb(11 + k.count), V128],
      ]),
      ...k.prologue(),
      ...get(KEEP),
      ...F64X2_SPLAT,
      ...set(KV),
      ...get(RATE),
      ...F64X2_SPLAT,
      ...set(RV),
      ...code,
    ];
  })();

  return wasmModule(
    [
      { name: 'tanh', params: [I32, I32], body: tanhCode },
      { name: 'leaky', params: [I32, I32, I32, F64, F64], body: leakyCode },
    ],
    { minPages: 1, sharedMaxPages: shared ? 65536 : 0 },
  );
}
