import * as tf from '@tensorflow/tfjs';
import { createRandom } from '@phaseflow/core';
import { createRiemannianTrainer, createSO, type RiemannianModel } from '@phaseflow/lie';
import { OrthogonalDense, type OrthogonalMapName } from '@phaseflow/lie/tfjs';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { createGradientTrainer, loadFromMemory, saveToMemory } from '@phaseflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { orthogonality, transposed } from './tfjs-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const MAPS: OrthogonalMapName[] = ['exponential', 'cayley', 'householder'];

describe.each(MAPS)('OrthogonalDense (%s)', (map) => {
  it('has an orthogonal kernel, square and rectangular (Stiefel) alike', () => {
    for (const [inputs, units] of [
      [6, 6],
      [8, 3],
      [3, 8],
    ] as const) {
      const layer = new OrthogonalDense({ units, map, seed: 3 });
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        layer.apply(tf.zeros([2, inputs]));
      });
      const built = tf.memory().numTensors; // the weights
      const w = tf.tidy(() => layer.kernel().dataSync());
      expect(tf.memory().numTensors).toBe(built);
      expect(built).toBeGreaterThan(before);
      const d = units <= inputs ? orthogonality(w, inputs, units) : orthogonality(transposed(w, inputs, units), units, inputs);
      expect(d.max).toBeLessThan(1e-6);
      layer.dispose();
    }
  });

  it('stays orthogonal while Adam trains it (200 steps: ‖WᵀW − I‖_F ≤ 1e-5) and leaks no tensor', async () => {
    // Fit y = x·Q* for a random rotation Q* far from the start: θ must travel.
    const n = 8,
      samples = 64;
    const r = createRandom(11);
    const target = tf.tidy(() => {
      const q = tf.linalg.qr(tf.tensor2d(Float32Array.from(r.fillNormal(new Float64Array(n * n))), [n, n]))[0];
      return q;
    });
    const x = tf.tensor2d(Float32Array.from(r.fillNormal(new Float64Array(samples * n))), [samples, n]);
    const y = tf.tidy(() => tf.matMul(x, target));
    const model = tf.sequential({ layers: [new OrthogonalDense({ units: n, map, useBias: false, inputShape: [n], seed: 1 })] });
    const before = tf.memory().numTensors;
    const trainer = createGradientTrainer({ optimizer: 'adam', learningRate: 0.05, loss: 'mse', epochs: 25, batchSize: 8, seed: 2 });
    const history = await trainer.fit(model, { x, y });
    expect(tf.memory().numTensors).toBe(before);
    expect(history.loss.at(-1)!).toBeLessThan(history.loss[0]!); // 25 epochs × 8 batches = 200 steps
    const layer = model.layers[0] as OrthogonalDense;
    const d = orthogonality(
      tf.tidy(() => layer.kernel().dataSync()),
      n,
    );
    expect(d.frobenius).toBeLessThan(1e-5);
    tf.dispose([target, x, y]);
    model.dispose();
  });

  it('saves and loads (θ is stored; the loaded layer gives the same outputs)', async () => {
    const model = tf.sequential({ layers: [new OrthogonalDense({ units: 4, map, activation: 'tanh', inputShape: [5], seed: 9 })] });
    const x = tf.tensor2d(Float32Array.from(createRandom(1).fillNormal(new Float64Array(15))), [3, 5]);
    const artifacts = await saveToMemory(model);
    const copy = await loadFromMemory(artifacts);
    expect(copy.layers[0]).toBeInstanceOf(OrthogonalDense);
    expect((copy.layers[0] as OrthogonalDense).map).toBe(map);
    const [a, b] = tf.tidy(() => [(model.predict(x) as tf.Tensor).dataSync(), (copy.predict(x) as tf.Tensor).dataSync()]);
    expect(Array.from(b!)).toEqual(Array.from(a!));
    tf.dispose(x);
    model.dispose();
    copy.dispose();
  });
});

