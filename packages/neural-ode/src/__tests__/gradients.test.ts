import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBestBackend } from '@phaseflow/tfjs';
import { NeuralODE, type GradientMode } from '@phaseflow/neural-ode';

const relErr = (a: Float64Array, b: Float64Array) => {
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
};

const X = [
  [0.8, -0.3],
  [-0.5, 0.6],
  [0.2, 0.9],
];
const target = tf.tensor(
  Array.from({ length: 3 }, (_, b) => [
    [0.3 * b, -0.2],
    [0.1, 0.4 * b],
  ]),
);
const loss = (y: tf.Tensor) => tf.mean(tf.square(tf.sub(y, target))) as tf.Scalar;

function layer(extra: Record<string, unknown>) {
  const ode = new NeuralODE({ hidden: [8], times: [0.5, 1], seed: 3, ...extra });
  ode.forward(tf.tensor2d(X)).dispose();
  return ode;
}

describe('NeuralODE gradients', () => {
  beforeAll(async () => {
    await useBestBackend();
  });

  it.each([
    ['adjoint', 'rk4', { integrator: 'rk4', h: 0.05 }],
    ['reversible', 'leapfrog', { integrator: 'leapfrog', structure: 'partitioned', h: 0.05 }],
  ] as const)('%s agrees with back-propagation through %s (float32, 1e-4 relative) and leaks nothing', (mode, _name, cfg) => {
    const x = tf.tensor2d(X);
    const ode = layer(cfg);
    const before = tf.memory().numTensors;
    const bp = ode.gradients(x, loss, 'backprop');
    const other = ode.gradients(x, loss, mode);
    expect(tf.memory().numTensors).toBe(before);
    expect(relErr(other.gradient, bp.gradient)).toBeLessThan(1e-4);
    x.dispose();
  });

  it('Float64 twin: all modes agree with central finite differences', () => {
    for (const cfg of [
      { integrator: 'rk4', h: 0.02 },
      { integrator: 'rk4', h: 0.02, features: 'cube' },
      { integrator: 'leapfrog', structure: 'partitioned', h: 0.02 },
    ]) {
      const ode = layer(cfg);
      const ref = ode.float64();
      const x = Float64Array.from(X.flat());
      const tgt = target.arraySync() as number[][][];
      const L = () => ref.forward(x, 3).reduce((s, y, k) => s + y.reduce((u, v, i) => u + (v - tgt[Math.floor(i / 2)]![k]![i % 2]!) ** 2, 0), 0) / 12;
      const cot = (k: number, y: Float64Array) => y.map((v, i) => (2 * (v - tgt[Math.floor(i / 2)]![k]![i % 2]!)) / 12);
      const fd = new Float64Array(ref.theta.length);
      for (let j = 0; j < fd.length; j++) {
        const v = ref.theta[j]!;
        const d = 1e-6;
        ref.theta[j] = v + d;
        const lp = L();
        ref.theta[j] = v - d;
        const lm = L();
        ref.theta[j] = v;
        fd[j] = (lp - lm) / (2 * d);
      }
      const modes: GradientMode[] = cfg.integrator === 'leapfrog' ? ['backprop', 'reversible'] : ['backprop', 'adjoint'];
      for (const m of modes) {
        const g = ref.gradients(x, 3, cot, m).gradient;
        console.log(cfg.integrator, m, relErr(g, fd));
        expect(relErr(g, fd)).toBeLessThan(m === 'adjoint' ? 1e-6 : 1e-8);
      }
    }
  });
});
