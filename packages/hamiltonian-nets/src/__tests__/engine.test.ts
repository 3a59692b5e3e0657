import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '@phaseflow/core';
import { createEngineTrainer } from '@phaseflow/nn64/tfjs';
import { loadFromMemory, saveToMemory } from '@phaseflow/tfjs';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { HamiltonianNN, SympNet } from '@phaseflow/hamiltonian-nets';

const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
};

/** MSE loss and ∂θ at the layer's weights on both engines (the twin is made from the same weights). */
function bothEngines(layer: HamiltonianNN | SympNet, x: Float32Array, y: Float32Array, rows: number, n: number) {
  const xt = tf.tensor2d(x, [rows, n]),
    yt = tf.tensor2d(y, [rows, n]);
  tf.tidy(() => {
    layer.apply(xt);
  });
  const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(yt, layer.apply(xt) as tf.Tensor) as tf.Scalar, vars);
  // The output bias of H_θ does not reach the field: tfjs leaves its (zero) gradient out.
  const tfjs = { loss: value.dataSync()[0]!, grad: Float32Array.from(vars.flatMap((v) => Array.from(grads[v.name]?.dataSync() ?? new Float32Array(v.size)))) };
  tf.dispose([xt, yt, value, ...Object.values(grads)]);
  const twin = layer.toTrainable32();
  const out = twin.forwardTape(x, rows);
  const gy = new Float32Array(rows * n);
  let loss = 0;
  for (let i = 0; i < rows * n; i++) {
    loss += (out[i]! - y[i]!) ** 2 / (rows * n);
    gy[i] = (2 * (out[i]! - y[i]!)) / (rows * n);
  }
  const grad = new Float32Array(twin.theta.length);
  twin.backwardTape(gy, grad);
  return { tfjs, nn64: { loss, grad } };
}

