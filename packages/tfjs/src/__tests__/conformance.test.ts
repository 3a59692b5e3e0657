import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { moons } from '@phaseflow/datasets';
import { measureAbortLatency } from '@phaseflow/testkit';
import { layerConformance, trainerConformance } from '@phaseflow/testkit/vitest';
import { PhaseflowDense, asLayer, createGradientTrainer, createMlp, useBestBackend } from '@phaseflow/tfjs';

// The Trainer and Layer contracts of the testkit, with the live tensor count as the resource
// that must not grow on any path (success, stop, abort, a throwing observer or model).
await useBestBackend();
const tensors = { name: 'tensors', count: () => tf.memory().numTensors };

const set = moons({ n: 64, noise: 0.1, seed: 1 });
const rows = Array.from({ length: set.n }, (_, i) => Array.from(set.x.subarray(2 * i, 2 * i + 2)));
const data = { inputs: rows, targets: Array.from(set.y) };
const mlp = () => createMlp({ inputs: 2, hidden: [4], outputs: 2, seed: 1 });

/** A layer that fails during training (the trainer's probe runs in inference mode). */
class FailsWhenTraining extends tf.layers.Layer {
  static className = 'FailsWhenTraining';
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    if (kwargs.training) throw new Error('layer failed in training');
    return Array.isArray(inputs) ? inputs[0]! : inputs;
  }
}
const failing = () => tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2], activation: 'softmax' }), new FailsWhenTraining({})] });

for (const optimizer of ['adam', 'momentum'] as const) {
  trainerConformance(createGradientTrainer({ optimizer, epochs: 2, batchSize: 16, seed: 1 }), {
    model: mlp,
    dispose: (m) => m.dispose(),
    data,
    fitOptions: { validation: data },
    resources: tensors,
    failingModel: failing,
    long: { trainer: createGradientTrainer({ optimizer, epochs: 100_000, batchSize: 8, seed: 1 }) },
  });
}
trainerConformance(createGradientTrainer({ loss: 'mse', epochs: 2, batchSize: 16, validationSplit: 0.25 }), {
  model: () => createMlp({ inputs: 2, hidden: [3], outputs: 1, outputActivation: 'linear', seed: 2 }),
  dispose: (m) => m.dispose(),
  data: { inputs: rows, targets: rows.map(([a, b]) => a! - b!) },
  resources: tensors,
});

const input = () => tf.tensor2d(Float32Array.of(0.5, -0.2, 0, 1.5, -1, 0.25), [3, 2]);
const float32 = { input, tolerance: 1e-5, resources: tensors };
layerConformance(asLayer(createMlp({ inputs: 2, hidden: [5], outputs: 3, seed: 3 })), float32);
layerConformance(
  asLayer(
    tf.sequential({ layers: [new PhaseflowDense({ units: 4, activation: 'tanh', inputShape: [2], seed: 1 }), new PhaseflowDense({ units: 2, seed: 2 })] }),
  ),
  float32,
);
{
  const dense = new PhaseflowDense({ units: 3, activation: 'tanh', seed: 4 });
  const x = input();
  dense.forward(x).dispose(); // built before the suite counts tensors
  x.dispose();
  layerConformance(dense, float32);
}

describe('the gradient Trainer: aborts land between batches', () => {
  it('a timer abort after 50 ms lands within ~450 ms, with no observer awaiting batch losses', async () => {
    const model = mlp();
    const before = tf.memory().numTensors;
    const m = await measureAbortLatency((signal) => createGradientTrainer({ epochs: 100_000, batchSize: 8 }).fit(model, data, { signal }), { afterMs: 50 });
    expect(m.aborted).toBe(true);
    expect(m.latencyMs).toBeLessThan(450);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
