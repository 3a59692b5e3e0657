import { describe, expect, it } from 'vitest';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { batches, fitStandardizer, lorenz63Series, moons, narma10, oneHot, selectRows, split, standardize, windows } from '@phaseflow/datasets';

const expectCode = (call: () => unknown, code: string, argument?: string) => expectPhaseflowError(call, code as never, argument);

/** Rows as strings, to compare sets of rows. */
function rows(x: Float64Array, dim: number): string[] {
  return Array.from({ length: x.length / dim }, (_, i) => Array.from(x.subarray(i * dim, (i + 1) * dim)).join(','));
}

describe('split', () => {
  it('partitions the rows: disjoint, complete, sizes from the fractions, reproducible', () => {
    const data = moons({ n: 101, seed: 1 });
    const s = split(data, { train: 0.6, validation: 0.2, seed: 4 });
    expect([s.train.n, s.validation.n, s.test.n]).toEqual([60, 20, 21]);
    const all = [...rows(s.train.x, 2), ...rows(s.validation.x, 2), ...rows(s.test.x, 2)].sort();
    expect(all).toEqual(rows(data.x, 2).sort());
    // labels travel with their rows
    const label = new Map(rows(data.x, 2).map((r, i) => [r, data.y[i]]));
    rows(s.test.x, 2).forEach((r, i) => expect(s.test.y[i]).toBe(label.get(r)));
    expect(split(data, { train: 0.6, validation: 0.2, seed: 4 }).test.x).toEqual(s.test.x);
    expect(split(data, { train: 0.6, validation: 0.2, seed: 5 }).test.x).not.toEqual(s.test.x);
  });

  it('gives an empty part for a zero fraction (validation: 0), while selectRows refuses an empty index', () => {
    const data = moons({ n: 40, seed: 1 });
    const s = split(data, { train: 0.75, validation: 0, seed: 2 });
    expect([s.train.n, s.validation.n, s.test.n]).toEqual([30, 0, 10]);
    expect(s.validation.x.length).toBe(0);
    expectCode(() => selectRows(data, []), 'SHAPE_MISMATCH', 'index');
  });

  it('keeps order without shuffling and drops what the fractions leave', () => {
    const data = narma10({ n: 100, seed: 2 });
    const s = split(data, { train: 0.5, validation: 0.1, test: 0.2, shuffle: false });
    expect(s.train.x).toEqual(data.x.slice(0, 50));
    expect(s.validation.y).toEqual(data.y.slice(50, 60));
    expect(s.test.x).toEqual(data.x.slice(60, 80));
  });

  it('rejects fractions that do not fit', () => {
    const data = moons({ n: 20 });
    expectCode(() => split(data, { train: 0.8, validation: 0.3 }), 'INVALID_ARGUMENT', 'options');
    expectCode(() => split(data, { train: 0.5, validation: 0.2, test: 0.4 }), 'INVALID_ARGUMENT', 'options');
    expectCode(() => split(data, { train: -0.1 }), 'INVALID_ARGUMENT', 'options.train');
    expectCode(() => split(data, { train: 0.01 }), 'INVALID_ARGUMENT', 'options.train');
    expectCode(() => split(data, { ratio: 0.5 } as never), 'UNKNOWN_OPTION', 'options.ratio');
    expectCode(() => split({ x: new Float64Array(2) } as never), 'INVALID_ARGUMENT', 'data');
    expectCode(() => split({ ...data, x: new Float64Array(3) }), 'SHAPE_MISMATCH', 'data.x');
  });
});

