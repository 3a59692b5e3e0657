import { describe, expect, it } from 'vitest';
import type { Layer, PhaseflowError } from '@phaseflow/core';
import { createEnKFTrainer, createMemberPool, type Batch, type EnKFData, type EnKFHistory } from '@phaseflow/enkf';
// @ts-expect-error a plain JavaScript fixture (worker threads import it as is), without types
import * as fixture from './fixtures/member-model.mjs';

const module = new URL('./fixtures/member-model.mjs', import.meta.url);
const build = (name: string) => (fixture as Record<string, () => Layer<Batch, Float64Array>>)[name]!();

// 60 seeded points of two interleaved spirals, one-hot targets.
const data: EnKFData = (() => {
  const n = 60;
  const x = new Float64Array(2 * n);
  const y = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const r = 0.2 + (0.8 * i) / n;
    const a = 3 * r + Math.PI * c;
    x[2 * i] = r * Math.cos(a);
    x[2 * i + 1] = r * Math.sin(a);
    y[2 * i + c] = 1;
  }
  return { inputs: x, targets: y, samples: n };
})();

const bits = (a: ArrayLike<number>) => Array.from(new BigUint64Array(Float64Array.from(a).buffer));
const sameRun = (a: EnKFHistory, b: EnKFHistory) => {
  expect(b.iterations).toBe(a.iterations);
  expect(b.forwardEvaluations).toBe(a.forwardEvaluations);
  expect(bits(b.loss)).toEqual(bits(a.loss));
  expect(bits(b.trace.misfit)).toEqual(bits(a.trace.misfit));
  expect(bits(b.trace.spread)).toEqual(bits(a.trace.spread));
  expect(bits(b.trace.step)).toEqual(bits(a.trace.step));
  expect(bits(b.mean)).toEqual(bits(a.mean));
  expect(bits(b.ensemble)).toEqual(bits(a.ensemble));
};

