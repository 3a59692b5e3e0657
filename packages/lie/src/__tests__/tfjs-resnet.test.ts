import * as tf from '@tensorflow/tfjs';
import { createRandom, integrate } from '@phaseflow/core';
import { SO3, createRkmk4, createSO, lieProblem, type MatrixLieGroup } from '@phaseflow/lie';
import { LieResNetBlock } from '@phaseflow/lie/tfjs';
import { expectPhaseflowError, layerConformance } from '@phaseflow/testkit/vitest';
import { createGradientTrainer, loadFromMemory, saveToMemory } from '@phaseflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { orthogonality } from './tfjs-helpers.js';

await tf.setBackend('cpu');
beforeAll(async () => {
  await tf.setBackend('cpu');
});

type F = Float64Array;
function sample(group: MatrixLieGroup, count: number, seed: number): F {
  const r = createRandom(seed);
  const Y = new Float64Array(count * group.size);
  for (let b = 0; b < count; b++) group.sample(r, Y.subarray(b * group.size, (b + 1) * group.size));
  return Y;
}
const batch = (Y: F, n: number) => tf.tensor3d(Float32Array.from(Y), [Y.length / (n * n), n, n]);
/** The worst max |YᵀY − I| over a float32 batch, in Float64. */
const worstOrthogonality = (Y: ArrayLike<number>, n: number) => {
  let worst = 0;
  for (let b = 0; b < Y.length / (n * n); b++)
    worst = Math.max(
      worst,
      orthogonality(
        Array.from({ length: n * n }, (_, i) => Y[b * n * n + i]!),
        n,
      ).max,
    );
  return worst;
};
const run = (layer: LieResNetBlock, x: tf.Tensor) => {
  const y = layer.forward(x);
  const values = y.dataSync();
  y.dispose();
  return values;
};

describe('LieResNetBlock (float32) against its Float64 reference', () => {
  it.each([
    [3, 'lie-euler'],
    [3, 'rkmk2'],
    [3, 'rkmk4'],
    [4, 'rkmk3'],
    [3, 'euclidean'],
  ] as const)('SO(%i) %s: outputs within 2e-6 of createLieResNet at the same weights', (n, method) => {
    const layer = new LieResNetBlock({ depth: 4, hidden: 6, method, seed: 2 });
    const Y0 = sample(n === 3 ? SO3 : createSO(n), 5, 1);
    const x = batch(Y0, n);
    const before = tf.memory().numTensors;
    layer.forward(x).dispose(); // builds: the weights are what is added
    const built = tf.memory().numTensors;
    const got = run(layer, x);
    expect(tf.memory().numTensors).toBe(built);
    expect(built - before).toBe(4);
    const reference = layer.reference().forward(Float64Array.from(x.dataSync()));
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - reference[i]!));
    expect(worst).toBeLessThan(2e-6);
    x.dispose();
    layer.dispose();
  });

  it('gradients by tf autodiff equal the Float64 reverse mode (relative 1e-4)', () => {
    const layer = new LieResNetBlock({ depth: 3, hidden: 5, method: 'rkmk4', seed: 3 });
    const Y0 = sample(SO3, 4, 2);
    const target = sample(SO3, 4, 3);
    const x = batch(Y0, 3);
    const t = batch(target, 3);
    layer.forward(x).dispose();
    const before = tf.memory().numTensors;
    const grads = tf.tidy(() => {
      const { grads } = tf.variableGrads(
        () => tf.mul(0.5, tf.sum(tf.square(tf.sub(layer.apply(x) as tf.Tensor, t)))) as tf.Scalar,
        layer.trainableWeights.map((w) => w.read() as tf.Variable),
      );
      return layer.trainableWeights.map((w) =>
        Object.entries(grads)
          .find(([k]) => k === (w.read() as tf.Variable).name)![1]
          .dataSync(),
      );
    });
    expect(tf.memory().numTensors).toBe(before);
    const ref = layer.reference();
    const X = Float64Array.from(x.dataSync());
    const Y = ref.forward(X);
    const gTheta = new Float64Array(ref.parameters.size);
    ref.vjp(
      X,
      Y.map((y, i) => y - Float32Array.from(target)[i]!),
      gTheta,
    );
    // Float64 layout per layer: K₁, b₁, K₂, b₂.
    const sizes = grads.map((g) => g.length / 3);
    const flat = new Float64Array(gTheta.length);
    let at = 0;
    for (let l = 0; l < 3; l++) for (const [w, s] of sizes.entries()) for (let i = 0; i < s; i++) flat[at++] = grads[w]![l * s + i]!;
    const norm = Math.hypot(...gTheta);
    expect(Math.hypot(...flat.map((g, i) => g - gTheta[i]!)) / norm).toBeLessThan(1e-4);
    tf.dispose([x, t]);
    layer.dispose();
  });
});

