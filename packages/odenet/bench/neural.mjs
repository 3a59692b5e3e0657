// Bench of part 2 (neural ODEs, HNNs, SympNets): prints one JSON document.
// Spiral training-step time per gradient mode, backward-pass memory at 10/100/1000 steps,
// gradient agreement, and the HNN paper's energy metric against a baseline MLP.
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '@phaseflow/tfjs';
import { keplerSystem, massSpringSystem, pendulumSystem } from '@phaseflow/datasets';
import { NeuralODE, compareHamiltonianModels, fitSpiral } from '@phaseflow/odenet';

const backend = await useBestBackend();
const out = { backend: backend.name, spiralStepMs: {}, memoryPeakTensors: {}, gradientAgreement: {}, energyMse: {} };

for (const gradient of ['backprop', 'adjoint', 'reversible']) {
  const fit = await fitSpiral({ gradient, iterations: 20 });
  out.spiralStepMs[gradient] = { msPerStep: +fit.msPerStep.toFixed(2), integrator: gradient === 'reversible' ? 'leapfrog (partitioned field)' : 'rk4', lossAfter20: fit.losses.at(-1) };
  fit.ode.dispose();
}

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

for (const [sys, epochs] of [[massSpringSystem(), 200], [pendulumSystem(), 200], [keplerSystem(), 100]]) {
  const r = await compareHamiltonianModels(sys, { epochs, seed: 0 });
  out.energyMse[r.system] = { hnn: r.hnnEnergyMse, baseline: r.baselineEnergyMse, epochs, hnnLoss: r.hnnLoss, baselineLoss: r.baselineLoss };
}
out.numTensorsAtEnd = tf.memory().numTensors;
console.log(JSON.stringify(out, null, 2));