describe('standardisation', () => {
  it('fits on train only: train columns get mean 0 and std 1, the others the same affine map', () => {
    const s = standardize(split(narma10({ n: 300, seed: 3 }), { seed: 1 }), { targets: true });
    const mean = (a: Float64Array) => a.reduce((x, v) => x + v, 0) / a.length;
    const sd = (a: Float64Array) => Math.sqrt(mean(a.map((v) => v * v)) - mean(a) ** 2);
    expect(mean(s.train.x)).toBeCloseTo(0, 12);
    expect(sd(s.train.x)).toBeCloseTo(1, 12);
    expect(mean(s.train.y)).toBeCloseTo(0, 12);
    expect(Math.abs(mean(s.test.x))).toBeGreaterThan(1e-6); // not refitted on test
    const back = s.targets!.inverseTransform(s.test.y);
    const raw = split(narma10({ n: 300, seed: 3 }), { seed: 1 }).test.y;
    back.forEach((v, i) => expect(v).toBeCloseTo(raw[i]!, 12));
  });

  it('centres a constant column without dividing by zero, and checks its input', () => {
    const st = fitStandardizer(Float64Array.of(1, 5, 2, 5, 3, 5), 2);
    expect(Array.from(st.scale)).toEqual([Math.sqrt(2 / 3), 1]);
    expect(Array.from(st.transform(Float64Array.of(2, 5)))).toEqual([0, 0]);
    expectCode(() => fitStandardizer(Float64Array.of(1, 2, 3), 2), 'SHAPE_MISMATCH', 'x');
    expectCode(() => fitStandardizer(new Float64Array(0), 2), 'INVALID_ARGUMENT', 'x');
    expectCode(() => fitStandardizer(Float64Array.of(1, Number.NaN), 1), 'NON_FINITE_INPUT', 'x[1]');
    expectCode(() => fitStandardizer(Float64Array.of(1, 2), 0), 'INVALID_ARGUMENT', 'dim');
    expectCode(() => standardize(split(moons({ n: 50 })), { targets: true }), 'INVALID_ARGUMENT', 'options.targets');
  });
});

describe('windows', () => {
  it('row r holds states r…r+input−1 as input and the next horizon states as target', () => {
    const s = lorenz63Series({ n: 50, seed: 1 });
    const w = windows(s, { input: 4, horizon: 2, stride: 3 });
    expect(w.dim).toBe(12);
    expect(w.outDim).toBe(6);
    expect(w.n).toBe(Math.floor((50 - 6) / 3) + 1);
    for (const r of [0, 5, w.n - 1]) {
      expect(w.x.subarray(r * 12, r * 12 + 12)).toEqual(s.x.subarray(r * 3 * 3, (r * 3 + 4) * 3));
      expect(w.y.subarray(r * 6, r * 6 + 6)).toEqual(s.x.subarray((r * 3 + 4) * 3, (r * 3 + 6) * 3));
    }
    expectCode(() => windows(s, { input: 49, horizon: 2 }), 'SHAPE_MISMATCH', 'options');
    expectCode(() => windows(s, { input: 0 }), 'INVALID_ARGUMENT', 'options.input');
    expectCode(() => windows(moons() as never), 'INVALID_ARGUMENT', 'series');
  });
});

describe('batches and oneHot', () => {
  it('one epoch visits every row exactly once; dropLast drops the short batch', () => {
    const data = moons({ n: 53, seed: 2 });
    const seen = new Array<number>(53).fill(0);
    const sizes: number[] = [];
    for (const b of batches(data, { size: 10, seed: 7 })) {
      sizes.push(b.n);
      b.index.forEach((r, i) => {
        seen[r]!++;
        expect(b.y[i]).toBe(data.y[r]);
        expect(b.x[2 * i]).toBe(data.x[2 * r]);
      });
    }
    expect(sizes).toEqual([10, 10, 10, 10, 10, 3]);
    expect(seen.every((c) => c === 1)).toBe(true);
    expect([...batches(data, { size: 10, dropLast: true })].map((b) => b.n)).toEqual([10, 10, 10, 10, 10]);
    const ordered = [...batches(data, { size: 53, shuffle: false })][0]!;
    expect(ordered.x).toEqual(data.x);
    expectCode(() => batches(data, { size: 0 }), 'INVALID_ARGUMENT', 'options.size');
    expectCode(() => batches(data, undefined as never), 'INVALID_ARGUMENT', 'options');
    expectCode(() => selectRows(data, [53]), 'INVALID_ARGUMENT', 'index[0]');
  });

  it('oneHot puts a single 1 in the label column', () => {
    const data = moons({ n: 6, seed: 1 });
    const h = oneHot(data);
    for (let i = 0; i < 6; i++) {
      expect(h[i * 2 + data.y[i]!]).toBe(1);
      expect(h[i * 2 + 1 - data.y[i]!]).toBe(0);
    }
  });
});
