import * as tf from '@tensorflow/tfjs';
import { denseHessian, hessianEigenvalues, mseLoss } from '@phaseflow/analysis';
import { createTensorHessian, createTensorSharpnessObserver, tensorHessianEigenvalues, tensorMseLoss, type TensorLoss } from '@phaseflow/analysis/tfjs';
import { symmetricEigen } from '@phaseflow/linalg';
import { createMlp64 } from '@phaseflow/nn64';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { mlpForward } from '@phaseflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Chebyshev T₄ on m points of [−1, 1]. */
function chebyshev(m: number) {
  const x = Float64Array.from({ length: m }, (_, i) => -1 + (2 * i) / (m - 1));
  return { x, y: x.map((v) => 8 * v ** 4 - 8 * v ** 2 + 1) };
}

/** The nn64 MLP's θ (per layer W in × out row-major, then b) as tfjs weights [W₁, b₁, …]: the same layout. */
function tensorsOf(theta: Float64Array, sizes: readonly number[]): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  let at = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const a = sizes[l]!;
    const b = sizes[l + 1]!;
    out.push(tf.tensor2d(Float32Array.from(theta.subarray(at, at + a * b)), [a, b]));
    at += a * b;
    out.push(tf.tensor1d(Float32Array.from(theta.subarray(at, at + b))));
    at += b;
  }
  return out;
}

function setup(sizes: number[], m: number, seed: number) {
  const { x, y } = chebyshev(m);
  const net = createMlp64({ sizes, seed });
  const theta = net.parameters.get();
  const xt = tf.tensor2d(Float32Array.from(x), [m, 1]);
  const yt = tf.tensor2d(Float32Array.from(y), [m, 1]);
  // L = (1/2m) Σ (f(x) − y)², as mseLoss
  const loss = tensorMseLoss({ inputs: xt, targets: yt });
  // the same loss through @phaseflow/tfjs's mlpForward, whose tf.tanh loses curvature under nested gradients
  const naive: TensorLoss = (w) => tf.tidy(() => tf.div(tf.sum(tf.square(tf.sub(mlpForward(xt, w, 'tanh'), yt))), 2 * m) as tf.Scalar);
  const weights = tensorsOf(theta, sizes);
  const reference = mseLoss(net, { x, rows: m, cols: 1 }, y);
  const dispose = () => tf.dispose([xt, yt, ...weights]);
  return { net, theta, loss, naive, weights, reference, dispose };
}

