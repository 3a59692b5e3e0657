// Rotated digits, GrouPy's comparison at equal parameter budgets (Cohen & Welling, ICML 2016):
// a Z2 CNN with 20 channels per layer against a P4 CNN with 10 features × 4 rotations (3600
// weights in each hidden layer), four 3 × 3 conv layers and one 2 × 2 max pool on 14 × 14
// digits of the `mnist` package (@phaseflow/datasets' rotatedDigits). Each model is trained
// twice — on upright digits and on the same digits at random angles (the MNIST-rot setting) —
// and tested on other digits at random angles, on the same digits upright, and on a sweep of
// fixed angles (every 15°) for the accuracy-against-angle figure.
//
// Run after a build (`npx nx run @phaseflow/equivariant:bench:digits`, or
// `node bench/rotated-digits.mjs` in this folder). Prints one JSON document; with
// DIGITS_FIGURE=path it also writes the Vega-Lite spec of accuracy against angle.
// Settings (environment): DIGITS_TRAIN training digits (default 2000), DIGITS_TEST test digits
// (default 1000), DIGITS_SWEEP digits of the angle sweep (default 200, the first test digits),
// DIGITS_EPOCHS (default 4), DIGITS_SEEDS comma-separated seeds (default 1: the digit draw,
// the angles, the initial weights and the batch order all follow it), DIGITS_REGIMES
// (default upright,rotated). --quick: 400 / 200 / 100 digits, 1 epoch.
//
// The README's figures are two runs, each printing its JSON: the defaults (both regimes, 4
// epochs) and DIGITS_REGIMES=rotated DIGITS_EPOCHS=12; the figure is then
// `node bench/rotated-digits.mjs --figure=fig.json defaults.json rotated-12.json` (the second
// run's rotated curves replace the first's).
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { rotatedDigits } from '@phaseflow/datasets';
import { PhaseflowGroupConv, PhaseflowGroupPool, PhaseflowLiftingConv } from '@phaseflow/equivariant';
import { countWeights, createGradientTrainer, evaluate, useBestBackend } from '@phaseflow/tfjs';
import { Z2Conv } from './z2-conv.mjs';

const SIZE = 14;
const seconds = (t0) => +((performance.now() - t0) / 1000).toFixed(1);

function models(seed) {
  // seed 1 gives layer seeds 1 … 5 (the README's first runs); seed s shifts them by 10(s − 1).
  const k = (i) => 10 * (seed - 1) + i;
  const head = () => [
    tf.layers.flatten(),
    tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: k(5) }) }),
  ];
  return {
    z2: () =>
      tf.sequential({
        layers: [
          new Z2Conv({ filters: 20, activation: 'relu', inputShape: [SIZE, SIZE, 1], seed: k(1) }),
          new Z2Conv({ filters: 20, activation: 'relu', seed: k(2) }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          new Z2Conv({ filters: 20, activation: 'relu', seed: k(3) }),
          new Z2Conv({ filters: 20, activation: 'relu', seed: k(4) }),
          ...head(),
        ],
      }),
    p4: () =>
      tf.sequential({
        layers: [
          new PhaseflowLiftingConv({ group: 'C4', filters: 10, activation: 'relu', inputShape: [SIZE, SIZE, 1], seed: k(1) }),
          new PhaseflowGroupConv({ group: 'C4', filters: 10, activation: 'relu', seed: k(2) }),
          tf.layers.maxPooling2d({ poolSize: 2 }), // 10 × 10 → 5 × 5: even, so it commutes with C4
          new PhaseflowGroupConv({ group: 'C4', filters: 10, activation: 'relu', seed: k(3) }),
          new PhaseflowGroupConv({ group: 'C4', filters: 10, activation: 'relu', seed: k(4) }),
          new PhaseflowGroupPool({ group: 'C4' }),
          ...head(),
        ],
      }),
  };
}

const slice = (s, from, count) => ({
  n: count,
  x: s.x.subarray(from * s.dim, (from + count) * s.dim),
  y: s.y.subarray(from, from + count),
  angles: s.angles.subarray(from, from + count),
});
const tensors = (s) => ({ x: tf.tensor4d(Float32Array.from(s.x), [s.n, SIZE, SIZE, 1]), y: tf.tensor1d(s.y, 'int32') });

/**
 * The experiment; returns plain numbers (per seed, regime and model, and their means over seeds).
 * Options: train, test, sweep, epochs, seeds, regimes ('upright', 'rotated'), angles (degrees).
 */
