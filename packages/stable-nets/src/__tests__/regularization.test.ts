import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBestBackend } from '@phaseflow/tfjs';
import { ResNetBlock, createStableNetwork, findBlock, regularizedCrossEntropy, timeRegularizer } from '@phaseflow/stable-nets';

beforeAll(async () => {
  await useBestBackend();
});

describe('time regularisation', () => {
  it('R = α/2 Σ‖θ_{j+1} − θ_j‖²/h + β/2 Σ h‖θ_j‖², checked against a Float64 sum', () => {
    const block = new ResNetBlock({ depth: 3, finalTime: 1.5, seed: 2 });
    tf.tidy(() => void block.forward(tf.ones([1, 2])));
    tf.tidy(() => block.setWeights([block.getWeights()[0]!, tf.tensor2d([1, 2, 0, -1, 3, 3], [3, 2])]));
    const before = tf.memory().numTensors;
    const alpha = 0.3;
    const beta = 0.2;
    const r = timeRegularizer(block, { smoothness: alpha, decay: beta })();
    const got = r.dataSync()[0]!;
    r.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const h = 0.5;
    let want = 0;
    for (const w of block.getWeights()) {
      const v = Float64Array.from(w.dataSync());
      const per = v.length / 3;
      for (let i = 0; i < v.length; i++) want += (beta * h * v[i]! ** 2) / 2;
      for (let j = 0; j < 2; j++) for (let i = 0; i < per; i++) want += (alpha * (v[(j + 1) * per + i]! - v[j * per + i]!) ** 2) / (2 * h);
    }
    expect(got).toBeCloseTo(want, 4);
    expect(() => timeRegularizer(block, { smoothness: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => timeRegularizer(block, { alpha: 1 } as never)).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION' }));
    expect(() => timeRegularizer({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    block.dispose();
  });

  it('the regularised loss is cross-entropy plus R, and its gradient reaches the block', () => {
    const model = createStableNetwork({ inputs: 2, classes: 3, block: 'hamiltonian', width: 4, depth: 3, seed: 1 });
    const x = tf.tensor2d([0.1, 0.2, -0.3, 0.5], [2, 2]);
    const y = tf.tensor2d([[0], [2]]);
    (model.predict(x) as tf.Tensor).dispose();
    const plain = regularizedCrossEntropy(model, { smoothness: 0, decay: 0 });
    const reg = regularizedCrossEntropy(model, { smoothness: 1, decay: 1 });
    const before = tf.memory().numTensors;
    const [a, b, r] = tf.tidy(() => {
      const p = model.predict(x) as tf.Tensor;
      return [plain(y, p).dataSync()[0]!, reg(y, p).dataSync()[0]!, timeRegularizer(findBlock(model), { smoothness: 1, decay: 1 })().dataSync()[0]!];
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(b - a).toBeCloseTo(r!, 4);
    expect(r).toBeGreaterThan(0);
    const vars = findBlock(model).trainableWeights.map((w) => w.read() as tf.Variable);
    const g = tf.tidy(() => tf.norm(tf.variableGrads(() => reg(y, model.predict(x) as tf.Tensor), vars).grads[vars[0]!.name]!).dataSync()[0]!);
    expect(g).toBeGreaterThan(0);
    expect(() => regularizedCrossEntropy(tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] }))).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    tf.dispose([x, y]);
    model.dispose();
  });
});
