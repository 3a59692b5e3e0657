import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '@phaseflow/core';
import { split, swissRoll } from '@phaseflow/datasets';
import { createGradientTrainer, evaluate, loadFromMemory, saveToMemory, useBestBackend } from '@phaseflow/tfjs';
import {
  HamiltonianBlock,
  StableBlock,
  createStableNetwork,
  findBlock,
  prolongBlock,
  prolongModel,
  restrictBlock,
  restrictModel,
  trainMultilevel,
  type StableBlockKind,
} from '@phaseflow/stable-nets';

beforeAll(async () => {
  await useBestBackend();
});

const toData = (s: { x: Float64Array; y: Int32Array; n: number; dim: number }) => ({ x: tf.tensor2d(Float32Array.from(s.x), [s.n, s.dim]), y: s.y });
const probe = tf.tidy(() => tf.keep(tf.tensor2d(Float32Array.from(createRandom(3).fillNormal(new Float64Array(20))), [10, 2])));

function randomizeBiases(block: StableBlock, seed: number) {
  const b = createRandom(seed).fillNormal(new Float64Array(block.kernelCount * block.width!), 0, 0.5);
  tf.tidy(() => block.setWeights([block.getWeights()[0]!, tf.tensor2d(Float32Array.from(b), [block.kernelCount, block.width!])]));
}

describe('createStableNetwork', () => {
  const kinds: (StableBlockKind | 'integrator')[] = ['resnet', 'antisymmetric', 'hamiltonian', 'leapfrog', 'parabolic', 'integrator'];
  for (const block of kinds) {
    it(`${block}: save/load round trip gives the same predictions`, async () => {
      const model = createStableNetwork({
        inputs: 2,
        classes: 3,
        block,
        width: 4,
        depth: 3,
        finalTime: 1,
        seed: 2,
        ...(block === 'integrator' && { integrator: 'rk4' }),
      });
      randomizeBiases(findBlock(model), 5);
      const before = tf.memory().numTensors;
      const artifacts = await saveToMemory(model);
      const loaded = await loadFromMemory(artifacts);
      const a = model.predict(probe) as tf.Tensor;
      const b = loaded.predict(probe) as tf.Tensor;
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      const loadedBlock = loaded.layers[1]!;
      expect(loadedBlock.getClassName()).toBe(findBlock(model).getClassName());
      expect(loadedBlock).toBeInstanceOf(StableBlock);
      tf.dispose([a, b]);
      loaded.dispose();
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    });
  }

  it('rejects bad options with coded errors', () => {
    const base = { inputs: 2, classes: 2, block: 'hamiltonian' as const, width: 4, depth: 4 };
    expect(() => createStableNetwork({ ...base, depth: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ argument: 'options.depth' }) }),
    );
    expect(() => createStableNetwork({ ...base, finalTime: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ argument: 'options.finalTime' }) }),
    );
    expect(() => createStableNetwork({ ...base, finalTime: -2 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => createStableNetwork({ ...base, opening: 'none' })).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH', details: expect.objectContaining({ argument: 'options.width' }) }),
    );
    expect(() => createStableNetwork({ ...base, block: 'dense' as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => createStableNetwork({ ...base, block: 'integrator' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ argument: 'options.integrator' }) }),
    );
    expect(() => createStableNetwork({ ...base, gamma: 0.1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => createStableNetwork({ ...base, epochs: 3 } as never)).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION' }));
    const m = createStableNetwork({ ...base, opening: 'none', width: 2 });
    const wrong = tf.zeros([3, 5]);
    expect(() => m.predict(wrong)).toThrow();
    wrong.dispose();
    m.dispose();
  });

  it('works inside a hand-built tf.sequential and trains with model.fit', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 4, inputShape: [2], activation: 'tanh' }),
        new HamiltonianBlock({ depth: 3, finalTime: 1 }),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const y = tf.tensor1d([0, 1, 0, 1, 1, 0, 1, 0, 0, 1]);
    const h = await model.fit(probe, y, { epochs: 2, verbose: 0 });
    expect(h.history.loss!.length).toBe(2);
    y.dispose();
    model.dispose();
  });
});