describe('LieResNetBlock: orthogonality through depth and training', () => {
  it('64 Lie–Euler layers keep max |YᵀY − I| ≤ 1e-5 in float32; the Euclidean block of the same size reaches O(1)', () => {
    const Y0 = sample(SO3, 8, 4);
    const x = batch(Y0, 3);
    const lie = new LieResNetBlock({ depth: 64, hidden: 8, finalTime: 4, seed: 5 });
    const flat = new LieResNetBlock({ depth: 64, hidden: 8, finalTime: 4, method: 'euclidean', seed: 5 });
    expect(worstOrthogonality(run(lie, x), 3)).toBeLessThan(1e-5);
    expect(worstOrthogonality(run(flat, x), 3)).toBeGreaterThan(0.1);
    x.dispose();
    lie.dispose();
    flat.dispose();
  });

  it('trains under the gradient Trainer on the attitude flow (loss ÷ 20), stays on SO(3), leaks no tensor, saves and loads', async () => {
    const problem = lieProblem({
      manifold: SO3,
      generator: (t, R, out = new Float64Array(3)) => {
        out[0] = R[5]!;
        out[1] = -R[2]!;
        out[2] = 0.5;
        return out;
      },
    });
    const X = sample(SO3, 32, 11);
    const T = new Float64Array(X.length);
    for (let b = 0; b < 32; b++) T.set(integrate(createRkmk4(), problem, X.slice(9 * b, 9 * b + 9), { tEnd: 1, steps: 50 }).yFinal, 9 * b);
    const x = batch(X, 3);
    const y = batch(T, 3);
    const model = tf.sequential({ layers: [new LieResNetBlock({ depth: 4, hidden: 8, gain: 0.1, inputShape: [3, 3], seed: 3 })] });
    const before = tf.memory().numTensors;
    const trainer = createGradientTrainer({ optimizer: 'adam', learningRate: 0.02, loss: 'mse', epochs: 40, batchSize: 32, seed: 1 });
    const history = await trainer.fit(model, { x, y });
    expect(tf.memory().numTensors).toBe(before);
    expect(history.loss.at(-1)! / history.loss[0]!).toBeLessThan(0.05);
    const layer = model.layers[0] as LieResNetBlock;
    expect(worstOrthogonality(run(layer, x), 3)).toBeLessThan(1e-5);
    const copy = await loadFromMemory(await saveToMemory(model));
    expect(copy.layers[0]).toBeInstanceOf(LieResNetBlock);
    const [a, b] = tf.tidy(() => [(model.predict(x) as tf.Tensor).dataSync(), (copy.predict(x) as tf.Tensor).dataSync()]);
    expect(Array.from(b!)).toEqual(Array.from(a!));
    tf.dispose([x, y]);
    model.dispose();
    copy.dispose();
  });
});

describe('LieResNetBlock: the Layer contract (float32)', () => {
  const input = () => batch(sample(SO3, 3, 7), 3);
  const layer = new LieResNetBlock({ depth: 3, hidden: 4, method: 'rkmk2', seed: 1 });
  const x = input();
  layer.forward(x).dispose();
  x.dispose();
  layerConformance(layer, { input, tolerance: 1e-5, resources: { name: 'tensors', count: () => tf.memory().numTensors } });
});

describe('LieResNetBlock: bad input', () => {
  it('refuses bad arguments and input shapes with coded errors naming them', () => {
    expectPhaseflowError(() => new LieResNetBlock(undefined as never), 'INVALID_ARGUMENT', 'args');
    expectPhaseflowError(() => new LieResNetBlock({ depth: 0 }), 'INVALID_ARGUMENT', 'args.depth');
    expectPhaseflowError(() => new LieResNetBlock({ depth: 2, method: 'rk4' as never }), 'INVALID_ARGUMENT', 'args.method');
    expectPhaseflowError(() => new LieResNetBlock({ depth: 2, finalTime: 0 }), 'INVALID_ARGUMENT', 'args.finalTime');
    expectPhaseflowError(() => new LieResNetBlock({ depth: 2, layers: 3 } as never), 'UNKNOWN_OPTION', 'args.layers');
    const layer = new LieResNetBlock({ depth: 2 });
    expectPhaseflowError(() => layer.reference(), 'INVALID_STATE', 'layer');
    const wrong = tf.zeros([2, 3, 4]);
    expectPhaseflowError(() => layer.forward(wrong), 'SHAPE_MISMATCH', 'inputShape');
    const flat = tf.zeros([2, 9]);
    expectPhaseflowError(() => new LieResNetBlock({ depth: 2 }).forward(flat), 'SHAPE_MISMATCH', 'inputShape');
    tf.dispose([wrong, flat]);
  });
});