describe('member pool (ensemble members on worker threads)', () => {
  it('two workers and the calling thread give the sequential run bit for bit (eki with Nesterov, hlr with the data-misfit step)', async () => {
    const pool = createMemberPool({ module, workers: 2 });
    const here = createMemberPool({ module, workers: 0 });
    expect(pool.workers).toBe(2);
    expect(pool.model).toBe(`${module.href}#model`);
    try {
      for (const options of [
        { ensembleSize: 13, epochs: 3, batchSize: 16, seed: 7, nesterov: true },
        { ensembleSize: 9, epochs: 2, batchSize: 25, seed: 3, method: 'hlr' as const, step: 'data-misfit' as const },
      ]) {
        const sequential = await createEnKFTrainer(options).fit(build('model'), data, { validation: data, validateEvery: 2 });
        const pooledModel = build('model');
        const pooled = await createEnKFTrainer({ ...options, pool }).fit(pooledModel, data, { validation: data, validateEvery: 2 });
        const onThisThread = await createEnKFTrainer({ ...options, pool: here }).fit(build('model'), data);
        sameRun(sequential, pooled);
        sameRun(sequential, onThisThread);
        expect(pooled.trace.validation).toEqual(sequential.trace.validation);
        // The final mean lands in the model given to fit, as without the pool.
        expect(bits(pooledModel.parameters!.get())).toEqual(bits(sequential.mean));
      }
    } finally {
      await pool.close();
      await here.close();
    }
  });

  it('a model without forwardEnsemble is evaluated by set + forward in the workers, with the same outputs', async () => {
    const pool = createMemberPool({ module, export: 'plain', workers: 2 });
    const thetas = Float64Array.from({ length: 7 * 27 }, (_, i) => Math.cos(i));
    const batch = { x: Float64Array.from(data.inputs).subarray(0, 20), rows: 10, cols: 2 };
    const out = await pool.evaluate({ thetas, members: 7, batch, outputs: 20 });
    const reference = build('model').parameters!.forwardEnsemble!(thetas, 7, batch);
    expect(bits(out)).toEqual(bits(reference.flatMap((g) => Array.from(g))));
    await pool.close();
  });

  it('an abort during a pooled fit ends it with ABORTED and the partial history, and the pool stays usable', async () => {
    const pool = createMemberPool({ module, export: 'slow', workers: 2 });
    try {
      const controller = new AbortController();
      const trainer = createEnKFTrainer({ ensembleSize: 16, epochs: 1000, batchSize: 30, seed: 1, pool });
      setTimeout(() => controller.abort(new Error('deadline')), 60);
      const err = (await trainer.fit(build('model'), data, { signal: controller.signal }).catch((e: unknown) => e)) as PhaseflowError;
      expect(err.code).toBe('ABORTED');
      expect(err.message).toMatch(/training aborted (at|in) iteration \d+/);
      const partial = err.partial as EnKFHistory;
      expect(partial.status).toBe('aborted');
      expect(partial.iterations).toBeLessThan(2000);
      // Nothing of the aborted evaluation is left in flight: the next one runs to its end.
      const h = await createEnKFTrainer({ ensembleSize: 4, epochs: 1, batchSize: 30, seed: 1, pool }).fit(build('model'), data);
      expect(h.iterations).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('an abort before a hand-over stops the hand-overs: evaluate rejects with what between threw', async () => {
    const pool = createMemberPool({ module, workers: 2 });
    const thetas = new Float64Array(40 * 27).fill(0.1);
    const batch = { x: new Float64Array(4), rows: 2, cols: 2 };
    const handed: number[] = [];
    const stop = new Error('stop');
    await expect(
      pool.evaluate({
        thetas,
        members: 40,
        batch,
        outputs: 4,
        between: (n) => {
          handed.push(n);
          if (n > 0) throw stop;
        },
      }),
    ).rejects.toBe(stop);
    expect(handed[0]).toBe(0);
    expect(handed.filter((n) => n > 0).length).toBeGreaterThan(0);
    expect((await pool.evaluate({ thetas, members: 40, batch, outputs: 4 })).length).toBe(160);
    await pool.close();
  });

  it("a model that throws in a worker ends the fit as CALLBACK_FAILED naming the module's model, the worker's error as cause", async () => {
    for (const workers of [2, 0]) {
      const pool = createMemberPool({ module, export: 'broken', workers });
      const err = (await createEnKFTrainer({ ensembleSize: 8, epochs: 5, batchSize: 30, seed: 1, pool })
        .fit(build('model'), data)
        .catch((e: unknown) => e)) as PhaseflowError;
      expect(err.code).toBe('CALLBACK_FAILED');
      expect(err.details.callback).toBe(`${module.href}#broken`);
      expect(err.message).toContain('broken model');
      expect((err.cause as Error).name).toBe('RangeError');
      expect((err.partial as EnKFHistory).status).toBe('failed');
      await pool.close();
    }
  });

  it('a factory that throws, an export that is no model, a missing export, a model of another size: coded errors', async () => {
    const thetas = new Float64Array(2 * 27);
    const job = { thetas, members: 2, batch: { x: new Float64Array(2), rows: 1, cols: 2 }, outputs: 2 };
    for (const workers of [1, 0]) {
      const cases = [
        ['throwsOnBuild', { code: 'CALLBACK_FAILED', details: { callback: `${module.href}#throwsOnBuild` } }],
        ['notAModel', { code: 'INVALID_ARGUMENT', details: { argument: 'options.module' } }],
        ['missing', { code: 'INVALID_ARGUMENT', details: { argument: 'options.export' } }],
      ] as const;
      for (const [name, expected] of cases) {
        const pool = createMemberPool({ module, export: name, workers });
        await expect(pool.evaluate(job)).rejects.toMatchObject(expected);
        await pool.close();
      }
      const pool = createMemberPool({ module, workers });
      await expect(pool.evaluate({ ...job, thetas: new Float64Array(2 * 26) })).rejects.toMatchObject({
        code: 'SHAPE_MISMATCH',
        details: { argument: 'job.thetas' },
      });
      await expect(pool.evaluate({ ...job, outputs: 3 })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH', details: { argument: 'model output' } });
      await pool.close();
    }
    expect(() => createMemberPool({ module: 'model.mjs' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ argument: 'options.module' }) }),
    );
    const pool = createMemberPool({ module, workers: 0 });
    expect(() => createEnKFTrainer({ pool, output: (o) => o as ArrayLike<number> })).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ argument: 'options.pool' }) }),
    );
    expect(() => createEnKFTrainer({ pool: { name: 'trial-pool' } as never })).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ argument: 'options.pool' }) }),
    );
  });

  it('close() stops the workers: a closed pool refuses evaluations, and closing twice is harmless', async () => {
    const pool = createMemberPool({ module, workers: 2 });
    const job = { thetas: new Float64Array(3 * 27), members: 3, batch: { x: new Float64Array(2), rows: 1, cols: 2 }, outputs: 2 };
    expect((await pool.evaluate(job)).length).toBe(6);
    await pool.close();
    await expect(pool.evaluate(job)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await pool.close();
    // Closing mid-evaluation ends the evaluation (INVALID_STATE) instead of leaving it waiting:
    // while the workers load, and once runs of members are in flight.
    const loading = createMemberPool({ module, workers: 2 });
    const early = expect(loading.evaluate(job)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await loading.close();
    await early;
    const slow = createMemberPool({ module, export: 'slow', workers: 2 });
    let closing: Promise<void> | undefined;
    const pending = slow.evaluate({
      ...job,
      thetas: new Float64Array(400 * 27),
      members: 400,
      between: (handed) => {
        if (handed > 0) closing ??= Promise.resolve().then(() => slow.close());
      },
    });
    await expect(pending).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await closing;
  });
});
