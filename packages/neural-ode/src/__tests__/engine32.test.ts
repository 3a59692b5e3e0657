import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isPhaseflowError } from '@phaseflow/core';
import { loadFromMemory, saveToMemory, useBestBackend } from '@phaseflow/tfjs';
import { createEngineTrainer } from '@phaseflow/nn64/tfjs';
import { NeuralODE, type GradientMode, type NeuralODEArgs } from '@phaseflow/neural-ode';

beforeAll(async () => {
  await useBestBackend();
});

const X = [
  [0.8, -0.3],
  [-0.5, 0.6],
  [0.2, 0.9],
];
const relErr = (a: Float64Array, b: Float64Array) => {
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
};

/** The same layer (same seed, so the same weights) on both engines. */
function pair(args: NeuralODEArgs) {
  const x = tf.tensor2d(X);
  const nn = new NeuralODE({ hidden: [8], times: [0.5, 1], seed: 3, ...args, engine: 'nn64' });
  const tfl = new NeuralODE({ hidden: [8], times: [0.5, 1], seed: 3, ...args, engine: 'tfjs' });
  nn.forward(x).dispose();
  tfl.forward(x).dispose();
  return { nn, tfl, x, dispose: () => (nn.dispose(), tfl.dispose(), x.dispose()) };
}

const target = tf.tensor3d([
  [
    [0.1, 0.2],
    [0.3, -0.1],
  ],
  [
    [0, 0.5],
    [-0.2, 0.4],
  ],
  [
    [0.7, 0.1],
    [0.2, 0.2],
  ],
]);
const loss = (y: tf.Tensor) => tf.mean(tf.square(tf.sub(y, target))) as tf.Scalar;

