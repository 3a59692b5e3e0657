import * as tf from '@tensorflow/tfjs';
import { createRandom } from '@phaseflow/core';
import { OrthogonalRnn, createTensorParametrization, type OrthogonalMapName } from '@phaseflow/lie/tfjs';
import { useBestBackend } from '@phaseflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { orthogonality } from './tfjs-helpers.js';

beforeAll(async () => {
  await useBestBackend({ prefer: 'wasm' });
});

describe('on the wasm backend (every kernel the maps and cells use exists there)', () => {
  it.each(['exponential', 'cayley', 'householder'] as OrthogonalMapName[])('%s: W(θ) and its gradient match the Float64 reference', (map) => {
    expect(tf.getBackend()).toBe('wasm');
    const n = 6;
    const p = createTensorParametrization({ map, n });
    const theta = createRandom(3).fillNormal(new Float64Array(p.size), 0, 0.5);
    const C = createRandom(4).fillNormal(new Float64Array(n * n));
    const before = tf.memory().numTensors;
    const [w, g] = tf.tidy(() => {
      const c = tf.tensor2d(Float32Array.from(C), [n, n]);
      const t = tf.tensor(Float32Array.from(theta), [...p.shape]);
      return [
        p.matrix(t).dataSync(),
        tf
          .grad((x: tf.Tensor) => tf.sum(tf.mul(p.matrix(x), c)))(t)
          .dataSync(),
      ];
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(orthogonality(w!, n).max).toBeLessThan(1e-6);
    const ref = p.reference.backward(theta, C);
    const scale = Math.max(...Array.from(ref, Math.abs));
    ref.forEach((v, i) => expect(Math.abs(g![i]! - v) / scale).toBeLessThan(1e-5));
  });
  it('trains an expRNN and a Householder RNN (gradients finite, no tensor left)', () => {
    for (const map of ['exponential', 'householder'] as const) {
      const rnn = new OrthogonalRnn({ units: 5, map, returnSequences: true, seed: 1 });
      const x = tf.tensor3d(Float32Array.from(createRandom(1).fillNormal(new Float64Array(2 * 7 * 3))), [2, 7, 3]);
      tf.tidy(() => {
        rnn.apply(x);
      });
      const before = tf.memory().numTensors;
      const norms = tf.tidy(() => {
        const { grads } = tf.variableGrads(
          () => tf.sum(tf.square(rnn.apply(x) as tf.Tensor)),
          rnn.trainableWeights.map((w) => w.read() as tf.Variable),
        );
        return Object.values(grads).map((g) => tf.norm(g).dataSync()[0]!);
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(norms).toHaveLength(3);
      for (const v of norms) expect(Number.isFinite(v) && v > 0).toBe(true);
      tf.dispose(x);
      rnn.dispose();
    }
  });
});
