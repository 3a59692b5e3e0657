// Bench of part 2 (neural ODEs, HNNs, SympNets): prints one JSON document.
// Spiral training-step time per gradient mode and the full torchdiffeq spiral fit,
// backward-pass memory at 10/100/1000 steps, gradient agreement, and the HNN paper's energy
// metric against a baseline MLP (3 seeds per system).
// `node bench/neural.mjs [spiral] [memory] [hnn]` runs only the named sections (all by default).
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '@phaseflow/tfjs';
import { keplerSystem, massSpringSystem, pendulumSystem } from '@phaseflow/datasets';
import { NeuralODE, compareHamiltonianModels, fitSpiral } from '@phaseflow/odenet';

const sections = process.argv.slice(2);
const run = (name) => sections.length === 0 || sections.includes(name);
const backend = await useBestBackend();
const out = { backend: backend.name };
const stats = (v) => {
  const mean = v.reduce((s, u) => s + u, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((s, u) => s + (u - mean) ** 2, 0) / Math.max(1, v.length - 1)), min: Math.min(...v), max: Math.max(...v), values: v };
};

if (run('spiral')) {
  out.spiralStepMs = {};
  for (const gradient of ['backprop', 'adjoint', 'reversible']) {
    for (const engine of ['float64', 'tensor']) {
      const fit = await fitSpiral({ gradient, engine, iterations: 20 });
      out.spiralStepMs[`${gradient}/${engine}`] = { msPerStep: +fit.msPerStep.toFixed(2), integrator: gradient === 'reversible' ? 'leapfrog (partitioned field)' : fit.integrator };
      fit.ode.dispose();
    }
  }
  // The full torchdiffeq protocol (2000 iterations), seeds 0–2.
  const fits = [];
  for (const seed of [0, 1, 2]) {
    const started = performance.now();
    const fit = await fitSpiral({ seed });
    fits.push({ seed, seconds: (performance.now() - started) / 1000, firstLoss: fit.losses[0], finalLoss: fit.finalLoss, trainMse: fit.trainMse, extrapolationMse: fit.extrapolationMse, trainMae: fit.trainMae, extrapolationMae: fit.extrapolationMae, extrapolationMaxError: fit.extrapolationMaxError, heldOutRestartMse: fit.heldOutRestartMse });
    fit.ode.dispose();
  }
  out.spiralFit = { runs: fits, ...Object.fromEntries(['finalLoss', 'trainMse', 'extrapolationMse', 'trainMae', 'extrapolationMae', 'extrapolationMaxError', 'heldOutRestartMse'].map((k) => [k, stats(fits.map((f) => f[k]))])) };
}

if (run('memory')) {
  out.memoryPeakTensors = {};
  out.gradientAgreement = {};
  const x = tf.tensor2d([[0.5, -0.2], [0.1, 0.3]]);
  const loss = (y) => tf.sum(tf.square(y));
  for (const mode of ['backprop', 'adjoint', 'reversible']) out.memoryPeakTensors[mode] = {};
  for (const steps of [10, 100, 1000]) {
    const ode = new NeuralODE({ hidden: [16], structure: 'partitioned', integrator: 'leapfrog', adjointIntegrator: 'rk4', h: 1 / steps, seed: 1 });
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

if (run('hnn')) {
  // Greydanus et al.'s protocol (see compareHamiltonianModels): 25 noisy training trajectories,
  // 200-200 tanh MLPs, full-batch Adam lr 1e-3 with weight decay 1e-4; 5 test states per seed
  // (15 over the 3 seeds, as the paper's 15), rollouts over the paper's horizon. 1000 steps
  // (the paper: 2000) to fit two shared cores; scored at 250 and 1000 steps.
  const protocol = { iterations: 1000, checkpoints: [250, 1000], tests: 5, dt: 0.2 };
  const systems = [
    [massSpringSystem(), { points: 30, tEnd: 6, horizon: 40 }],
    [pendulumSystem(), { points: 45, tEnd: 6, horizon: 40 }],
    [keplerSystem(), { points: 30, tEnd: 6, horizon: 20, substeps: 8 }],
  ];
  out.energyMse = { protocol };
  for (const [sys, settings] of systems) {
    const runs = [];
    for (const seed of [0, 1, 2]) {
      const started = performance.now();
      const r = await compareHamiltonianModels(sys, { ...protocol, ...settings, seed });
      runs.push({
        seed,
        seconds: (performance.now() - started) / 1000,
        checkpoints: r.checkpoints.map((c) => ({ iteration: c.iteration, hnn: c.hnnEnergyMse, baseline: c.baselineEnergyMse, hnnBetter: Array.from(c.hnnPerTest).filter((h, i) => h < c.baselinePerTest[i]).length + '/' + c.hnnPerTest.length })),
        hnnLoss: r.hnnLoss,
        baselineLoss: r.baselineLoss,
      });
      console.error(sys.name, seed, JSON.stringify(runs.at(-1)));
    }
    const at = (k, model) => stats(runs.map((r) => r.checkpoints[k][model]));
    out.energyMse[sys.name] = {
      settings,
      runs,
      ...Object.fromEntries(protocol.checkpoints.map((it, k) => [`at${it}`, { hnn: at(k, 'hnn'), baseline: at(k, 'baseline') }])),
    };
  }
}
out.numTensorsAtEnd = tf.memory().numTensors;
console.log(JSON.stringify(out, null, 2));
