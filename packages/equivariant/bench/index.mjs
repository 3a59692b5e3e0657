// Equivariant layers: the rotated-digits experiment (Z2 CNN vs P4 CNN at equal parameter
// budgets, trained upright and rotated, tested rotated: bench/rotated-digits.mjs), the
// charged-particle N-body task (EGNN_vel vs a plain message-passing GNN and an MLP), EMLP's
// O(5) and inertia tasks (EGNN vs MLP: bench/emlp.mjs), equivariance errors of every layer, and
// speed (p4 conv forward+backward vs a plain conv of the same parameter count; EGNN graphs per
// second). Prints one JSON document. Runs on the builds (`npx nx bench @phaseflow/equivariant`
// builds first), or: node bench/index.mjs [--quick] [--only=equivariance,digits,nbody,emlp,speed]
import * as tf from '@tensorflow/tfjs';
import { createRandom } from '@phaseflow/core';
import { chargedParticlesTask } from '@phaseflow/datasets';
import {
  PhaseflowEgnn,
  PhaseflowGroupBatchNorm,
  PhaseflowGroupConv,
  PhaseflowGroupPool,
  PhaseflowLiftingConv,
  createEgnn64,
  createGroupConv64,
  createLiftingConv64,
  createSetPool64,
  euclideanGroup,
  packPointClouds,
  PhaseflowDeepSets,
} from '@phaseflow/equivariant';
import { glorot } from '@phaseflow/nn64';
import { checkEquivariance } from '@phaseflow/testkit';
import { PhaseflowLayer, countWeights, createGradientTrainer, mlpForward, useBestBackend } from '@phaseflow/tfjs';
import { emlpTask } from './emlp.mjs';
import { rotatedDigitsExperiment } from './rotated-digits.mjs';
import { Z2Conv } from './z2-conv.mjs';

const quick = process.argv.includes('--quick') || process.env.EQUIVARIANT_BENCH_QUICK === '1';
const onlyArg = process.argv.find((a) => a.startsWith('--only='))?.slice(7) ?? process.env.EQUIVARIANT_BENCH_ONLY;
const only = new Set((onlyArg ?? 'equivariance,digits,nbody,emlp,speed').split(','));
const backend = await useBestBackend({ prefer: 'wasm' });
const os = await import('node:os');
const out = { backend: backend.name, quick, machine: { cpus: os.cpus().length, load: os.loadavg().map((l) => +l.toFixed(1)), node: process.version } };
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const seconds = (t0) => +((performance.now() - t0) / 1000).toFixed(1);

// ---- equivariance errors of every layer (float64 reference and float32 tf layer) ----
if (only.has('equivariance')) {
  const rows = {};
  const record = (name, r) => {
    rows[name] = Object.fromEntries(
      r.runs.map((run) => [run.dtype, { relative: +run.relative.toExponential(2), epsilons: +run.epsilons.toFixed(1), elements: run.elements.length }]),
    );
  };
  for (const group of ['C4', 'D4']) {
    record(`lifting ${group}`, checkEquivariance(new PhaseflowLiftingConv({ group, filters: 4, seed: 1 }).equivariance({ size: 9, channels: 2 })));
    record(`group conv ${group}`, checkEquivariance(new PhaseflowGroupConv({ group, filters: 4, seed: 2 }).equivariance({ size: 9, channels: 4 })));
    record(`group pool ${group}`, checkEquivariance(new PhaseflowGroupPool({ group }).equivariance({ size: 8, channels: 4 })));
    record(`group batch norm ${group}`, checkEquivariance(new PhaseflowGroupBatchNorm({ group }).equivariance({ size: 8, channels: 4 })));
  }
  record('deep sets S_5', checkEquivariance(new PhaseflowDeepSets({ units: 8, seed: 3 }).equivariance({ n: 5, width: 3 })));
  record('set pool S_5', checkEquivariance({ ...createSetPool64({ pool: 'sum' }).equivariance({ n: 5 }) }));
  for (const dim of [2, 3]) {
    const layer = new PhaseflowEgnn({ dim, features: 2, edgeFeatures: 1, hidden: 16, velocity: true, seed: 4, coordinateGain: 1 });
    record(`egnn_vel E(${dim})`, checkEquivariance({ ...layer.equivariance({ n: 5, batch: 2 }), samples: 16 }));
  }
  out.equivariance = rows;
}

