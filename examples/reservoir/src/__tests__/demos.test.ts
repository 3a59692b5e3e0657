import { describe, expect, it } from 'vitest';
import { demos } from '@phaseflow/example-reservoir/demos';

describe('demos', () => {
  it('produce Vega-Lite v5 specs with inline data and the numbers they promise', async () => {
    expect(demos.map((d) => d.name)).toEqual(['reservoir-mackey-glass', 'reservoir-lorenz']);
    for (const demo of demos) {
      const progress: number[] = [];
      const result = await demo.run({ seed: 0, progress: (f) => void progress.push(f) });
      expect(progress.at(-1)).toBe(1);
      expect(result.figures.length).toBeGreaterThan(0);
      for (const fig of result.figures) {
        expect(fig.spec['$schema']).toBe('https://vega.github.io/schema/vega-lite/v5.json');
        expect(JSON.stringify(fig.spec)).toContain('"values"');
      }
      if (demo.name === 'reservoir-mackey-glass') expect(result.numbers['nrmsePtp']).toBeLessThan(1e-3);
      else expect(result.numbers['vptLyapunovTimes']).toBeGreaterThan(2);
    }
  });
});
