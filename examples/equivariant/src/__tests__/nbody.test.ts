import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { runNbodyRollout } from '../nbody.js';

describe('N-body rollout', () => {
  it('rolls an EGNN out on its own predictions: the rollout of a moved system is the moved rollout (float32), no leaks', async () => {
    const before = tf.memory().numTensors;
    const r = await runNbodyRollout({ seed: 3, train: 6, test: 4, epochs: 1, layers: 2, hidden: 8, startFrame: 4, steps: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.frames).toEqual([3, 4, 5, 6, 7]);
    for (const series of [r.truth, r.egnn, r.constantVelocity]) expect(series.length).toBe(4 * 5 * 5 * 3);
    // The first two frames are the given initial condition in every series.
    expect(r.egnn.subarray(0, 30)).toEqual(r.truth.subarray(0, 30));
    expect(r.constantVelocity.subarray(0, 30)).toEqual(r.truth.subarray(0, 30));
    expect(r.mse.egnn).toHaveLength(3);
    expect(r.mse.constantVelocity.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    expect(r.equivarianceError).toBeLessThan(1e-5);
    expect(r.equivarianceError).toBeGreaterThan(0);
  });

  it('refuses bad options with coded errors', async () => {
    await expect(runNbodyRollout({ steps: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { argument: 'options.steps' } });
    await expect(runNbodyRollout({ frames: 3 } as never)).rejects.toMatchObject({ code: 'UNKNOWN_OPTION' });
  });
});
