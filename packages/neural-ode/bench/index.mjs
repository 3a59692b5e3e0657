// Bench of @phaseflow/neural-ode: prints one JSON document.
// - spiral: training-step time per gradient mode and the full torchdiffeq spiral fit (the
//   experiment runner lives in examples/neural-ode, built by the bench target first);
// - memory: peak live tensors of the backward pass at 10/100/1000 steps, gradient agreement;
// - torch: the training step of torchdiffeq's spiral recipe against torchdiffeq, same run,
//   alternated (rk4 3/8 and dopri5, backprop and adjoint; the layer on its default engine,
//   nn64, and on engine 'tfjs', and the Float64 twin),
//   loss and gradients compared at iteration 1, field evaluations counted on both sides;
// - heap: memory of a 1000-step backward pass (batch 20 / 256 / 512) against torch's growth.
// The torchdiffeq peer needs PyTorch (`python3 -c 'import torch'`) and TORCHDIFFEQ_PATH, a
// checkout of github.com/rtqichen/torchdiffeq (never vendored); without them ours is measured
// alone with a note. `node bench/index.mjs [spiral] [memory] [torch] [heap]` runs only the
// named sections (all by default).
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '@phaseflow/tfjs';
import { NeuralODE } from '@phaseflow/neural-ode';
import { heap, trainingStep } from './vs-torchdiffeq.mjs';

const sections = process.argv.slice(2);
const run = (name) => sections.length === 0 || sections.includes(name);
const backend = await useBestBackend();
const out = { backend: backend.name, load: loadavg().map((l) => +l.toFixed(2)) };
const stats = (v) => {
  const mean = v.reduce((s, u) => s + u, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((s, u) => s + (u - mean) ** 2, 0) / Math.max(1, v.length - 1)), min: Math.min(...v), max: Math.max(...v), values: v };
};

if (run('spiral')) {
  // By path, not by name and not as a static import: a library does not depend on its
  // examples, and a static import would make nx see neural-ode → example-neural-ode, a cycle.
  // The bench target builds the example first.
  const { fitSpiral } = await import(new URL('../../../examples/neural-ode/dist/spiral-fit.js', import.meta.url).href);
  out.spiralStepMs = {};
  for (const gradient of ['backprop', 'adjoint', 'reversible']) {
    for (const engine of ['float64', 'tensor']) {
      const fit = await fitSpiral({ gradient, engine, iterations: 20 });
      out.spiralStepMs[`${gradient}/${engine}`] = {
        msPerStep: +fit.msPerStep.toFixed(2),
        integrator: gradient === 'reversible' ? 'leapfrog (partitioned field)' : fit.integrator,
      };
      fit.ode.dispose();
    }
  }
  // The full torchdiffeq protocol (2000 iterations), seeds 0–2.
  const fits = [];
  for (const seed of [0, 1, 2]) {
    const started = performance.now();
    const fit = await fitSpiral({ seed });
    fits.push({
      seed,
      seconds: (performance.now() - started) / 1000,
      firstLoss: fit.losses[0],
      finalLoss: fit.finalLoss,
      trainMse: fit.trainMse,
      extrapolationMse: fit.extrapolationMse,
      trainMae: fit.trainMae,
      extrapolationMae: fit.extrapolationMae,
      extrapolationMaxError: fit.extrapolationMaxError,
      heldOutRestartMse: fit.heldOutRestartMse,
    });
    fit.ode.dispose();
  }
  out.spiralFit = {
    runs: fits,
    ...Object.fromEntries(
      ['finalLoss', 'trainMse', 'extrapolationMse', 'trainMae', 'extrapolationMae', 'extrapolationMaxError', 'heldOutRestartMse'].map((k) => [
        k,
        stats(fits.map((f) => f[k])),
      ]),
    ),
  };
}

if (run('memory')) {
  out.memoryPeakTensors = {};
  out.gradientAgreement = {};
  const x = tf.tensor2d([
    [0.5, -0.2],
    [0.1, 0.3],
  ]);
  const loss = (y) => tf.sum(tf.square(y));
  for (const mode of ['backprop', 'adjoint', 'reversible']) out.memoryPeakTensors[mode] = {};
  for (const steps of [10, 100, 1000]) {
    // Live tensors: the tfjs engine's (the nn64 engine allocates none per field evaluation).
    const ode = new NeuralODE({
      hidden: [16],
      structure: 'partitioned',
      integrator: 'leapfrog',
      adjointIntegrator: 'rk4',
      h: 1 / steps,
      seed: 1,
      engine: 'tfjs',
    });
    ode.forward(x).dispose();
    const g = {};
    for (const mode of ['backprop', 'adjoint', 'reversible']) {
      const r = ode.gradients(x, loss, mode);
      out.memoryPeakTensors[mode][steps] = r.peakTensors;
      g[mode] = r.gradient;
    }
    const rel = (a, b) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / b.reduce((s, v) => s + v * v, 0));
    out.gradientAgreement[`leapfrog-${steps}`] = { reversibleVsBackprop: rel(g.reversible, g.backprop), adjointVsBackprop: rel(g.adjoint, g.backprop) };
    ode.dispose();
  }
  x.dispose();
}

if (run('torch')) out.trainingStepVsTorchdiffeq = await trainingStep();
if (run('heap')) out.backwardMemoryVsTorch = heap();

out.loadAtEnd = loadavg().map((l) => +l.toFixed(2));
out.numTensorsAtEnd = tf.memory().numTensors;
console.log(JSON.stringify(out, null, 2));
