// EMLP's synthetic tasks (Finzi, Welling & Wilson, ICML 2021) through @phaseflow/datasets'
// o5Synthetic and inertia: an equivariant model built from this package's EGNN layer against an
// MLP of similar size, both trained the same way (Adam, MSE), on the same seeded draws.
//
// - O(5) regression, y = sin‖x₁‖ − ½‖x₂‖³ + x₁·x₂/(‖x₁‖‖x₂‖): an EGNN in ℝ⁵ on three nodes — the
//   origin, x₁ and x₂ (one-hot node features) — whose final node features are invariant under
//   E(5), so under O(5) about the origin node; an MLP head on them gives the scalar.
// - Inertia, y = Σ mᵢ(‖rᵢ‖² I − rᵢrᵢᵀ): an EGNN in ℝ³ on six nodes — the origin and the five
//   masses (features: mass, is-origin) — with an equivariant rank-2 readout
//   T = Σᵢ a(hᵢ) I + b(hᵢ) uᵢuᵢᵀ, uᵢ = xᵢ′ − x₀′ the output positions relative to the origin
//   node, a and b linear in the final invariant features: T(Qr) = Q T(r) Qᵀ for every Q ∈ O(3).
//
// For each model the bench reports the test MSE (in the data's units), the MSE of predicting
// the training mean, and the equivariance error of the trained model, ‖f(gx) − ρ(g)f(x)‖ /
// ‖f(x)‖ over test rows and seeded Haar-random g ∈ O(n) (float32 for both).
//
// Run after a build (`npx nx run @phaseflow/equivariant:bench:emlp`, or `node bench/emlp.mjs` in
// this folder); prints one JSON document. Settings (environment): EMLP_TRAIN (default 1000),
// EMLP_TEST (default 1000), EMLP_EPOCHS (default 20), EMLP_SEED (default 1), EMLP_TASKS
// (default o5,inertia). --quick: 200 / 200, 2 epochs.
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { createRandom } from '@phaseflow/core';
import { inertia, o5Synthetic } from '@phaseflow/datasets';
import { PhaseflowEgnn, euclideanGroup, packPointClouds } from '@phaseflow/equivariant';
import { glorot } from '@phaseflow/nn64';
import { PhaseflowLayer, countWeights, createGradientTrainer, mlpForward, useBestBackend } from '@phaseflow/tfjs';

const seconds = (t0) => +((performance.now() - t0) / 1000).toFixed(1);

/** Dense layers [a → b] as tf weights with a seeded Glorot draw. */
function denseWeights(layer, rng, sizes, prefix) {
  const ws = [];
  sizes.slice(1).forEach((b, l) => {
    const a = sizes[l];
    const w = layer.addWeight(`${prefix}${l}`, [a, b], 'float32', tf.initializers.zeros());
    tf.tidy(() => {
      w.write(tf.tensor2d(Float32Array.from(glorot(rng, a, b)), [a, b]));
    });
    ws.push(w, layer.addWeight(`${prefix}${l}_b`, [b], 'float32', tf.initializers.zeros()));
  });
  return ws;
}

/** The MLP baseline on flat rows [B, d] → [B, out]. */
class Mlp extends PhaseflowLayer {
  static className = 'BenchEmlpMlp';
  constructor({ sizes, seed, activation = 'swish', ...rest }) {
    super(rest);
    Object.assign(this, { sizes, seed, act: activation });
  }
  build() {
    this.ws = denseWeights(this, createRandom(this.seed), this.sizes, 'w');
    this.built = true;
  }
  computeOutputShape(s) {
    return [s[0], this.sizes.at(-1)];
  }
  call(x) {
    return tf.tidy(() =>
      mlpForward(
        Array.isArray(x) ? x[0] : x,
        this.ws.map((w) => w.read()),
        this.act,
      ),
    );
  }
}

