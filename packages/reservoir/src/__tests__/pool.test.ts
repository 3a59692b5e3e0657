import { describe, expect, it } from 'vitest';
import { createTrialPool, randomSearch } from '@phaseflow/reservoir';

const module = new URL('./fixtures/trial-objective.mjs', import.meta.url);
const space = { ridge: [0, 0.1, 1, 10], noise: { low: 0.01, high: 1, log: true } } as const;

describe('trial pool (reservoir hyper-parameter trials on worker threads)', () => {
  it('randomSearch over a module objective: two workers give the sequential run, row for row', async () => {
    const sequential = await randomSearch({ space, trials: 12, seed: 4, objective: { module }, workers: 0 });
    const pooled = await randomSearch({ space, trials: 12, seed: 4, objective: { module }, workers: 2 });
    expect(pooled.results).toEqual(sequential.results);
    expect(pooled.table).toBe(sequential.table);
    expect(sequential.best.score).toBeLessThan(0.01);
  });

  it('runs every job once, outcomes in job order, errors kept per trial, the work spread over the workers', async () => {
    const pool = createTrialPool({ module, workers: 2 });
    expect(pool.workers).toBe(2);
    const jobs = Array.from({ length: 9 }, (_, i) => ({ index: 10 + i, params: { ridge: i === 4 ? -1 : 0.1, noise: 0.2 }, seed: 100 + i }));
    const out = await pool.run(jobs);
    expect(out.map((o) => o.index)).toEqual(jobs.map((j) => j.index));
    expect(out[4]!.error).toBe('negative ridge');
    expect(Number.isNaN(out[4]!.score)).toBe(true);
    expect(new Set(out.map((o) => o.worker))).toEqual(new Set([0, 1]));
    const again = await pool.run(jobs.slice(0, 3));
    expect(again.map((o) => o.score)).toEqual(out.slice(0, 3).map((o) => o.score));
    await pool.close();
  });

  it('bad input: a module without the export, workers with a function objective, a relative path', async () => {
    const pool = createTrialPool({ module, export: 'missing', workers: 1 });
    await expect(pool.run([{ index: 0, params: {}, seed: 1 }])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await pool.close();
    await expect(randomSearch({ space, trials: 2, objective: () => 1, workers: 2 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(() => createTrialPool({ module: 'trial.mjs' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
