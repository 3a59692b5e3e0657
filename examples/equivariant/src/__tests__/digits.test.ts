import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '@phaseflow/tfjs';
import { describe, expect, it } from 'vitest';
import { runRotatedDigits } from '../digits.js';

describe('rotated digits, small', () => {
  it('a trained P4 CNN scores the same at 0°, 90°, 180° and 270° (it pools over C4); both models have about the same weights; no leaks', async () => {
    await useBestBackend({ prefer: 'wasm' });
    const before = tf.memory().numTensors;
    // Far too little training to classify well (this is the demo's pipeline, shrunk): the
    // point is that the trained network's answers do not change under quarter turns.
    const r = await runRotatedDigits({ seed: 1, train: 100, test: 100, epochs: 1, channels: 8, angles: [0, 90, 180, 270] });
    expect(tf.memory().numTensors).toBe(before);
    const [a0, a90, a180, a270] = r.accuracy.p4;
    expect([a90, a180, a270]).toEqual([a0, a0, a0]);
    expect(r.trainSeconds.p4).toBeGreaterThan(0);
    // Three conv layers of 8 · 8 · 9 = 576 weights (Z2) and 4 · 16 · 9 = 576 (P4) beyond the first.
    expect(Math.abs(r.parameters.z2 - r.parameters.p4) / r.parameters.z2).toBeLessThan(0.1);
  });
});