/** Packed rows [B, n, dim + F] → an MLP on the n·F invariant node features → [B, out]. */
class InvariantReadout extends PhaseflowLayer {
  static className = 'BenchInvariantReadout';
  constructor({ dim, features, hidden, out, seed, ...rest }) {
    super(rest);
    Object.assign(this, { dim, features, hidden, out, seed });
  }
  build(shape) {
    this.n = shape[1];
    this.ws = denseWeights(this, createRandom(this.seed), [this.n * this.features, this.hidden, this.out], 'r');
    this.built = true;
  }
  computeOutputShape(s) {
    return [s[0], this.out];
  }
  call(inputs) {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const b = x.shape[0];
      const h = tf.reshape(tf.slice(x, [0, 0, this.dim], [b, this.n, this.features]), [b, this.n * this.features]);
      return mlpForward(
        h,
        this.ws.map((w) => w.read()),
        'tanh',
      );
    });
  }
}

/** Packed rows [B, n, 3 + F] → T = Σ_{i ≥ 1} a(hᵢ) I + b(hᵢ) uᵢuᵢᵀ, uᵢ = xᵢ − x₀ → [B, 9]. */
class TensorReadout extends PhaseflowLayer {
  static className = 'BenchTensorReadout';
  constructor({ features, seed, ...rest }) {
    super(rest);
    Object.assign(this, { features, seed });
  }
  build(shape) {
    this.n = shape[1];
    this.ws = denseWeights(this, createRandom(this.seed), [this.features, 2], 't');
    this.built = true;
  }
  computeOutputShape(s) {
    return [s[0], 9];
  }
  call(inputs) {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [b, n] = x.shape;
      const pos = tf.slice(x, [0, 0, 0], [b, n, 3]);
      const u = tf.sub(tf.slice(pos, [0, 1, 0], [b, n - 1, 3]), tf.slice(pos, [0, 0, 0], [b, 1, 3])); // [B, n−1, 3]
      const h = tf.reshape(tf.slice(x, [0, 1, 3], [b, n - 1, this.features]), [b * (n - 1), this.features]);
      const ab = tf.reshape(
        mlpForward(
          h,
          this.ws.map((w) => w.read()),
          'linear',
        ),
        [b, n - 1, 2],
      );
      const a = tf.slice(ab, [0, 0, 0], [b, n - 1, 1]);
      const c = tf.slice(ab, [0, 0, 1], [b, n - 1, 1]);
      const outer = tf.mul(tf.expandDims(u, 3), tf.expandDims(u, 2)); // [B, n−1, 3, 3]
      const t = tf.add(tf.mul(tf.sum(a, 1), tf.reshape(tf.eye(3), [1, 9])), tf.reshape(tf.sum(tf.mul(tf.expandDims(c, 3), outer), 1), [b, 9]));
      return t;
    });
  }
}

function egnnStack({ dim, nodes, features, hidden, depth, seed }) {
  return Array.from(
    { length: depth },
    (_, l) =>
      new PhaseflowEgnn({
        dim,
        features: l === 0 ? features : hidden,
        outFeatures: hidden,
        residual: l > 0,
        hidden,
        seed: seed + l,
        ...(l === 0 && { inputShape: [nodes, dim + features] }),
      }),
  );
}

/** O(5) rows [x₁ | x₂] → packed 3-node clouds in ℝ⁵ (origin, x₁, x₂; one-hot features). */
function packO5(set) {
  const x = new Float64Array(set.n * 15);
  const h = new Float64Array(set.n * 9);
  for (let s = 0; s < set.n; s++) {
    x.set(set.x.subarray(s * 10, s * 10 + 10), s * 15 + 5);
    for (let i = 0; i < 3; i++) h[s * 9 + 4 * i] = 1;
  }
  return packPointClouds({ batch: set.n, n: 3, dim: 5, x, h });
}

/** Inertia rows [m | r] → packed 6-node clouds in ℝ³ (origin, then the masses; features [m, is-origin]). */
function packInertia(set) {
  const k = set.dim / 4;
  const n = k + 1;
  const x = new Float64Array(set.n * n * 3);
  const h = new Float64Array(set.n * n * 2);
  for (let s = 0; s < set.n; s++) {
    const row = set.x.subarray(s * set.dim, (s + 1) * set.dim);
    x.set(row.subarray(k), (s * n + 1) * 3);
    h[s * n * 2 + 1] = 1;
    for (let i = 0; i < k; i++) h[(s * n + 1 + i) * 2] = row[i];
  }
  return packPointClouds({ batch: set.n, n, dim: 3, x, h });
}

