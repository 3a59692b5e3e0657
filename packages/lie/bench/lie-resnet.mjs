// The Lie-group ResNet (createLieResNet), one JSON document (run after a build:
// npx nx run @phaseflow/lie:bench:resnet). Peers measured in the same run, alternated:
// - forward and reverse-mode cost per (element × layer) of the Lie–Euler, RKMK2 and RKMK4
//   steps against the Euclidean residual step Y + h·A_θ(Y)·Y of the same network (SO(3),
//   hidden width 16, a batch of 64, 8 layers);
// - ‖YᵀY − I‖_F after 10⁴ Lie–Euler layers (T = 625) and after 512 Euclidean ones.
import { createRandom } from '@phaseflow/core';
import { SO3, createLieResNet } from '@phaseflow/lie';
import { loadavg } from 'node:os';

const B = 64;
const DEPTH = 8;
const rng = createRandom(1);
const Y0 = new Float64Array(9 * B);
for (let b = 0; b < B; b++) SO3.sample(rng, Y0.subarray(9 * b, 9 * b + 9));
const gOut = Float64Array.from(Y0, (y) => y);

const nets = Object.fromEntries(
  ['euclidean', 'lie-euler', 'rkmk2', 'rkmk4'].map((method) => [method, createLieResNet({ n: 3, depth: DEPTH, hidden: 16, method, seed: 2 })]),
);
const gTheta = Object.fromEntries(Object.entries(nets).map(([k, net]) => [k, new Float64Array(net.parameters.size)]));

/** The median of a list of timings. */
function median(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return s[s.length >> 1];
}
const ROUNDS = 7;
const samples = Object.fromEntries(Object.keys(nets).map((k) => [k, { forward: [], vjp: [] }]));
for (const [k, net] of Object.entries(nets)) for (let i = 0; i < 20; i++) net.vjp(Y0, gOut, gTheta[k]); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const [k, net] of Object.entries(nets)) {
    let t = performance.now();
    let reps = 0;
    while (performance.now() - t < 200 || reps < 3) {
      net.forward(Y0);
      reps++;
    }
    samples[k].forward.push((performance.now() - t) / reps);
    t = performance.now();
    reps = 0;
    while (performance.now() - t < 200 || reps < 3) {
      net.vjp(Y0, gOut, gTheta[k]);
      reps++;
    }
    samples[k].vjp.push((performance.now() - t) / reps);
  }
}
const perElementLayer = (ms) => (ms * 1e6) / (B * DEPTH); // ns
const cost = {};
for (const k of Object.keys(nets)) {
  const f = perElementLayer(median(samples[k].forward));
  const v = perElementLayer(median(samples[k].vjp));
  cost[k] = { forwardNs: +f.toFixed(0), vjpNs: +v.toFixed(0) };
}
for (const k of Object.keys(nets)) {
  cost[k].forwardRatio = +(cost[k].forwardNs / cost.euclidean.forwardNs).toFixed(2);
  cost[k].vjpRatio = +(cost[k].vjpNs / cost.euclidean.vjpNs).toFixed(2);
}

const worst = (Y) => {
  let m = 0;
  for (let b = 0; b < Y.length / 9; b++) m = Math.max(m, SO3.defect(Y.subarray(9 * b, 9 * b + 9)));
  return m;
};
const Yd = Y0.slice(0, 72);
const deep = createLieResNet({ n: 3, depth: 10_000, hidden: 8, finalTime: 625, method: 'lie-euler', sharedWeights: true, seed: 4 });
const flat = createLieResNet({ n: 3, depth: 512, hidden: 8, finalTime: 32, method: 'euclidean', sharedWeights: true, seed: 4 });
const drift = { lieEuler10000Layers: worst(deep.forward(Yd)), euclidean512Layers: worst(flat.forward(Yd)) };

console.log(
  JSON.stringify(
    {
      package: '@phaseflow/lie',
      bench: 'lie-resnet',
      node: process.version,
      loadAverage: loadavg().map((x) => +x.toFixed(1)),
      batch: B,
      depth: DEPTH,
      hidden: 16,
      costPerElementLayer: cost,
      drift,
    },
    null,
    2,
  ),
);
