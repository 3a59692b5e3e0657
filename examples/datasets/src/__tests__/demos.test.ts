import { describe, expect, it } from 'vitest';
import { demos } from '@phaseflow/example-datasets/demos';

describe('dataset gallery demo', () => {
  it('returns Vega-Lite v5 figures with inline data and reports progress', async () => {
    expect(demos.map((d) => d.name)).toEqual(['datasets']);
    const progress: number[] = [];
    const result = await demos[0]!.run({ seed: 3, progress: (f) => progress.push(f) });
    expect(result.figures.map((f) => f.name)).toEqual(['classification-toys', 'lorenz', 'mackey-glass-narma', 'hamiltonian']);
    for (const f of result.figures) {
      expect(f.spec.$schema).toBe('https://vega.github.io/schema/vega-lite/v5.json');
      expect(JSON.stringify(f.spec)).toContain('"values":[{');
      expect(JSON.stringify(f.spec)).not.toContain('null,"x"');
    }
    expect(progress.at(-1)).toBe(1);
    expect(result.summary).toMatch(/seed 3/);
  });
});
