/**
 * The float32 kernels of the engine, twice with the same contract: a WebAssembly SIMD (f32x4)
 * module assembled here from its instructions, used where the engine validates it, and plain
 * typed-array loops otherwise. All pointers and strides are byte offsets into one memory;
 * row strides are multiples of 16 bytes (four floats) and tiles are four rows tall, so every
 * vector access is in bounds of the padded matrices the workspace allocates.
 *
 * - gemm: C[t, j] = init + Σ_s A(t, s)·B[s, j], for t < M (a multiple of 4), j < N (a multiple
 *   of 4), s < K, with A(t, s) at pA + t·aRow + s·aRed (so A or Aᵀ), then an activation.
 *   `init` is zero, C itself (accumulate) or a bias row; the activation is applied to each
 *   block of four rows as soon as its sums are final (matmul + bias + activation in one call).
 *   The sum runs in chunks of KC = 256 terms (later chunks accumulate): each chunk of B is
 *   packed into panels 8 columns wide (the term's 8 floats side by side), each 4-row block of
 *   A (or Aᵀ) into a 4 × KC panel, both in the scratch at pScratch (gemmScratchFloats(N)
 *   floats, the caller reserves them), so the 4 × 8 register tile reads two contiguous
 *   streams whatever A's orientation and strides (A's columns a row stride apart fall into
 *   few cache sets when that stride is a multiple of 1 KiB, widths 256 and 512). Each sum
 *   still adds its terms in order s = 0, 1, …: the packing moves data, not arithmetic.
 * - act: y ← σ(y) in place (four vectors a pass: tanh's chain is long, side by side they
 *   overlap); dact: g ← g ⊙ σ′ written with y = σ(z); axpy: y ← y + αx; colsum: out[j] = Σ_r G[r, j] over `rows` rows of n floats (n a multiple of 4);
 *   curv: out ← a ⊙ b ⊙ (σ′)′(y), the derivative of σ′ written with y = σ(z) (tanh −2y,
 *   sigmoid 1 − 2y, linear and relu 0): the second-order term of double backprop.
 *
 * tanh is Eigen's rational approximation (a degree-13/6 ratio on [−7.9053, 7.9053], |error| below
 * 1e-6 of the float32 tanh; x itself below 4e-4); sigmoid is ½ + ½ tanh(z/2).
 *
 * Fused multiply–add: where the engine validates relaxed SIMD (Node ≥ 22, current browsers;
 * Node 20 only with --experimental-wasm-relaxed-simd) the module is built with
 * `f32x4.relaxed_madd` for gemm's and tanh's multiply–adds (one rounding instead of two where
 * the hardware fuses them, about 1.5× the gemm rate on x64 with FMA3), else with f32x4.mul and
 * f32x4.add; both builds are tested against the loops.
 *
 * Process-global state: the compiled `WebAssembly.Module` (or the finding that SIMD is not
 * available) is cached here once per realm, as in @phaseflow/linalg's Gram kernel; each
 * workspace has its own memory and instance.
 */
import { I32, V128, assemble, op, type WasmFunction } from './assembler.js';

/** Activation codes shared by both implementations. */
export const ACT_CODE = { linear: 0, tanh: 1, relu: 2, sigmoid: 3 } as const;
/** The activations the kernels apply themselves (the others run as loops in the callers). */
export type KernelActivation = keyof typeof ACT_CODE;

/** gemm's `init` codes. */
export const INIT_ZERO = 0;
export const INIT_ACCUMULATE = 1;
export const INIT_BIAS = 2;

/** The kernel entry points, on byte offsets into one memory. */
export interface KernelFunctions {
  gemm(
    pA: number,
    pB: number,
    pC: number,
    pBias: number,
    M: number,
    K: number,
    N: number,
    aRow: number,
    aRed: number,
    ldb: number,
    ldc: number,
    flags: number,
    pScratch: number,
  ): void;
  act(p: number, n: number, kind: number): void;
  dact(pG: number, pY: number, n: number, kind: number): void;
  axpy(pX: number, pY: number, n: number, alpha: number): void;
  colsum(pG: number, pOut: number, rows: number, n: number): void;
  transpose(pSrc: number, pDst: number, rows: number, cols: number, ldd: number): void;
  curv(pOut: number, pA: number, pB: number, pY: number, n: number, kind: number): void;
}

// Eigen's generic_fast_tanh_float coefficients (x·P(x²)/Q(x²)).
const TANH_CLAMP = 7.90531110763549805;
const TANH_TINY = 0.0004;
const ALPHA = [
  4.89352455891786e-3, 6.37261928875436e-4, 1.48572235717979e-5, 5.12229709037114e-8, -8.60467152213735e-11, 2.00018790482477e-13, -2.76076847742355e-16,
];
const BETA = [4.89352518554385e-3, 2.268434632439e-3, 1.18534705686654e-4, 1.19825839466702e-6];

