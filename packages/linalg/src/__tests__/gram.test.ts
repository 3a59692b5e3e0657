import { describe, expect, it } from 'vitest';
import { createRandom } from '@phaseflow/core';
import { createGramKernel } from '@phaseflow/linalg';
// The module bytes are internal; the test validates them directly.
import { gramWasmBytes } from '../gram.js';

function fillBlock(k: ReturnType<typeof createGramKernel>, rows: Float64Array[], n: number): void {
  rows.forEach((x, s) => {
    for (let i = 0; i < n; i++) k.panels[(i >> 2) * 4 * k.block + 4 * s + (i & 3)] = x[i]!;
  });
  k.accumulate(rows.length);
}

describe('Gram kernel', () => {
  it('the WebAssembly SIMD module validates (Node ≥ 20)', () => {
    expect(WebAssembly.validate(gramWasmBytes())).toBe(true);
    expect(createGramKernel({ features: 5, block: 8 }).kind).toBe('wasm-simd');
  });

  for (const n of [1, 3, 4, 9, 22]) {
    it(`wasm and JavaScript kernels agree bit for bit and match the exact Gram (n = ${n}, partial last block)`, () => {
      const rng = createRandom(n);
      const block = 8;
      const wasm = createGramKernel({ features: n, block }),
        js = createGramKernel({ features: n, block, kernel: 'js' });
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

  it('the documented example: two samples of two features', () => {
    for (const kernel of ['auto', 'js'] as const) {
      const g = createGramKernel({ features: 2, block: 4, kernel });
      expect(g.name).toBe('gram');
      g.panels.set([1, 2, 0, 0, 3, 4, 0, 0]);
      g.accumulate(2);
      expect([g.sums[0], g.sums[1], g.sums[g.stride + 1]]).toEqual([10, 14, 20]);
    }
  });

  it('rejects bad options with coded errors', () => {
    expect(() => createGramKernel({ features: 0, block: 4 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => createGramKernel({ features: 2, block: 4, kernel: 'gpu' as 'js' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => createGramKernel({ features: 2, block: 4, tile: 8 } as never)).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION' }));
  });
});
