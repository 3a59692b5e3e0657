import { demos } from '@phaseflow/example-equivariant/demos';
import { describe, expect, it } from 'vitest';

describe('demo p4-feature-maps', () => {
  it('shows the maps of a turned digit equal to the turned, shifted maps (float32 rounding)', async () => {
    const demo = demos.find((d) => d.name === 'p4-feature-maps')!;
    const res = await demo.run({ seed: 1, progress: () => {} });
    expect(res.numbers.exactTurn).toBe(true);
    expect(res.numbers.relativeDifference as number).toBeLessThan(1e-5);
    expect(res.figures.map((f) => f.name)).toEqual(['p4-feature-maps']);
    expect(JSON.parse(JSON.stringify(res.figures[0]!.spec)).$schema).toMatch(/vega-lite\/v5/);
  });

  it('lists the demos', () => {
    expect(demos.map((d) => d.name)).toEqual(['rotated-digits', 'p4-feature-maps', 'nbody-trajectories']);
  });
});
