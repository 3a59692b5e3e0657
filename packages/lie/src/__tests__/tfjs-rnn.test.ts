import * as tf from '@tensorflow/tfjs';
import { createRandom } from '@phaseflow/core';
import { OrthogonalRnn, createExpRnn, createHouseholderRnn, modRelu, recurrence, type OrthogonalRnnArgs, type RecurrentActivation } from '@phaseflow/lie/tfjs';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { loadFromMemory, saveToMemory } from '@phaseflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { orthogonality } from './tfjs-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const randomTensor = (shape: number[], seed: number, std = 1) =>
  tf.tensor(Float32Array.from(createRandom(seed).fillNormal(new Float64Array(shape.reduce((a, b) => a * b, 1)), 0, std)), shape);

/** The recurrence written plainly, op by op, for tf's autodiff to differentiate. */
function reference(layer: OrthogonalRnn, x: tf.Tensor, act: RecurrentActivation): tf.Tensor {
  const [theta, U, b] = layer.trainableWeights.map((w) => w.read());
  const W = layer.parametrization.matrix(theta!);
  const [B, T] = x.shape as [number, number, number];
  let h: tf.Tensor = tf.zeros([B, layer.units]);
  const hs: tf.Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const xt = tf.squeeze(tf.slice(x, [0, t, 0], [B, 1, -1]), [1]);
    const z = tf.add(tf.matMul(h as tf.Tensor2D, W), tf.matMul(xt as tf.Tensor2D, U as tf.Tensor2D));
    h = act === 'modrelu' ? modRelu(z, b!) : act === 'tanh' ? tf.tanh(tf.add(z, b!)) : tf.add(z, b!);
    hs.push(h);
  }
  return tf.stack(hs, 1);
}

const cells: [string, OrthogonalRnnArgs][] = [
  ['expRNN, modReLU', { units: 6, map: 'exponential', activation: 'modrelu' }],
  ['Householder, modReLU', { units: 6, map: 'householder', reflections: 4, activation: 'modrelu' }],
  ['Cayley, tanh', { units: 5, map: 'cayley', activation: 'tanh', init: 'haar' }],
  ['expRNN, linear', { units: 5, map: 'exponential', activation: 'linear' }],
];

describe.each(cells)('OrthogonalRnn (%s)', (_, args) => {
  it('back-propagation through time gives autodiff’s gradients of the plain recurrence', () => {
    const layer = new OrthogonalRnn({ ...args, returnSequences: true, seed: 4 });
    const x = randomTensor([3, 7, 2], 1);
    const weightOut = randomTensor([3, 7, args.units], 2);
    tf.tidy(() => {
      layer.apply(x);
    });
    const before = tf.memory().numTensors;
    const [fast, slow] = tf.tidy(() => {
      const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const ours = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, weightOut)), vars);
      const plain = tf.variableGrads(() => tf.sum(tf.mul(reference(layer, x, args.activation!), weightOut)), vars);
      expect(ours.value.dataSync()[0]).toBeCloseTo(plain.value.dataSync()[0]!, 4);
      return [vars.map((v) => ours.grads[v.name]!.dataSync()), vars.map((v) => plain.grads[v.name]!.dataSync())];
    });
    expect(tf.memory().numTensors).toBe(before);
    fast!.forEach((g, i) => {
      const ref = slow![i]!;
      let scale = 0,
        err = 0;
      for (let k = 0; k < ref.length; k++) {
        scale = Math.max(scale, Math.abs(ref[k]!));
        err = Math.max(err, Math.abs(g[k]! - ref[k]!));
      }
      expect(err / scale).toBeLessThan(1e-5);
    });
    tf.dispose([x, weightOut]);
    layer.dispose();
  });

  it('has an orthogonal recurrent kernel, saves and loads', async () => {
    const model = tf.sequential({ layers: [new OrthogonalRnn({ ...args, inputShape: [4, 3], seed: 2 })] });
    const layer = model.layers[0] as OrthogonalRnn;
    const W = tf.tidy(() => layer.recurrentKernel().dataSync());
    expect(orthogonality(W, args.units).max).toBeLessThan(1e-6);
    const x = randomTensor([2, 4, 3], 3);
    const copy = await loadFromMemory(await saveToMemory(model));
    const [a, b] = tf.tidy(() => [(model.predict(x) as tf.Tensor).dataSync(), (copy.predict(x) as tf.Tensor).dataSync()]);
    expect(Array.from(b!)).toEqual(Array.from(a!));
    expect(a).toHaveLength(2 * args.units); // the last state
    tf.dispose(x);
    model.dispose();
    copy.dispose();
  });
});

