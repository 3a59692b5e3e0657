import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { layerConformance } from '@phaseflow/testkit/vitest';
import { NeuralODE, type NeuralODEArgs } from '@phaseflow/neural-ode';

// The Layer contract (testkit's layerConformance) for NeuralODE layers, float32, on both
// engines and on the general and partitioned fields: a deterministic forward that leaves its
// input alone, the parametric get/set round trip (set(get()) keeps the map), bad θ refused with
// θ kept, and no tensor left behind by any of it.
await tf.setBackend('cpu');
const input = () => tf.tensor2d(Float32Array.of(0.5, -0.2, 0.1, 0.3, -1, 0.25, 0.7, -0.4), [2, 4]);
const float32 = { input, tolerance: 1e-5, resources: { name: 'tensors', count: () => tf.memory().numTensors } };
const built = (args: NeuralODEArgs): NeuralODE => {
  const layer = new NeuralODE({ hidden: [6], h: 0.1, seed: 1, ...args });
  const x = input();
  layer.forward(x).dispose();
  x.dispose();
  return layer;
};

for (const engine of ['tfjs', 'nn64'] as const) {
  layerConformance(built({ engine, name: `neural_ode_rk4_${engine}` }), float32);
  layerConformance(built({ engine, name: `neural_ode_dopri5_times_${engine}`, integrator: 'dopri5', adaptive: true, times: [0.5, 1] }), float32);
  layerConformance(
    built({ engine, name: `neural_ode_leapfrog_augmented_${engine}`, structure: 'partitioned', integrator: 'leapfrog', augment: 2, gradient: 'reversible' }),
    float32,
  );
}

// The contract checks that set(get()) keeps the map; this checks that set(θ′) changes it to
// θ′'s map on both engines (no engine keeps a stale copy of the weights).
describe('parameters.set moves the map to the new θ on both engines', () => {
  it('nn64 and tfjs layers given the same θ′ agree, and differ from θ', () => {
    const a = built({ engine: 'nn64', name: 'set_nn64' });
    const b = built({ engine: 'tfjs', name: 'set_tfjs' });
    const x = input();
    const y0 = tf.tidy(() => a.forward(x).dataSync());
    const theta = a.parameters.get().map((v, i) => v + 0.05 * Math.sin(i + 1));
    a.parameters.set(theta);
    b.parameters.set(theta);
    const ya = tf.tidy(() => a.forward(x).dataSync());
    const yb = tf.tidy(() => b.forward(x).dataSync());
    const gap = Math.max(...ya.map((v, i) => Math.abs(v - yb[i]!)));
    const moved = Math.max(...ya.map((v, i) => Math.abs(v - y0[i]!)));
    expect(gap).toBeLessThan(1e-5);
    expect(moved).toBeGreaterThan(1e-3);
    x.dispose();
    a.dispose();
    b.dispose();
  });
});
