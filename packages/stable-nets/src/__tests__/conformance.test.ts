import * as tf from '@tensorflow/tfjs';
import { layerConformance } from '@phaseflow/testkit/vitest';
import { AntisymmetricBlock, HamiltonianBlock, IntegratorBlock, LeapfrogBlock, ParabolicBlock, ResNetBlock } from '@phaseflow/stable-nets';

// The Layer contract (testkit's layerConformance) for every stable block, float32: a
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

layerConformance(built(new ResNetBlock({ depth: 3, seed: 1 })), float32);
layerConformance(built(new AntisymmetricBlock({ depth: 3, seed: 1 })), float32);
layerConformance(built(new ParabolicBlock({ depth: 3, seed: 1 })), float32);
layerConformance(built(new HamiltonianBlock({ depth: 3, seed: 1 })), float32);
layerConformance(built(new LeapfrogBlock({ depth: 3, seed: 1 })), float32);
layerConformance(built(new IntegratorBlock({ depth: 2, integrator: 'rk4', seed: 1 })), float32);
layerConformance(built(new IntegratorBlock({ depth: 2, integrator: 'leapfrog', seed: 1 })), float32);
