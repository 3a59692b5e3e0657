import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '@phaseflow/core';
import { createMlp, readWeights } from '@phaseflow/tfjs';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { AUTO_ENGINE_MAX_PARAMETERS, chooseEngine } from '@phaseflow/nn64';
import { createEngineTrainer, engineOf, toTrainable32 } from '@phaseflow/nn64/tfjs';

const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
};

function data(n: number, seed: number) {
  const rng = createRandom(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = [rng.normal(), rng.normal()];
    rows.push(x);
    labels.push(x[0]! * x[1]! > 0 ? 1 : 0);
  }
  return { inputs: rows, targets: labels };
}

describe('@phaseflow/nn64/tfjs', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('the twin of a tfjs MLP computes its loss and gradients to float32 precision at iteration 1', () => {
    const model = createMlp({ inputs: 2, hidden: [8, 8], outputs: 3, seed: 2 });
    const d = data(16, 1);
    const x = tf.tensor2d(d.inputs);
    const labels = d.targets.map((v, i) => (v + i) % 3);
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
    tf.tidy(() => model.predict(x));
    const twin = toTrainable32(model);
    expect(twin.theta.length).toBe(readWeights(model.trainableWeights).length);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.metrics.categoricalCrossentropy(y, model.apply(x) as tf.Tensor)) as tf.Scalar, vars);
    const tfLoss = value.dataSync()[0]!;
    const tfGrad = Float32Array.from(vars.flatMap((v) => Array.from(grads[v.name]!.dataSync())));
    const p = twin.forwardTape(x.dataSync() as Float32Array, 16);
    let loss = 0;
    const gy = new Float32Array(48);
    for (let r = 0; r < 16; r++) {
      loss -= Math.log(p[3 * r + labels[r]!]!) / 16;
      for (let j = 0; j < 3; j++) gy[3 * r + j] = (1 - (j === labels[r] ? 1 / p[3 * r + j]! : 0)) / 16;
    }
    const g = new Float32Array(twin.theta.length);
    twin.backwardTape(gy, g);
    expect(Math.abs(loss - tfLoss) / tfLoss).toBeLessThan(1e-5);
    expect(relErr(g, tfGrad)).toBeLessThan(1e-5);
    tf.dispose([x, y, value, ...Object.values(grads)]);
    model.dispose();
  });

  it('createEngineTrainer trains a small model on nn64, writes the weights back and records the engine; unsupported options go to tfjs', async () => {
    const model = createMlp({ inputs: 2, hidden: [16], outputs: 2, seed: 1 });
    const before = tf.memory().numTensors;
    const h = await createEngineTrainer({ learningRate: 0.05, epochs: 15, batchSize: 32, seed: 1 }).fit(model, data(200, 2), { validation: data(100, 3) });
    expect(h.engine).toBe('nn64');
    expect(h.engineReason).toMatch(/^auto: \d+ parameters ≤ 1000000$/);
    expect(h.backend).toBe('wasm-simd');
    expect(h.metrics.validationAccuracy!.at(-1)!).toBeGreaterThan(0.85);
    // The trained weights are the model's: the model's own accuracy is the trainer's.
    const check = data(100, 3);
    const pred = tf.tidy(() => (model.predict(tf.tensor2d(check.inputs)) as tf.Tensor).argMax(-1).dataSync());
    const acc = check.targets.filter((t, i) => pred[i] === t).length / 100;
    expect(Math.abs(acc - h.metrics.validationAccuracy!.at(-1)!)).toBeLessThan(0.02);
    expect(tf.memory().numTensors).toBe(before);
    const viaTf = await createEngineTrainer({ optimizer: 'rmsprop', epochs: 1 }).fit(model, data(40, 4));
    expect(viaTf.engine).toBe('tfjs');
    expect(viaTf.engineReason).toBe("auto: the 'rmsprop' optimiser");
    expect(viaTf.backend).toBe('cpu');
    model.dispose();
  });

  it('createEngineTrainer({ threads: 2 }) trains the twin on two threads to the same weights, and says so', async () => {
    const weights = [];
    for (const threads of [1, 2] as const) {
      const model = createMlp({ inputs: 2, hidden: [96, 96], outputs: 2, seed: 1 });
      const before = tf.memory().numTensors;
      const h = await createEngineTrainer({ learningRate: 0.01, epochs: 2, batchSize: 64, seed: 1, threads }).fit(model, data(256, 2));
      expect(h.engine).toBe('nn64');
      expect(h.threads).toBe(threads);
      expect(toTrainable32(model, { threads }).threads).toBe(threads);
      weights.push(readWeights(model.trainableWeights));
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    }
    expect(weights[1]).toEqual(weights[0]);
    for (const threads of [0, 3, '2', null]) {
      expectPhaseflowError(() => createEngineTrainer({ threads: threads as never }), 'INVALID_ARGUMENT', 'options.threads');
    }
    const model = createMlp({ inputs: 2, hidden: [4], outputs: 2, seed: 1 });
    tf.tidy(() => model.predict(tf.zeros([1, 2])));
    expectPhaseflowError(() => toTrainable32(model, { threads: 4 as never }), 'INVALID_ARGUMENT', 'options.threads');
    expectPhaseflowError(() => toTrainable32(model, { workers: 2 } as never), 'UNKNOWN_OPTION');
    model.dispose();
  });

  it('chooseEngine: auto is nn64 up to the documented limit; nn64 with an unsupported model is NOT_AVAILABLE; layers without a twin are named', () => {
    expect(chooseEngine('auto', AUTO_ENGINE_MAX_PARAMETERS).engine).toBe('nn64');
    expect(chooseEngine('auto', AUTO_ENGINE_MAX_PARAMETERS + 1).engine).toBe('tfjs');
    expect(chooseEngine('tfjs', 10)).toEqual({ engine: 'tfjs', reason: 'engine: tfjs' });
    expectPhaseflowError(() => chooseEngine('nn64', 10, 'no twin'), 'NOT_AVAILABLE', 'engine');
    expectPhaseflowError(() => chooseEngine('gpu' as never, 10), 'INVALID_ARGUMENT');
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2], activation: 'elu' })] });
    tf.tidy(() => model.predict(tf.zeros([1, 2])));
    expect(engineOf(model)).toBe('auto');
    expectPhaseflowError(() => toTrainable32(model), 'NOT_AVAILABLE', 'model');
    model.dispose();
  });
});
