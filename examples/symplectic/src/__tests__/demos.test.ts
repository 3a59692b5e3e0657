import { describe, expect, it } from 'vitest';
import { demos } from '@phaseflow/example-symplectic/demos';

describe('demo kepler', () => {
  it('shows RK4 drifting and the symplectic methods bounded', async () => {
    const demo = demos.find((d) => d.name === 'kepler')!;
    const res = await demo.run({ seed: 1, progress: () => {} });
    const m = res.numbers.methods as Record<string, { maxRelativeEnergyError: number; finalRelativeEnergyError: number }>;
    const rk = m['classical RK4 (4, not symplectic)']!;
    const fr = m['Forest–Ruth (4, symplectic)']!;
    expect(rk.finalRelativeEnergyError).toBeGreaterThan(100 * fr.maxRelativeEnergyError);
    expect(res.figures.map((f) => f.name)).toEqual(['energy-error', 'last-orbit']);
    expect(JSON.parse(JSON.stringify(res.figures[0]!.spec)).$schema).toMatch(/vega-lite\/v5/);
  });
});