export async function rotatedDigitsExperiment(options = {}) {
  const {
    train: nTrain = 2000,
    test: nTest = 1000,
    sweep = 200,
    epochs = 4,
    seeds = [1],
    regimes = ['upright', 'rotated'],
    angles = Array.from({ length: 24 }, (_, i) => 15 * i),
  } = options;
  const runs = [];
  let dataSeconds = 0;
  for (const seed of seeds) {
    const t0 = performance.now();
    // One seeded draw of the 10,000 digits: the first nTrain train, the next nTest test (the
    // permutation does not depend on the rotation or the count, so the sets are disjoint and
    // the upright and rotated sets hold the same digits).
    const upright = await rotatedDigits({ count: nTrain + nTest, seed, size: SIZE, rotation: 'upright' });
    const rotated = await rotatedDigits({ count: nTrain + nTest, seed, size: SIZE, rotation: 'random' });
    const sweepSets = [];
    for (const deg of angles)
      sweepSets.push(slice(await rotatedDigits({ count: nTrain + sweep, seed, size: SIZE, rotation: (deg * Math.PI) / 180 }), nTrain, sweep));
    dataSeconds += seconds(t0);
    const testRot = slice(rotated, nTrain, nTest);
    const te = tensors(testRot);
    const up = tensors(slice(upright, nTrain, nTest));
    const sw = sweepSets.map(tensors);
    for (const regime of regimes) {
      const tr = tensors(slice(regime === 'upright' ? upright : rotated, 0, nTrain));
      for (const [name, make] of Object.entries(models(seed))) {
        const model = make();
        const t1 = performance.now();
        // The rotated test set is evaluated after every epoch (the learning curve).
        const history = await createGradientTrainer({ epochs, batchSize: 32, learningRate: 0.002, seed }).fit(model, tr, { validation: te });
        const trainSeconds = seconds(t1);
        const rot = evaluate(model, te);
        const upr = evaluate(model, up);
        // Accuracy in 8 bins of 45° of the random test angles, and at each sweep angle.
        const pred = tf.tidy(() => tf.argMax(model.predict(te.x), -1).dataSync());
        const bins = Array.from({ length: 8 }, () => [0, 0]);
        testRot.angles.forEach((a, i) => {
          const b = bins[Math.min(7, Math.floor(a / (Math.PI / 4)))];
          b[1]++;
          if (pred[i] === testRot.y[i]) b[0]++;
        });
        const accuracyByAngle = sw.map((t) => +evaluate(model, t).accuracy.toFixed(3));
        runs.push({
          seed,
          regime,
          model: name,
          parameters: countWeights(model.trainableWeights),
          trainSeconds,
          finalTrainLoss: +history.loss.at(-1).toFixed(4),
          testErrorRotatedByEpoch: history.metrics.validationAccuracy.map((a) => +(1 - a).toFixed(4)),
          testErrorRotated: +(1 - rot.accuracy).toFixed(4),
          testErrorUpright: +(1 - upr.accuracy).toFixed(4),
          accuracyBy45DegreeBin: bins.map(([c, n]) => +(n ? c / n : 0).toFixed(3)),
          accuracyByAngle,
        });
        model.dispose();
      }
      tf.dispose([tr.x, tr.y]);
    }
    tf.dispose([te.x, te.y, up.x, up.y, ...sw.flatMap((t) => [t.x, t.y])]);
  }
  const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
  const summary = {};
  for (const regime of regimes) {
    const pick = (m) => runs.filter((r) => r.regime === regime && r.model === m);
    const [z2, p4] = [pick('z2'), pick('p4')];
    const z2Err = mean(z2.map((r) => r.testErrorRotated));
    const p4Err = mean(p4.map((r) => r.testErrorRotated));
    summary[regime] = {
      z2TestErrorRotated: +z2Err.toFixed(4),
      p4TestErrorRotated: +p4Err.toFixed(4),
      relativeGap: +((z2Err - p4Err) / z2Err).toFixed(3),
      p4BeatsZ2EverySeed: seeds.every((s) => p4.find((r) => r.seed === s).testErrorRotated < z2.find((r) => r.seed === s).testErrorRotated),
      z2TestErrorUpright: +mean(z2.map((r) => r.testErrorUpright)).toFixed(4),
      p4TestErrorUpright: +mean(p4.map((r) => r.testErrorUpright)).toFixed(4),
    };
  }
  return {
    setup: {
      size: `${SIZE}×${SIZE} (28×28 rotated, then averaged 2×2)`,
      train: `${nTrain} digits, upright or at U[0, 2π) angles (the same digits)`,
      test: `${nTest} other digits at U[0, 2π) angles, and the same digits upright; sweep: the first ${sweep} of them at ${angles.length} fixed angles`,
      trainDigits: nTrain,
      testDigits: nTest,
      sweepDigits: sweep,
      epochs,
      batchSize: 32,
      optimizer: 'adam 0.002',
      seeds,
      dataSeconds: +dataSeconds.toFixed(1),
    },
    angles,
    summary,
    runs,
    paper: 'Cohen & Welling 2016, MNIST-rot (12k training digits, rotated): Z2CNN 5.03 %, P4CNN 2.28 % test error',
  };
}

