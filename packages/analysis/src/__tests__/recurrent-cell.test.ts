import * as tf from '@tensorflow/tfjs';
import { createRandom } from '@phaseflow/core';
import { lyapunovSpectrum, mapIterator, recurrentCellMap, tangentProblem, type RecurrentCell } from '@phaseflow/analysis';
import { recurrentCellOf } from '@phaseflow/analysis/tfjs';
import { OrthogonalRnn, recurrence } from '@phaseflow/lie/tfjs';
import { matrix, qr } from '@phaseflow/linalg';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A Haar-ish orthogonal n × n matrix: Q of the QR of a Gaussian matrix. */
function orthogonal(n: number, seed: number): Float64Array {
  return qr(matrix(n, n, createRandom(seed).fillNormal(new Float64Array(n * n)))).q.data;
}

const gaussianSeries = (T: number, d: number, seed: number, std = 1) => matrix(T, d, createRandom(seed).fillNormal(new Float64Array(T * d), 0, std));

describe('recurrent cell h ← σ(h·W + x·U + b) as a map: the method on cells with known exponents', () => {
  it('linear, W = c·Q (Q orthogonal): every exponent is ln c; W = diag(a), linear or tanh at h = 0: ln |aᵢ| (to rounding)', () => {
    const n = 6;
    const Q = orthogonal(n, 3);
    for (const c of [0.8, 1, 1.1]) {
      const cell = recurrentCellMap({ units: n, recurrentKernel: Q.map((q) => c * q), activation: 'linear' });
      const s = lyapunovSpectrum(
        mapIterator(),
        cell,
        Float64Array.from({ length: n }, (_, i) => i + 1),
        { tEnd: 200, vectors: n },
      );
      for (const l of s.exponents) expect(Math.abs(l - Math.log(c))).toBeLessThan(1e-12);
    }
    const a = [1.5, -0.9, 0.5, 0.2, -0.05, 1.01];
    const D = new Float64Array(n * n);
    a.forEach((v, i) => (D[i * n + i] = v));
    // tanh at the zero state with zero input and bias: the fixed point h = 0, Jacobian diag(a)
    for (const activation of ['linear', 'tanh'] as const) {
      // the coordinate frame stays put under a diagonal map, so the exponents come in index order
      const s = lyapunovSpectrum(mapIterator(), recurrentCellMap({ units: n, recurrentKernel: D, activation }), new Float64Array(n), {
        tEnd: 300,
        vectors: n,
        frame: 'identity',
      });
      s.exponents.forEach((l, i) => expect(Math.abs(l - Math.log(Math.abs(a[i]!)))).toBeLessThan(1e-12));
    }
  });

  it('modReLU with zero bias is the identity: an orthogonal cell driven by any input has the spectrum 0 exactly', () => {
    const n = 8;
    const cell = recurrentCellMap(
      { units: n, recurrentKernel: orthogonal(n, 1), inputDim: 2, inputKernel: createRandom(2).fillNormal(new Float64Array(2 * n)), activation: 'modrelu' },
      { inputs: gaussianSeries(400, 2, 5) },
    );
    expect(cell.orthogonalityDefect).toBeLessThan(1e-13);
    const s = lyapunovSpectrum(mapIterator(), cell, new Float64Array(n), { tEnd: 400, vectors: n });
    for (const l of s.exponents) expect(Math.abs(l)).toBeLessThan(1e-13);
  });

  it('property: with W orthogonal and modReLU (any bias) the Jacobian never expands, every exponent ≤ 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.double({ min: -0.8, max: 0.3, noNaN: true }), (seed, bias) => {
        const n = 5;
        const r = createRandom(seed);
        const cell = recurrentCellMap(
          {
            units: n,
            recurrentKernel: orthogonal(n, seed + 1),
            inputKernel: r.fillNormal(new Float64Array(n)),
            bias: new Float64Array(n).fill(bias),
            activation: 'modrelu',
          },
          { inputs: gaussianSeries(150, 1, seed + 2) },
        );
        const s = lyapunovSpectrum(mapIterator(), cell, new Float64Array(n), { tEnd: 150, transient: 10, vectors: 3 });
        return s.exponents[0]! <= 1e-12;
      }),
      { numRuns: 25 },
    );
  });

  it('the exact jvp matches central differences for tanh, modReLU and linear', () => {
    const n = 7;
    const r = createRandom(11);
    const W = r.fillNormal(new Float64Array(n * n), 0, 0.6);
    const U = r.fillNormal(new Float64Array(3 * n));
    const b = r.fillUniform(new Float64Array(n), -0.3, 0.3);
    const inputs = gaussianSeries(10, 3, 12);
    const h = r.fillNormal(new Float64Array(n));
    const v = r.fillNormal(new Float64Array(n));
    for (const activation of ['tanh', 'modrelu', 'linear'] as const) {
      const cell = recurrentCellMap({ units: n, recurrentKernel: W, inputKernel: U, bias: b, activation }, { inputs });
      const exact = tangentProblem(cell, h).jvp(3, h, v, new Float64Array(n));
      const fd = tangentProblem({ ...cell, jvp: undefined } as unknown as typeof cell, h).jvp(3, h, v, new Float64Array(n));
      for (let i = 0; i < n; i++) expect(exact[i]!).toBeCloseTo(fd[i]!, 6);
    }
  });

  it('bad input: coded errors naming the argument', () => {
    const W = orthogonal(3, 0);
    expectPhaseflowError(() => recurrentCellMap({ units: 3, recurrentKernel: W.subarray(0, 8) }), 'SHAPE_MISMATCH', 'cell.recurrentKernel');
    expectPhaseflowError(() => recurrentCellMap({ units: 3, recurrentKernel: W, inputKernel: [1, 2, 3] }), 'INVALID_ARGUMENT', 'options.inputs');
    expectPhaseflowError(() => recurrentCellMap({ units: 3, recurrentKernel: W, inputKernel: [1, 2, 3, 4] }), 'SHAPE_MISMATCH', 'cell.inputKernel');
    expectPhaseflowError(() => recurrentCellMap({ units: 3, recurrentKernel: W, activation: 'relu' as never }), 'INVALID_ARGUMENT', 'cell.activation');
    expectPhaseflowError(() => recurrentCellMap({ units: 3, recurrentKernel: W, bias: [0, Number.NaN, 0] }), 'NON_FINITE_INPUT', 'cell.bias[1]');
    expectPhaseflowError(() => recurrentCellMap({ units: 3, recurrentKernel: W, gain: 2 } as never), 'UNKNOWN_OPTION', 'cell.gain');
    const cell = recurrentCellMap({ units: 3, recurrentKernel: W, inputKernel: [1, 2, 3] }, { inputs: gaussianSeries(5, 1, 0) });
    expectPhaseflowError(() => cell.map(7, new Float64Array(3)), 'INVALID_ARGUMENT', 'options.inputs');
    expectPhaseflowError(() => recurrentCellMap({ units: 3, recurrentKernel: W }, { inputs: gaussianSeries(5, 1, 0) }), 'INVALID_ARGUMENT', 'options.inputs');
  });
});

