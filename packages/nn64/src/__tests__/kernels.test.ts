// The two WebAssembly builds of the float32 kernels (relaxed SIMD's fused multiply–add, and
// f32x4.mul + f32x4.add) against the plain loops and against each other: plain and transposed
// products (both packed through the scratch panels, K not a multiple of four), bias, accumulation,
// fused activations, and sums longer than one 256-term chunk.
import { describe, expect, it } from 'vitest';
import { createAdam, createWorkspace32 } from '@phaseflow/nn64';
import { ACT_CODE, INIT_ACCUMULATE, INIT_BIAS, INIT_ZERO, jsKernels, kernelWasmBytes, wasmKernels } from '../kernels/kernels.js';
import { adamModule } from '../kernels/adam-kernel.js';

const builds = [false, true].map((fma) => ({ fma, valid: WebAssembly.validate(kernelWasmBytes(fma)) }));
const BYTES = 2 << 20;

interface Case {
  readonly M: number;
  readonly K: number;
  readonly N: number;
  readonly transpose: boolean;
  readonly init: number;
  readonly act: number;
}
const cases: Case[] = [
  { M: 8, K: 5, N: 12, transpose: true, init: INIT_ZERO, act: 0 },
  { M: 12, K: 7, N: 20, transpose: true, init: INIT_ACCUMULATE, act: 0 },
  { M: 20, K: 601, N: 8, transpose: true, init: INIT_ZERO, act: 0 },
  { M: 16, K: 33, N: 8, transpose: false, init: INIT_BIAS, act: ACT_CODE.tanh },
  { M: 24, K: 300, N: 36, transpose: false, init: INIT_BIAS, act: ACT_CODE.tanh },
  { M: 64, K: 64, N: 36, transpose: false, init: INIT_ZERO, act: ACT_CODE.sigmoid },
  { M: 8, K: 257, N: 12, transpose: false, init: INIT_ACCUMULATE, act: ACT_CODE.relu },
];

/** C from one case on the kernels `k` over the Float32Array `f` (same fill every time). */
function product(k: ReturnType<typeof jsKernels>, f: Float32Array, c: Case): Float32Array {
  const A = 0,
    B = 1 << 18,
    C = 2 << 18,
    BIAS = 3 << 18,
    S = 4 << 18;
  // A, B, C (read when accumulating) and the bias row: the same numbers on every side.
  for (let i = 0; i < S / 4; i++) f[i] = Math.sin(i * 0.37) * 0.5;
  const flags = c.init | (c.act << 2);
  if (c.transpose) k.gemm(A, B, C, BIAS, c.M, c.K, c.N, 4, c.M * 4, c.N * 4, c.N * 4, flags, S);
  else k.gemm(A, B, C, BIAS, c.M, c.K, c.N, c.K * 4 + 16, 4, c.N * 4, c.N * 4, flags, S);
  return f.slice(C / 4, C / 4 + c.M * c.N);
}

const maxRelErr = (a: Float32Array, b: Float32Array): number => {
  let e = 0,
    scale = 1;
  for (let i = 0; i < a.length; i++) {
    e = Math.max(e, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return e / scale;
};

describe('float32 kernels: the WebAssembly builds', () => {
  const reference = cases.map((c) => {
    const f = new Float32Array(BYTES / 4);
    return product(
      jsKernels(() => f),
      f,
      c,
    );
  });
  const results = new Map<boolean, Float32Array[]>();
  for (const { fma, valid } of builds) {
    it.skipIf(!valid)(`${fma ? 'relaxed_madd (FMA)' : 'mul + add'} build: gemm equals the loops to float32 precision`, () => {
      const memory = new WebAssembly.Memory({ initial: BYTES / 65536 });
      const k = wasmKernels(new WebAssembly.Module(kernelWasmBytes(fma)), memory);
      const f = new Float32Array(memory.buffer);
      const got = cases.map((c) => product(k, f, c));
      got.forEach((g, i) => expect(maxRelErr(g, reference[i]!), `case ${i}`).toBeLessThan(3e-6));
      results.set(fma, got);
    });
  }
  it.skipIf(!builds.every((b) => b.valid))('both builds agree with each other to float32 precision', () => {
    const [plain, fused] = [results.get(false)!, results.get(true)!];
    plain.forEach((p, i) => expect(maxRelErr(fused[i]!, p), `case ${i}`).toBeLessThan(3e-6));
  });
  it('a workspace runs the FMA build exactly where the engine validates relaxed SIMD', () => {
    const ws = createWorkspace32();
    expect(ws.fma).toBe(builds[1]!.valid);
    expect(createWorkspace32({ kernel: 'js' }).fma).toBe(false);
  });
  it('transposed products through the workspace (width 256, the 1 KiB stride) equal the loops', () => {
    const make = (kernel: 'auto' | 'js'): Float32Array => {
      const ws = createWorkspace32({ kernel });
      const a = ws.matrix(37, 256),
        b = ws.matrix(37, 12),
        c = ws.matrix(256, 12);
      ws.load(
        a,
        Float32Array.from({ length: 37 * 256 }, (_, i) => Math.cos(i * 0.11)),
      );
      ws.load(
        b,
        Float32Array.from({ length: 37 * 12 }, (_, i) => Math.sin(i * 0.23)),
      );
      ws.gemm(a, b, c, { transposeA: true, rows: 37 });
      ws.gemm(a, b, c, { transposeA: true, rows: 30, accumulate: true });
      const out = new Float32Array(256 * 12);
      ws.addTo(c, out);
      return out;
    };
    expect(maxRelErr(make('auto'), make('js'))).toBeLessThan(3e-6);
  });
});

describe('Adam: the WebAssembly kernel', () => {
  it('leaves float32 θ bit for bit as the loop does (with and without weight decay, odd size)', () => {
    expect(adamModule()).not.toBeNull(); // Node has WebAssembly SIMD: the kernel runs below
    for (const weightDecay of [0, 0.01]) {
      const size = 1001;
      const adam = createAdam({ size, learningRate: 0.01, weightDecay });
      const theta = Float32Array.from({ length: size }, (_, i) => Math.sin(i));
      // The loop of createAdam, written out with float32 θ.
      const ref = Float64Array.from(theta),
        m = new Float64Array(size),
        v = new Float64Array(size);
      for (let t = 1; t <= 5; t++) {
        const grad = Float32Array.from({ length: size }, (_, i) => Math.cos(i * t) * (i % 7 === 0 ? 1e-4 : 1));
        adam.step(theta, grad);
        const c1 = 1 / (1 - 0.9 ** t),
          c2 = 1 / (1 - 0.999 ** t);
        for (let i = 0; i < size; i++) {
          const g = weightDecay === 0 ? grad[i]! : grad[i]! + weightDecay * ref[i]!;
          m[i] = 0.9 * m[i]! + (1 - 0.9) * g;
          v[i] = 0.999 * v[i]! + (1 - 0.999) * g * g;
          ref[i] = Math.fround(ref[i]! - (0.01 * m[i]! * c1) / (Math.sqrt(v[i]! * c2) + 1e-7));
        }
      }
      expect(Array.from(theta)).toEqual(Array.from(ref));
    }
  });
});