describe('a tf layer’s kernel under the Riemannian trainer', () => {
  it('trains a tf.layers.dense kernel on SO(4) (Float64 steps, float32 copies): it stays a rotation and fits', async () => {
    const n = 4;
    const r = createRandom(6);
    const target = createSO(n).sample(r);
    const xs = r.fillNormal(new Float64Array(32 * n));
    const x = tf.tensor2d(Float32Array.from(xs), [32, n]);
    const y = tf.tidy(() => tf.matMul(x, tf.tensor2d(Float32Array.from(target), [n, n])));
    const layer = tf.layers.dense({ units: n, useBias: false, inputShape: [n] });
    const model = tf.sequential({ layers: [layer] });
    const kernel = layer.trainableWeights[0]!;
    const value = createSO(n).identity();
    const copy = () =>
      tf.tidy(() => {
        kernel.write(tf.tensor2d(Float32Array.from(value), [n, n]));
      });
    const before = tf.memory().numTensors;
    const riemannian: RiemannianModel<null> = {
      name: 'dense kernel',
      weights: [{ name: 'kernel', rows: n, cols: n, value }],
      lossAndGradient(_, [g]) {
        copy();
        return tf.tidy(() => {
          const { value: loss, grads } = tf.variableGrads(
            () => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar,
            [kernel.read() as tf.Variable],
          );
          g!.set(Object.values(grads)[0]!.dataSync());
          return loss.dataSync()[0]!;
        });
      },
      afterStep: copy,
    };
    const history = await createRiemannianTrainer<null>({ optimizer: 'adam', retraction: 'cayley', learningRate: 0.05, epochs: 300 }).fit(riemannian, [null]);
    expect(tf.memory().numTensors).toBe(before);
    expect(history.loss.at(-1)!).toBeLessThan(1e-6);
    expect(
      orthogonality(
        tf.tidy(() => kernel.read().dataSync()),
        n,
      ).max,
    ).toBeLessThan(1e-6);
    expect(Math.max(...history.metrics.defect)).toBeLessThan(1e-13);
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('OrthogonalDense', () => {
  it('is a core parametric Layer: forward leaves nothing behind, θ has n(n−1)/2 or k·n entries', () => {
    const layer = new OrthogonalDense({ units: 5, useBias: false, seed: 1 });
    const x = tf.ones([2, 5]);
    layer.forward(x).dispose();
    const before = tf.memory().numTensors;
    layer.forward(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(layer.parameters.size).toBe(10);
    const hh = new OrthogonalDense({ units: 5, map: 'householder', reflections: 2, useBias: false });
    hh.forward(x).dispose();
    expect(hh.parameters.size).toBe(10);
    // Norm preservation: ‖x·W‖ = ‖x‖ for square W.
    const norms = tf.tidy(() => [tf.norm(x, 'euclidean', 1).dataSync(), tf.norm(layer.forward(x), 'euclidean', 1).dataSync()]);
    expect(norms[1]![0]).toBeCloseTo(norms[0]![0]!, 5);
    tf.dispose(x);
  });
  it('rejects bad arguments', () => {
    expectPhaseflowError(() => new OrthogonalDense({ units: 0 }), 'INVALID_ARGUMENT', 'args.units');
    expectPhaseflowError(() => new OrthogonalDense({ units: 3, map: 'qr' as OrthogonalMapName }), 'INVALID_ARGUMENT', 'args.map');
    expectPhaseflowError(() => new OrthogonalDense({ units: 3, map: 'householder', init: 'henaff' }), 'INVALID_ARGUMENT', 'args.init');
    expectPhaseflowError(() => new OrthogonalDense({ units: 3, reflections: 2 }), 'INVALID_ARGUMENT', 'args.reflections');
    expectPhaseflowError(() => new OrthogonalDense({ units: 3, kernel: 1 } as never), 'UNKNOWN_OPTION');
    expectPhaseflowError(() => new OrthogonalDense({ units: 3 }).kernel(), 'INVALID_STATE', 'layer');
  });
});