/** The delayed-recall task: x_t ~ N(0, 1), target y_t = x_{t−delay} (memory the cell must carry). */
function recallBatch(random: ReturnType<typeof createRandom>, batch: number, length: number, delay: number) {
  const x = random.fillNormal(new Float64Array(batch * length));
  const y = new Float64Array(batch * length);
  for (let b = 0; b < batch; b++) for (let t = delay; t < length; t++) y[b * length + t] = x[b * length + t - delay]!;
  return { x: tf.tensor3d(Float32Array.from(x), [batch, length, 1]), y: tf.tensor2d(Float32Array.from(y), [batch, length]) };
}

/** Train a cell (expRNN, the Householder cell, or an unconstrained tanh RNN) with Adam on delayed recall; returns its Float64 weights. */
function trainCell(model: 'exprnn' | 'householder' | 'tanh', n: number, iterations: number): { cell: RecurrentCell; loss: number; layer?: OrthogonalRnn } {
  const delay = 5;
  const length = 24;
  const batch = 8;
  const r = createRandom(2);
  let weights: tf.Variable[];
  let hidden: (x: tf.Tensor) => tf.Tensor;
  let layer: OrthogonalRnn | undefined;
  if (model === 'tanh') {
    const W = tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from(r.fillNormal(new Float64Array(n * n), 0, 1 / Math.sqrt(n))), [n, n])));
    const U = tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from(r.fillNormal(new Float64Array(n))), [1, n])));
    const b = tf.tidy(() => tf.variable(tf.zeros([n])));
    weights = [W, U, b];
    hidden = (x) => {
      const [B, L] = x.shape as [number, number, number];
      const u = tf.transpose(tf.reshape(tf.matMul(tf.reshape(x, [B * L, 1]), U), [B, L, n]), [1, 0, 2]);
      return tf.transpose(recurrence(W, u, b, { activation: 'tanh' }), [1, 0, 2]);
    };
  } else {
    layer = new OrthogonalRnn({ units: n, map: model === 'exprnn' ? 'exponential' : 'householder', returnSequences: true, seed: 2 });
    tf.tidy(() => void layer!.apply(tf.zeros([1, 1, 1])));
    weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    hidden = (x) => layer!.apply(x) as tf.Tensor;
  }
  const V = tf.tidy(() => tf.variable(tf.zeros([n, 1])));
  const optimizer: tf.Optimizer = tf.train.adam(0.01);
  const data = createRandom(7);
  let loss = NaN;
  for (let it = 0; it < iterations; it++) {
    const d = recallBatch(data, batch, length, delay);
    loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const p = tf.reshape(tf.matMul(tf.reshape(hidden(d.x), [batch * length, n]), V), [batch, length]);
        const tail = (t: tf.Tensor) => tf.slice(t, [0, delay], [batch, length - delay]);
        return tf.mean(tf.square(tf.sub(tail(p), tail(d.y)))) as tf.Scalar;
      }, [...weights, V]);
      optimizer.applyGradients(grads);
      return value.dataSync()[0]!;
    });
    tf.dispose([d.x, d.y]);
  }
  const cell =
    model === 'tanh'
      ? recurrentCellOf({ recurrentKernel: weights[0]!, inputKernel: weights[1]!, bias: weights[2]!, activation: 'tanh' })
      : recurrentCellOf(layer!);
  optimizer.dispose();
  V.dispose();
  if (model === 'tanh') tf.dispose(weights);
  return { cell, loss, ...(layer && { layer }) };
}

