/**
 * Adam's update as a WebAssembly SIMD kernel (f64x2, two parameters per instruction), on float32
 * θ and gradient and Float64 moments in one memory: the same operations in the same order as
 * the loop in ../adam.ts, so θ comes out bit for bit as the loop leaves it (no fused
 * multiply–add here; every operation rounds as in JavaScript). Internal to the package.
 *
 * Layout in the memory, for `size` = P rounded up to even: m (8P bytes), v (8P), θ (4P), g (4P).
 *
 * Process-global state: the compiled module (or the finding that SIMD is unavailable) is cached
 * once per realm, as the gemm kernels are.
 */
import { I32, V128, assemble, op, type WasmFunction } from './assembler.js';

const F64 = 0x7c;
const simd = (code: number, ...imm: number[]): number[] => [0xfd, ...(code < 0x80 ? [code] : [(code & 0x7f) | 0x80, code >> 7]), ...imm];
const f64x2 = {
  splat: simd(0x14),
  sqrt: simd(0xef),
  add: simd(0xf0),
  sub: simd(0xf1),
  mul: simd(0xf2),
  div: simd(0xf3),
  /** two float32 at the address, widened: v128.load64_zero then f64x2.promote_low_f32x4 */
  loadF32: [...simd(0x5d, 3, 0), ...simd(0x5f)],
  /** f32x4.demote_f64x2_zero, then the low 8 bytes stored */
  demoteStore: [...simd(0x5e), ...simd(0x5b, 3, 0, 0)],
};

/**
 * adam(pM, pV, pTheta, pGrad, n, β₁, β₂, 1 − β₁, 1 − β₂, η, c₁, c₂, ε, λ): for
 * i < n (n even), g = ∇ᵢ (+ λθᵢ where λ ≠ 0), m ← β₁m + (1 − β₁)g, v ← β₂v + ((1 − β₂)g)g,
 * θᵢ ← f32(θᵢ − ((ηm)c₁)/(√(v c₂) + ε)).
 */
