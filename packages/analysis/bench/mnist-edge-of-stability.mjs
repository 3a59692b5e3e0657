// The edge of stability on real digits: a 2 × 200 tanh MLP (nn64, Float64) trained by full-batch
// gradient descent with the MSE loss on one-hot targets, on a small subset of the `mnist`
// package's digits (through @phaseflow/datasets' rotatedDigits, upright, block-averaged) — the
// stand-in for Cohen et al.'s CIFAR-10 5k. The sharpness λ_max(∇²L) is measured by Lanczos
// every few steps (createSharpnessObserver); it rises to 2/η and hovers there.
//
// Run after a build: `node bench/mnist-edge-of-stability.mjs` in this folder. Prints one JSON
// document; with EOS_FIGURE=path it also writes the Vega-Lite spec of the sharpness curves.
// Settings (environment): EOS_COUNT digits (default 200), EOS_SIZE image side 7 or 14
// (default 7), EOS_STANDARDIZE 1/0 (default 1: per-pixel zero mean, unit variance), EOS_STEPS
// (default 3000), EOS_EVERY (default 25), EOS_LANCZOS Krylov steps per measurement (default
// 10), EOS_GAIN Glorot gain of the initial kernels (default 1) or EOS_GAINS one per step size,
// EOS_ETAS (default 0.01,0.02,0.04), EOS_SEED (default 0), EOS_WIDTHS hidden widths (default
// 200,200).
//
// The README's figures: EOS_COUNT=100 EOS_SIZE=7 EOS_STANDARDIZE=0 EOS_STEPS=1500
// EOS_LANCZOS=8 EOS_GAINS=2.25,2.25,1.5 EOS_FIGURE=eos.json node bench/mnist-edge-of-stability.mjs
//
// Progressive sharpening from well below 2/η (the README's second figure): a deeper, narrower
// net (5 × 32 tanh) at a small initial scale on 500 digits, where the sharpness climbs by itself:
// EOS_COUNT=500 EOS_STANDARDIZE=0 EOS_WIDTHS=32,32,32,32,32 EOS_GAIN=0.7 EOS_ETAS=0.1,0.0666667,0.05
// EOS_STEPS=3500 EOS_EVERY=50 EOS_LANCZOS=8 EOS_FIGURE=sharpening.json node bench/mnist-edge-of-stability.mjs
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { createSharpnessObserver, mseLoss } from '@phaseflow/analysis';
import { integrate, odeProblem } from '@phaseflow/core';
import { rotatedDigits } from '@phaseflow/datasets';
import { createMlp64 } from '@phaseflow/nn64';
import { createEuler } from '@phaseflow/runge-kutta';

const env = (name, fallback) => (process.env[name] === undefined ? fallback : Number(process.env[name]));
const count = env('EOS_COUNT', 200);
const size = env('EOS_SIZE', 7);
const steps = env('EOS_STEPS', 3000);
const every = env('EOS_EVERY', 25);
const seed = env('EOS_SEED', 0);
const etas = (process.env.EOS_ETAS ?? '0.01,0.02,0.04').split(',').map(Number);
const lanczosSteps = env('EOS_LANCZOS', 10);
const standardize = env('EOS_STANDARDIZE', 1) === 1;
const gain = env('EOS_GAIN', 1);
const hidden = (process.env.EOS_WIDTHS ?? '200,200').split(',').map(Number);
if (hidden.length === 0 || hidden.some((w) => !Number.isInteger(w) || w < 1))
  throw new Error(`EOS_WIDTHS: positive integers, received ${process.env.EOS_WIDTHS}`);
// one Glorot gain per step size (overrides EOS_GAIN): the initial sharpness grows with the gain
// (≈ 22, 81, 176, 230 at 1, 1.5, 2, 2.25 on 100 digits of 7 × 7), and progressive sharpening is
// slow at this size, so each run starts near its own edge
const gains = process.env.EOS_GAINS === undefined ? etas.map(() => gain) : process.env.EOS_GAINS.split(',').map(Number);
if (gains.length !== etas.length) throw new Error(`EOS_GAINS: one gain per step size (${etas.length}), received ${gains.length}`);

const digits = await rotatedDigits({ count, rotation: 'upright', size, seed });
const d = digits.dim;
if (standardize) {
  // zero mean, unit variance per pixel over the subset (constant pixels stay 0), as CIFAR inputs are usually fed
  for (let c = 0; c < d; c++) {
    let mean = 0;
    for (let i = 0; i < count; i++) mean += digits.x[i * d + c];
    mean /= count;
    let v = 0;
    for (let i = 0; i < count; i++) v += (digits.x[i * d + c] - mean) ** 2;
    const sd = Math.sqrt(v / count);
    for (let i = 0; i < count; i++) digits.x[i * d + c] = sd > 1e-12 ? (digits.x[i * d + c] - mean) / sd : 0;
  }
}
// one-hot targets, as Cohen et al.'s square-loss runs
const y = new Float64Array(count * 10);
for (let i = 0; i < count; i++) y[i * 10 + digits.y[i]] = 1;
const batch = { x: digits.x, rows: count, cols: d };

