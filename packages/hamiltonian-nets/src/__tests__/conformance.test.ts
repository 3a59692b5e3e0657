import * as tf from '@tensorflow/tfjs';
import { layerConformance } from '@phaseflow/testkit/vitest';
import { HamiltonianNN, SympNet } from '@phaseflow/hamiltonian-nets';

// The Layer contract (testkit's layerConformance) for the Hamiltonian networks, float32: a
// deterministic forward, the parametric get/set round trip, bad θ refused, no tensor left behind.
await tf.setBackend('cpu');
const input = () => tf.tensor2d(Float32Array.of(0.5, -0.2, 0.1, 0.3, -1, 0.25, 0.7, -0.4), [2, 4]);
const float32 = { input, tolerance: 1e-5, resources: { name: 'tensors', count: () => tf.memory().numTensors } };
const built = <L extends { forward(x: tf.Tensor): tf.Tensor }>(layer: L): L => {
  const x = input();
  layer.forward(x).dispose();
  x.dispose();
  return layer;
};

layerConformance(built(new HamiltonianNN({ hidden: [8], seed: 1 })), float32);
layerConformance(built(new SympNet({ kind: 'G', layers: 2, width: 4, seed: 1 })), float32);
layerConformance(built(new SympNet({ kind: 'LA', layers: 2, sublayers: 2, seed: 2 })), float32);