/** gemm's register tile: 4 rows × MAX_VECTORS·4 columns (4 × 8: 8 accumulators, 2 B vectors, 1 A splat). */
const MAX_VECTORS = 2;
/** gemm sums in chunks of at most KC terms. */
const KC = 256;
/** act takes ACT_LANES vectors a pass. */
const ACT_LANES = 4;

/**
 * @internal The floats of scratch the wasm gemm needs for a product N floats wide (N a multiple
 * of 4): a packed row block of A (4 × KC) and the packed panels of B's chunk (KC × N rounded up
 * to whole 4·MAX_VECTORS-wide panels).
 */
export function gemmScratchFloats(N: number): number {
  const w = 4 * MAX_VECTORS;
  return 4 * KC + KC * Math.ceil(N / w) * w;
}

/**
 * @internal The module's bytes (exports gemm, act, dact, axpy, colsum, curv, transpose; imports memory
 * m.m): with `fma`, every multiply–add of gemm and of tanh's polynomials is relaxed SIMD's
 * f32x4.relaxed_madd, else f32x4.mul then f32x4.add. With `shared`, the memory import is a
 * shared memory of at most {@link SHARED_MAX_PAGES} pages (the same code: a worker thread
 * instantiates it on the workspace's memory).
 */
export function kernelWasmBytes(fma: boolean, shared = false): Uint8Array<ArrayBuffer> {
  const maxVectors = MAX_VECTORS;
  const { get, set, tee, i32, call } = op;
  const F32 = 0x7d;
  /** acc ← acc + a·b on the values `a` and `b` leave on the stack, fused where `fma`. */
  const madd = (a: number[], b: number[], acc: number): number[] =>
    fma ? [...a, ...b, ...get(acc), ...op.f32x4madd, ...set(acc)] : [...get(acc), ...a, ...b, ...op.f32x4mul, ...op.f32x4add, ...set(acc)];

  /** tanh of the v128 in local v, left on the stack; x, x2, p, q are v128 scratch locals. */
  const tanhCode = (v: number, x: number, x2: number, p: number, q: number): number[] => {
    const horner = (acc: number, coeffs: readonly number[]): number[] => [
      ...op.f32x4const(coeffs.at(-1)!),
      ...set(acc),
      ...coeffs
        .slice(0, -1)
        .reverse()
        .flatMap((c) =>
          fma
            ? [...get(acc), ...get(x2), ...op.f32x4const(c), ...op.f32x4madd, ...set(acc)]
            : [...get(acc), ...get(x2), ...op.f32x4mul, ...op.f32x4const(c), ...op.f32x4add, ...set(acc)],
        ),
    ];
    return [
      // The clamp with pmax/pmin (v first: the same floats as max/min for every input, NaN and
      // ±0 included, as single instructions on x64).
      ...get(v),
      ...op.f32x4const(-TANH_CLAMP),
      ...op.f32x4pmax,
      ...op.f32x4const(TANH_CLAMP),
      ...op.f32x4pmin,
      ...tee(x),
      ...get(x),
      ...op.f32x4mul,
      ...set(x2),
      ...horner(p, ALPHA),
      ...get(p),
      ...get(x),
      ...op.f32x4mul,
      ...set(p),
      ...horner(q, BETA),
      // bitselect(v, p/q, |v| < tiny)
      ...get(v),
      ...get(p),
      ...get(q),
      ...op.f32x4div,
      ...get(v),
      ...op.f32x4abs,
      ...op.f32x4const(TANH_TINY),
      ...op.f32x4lt,
      ...op.bitselect,
    ];
  };

  // 0: gemm(pA, pB, pC, pBias, M, K, N, aRow, aRed, ldb, ldc, flags, pScratch)
  const gemm: WasmFunction = (() => {
    const [pA, pB, pC, pBias, M, K, N, aRow, aRed, ldb, ldc, flags, pScratch] = Array.from({ length: 13 }, (_, i) => i);
    let next = 13;
    const local = (): number => next++;
    const t = local(),
      j = local(),
      pa = local(),
      pb = local(),
      end = local(),
      p = local(),
      q = local(),
      init = local(),
      init0 = local(),
      kind = local(),
      kc = local(),
      k0 = local(),
      packA = local(),
      packB = local();
    const pc = [local(), local(), local(), local()];
    const i32Count = next - 13;
    const acc = Array.from({ length: 4 * maxVectors }, () => local());
    const bvs = Array.from({ length: maxVectors }, () => local());
    const av = local();
    const rv = [local(), local(), local(), local()];
    const v128Count = next - 13 - i32Count;
    const accOf = (r: number, v: number): number => acc[maxVectors * r + v]!;
    const rows = [0, 1, 2, 3];
    const lanesOf = (nv: number): number[] => Array.from({ length: nv }, (_, v) => v);
    const inc = (l: number, by: number[]): number[] => [...get(l), ...by, ...op.add, ...set(l)];
    /** while (cond) body: `cond` leaves an i32, nonzero to go on. */
    const whileLoop = (cond: number[], body: number[]): number[] => [
      ...op.block,
      ...op.loop,
      ...cond,
      ...op.eqz,
      ...op.brIf(1),
      ...body,
      ...op.br(0),
      ...op.end,
      ...op.end,
    ];

    /** for (j = 0; j + 4·maxVectors ≤ N; j += 4·maxVectors) body(maxVectors), then narrower blocks for the rest. */
    const colLoop = (body: (nv: number) => number[]): number[] => [
      ...i32(0),
      ...set(j),
      ...whileLoop([...get(j), ...i32(4 * maxVectors), ...op.add, ...get(N), ...op.leU], [...body(maxVectors), ...inc(j, i32(4 * maxVectors))]),
      ...Array.from({ length: maxVectors - 1 }, (_, i) => maxVectors - 1 - i).flatMap((nv) => [
        ...get(j),
        ...i32(4 * nv),
        ...op.add,
        ...get(N),
        ...op.leU,
        ...op.if,
        ...body(nv),
        ...inc(j, i32(4 * nv)),
        ...op.end,
      ]),
    ];

    /** B's rows k0 … k0 + kc − 1, columns j … j + 4nv − 1, into the panel at packB + 4·j·kc (4nv floats a row). */
    const packBlock = (nv: number): number[] => [
      ...get(packB),
      ...get(j),
      ...get(kc),
      ...op.mul,
      ...i32(4),
      ...op.mul,
      ...op.add,
      ...set(q),
      ...get(pB),
      ...get(k0),
      ...get(ldb),
      ...op.mul,
      ...op.add,
      ...get(j),
      ...i32(4),
      ...op.mul,
      ...op.add,
      ...set(p),
      ...get(q),
      ...get(kc),
      ...i32(16 * nv),
      ...op.mul,
      ...op.add,
      ...set(end),
      ...whileLoop(
        [...get(q), ...get(end), ...op.ltU],
        [...lanesOf(nv).flatMap((v) => [...get(q), ...get(p), ...op.v128load(16 * v), ...op.v128store(16 * v)]), ...inc(q, i32(16 * nv)), ...inc(p, get(ldb))],
      ),
    ];

    /** A's rows t … t + 3, terms k0 … k0 + kc − 1, into packA (4 floats a term: A(t + r, s) at 16s + 4r). */
    const packRows: number[] = [
      ...get(packA),
      ...set(q),
      ...get(packA),
      ...get(kc),
      ...i32(16),
      ...op.mul,
      ...op.add,
      ...set(end),
      ...get(aRow),
      ...i32(4),
      ...op.eq,
      ...op.if,
      // Aᵀ: A(t + r, s) = A[s, t + r], four neighbours in memory.
      ...get(pA),
      ...get(k0),
      ...get(aRed),
      ...op.mul,
      ...op.add,
      ...get(t),
      ...i32(4),
      ...op.mul,
      ...op.add,
      ...set(p),
      ...whileLoop([...get(q), ...get(end), ...op.ltU], [...get(q), ...get(p), ...op.v128load(), ...op.v128store(), ...inc(q, i32(16)), ...inc(p, get(aRed))]),
      ...op.else,
      // A: four rows, four terms at a time through a 4 × 4 transpose (the rows are padded to
      // multiples of four floats, so the last block's reads stay in the row).
      ...get(pA),
      ...get(t),
      ...get(aRow),
      ...op.mul,
      ...op.add,
      ...get(k0),
      ...i32(4),
      ...op.mul,
      ...op.add,
      ...set(p),
      ...whileLoop(
        [...get(q), ...get(end), ...op.ltU],
        [
          ...rows.flatMap((r) => [...get(p), ...(r === 0 ? [] : [...get(aRow), ...i32(r), ...op.mul, ...op.add]), ...op.v128load(), ...set(rv[r]!)]),
          // (a0 a1 b0 b1), (a2 a3 b2 b3), (c0 c1 d0 d1), (c2 c3 d2 d3), then the columns
          ...get(rv[0]!),
          ...get(rv[1]!),
          ...op.shuffle32([0, 4, 1, 5]),
          ...set(acc[0]!),
          ...get(rv[0]!),
          ...get(rv[1]!),
          ...op.shuffle32([2, 6, 3, 7]),
          ...set(acc[1]!),
          ...get(rv[2]!),
          ...get(rv[3]!),
          ...op.shuffle32([0, 4, 1, 5]),
          ...set(acc[2]!),
          ...get(rv[2]!),
          ...get(rv[3]!),
          ...op.shuffle32([2, 6, 3, 7]),
          ...set(acc[3]!),
          ...(
            [
              [0, 2, [0, 1, 4, 5]],
              [0, 2, [2, 3, 6, 7]],
              [1, 3, [0, 1, 4, 5]],
              [1, 3, [2, 3, 6, 7]],
            ] as const
          ).flatMap(([x, y, lanes], i) => [...get(q), ...get(acc[x]!), ...get(acc[y]!), ...op.shuffle32(lanes), ...op.v128store(16 * i)]),
          ...inc(q, i32(64)),
          ...inc(p, i32(16)),
        ],
      ),
      ...op.end,
    ];

    /** One term of a 4 × 4nv tile: packed A at pa, packed B at pb. (All the loads of a term come
     * first and stay live together: TurboFan keeps them in program order and sinks the arithmetic
     * to its uses, so this tile, 8 accumulators + 2 B vectors + 4 splats, is the largest that fits
     * x64's 16 xmm registers without spills; 4 × 12 or an unrolled term loop spill.) */
    const step = (nv: number): number[] => [
      ...lanesOf(nv).flatMap((v) => [...get(pb), ...op.v128load(16 * v), ...set(bvs[v]!)]),
      ...rows.flatMap((r) => [...get(pa), ...op.load32splat(4 * r), ...set(av), ...lanesOf(nv).flatMap((v) => madd(get(av), get(bvs[v]!), accOf(r, v)))]),
    ];

    /** A 4 × 4nv tile at rows t … t + 3, columns j … j + 4nv − 1, over this chunk's kc terms. */
    const tile = (nv: number): number[] => [
      // pc_r = pC + (t + r)·ldc + 4j
      ...rows.flatMap((r) => [
        ...get(pC),
        ...get(t),
        ...i32(r),
        ...op.add,
        ...get(ldc),
        ...op.mul,
        ...op.add,
        ...get(j),
        ...i32(4),
        ...op.mul,
        ...op.add,
        ...set(pc[r]!),
      ]),
      ...get(init),
      ...i32(INIT_ACCUMULATE),
      ...op.eq,
      ...op.if,
      ...rows.flatMap((r) => lanesOf(nv).flatMap((v) => [...get(pc[r]!), ...op.v128load(16 * v), ...set(accOf(r, v))])),
      ...op.else,
      ...get(init),
      ...i32(INIT_BIAS),
      ...op.eq,
      ...op.if,
      ...rows.flatMap((r) =>
        lanesOf(nv).flatMap((v) => [...get(pBias), ...get(j), ...i32(4), ...op.mul, ...op.add, ...op.v128load(16 * v), ...set(accOf(r, v))]),
      ),
      ...op.else,
      ...rows.flatMap((r) => lanesOf(nv).flatMap((v) => [...op.f32x4const(0), ...set(accOf(r, v))])),
      ...op.end,
      ...op.end,
      ...get(packA),
      ...set(pa),
      ...get(packB),
      ...get(j),
      ...get(kc),
      ...op.mul,
      ...i32(4),
      ...op.mul,
      ...op.add,
      ...set(pb),
      ...get(packA),
      ...get(kc),
      ...i32(16),
      ...op.mul,
      ...op.add,
      ...set(end),
      // (kc ≥ 1: the test at the bottom, one branch a term)
      ...op.loop,
      ...step(nv),
      ...inc(pb, i32(16 * nv)),
      ...get(pa),
      ...i32(16),
      ...op.add,
      ...tee(pa),
      ...get(end),
      ...op.ltU,
      ...op.brIf(0),
      ...op.end,
      ...rows.flatMap((r) => lanesOf(nv).flatMap((v) => [...get(pc[r]!), ...get(accOf(r, v)), ...op.v128store(16 * v)])),
    ];

    return {
      name: 'gemm',
      params: new Array<number>(13).fill(I32),
      results: [],
      locals: [
        [i32Count, I32],
        [v128Count, V128],
      ],
      code: [
        ...get(flags),
        ...i32(3),
        ...op.and,
        ...set(init0),
        ...get(flags),
        ...i32(2),
        ...op.shrU,
        ...set(kind),
        ...get(pScratch),
        ...set(packA),
        ...get(pScratch),
        ...i32(16 * KC),
        ...op.add,
        ...set(packB),
        // The sum in chunks of at most KC terms (each chunk after the first accumulates into C, the
        // activation comes after the last): B's chunk packed into panels, then each row block of
        // A packed and multiplied with every panel.
        ...i32(0),
        ...set(k0),
        ...whileLoop(
          [...get(k0), ...get(K), ...op.ltU],
          [
            ...get(K),
            ...get(k0),
            ...op.sub,
            ...set(kc),
            ...get(kc),
            ...i32(KC),
            ...op.gtU,
            ...op.if,
            ...i32(KC),
            ...set(kc),
            ...op.end,
            ...get(init0),
            ...set(init),
            ...get(k0),
            ...op.if,
            ...i32(INIT_ACCUMULATE),
            ...set(init),
            ...op.end,
            ...colLoop(packBlock),
            ...i32(0),
            ...set(t),
            ...whileLoop(
              [...get(t), ...get(M), ...op.ltU],
              [
                ...packRows,
                ...colLoop(tile),
                // the activation, in place on the four finished rows
                ...get(kind),
                ...op.if,
                ...get(k0),
                ...get(kc),
                ...op.add,
                ...get(K),
                ...op.eq,
                ...op.if,
                ...rows.flatMap((r) => [...get(pC), ...get(t), ...i32(r), ...op.add, ...get(ldc), ...op.mul, ...op.add, ...get(N), ...get(kind), ...call(1)]),
                ...op.end,
                ...op.end,
                ...inc(t, i32(4)),
              ],
            ),
            ...inc(k0, get(kc)),
          ],
        ),
      ],
    };
  })();

  /** A loop over n floats four at a time: `body` sees the byte offset in local `off`. */
  const lanesLoop = (n: number, off: number, body: number[]): number[] => [
    ...i32(0),
    ...set(off),
    ...op.block,
    ...op.loop,
    ...get(off),
    ...get(n),
    ...i32(4),
    ...op.mul,
    ...op.geU,
    ...op.brIf(1),
    ...body,
    ...get(off),
    ...i32(16),
    ...op.add,
    ...set(off),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];

  // 1: act(p, n, kind): p[i] ← σ(p[i]). tanh and sigmoid inline, ACT_LANES vectors a pass: the
  // rational function is a long dependent chain (two Horner sums, a division), and independent
  // vectors side by side let the core overlap them.
  const act: WasmFunction = (() => {
    const [p, n, kind, off, end] = [0, 1, 2, 3, 4];
    const vs = Array.from({ length: ACT_LANES }, (_, i) => 5 + 5 * i);
    /** σ of `count` vectors at p + off (tanh, or sigmoid as ½ + ½ tanh(z/2)), stored in place. */
    const pass = (sigmoid: boolean, count: number): number[] => [
      ...vs
        .slice(0, count)
        .flatMap((v, i) => [...get(p), ...get(off), ...op.add, ...op.v128load(16 * i), ...(sigmoid ? [...op.f32x4const(0.5), ...op.f32x4mul] : []), ...set(v)]),
      ...vs
        .slice(0, count)
        .flatMap((v, i) => [
          ...get(p),
          ...get(off),
          ...op.add,
          ...tanhCode(v, v + 1, v + 2, v + 3, v + 4),
          ...(sigmoid ? [...op.f32x4const(0.5), ...op.f32x4mul, ...op.f32x4const(0.5), ...op.f32x4add] : []),
          ...op.v128store(16 * i),
        ]),
    ];
    const smooth = (code: number, sigmoid: boolean): number[] => [
      ...get(kind),
      ...i32(code),
      ...op.eq,
      ...op.if,
      ...i32(0),
      ...set(off),
      ...op.block,
      ...op.loop,
      ...get(off),
      ...i32(16 * ACT_LANES),
      ...op.add,
      ...get(end),
      ...op.gtU,
      ...op.brIf(1),
      ...pass(sigmoid, ACT_LANES),
      ...get(off),
      ...i32(16 * ACT_LANES),
      ...op.add,
      ...set(off),
      ...op.br(0),
      ...op.end,
      ...op.end,
      ...op.block,
      ...op.loop,
      ...get(off),
      ...get(end),
      ...op.geU,
      ...op.brIf(1),
      ...pass(sigmoid, 1),
      ...get(off),
      ...i32(16),
      ...op.add,
      ...set(off),
      ...op.br(0),
      ...op.end,
      ...op.end,
      ...op.ret,
      ...op.end,
    ];
    return {
      name: 'act',
      params: [I32, I32, I32],
      results: [],
      locals: [
        [2, I32],
        [5 * ACT_LANES, V128],
      ],
      code: [
        ...get(n),
        ...i32(4),
        ...op.mul,
        ...set(end),
        ...smooth(ACT_CODE.tanh, false),
        ...smooth(ACT_CODE.sigmoid, true),
        ...get(kind),
        ...i32(ACT_CODE.relu),
        ...op.eq,
        ...op.if,
        ...lanesLoop(n, off, [
          ...get(p),
          ...get(off),
          ...op.add,
          ...get(p),
          ...get(off),
          ...op.add,
          ...op.v128load(),
          ...op.f32x4const(0),
          ...op.f32x4max,
          ...op.v128store(),
        ]),
        ...op.end,
      ],
    };
  })();

  // 4: dact(pG, pY, n, kind): g ← g ⊙ σ′, σ′ from y = σ(z)
  const dact: WasmFunction = (() => {
    const [pG, pY, n, kind, off, g, y] = [0, 1, 2, 3, 4, 5, 6];
    const loadPair = [...get(pG), ...get(off), ...op.add, ...op.v128load(), ...set(g), ...get(pY), ...get(off), ...op.add, ...op.v128load(), ...set(y)];
    const store = (expr: number[]): number[] => [...get(pG), ...get(off), ...op.add, ...expr, ...op.v128store()];
    const body = (kindCode: number, expr: number[]): number[] => [
      ...get(kind),
      ...i32(kindCode),
      ...op.eq,
      ...op.if,
      ...lanesLoop(n, off, [...loadPair, ...store(expr)]),
      ...op.ret,
      ...op.end,
    ];
    return {
      name: 'dact',
      params: [I32, I32, I32, I32],
      results: [],
      locals: [
        [1, I32],
        [2, V128],
      ],
      code: [
        // tanh: g·(1 − y²)
        ...body(ACT_CODE.tanh, [...get(g), ...op.f32x4const(1), ...get(y), ...get(y), ...op.f32x4mul, ...op.f32x4sub, ...op.f32x4mul]),
        // relu: g where y > 0
        ...body(ACT_CODE.relu, [...get(g), ...get(y), ...op.f32x4const(0), ...op.f32x4gt, ...op.and128]),
        // sigmoid: g·y·(1 − y)
        ...body(ACT_CODE.sigmoid, [...get(g), ...get(y), ...op.f32x4mul, ...op.f32x4const(1), ...get(y), ...op.f32x4sub, ...op.f32x4mul]),
      ],
    };
  })();

  // 5: axpy(pX, pY, n, α): y ← y + αx
  const axpy: WasmFunction = (() => {
    const [pX, pY, n, alpha, off, a, q] = [0, 1, 2, 3, 4, 5, 6];
    return {
      name: 'axpy',
      params: [I32, I32, I32, F32],
      results: [],
      locals: [
        [1, I32],
        [1, V128],
        [1, I32],
      ],
      code: [
        ...get(alpha),
        ...op.f32x4splat,
        ...set(a),
        ...lanesLoop(n, off, [
          ...get(pY),
          ...get(off),
          ...op.add,
          ...tee(q),
          ...get(q),
          ...op.v128load(),
          ...get(pX),
          ...get(off),
          ...op.add,
          ...op.v128load(),
          ...get(a),
          ...op.f32x4mul,
          ...op.f32x4add,
          ...op.v128store(),
        ]),
      ],
    };
  })();

  // 6: colsum(pG, pOut, rows, n): out[0:n) = Σ_r G[r, 0:n), row by row (contiguous loads).
  const colsum: WasmFunction = (() => {
    const [pG, pOut, rows, n, off, r, row] = [0, 1, 2, 3, 4, 5, 6];
    return {
      name: 'colsum',
      params: [I32, I32, I32, I32],
      results: [],
      locals: [[3, I32]],
      code: [
        ...lanesLoop(n, off, [...get(pOut), ...get(off), ...op.add, ...op.f32x4const(0), ...op.v128store()]),
        ...get(pG),
        ...set(row),
        ...i32(0),
        ...set(r),
        ...op.block,
        ...op.loop,
        ...get(r),
        ...get(rows),
        ...op.geU,
        ...op.brIf(1),
        ...lanesLoop(n, off, [
          ...get(pOut),
          ...get(off),
          ...op.add,
          ...get(pOut),
          ...get(off),
          ...op.add,
          ...op.v128load(),
          ...get(row),
          ...get(off),
          ...op.add,
          ...op.v128load(),
          ...op.f32x4add,
          ...op.v128store(),
        ]),
        ...get(row),
        ...get(n),
        ...i32(4),
        ...op.mul,
        ...op.add,
        ...set(row),
        ...get(r),
        ...i32(1),
        ...op.add,
        ...set(r),
        ...op.br(0),
        ...op.end,
        ...op.end,
      ],
    };
  })();

  // 7: curv(pOut, pA, pB, pY, n, kind): out = a ⊙ b ⊙ (σ′)′(y)
  const curv: WasmFunction = (() => {
    const [pOut, pA, pB, pY, n, kind, off, y] = [0, 1, 2, 3, 4, 5, 6, 7];
    const at = (p: number): number[] => [...get(p), ...get(off), ...op.add, ...op.v128load()];
    const body = (kindCode: number, c: number[]): number[] => [
      ...get(kind),
      ...i32(kindCode),
      ...op.eq,
      ...op.if,
      ...lanesLoop(n, off, [
        ...get(pOut),
        ...get(off),
        ...op.add,
        ...at(pA),
        ...at(pB),
        ...op.f32x4mul,
        ...at(pY),
        ...set(y),
        ...c,
        ...op.f32x4mul,
        ...op.v128store(),
      ]),
      ...op.ret,
      ...op.end,
    ];
    return {
      name: 'curv',
      params: [I32, I32, I32, I32, I32, I32],
      results: [],
      locals: [
        [1, I32],
        [1, V128],
      ],
      code: [
        ...body(ACT_CODE.tanh, [...get(y), ...op.f32x4const(-2), ...op.f32x4mul]),
        ...body(ACT_CODE.sigmoid, [...op.f32x4const(1), ...get(y), ...get(y), ...op.f32x4add, ...op.f32x4sub]),
        ...lanesLoop(n, off, [...get(pOut), ...get(off), ...op.add, ...op.f32x4const(0), ...op.v128store()]),
      ],
    };
  })();

  // 6: transpose(pSrc, pDst, rows, cols, ldd): dst[i, j] = src[j, i] for i < rows, j < cols (both
  // multiples of 4), src dense (rows floats a row), dst ldd bytes a row; by 4 × 4 blocks.
  const transpose: WasmFunction = (() => {
    const [pSrc, pDst, rows, cols, ldd, i, j, ps, pd] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    const rv = [9, 10, 11, 12],
      tv = [13, 14, 15, 16];
    const loopTo = (l: number, bound: number, body: number[]): number[] => [
      ...i32(0),
      ...set(l),
      ...op.block,
      ...op.loop,
      ...get(l),
      ...get(bound),
      ...op.geU,
      ...op.brIf(1),
      ...body,
      ...get(l),
      ...i32(4),
      ...op.add,
      ...set(l),
      ...op.br(0),
      ...op.end,
      ...op.end,
    ];
    return {
      name: 'transpose',
      params: [I32, I32, I32, I32, I32],
      results: [],
      locals: [
        [4, I32],
        [8, V128],
      ],
      code: loopTo(
        j,
        cols,
        loopTo(i, rows, [
          // ps = pSrc + (j·rows + i)·4, pd = pDst + i·ldd + 4j
          ...get(pSrc),
          ...get(j),
          ...get(rows),
          ...op.mul,
          ...get(i),
          ...op.add,
          ...i32(4),
          ...op.mul,
          ...op.add,
          ...set(ps),
          ...get(pDst),
          ...get(i),
          ...get(ldd),
          ...op.mul,
          ...op.add,
          ...get(j),
          ...i32(4),
          ...op.mul,
          ...op.add,
          ...set(pd),
          ...[0, 1, 2, 3].flatMap((r) => [
            ...get(ps),
            ...(r === 0 ? [] : [...get(rows), ...i32(4 * r), ...op.mul, ...op.add]),
            ...op.v128load(),
            ...set(rv[r]!),
          ]),
          ...(
            [
              [0, 1, [0, 4, 1, 5]],
              [0, 1, [2, 6, 3, 7]],
              [2, 3, [0, 4, 1, 5]],
              [2, 3, [2, 6, 3, 7]],
            ] as const
          ).flatMap(([x, y, lanes], k) => [...get(rv[x]!), ...get(rv[y]!), ...op.shuffle32(lanes), ...set(tv[k]!)]),
          ...(
            [
              [0, 2, [0, 1, 4, 5]],
              [0, 2, [2, 3, 6, 7]],
              [1, 3, [0, 1, 4, 5]],
              [1, 3, [2, 3, 6, 7]],
            ] as const
          ).flatMap(([x, y, lanes], c) => [
            ...get(pd),
            ...(c === 0 ? [] : [...get(ldd), ...i32(c), ...op.mul, ...op.add]),
            ...get(tv[x]!),
            ...get(tv[y]!),
            ...op.shuffle32(lanes),
            ...op.v128store(),
          ]),
        ]),
      ),
    };
  })();

  return assemble([gemm, act, dact, axpy, colsum, curv, transpose], shared ? SHARED_MAX_PAGES : undefined);
}

