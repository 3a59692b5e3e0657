import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '@phaseflow/core';
import { createEngineTrainer, toTrainable32 } from '@phaseflow/nn64/tfjs';
import { createRk4 } from '@phaseflow/runge-kutta';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { ParabolicBlock, createStableNetwork, findBlock, trainMultilevel, type StableBlockKind } from '@phaseflow/stable-nets';

const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
};

function points(n: number, seed: number) {
  const rng = createRandom(seed);
  const inputs: number[][] = [];
  const targets: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = [rng.normal(), rng.normal()];
    inputs.push(x);
    targets.push(Math.hypot(x[0]!, x[1]!) < 1 ? 0 : x[0]! > 0 ? 1 : 2);
  }
  return { inputs, targets };
}

describe('stable networks on the float32 engine', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('same initial weights → the same cross-entropy and gradients at iteration 1 on nn64 and tfjs (1e-5), every block with a twin', () => {
    const d = points(12, 1);
    const x = tf.tensor2d(d.inputs);
    const y = tf.oneHot(tf.tensor1d(d.targets, 'int32'), 3);
    const kinds: StableBlockKind[] = ['resnet', 'antisymmetric', 'hamiltonian', 'leapfrog', 'parabolic'];
    for (const block of kinds) {
      for (const [activation, sharedWeights] of [
        ['tanh', false],
        ['relu', true],
        ['sigmoid', false],
      ] as const) {
        const label = `${block}/${activation}${sharedWeights ? '/shared' : ''}`;
        const model = createStableNetwork({ inputs: 2, classes: 3, block, width: 5, depth: 4, finalTime: 2, activation, sharedWeights, seed: 3 });
        tf.tidy(() => model.predict(x));
        const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
        // (Shared weights: tfjs could not differentiate them before the blocks squeezed instead of unstacking.)
        const { value, grads } = tf.variableGrads(() => tf.mean(tf.metrics.categoricalCrossentropy(y, model.apply(x) as tf.Tensor)) as tf.Scalar, vars);
        const tfLoss = value.dataSync()[0]!;
        const tfGrad = Float32Array.from(vars.flatMap((v) => Array.from(grads[v.name]!.dataSync())));
        tf.dispose([value, ...Object.values(grads)]);
        const twin = toTrainable32(model);
        const p = twin.forwardTape(x.dataSync() as Float32Array, 12);
        const outTf = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
        expect(relErr(p, outTf), `${label} forward`).toBeLessThan(1e-5);
        let loss = 0;
        const gy = new Float32Array(36);
        for (let r = 0; r < 12; r++) {
          const t = d.targets[r]!;
          loss -= Math.log(p[3 * r + t]!) / 12;
          for (let j = 0; j < 3; j++) gy[3 * r + j] = (1 - (j === t ? 1 / p[3 * r + j]! : 0)) / 12;
        }
        const g = new Float32Array(twin.theta.length);
        twin.backwardTape(gy, g);
        expect(Math.abs(loss - tfLoss) / tfLoss, `${label} loss`).toBeLessThan(1e-5);
        expect(relErr(g, tfGrad), `${label} gradient`).toBeLessThan(1e-5);
        // The block alone: its input gradient as well.
        const blockTwin = findBlock(model).toTrainable32();
        const h = Float32Array.from(createRandom(4).fillNormal(new Float64Array(3 * 5)));
        blockTwin.forwardTape(h, 3);
        const gx = new Float32Array(15);
        blockTwin.backwardTape(Float32Array.from(createRandom(5).fillNormal(new Float64Array(15))), new Float32Array(blockTwin.theta.length), gx);
        const ht = tf.tensor2d(h, [3, 5]);
        const gyT = tf.tensor2d(Float32Array.from(createRandom(5).fillNormal(new Float64Array(15))), [3, 5]);
        const xv = tf.variable(ht);
        const blockVars = findBlock(model).trainableWeights.map((w) => w.read() as tf.Variable);
        const gb = tf.variableGrads(() => tf.sum(tf.mul(findBlock(model).apply(xv) as tf.Tensor, gyT)) as tf.Scalar, [xv, ...blockVars]);
        expect(relErr(gx, gb.grads[xv.name]!.dataSync()), `${label} ∂x`).toBeLessThan(1e-5);
        tf.dispose([ht, gyT, xv, gb.value, ...Object.values(gb.grads)]);
        model.dispose();
      }
    }
    tf.dispose([x, y]);
  });

  it('createEngineTrainer: nn64 by default (history), tfjs for blocks without a twin or when asked; multilevel training runs on it', async () => {
    const train = points(96, 2);
    const before = tf.memory().numTensors;
    const runs: [string, ReturnType<typeof createStableNetwork>, string, RegExp][] = [
      [
        'auto',
        createStableNetwork({ inputs: 2, classes: 3, block: 'hamiltonian', width: 8, depth: 6, finalTime: 2, seed: 1 }),
        'nn64',
        /^auto: \d+ parameters/,
      ],
      [
        'tfjs',
        createStableNetwork({ inputs: 2, classes: 3, block: 'hamiltonian', width: 8, depth: 6, finalTime: 2, seed: 1, engine: 'tfjs' }),
        'tfjs',
        /^engine: tfjs$/,
      ],
      [
        'integrator',
        createStableNetwork({ inputs: 2, classes: 3, block: 'integrator', integrator: createRk4(), width: 4, depth: 2, seed: 1 }),
        'tfjs',
        /IntegratorBlock.*no nn64 twin/,
      ],
    ];
    const losses: number[][] = [];
    for (const [label, model, engine, reason] of runs) {
      const h = await createEngineTrainer({ learningRate: 0.02, epochs: label === 'integrator' ? 1 : 8, batchSize: 32, seed: 1 }).fit(model, train);
      expect(h.engine, label).toBe(engine);
      expect(h.engineReason, label).toMatch(reason);
      if (label !== 'integrator') losses.push(h.loss);
      model.dispose();
    }
    // nn64 and tfjs from the same weights with the same shuffles: the same path, float32 rounding apart.
    expect(relErr(losses[0]!, losses[1]!)).toBeLessThan(1e-3);
    expect(losses[0]!.at(-1)!).toBeLessThan(losses[0]![0]!);
    expect(tf.memory().numTensors).toBe(before);
    const parabolic = tf.sequential({ layers: [new ParabolicBlock({ depth: 2, normalization: 'instance', inputShape: [2] })] });
    tf.tidy(() => parabolic.predict(tf.zeros([1, 2])));
    expectPhaseflowError(() => toTrainable32(parabolic), 'NOT_AVAILABLE');
    parabolic.dispose();
    const model = createStableNetwork({ inputs: 2, classes: 3, block: 'resnet', width: 6, depth: 2, finalTime: 2, seed: 2 });
    const result = await trainMultilevel(model, () => createEngineTrainer({ learningRate: 0.02, batchSize: 32 }), train, { levels: 2, epochs: [3, 2] });
    expect(findBlock(result.model).depth).toBe(4);
    result.model.dispose();
    expectPhaseflowError(() => createStableNetwork({ inputs: 2, block: 'resnet', width: 2, depth: 2, engine: 'gpu' as never }), 'INVALID_ARGUMENT');
  });

  it('toTrainable32({ threads: 2 }): every block with a twin on two threads, bit for bit; createEngineTrainer({ threads: 2 }) records it', async () => {
    const rows = 256,
      w = 32;
    const rng = createRandom(4);
    const x = Float32Array.from(rng.fillNormal(new Float64Array(rows * w)));
    const gy = Float32Array.from(rng.fillNormal(new Float64Array(rows * w)));
    const probe = tf.zeros([1, 2]);
    for (const block of ['resnet', 'antisymmetric', 'hamiltonian', 'leapfrog', 'parabolic'] as const) {
      const model = createStableNetwork({ inputs: 2, classes: 3, block, width: w, depth: 3, finalTime: 1, seed: 3 });
      tf.tidy(() => model.predict(probe));
      const got = [1, 2].map((threads) => {
        const twin = findBlock(model).toTrainable32({ threads: threads as 1 | 2 });
        const y = twin.forwardTape(x, rows).slice();
        expect(twin.threads, block).toBe(threads);
        const g = new Float32Array(twin.theta.length);
        const gx = new Float32Array(rows * w);
        twin.backwardTape(gy, g, gx);
        return [y, g, gx].map((a) => new Uint32Array(a.buffer));
      });
      expect(got[1], block).toEqual(got[0]);
      expectPhaseflowError(() => findBlock(model).toTrainable32({ threads: 3 as never }), 'INVALID_ARGUMENT', 'options.threads');
      model.dispose();
    }
    probe.dispose();
    const model = createStableNetwork({ inputs: 2, classes: 3, block: 'hamiltonian', width: 16, depth: 2, finalTime: 1, seed: 3 });
    const before = tf.memory().numTensors;
    const h = await createEngineTrainer({ epochs: 1, batchSize: 32, seed: 1, threads: 2 }).fit(model, points(64, 2));
    expect(h.engine).toBe('nn64');
    expect(h.threads).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
