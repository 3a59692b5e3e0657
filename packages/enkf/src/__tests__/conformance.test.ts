import * as tf from '@tensorflow/tfjs';
import type { Layer } from '@phaseflow/core';
import { moons, oneHot } from '@phaseflow/datasets';
import { createMlp64 } from '@phaseflow/nn64';
import { asLayer, createMlp } from '@phaseflow/tfjs';
import { trainerConformance } from '@phaseflow/testkit/vitest';
import { createEnKFTrainer, type Batch } from '@phaseflow/enkf';

// The training contract every phaseflow Trainer keeps, checked by the testkit: on a Float64
// MLP (nn64), and on a tfjs model through @phaseflow/tfjs's parametric view with the tensor
// count as the resource that must not grow on any path.
await tf.setBackend('cpu');

const set = moons({ n: 100, noise: 0.1, seed: 1 });
const data = { inputs: set.x, targets: oneHot(set), samples: set.n };
const mlp = () => createMlp64({ sizes: [2, 4, 2], output: 'softmax', seed: 2, distribution: 'normal' });
/** A parametric layer whose forward pass throws (no forwardEnsemble, so the trainer calls forward). */
const failing = (): Layer<Batch, Float64Array> => {
  const net = mlp();
  return {
    name: 'failing',
    forward: () => {
      throw new Error('forward failed');
    },
    parameters: { size: net.parameters.size, get: (o) => net.parameters.get(o), set: (v) => net.parameters.set(v) },
  };
};

trainerConformance(createEnKFTrainer({ ensembleSize: 8, epochs: 2, batchSize: 50, seed: 1 }), {
  model: mlp,
  data,
  failingModel: failing,
  // 10 000 epochs of 5 iterations of 16 members × 20 samples: minutes, unless the abort lands.
  long: { trainer: createEnKFTrainer({ ensembleSize: 16, batchSize: 20, epochs: 10_000, seed: 1 }) },
});
trainerConformance(createEnKFTrainer({ method: 'hlr', ensembleSize: 6, epochs: 2, batchSize: 50, seed: 1 }), { model: mlp, data });

const models = new WeakMap<object, tf.LayersModel>();
const toTensor = (b: Batch) => tf.tensor2d(Float32Array.from(b.x), [b.rows, b.cols]);
trainerConformance(createEnKFTrainer<tf.Tensor, tf.Tensor>({ ensembleSize: 6, epochs: 2, batchSize: 50, seed: 1, input: toTensor }), {
  model: () => {
    const model = createMlp({ inputs: 2, hidden: [4], outputs: 2, seed: 3 });
    const layer = asLayer(model);
    models.set(layer, model);
    return layer;
  },
  dispose: (layer) => models.get(layer)?.dispose(),
  data,
  resources: { name: 'tensors', count: () => tf.memory().numTensors },
});