// ---- rotated digits: Z2 CNN (20 channels) vs P4 CNN (10 features × 4), equal budgets ----
if (only.has('digits')) {
  out.rotatedDigits = await rotatedDigitsExperiment(quick ? { train: 400, test: 200, sweep: 100, epochs: 1 } : {});
}

// ---- N-body: EGNN_vel vs a message-passing GNN and an MLP ----
if (only.has('nbody')) {
  const n = 5;
  const nTrain = quick ? 300 : 3000;
  const nTest = quick ? 200 : 1000;
  const epochs = quick ? 1 : 10;
  const hidden = 32;
  const depth = 4;
  const t0 = performance.now();
  const train = chargedParticlesTask({ samples: nTrain, seed: 1 });
  const test = chargedParticlesTask({ samples: nTest, seed: 2 });
  const dataSeconds = seconds(t0);
  const speeds = (t) => Float64Array.from({ length: t.samples * n }, (_, i) => Math.hypot(t.v[3 * i], t.v[3 * i + 1], t.v[3 * i + 2]));
  const packed = (t, x = t.x, v = t.v) => packPointClouds({ batch: t.samples, n, dim: 3, x, v, h: speeds(t), edges: t.edges });
  const toTensor = (p) => tf.tensor3d(Float32Array.from(p.data), p.shape);
  const trX = toTensor(packed(train));
  const teX = toTensor(packed(test));
  const trY = tf.tensor3d(Float32Array.from(train.target), [nTrain, n, 3]);
  const teY = tf.tensor3d(Float32Array.from(test.target), [nTest, n, 3]);
  const positionLoss = (yTrue, yPred) => tf.mean(tf.square(tf.sub(yPred.shape[2] > 3 ? tf.slice(yPred, [0, 0, 0], [-1, -1, 3]) : yPred, yTrue)));
  const mse = (model, x, y) => tf.tidy(() => positionLoss(y, model.predict(x)).dataSync()[0]);
  const baselines = tf.tidy(() => ({
    static: positionLoss(teY, tf.slice(teX, [0, 0, 0], [-1, -1, 3])).dataSync()[0],
    constantVelocity: positionLoss(teY, tf.add(tf.slice(teX, [0, 0, 0], [-1, -1, 3]), tf.slice(teX, [0, 0, 3], [-1, -1, 3]))).dataSync()[0],
  }));

  // A non-equivariant message-passing GNN on [x, v, |v|] node features and q_i q_j edges
  // (the paper's GNN baseline), predicting x + Δx.
  class Gnn extends PhaseflowLayer {
    static className = 'BenchGnn';
    constructor(args) {
      super(args);
      this.layersCount = depth;
    }
    build() {
      const rng = createRandom(11);
      const add = (name, a, b) => {
        const w = this.addWeight(name, [a, b], 'float32', tf.initializers.zeros());
        tf.tidy(() => {
          w.write(tf.tensor2d(Float32Array.from(glorot(rng, a, b)), [a, b]));
        });
        return [w, this.addWeight(`${name}_b`, [b], 'float32', tf.initializers.zeros())];
      };
      this.embed = add('embed', 7, hidden);
      this.mp = Array.from({ length: depth }, (_, l) => ({
        e: [...add(`e${l}a`, 2 * hidden + 1, hidden), ...add(`e${l}b`, hidden, hidden)],
        h: [...add(`h${l}a`, 2 * hidden, hidden), ...add(`h${l}b`, hidden, hidden)],
      }));
      this.out = [...add('outa', hidden, hidden), ...add('outb', hidden, 3)];
      this.built = true;
    }
    computeOutputShape(s) {
      return [s[0], n, 3];
    }
    call(inputs) {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const b = x.shape[0];
        const r = (ws) => ws.map((w) => w.read());
        let h = tf.reshape(tf.tanh(mlpForward(tf.reshape(tf.slice(x, [0, 0, 0], [b, n, 7]), [b * n, 7]), r(this.embed), 'tanh')), [b, n, hidden]);
        const edges = tf.reshape(tf.slice(x, [0, 0, 7], [b, n, n]), [b, n, n, 1]);
        const ones = tf.ones([1, n, n, 1]);
        const mask = tf.reshape(tf.sub(1, tf.eye(n)), [1, n, n, 1]);
        for (const { e, h: wh } of this.mp) {
          const ein = tf.concat([tf.mul(tf.expandDims(h, 2), ones), tf.mul(tf.expandDims(h, 1), ones), edges], -1);
          const m = tf.mul(tf.reshape(tf.tanh(mlpForward(tf.reshape(ein, [b * n * n, 2 * hidden + 1]), r(e), 'tanh')), [b, n, n, hidden]), mask);
          const hin = tf.reshape(tf.concat([h, tf.sum(m, 2)], -1), [b * n, 2 * hidden]);
          h = tf.add(h, tf.reshape(mlpForward(hin, r(wh), 'tanh'), [b, n, hidden]));
        }
        const dx = tf.reshape(mlpForward(tf.reshape(h, [b * n, hidden]), r(this.out), 'tanh'), [b, n, 3]);
        return tf.add(tf.slice(x, [0, 0, 0], [b, n, 3]), dx);
      });
    }
  }
  // The MLP sees all 35 numbers of a system (x, v and the charge pattern q_i·q_0 of 5
  // particles) and predicts x + Δx.
  class MlpModel extends PhaseflowLayer {
    static className = 'BenchNbodyMlp';
    build() {
      const rng = createRandom(12);
      const sizes = [n * 7, 64, 64, n * 3];
      this.ws = [];
      sizes.slice(1).forEach((b, l) => {
        const a = sizes[l];
        const w = this.addWeight(`w${l}`, [a, b], 'float32', tf.initializers.zeros());
        tf.tidy(() => {
          w.write(tf.tensor2d(Float32Array.from(glorot(rng, a, b)), [a, b]));
        });
        this.ws.push(w, this.addWeight(`b${l}`, [b], 'float32', tf.initializers.zeros()));
      });
      this.built = true;
    }
    computeOutputShape(s) {
      return [s[0], n, 3];
    }
    call(inputs) {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const b = x.shape[0];
        const feats = tf.reshape(tf.concat([tf.slice(x, [0, 0, 0], [b, n, 6]), tf.slice(x, [0, 0, 7], [b, n, 1])], -1), [b, n * 7]);
        const dx = mlpForward(
          feats,
          this.ws.map((w) => w.read()),
          'tanh',
        );
        return tf.add(tf.slice(x, [0, 0, 0], [b, n, 3]), tf.reshape(dx, [b, n, 3]));
      });
    }
  }
  const egnn = () =>
    tf.sequential({
      layers: Array.from(
        { length: depth },
        (_, l) =>
          new PhaseflowEgnn({
            dim: 3,
            features: l === 0 ? 1 : hidden,
            outFeatures: hidden,
            edgeFeatures: 1,
            hidden,
            velocity: true,
            seed: l + 1,
            ...(l === 0 && { inputShape: [n, 12] }),
          }),
      ),
    });
  const wrap = (layer) => tf.sequential({ layers: [layer] });
  const results = {};
  for (const [name, make] of [
    ['egnn', egnn],
    ['gnn', () => wrap(new Gnn({ inputShape: [n, 12] }))],
    ['mlp', () => wrap(new MlpModel({ inputShape: [n, 12] }))],
  ]) {
    const model = make();
    model.predict(tf.zeros([1, n, 12])).dispose();
    const t1 = performance.now();
    const history = await createGradientTrainer({ epochs, batchSize: 100, learningRate: 0.001, clipNorm: 1, loss: positionLoss, seed: 1 }).fit(model, {
      x: trX,
      y: trY,
    });
    results[name] = {
      parameters: countWeights(model.trainableWeights),
      trainSeconds: seconds(t1),
      finalTrainMse: +history.loss.at(-1).toFixed(4),
      testMse: +mse(model, teX, teY).toFixed(4),
    };
    if (name === 'egnn') {
      // The same test systems, each moved by its own random rotation/reflection and translation.
      const E3 = euclideanGroup(3);
      const rng = createRandom(99);
      const x = new Float64Array(test.x.length);
      const v = new Float64Array(test.v.length);
      const target = new Float64Array(test.target.length);
      for (let s = 0; s < nTest; s++) {
        const g = E3.sample(rng);
        for (let i = 0; i < n; i++) {
          const o = (s * n + i) * 3;
          x.set(E3.act(g, test.x.subarray(o, o + 3)), o);
          v.set(E3.rotate(g, test.v.subarray(o, o + 3)), o);
          target.set(E3.act(g, test.target.subarray(o, o + 3)), o);
        }
      }
      const gx = toTensor(packed(test, x, v));
      const gy = tf.tensor3d(Float32Array.from(target), [nTest, n, 3]);
      const moved = mse(model, gx, gy);
      results.egnn.testMseTransformed = +moved.toPrecision(6);
      results.egnn.testMseOriginal = +mse(model, teX, teY).toPrecision(6);
      results.egnn.transformedRelativeDifference = +(Math.abs(moved - results.egnn.testMseOriginal) / results.egnn.testMseOriginal).toExponential(2);
      tf.dispose([gx, gy]);
    }
    model.dispose();
  }
  tf.dispose([trX, trY, teX, teY]);
  out.nbody = {
    setup: { train: nTrain, test: nTest, epochs, batchSize: 100, optimizer: 'adam 0.001, clipNorm 1', layers: depth, hidden, activation: 'tanh', dataSeconds },
    baselines: { static: +baselines.static.toFixed(4), constantVelocity: +baselines.constantVelocity.toFixed(4) },
    ...results,
    paper: 'Satorras et al. 2021 (10,000 epochs): EGNN 0.0071, GNN 0.0107, linear 0.0819',
  };
}

