import { describe, expect, it } from 'vitest';
import { isPhaseflowError } from '@phaseflow/core';
import { moons, spirals, split, toLabelledData, windows, mackeyGlassSeries } from '@phaseflow/datasets';

describe('toLabelledData', () => {
  it('turns a classification set into one-hot targets or labels, sharing the inputs', () => {
    const set = spirals({ n: 30, classes: 3, seed: 2 });
    const d = toLabelledData(set);
    expect(d.inputs).toBe(set.x);
    expect(d.samples).toBe(set.n);
    expect(Object.keys(d).sort()).toEqual(['inputs', 'samples', 'targets']);
    expect(d.targets.length).toBe(set.n * 3);
    for (let i = 0; i < set.n; i++) {
      const row = Array.from(d.targets.subarray(i * 3, i * 3 + 3));
      expect(row.indexOf(1)).toBe(set.y[i]);
      expect(row.reduce((a, b) => a + b)).toBe(1);
    }
    const l = toLabelledData(set, { targets: 'labels' });
    expect(Array.from(l.targets)).toEqual(Array.from(set.y));
  });

  it('passes regression targets through and takes the parts of a split', () => {
    const w = windows(mackeyGlassSeries({ n: 200 }), { input: 5, horizon: 1 });
    const d = toLabelledData(w);
    expect(d.targets).toBe(w.y);
    const parts = split(moons({ n: 40, seed: 1 }), { train: 0.75, seed: 1 });
    expect(toLabelledData(parts.train).samples).toBe(30);
  });

  it('refuses what is not a set, and unknown options, with coded errors naming the argument', () => {
    const bad = [
      () => toLabelledData(null as never),
      () => toLabelledData({ kind: 'x' } as never),
      () => toLabelledData(moons({ n: 4 }), { targets: 'soft' as never }),
      () => toLabelledData(moons({ n: 4 }), { bogus: 1 } as never),
      () => toLabelledData({ ...moons({ n: 4 }), x: new Float64Array(3) }),
    ];
    for (const f of bad) {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(isPhaseflowError(e)).toBe(true);
        expect((e as { details: { argument?: string } }).details.argument).toMatch(/^(set|options)/);
      }
    }
  });
});