function adamWasmBytes(): Uint8Array<ArrayBuffer> {
  const { get, set, tee, i32 } = op;
  // params: 0 pM, 1 pV, 2 pTheta, 3 pGrad, 4 n (i32); 5 b1, 6 b2, 7 a1, 8 a2, 9 eta, 10 c1, 11 c2, 12 eps, 13 wd (f64)
  const [pM, pV, pTheta, pGrad, n] = [0, 1, 2, 3, 4];
  const [b1, b2, a1, a2, eta, c1, c2, eps, wd] = [5, 6, 7, 8, 9, 10, 11, 12, 13];
  // locals: 14 i (i32), 15 off8, 16 off4 (i32); v128: 17 g, 18 th, 19 mi, 20 vi, then splats 21…29
  const [i, off8, off4] = [14, 15, 16];
  const [g, th, mi, vi] = [17, 18, 19, 20];
  const splat = (p: number): number => 21 + (p - b1);
  const at8 = (p: number): number[] => [...get(p), ...get(off8), ...op.add];
  const at4 = (p: number): number[] => [...get(p), ...get(off4), ...op.add];
  const loop = (withDecay: boolean): number[] => [
    ...i32(0),
    ...set(i),
    ...op.block,
    ...op.loop,
    ...get(i),
    ...get(n),
    ...op.geU,
    ...op.brIf(1),
    ...get(i),
    ...i32(8),
    ...op.mul,
    ...set(off8),
    ...get(i),
    ...i32(4),
    ...op.mul,
    ...set(off4),
    ...at4(pTheta),
    ...f64x2.loadF32,
    ...set(th),
    ...at4(pGrad),
    ...f64x2.loadF32,
    ...(withDecay ? [...get(splat(wd)), ...get(th), ...f64x2.mul, ...f64x2.add] : []),
    ...set(g),
    // m ← β₁m + (1 − β₁)g
    ...at8(pM),
    ...get(splat(b1)),
    ...at8(pM),
    ...op.v128load(),
    ...f64x2.mul,
    ...get(splat(a1)),
    ...get(g),
    ...f64x2.mul,
    ...f64x2.add,
    ...tee(mi),
    ...op.v128store(),
    // v ← β₂v + ((1 − β₂)g)g
    ...at8(pV),
    ...get(splat(b2)),
    ...at8(pV),
    ...op.v128load(),
    ...f64x2.mul,
    ...get(splat(a2)),
    ...get(g),
    ...f64x2.mul,
    ...get(g),
    ...f64x2.mul,
    ...f64x2.add,
    ...tee(vi),
    ...op.v128store(),
    // θ ← θ − ((ηm)c₁)/(√(v c₂) + ε)
    ...at4(pTheta),
    ...get(th),
    ...get(splat(eta)),
    ...get(mi),
    ...f64x2.mul,
    ...get(splat(c1)),
    ...f64x2.mul,
    ...get(vi),
    ...get(splat(c2)),
    ...f64x2.mul,
    ...f64x2.sqrt,
    ...get(splat(eps)),
    ...f64x2.add,
    ...f64x2.div,
    ...f64x2.sub,
    ...f64x2.demoteStore,
    ...get(i),
    ...i32(2),
    ...op.add,
    ...set(i),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  const adam: WasmFunction = {
    name: 'adam',
    params: [I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64, F64, F64],
    results: [],
    locals: [
      [3, I32],
      [4 + 9, V128],
    ],
    code: [
      ...[b1, b2, a1, a2, eta, c1, c2, eps, wd].flatMap((p) => [...get(p), ...f64x2.splat, ...set(splat(p))]),
      ...get(wd),
      ...[0x44, ...new Uint8Array(Float64Array.of(0).buffer)], // f64.const 0
      0x62, // f64.ne
      ...op.if,
      ...loop(true),
      ...op.else,
      ...loop(false),
      ...op.end,
    ],
  };
  return assemble([adam]);
}

/** The kernel's entry point. */
type AdamKernel = (
  pM: number,
  pV: number,
  pTheta: number,
  pGrad: number,
  n: number,
  beta1: number,
  beta2: number,
  oneMinusBeta1: number,
  oneMinusBeta2: number,
  eta: number,
  c1: number,
  c2: number,
  epsilon: number,
  weightDecay: number,
) => void;

let cachedAdam: WebAssembly.Module | null | undefined;

/** @internal The compiled Adam module, or null where WebAssembly SIMD is unavailable. */
export function adamModule(): WebAssembly.Module | null {
  if (cachedAdam !== undefined) return cachedAdam;
  cachedAdam = null;
  try {
    const bytes = adamWasmBytes();
    if (typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) cachedAdam = new WebAssembly.Module(bytes);
  } catch {
    cachedAdam = null;
  }
  return cachedAdam;
}

/**
 * @internal Adam's buffers in a WebAssembly memory of their own and the kernel on them, for `size`
 * parameters; null where SIMD is unavailable or the memory cannot be had.
 */
export function createAdamKernel(size: number): {
  readonly m: Float64Array;
  readonly v: Float64Array;
  readonly theta: Float32Array;
  readonly grad: Float32Array;
  readonly pM: number;
  readonly pV: number;
  readonly pTheta: number;
  readonly pGrad: number;
  /** size rounded up to even (the padding lane's entries stay 0). */
  readonly n: number;
  readonly run: AdamKernel;
} | null {
  const module = adamModule();
  const n = size + (size & 1);
  const bytes = 24 * n;
  if (module === null || bytes > 2 ** 30) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
    const run = new WebAssembly.Instance(module, { m: { m: memory } }).exports['adam'] as AdamKernel;
    const pM = 0,
      pV = 8 * n,
      pTheta = 16 * n,
      pGrad = 20 * n;
    return {
      m: new Float64Array(memory.buffer, pM, size),
      v: new Float64Array(memory.buffer, pV, size),
      theta: new Float32Array(memory.buffer, pTheta, size),
      grad: new Float32Array(memory.buffer, pGrad, size),
      pM,
      pV,
      pTheta,
      pGrad,
      n,
      run,
    };
  } catch {
    return null;
  }
}
