import { demos } from '@phaseflow/example-analysis/demos';
import { describe, expect, it } from 'vitest';

describe('demos', () => {
  it('are the ones promised, and the Lorenz one produces a Vega-Lite spec with its numbers', async () => {
    expect(demos.map((d) => d.name)).toEqual([
      'analysis-lorenz-spectrum',
      'analysis-kuramoto',
      'analysis-rnn-spectrum',
      'analysis-trained-rnn-cells',
      'analysis-edge-of-stability',
      'analysis-progressive-sharpening',
      'analysis-forward-stability',
      'analysis-sgd-lyapunov',
      'analysis-sgd-network',
      'analysis-mean-field',
    ]);
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

describe('forward-stability demo', () => {
  it('shows the plain ResNet growing and the antisymmetric one near 0', async () => {
    const demo = demos.find((d) => d.name === 'analysis-forward-stability')!;
    const result = await demo.run({ seed: 1, progress: () => undefined });
    expect(result.figures.map((f) => f.name)).toEqual(['forward-stability-singular-values', 'forward-stability-energy']);
    const plain = result.numbers['plain ResNet'] as { lnSigmaMaxPerLayer: number; lnSigmaMinPerLayer: number };
    const anti = result.numbers['antisymmetric, γ = 0'] as { lnSigmaMaxPerLayer: number; lnSigmaMinPerLayer: number };
    expect(plain.lnSigmaMaxPerLayer - plain.lnSigmaMinPerLayer).toBeGreaterThan(0.04);
    expect(Math.abs(anti.lnSigmaMaxPerLayer)).toBeLessThan(0.01);
    expect(Math.abs(anti.lnSigmaMinPerLayer)).toBeLessThan(0.01);
  });
});
