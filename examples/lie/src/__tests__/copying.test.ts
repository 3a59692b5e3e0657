import * as tf from '@tensorflow/tfjs';
import { createRandom } from '@phaseflow/core';
import { createCopyingDemo, demos } from '@phaseflow/example-lie/demos';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyingBaseline, copyingBatch, runCopyingTask } from '../copying.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('copying task', () => {
  it('has the memoryless baseline 10·ln 8/(T + 20) (0.0204 at T = 1000) and well-formed batches', () => {
    expect(copyingBaseline(1000)).toBeCloseTo(0.0204, 4);
    const { x, y } = copyingBatch(createRandom(1), 2, 5);
    const L = 25;
    expect(Array.from(x.subarray(10, 25))).toEqual([0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(y.subarray(15, 25))).toEqual(Array.from(x.subarray(0, 10)));
    expect(Array.from(y.subarray(L, L + 15)).every((v) => v === 0)).toBe(true);
  });
  it('trains each model a few iterations with every number it reports, leaving no tensor', async () => {
    const before = tf.memory().numTensors;
    for (const model of ['exprnn', 'householder', 'tanh'] as const) {
      const run = await runCopyingTask({ memory: 8, model, units: 6, batchSize: 4, iterations: 4, evaluateEvery: 2 });
      expect(run.loss).toHaveLength(4);
      expect(run.evaluation.map((e) => e.iteration)).toEqual([0, 2, 4]);
      expect(run.finalLoss).toBeGreaterThan(0);
      expect(run.accuracy).toBeGreaterThanOrEqual(0);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
  it('rejects bad options', async () => {
    await expect(runCopyingTask({ memory: 0, model: 'tanh' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { argument: 'options.memory' } });
    expect(() => createCopyingDemo({ iterations: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ argument: 'options.iterations' }) }),
    );
  });
  it('the demo draws both loss curves and the baseline', async () => {
    expect(demos.map((d) => d.name)).toEqual(['heavy-top', 'copying-task', 'lie-resnet']);
    const res = await createCopyingDemo({ memory: 6, iterations: 3, units: 4 }).run({ seed: 1, progress: () => {} });
    expect(Object.keys(res.numbers.models as object)).toEqual(['expRNN (orthogonal, modReLU)', 'tanh RNN (unconstrained)']);
    expect(res.figures.map((f) => f.name)).toEqual(['copying-loss']);
    expect(JSON.parse(JSON.stringify(res.figures[0]!.spec)).$schema).toMatch(/vega-lite\/v5/);
  });
});
