import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Layer } from '@phaseflow/core';
import { moons, oneHot } from '@phaseflow/datasets';
import { PhaseflowDense, asLayer, createMlp } from '@phaseflow/tfjs';
import { classificationAccuracy, createEnKFTrainer, type Batch } from '@phaseflow/enkf';

// tfjs models through @phaseflow/tfjs: `asLayer` / `PhaseflowDense` give the parametric view
// (θ over trainableWeights) and a batched `forwardEnsemble`; the trainer must read tensor
// outputs, dispose them and the tensor inputs it made, and leak nothing.
const toTensor = (b: Batch) => tf.tensor2d(Float32Array.from(b.x), [b.rows, b.cols]);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// y = 2 x₁ − x₂ + 0.5
const n = 40;
const x = Float64Array.from({ length: 2 * n }, (_, i) => Math.sin(1 + i * 0.7));
const y = Float64Array.from({ length: n }, (_, i) => 2 * x[2 * i]! - x[2 * i + 1]! + 0.5);

describe('a tfjs model', () => {
  it('createMlp + asLayer: trains through the parametric view and forwardEnsemble without leaking tensors', async () => {
    const model = createMlp({ inputs: 2, hidden: [], outputs: 1, outputActivation: 'linear', seed: 1 });
    const layer = asLayer(model);
    expect(typeof layer.parameters.forwardEnsemble).toBe('function');
    const before = tf.memory().numTensors;
    const trainer = createEnKFTrainer<tf.Tensor, tf.Tensor>({ ensembleSize: 8, epochs: 30, noise: 0.01, init: { std: 1 }, seed: 2, input: toTensor });
    const h = await trainer.fit(
      layer,
      { inputs: x, targets: y, samples: n },
      { validation: { inputs: x, targets: y.map((v) => (v > 0.5 ? 1 : 0)), samples: n } },
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(h.mean).map((v) => +v.toFixed(2))).toEqual([2, -1, 0.5]);
    model.dispose();
  });

  it('batched forwardEnsemble and the set + forward fallback give the same run (PhaseflowDense)', async () => {
    const build = () =>
      tf.sequential({
        layers: [new PhaseflowDense({ units: 4, activation: 'tanh', inputShape: [2], seed: 1 }), new PhaseflowDense({ units: 1, seed: 2 })],
      });
    const a = build();
    const b = build();
    const batched = asLayer(a);
    const inner = asLayer(b);
    const looped: Layer<tf.Tensor, tf.Tensor> = {
      name: 'looped',
      forward: (t) => inner.forward(t),
      parameters: { size: inner.parameters.size, get: (o) => inner.parameters.get(o), set: (v) => inner.parameters.set(v) },
    };
    const before = tf.memory().numTensors;
    const opts = { ensembleSize: 6, epochs: 3, batchSize: 20, noise: 0.1, seed: 4, input: toTensor };
    const ha = await createEnKFTrainer<tf.Tensor, tf.Tensor>(opts).fit(batched, { inputs: x, targets: y, samples: n });
    const hb = await createEnKFTrainer<tf.Tensor, tf.Tensor>(opts).fit(looped, { inputs: x, targets: y, samples: n });
    expect(tf.memory().numTensors).toBe(before);
    // float32 batched matmuls and per-member matmuls agree to rounding.
    Array.from(hb.mean).forEach((v, i) => expect(v).toBeCloseTo(ha.mean[i]!, 4));
    a.dispose();
    b.dispose();
  });

  it('two moons with a tfjs MLP (createMlp, tanh) trained by EKI: ≥ 97 %', async () => {
    const trainSet = moons({ n: 400, noise: 0.1, seed: 1 });
    const testSet = moons({ n: 1000, noise: 0.1, seed: 2 });
    const model = createMlp({ inputs: 2, hidden: [16], outputs: 2, seed: 3 });
    const before = tf.memory().numTensors;
    const trainer = createEnKFTrainer<tf.Tensor, tf.Tensor>({
      ensembleSize: 50,
      epochs: 30,
      batchSize: 100,
      noise: 0.1,
      init: { std: 0.5 },
      seed: 1,
      input: toTensor,
    });
    await trainer.fit(asLayer(model), { inputs: trainSet.x, targets: oneHot(trainSet), samples: trainSet.n });
    expect(tf.memory().numTensors).toBe(before);
    const pred = tf.tidy(() => (model.predict(toTensor({ x: testSet.x, rows: testSet.n, cols: 2 })) as tf.Tensor).dataSync());
    expect(classificationAccuracy(pred, oneHot(testSet), testSet.n)).toBeGreaterThanOrEqual(0.97);
    model.dispose();
  });
});
