import { demos } from '@phaseflow/example-lie/demos';
import { describe, expect, it } from 'vitest';

describe('demo heavy-top', () => {
  it('shows RKMK4 on SO(3) and RK4 on the embedding drifting off it', async () => {
    const demo = demos.find((d) => d.name === 'heavy-top')!;
    const res = await demo.run({ seed: 1, progress: () => {} });
    const m = res.numbers.methods as Record<string, { finalDefect: number; axisLengthError: number }>;
    const lie = m['RKMK4 (Lie group)']!;
    const flat = m['RK4 on the embedding R^12']!;
    expect(lie.finalDefect).toBeLessThan(1e-13);
    expect(flat.finalDefect).toBeGreaterThan(1e-3);
    expect(flat.axisLengthError).toBeGreaterThan(1e4 * lie.axisLengthError);
    expect(res.figures.map((f) => f.name)).toEqual(['axis-orbit', 'orthogonality-defect']);
    expect(JSON.parse(JSON.stringify(res.figures[1]!.spec)).$schema).toMatch(/vega-lite\/v5/);
  });
});
