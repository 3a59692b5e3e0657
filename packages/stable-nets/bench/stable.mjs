// Stable architectures: speed vs a plain tf.layers ResNet (same run), stability at depth,
// toy-set accuracy, prolongation. Prints one JSON document. Runs on the builds of this package
// and of examples/stable-nets (for runToyClassification, imported by path: a library does not
// depend on its examples); `npx nx bench @phaseflow/stable-nets` builds both first, or:
//   npx nx run-many -t build -p @phaseflow/stable-nets @phaseflow/example-stable-nets && node bench/stable.mjs
// `--quick` runs the speed and stability parts only.
import * as tf from '@tensorflow/tfjs';
import { createGradientTrainer, evaluate, useBestBackend } from '@phaseflow/tfjs';
import { split, standardize, swissRoll } from '@phaseflow/datasets';
import {
  AntisymmetricBlock,
  HamiltonianBlock,
  IntegratorBlock,
  LeapfrogBlock,
  ParabolicBlock,
  ResNetBlock,
  createStableNetwork,
  measureStability,
  prolongModel,
  trainMultilevel,
} from '@phaseflow/stable-nets';
import { createYoshida6 } from '@phaseflow/symplectic';
// By path, not by name and not as a static import: a library does not depend on its examples,
// and a static import would make nx see stable-nets → example-stable-nets, a cycle. The bench
// target's dependsOn builds the example first.
const { runToyClassification } = await import(new URL('../../../examples/stable-nets/dist/toy-classification.js', import.meta.url).href);

const quick = process.argv.includes('--quick');
const backend = await useBestBackend();
const out = { backend: backend.name, machine: { cpus: (await import('node:os')).cpus().length, node: process.version } };
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

// ---- speed: epoch time, Hamiltonian network vs a tf.layers ResNet of the same width/depth ----
function tfLayersResNet({ inputs, classes, width, depth, seed }) {
  const input = tf.input({ shape: [inputs] });
  let y = tf.layers.dense({ units: width, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed }) }).apply(input);
  for (let j = 0; j < depth; j++) {
    const f = tf.layers.dense({ units: width, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + j + 1 }) }).apply(y);
    y = tf.layers.add().apply([y, f]);
  }
  const output = tf.layers.dense({ units: classes, activation: 'softmax' }).apply(y);
  return tf.model({ inputs: input, outputs: output });
}

async function epochTime(model, data, epochs) {
  const h = await createGradientTrainer({ optimizer: 'adam', learningRate: 0.01, epochs, batchSize: 64, seed: 1 }).fit(model, data);
  return median(h.epochMs.slice(1)); // the first epoch compiles kernels
}

const roll = swissRoll({ n: 1024, seed: 1 });
const xs = tf.tensor2d(Float32Array.from(roll.x), [roll.n, 2]);
const speed = [];
for (const [width, depth] of [
  [8, 16],
  [32, 32],
]) {
  const data = { x: xs, y: roll.y };
  const epochs = 4;
  const peer = tfLayersResNet({ inputs: 2, classes: 2, width, depth, seed: 1 });
  const ham = createStableNetwork({ inputs: 2, classes: 2, block: 'hamiltonian', width, depth, finalTime: 4, seed: 1 });
  const res = createStableNetwork({ inputs: 2, classes: 2, block: 'resnet', width, depth, finalTime: 4, seed: 1 });
  // Interleave the runs so machine load hits all three alike.
  const t = { peer: [], ham: [], res: [] };
  for (let rep = 0; rep < 2; rep++) {
    t.peer.push(await epochTime(peer, data, epochs));
    t.ham.push(await epochTime(ham, data, epochs));
    t.res.push(await epochTime(res, data, epochs));
  }
  const p = Math.min(...t.peer),
    hm = Math.min(...t.ham),
    rs = Math.min(...t.res);
  speed.push({
    width,
    depth,
    samples: roll.n,
    batchSize: 64,
    epochMs: { tfLayersResNet: p, hamiltonian: hm, resnetBlock: rs },
    ratio: { hamiltonianVsTfLayersResNet: hm / p, resnetBlockVsTfLayersResNet: rs / p },
    note: 'a Hamiltonian step evaluates two layers (Y and Z updates), a ResNet step one',
  });
  [peer, ham, res].forEach((m) => m.dispose());
}
out.speed = speed;