// ---- EMLP's O(5) regression and inertia tensors: EGNN vs MLP ----
if (only.has('emlp')) {
  const options = quick ? { train: 200, test: 200, epochs: 2 } : {};
  out.emlp = { o5: await emlpTask('o5', options), inertia: await emlpTask('inertia', options) };
}

// ---- speed ----
if (only.has('speed')) {
  const reps = quick ? 3 : 7;
  const time = (f) => {
    f();
    const ts = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      f();
      ts.push(performance.now() - t0);
    }
    return +median(ts).toFixed(1);
  };
  const fwdBwd = (layer, shape) => {
    const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
    layer.apply(x).dispose();
    const vars = layer.trainableWeights.map((w) => w.read());
    const ms = time(() =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x))), vars);
        Object.values(grads)[0].dataSync();
      }),
    );
    x.dispose();
    return ms;
  };
  const p4 = new PhaseflowGroupConv({ group: 'C4', filters: 10, padding: 'same', seed: 1 });
  const z2 = new Z2Conv({ filters: 20, seed: 1 });
  const p4ms = fwdBwd(p4, [32, 14, 14, 40]);
  const z2ms = fwdBwd(z2, [32, 14, 14, 20]);
  const egnnLayer = new PhaseflowEgnn({ dim: 3, features: 32, edgeFeatures: 1, hidden: 32, velocity: true, seed: 1 });
  const graphs = 100;
  const gx = tf.randomNormal([graphs, 5, 3 + 3 + 32 + 5], 0, 1, 'float32', 2);
  egnnLayer.apply(gx).dispose();
  const egnnMs = time(() => tf.tidy(() => egnnLayer.apply(gx).dataSync()));
  const egnnBwdMs = fwdBwd(egnnLayer, [graphs, 5, 43]);
  gx.dispose();
  const ref = createEgnn64({ dim: 3, features: 32, edgeFeatures: 1, hidden: 32, velocity: true, seed: 1 });
  const data = createRandom(3).fillNormal(new Float64Array(graphs * 5 * 43));
  const refMs = time(() => ref.forward({ data, shape: [graphs, 5, 43] }));
  const lift64 = createLiftingConv64({ group: 'C4', inChannels: 1, outChannels: 10 });
  const conv64 = createGroupConv64({ group: 'C4', inChannels: 10, outChannels: 10 });
  const img = createRandom(4).fillNormal(new Float64Array(14 * 14));
  const ref64Ms = time(() => conv64.forward(lift64.forward({ data: img, shape: [1, 14, 14, 1] })));
  out.speed = {
    note: `${backend.name} backend, median of ${reps}; both convs use the same op (planarConv: shifted matmuls) (wasm has no conv2d filter gradient)`,
    p4ConvForwardBackwardMs: {
      p4: p4ms,
      z2: z2ms,
      ratio: +(p4ms / z2ms).toFixed(2),
      shapes: 'p4 10→10 features on [32, 14, 14, 40] vs plain 20→20 on [32, 14, 14, 20], 3600 weights each, same padding',
    },
    egnnLayer: {
      forwardGraphsPerSecond: Math.round((graphs / egnnMs) * 1000),
      forwardBackwardGraphsPerSecond: Math.round((graphs / egnnBwdMs) * 1000),
      float64ReferenceGraphsPerSecond: Math.round((graphs / refMs) * 1000),
      shape: '5 nodes, 32 features, hidden 32, EGNN_vel, batches of 100 graphs',
    },
    float64ReferenceP4Ms: { liftingPlusGroupConv14x14: ref64Ms },
  };
}

console.log(JSON.stringify(out, null, 2));
