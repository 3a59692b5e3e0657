import { describe, expect, it } from 'vitest';
import { demos } from '@phaseflow/example-runge-kutta/demos';

describe('demos', () => {
  it('arenstorf returns two Vega-Lite v5 figures with inline data and measured numbers', async () => {
    const demo = demos.find((d) => d.name === 'arenstorf')!;
    const result = await demo.run({ seed: 1, progress: () => {} });
    expect(result.figures).toHaveLength(2);
    for (const f of result.figures) expect(String(f.spec.$schema)).toContain('vega-lite/v5');
    const wp = result.numbers.workPrecision as { method: string; error: number; evaluations: number }[];
    // DOP853 needs fewer evaluations than DOPRI5 at its tightest tolerance and reaches a smaller error
    const last = (m: string) => wp.filter((r) => r.method === m).at(-1)!;
    expect(last('dop853').evaluations).toBeLessThan(last('dopri5').evaluations);
    expect(last('dop853').error).toBeLessThan(last('dopri5').error);
    expect(JSON.parse(JSON.stringify(result.figures))).toEqual(result.figures);
  });
});
