import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBestBackend } from '@phaseflow/tfjs';
import { fitSpiral } from '../spiral-fit.js';

describe('the spiral experiment', () => {
  beforeAll(async () => {
    await useBestBackend();
  });

  it('fitSpiral (torchdiffeq recipe, cube features, Float64 engine) lowers the window loss and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const fit = await fitSpiral({ iterations: 150, n: 200, trainFraction: 0.5, seed: 1 });
    expect(fit.finalLoss).toBeLessThan(0.5 * fit.losses[0]!);
    expect(Number.isFinite(fit.extrapolationMse)).toBe(true);
    fit.ode.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