// ---- stability at depth, random weights ----
const kinds = {
  resnet: (depth, finalTime) => new ResNetBlock({ depth, finalTime, seed: 1 }),
  antisymmetric: (depth, finalTime) => new AntisymmetricBlock({ depth, finalTime, seed: 1 }),
  'antisymmetric(gamma=0.01)': (depth, finalTime) => new AntisymmetricBlock({ depth, finalTime, seed: 1, gamma: 0.01 }),
  hamiltonian: (depth, finalTime) => new HamiltonianBlock({ depth, finalTime, seed: 1 }),
  leapfrog: (depth, finalTime) => new LeapfrogBlock({ depth, finalTime, seed: 1 }),
  parabolic: (depth, finalTime) => new ParabolicBlock({ depth, finalTime, seed: 1 }),
  'integrator(yoshida6)': (depth, finalTime) => new IntegratorBlock({ integrator: createYoshida6(), depth, finalTime, seed: 1 }),
};
out.stability = { width: 8, batch: 16, h: 0.1, init: 'K ~ N(0, 1/w), b = 0, tanh', blocks: {} };
for (const [name, make] of Object.entries(kinds)) {
  out.stability.blocks[name] = measureStability(make, { width: 8, batch: 16, h: 0.1, seed: 0 }).map((r) => ({
    depth: r.depth,
    growth: r.growth,
    gradientRatio: r.gradientRatio,
  }));
}

if (!quick) {
  // ---- toy classification (the accuracy goals) ----
  const runs = [
    { data: 'swiss-roll', block: 'hamiltonian', n: 1024, width: 8, depth: 16, finalTime: 4, epochs: 60 },
    { data: 'swiss-roll', block: 'antisymmetric', n: 1024, width: 8, depth: 16, finalTime: 4, epochs: 60 },
    { data: 'peaks', block: 'hamiltonian', n: 2000, width: 8, depth: 16, finalTime: 4, epochs: 80 },
    { data: 'peaks', block: 'antisymmetric', n: 2000, width: 8, depth: 16, finalTime: 4, epochs: 80 },
  ];
  out.classification = [];
  for (const r of runs) {
    const res = await runToyClassification({ ...r, learningRate: 0.02, batchSize: 64, seed: 1, prolong: true, fineTuneEpochs: 2 });
    const { history: _h, ...rest } = res;
    out.classification.push({
      ...rest,
      prolongationDropPoints: 100 * (res.testAccuracy - res.prolongedTestAccuracy),
      dropAfterFineTuningPoints: res.fineTunedTestAccuracy.map((a) => 100 * (res.testAccuracy - a)),
    });
  }

  // ---- multilevel schedule: 4 → 8 → 16 steps on the Swiss roll ----
  const { train, test } = standardize(split(roll, { train: 0.8, validation: 0, seed: 2 }));
  const xTrain = tf.tensor2d(Float32Array.from(train.x), [train.n, 2]);
  const xTest = tf.tensor2d(Float32Array.from(test.x), [test.n, 2]);
  const model = createStableNetwork({ inputs: 2, classes: 2, block: 'hamiltonian', width: 8, depth: 4, finalTime: 4, seed: 1 });
  const levels = [];
  const started = performance.now();
  const result = await trainMultilevel(
    model,
    (_m, level) => createGradientTrainer({ optimizer: 'adam', learningRate: level === 0 ? 0.02 : 0.01, batchSize: 64, seed: 1 }),
    { x: xTrain, y: train.y },
    {
      levels: 3,
      epochs: [40, 15, 10],
      onLevel: ({ depth, model: m }) => {
        const testAccuracy = evaluate(m, { x: xTest, y: test.y }).accuracy;
        const fine = prolongModel(m);
        const prolongedTestAccuracy = evaluate(fine, { x: xTest, y: test.y }).accuracy;
        fine.dispose();
        levels.push({ depth, testAccuracy, prolongedTestAccuracy, prolongationDropPoints: 100 * (testAccuracy - prolongedTestAccuracy) });
      },
    },
  );
  out.multilevel = {
    data: 'swiss-roll',
    block: 'hamiltonian',
    width: 8,
    finalTime: 4,
    epochs: [40, 15, 10],
    optimizer: 'adam',
    learningRate: [0.02, 0.01, 0.01],
    levels,
    totalMs: performance.now() - started,
  };
  result.model.dispose();
  tf.dispose([xTrain, xTest]);
}
xs.dispose();
out.tensorsLeft = tf.memory().numTensors;
console.log(JSON.stringify(out, null, 2));
