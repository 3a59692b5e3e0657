// Orthogonal layers stay orthogonal while they train: 10⁴ Adam steps of an OrthogonalDense
// (each map) fitting noisy targets y = x·Q* + 0.1·ε, with ‖WᵀW − I‖ (max entry and Frobenius,
// in Float64 on the float32 kernel) checked every 500 steps. The peer, in the same run: a plain
// tf dense kernel started at the same orthogonal matrix, same loss, same optimiser, which fits
// the noise and leaves the orthogonal group. One JSON document.
// Run after a build: npx nx run @phaseflow/lie:bench:orthogonal  (or `node bench/orthogonal-training.mjs [steps] [n]`)
import * as tf from '@tensorflow/tfjs';
import { createRandom } from '@phaseflow/core';
import { OrthogonalDense } from '@phaseflow/lie/tfjs';
import { useBestBackend } from '@phaseflow/tfjs';

const steps = Number(process.argv[2] ?? 10_000);
const n = Number(process.argv[3] ?? 16);
const batch = 32;
const samples = 1024;
const backend = await useBestBackend();

function defect(w, rows, cols) {
  let max = 0,
    f = 0;
  for (let a = 0; a < cols; a++) {
    for (let b = 0; b < cols; b++) {
      let s = 0;
      for (let k = 0; k < rows; k++) s += w[k * cols + a] * w[k * cols + b];
      const d = s - (a === b ? 1 : 0);
      max = Math.max(max, Math.abs(d));
      f += d * d;
    }
  }
  return { max, frobenius: Math.sqrt(f) };
}

const r = createRandom(2026);
const [target] = tf.linalg.qr(tf.tensor2d(Float32Array.from(r.fillNormal(new Float64Array(n * n))), [n, n]));
const x = tf.tensor2d(Float32Array.from(r.fillNormal(new Float64Array(samples * n))), [samples, n]);
const y = tf.tidy(() => tf.add(tf.matMul(x, target), tf.mul(0.1, tf.tensor2d(Float32Array.from(r.fillNormal(new Float64Array(samples * n))), [samples, n]))));

function train(label, kernelOf, vars) {
  const optimizer = tf.train.adam(0.01);
  const order = createRandom(7);
  const trace = [];
  let worst = { max: 0, frobenius: 0 };
  let loss;
  const started = performance.now();
  for (let s = 0; s < steps; s++) {
    const idx = tf.tensor1d(
      Int32Array.from({ length: batch }, () => order.int(samples)),
      'int32',
    );
    const value = tf.tidy(() => {
      const xb = tf.gather(x, idx),
        yb = tf.gather(y, idx);
      const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(yb, tf.matMul(xb, kernelOf())), vars);
      optimizer.applyGradients(grads);
      return value;
    });
    idx.dispose();
    if ((s + 1) % 500 === 0 || s === 0) {
      loss = value.dataSync()[0];
      const d = defect(
        tf.tidy(() => kernelOf().dataSync()),
        n,
        n,
      );
      worst = { max: Math.max(worst.max, d.max), frobenius: Math.max(worst.frobenius, d.frobenius) };
      trace.push({ step: s + 1, loss, ...d });
    }
    value.dispose();
  }
  optimizer.dispose();
  const final = trace.at(-1);
  return {
    label,
    steps,
    msPerStep: (performance.now() - started) / steps,
    finalLoss: final.loss,
    final: { max: final.max, frobenius: final.frobenius },
    worst,
    trace,
  };
}

const runs = [];
for (const map of ['exponential', 'cayley', 'householder']) {
  const layer = new OrthogonalDense({ units: n, map, useBias: false, seed: 1 });
  tf.tidy(() => {
    layer.apply(tf.zeros([1, n]));
  });
  const theta = layer.trainableWeights[0].read();
  const before = tf.memory().numTensors;
  const run = train(map, () => layer.kernel(), [theta]);
  run.thetaNorm = tf.tidy(() => tf.norm(theta).dataSync()[0]);
  run.leakedTensors = tf.memory().numTensors - before;
  runs.push(run);
  layer.dispose();
}
// The peer: an unconstrained kernel from the same starting point (the exponential layer's W₀).
const start = new OrthogonalDense({ units: n, useBias: false, seed: 1 });
tf.tidy(() => {
  start.apply(tf.zeros([1, n]));
});
const free = tf.tidy(() => tf.variable(start.kernel()));
start.dispose();
runs.push(train('unconstrained kernel (peer)', () => free, [free]));

const summary = Object.fromEntries(
  runs.map((r) => [
    r.label,
    {
      finalLoss: r.finalLoss,
      final: r.final,
      worst: r.worst,
      msPerStep: +r.msPerStep.toFixed(2),
      ...(r.leakedTensors !== undefined && { leakedTensors: r.leakedTensors }),
    },
  ]),
);
console.log(
  JSON.stringify(
    {
      package: '@phaseflow/lie/tfjs',
      bench: 'orthogonal-training',
      backend: backend.name,
      node: process.version,
      n,
      batch,
      optimizer: 'adam(0.01)',
      steps,
      summary,
      traces: Object.fromEntries(runs.map((r) => [r.label, r.trace])),
    },
    null,
    2,
  ),
);
