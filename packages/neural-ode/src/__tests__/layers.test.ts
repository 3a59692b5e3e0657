import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isPhaseflowError } from '@phaseflow/core';
import { spiralOdeData } from '@phaseflow/datasets';
import { loadFromMemory, saveToMemory, useBestBackend } from '@phaseflow/tfjs';
import { NEURAL_ODE_INTEGRATORS, NeuralODE } from '@phaseflow/neural-ode';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return isPhaseflowError(e) ? { code: e.code, details: e.details } : { code: String(e) };
  }
  return { code: 'none' };
};

describe('neural ODE layers', () => {
  beforeAll(async () => {
    await useBestBackend();
  });

  it('backward-pass memory (tfjs engine, live tensors): flat in the step count for adjoint and reversible, linear for back-propagation', () => {
    const x = tf.tensor2d([
      [0.5, -0.2],
      [0.1, 0.3],
    ]);
    const loss = (y: tf.Tensor) => tf.sum(tf.square(y)) as tf.Scalar;
    const peaks: Record<string, number[]> = { backprop: [], adjoint: [], reversible: [] };
    const before = tf.memory().numTensors;
    for (const steps of [10, 100, 300]) {
      const ode = new NeuralODE({
        hidden: [8],
        structure: 'partitioned',
        integrator: 'leapfrog',
        adjointIntegrator: 'rk4',
        h: 1 / steps,
        seed: 1,
        engine: 'tfjs',
      });
      ode.forward(x).dispose();
      const kept = tf.memory().numTensors;
      for (const m of ['backprop', 'adjoint', 'reversible'] as const) peaks[m]!.push(ode.gradients(x, loss, m).peakTensors);
      expect(tf.memory().numTensors).toBe(kept);
      ode.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(peaks.adjoint![2]).toBe(peaks.adjoint![0]);
    expect(peaks.reversible![2]).toBe(peaks.reversible![0]);
    // linear growth: 30× the steps holds at least 20× the tensors beyond the 10-step run
    expect(peaks.backprop![2]! - peaks.backprop![0]!).toBeGreaterThan(((20 * (peaks.backprop![1]! - peaks.backprop![0]!)) / 9) * 0.9 * 1);
    expect(peaks.backprop![2]!).toBeGreaterThan(10 * peaks.adjoint![2]!);
    x.dispose();
  });

  it('rejects bad input with coded errors', () => {
    expect(code(() => new NeuralODE({ times: [0.5, 0.5] })).code).toBe('INVALID_ARGUMENT');
    expect(code(() => new NeuralODE({ times: [1, 0.5] })).code).toBe('INVALID_ARGUMENT');
    expect(code(() => new NeuralODE({ gradient: 'reversible', integrator: 'rk4' })).code).toBe('INVALID_ARGUMENT');
    expect(code(() => new NeuralODE({ integrator: 'nope' })).code).toBe('NOT_AVAILABLE');
    expect(code(() => new NeuralODE({ bogus: 1 } as never)).code).toBe('UNKNOWN_OPTION');
    const ode = new NeuralODE({ hidden: [4] });
    ode.forward(tf.zeros([1, 2])).dispose();
    const wrong = tf.zeros([1, 3]);
    expect(code(() => ode.forward(wrong)).code).toBe('SHAPE_MISMATCH');
    wrong.dispose();
    expect(code(() => new NeuralODE({ structure: 'partitioned', augment: 1 }).forward(tf.zeros([1, 2]))).code).toBe('SHAPE_MISMATCH');
    // a field that returns NaN stops with the time
    const before = tf.memory().numTensors;
    const bad = new NeuralODE({ hidden: [4], h: 0.25, times: [1] });
    const x = tf.tensor2d([[1, 0]]);
    bad.forward(x).dispose();
    const ws = bad.getWeights().map((w, i) => (i === 1 ? tf.fill(w.shape, NaN) : w.clone()));
    bad.setWeights(ws);
    const r = code(() => bad.forward(x));
    expect(r.code).toBe('NON_FINITE_STATE');
    expect((r.details as { t: number }).t).toBe(0.25);
    tf.dispose(ws);
    bad.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
  });

  it('saves and loads (same outputs after the round trip)', async () => {
    const x = tf.tensor2d([
      [0.4, -0.3],
      [1, 0.2],
    ]);
    for (const layer of [new NeuralODE({ hidden: [6], gradient: 'adjoint', augment: 2, times: [0.5, 1], inputShape: [2] })]) {
      const model = tf.sequential({ layers: [layer] });
      const copy = await loadFromMemory(await saveToMemory(model));
      const a = model.predict(x) as tf.Tensor,
        b = copy.predict(x) as tf.Tensor;
      expect(Math.max(...(tf.tidy(() => tf.abs(tf.sub(a, b)).max()).dataSync() as Float32Array))).toBe(0);
      expect(copy.layers[0]!.getClassName()).toBe(layer.getClassName());
      tf.dispose([a, b]);
      model.dispose();
      copy.dispose();
    }
    x.dispose();
  });

  it('fits a piece of the spiral and leaks nothing per training step', () => {
    const { y } = spiralOdeData({ n: 41, tEnd: 2 });
    const times = Array.from({ length: 10 }, (_, i) => (i + 1) * 0.05);
    const starts = [0, 10, 20, 30];
    const x0 = tf.tensor2d(starts.map((s) => [y[2 * s]!, y[2 * s + 1]!]));
    const target = tf.tensor3d(starts.map((s) => times.map((_, k) => [y[2 * (s + k + 1)]!, y[2 * (s + k + 1) + 1]!])));
    const ode = new NeuralODE({ hidden: [32], times, h: 0.05, gradient: 'adjoint', seed: 0 });
    ode.forward(x0).dispose();
    const opt = tf.train.adam(0.01);
    const loss = () => tf.mean(tf.square(tf.sub(ode.apply(x0) as tf.Tensor, target))) as tf.Scalar;
    const first = tf.tidy(() => loss().dataSync()[0]!);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 60; i++) tf.dispose(opt.minimize(loss, true)!);
    const after = tf.memory().numTensors;
    const last = tf.tidy(() => loss().dataSync()[0]!);
    expect(last).toBeLessThan(0.2 * first);
    expect(after - before).toBeLessThanOrEqual(2 * ode.trainableWeights.length); // Adam's slots, created once
    opt.dispose();
    tf.dispose([x0, target]);
    ode.dispose();
  });

  it('names every Runge–Kutta method, leapfrog and every splitting method', () => {
    for (const name of ['euler', 'rk4', 'dopri5', 'dop853', 'leapfrog', 'stormer-verlet-velocity', 'yoshida6']) expect(NEURAL_ODE_INTEGRATORS).toContain(name);
    expect(new Set(NEURAL_ODE_INTEGRATORS).size).toBe(NEURAL_ODE_INTEGRATORS.length);
    for (const name of NEURAL_ODE_INTEGRATORS) expect(code(() => new NeuralODE({ integrator: name })).code).toBe('none');
  });
});
