import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Layer, ParametricView } from '@phaseflow/core';
import { createEnKFTrainer, type Batch } from '@phaseflow/enkf';

// A tfjs model behind a hand-written parametric view (get/setWeights): the trainer must read
// tensor outputs, dispose them and the tensor inputs it made, and leak nothing.
describe('a tfjs model', () => {
  it('trains through the parametric view without leaking tensors', async () => {
    await tf.setBackend('cpu');
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros' })] });
    const shapes = model.getWeights().map((w) => w.shape);
    const sizes = model.getWeights().map((w) => w.size);
    const P = sizes.reduce((a, b) => a + b, 0);
    const view: ParametricView<tf.Tensor, tf.Tensor> = {
      size: P,
      get(out) {
        const theta = out ?? new Float64Array(P);
        let k = 0;
        for (const w of model.getWeights()) for (const v of w.dataSync()) theta[k++] = v;
        return theta;
      },
      set(theta) {
        let k = 0;
        const ws = shapes.map((s, i) => tf.tensor(Array.from({ length: sizes[i]! }, () => theta[k++]!), s));
        model.setWeights(ws);
        tf.dispose(ws);
      },
    };
    const layer: Layer<tf.Tensor, tf.Tensor> = { name: 'tfjs-dense', forward: (x) => model.predict(x) as tf.Tensor, parameters: view };
    // y = 2 x₁ − x₂ + 0.5
    const n = 40;
    const x = Float64Array.from({ length: 2 * n }, (_, i) => Math.sin(1 + i * 0.7));
    const y = Float64Array.from({ length: n }, (_, i) => 2 * x[2 * i]! - x[2 * i + 1]! + 0.5);
    const before = tf.memory().numTensors;
    const trainer = createEnKFTrainer<tf.Tensor, tf.Tensor>({
      ensembleSize: 8, epochs: 30, noise: 0.01, init: { std: 1 }, seed: 2, input: (b: Batch) => tf.tensor2d(Float32Array.from(b.x), [b.rows, b.cols]),
    });
    const h = await trainer.fit(layer, { x, y, samples: n }, { validation: { x, y: y.map((v) => (v > 0.5 ? 1 : 0)), samples: n } });
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(h.mean).map((v) => +v.toFixed(2))).toEqual([2, -1, 0.5]);
    model.dispose();
  });
});
