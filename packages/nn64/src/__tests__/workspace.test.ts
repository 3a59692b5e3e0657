import { describe, expect, it } from 'vitest';
import { createRandom } from '@phaseflow/core';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { createWorkspace32, type KernelActivation } from '@phaseflow/nn64';

const f = (a: KernelActivation, z: number) => (a === 'tanh' ? Math.tanh(z) : a === 'relu' ? Math.max(0, z) : a === 'sigmoid' ? 1 / (1 + Math.exp(-z)) : z);

describe('createWorkspace32', () => {
  for (const kernel of ['auto', 'js'] as const) {
    it(`${kernel}: gemm = σ(A·B + b) and Aᵀ·B on ragged shapes, partial rows, accumulate`, () => {
      const ws = createWorkspace32({ kernel });
      const rng = createRandom(1);
      for (const [m, k, n] of [
        [1, 1, 1],
        [3, 2, 5],
        [7, 9, 12],
        [13, 17, 8],
        [6, 33, 20],
      ] as const) {
        const A = ws.matrix(m, k),
          B = ws.matrix(k, n),
          C = ws.matrix(m, n),
          bias = ws.matrix(1, n),
          E = ws.matrix(m, n),
          D = ws.matrix(k, n);
        const av = rng.fillNormal(new Float64Array(m * k)),
          bv = rng.fillNormal(new Float64Array(k * n)),
          biv = rng.fillNormal(new Float64Array(n)),
          ev = rng.fillNormal(new Float64Array(m * n));
        ws.load(A, av);
        ws.load(B, bv);
        ws.load(bias, biv);
        ws.load(E, ev);
        for (const activation of ['linear', 'tanh', 'relu', 'sigmoid'] as const) {
          ws.gemm(A, B, C, { bias, activation });
          for (let i = 0; i < m; i++)
            for (let j = 0; j < n; j++) {
              let s = biv[j]!;
              for (let q = 0; q < k; q++) s += Math.fround(av[i * k + q]!) * Math.fround(bv[q * n + j]!);
              expect(Math.abs(C.data[i * C.stride + j]! - f(activation, s))).toBeLessThan(2e-6 * (1 + Math.abs(s)));
            }
        }
        // Partial rows: only the first r rows of the product are asked for; accumulate adds.
        const r = Math.max(1, m - 2);
        ws.gemm(A, B, C, { rows: r });
        ws.gemm(A, B, C, { rows: r, accumulate: true });
        ws.gemm(A, E, D, { transposeA: true, rows: r });
        for (let q = 0; q < k; q++)
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let i = 0; i < r; i++) s += Math.fround(av[i * k + q]!) * Math.fround(ev[i * n + j]!);
            expect(Math.abs(D.data[q * D.stride + j]! - s)).toBeLessThan(2e-6 * (1 + Math.abs(s)));
          }
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let q = 0; q < k; q++) s += Math.fround(av[q]!) * Math.fround(bv[q * n + j]!);
          expect(Math.abs(C.data[j]! - 2 * s)).toBeLessThan(4e-6 * (1 + Math.abs(s)));
        }
      }
    });

    it(`${kernel}: activation, its derivative from y, axpy, column sums, load/addTo with transpose; views survive growth`, () => {
      const ws = createWorkspace32({ kernel });
      const Z = ws.matrix(3, 5);
      const values = Float64Array.from({ length: 15 }, (_, i) => -3 + 0.4 * i);
      for (const a of ['tanh', 'relu', 'sigmoid'] as const) {
        ws.load(Z, values);
        ws.activate(Z, a);
        const G = ws.matrix(3, 5);
        ws.load(G, new Float64Array(15).fill(2));
        ws.activationGrad(G, Z, a);
        for (let i = 0; i < 15; i++) {
          const y = f(a, values[i]!);
          const r = Math.floor(i / 5),
            c = i % 5;
          expect(Z.data[r * Z.stride + c]).toBeCloseTo(y, 6);
          const dy = a === 'tanh' ? 1 - y * y : a === 'relu' ? (y > 0 ? 1 : 0) : y * (1 - y);
          expect(G.data[r * G.stride + c]).toBeCloseTo(2 * dy, 6);
        }
      }
      // The second-order term of double backprop: a ⊙ b ⊙ (σ′)′(y).
      const C = ws.matrix(3, 5),
        Y = ws.matrix(3, 5),
        P = ws.matrix(3, 5);
      ws.load(
        Y,
        values.map((v) => Math.tanh(v)),
      );
      ws.load(P, values);
      for (const [a, curv] of [
        ['tanh', (y: number) => -2 * y],
        ['sigmoid', (y: number) => 1 - 2 * y],
        ['relu', () => 0],
      ] as const) {
        ws.activationCurvature(C, P, P, Y, a);
        for (let i = 0; i < 15; i++) {
          const y = Math.fround(Math.tanh(values[i]!));
          expect(C.data[Math.floor(i / 5) * C.stride + (i % 5)]).toBeCloseTo(Math.fround(values[i]!) ** 2 * curv(y), 5);
        }
      }
      const X = ws.matrix(3, 5);
      ws.load(X, values);
      ws.load(Z, new Float64Array(15).fill(1));
      ws.axpy(-2, X, Z);
      const sums = new Float64Array(6);
      ws.columnSums(Z, sums, 1);
      for (let c = 0; c < 5; c++) expect(sums[1 + c]).toBeCloseTo(3 - 2 * (values[c]! + values[5 + c]! + values[10 + c]!), 5);
      // Transposed load and addTo are inverse layouts.
      const T = ws.matrix(5, 3);
      ws.load(T, values, 0, true);
      const back = new Float32Array(15);
      ws.addTo(T, back, 0, true);
      expect(Array.from(back)).toEqual(Array.from(Float32Array.from(values)));
      // From and into float32 with whole blocks of four (the kernels' copies): the same floats as
      // the element-wise definition, bit for bit, whatever the offset into the flat vectors.
      const flat = Float32Array.from({ length: 3 + 8 * 12 }, (_, i) => Math.sin(i * 0.7) * 3);
      const W = ws.matrix(12, 8);
      ws.load(W, flat, 3, true);
      for (let i = 0; i < 12; i++) for (let j = 0; j < 8; j++) expect(W.data[i * W.stride + j]).toBe(flat[3 + j * 12 + i]);
      const acc = Float32Array.from({ length: 5 + 12 * 8 }, (_, i) => Math.cos(i * 0.3));
      const want = acc.slice();
      for (let i = 0; i < 12; i++) for (let j = 0; j < 8; j++) want[5 + i * 8 + j] = Math.fround(want[5 + i * 8 + j]! + W.data[i * W.stride + j]!);
      ws.addTo(W, acc, 5);
      expect(Array.from(acc)).toEqual(Array.from(want));
      const before = X.data[7];
      const big = ws.matrix(1000, 100); // grows the memory
      expect(big.data.length).toBe(1000 * 100);
      expect(X.data[7]).toBe(before);
      expect(ws.kind).toBe(kernel === 'js' ? 'js' : 'wasm-simd'); // Node has WebAssembly SIMD
    });
  }

  it('rejects bad shapes, foreign matrices and unknown options with coded errors', () => {
    const ws = createWorkspace32();
    const other = createWorkspace32({ kernel: 'js' });
    const A = ws.matrix(2, 3),
      B = ws.matrix(4, 2),
      C = ws.matrix(2, 2);
    expectPhaseflowError(() => ws.gemm(A, B, C), 'SHAPE_MISMATCH');
    expectPhaseflowError(() => ws.gemm(A, other.matrix(3, 2), C), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => ws.gemm(A, ws.matrix(3, 2), C, { bias: ws.matrix(1, 2), accumulate: true }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => ws.gemm(A, ws.matrix(3, 2), C, { activation: 'gelu' as never }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => ws.gemm(A, ws.matrix(3, 2), C, { rows: 3 }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => ws.load(A, [1, 2]), 'SHAPE_MISMATCH');
    expectPhaseflowError(() => ws.matrix(0, 2), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => createWorkspace32({ kernel: 'gpu' as never }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => createWorkspace32({ workers: 2 } as never), 'UNKNOWN_OPTION');
  });
});
