import { demos } from '@phaseflow/example-analysis/demos';
import { describe, expect, it } from 'vitest';

describe('demos', () => {
  it('are the four promised, and the Lorenz one produces a Vega-Lite spec with its numbers', async () => {
    expect(demos.map((d) => d.name)).toEqual(['analysis-lorenz-spectrum', 'analysis-kuramoto', 'analysis-rnn-spectrum', 'analysis-edge-of-stability']);
    const lorenz = demos[0]!;
    const progress: number[] = [];
    const result = await lorenz.run({ seed: 1, progress: (f) => void progress.push(f) });
    expect(progress.at(-1)).toBe(1);
    const spec = result.figures[0]!.spec;
    expect(spec['$schema']).toBe('https://vega.github.io/schema/vega-lite/v5.json');
    expect(JSON.stringify(spec)).toContain('"values"');
    const e = result.numbers['exponents'] as number[];
    expect(Math.abs(e[0]! - 0.9056)).toBeLessThan(0.03);
    expect(Math.abs(result.numbers['sumError'] as number)).toBeLessThan(2e-4);
  });
});