/** Rows moved by Q (Q ∈ O(d), row-major): O(5) acts on both vectors, O(3) on every point (masses stay). */
function moveRows(task, set, q) {
  const out = set.x.slice();
  const d = task === 'o5' ? 5 : 3;
  const from = task === 'o5' ? 0 : set.dim / 4;
  for (let s = 0; s < set.n; s++)
    for (let o = s * set.dim + from; o < (s + 1) * set.dim; o += d)
      for (let i = 0; i < d; i++) {
        let v = 0;
        for (let j = 0; j < d; j++) v += q[i * d + j] * set.x[o + j];
        out[o + i] = v;
      }
  return { ...set, x: out };
}

/** ρ_out(Q) on predictions: identity for the scalar, Q Y Qᵀ for the 3 × 3 tensor. */
function actOnOutput(task, y, q) {
  if (task === 'o5') return y;
  const out = new Float64Array(y.length);
  for (let s = 0; s < y.length / 9; s++)
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let v = 0;
        for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) v += q[i * 3 + a] * y[s * 9 + a * 3 + b] * q[j * 3 + b];
        out[s * 9 + i * 3 + j] = v;
      }
  return out;
}

/** The experiment on one task ('o5' or 'inertia'); plain numbers. */
export async function emlpTask(task, { train: nTrain = 1000, test: nTest = 1000, epochs = 20, seed = 1 } = {}) {
  const make = task === 'o5' ? o5Synthetic : inertia;
  const train = make({ n: nTrain, seed });
  const test = make({ n: nTest, seed: seed + 1000 });
  const outDim = train.outDim;
  // Targets: O(5)'s scalar standardised with the training mean and deviation (an invariant
  // rescaling); the inertia tensor as it is (EMLP's stats 0, 1 — a shift would break T(2)).
  let mu = 0;
  let sd = 1;
  if (task === 'o5') {
    mu = train.y.reduce((a, v) => a + v, 0) / train.n;
    sd = Math.sqrt(train.y.reduce((a, v) => a + (v - mu) ** 2, 0) / train.n);
  }
  const scaleY = (y) => Float32Array.from(y, (v) => (v - mu) / sd);
  const yTrain = tf.tensor2d(scaleY(train.y), [nTrain, outDim]);
  const meanPrediction = Array.from({ length: outDim }, (_, j) => {
    let s = 0;
    for (let i = 0; i < nTrain; i++) s += train.y[i * outDim + j];
    return s / nTrain;
  });
  let meanMse = 0;
  for (let i = 0; i < nTest * outDim; i++) meanMse += (test.y[i] - meanPrediction[i % outDim]) ** 2;
  meanMse /= nTest * outDim;

  const pack = task === 'o5' ? packO5 : packInertia;
  const graphInput = (set) => {
    const p = pack(set);
    return tf.tensor3d(Float32Array.from(p.data), p.shape);
  };
  const flatInput = (set) => tf.tensor2d(Float32Array.from(set.x), [set.n, set.dim]);
  const hidden = 32;
  const models = {
    mlp: {
      input: flatInput,
      // Widths chosen so both models have about the same number of parameters (O(5): 21 421
      // against 22 532; inertia: 20 361 against 19 365).
      make: () => {
        const w = task === 'o5' ? 140 : 128;
        return tf.sequential({ layers: [new Mlp({ sizes: [train.dim, w, w, outDim], seed: seed + 10, inputShape: [train.dim] })] });
      },
    },
    egnn: {
      input: graphInput,
      make: () =>
        task === 'o5'
          ? tf.sequential({
              layers: [
                ...egnnStack({ dim: 5, nodes: 3, features: 3, hidden, depth: 3, seed: seed + 20 }),
                new InvariantReadout({ dim: 5, features: hidden, hidden: 32, out: 1, seed: seed + 30 }),
              ],
            })
          : tf.sequential({
              layers: [
                ...egnnStack({ dim: 3, nodes: 6, features: 2, hidden, depth: 3, seed: seed + 20 }),
                new TensorReadout({ features: hidden, seed: seed + 30 }),
              ],
            }),
    },
  };
  const results = {};
  const predict = (model, x) => {
    const y = tf.tidy(() => model.predict(x));
    const v = Float64Array.from(y.dataSync(), (p) => p * sd + mu);
    y.dispose();
    return v;
  };
  const mse = (a, b) => a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.length;
  for (const [name, m] of Object.entries(models)) {
    const model = m.make();
    const xTrain = m.input(train);
    const xTest = m.input(test);
    const t0 = performance.now();
    const history = await createGradientTrainer({ epochs, batchSize: 50, learningRate: 3e-3, clipNorm: 1, loss: 'mse', seed }).fit(model, {
      x: xTrain,
      y: yTrain,
    });
    const trainSeconds = seconds(t0);
    const pred = predict(model, xTest);
    // Equivariance of the trained model on the first 200 test rows, 8 Haar-random g ∈ O(n).
    const E = euclideanGroup(task === 'o5' ? 5 : 3);
    const rng = createRandom(seed + 99);
    const rows = Math.min(200, nTest);
    const head = { ...test, n: rows, x: test.x.subarray(0, rows * test.dim), y: test.y.subarray(0, rows * outDim) };
    const base = pred.subarray(0, rows * outDim);
    let worst = 0;
    let sum = 0;
    for (let k = 0; k < 8; k++) {
      const q = E.sample(rng).rotation;
      const xg = m.input(moveRows(task, head, q));
      const moved = predict(model, xg);
      xg.dispose();
      const want = actOnOutput(task, base, q);
      for (let s = 0; s < rows; s++) {
        let num = 0;
        let den = 0;
        for (let j = 0; j < outDim; j++) {
          num += (moved[s * outDim + j] - want[s * outDim + j]) ** 2;
          den += want[s * outDim + j] ** 2;
        }
        const e = Math.sqrt(num / den);
        worst = Math.max(worst, e);
        sum += e;
      }
    }
    results[name] = {
      parameters: countWeights(model.trainableWeights),
      trainSeconds,
      finalTrainLoss: +history.loss.at(-1).toPrecision(4),
      testMse: +mse(pred, test.y).toPrecision(4),
      equivarianceError: { mean: +(sum / (8 * rows)).toExponential(2), max: +worst.toExponential(2) },
    };
    tf.dispose([xTrain, xTest]);
    model.dispose();
  }
  yTrain.dispose();
  return {
    setup: { train: nTrain, test: nTest, epochs, batchSize: 50, optimizer: 'adam 3e-3, clipNorm 1', loss: 'mse', seed },
    group: train.group,
    trainingMeanMse: +meanMse.toPrecision(4),
    ...results,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const env = (name, fallback) => (process.env[name] === undefined ? fallback : Number(process.env[name]));
  const backend = await useBestBackend({ prefer: 'wasm' });
  const loadBefore = os.loadavg().map((l) => +l.toFixed(1));
  const started = performance.now();
  const options = {
    train: env('EMLP_TRAIN', quick ? 200 : 1000),
    test: env('EMLP_TEST', quick ? 200 : 1000),
    epochs: env('EMLP_EPOCHS', quick ? 2 : 20),
    seed: env('EMLP_SEED', 1),
  };
  const out = { backend: backend.name, machine: { cpus: os.cpus().length, loadBefore, node: process.version } };
  for (const task of (process.env.EMLP_TASKS ?? 'o5,inertia').split(',')) out[task] = await emlpTask(task, options);
  out.machine.loadAfter = os.loadavg().map((l) => +l.toFixed(1));
  out.seconds = seconds(started);
  out.paper = 'Finzi, Welling & Wilson 2021, Fig. 5: test MSE against training set size for EMLP and MLP on O(5) synthetic and inertia';
  console.log(JSON.stringify(out, null, 2));
}