describe('sharpness through tfjs in float32 (double backprop) against the Float64 reference', () => {
  it('on a 1-8-8-1 tanh MLP: gradient, Hessian–vector products and the top-3 eigenvalues agree to float32 accuracy, with no tensor left', () => {
    const s = setup([1, 8, 8, 1], 16, 2);
    const before = tf.memory().numTensors;
    const H = createTensorHessian(s.loss, s.weights);
    const n = s.net.parameters.size;
    expect(H.size).toBe(n);
    expect(H.value()).toBeCloseTo(s.reference.value(s.theta), 5);
    const g = H.gradient();
    const g64 = s.reference.gradient(s.theta, new Float64Array(n));
    const scale = Math.max(...Array.from(g64, Math.abs));
    for (let i = 0; i < n; i++) expect(Math.abs(g[i]! - g64[i]!)).toBeLessThan(1e-5 * scale);
    // H·v against the dense Float64 Hessian
    const dense = denseHessian(s.reference.gradient, s.theta);
    const v = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    const hv = H.hessianVectorProduct(v);
    let err = 0;
    let mag = 0;
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let j = 0; j < n; j++) r += dense[i * n + j]! * v[j]!;
      err = Math.max(err, Math.abs(hv[i]! - r));
      mag = Math.max(mag, Math.abs(r));
    }
    expect(err / mag).toBeLessThan(1e-4);
    // tf.tanh saves its output off the tape: the same product through it is off by ~20 %
    const wrong = createTensorHessian(s.naive, s.weights).hessianVectorProduct(v);
    expect(Math.max(...Array.from(wrong, (w, i) => Math.abs(w - hv[i]!))) / mag).toBeGreaterThan(0.05);
    expect(createTensorHessian(s.naive, s.weights).value()).toBeCloseTo(H.value(), 6);
    const ref = symmetricEigen(dense, n).values;
    const ev = tensorHessianEigenvalues(s.loss, s.weights, { k: 3, iterations: 40 });
    const ev64 = hessianEigenvalues(s.reference.gradient, s.theta, { k: 3, iterations: 40 });
    for (let c = 0; c < 3; c++) {
      expect(Math.abs(ev.values[c]! - ref[n - 1 - c]!) / ref[n - 1]!).toBeLessThan(1e-4);
      expect(Math.abs(ev.values[c]! - ev64.values[c]!) / ev64.values[0]!).toBeLessThan(1e-4);
    }
    expect(ev.hessianVectorProducts).toBe(ev.iterations);
    expect(tf.memory().numTensors).toBe(before);
    // a loss that throws halfway through the tape leaves nothing behind either
    const bad: TensorLoss = (w) => {
      tf.square(w[0]!);
      throw new Error('boom');
    };
    const Hbad = createTensorHessian(bad, s.weights);
    expect(() => Hbad.hessianVectorProduct(v)).toThrow('boom');
    expect(() => Hbad.gradient()).toThrow('boom');
    expect(tf.memory().numTensors).toBe(before);
    s.dispose();
  });

  it('the observer reads a tf model’s trainable weights (or an array of weights) and records sharpness against 2/η', () => {
    const s = setup([1, 6, 1], 10, 4);
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 6, activation: 'tanh', inputShape: [1] }), tf.layers.dense({ units: 1 })],
    });
    model.setWeights(s.weights);
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    const obs = createTensorSharpnessObserver({ loss: s.loss, every: 2, k: 2, onMeasure: (r) => seen.push(r.step), stopAboveThreshold: 1e-9 });
    let reason = '';
    const control = { stop: (why: string) => void (reason = why) };
    obs.on.step!({ step: 1, t: 0.1, h: 0.1, state: model }, control);
    obs.on.step!({ step: 2, t: 0.2, h: 0.1, state: model, loss: 0.3 }, control);
    obs.on.step!({ step: 4, t: 0.4, h: 0.1, state: s.weights }, control);
    expect(seen).toEqual([2, 4]);
    const ref = hessianEigenvalues(s.reference.gradient, s.theta, { k: 2 }).values;
    for (const r of obs.records) {
      expect(r.threshold).toBeCloseTo(20, 12);
      expect(Math.abs(r.values[0]! - ref[0]!) / ref[0]!).toBeLessThan(1e-4);
      expect(r.values.length).toBe(2);
    }
    expect(obs.records[0]!.loss).toBe(0.3);
    expect(reason).toMatch(/exceeds/);
    expect(tf.memory().numTensors).toBe(before);
    expectPhaseflowError(() => obs.on.step!({ step: 6, t: 0.6, h: 0.1, state: 'nope' }, control), 'INVALID_ARGUMENT', 'event.state');
    expectPhaseflowError(() => createTensorSharpnessObserver({} as never), 'INVALID_ARGUMENT', 'options.loss');
    expectPhaseflowError(() => createTensorHessian(s.loss, []), 'INVALID_ARGUMENT', 'weights');
    expectPhaseflowError(() => createTensorHessian(s.loss, s.weights).hessianVectorProduct([1, 2]), 'SHAPE_MISMATCH', 'v');
    model.dispose();
    s.dispose();
  });

  it('the main entry never imports TensorFlow.js; the tfjs entry does', () => {
    const src = resolve(dirname(fileURLToPath(import.meta.url)), '..');
    const bare = (entry: string): Set<string> => {
      const seen = new Set<string>();
      const out = new Set<string>();
      const queue = [entry];
      while (queue.length) {
        const file = queue.pop()!;
        if (seen.has(file)) continue;
        seen.add(file);
        const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
        for (const m of text.matchAll(/(?:import|export)\s[^;]*?from\s+'([^']+)'|import\s+'([^']+)'|import\('([^']+)'\)/g)) {
          const spec = m[1] ?? m[2] ?? m[3]!;
          if (spec.startsWith('.')) {
            const target = join(dirname(file), spec.replace(/\.js$/, '.ts'));
            if (existsSync(target)) queue.push(target);
          } else
            out.add(
              spec
                .split('/')
                .slice(0, spec.startsWith('@') ? 2 : 1)
                .join('/'),
            );
        }
      }
      return out;
    };
    expect([...bare(join(src, 'index.ts'))].sort()).toEqual(['@phaseflow/core', '@phaseflow/linalg']);
    expect([...bare(join(src, 'tfjs', 'index.ts'))].sort()).toEqual(['@phaseflow/core', '@phaseflow/linalg', '@phaseflow/tfjs', '@tensorflow/tfjs']);
  });
});