/**
 * @internal The maximum, in 64 KiB pages, of the shared memory of a two-thread workspace: all
 * of wasm32's 4 GiB (a shared memory cannot move, so it declares its bound up front; engines
 * reserve address space for it, not memory).
 */
export const SHARED_MAX_PAGES = 65536;

type Build = { readonly module: WebAssembly.Module; readonly fma: boolean } | null;
/** Process-global (see the file comment): compiled once per realm, null where SIMD is unavailable. */
let cached: Build | undefined;
let cachedShared: Build | undefined;

/**
 * @internal The compiled kernel module and whether it multiplies–adds with relaxed SIMD's
 * `f32x4.relaxed_madd` (the build with it where the engine validates it: Node 22+, current
 * browsers, Node 20 with --experimental-wasm-relaxed-simd; else the build with f32x4.mul and
 * f32x4.add), or null where WebAssembly SIMD is unavailable. With `shared`, the build that
 * imports a shared memory, with the same `fma` as the private one (so a product split over two
 * threads rounds as on one), or null where the engine lacks shared memories.
 */
export function kernelBuild(shared = false): Build {
  if (shared) {
    if (cachedShared !== undefined) return cachedShared;
    const plain = kernelBuild();
    cachedShared = null;
    if (plain !== null && typeof SharedArrayBuffer === 'function') {
      try {
        const bytes = kernelWasmBytes(plain.fma, true);
        if (WebAssembly.validate(bytes)) cachedShared = { module: new WebAssembly.Module(bytes), fma: plain.fma };
      } catch {
        // no shared memories here
      }
    }
    return cachedShared;
  }
  if (cached !== undefined) return cached;
  cached = null;
  if (typeof WebAssembly !== 'object') return cached;
  for (const fma of [true, false]) {
    try {
      const bytes = kernelWasmBytes(fma);
      if (WebAssembly.validate(bytes)) {
        cached = { module: new WebAssembly.Module(bytes), fma };
        break;
      }
    } catch {
      // not this build
    }
  }
  return cached;
}