describe('Lyapunov spectra of trained RNN cells from @phaseflow/lie', () => {
  it('the Float64 cell read from a trained OrthogonalRnn reproduces the layer’s hidden states (float32), with no tensor left', () => {
    const before = tf.memory().numTensors;
    const { cell, layer } = trainCell('exprnn', 6, 5);
    const T = 30;
    const series = gaussianSeries(T, 1, 4);
    const H = tf.tidy(() => (layer!.apply(tf.tensor3d(Float32Array.from(series.data), [1, T, 1])) as tf.Tensor).dataSync());
    const map = recurrentCellMap(cell, { inputs: series });
    expect(map.activation).toBe('modrelu');
    let h: Float64Array = new Float64Array(6);
    let worst = 0;
    for (let t = 0; t < T; t++) {
      h = map.map(t, h);
      for (let j = 0; j < 6; j++) worst = Math.max(worst, Math.abs(h[j]! - H[t * 6 + j]!));
    }
    expect(worst).toBeLessThan(1e-5);
    layer!.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expectPhaseflowError(() => recurrentCellOf(new OrthogonalRnn({ units: 4 })), 'INVALID_STATE', 'source');
    expectPhaseflowError(() => recurrentCellOf({ recurrentKernel: tf.zeros([2, 3]) }), 'SHAPE_MISMATCH', 'source.recurrentKernel');
  });

  it('trained expRNN and Householder cells: W orthogonal, top exponents ≤ 0 and near 0; a trained tanh RNN forgets much faster', () => {
    const n = 8;
    const T = 1000;
    const inputs = gaussianSeries(T, 1, 9);
    const top = (cell: RecurrentCell) =>
      lyapunovSpectrum(mapIterator(), recurrentCellMap(cell, { inputs }), new Float64Array(n), { tEnd: T, transient: 100, vectors: 3 }).exponents;
    const lambda: Record<string, Float64Array> = {};
    for (const model of ['exprnn', 'householder', 'tanh'] as const) {
      const { cell, layer } = trainCell(model, n, 30);
      const map = recurrentCellMap(cell, { inputs });
      if (model === 'tanh') expect(map.orthogonalityDefect).toBeGreaterThan(0.5);
      else expect(map.orthogonalityDefect).toBeLessThan(1e-5);
      lambda[model] = top(cell);
      layer?.dispose();
    }
    for (const model of ['exprnn', 'householder']) {
      expect(lambda[model]![0]!).toBeLessThanOrEqual(1e-6);
      expect(lambda[model]![0]!).toBeGreaterThan(-0.1);
    }
    expect(lambda['tanh']![0]!).toBeLessThan(lambda['exprnn']![0]! - 0.1);
    expect(lambda['tanh']![0]!).toBeLessThan(lambda['householder']![0]! - 0.1);
  });
});
