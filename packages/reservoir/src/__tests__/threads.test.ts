import { describe, expect, it } from 'vitest';
import { createEsn, createRidge, createRidgeAccumulator, createReadout, matrix } from '@phaseflow/reservoir';

function series(rows: number): { u: ReturnType<typeof matrix>; y: ReturnType<typeof matrix> } {
  const s = Float64Array.from({ length: rows + 1 }, (_, t) => Math.sin(0.07 * t) + 0.3 * Math.sin(0.31 * t));
  return { u: matrix(rows, 1, s.slice(0, rows)), y: matrix(rows, 1, s.slice(1)) };
}

describe('the Gram on a worker thread (threads: 2)', () => {
  it('fits the bits of the one-thread fit', async () => {
    const { u, y } = series(2000);
    const weights: Float64Array[] = [];
    for (const threads of [1, 2] as const) {
      const esn = createEsn({ reservoir: { units: 90, inputDim: 1, spectralRadius: 0.9, leakRate: 0.5, seed: 3 } });
      await esn.fit(u, y, { trainer: createRidge({ ridge: 1e-6, warmup: 50, threads }) });
      weights.push(Float64Array.from([...esn.readout.weights, ...esn.readout.bias]));
    }
    expect(Array.from(weights[1]!)).toEqual(Array.from(weights[0]!));
  });

  it("'auto' keeps small jobs on this thread; close() finishes the sums, solve still works, add refuses", () => {
    expect(createRidgeAccumulator({ inputDim: 90, outputDim: 1, samples: 4000 }).threaded).toBe(false);
    const acc = createRidgeAccumulator({ inputDim: 3, outputDim: 1, threads: 2 });
    expect(acc.threaded).toBe(true);
    const x = new Float64Array(3),
      t = new Float64Array(1);
    for (let s = 0; s < 700; s++) {
      x[0] = Math.sin(s);
      x[1] = Math.cos(0.3 * s);
      x[2] = 1 + 0.01 * s;
      t[0] = 2 * x[0] - x[1] + 0.5 * x[2];
      acc.add(x, 0, t, 0);
    }
    acc.close();
    const r = createReadout({ inputDim: 3, outputDim: 1 });
    expect(acc.solve(0, r)).toBeLessThan(1e-12);
    expect(Array.from(r.weights).map((w) => Number(w.toFixed(8)))).toEqual([2, -1, 0.5]);
    expect(() => acc.add(x, 0, t, 0)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
    expect(() => createRidge({ threads: 4 as 2 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('W·x on two threads during a run (threads: 2)', () => {
  it('reservoir.run, esn.run and esn.generate give the one-thread bits', async () => {
    const { u, y } = series(400);
    const out: Float64Array[][] = [];
    for (const threads of [1, 2] as const) {
      const esn = createEsn({ reservoir: { units: 120, inputDim: 1, spectralRadius: 1.1, leakRate: 0.4, seed: 5, threads } });
      const states = esn.reservoirs[0]!.run(u);
      esn.reset();
      await esn.fit(u, y, { trainer: createRidge({ ridge: 1e-6, warmup: 50, threads: 1 }) });
      out.push([states.data, esn.run(u).data, esn.generate(100).data]);
    }
    for (let i = 0; i < 3; i++) expect(Array.from(out[1]![i]!)).toEqual(Array.from(out[0]![i]!));
  });
});
