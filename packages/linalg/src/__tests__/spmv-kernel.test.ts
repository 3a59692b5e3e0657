import { describe, expect, it } from 'vitest';
import { createRandom } from '@phaseflow/core';
import { createSpmvKernel, csrFromTriplets, csrMatVec } from '@phaseflow/linalg';
import { randomCsr } from './helpers.js';

describe('createSpmvKernel (WebAssembly W·x)', () => {
  it('gives the bits of csrMatVec, WebAssembly and JavaScript kernels alike, any row count, empty rows included', () => {
    const rng = createRandom(3);
    for (const [rows, cols, p] of [
      [1, 1, 1],
      [7, 5, 0.5],
      [33, 40, 0.1],
      [130, 130, 0.05],
    ] as const) {
      const A = randomCsr(rows, cols, p, 'normal', rows);
      const x = new Float64Array(cols);
      rng.fillNormal(x);
      const ref = csrMatVec(A, x, new Float64Array(rows));
      for (const kernel of ['auto', 'js'] as const) {
        const k = createSpmvKernel(A, { kernel });
        if (kernel === 'js') expect(k.kind).toBe('js');
        k.x.set(x);
        k.apply();
        expect(Array.from(k.y)).toEqual(Array.from(ref));
        // A row range leaves the other rows alone.
        k.y.fill(7);
        k.apply(1, Math.min(rows, 5));
        for (let i = 0; i < rows; i++) expect(k.y[i]).toBe(i >= 1 && i < Math.min(rows, 5) ? ref[i] : 7);
      }
    }
    expect(createSpmvKernel(randomCsr(4, 4, 0.5, 'normal', 1)).kind).toBe('wasm');
  });

  it('a shared kernel lives in a SharedArrayBuffer (for worker threads) and computes the same', () => {
    const A = csrFromTriplets(3, 3, [0, 0, 2, 2], [0, 2, 1, 2], [1, 2, 3, 4]);
    const k = createSpmvKernel(A, { shared: true, extraBytes: 1024 });
    expect(k.x.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(k.memory?.buffer.byteLength ?? k.x.buffer.byteLength).toBeGreaterThanOrEqual(k.offsets.end + 1024);
    k.x.set([1, 2, 3]);
    k.apply();
    expect(Array.from(k.y)).toEqual([7, 0, 18]);
  });
});

describe('createSpmvKernel with a helper thread', () => {
  it('splits the rows with a worker once it runs, with the bits of csrMatVec; stopThread goes back to one thread', () => {
    const A = randomCsr(203, 203, 0.1, 'normal', 8);
    const k = createSpmvKernel(A, { shared: true });
    const ref = new Float64Array(203);
    const rng = createRandom(9);
    expect(k.startThread()).toBe(true);
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    for (let t = 0; t < 400 && !k.threaded; t++) Atomics.wait(sleeper, 0, 0, 25);
    expect(k.threaded).toBe(true);
    for (let rep = 0; rep < 50; rep++) {
      rng.fillNormal(k.x);
      csrMatVec(A, k.x, ref);
      k.y.fill(NaN);
      k.apply();
      expect(Array.from(k.y)).toEqual(Array.from(ref));
    }
    k.stopThread();
    expect(k.threaded).toBe(false);
    k.apply();
    expect(Array.from(k.y)).toEqual(Array.from(ref));
    expect(createSpmvKernel(A).startThread()).toBe(false); // not shared
  });
});