describe("engine 'nn64': the float32 engine of @phaseflow/nn64", () => {
  const cases: [string, NeuralODEArgs, GradientMode[]][] = [
    ['rk4, fixed steps', { integrator: 'rk4', h: 0.05 }, ['backprop', 'checkpoint', 'adjoint']],
    ['dopri5, adaptive', { integrator: 'dopri5', adaptive: { rtol: 1e-6, atol: 1e-8 }, features: 'cube' }, ['backprop', 'adjoint']],
    ['softplus, time-dependent, augmented', { integrator: 'rk38', h: 0.1, activation: 'softplus', timeDependent: true, augment: 2 }, ['backprop', 'adjoint']],
    ['partitioned leapfrog', { structure: 'partitioned', integrator: 'leapfrog', adjointIntegrator: 'rk4', h: 0.05 }, ['backprop', 'reversible', 'adjoint']],
  ];
  for (const [name, args, modes] of cases) {
    it(`${name}: the same loss and gradients as the tfjs engine at iteration 1 (${modes.join(', ')})`, () => {
      const p = pair(args);
      for (const mode of modes) {
        const a = p.nn.gradients(p.x, loss, mode);
        const b = p.tfl.gradients(p.x, loss, mode);
        expect(a.engine).toBe('nn64');
        expect(b.engine).toBe('tfjs');
        expect(Math.abs(a.loss - b.loss) / b.loss).toBeLessThan(2e-6);
        expect(relErr(a.gradient, b.gradient)).toBeLessThan(2e-5);
        // The same field evaluations on both engines.
        if (!args.adaptive) expect(a.evaluations).toBe(b.evaluations);
      }
      const ya = p.nn.apply(p.x) as tf.Tensor;
      const yb = p.tfl.apply(p.x) as tf.Tensor;
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(ya, yb))).dataSync()[0]!)).toBeLessThan(1e-5);
      tf.dispose([ya, yb]);
      p.dispose();
    });
  }

  it("is the default for a small field (auto), visible on the layer and in gradients(), saved with the layer; 'tfjs' stays available", async () => {
    const x = tf.tensor2d(X);
    const ode = new NeuralODE({ hidden: [8], h: 0.1 });
    expect(ode.engine).toBe('auto');
    expect(() => ode.engineDecision()).toThrow(/built/);
    ode.forward(x).dispose();
    const d = ode.engineDecision();
    expect(d.engine).toBe('nn64');
    expect(d.reason).toBe('auto: 42 parameters ≤ 1000000');
    expect(['wasm-simd', 'js']).toContain(d.kernel);
    const r = ode.gradients(x, loss2);
    expect(r.engine).toBe('nn64');
    expect(r.engineReason).toBe(d.reason);
    const t = new NeuralODE({ hidden: [8], h: 0.1, engine: 'tfjs' });
    t.forward(x).dispose();
    expect(t.engineDecision()).toEqual({ engine: 'tfjs', reason: 'engine: tfjs' });
    // saved and loaded with the layer
    const model = tf.sequential({ layers: [new NeuralODE({ inputShape: [2], hidden: [8], h: 0.1, engine: 'tfjs' })] });
    const loaded = await loadFromMemory(await saveToMemory(model));
    expect((loaded.layers[0] as NeuralODE).engine).toBe('tfjs');
    expect(() => new NeuralODE({ engine: 'gpu' as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    tf.dispose([x]);
    ode.dispose();
    t.dispose();
    model.dispose();
    loaded.dispose();
  });

  const loss2 = (y: tf.Tensor) => tf.mean(tf.square(y)) as tf.Scalar;

  it('trains through opt.minimize like the tfjs engine (the same losses step after step), leaking no tensor', () => {
    const x = tf.tensor2d(X);
    const y = tf.tensor2d([
      [0.2, 0.1],
      [0.1, 0.4],
      [0.5, 0.3],
    ]);
    const run = (engine: 'nn64' | 'tfjs') => {
      const ode = new NeuralODE({ hidden: [8], h: 0.1, seed: 2, engine });
      ode.forward(x).dispose();
      const opt = tf.train.adam(0.01);
      const losses: number[] = [];
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) {
        const l = opt.minimize(() => tf.mean(tf.square(tf.sub(ode.apply(x) as tf.Tensor, y))) as tf.Scalar, true)!;
        losses.push(l.dataSync()[0]!);
        l.dispose();
        if (i === 1) expect(tf.memory().numTensors).toBe(before + 2 * ode.trainableWeights.length); // Adam's slots
        if (i > 1) expect(tf.memory().numTensors).toBe(before + 2 * ode.trainableWeights.length);
      }
      opt.dispose();
      ode.dispose();
      return losses;
    };
    const a = run('nn64');
    const b = run('tfjs');
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!) / b[i]!).toBeLessThan(1e-5);
    expect(a[4]!).toBeLessThan(a[0]!);
    tf.dispose([x, y]);
  });

  it('honours memory.maxBytes: backprop refused with MEMORY_BOUND_EXCEEDED, checkpoint chooses a spacing that fits', () => {
    const x = tf.tensor2d(X);
    const ode = new NeuralODE({ hidden: [8], h: 0.001, memory: { maxBytes: 200_000 }, engine: 'nn64' });
    ode.forward(x).dispose();
    let err: unknown;
    try {
      ode.gradients(x, loss2, 'backprop');
    } catch (e) {
      err = e;
    }
    expect(isPhaseflowError(err, 'MEMORY_BOUND_EXCEEDED')).toBe(true);
    const c = ode.gradients(x, loss2, 'checkpoint');
    expect(c.every).toBeGreaterThan(1);
    expect(c.every).toBeLessThan(1000);
    const free = new NeuralODE({ hidden: [8], h: 0.001, engine: 'nn64' });
    free.forward(x).dispose();
    const b = free.gradients(x, loss2, 'backprop');
    expect(relErr(c.gradient, b.gradient)).toBeLessThan(1e-6);
    tf.dispose([x]);
    ode.dispose();
    free.dispose();
  });

  it.each([
    ['backprop, fixed steps: refused before the solve', { integrator: 'rk4', h: 0.01 }, 'backprop', false],
    ['backprop, adaptive: stopped once the tape crosses the bound', { integrator: 'dopri5', adaptive: { rtol: 1e-9, atol: 1e-10 } }, 'backprop', true],
    ['checkpoint: not even the smallest spacing fits', { integrator: 'rk4', h: 0.01 }, 'checkpoint', false],
  ] as const)('MEMORY_BOUND_EXCEEDED, %s', (_name, cfg, mode, during) => {
    const x = tf.tensor2d(X);
    const ode = new NeuralODE({ hidden: [8], seed: 3, ...cfg, memory: { maxBytes: 3000 }, engine: 'nn64' });
    ode.forward(x).dispose();
    const before = tf.memory().numTensors;
    let e: unknown;
    try {
      ode.gradients(x, loss2, mode as GradientMode);
    } catch (err) {
      e = err;
    }
    expect(isPhaseflowError(e, 'MEMORY_BOUND_EXCEEDED')).toBe(true);
    expect((e as { details: { boundBytes: number } }).details.boundBytes).toBe(3000);
    expect((e as Error).message.includes('stopped during the forward solve')).toBe(during);
    expect(tf.memory().numTensors).toBe(before);
    (ode.apply(x) as tf.Tensor).dispose(); // inference: no bound
    ode.dispose();
    x.dispose();
  });

  it.each([
    ['one output time', [1]],
    ['two output times', [0.5, 1]],
  ] as const)(
    "trains through nn64/tfjs's createEngineTrainer on its twin (history: engine nn64), the same losses as engine 'tfjs' (%s)",
    async (_name, times) => {
      const x = tf.tensor2d(X);
      const K = times.length;
      const y =
        K === 1
          ? tf.tensor2d([
              [0.2, 0.1],
              [0.1, 0.4],
              [0.5, 0.3],
            ])
          : target;
      const fit = async (engine: 'auto' | 'tfjs') => {
        const ode = new NeuralODE({ hidden: [8], h: 0.1, times: [...times], seed: 4, engine });
        ode.forward(x).dispose();
        const h = await createEngineTrainer({ optimizer: 'adam', learningRate: 0.01, loss: 'mse', epochs: 4, batchSize: 3, shuffle: false }).fit(ode, { x, y });
        ode.dispose();
        return h;
      };
      const a = await fit('auto');
      const b = await fit('tfjs');
      expect(a.engine).toBe('nn64');
      expect(b.engine).toBe('tfjs');
      expect(a.loss.length).toBe(4);
      for (let i = 0; i < 4; i++) expect(Math.abs(a.loss[i]! - b.loss[i]!) / b.loss[i]!).toBeLessThan(1e-4);
      expect(a.loss[3]!).toBeLessThan(a.loss[0]!);
      x.dispose();
      if (K === 1) y.dispose();
    },
  );
});
