import { describe, expect, it } from 'vitest';
import { demos } from '@phaseflow/example-gpu/demos';

describe('gpu demos', () => {
  it('gpu-pendulum-portrait advances 10⁵ members on webasm with every member’s energy kept', async () => {
    const demo = demos.find((d) => d.name === 'gpu-pendulum-portrait')!;
    const res = await demo.run({ seed: 0, progress: () => {} });
    expect(res.numbers.members).toBe(100_000);
    expect(res.numbers.backend).toBe('webasm');
    expect(res.numbers.maxMemberEnergyChange as number).toBeLessThan(0.05);
    expect(res.figures.map((f) => f.name)).toEqual(['phase-portrait']);
    expect((res.figures[0]!.spec.data as { values: unknown[] }).values.length).toBe(res.numbers.pointsDrawn);
  });

  it('gpu-throughput measures every backend that starts and the Float64 loop', async () => {
    const demo = demos.find((d) => d.name === 'gpu-throughput')!;
    const res = await demo.run({ seed: 0, progress: () => {} });
    const rows = res.numbers.rows as { backend: string; members: number; perSecond: number }[];
    expect(new Set(rows.map((r) => r.backend))).toEqual(new Set(['webasm (gpu.js, float32)', 'cpu (gpu.js, float32)', 'Float64 leapfrog (phaseflow)']));
    expect(rows.every((r) => r.perSecond > 0)).toBe(true);
    expect(Object.keys(res.numbers.skipped as object)).toEqual(['webgl2', 'headlessgl']);
  });
});
