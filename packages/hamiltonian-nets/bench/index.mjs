// Bench of @phaseflow/hamiltonian-nets: prints one JSON document.
// The HNN paper's energy metric against a baseline MLP (3 seeds per system); the experiment
// runner lives in examples/hamiltonian-nets, built by the bench target first.
// `node bench/index.mjs [hnn]` runs only the named sections (all by default).
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '@phaseflow/tfjs';
import { keplerSystem, massSpringSystem, pendulumSystem } from '@phaseflow/datasets';

// By path, not by name and not as a static import: a library does not depend on its examples,
// and a static import would make nx see hamiltonian-nets → example-hamiltonian-nets, a cycle. The bench target
// builds the example first.
const { compareHamiltonianModels } = await import(new URL('../../../examples/hamiltonian-nets/dist/compare.js', import.meta.url).href);
const sections = process.argv.slice(2);
const run = (name) => sections.length === 0 || sections.includes(name);
const backend = await useBestBackend();
const out = { backend: backend.name };
const stats = (v) => {
  const mean = v.reduce((s, u) => s + u, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((s, u) => s + (u - mean) ** 2, 0) / Math.max(1, v.length - 1)), min: Math.min(...v), max: Math.max(...v), values: v };
};

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
        checkpoints: r.checkpoints.map((c) => ({
          iteration: c.iteration,
          hnn: c.hnnEnergyMse,
          baseline: c.baselineEnergyMse,
          hnnBetter: Array.from(c.hnnPerTest).filter((h, i) => h < c.baselinePerTest[i]).length + '/' + c.hnnPerTest.length,
        })),
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