const runs = [];
const started = performance.now();
for (const [run, eta] of etas.entries()) {
  const g = gains[run];
  const net = createMlp64({ sizes: [d, ...hidden, 10], seed, gain: g });
  const loss = mseLoss(net, batch, y);
  // gradient descent with step η is explicit Euler on the gradient flow θ′ = −∇L(θ)
  const flow = odeProblem((_t, th, out = new Float64Array(th.length)) => {
    loss.gradient(th, out);
    for (let i = 0; i < out.length; i++) out[i] = -out[i];
    return out;
  });
  const t0 = performance.now();
  const sharp = createSharpnessObserver({
    gradient: loss.gradient,
    every,
    // warm-started from the previous top eigenvector, a few Krylov steps suffice
    iterations: lanczosSteps,
    tolerance: 1e-3,
    onMeasure: (r) => {
      if (r.step % (every * 10) === 0) {
        process.stderr.write(
          `η = ${eta}: step ${r.step}, sharpness ${r.values[0].toFixed(2)} (2/η = ${2 / eta}), ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
        );
      }
    },
  });
  const losses = [];
  const lossObserver = { name: 'loss', on: { step: (e) => void (e.step % every === 0 && losses.push({ step: e.step, loss: loss.value(e.state) })) } };
  let finalTheta;
  let diverged = null;
  try {
    finalTheta = integrate(createEuler(), flow, net.parameters.get(), { tEnd: steps * eta, steps, observers: [sharp, lossObserver] }).yFinal;
  } catch (e) {
    // gradient descent far above its edge can diverge: record where, keep the other runs
    if (e?.code !== 'NON_FINITE_STATE') throw e;
    diverged = { step: e.details?.step ?? null, message: e.message };
    process.stderr.write(`η = ${eta}: diverged at step ${diverged.step}\n`);
  }
  const threshold = 2 / eta;
  const series = sharp.records.map((r) => ({ step: r.step, sharpness: r.values[0] }));
  const reached = series.find((r) => r.sharpness >= 0.9 * threshold)?.step;
  const after = reached === undefined ? [] : series.filter((r) => r.step >= reached + 0.1 * steps);
  const ratios = after.map((r) => r.sharpness / threshold);
  // progressive sharpening: from the first measurement within 10 % of 2/η, every later one
  const fromReach = reached === undefined ? [] : series.filter((r) => r.step >= reached).map((r) => r.sharpness / threshold);
  runs.push({
    eta,
    gain: g,
    diverged,
    threshold,
    initialSharpness: series[0]?.sharpness,
    firstStepWithin10Percent: reached ?? null,
    measurementsAfter: ratios.length,
    meanRatioAfter: ratios.length ? ratios.reduce((a, b) => a + b, 0) / ratios.length : null,
    minRatioAfter: ratios.length ? Math.min(...ratios) : null,
    maxRatioAfter: ratios.length ? Math.max(...ratios) : null,
    fractionWithin10Percent: ratios.length ? ratios.filter((r) => Math.abs(r - 1) <= 0.1).length / ratios.length : null,
    initialRatio: series[0] ? series[0].sharpness / threshold : null,
    timeToReach: reached === undefined ? null : reached * eta,
    measurementsFromReach: fromReach.length,
    fractionWithin10PercentFromReach: fromReach.length ? fromReach.filter((r) => Math.abs(r - 1) <= 0.1).length / fromReach.length : null,
    minRatioFromReach: fromReach.length ? Math.min(...fromReach) : null,
    maxRatioFromReach: fromReach.length ? Math.max(...fromReach) : null,
    initialLoss: losses[0]?.loss,
    finalLoss: finalTheta === undefined ? null : loss.value(finalTheta),
    seconds: (performance.now() - t0) / 1000,
    series,
    losses,
  });
}

const out = {
  node: process.version,
  cpus: os.cpus().length,
  loadAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  setup: {
    count,
    size,
    inputs: d,
    standardize,
    gain,
    widths: [d, ...hidden, 10],
    steps,
    every,
    lanczosSteps,
    seed,
    loss: 'MSE (1/2m) Σ ‖f(x) − onehot‖²',
    activation: 'tanh',
  },
  seconds: (performance.now() - started) / 1000,
  runs: runs.map(({ series: _series, losses: _losses, ...rest }) => rest),
};
console.log(JSON.stringify(out, null, 2));

if (process.env.EOS_FIGURE) {
  const values = runs.flatMap((r) => r.series.map((p) => ({ ...p, eta: `η = ${r.eta}` })));
  const lines = runs.map((r) => ({ y: r.threshold, eta: `η = ${r.eta}` }));
  const lossValues = runs.flatMap((r) => r.losses.map((p) => ({ ...p, eta: `η = ${r.eta}` })));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `Edge of stability on ${count} mnist digits (${size}×${size}), ${hidden.length}×${hidden[0]} tanh, MSE, full-batch GD`,
    vconcat: [
      {
        width: 640,
        height: 300,
        layer: [
          {
            data: { values },
            mark: { type: 'line', strokeWidth: 1.5 },
            encoding: {
              x: { field: 'step', type: 'quantitative', title: 'gradient descent step' },
              y: { field: 'sharpness', type: 'quantitative', title: 'sharpness λ_max(∇²L)' },
              color: { field: 'eta', type: 'nominal', title: 'step size' },
            },
          },
          {
            data: { values: lines },
            mark: { type: 'rule', strokeDash: [6, 4] },
            encoding: { y: { field: 'y', type: 'quantitative' }, color: { field: 'eta', type: 'nominal' } },
          },
        ],
      },
      {
        width: 640,
        height: 200,
        data: { values: lossValues },
        mark: { type: 'line', strokeWidth: 1.2 },
        encoding: {
          x: { field: 'step', type: 'quantitative', title: 'gradient descent step' },
          y: { field: 'loss', type: 'quantitative', title: 'training loss', scale: { type: 'log' } },
          color: { field: 'eta', type: 'nominal', title: 'step size' },
        },
      },
    ],
  };
  writeFileSync(process.env.EOS_FIGURE, `${JSON.stringify(spec)}\n`);
}
