import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PhaseflowDense, createGradientTrainer, useBestBackend } from '@phaseflow/tfjs';

beforeAll(async () => {
  await useBestBackend();
});

describe('createGradientTrainer: targets of a custom loss', () => {
  const x = Array.from({ length: 64 }, (_, i) => [Math.cos(i), Math.sin(3 * i)]);
  const labels = Int32Array.from(x, ([a, b]) => (a! + 0.5 * b! > 0 ? 1 : 0));

  it("a custom loss sees class labels as a 1-D tensor with targets: 'labels', and as n × 1 rows by default", async () => {
    const shapes: number[][] = [];
    const sparseCe = (t: tf.Tensor, p: tf.Tensor) => {
      shapes.push(t.shape);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(tf.reshape(t, [-1]), 'int32'), 2), p) as tf.Scalar;
    };
    const layer = new PhaseflowDense({ units: 2, seed: 3 });
    const before = tf.memory().numTensors;
    await createGradientTrainer({ loss: sparseCe, targets: 'labels', epochs: 1, batchSize: 64 }).fit(layer, { x, y: labels });
    expect(shapes.at(-1)).toEqual([64]);
    await createGradientTrainer({ loss: sparseCe, epochs: 1, batchSize: 64 }).fit(layer, { x, y: labels });
    expect(shapes.at(-1)).toEqual([64, 1]);
    expect(tf.memory().numTensors).toBe(before + 2); // the layer's kernel and bias
    layer.dispose();
  });

  it('rejects targets that contradict a named loss, and unknown kinds', () => {
    expect(() => createGradientTrainer({ loss: 'mse', targets: 'labels' })).toThrow(/options.targets: expected "rows"/);
    expect(() => createGradientTrainer({ targets: 'classes' as never })).toThrow(/options.targets/);
  });
});
