import { createLieResNetDemo, demos } from '@phaseflow/example-lie/demos';
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

describe('demo lie-resnet', () => {
  it('is listed, and (at a small size) shows the Lie block on SO(3), its order in depth, and training', async () => {
    expect(demos.map((d) => d.name)).toContain('lie-resnet');
    const res = await createLieResNetDemo({ depth: 64, steps: 40, samples: 16 }).run({ seed: 1, progress: () => {} });
    const n = res.numbers as {
      drift: Record<string, number>;
      slopes: Record<string, number>;
      training: Record<string, { initialLoss: number; finalLoss: number; outputDefect: number }>;
    };
    expect(n.drift['lie-euler']!).toBeLessThan(1e-13);
    expect(n.drift.euclidean!).toBeGreaterThan(0.1);
    expect(Math.abs(n.slopes['lie-euler']! - 1)).toBeLessThan(0.1);
    expect(Math.abs(n.slopes.rkmk2! - 2)).toBeLessThan(0.1);
    expect(Math.abs(n.slopes.rkmk4! - 4)).toBeLessThan(0.15);
    const lie = n.training['lie-euler']!;
    expect(lie.finalLoss / lie.initialLoss).toBeLessThan(1e-2);
    expect(lie.outputDefect).toBeLessThan(1e-13);
    expect(n.training.euclidean!.outputDefect).toBeGreaterThan(1e-2);
    expect(res.figures.map((f) => f.name)).toEqual(['orthogonality-vs-depth', 'depth-convergence', 'training-loss']);
  });
});