describe('Hamiltonian networks on the float32 engine', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('same initial weights → the same loss and gradients at iteration 1 on nn64 and tfjs (1e-5), HNN and both SympNets', () => {
    const rng = createRandom(1);
    const cases: [string, HamiltonianNN | SympNet, number][] = [
      ['hnn tanh', new HamiltonianNN({ hidden: [16, 16], seed: 2 }), 4],
      ['hnn softplus', new HamiltonianNN({ hidden: [12], activation: 'softplus', seed: 3 }), 2],
      ['hnn sigmoid', new HamiltonianNN({ hidden: [8, 8, 8], activation: 'sigmoid', seed: 4 }), 2],
      ['sympnet G', new SympNet({ kind: 'G', layers: 3, width: 6, seed: 5 }), 4],
      ['sympnet LA', new SympNet({ kind: 'LA', layers: 3, sublayers: 3, activation: 'tanh', seed: 6 }), 4],
    ];
    for (const [label, layer, n] of cases) {
      const rows = 9;
      const x = Float32Array.from(rng.fillNormal(new Float64Array(rows * n)));
      const y = Float32Array.from(rng.fillNormal(new Float64Array(rows * n)));
      const { tfjs, nn64 } = bothEngines(layer, x, y, rows, n);
      expect(Math.abs(nn64.loss - tfjs.loss) / tfjs.loss, `${label} loss`).toBeLessThan(1e-5);
      expect(relErr(nn64.grad, tfjs.grad), `${label} gradient`).toBeLessThan(1e-5);
      layer.dispose();
    }
  });

  it('createEngineTrainer trains an HNN on nn64 by default (recorded in the history, weights written back) and on tfjs when asked', async () => {
    const rng = createRandom(2);
    const rows = 64;
    const inputs = Float32Array.from(rng.fillNormal(new Float64Array(rows * 2)));
    // The mass-spring field (p, −q).
    const targets = Float32Array.from({ length: rows * 2 }, (_, i) => (i % 2 === 0 ? inputs[i + 1]! : -inputs[i - 1]!));
    const x = tf.tensor2d(inputs, [rows, 2]),
      y = tf.tensor2d(targets, [rows, 2]);
    const losses: Record<string, number[]> = {};
    for (const engine of ['auto', 'tfjs'] as const) {
      const before = tf.memory().numTensors;
      const hnn = new HamiltonianNN({ hidden: [16], seed: 1, engine });
      const h = await createEngineTrainer({ loss: 'mse', learningRate: 0.01, epochs: 30, batchSize: 64 }).fit(hnn, { inputs: x, targets: y });
      expect(h.engine).toBe(engine === 'auto' ? 'nn64' : 'tfjs');
      expect(h.engineReason).toBe(engine === 'auto' ? 'auto: 65 parameters ≤ 1000000' : 'engine: tfjs');
      losses[engine] = h.loss;
      // The layer holds the trained weights: its own loss is the trainer's last one, roughly.
      const own = tf.tidy(() => tf.losses.meanSquaredError(y, hnn.apply(x) as tf.Tensor).dataSync()[0]!);
      expect(own).toBeLessThan(h.loss[0]!);
      hnn.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    // Same start, same full batches: the two engines follow the same path (float32 rounding apart).
    expect(relErr(losses.auto!, losses.tfjs!)).toBeLessThan(1e-3);
    expect(losses.auto!.at(-1)!).toBeLessThan(0.5 * losses.auto![0]!);
    tf.dispose([x, y]);
  });

  it('the engine choice is a saved option; nn64 with an option the engine lacks is NOT_AVAILABLE', async () => {
    const hnn = new HamiltonianNN({ hidden: [4], engine: 'nn64', inputShape: [2] });
    const model = tf.sequential({ layers: [hnn] });
    const copy = await loadFromMemory(await saveToMemory(model));
    expect((copy.layers[0] as HamiltonianNN).engine).toBe('nn64');
    const net = new SympNet({ kind: 'G', layers: 2, width: 4, engine: 'tfjs' });
    expect(net.getConfig()['engine']).toBe('tfjs');
    const data = { inputs: tf.zeros([4, 2]), targets: tf.zeros([4, 2]) };
    await expectPhaseflowError(() => createEngineTrainer({ loss: 'mse', optimizer: 'rmsprop', epochs: 1 }).fit(hnn, data), 'NOT_AVAILABLE', 'engine');
    expectPhaseflowError(() => new HamiltonianNN({ engine: 'gpu' as never }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => new SympNet({}).toTrainable32(), 'INVALID_STATE');
    tf.dispose([data.inputs, data.targets]);
    model.dispose();
    copy.dispose();
  });

  it('toTrainable32({ threads: 2 }): the HNN field on two threads, bit for bit; createEngineTrainer({ threads: 2 }) records it; SympNet checks it and runs on one', async () => {
    const rng = createRandom(7);
    const rows = 64,
      n = 4;
    const x = Float32Array.from(rng.fillNormal(new Float64Array(rows * n)));
    const gy = Float32Array.from(rng.fillNormal(new Float64Array(rows * n)));
    const hnn = new HamiltonianNN({ hidden: [128, 128], seed: 2 });
    tf.tidy(() => {
      hnn.apply(tf.zeros([1, n]));
    });
    const got = [1, 2].map((threads) => {
      const twin = hnn.toTrainable32({ threads: threads as 1 | 2 });
      expect(twin.threads).toBe(threads);
      const y = twin.forwardTape(x, rows).slice();
      const g = new Float32Array(twin.theta.length);
      twin.backwardTape(gy, g);
      return [new Uint32Array(y.buffer), new Uint32Array(g.buffer)];
    });
    expect(got[1]).toEqual(got[0]);
    const before = tf.memory().numTensors;
    const inputs = tf.tensor2d(x, [rows, n]),
      targets = tf.tensor2d(gy, [rows, n]);
    const h = await createEngineTrainer({ loss: 'mse', epochs: 2, batchSize: 64, threads: 2 }).fit(hnn, { inputs, targets });
    tf.dispose([inputs, targets]);
    expect(tf.memory().numTensors).toBe(before);
    expect(h.engine).toBe('nn64');
    expect(h.threads).toBe(2);
    expectPhaseflowError(() => hnn.toTrainable32({ threads: 3 as never }), 'INVALID_ARGUMENT', 'options.threads');
    const sym = new SympNet({ kind: 'G', layers: 2, width: 4, seed: 1 });
    tf.tidy(() => {
      sym.apply(tf.zeros([1, 2]));
    });
    expect(sym.toTrainable32({ threads: 2 }).threads ?? 1).toBe(1);
    expectPhaseflowError(() => sym.toTrainable32({ threads: 0 as never }), 'INVALID_ARGUMENT', 'options.threads');
    expectPhaseflowError(() => sym.toTrainable32({ workers: 2 } as never), 'UNKNOWN_OPTION');
    hnn.dispose();
    sym.dispose();
  });
});
