import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { massSpringSystem } from '@phaseflow/datasets';
import { useBestBackend } from '@phaseflow/tfjs';
import { compareHamiltonianModels } from '../compare.js';

describe('the HNN experiment', () => {
  beforeAll(async () => {
    await useBestBackend();
  });

  it('compareHamiltonianModels runs the paper protocol end to end (small) and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const r = await compareHamiltonianModels(massSpringSystem(), {
      hidden: [16, 16],
      iterations: 40,
      checkpoints: [20, 40],
      tests: 2,
      horizon: 4,
      dt: 0.2,
      trajectories: 5,
      seed: 2,
    });
    expect(r.checkpoints.map((c) => c.iteration)).toEqual([20, 40]);
    expect(r.checkpoints[1]!.hnnPerTest.length).toBe(2);
    for (const v of [r.hnnEnergyMse, r.baselineEnergyMse, r.hnnLoss, r.baselineLoss]) expect(Number.isFinite(v)).toBe(true);
    expect(r.hnn.length).toBe(r.truth.length);
    expect(r.engine).toBe('nn64');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the float32 engine and the tfjs loop follow the same training path (same weights, same full batches)', async () => {
    const options = { hidden: [8, 8], iterations: 30, tests: 1, horizon: 2, dt: 0.2, trajectories: 4, seed: 3 };
    const a = await compareHamiltonianModels(massSpringSystem(), options);
    const b = await compareHamiltonianModels(massSpringSystem(), { ...options, engine: 'tfjs' });
    expect(b.engine).toBe('tfjs');
    expect(Math.abs(a.hnnLoss - b.hnnLoss) / b.hnnLoss).toBeLessThan(1e-3);
    expect(Math.abs(a.baselineLoss - b.baselineLoss) / b.baselineLoss).toBeLessThan(1e-3);
  });
});