describe('multilevel depth', () => {
  for (const [block, order] of [
    ['resnet', 1],
    ['antisymmetric', 1],
    ['hamiltonian', 1],
  ] as const) {
    it(`${block}: prolonged outputs differ by O(h^${order}) (measured slope) and restriction inverts prolongation`, () => {
      const model = createStableNetwork({ inputs: 2, block, width: 4, depth: 4, finalTime: 2, seed: 1 });
      randomizeBiases(findBlock(model), 2);
      const before = tf.memory().numTensors;
      const outs: Float64Array[] = [];
      let m = model;
      for (let level = 0; level < 5; level++) {
        const y = m.predict(probe) as tf.Tensor;
        outs.push(Float64Array.from(y.dataSync()));
        y.dispose();
        const next = prolongModel(m);
        if (m !== model) m.dispose();
        m = next;
      }
      m.dispose();
      expect(tf.memory().numTensors).toBe(before);
      const d = outs.slice(1).map((o, i) => Math.sqrt(o.reduce((s, v, j) => s + (v - outs[i]![j]!) ** 2, 0)));
      const slopes = d.slice(1).map((v, i) => Math.log2(d[i]! / v));
      expect(d[0]).toBeGreaterThan(1e-3);
      for (const s of slopes) {
        expect(s).toBeGreaterThan(order - 0.25);
        expect(s).toBeLessThan(order + 0.35);
      }
      const beforeBlocks = tf.memory().numTensors;
      const coarse = findBlock(model);
      const fine = prolongBlock(coarse);
      expect(fine.depth).toBe(8);
      expect(fine.finalTime).toBe(2);
      const back = restrictBlock(fine);
      expect(back.depth).toBe(4);
      const [k0, b0] = coarse.getWeights();
      const [k1, b1] = back.getWeights();
      expect(Array.from(k1!.dataSync())).toEqual(Array.from(k0!.dataSync()));
      expect(Array.from(b1!.dataSync())).toEqual(Array.from(b0!.dataSync()));
      const odd = new HamiltonianBlock({ depth: 3 });
      odd.forward(probe).dispose();
      expect(() => restrictBlock(odd)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => prolongBlock(new HamiltonianBlock({ depth: 3 }))).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
      const plain = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
      expect(() => prolongModel(plain)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      plain.dispose();
      const p = prolongModel(model);
      const r = restrictModel(p);
      const a = model.predict(probe) as tf.Tensor;
      const b = r.predict(probe) as tf.Tensor;
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([a, b]);
      [fine, back, odd].forEach((l) => l.dispose());
      p.dispose();
      r.dispose();
      expect(tf.memory().numTensors).toBe(beforeBlocks);
      model.dispose();
    });
  }

  it('Swiss roll (cheap run): Hamiltonian net trains, prolongation keeps accuracy, multilevel training continues', async () => {
    // One turn keeps this cheap; the two-turn roll of the papers runs in bench/stable.mjs and the demo.
    const roll = swissRoll({ n: 400, turns: 1, seed: 1 });
    const { train, test } = split(roll, { train: 0.75, validation: 0, seed: 2 });
    const tr = toData(train);
    const te = toData(test);
    const before = tf.memory().numTensors;
    const model = createStableNetwork({ inputs: 2, classes: 2, block: 'hamiltonian', width: 8, depth: 8, finalTime: 2, seed: 1 });
    const trainer = createGradientTrainer({ optimizer: 'adam', learningRate: 0.02, batchSize: 16, seed: 1 });
    const accuracies: number[] = [];
    const afterProlong: number[] = [];
    const result = await trainMultilevel(model, trainer, tr, {
      levels: 2,
      epochs: [16, 2],
      onLevel: ({ model: m }) => {
        accuracies.push(evaluate(m, te).accuracy!);
        if (accuracies.length === 1) {
          const p = prolongModel(m);
          afterProlong.push(evaluate(p, te).accuracy!);
          p.dispose();
        }
      },
    });
    expect(result.depths).toEqual([8, 16]);
    expect(result.histories.length).toBe(2);
    expect(accuracies[0]).toBeGreaterThan(0.88);
    expect(afterProlong[0]).toBeGreaterThanOrEqual(accuracies[0]! - 0.01);
    expect(accuracies[1]).toBeGreaterThanOrEqual(accuracies[0]! - 0.01);
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(
      trainMultilevel(createStableNetwork({ inputs: 2, classes: 2, block: 'resnet', width: 2, depth: 2 }), trainer, tr, { levels: 2, epochs: [1] }),
    ).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
    tf.dispose([tr.x, te.x]);
  });
});
