import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isPhaseflowError } from '@phaseflow/core';
import { createMlp64 } from '@phaseflow/nn64';
import { createGaussLegendre4 } from '@phaseflow/symplectic';
import { loadFromMemory, saveToMemory, useBestBackend } from '@phaseflow/tfjs';
import { jacobian, symplecticDefect } from '@phaseflow/testkit';
import {
  HamiltonianNN,
  SympNet,
  energyMse,
  rolloutHamiltonian,
  rolloutHamiltonianBatch,
  rolloutVectorField,
  rolloutVectorFieldBatch,
} from '@phaseflow/hamiltonian-nets';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return isPhaseflowError(e) ? { code: e.code, details: e.details } : { code: String(e) };
  }
  return { code: 'none' };
};

describe('Hamiltonian networks', () => {
  beforeAll(async () => {
    await useBestBackend();
  });

  it('saves and loads both layers (same outputs after the round trip)', async () => {
    const x = tf.tensor2d([
      [0.4, -0.3],
      [1, 0.2],
    ]);
    for (const layer of [new HamiltonianNN({ hidden: [6], inputShape: [2] }), new SympNet({ kind: 'LA', layers: 2, inputShape: [2] })]) {
      const model = tf.sequential({ layers: [layer] });
      const copy = await loadFromMemory(await saveToMemory(model));
      const a = model.predict(x) as tf.Tensor,
        b = copy.predict(x) as tf.Tensor;
      expect(Math.max(...(tf.tidy(() => tf.abs(tf.sub(a, b)).max()).dataSync() as Float32Array))).toBe(0);
      expect(copy.layers[0]!.getClassName()).toBe(layer.getClassName());
      tf.dispose([a, b]);
      model.dispose();
      copy.dispose();
    }
    x.dispose();
  });

  it('SympNets are symplectic by construction (MᵀJM = J) and the float32 map matches Float64', () => {
    for (const kind of ['LA', 'G'] as const) {
      const net = new SympNet({ kind, layers: 3, width: 8, seed: 2 });
      const x = tf.tensor2d([[0.3, -0.7, 0.2, 0.5]]);
      const y = net.forward(x);
      const map = net.toFloat64();
      const y64 = map(Float64Array.of(0.3, -0.7, 0.2, 0.5));
      const y32 = y.dataSync();
      for (let i = 0; i < 4; i++) expect(Math.abs(y32[i]! - y64[i]!)).toBeLessThan(1e-5);
      expect(symplecticDefect(jacobian(map, Float64Array.of(0.3, -0.7, 0.2, 0.5)))).toBeLessThan(1e-9);
      tf.dispose([x, y]);
      net.dispose();
    }
  });

  it('HNN: the vector field is J∇H (float32 vs Float64) and its symplectic rollout conserves H_θ', () => {
    const hnn = new HamiltonianNN({ hidden: [16, 16], seed: 4 });
    const x = tf.tensor2d([
      [0.3, -0.5],
      [1.1, 0.2],
    ]);
    const f = hnn.forward(x);
    const H = hnn.toFloat64();
    const f64 = [H.vectorField([0.3, -0.5]), H.vectorField([1.1, 0.2])];
    const f32 = f.arraySync() as number[][];
    for (let r = 0; r < 2; r++) for (let i = 0; i < 2; i++) expect(Math.abs(f32[r]![i]! - f64[r]![i]!)).toBeLessThan(1e-5 * (1 + Math.abs(f64[r]![i]!)));
    const path = rolloutHamiltonian(H, [1, 0], { dt: 0.1, steps: 100 });
    const drift = energyMse(
      (y) => H.energy(y),
      path,
      Float64Array.from({ length: path.length }, (_, i) => path[i % 2]!),
      2,
    );
    expect(drift).toBeLessThan(1e-10);
    tf.dispose([x, f]);
    hnn.dispose();
  });

  it('batched rollouts are the single rollouts, state by state, and the energy metric is (1/N) Σ (H(ŷᵢ) − H(yᵢ))²', () => {
    const hnn = new HamiltonianNN({ hidden: [8], seed: 5 });
    hnn.forward(tf.zeros([1, 2])).dispose();
    const H = hnn.toFloat64();
    const initials = [
      [1, 0],
      [0.2, -0.6],
    ];
    const batch = rolloutHamiltonianBatch(hnn.toMlp64(), initials, { dt: 0.1, steps: 20 });
    initials.forEach((y0, b) => {
      const one = rolloutHamiltonian(H, y0, { dt: 0.1, steps: 20, integrator: createGaussLegendre4({ tolerance: 1e-10 }) as never });
      for (let i = 0; i < one.length; i++) expect(Math.abs(batch[b]![i]! - one[i]!)).toBeLessThan(1e-9);
    });
    const field = createMlp64({ sizes: [2, 6, 2], seed: 1 });
    const f = (y: Float64Array) => field.forward({ x: y, rows: 1, cols: 2 });
    const paths = rolloutVectorFieldBatch(field, initials, { dt: 0.1, steps: 10 });
    initials.forEach((y0, b) => expect(Array.from(paths[b]!)).toEqual(Array.from(rolloutVectorField(f, y0, { dt: 0.1, steps: 10 }))));
    expect(energyMse((y) => y[0]! ** 2, [1, 0, 2, 0], [0, 0, 0, 0], 2)).toBe(8.5);
    expect(code(() => energyMse((y) => y[0]!, [1, 2, 3], [1, 2], 1)).code).toBe('SHAPE_MISMATCH');
    expect(code(() => rolloutHamiltonianBatch(field, initials, { dt: 0.1, steps: 1 })).code).toBe('INVALID_ARGUMENT');
    hnn.dispose();
  });
});