/** @internal The compiled kernel module, or null where WebAssembly SIMD is unavailable. */
export function kernelModule(): WebAssembly.Module | null {
  return kernelBuild()?.module ?? null;
}

/** @internal The wasm kernels on `memory`. */
export function wasmKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelFunctions {
  const e = new WebAssembly.Instance(module, { m: { m: memory } }).exports;
  return {
    gemm: e['gemm'] as KernelFunctions['gemm'],
    act: e['act'] as KernelFunctions['act'],
    dact: e['dact'] as KernelFunctions['dact'],
    axpy: e['axpy'] as KernelFunctions['axpy'],
    colsum: e['colsum'] as KernelFunctions['colsum'],
    transpose: e['transpose'] as KernelFunctions['transpose'],
    curv: e['curv'] as KernelFunctions['curv'],
  };
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

function actScalar(kind: number, z: number): number {
  switch (kind) {
    case ACT_CODE.tanh:
      return Math.tanh(z);
    case ACT_CODE.relu:
      return z > 0 ? z : 0;
    case ACT_CODE.sigmoid:
      return sigmoid(z);
    default:
      return z;
  }
}

/**
 * @internal The same kernels in plain loops over a Float32Array view of `buffer` (byte
 * offsets divided by four): 4 × 4 register tiles for gemm, sums in double precision.
 */
export function jsKernels(view: () => Float32Array): KernelFunctions {
  return {
    gemm(pA, pB, pC, pBias, M, K, N, aRow, aRed, ldb, ldc, flags) {
      // (pScratch, the wasm kernel's room for its packed panels, is not needed here.)
      const f = view();
      const a0 = pA >> 2,
        b0 = pB >> 2,
        c0 = pC >> 2,
        bias = pBias >> 2;
      const ar = aRow >> 2,
        as = aRed >> 2,
        lb = ldb >> 2,
        lc = ldc >> 2;
      const init = flags & 3,
        kind = flags >> 2;
      for (let t = 0; t < M; t += 4) {
        for (let j = 0; j < N; j += 4) {
          for (let r = 0; r < 4; r++) {
            const co = c0 + (t + r) * lc + j;
            let s0 = 0,
              s1 = 0,
              s2 = 0,
              s3 = 0;
            if (init === INIT_ACCUMULATE) {
              s0 = f[co]!;
              s1 = f[co + 1]!;
              s2 = f[co + 2]!;
              s3 = f[co + 3]!;
            } else if (init === INIT_BIAS) {
              s0 = f[bias + j]!;
              s1 = f[bias + j + 1]!;
              s2 = f[bias + j + 2]!;
              s3 = f[bias + j + 3]!;
            }
            let pa = a0 + (t + r) * ar;
            let pb = b0 + j;
            for (let s = 0; s < K; s++) {
              const x = f[pa]!;
              if (x !== 0) {
                s0 += x * f[pb]!;
                s1 += x * f[pb + 1]!;
                s2 += x * f[pb + 2]!;
                s3 += x * f[pb + 3]!;
              }
              pa += as;
              pb += lb;
            }
            if (kind !== 0) {
              s0 = actScalar(kind, s0);
              s1 = actScalar(kind, s1);
              s2 = actScalar(kind, s2);
              s3 = actScalar(kind, s3);
            }
            f[co] = s0;
            f[co + 1] = s1;
            f[co + 2] = s2;
            f[co + 3] = s3;
          }
        }
      }
    },
    act(p, n, kind) {
      const f = view();
      const o = p >> 2;
      for (let i = 0; i < n; i++) f[o + i] = actScalar(kind, f[o + i]!);
    },
    dact(pG, pY, n, kind) {
      const f = view();
      const g = pG >> 2,
        y = pY >> 2;
      if (kind === ACT_CODE.tanh) for (let i = 0; i < n; i++) f[g + i] = f[g + i]! * (1 - f[y + i]! * f[y + i]!);
      else if (kind === ACT_CODE.relu) for (let i = 0; i < n; i++) f[g + i] = f[y + i]! > 0 ? f[g + i]! : 0;
      else if (kind === ACT_CODE.sigmoid) for (let i = 0; i < n; i++) f[g + i] = f[g + i]! * f[y + i]! * (1 - f[y + i]!);
    },
    axpy(pX, pY, n, alpha) {
      const f = view();
      const x = pX >> 2,
        y = pY >> 2;
      for (let i = 0; i < n; i++) f[y + i] += alpha * f[x + i]!;
    },
    curv(pOut, pA, pB, pY, n, kind) {
      const f = view();
      const o = pOut >> 2,
        a = pA >> 2,
        b = pB >> 2,
        y = pY >> 2;
      for (let i = 0; i < n; i++) {
        const c = kind === ACT_CODE.tanh ? -2 * f[y + i]! : kind === ACT_CODE.sigmoid ? 1 - 2 * f[y + i]! : 0;
        f[o + i] = f[a + i]! * f[b + i]! * c;
      }
    },
    transpose(pSrc, pDst, rows, cols, ldd) {
      const f = view();
      const src = pSrc >> 2,
        dst = pDst >> 2,
        ld = ldd >> 2;
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) f[dst + i * ld + j] = f[src + j * rows + i]!;
    },
    colsum(pG, pOut, rows, n) {
      const f = view();
      const g = pG >> 2,
        o = pOut >> 2;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += f[g + r * n + j]!;
        f[o + j] = s;
      }
    },
  };
}