describe.each(['modrelu', 'tanh', 'linear'] as const)('recurrence (%s): the host and tensor forms', (activation) => {
  it('give the values and gradients of the plain recurrence under autodiff', () => {
    const [T, B, n] = [6, 3, 4];
    const w = randomTensor([n, n], 1, 0.6) as tf.Tensor2D;
    const u = randomTensor([T, B, n], 2);
    const b = randomTensor([n], 3, 0.3);
    const c = randomTensor([T, B, n], 4);
    const before = tf.memory().numTensors;
    const results = tf.tidy(() => {
      const plain = (wv: tf.Tensor, uv: tf.Tensor, bv: tf.Tensor) => {
        let h: tf.Tensor = tf.zeros([B, n]);
        const hs: tf.Tensor[] = [];
        for (const ut of tf.unstack(uv)) {
          const z = tf.add(tf.matMul(h as tf.Tensor2D, wv as tf.Tensor2D), ut);
          h = activation === 'modrelu' ? modRelu(z, bv) : activation === 'tanh' ? tf.tanh(tf.add(z, bv)) : tf.add(z, bv);
          hs.push(h);
        }
        return tf.stack(hs);
      };
      const run = (f: (wv: tf.Tensor, uv: tf.Tensor, bv: tf.Tensor) => tf.Tensor) => {
        const loss = (wv: tf.Tensor, uv: tf.Tensor, bv: tf.Tensor) => tf.sum(tf.mul(f(wv, uv, bv), c));
        return [
          f(w, u, b).dataSync(),
          ...tf
            .grads(loss)([w, u, b])
            .map((g) => g.dataSync()),
        ];
      };
      return [
        run(plain),
        run((wv, uv, bv) => recurrence(wv as tf.Tensor2D, uv, bv, { activation, form: 'host' })),
        run((wv, uv, bv) => recurrence(wv as tf.Tensor2D, uv, bv, { activation, form: 'tensor' })),
      ];
    });
    expect(tf.memory().numTensors).toBe(before);
    const [ref, ...forms] = results;
    for (const form of forms) {
      form!.forEach((values, k) => {
        const r = ref![k]!;
        let scale = 0,
          err = 0;
        for (let i = 0; i < r.length; i++) {
          scale = Math.max(scale, Math.abs(r[i]!));
          err = Math.max(err, Math.abs(values[i]! - r[i]!));
        }
        expect(err / scale).toBeLessThan(1e-5);
      });
    }
    tf.dispose([w, u, b, c]);
  });
});

describe('orthogonal RNN cells', () => {
  it('keep the norm of the hidden state through 500 steps (linear, no input after t = 0)', () => {
    for (const rnn of [
      createExpRnn({ units: 16, activation: 'linear', returnSequences: true, seed: 1 }),
      createHouseholderRnn({ units: 16, activation: 'linear', returnSequences: true, seed: 1 }),
    ]) {
      const T = 500;
      const x = tf.tidy(() => tf.concat([tf.ones([1, 1, 2]), tf.zeros([1, T - 1, 2])], 1));
      rnn.apply(x); // build
      tf.tidy(() => {
        rnn.trainableWeights[2]!.write(tf.zeros([16])); // no bias
      });
      const norms = tf.tidy(() => tf.norm(rnn.apply(x) as tf.Tensor, 'euclidean', 2).dataSync());
      for (let t = 1; t < T; t++) expect(Math.abs(norms[t]! / norms[0]! - 1)).toBeLessThan(1e-4);
      tf.dispose(x);
      rnn.dispose();
    }
  });
  it('modReLU is sign(z)·relu(|z| + b)', () => {
    const out = tf.tidy(() => modRelu(tf.tensor1d([-2, 0.5, 3, -0.2]), tf.tensor1d([-1, -1, -1, 0.5])).dataSync());
    expect(Array.from(out)).toEqual([-1, 0, 2, Math.fround(-0.7)]);
  });
  it('rejects bad arguments and inputs', () => {
    expectPhaseflowError(() => new OrthogonalRnn({ units: 1 }), 'INVALID_ARGUMENT', 'args.units');
    expectPhaseflowError(() => new OrthogonalRnn({ units: 4, activation: 'relu' as RecurrentActivation }), 'INVALID_ARGUMENT', 'args.activation');
    expectPhaseflowError(() => createExpRnn({ units: 4, map: 'cayley' } as never), 'INVALID_ARGUMENT', 'args.map');
    tf.tidy(() => {
      expectPhaseflowError(() => recurrence(tf.zeros([3, 3]) as tf.Tensor2D, tf.zeros([2, 1, 4]), tf.zeros([4])), 'SHAPE_MISMATCH', 'w');
      expectPhaseflowError(() => recurrence(tf.zeros([4, 4]) as tf.Tensor2D, tf.zeros([2, 4]), tf.zeros([4])), 'SHAPE_MISMATCH', 'u');
      expectPhaseflowError(
        () => recurrence(tf.zeros([4, 4]) as tf.Tensor2D, tf.zeros([2, 1, 4]), tf.zeros([4]), { form: 'gpu' as 'host' }),
        'INVALID_ARGUMENT',
        'options.form',
      );
    });
    const rnn = createHouseholderRnn({ units: 4 });
    tf.tidy(() => {
      expectPhaseflowError(() => rnn.apply(tf.zeros([2, 3])), 'SHAPE_MISMATCH', 'inputShape');
    });
  });
});
