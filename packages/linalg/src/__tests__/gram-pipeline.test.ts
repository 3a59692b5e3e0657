import { describe, expect, it } from 'vitest';
import { createRandom } from '@phaseflow/core';
import { createGramKernel, createGramPipeline } from '@phaseflow/linalg';

/** Fill a panel (column panels of four features) with `count` samples. */
function fill(panels: Float64Array, rows: Float64Array[], n: number, block: number): void {
  panels.fill(0);
  rows.forEach((x, s) => {
    for (let i = 0; i < n; i++) panels[(i >> 2) * 4 * block + 4 * s + (i & 3)] = x[i]!;
  });
}

describe('createGramPipeline (the Gram on a worker thread)', () => {
  it('gives the bits of the one-thread kernel, partial blocks included, on a worker when it has one', () => {
    const rng = createRandom(5);
    const n = 37,
      block = 16;
    const blocks = Array.from({ length: 23 }, (_, b) => Array.from({ length: b === 22 ? 5 : block }, () => rng.fillNormal(new Float64Array(n))));
    const ref = createGramKernel({ features: n, block });
    for (const rows of blocks) {
      fill(ref.panels, rows, n, block);
      ref.accumulate(rows.length);
    }
    for (const threads of [2, 1] as const) {
      const g = createGramPipeline({ features: n, block, threads });
      expect(g.threaded).toBe(threads === 2);
      // The first blocks on this thread (as before a worker runs), the rest on the worker.
      fill(g.panels(), blocks[0]!, n, block);
      g.post(blocks[0]!.length);
      if (threads === 2) expect(g.waitForWorker(20_000)).toBe(true);
      for (const rows of blocks.slice(1)) {
        fill(g.panels(), rows, n, block);
        g.post(rows.length);
      }
      const S = g.finish();
      const stride = g.stride;
      for (let i = 0; i < n; i++) for (let j = i; j < n; j++) expect(S[i * stride + j]).toBe(ref.sums[i * stride + j]);
      expect(g.blocksOnWorker).toBe(threads === 2 ? blocks.length - 1 : 0);
      g.close();
      expect(() => g.post(1)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
    }
  });

  it('shares the rows of a block between the threads when the caller would wait, and still gives the one-thread bits', () => {
    // Blocks posted back to back (no work between posts): the caller takes rows of every block
    // the worker is summing, so both threads sum rows of most blocks.
    const rng = createRandom(9);
    const n = 150,
      block = 32;
    const blocks = Array.from({ length: 40 }, (_, b) => Array.from({ length: b === 39 ? 7 : block }, () => rng.fillNormal(new Float64Array(n))));
    const ref = createGramKernel({ features: n, block });
    for (const rows of blocks) {
      fill(ref.panels, rows, n, block);
      ref.accumulate(rows.length);
    }
    const g = createGramPipeline({ features: n, block, threads: 2 });
    expect(g.waitForWorker(20_000)).toBe(true);
    for (const [i, rows] of blocks.entries()) {
      fill(g.panels(), rows, n, block);
      g.post(rows.length);
      // Now and then the asynchronous caller's wait, which takes rows too.
      if (i % 7 === 3) expect(g.waitIdle(20_000)).toBe(true);
    }
    const S = g.finish();
    expect(g.blocksOnWorker).toBe(blocks.length);
    let differing = 0;
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) if (!Object.is(S[i * g.stride + j], ref.sums[i * g.stride + j])) differing++;
    expect(differing).toBe(0);
    g.close();
  });

  it('the documented example', () => {
    const g = createGramPipeline({ features: 2, block: 4 });
    g.panels().set([1, 2, 0, 0, 3, 4, 0, 0]);
    g.post(2);
    const S = g.finish();
    expect([S[0], S[1], S[g.stride + 1]]).toEqual([10, 14, 20]);
    g.close();
    expect(() => createGramPipeline({ features: 2, block: 4, threads: 3 as 2 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