/**
 * The accuracy-against-angle figure (mean over seeds) of one or more results, as a Vega-Lite
 * spec; a later result's regime replaces an earlier one's (so a longer rotated run can stand
 * beside the upright run of the default settings).
 */
export function accuracyFigure(...results) {
  const label = { z2: 'Z2 CNN (20 channels)', p4: 'P4 CNN (10 features × 4)' };
  const byRegime = new Map();
  for (const result of results) for (const regime of Object.keys(result.summary)) byRegime.set(regime, result);
  const values = [];
  const notes = [];
  for (const [regime, result] of byRegime) {
    const s = result.setup;
    notes.push(`${regime === 'rotated' ? 'solid' : 'dashed'}: trained on ${s.trainDigits} ${regime} digits, ${s.epochs} epochs`);
    for (const model of ['z2', 'p4']) {
      const rs = result.runs.filter((r) => r.regime === regime && r.model === model);
      result.angles.forEach((angle, i) =>
        values.push({ model: label[model], training: regime, angle, accuracy: +(rs.reduce((a, r) => a + r.accuracyByAngle[i], 0) / rs.length).toFixed(3) }),
      );
    }
  }
  const s = results[0].setup;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: 'Rotated digits: test accuracy against the rotation angle, Z2 vs P4 CNN at equal budgets',
      subtitle: [`${notes.join('; ')} (Adam 2e-3)`, `${s.sweepDigits} other digits at each angle; seed${s.seeds.length > 1 ? 's' : ''} ${s.seeds.join(', ')}`],
    },
    width: 560,
    height: 300,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: {
        field: 'angle',
        type: 'quantitative',
        title: 'rotation of the test digits (degrees)',
        scale: { domain: [0, 345] },
        axis: { values: [0, 45, 90, 135, 180, 225, 270, 315] },
      },
      y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy', scale: { domain: [0, 1] } },
      color: { field: 'model', type: 'nominal', title: null, legend: { orient: 'bottom', labelLimit: 320 } },
      strokeDash: {
        field: 'training',
        type: 'nominal',
        title: null,
        scale: {
          domain: ['rotated', 'upright'],
          range: [
            [1, 0],
            [5, 3],
          ],
        },
        legend: null,
      },
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2]?.startsWith('--figure=')) {
  // node bench/rotated-digits.mjs --figure=out.json result.json [more.json …]: the figure of saved results.
  const { readFileSync } = await import('node:fs');
  const results = process.argv.slice(3).map((f) => JSON.parse(readFileSync(f, 'utf8')));
  writeFileSync(process.argv[2].slice(9), `${JSON.stringify(accuracyFigure(...results))}\n`);
} else if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const env = (name, fallback) => (process.env[name] === undefined ? fallback : Number(process.env[name]));
  const backend = await useBestBackend({ prefer: 'wasm' });
  const started = performance.now();
  const loadBefore = os.loadavg().map((l) => +l.toFixed(1));
  const result = await rotatedDigitsExperiment({
    train: env('DIGITS_TRAIN', quick ? 400 : 2000),
    test: env('DIGITS_TEST', quick ? 200 : 1000),
    sweep: env('DIGITS_SWEEP', quick ? 100 : 200),
    epochs: env('DIGITS_EPOCHS', quick ? 1 : 4),
    seeds: (process.env.DIGITS_SEEDS ?? '1').split(',').map(Number),
    regimes: (process.env.DIGITS_REGIMES ?? 'upright,rotated').split(','),
  });
  const out = {
    backend: backend.name,
    machine: { cpus: os.cpus().length, loadBefore, loadAfter: os.loadavg().map((l) => +l.toFixed(1)), node: process.version },
    seconds: seconds(started),
    ...result,
  };
  console.log(JSON.stringify(out, null, 2));
  if (process.env.DIGITS_FIGURE) writeFileSync(process.env.DIGITS_FIGURE, `${JSON.stringify(accuracyFigure(result))}\n`);
}
