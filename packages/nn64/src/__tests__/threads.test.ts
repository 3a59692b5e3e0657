import { describe, expect, it } from 'vitest';
import { createRandom } from '@phaseflow/core';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { createGradientField32, createGradientTrainer32, createMlp32, createWorkspace32, type KernelActivation, type Workspace32 } from '@phaseflow/nn64';

/** Every product shape and flag the networks use, at sizes past the split threshold (2¹⁸ multiply–adds) and just under it. */
const CASES = [
  // m, k, n, transposeA, accumulate, bias, activation, rows in use
  [64, 64, 64, false, false, true, 'tanh', 64],
  [130, 77, 99, false, true, false, 'linear', 129],
  [96, 160, 33, true, false, false, 'linear', 95],
  [64, 300, 20, true, true, false, 'linear', 61],
  [200, 40, 64, false, false, true, 'sigmoid', 200],
  [12, 1000, 40, false, false, true, 'relu', 9],
  [63, 64, 64, false, false, false, 'linear', 63],
] as const;

/** C of every case on `ws`, from the same seeded inputs. */
function products(ws: Workspace32): Float32Array[] {
  const rng = createRandom(3);
  return CASES.map(([m, k, n, transposeA, accumulate, withBias, activation, rows]) => {
    const A = ws.matrix(m, k),
      B = ws.matrix(transposeA ? m : k, n),
      C = ws.matrix(transposeA ? k : m, n),
      bias = ws.matrix(1, n);
    for (const x of [A, B, C, bias]) ws.load(x, rng.fillNormal(new Float64Array(x.rows * x.cols)));
    ws.gemm(A, B, C, { transposeA, accumulate, rows, activation: activation as KernelActivation, ...(withBias && { bias }) });
    return C.data.slice(0, C.rows * C.stride);
  });
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

describe('two-thread workspaces', () => {
  it('split every large product between two threads, bit for bit the one-thread result', () => {
    const one = createWorkspace32();
    const two = createWorkspace32({ threads: 2 });
    expect(one.threads).toBe(1);
    // Node has worker threads and shared memories: the helper runs.
    expect(two.threads).toBe(2);
    const a = products(one),
      b = products(two);
    for (let i = 0; i < a.length; i++) expect(bits(b[i]!), `case ${i}`).toEqual(bits(a[i]!));
    // The memory grew many times over while the helper ran on it; still equal after more growth.
    two.matrix(2048, 2048);
    const c = products(two);
    for (let i = 0; i < a.length; i++) expect(bits(c[i]!), `case ${i} after growth`).toEqual(bits(a[i]!));
    two.close();
    expect(two.threads).toBe(1);
    // Closed: one thread again, the same numbers.
    const d = products(two);
    for (let i = 0; i < a.length; i++) expect(bits(d[i]!), `case ${i} after close`).toEqual(bits(a[i]!));
    two.close();
  });

  it('a float32 MLP trains to the same parameters on two threads, and the history says which ran', async () => {
    const rng = createRandom(5);
    const inputs = Float32Array.from({ length: 2 * 256 }, () => rng.normal());
    const targets = Array.from({ length: 256 }, (_, i) => (inputs[2 * i]! * inputs[2 * i + 1]! > 0 ? 1 : 0));
    const run = async (threads: 1 | 2) => {
      const net = createMlp32({ sizes: [2, 96, 96, 2], output: 'softmax', seed: 2, threads });
      const history = await createGradientTrainer32({ learningRate: 0.01, epochs: 2, batchSize: 64, seed: 1 }).fit(net, { inputs, targets });
      return { net, history };
    };
    const a = await run(1),
      b = await run(2);
    expect(a.net.threads).toBe(1);
    expect(b.net.threads).toBe(2);
    expect(a.history.threads).toBe(1);
    expect(b.history.threads).toBe(2);
    expect(b.history.loss).toEqual(a.history.loss);
    expect(bits(b.net.theta)).toEqual(bits(a.net.theta));
  });

  it('the gradient field and its reverse pass are the same on two threads', () => {
    const x = Float32Array.from(createRandom(8).fillNormal(new Float64Array(64 * 4)));
    const gy = Float32Array.from(createRandom(9).fillNormal(new Float64Array(64 * 4)));
    const out = [1, 2].map((threads) => {
      const field = createGradientField32({ sizes: [4, 128, 128, 1], symplectic: true, seed: 4, threads: threads as 1 | 2 });
      expect(field.threads).toBe(threads);
      const y = field.forwardTape(x, 64).slice();
      const g = new Float32Array(field.theta.length);
      const gx = new Float32Array(64 * 4);
      field.backwardTape(gy, g, gx);
      return [y, g, gx];
    });
    for (let i = 0; i < 3; i++) expect(bits(out[1]![i]!)).toEqual(bits(out[0]![i]!));
  });

  it('refuses a thread count other than 1 or 2, and runs the js kernels on one thread', () => {
    for (const threads of [0, 3, 1.5, '2', null]) {
      expectPhaseflowError(() => createWorkspace32({ threads: threads as never }), 'INVALID_ARGUMENT', 'options.threads');
      expectPhaseflowError(() => createMlp32({ sizes: [2, 2], threads: threads as never }), 'INVALID_ARGUMENT', 'options.threads');
      expectPhaseflowError(() => createGradientField32({ sizes: [2, 4, 1], threads: threads as never }), 'INVALID_ARGUMENT', 'options.threads');
    }
    const js = createWorkspace32({ kernel: 'js', threads: 2 });
    expect(js.threads).toBe(1);
    expect(createMlp32({ sizes: [2, 2], kernel: 'js', threads: 2 }).threads).toBe(1);
  });
});
