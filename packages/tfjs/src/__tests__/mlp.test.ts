import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '@phaseflow/core';
import { PhaseflowDense, SMOOTH_ACTIVATIONS, createMlp, mlpForward, mlpInputGradient, mlpWeightShapes, useBestBackend } from '@phaseflow/tfjs';

beforeAll(async () => {
  await useBestBackend();
});

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('the tensor MLP', () => {
  it('createMlp draws Glorot-uniform kernels layer by layer from createRandom(seed), as PhaseflowDense draws its kernel', () => {
    const model = createMlp({ inputs: 3, hidden: [5, 4], outputs: 2, seed: 7 });
    const rng = createRandom(7);
    const widths = [3, 5, 4, 2];
    model.layers.forEach((layer, i) => {
      const [W, b] = layer.getWeights();
      const a = widths[i]!,
        c = widths[i + 1]!;
      const limit = Math.sqrt(6 / (a + c));
      expect(Array.from(W!.dataSync())).toEqual(Array.from(Float32Array.from(rng.fillUniform(new Float64Array(a * c), -limit, limit))));
      expect(Array.from(b!.dataSync())).toEqual(new Array(c).fill(0));
    });
    const single = createMlp({ inputs: 3, hidden: [], outputs: 4, seed: 2 });
    const dense = tf.sequential({ layers: [new PhaseflowDense({ units: 4, inputShape: [3], seed: 2 })] });
    const [k1] = single.layers[0]!.getWeights(),
      [k2] = dense.layers[0]!.getWeights();
    expect(maxDiff(k1!, k2!)).toBe(0);
    single.dispose();
    dense.dispose();
    model.dispose();
  });

  it("mlpForward with a model's weights is the model (linear output) and leaks nothing", () => {
    const model = createMlp({ inputs: 2, hidden: [8, 8], outputs: 3, outputActivation: 'linear', seed: 1 });
    const x = tf.tensor2d([
      [0.3, -0.2],
      [1, 0.5],
      [-0.7, 0.1],
    ]);
    const ws = model.getWeights();
    expect(ws.map((w) => w.shape)).toEqual(mlpWeightShapes([2, 8, 8, 3]));
    const before = tf.memory().numTensors;
    const y = tf.tidy(() => mlpForward(x, ws, 'tanh'));
    const ref = model.predict(x) as tf.Tensor;
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(maxDiff(y, ref)).toBeLessThan(1e-6);
    tf.dispose([y, ref, x]);
    model.dispose();
  });

  it('mlpInputGradient is ∇ₓ of the scalar network and is itself differentiable in the weights', () => {
    const x = tf.tensor2d([
      [0.3, -0.2],
      [1, 0.5],
      [-0.7, 0.1],
    ]);
    for (const act of SMOOTH_ACTIVATIONS) {
      const model = createMlp({ inputs: 2, hidden: [6, 5], outputs: 1, outputActivation: 'linear', seed: 3 });
      const ws = model.getWeights();
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const { value, grad } = mlpInputGradient(x, ws, act);
        const auto = tf.grad((xx: tf.Tensor) => tf.sum(mlpForward(xx, ws, act)))(x);
        expect(maxDiff(grad, auto)).toBeLessThan(1e-5);
        expect(maxDiff(value, mlpForward(x, ws, act))).toBe(0);
        // ∂/∂θ of ‖∇ₓs‖² exists and is finite (the HNN objective differentiates ∇ₓs once more);
        // the output bias does not enter ∇ₓs.
        const last = ws.at(-1)!;
        const gw = tf.grads((...w: tf.Tensor[]) => tf.sum(tf.square(mlpInputGradient(x, [...w, last], act).grad)))(ws.slice(0, -1));
        for (const g of gw) expect(Number.isFinite(tf.sum(g).dataSync()[0]!)).toBe(true);
      });
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    }
    x.dispose();
  });
});
