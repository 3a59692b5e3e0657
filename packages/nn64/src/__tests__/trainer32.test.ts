import { describe, expect, it } from 'vitest';
import { createRandom } from '@phaseflow/core';
import { expectPhaseflowError, trainerConformance } from '@phaseflow/testkit/vitest';
import { createAdam, createGradientTrainer32, createMlp32 } from '@phaseflow/nn64';

/** Two noisy blobs per class on a circle: separable by a small tanh net. */
function blobs(n: number, seed: number) {
  const rng = createRandom(seed);
  const inputs = new Float32Array(2 * n);
  const targets: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const a = 2 * Math.PI * rng.uniform();
    const r = c === 0 ? 0.5 : 1.5;
    inputs[2 * i] = r * Math.cos(a) + 0.1 * rng.normal();
    inputs[2 * i + 1] = r * Math.sin(a) + 0.1 * rng.normal();
    targets.push(c);
  }
  return { inputs, targets };
}

describe('createAdam', () => {
  it('is the Adam update of Kingma & Ba (bias-corrected), with PyTorch-style weight decay, in place', () => {
    const theta = Float32Array.of(1, -2, 0.5);
    const ref = Array.from(theta);
    const adam = createAdam({ size: 3, learningRate: 0.1, weightDecay: 0.01, epsilon: 1e-8 });
    const m = [0, 0, 0],
      v = [0, 0, 0];
    for (let t = 1; t <= 3; t++) {
      const grad = Float32Array.of(0.3 * t, -0.1, 2 / t);
      adam.step(theta, grad);
      for (let i = 0; i < 3; i++) {
        const g = grad[i]! + 0.01 * ref[i]!;
        m[i] = 0.9 * m[i]! + 0.1 * g;
        v[i] = 0.999 * v[i]! + 0.001 * g * g;
        ref[i]! -= (0.1 * (m[i]! / (1 - 0.9 ** t))) / (Math.sqrt(v[i]! / (1 - 0.999 ** t)) + 1e-8);
        ref[i] = Math.fround(ref[i]!);
      }
    }
    for (let i = 0; i < 3; i++) expect(theta[i]).toBeCloseTo(ref[i]!, 6);
    expect(adam.steps).toBe(3);
    adam.learningRate = 0.5;
    expect(adam.learningRate).toBe(0.5);
    adam.reset();
    expect(adam.steps).toBe(0);
    expectPhaseflowError(() => adam.step(new Float32Array(2), new Float32Array(3)), 'SHAPE_MISMATCH');
    expectPhaseflowError(() => createAdam({ size: 2, beta1: 1 }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => createAdam({ size: 0 }), 'INVALID_ARGUMENT');
  });
});

describe('createGradientTrainer32', () => {
  it('learns a two-class problem with Adam; the history names the engine and the kernels', async () => {
    const data = blobs(200, 1);
    const net = createMlp32({ sizes: [2, 16, 16, 2], output: 'softmax', seed: 1 });
    const history = await createGradientTrainer32({ learningRate: 0.02, epochs: 20, batchSize: 32, seed: 1 }).fit(net, data, { validation: blobs(100, 2) });
    expect(history.engine).toBe('nn64');
    expect(history.backend).toBe('wasm-simd');
    expect(history.epochs).toBe(20);
    expect(history.loss.at(-1)!).toBeLessThan(history.loss[0]!);
    expect(history.metrics.accuracy!.at(-1)!).toBeGreaterThan(0.97);
    expect(history.metrics.validationAccuracy!.at(-1)!).toBeGreaterThan(0.97);
    expect(history.epochMs.length).toBe(20);
  });

  it('one SGD step on softmax cross-entropy moves θ by −η (p − e_y)/n pulled back through the logits', async () => {
    const data = blobs(8, 3);
    const net = createMlp32({ sizes: [2, 5, 2], output: 'softmax', seed: 2 });
    const logits = createMlp32({ sizes: [2, 5, 2], theta: net.theta.slice() });
    const before = net.theta.slice();
    await createGradientTrainer32({ optimizer: 'sgd', learningRate: 0.1, epochs: 1, batchSize: 8, shuffle: false }).fit(net, data);
    const z = logits.forward({ x: data.inputs, rows: 8, cols: 2 });
    const gz = new Float32Array(16);
    for (let r = 0; r < 8; r++) {
      const e0 = Math.exp(z[2 * r]!),
        e1 = Math.exp(z[2 * r + 1]!);
      gz[2 * r] = (e0 / (e0 + e1) - (data.targets[r] === 0 ? 1 : 0)) / 8;
      gz[2 * r + 1] = (e1 / (e0 + e1) - (data.targets[r] === 1 ? 1 : 0)) / 8;
    }
    const grad = new Float32Array(net.theta.length);
    logits.vjp({ x: data.inputs, rows: 8, cols: 2 }, gz, grad);
    for (let i = 0; i < grad.length; i++) expect(net.theta[i]! - before[i]!).toBeCloseTo(-0.1 * grad[i]!, 6);
  });

  it('fits a regression with MSE, momentum and clipping, over partial batches', async () => {
    const rng = createRandom(4);
    const inputs = Float32Array.from(rng.fillUniform(new Float64Array(90), -1, 1));
    const targets = Float32Array.from(inputs, (v) => Math.sin(2 * v));
    const net = createMlp32({ sizes: [1, 16, 1], seed: 3 });
    const h = await createGradientTrainer32({ optimizer: 'momentum', learningRate: 0.05, loss: 'mse', epochs: 60, batchSize: 16, clipNorm: 5 }).fit(net, {
      inputs,
      targets,
    });
    expect(h.loss.at(-1)!).toBeLessThan(0.2 * h.loss[0]!);
    expect(h.metrics.accuracy).toBeUndefined();
  });

  it('refuses bad data and options with coded errors', async () => {
    const net = createMlp32({ sizes: [2, 4, 2], output: 'softmax' });
    const trainer = createGradientTrainer32({ epochs: 1 });
    await expectPhaseflowError(() => trainer.fit(net, { inputs: new Float32Array(3), targets: [0] }), 'SHAPE_MISMATCH');
    await expectPhaseflowError(() => trainer.fit(net, { inputs: new Float32Array(4), targets: [0, 5] }), 'INVALID_ARGUMENT');
    await expectPhaseflowError(() => trainer.fit(net, { inputs: Float32Array.of(NaN, 0), targets: [0] }), 'NON_FINITE_INPUT');
    await expectPhaseflowError(() => trainer.fit({} as never, { inputs: new Float32Array(2), targets: [0] }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => createGradientTrainer32({ optimizer: 'rmsprop' as never }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => createGradientTrainer32({ loss: (() => 0) as never }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => createGradientTrainer32({ epoch: 3 } as never), 'UNKNOWN_OPTION');
  });
});

const xor = { inputs: Float32Array.of(0, 0, 0, 1, 1, 0, 1, 1), targets: [0, 1, 1, 0] };
const long = blobs(4000, 5);
trainerConformance(createGradientTrainer32({ epochs: 2, batchSize: 2 }), {
  model: () => createMlp32({ sizes: [2, 4, 2], output: 'softmax', seed: 1 }),
  data: xor,
  failingModel: () => {
    const net = createMlp32({ sizes: [2, 4, 2], output: 'softmax', seed: 1 });
    return {
      ...net,
      forwardTape: () => {
        throw new Error('boom');
      },
    };
  },
  long: { trainer: createGradientTrainer32({ epochs: 100_000, batchSize: 8 }), model: () => createMlp32({ sizes: [2, 32, 2], output: 'softmax' }), data: long },
});
