import { describe, expect, it } from 'vitest';
import { createRandom } from '@phaseflow/core';
import { createReadout, createRidgeAccumulator, csrMatVec, randomSparse } from '@phaseflow/reservoir';
// Internal kernels, tested directly: both Gram implementations must give the same bits.
import { createGramKernel, gramWasmBytes } from '../gram.js';

function fillBlock(k: ReturnType<typeof createGramKernel>, rows: Float64Array[], n: number): void {
  rows.forEach((x, s) => {
    for (let i = 0; i < n; i++) k.panels[(i >> 2) * 4 * k.block + 4 * s + (i & 3)] = x[i]!;
  });
  k.accumulate(rows.length);
}

describe('Gram kernel', () => {
  it('the WebAssembly SIMD module validates (Node ≥ 20)', () => {
    expect(WebAssembly.validate(gramWasmBytes())).toBe(true);
    expect(createGramKernel(5, 8).kind).toBe('wasm-simd');
  });

  for (const n of [1, 3, 4, 9, 22]) {
    it(`wasm and JavaScript kernels agree bit for bit and match the exact Gram (n = ${n}, partial last block)`, () => {
      const rng = createRandom(n);
      const block = 8;
      const wasm = createGramKernel(n, block), js = createGramKernel(n, block, { kernel: 'js' });
      const X: Float64Array[] = [];
      for (let t = 0; t < 3 * block + 5; t++) {
        const x = new Float64Array(n);
        rng.fillNormal(x);
        X.push(x);
      }
      for (let b = 0; b < X.length; b += block) {
        const rows = X.slice(b, b + block);
        fillBlock(wasm, rows, n);
        fillBlock(js, rows, n);
      }
      for (let i = 0; i < n; i++) {
        for (let j = i; j < n; j++) {
          const g = i * wasm.stride + j;
          expect(wasm.sums[g]).toBe(js.sums[g]);
          let exact = 0;
          for (const x of X) exact += x[i]! * x[j]!;
          expect(Math.abs(wasm.sums[g]! - exact)).toBeLessThan(1e-12 * X.length);
        }
      }
    });
  }

  it('a ridge fit through the accumulator does not depend on how the samples fall into blocks', () => {
    const n = 7, T = 700; // several 256-sample blocks and a partial one
    const rng = createRandom(3);
    const X = new Float64Array(T * n), Y = new Float64Array(T);
    rng.fillNormal(X);
    for (let t = 0; t < T; t++) Y[t] = X[t * n]! - 2 * X[t * n + 6]! + 0.5;
    const a = createRidgeAccumulator(n, 1), b = createRidgeAccumulator(n, 1);
    for (let t = 0; t < T; t++) a.add(X, t * n, Y, t);
    const ra = createReadout(n, 1), rb = createReadout(n, 1);
    a.solve(1e-9, ra);
    for (let t = 0; t < T; t++) {
      b.add(X, t * n, Y, t);
      if (t % 97 === 0) b.solve(1e-9, rb); // intermediate solves flush partial blocks
    }
    b.solve(1e-9, rb);
    for (let i = 0; i < n; i++) expect(rb.weights[i]).toBeCloseTo(ra.weights[i]!, 12);
    expect(ra.weights[0]).toBeCloseTo(1, 8);
    expect(ra.weights[6]).toBeCloseTo(-2, 8);
    expect(ra.bias[0]).toBeCloseTo(0.5, 8);
  });
});

describe('sparse mat-vec', () => {
  it('equals the row-by-row sum bit for bit (rows summed four at a time, each in entry order)', () => {
    for (const [rows, cols] of [[1, 5], [7, 7], [50, 30], [203, 203]] as const) {
      const A = randomSparse({ rows, cols, connectivity: 0.3, seed: rows });
      const x = new Float64Array(cols);
      createRandom(1).fillNormal(x);
      const out = csrMatVec(A, x, new Float64Array(rows));
      for (let i = 0; i < rows; i++) {
        let s = 0;
        for (let k = A.rowPtr[i]!; k < A.rowPtr[i + 1]!; k++) s += A.values[k]! * x[A.colIdx[k]!]!;
        expect(out[i]).toBe(s);
      }
    }
  });
});
