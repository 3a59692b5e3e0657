import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBestBackend } from '@phaseflow/tfjs';
import { demos } from '@phaseflow/example-stable-nets/demos';
import { runToyClassification } from '../toy-classification.js';

beforeAll(async () => {
  await useBestBackend();
});

describe('toy classification runner and demos', () => {
  it('validates its options', async () => {
    await expect(runToyClassification({ data: 'moons' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(runToyClassification({ data: 'peaks', depth: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(runToyClassification({ data: 'peaks', finalTime: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(runToyClassification({ data: 'peaks', lr: 1 } as never)).rejects.toMatchObject({ code: 'UNKNOWN_OPTION' });
    await expect(runToyClassification({ data: 'peaks', fineTuneEpochs: 2 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { argument: 'options.fineTuneEpochs' },
    });
  });

  it('runs a tiny Swiss roll training with every number it reports, leaving no tensor', async () => {
    const before = tf.memory().numTensors;
    const r = await runToyClassification({
      data: 'swiss-roll',
      n: 100,
      width: 4,
      depth: 2,
      finalTime: 1,
      epochs: 2,
      batchSize: 32,
      prolong: true,
      fineTuneEpochs: 1,
      regularization: { smoothness: 0.01 },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.nTrain + r.nTest).toBe(100);
    expect(r.history.epochs).toBe(2);
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(r.prolongedTestAccuracy).toBeDefined();
    expect(r.fineTunedTestAccuracy?.length).toBe(1);
    expect(r.meanEpochMs).toBeGreaterThan(0);
    // A regularised loss is a function: the engine Trainer runs it on tfjs, and says so.
    expect(r.engine).toBe('tfjs');
    expect(r.engineReason).toBe('auto: a loss function (only the named losses)');
  });

  it('trains on the float32 engine by default and on tfjs when asked, to the same accuracy path', async () => {
    const options = { data: 'swiss-roll', n: 120, width: 4, depth: 3, finalTime: 1, epochs: 3, batchSize: 32 } as const;
    const a = await runToyClassification(options);
    const b = await runToyClassification({ ...options, engine: 'tfjs' });
    expect(a.engine).toBe('nn64');
    expect(a.backend).toBe('wasm-simd');
    expect(b.engine).toBe('tfjs');
    for (let e = 0; e < 3; e++) expect(Math.abs(a.history.loss[e]! - b.history.loss[e]!) / b.history.loss[e]!).toBeLessThan(1e-3);
  });

  it('lists the three stable demos', () => {
    expect(demos.map((d) => d.name)).toEqual(['stable-swiss-roll', 'stable-peaks', 'stable-stability']);
  });
});
