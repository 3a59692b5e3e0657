// Bench of @phaseflow/tfjs: accuracy of the gradient Trainer on two moons and spirals, and
// its epoch time (CPU time of the process, and wall time) against an equivalent plain `model.fit`, on the wasm and cpu backends, in
// one run. Prints one JSON document. Run after a build: `npx nx bench @phaseflow/tfjs`.
import * as tf from '@tensorflow/tfjs';
import { createGradientTrainer, createMlp, evaluate, useBestBackend } from '@phaseflow/tfjs';
import { fitStandardizer, moons, spirals } from '@phaseflow/datasets';

const quick = process.argv.includes('--quick');
const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (v, d = 4) => Math.round(v * 10 ** d) / 10 ** d;
// CPU time of this process in ms: robust to other jobs on a shared machine (tfjs runs on one
// thread here, so CPU time ≈ the epoch's work); wall time is reported beside it.
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// Data from @phaseflow/datasets as rows and labels. Spirals (two arms, 1.5 turns, radius 1,
// noise 0.025) are standardised with the statistics of the training set (seed 1).
const rows = (set, x = set.x) => ({ x: Array.from({ length: set.n }, (_, i) => Array.from(x.subarray(i * set.dim, (i + 1) * set.dim))), y: Array.from(set.y) });
const twoMoons = (seed) => rows(moons({ n: 1000, noise: 0.1, seed }));
const spiralSet = (seed) => spirals({ n: 1000, classes: 2, turns: 1.5, noise: 0.025, seed });
const spiralScaler = fitStandardizer(spiralSet(1).x, 2);
const twoSpirals = (seed) => {
  const s = spiralSet(seed);
  return rows(s, spiralScaler.transform(s.x));
};

const tasks = {
  moons: { data: twoMoons, hidden: [16, 16], epochs: 30, learningRate: 0.02 },
  spirals: { data: twoSpirals, hidden: [32, 32], epochs: 60, learningRate: 0.02 },
  // Timing only: a wide MLP where kernels, not dispatch, dominate (wasm vs cpu shows here).
  wideMoons: { data: twoMoons, hidden: [256, 256], epochs: 4, learningRate: 0.005, batchSize: 128 },
};

async function ours(task, epochs, shuffleSeed = 1) {
  const model = createMlp({ inputs: 2, hidden: task.hidden, outputs: 2, seed: 3 });
  const epochCpu = [];
  let c0 = 0;
  const clock = {
    name: 'cpu-clock',
    on: {
      'run:start': () => void (c0 = cpuMs()),
      'epoch:end': () => {
        const c = cpuMs();
        epochCpu.push(c - c0);
        c0 = c;
      },
    },
  };
  const h = await createGradientTrainer({ learningRate: task.learningRate, epochs, batchSize: task.batchSize ?? 32, seed: shuffleSeed }).fit(
    model,
    task.data(1),
    { observers: [clock] },
  );
  const acc = evaluate(model, task.data(2)).accuracy;
  model.dispose();
  return { accuracy: acc, epochMs: h.epochMs, epochCpu };
}

async function plainFit(task, epochs) {
  const model = createMlp({ inputs: 2, hidden: task.hidden, outputs: 2, seed: 3 });
  model.compile({ optimizer: tf.train.adam(task.learningRate), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const train = task.data(1);
  const x = tf.tensor2d(train.x);
  const y = tf.tensor2d(train.y, [train.y.length, 1]);
  const epochMs = [];
  const epochCpu = [];
  let t0 = 0;
  let c0 = 0;
  await model.fit(x, y, {
    epochs,
    batchSize: task.batchSize ?? 32,
    shuffle: true,
    verbose: 0,
    callbacks: {
      onEpochBegin: async () => {
        t0 = performance.now();
        c0 = cpuMs();
      },
      onEpochEnd: async () => {
        epochMs.push(performance.now() - t0);
        epochCpu.push(cpuMs() - c0);
      },
    },
  });
  tf.dispose([x, y]);
  const acc = evaluate(model, task.data(2)).accuracy;
  model.optimizer.dispose();
  model.dispose();
  return { accuracy: acc, epochMs, epochCpu };
}

const results = {};
for (const backend of ['wasm', 'cpu']) {
  const info = await useBestBackend({ prefer: backend });
  results[backend] = { backend: info.name };
  for (const [name, task] of Object.entries(tasks)) {
    const epochs = quick ? Math.min(task.epochs, 3) : task.epochs;
    process.stderr.write(`${backend} ${name} (${epochs} epochs)\n`);
    const before = tf.memory().numTensors;
    // Warm both paths up (kernel compilation, JIT) before anything is timed.
    await ours(task, 1);
    await plainFit(task, 1);
    // Alternate the two so machine noise hits both alike (twice on wasm, once on the slow cpu).
    const a = await ours(task, epochs);
    const b = await plainFit(task, epochs);
    const [a2, b2] = backend === 'wasm' ? [await ours(task, epochs), await plainFit(task, epochs)] : [a, b];
    const pool = (r, r2, key) => median([...r[key].slice(1), ...(r2 === r ? [] : r2[key].slice(1))]);
    const oursMs = pool(a, a2, 'epochMs');
    const fitMs = pool(b, b2, 'epochMs');
    const oursCpu = pool(a, a2, 'epochCpu');
    const fitCpu = pool(b, b2, 'epochCpu');
    results[backend][name] = {
      samples: { train: 1000, test: 1000 },
      model: `mlp 2-${task.hidden.join('-')}-2 tanh/softmax, adam lr ${task.learningRate}, batch ${task.batchSize ?? 32}`,
      epochs,
      trainerAccuracy: round(a.accuracy),
      modelFitAccuracy: round(b.accuracy),
      trainerEpochMs: round(oursMs, 2),
      modelFitEpochMs: round(fitMs, 2),
      trainerEpochCpuMs: round(oursCpu, 2),
      modelFitEpochCpuMs: round(fitCpu, 2),
      overhead: round(oursCpu / fitCpu, 3),
      overheadWall: round(oursMs / fitMs, 3),
      tensorsLeaked: tf.memory().numTensors - before,
    };
  }
}
// Spread over shuffle orders: our Trainer with shuffle seeds 1–5, model.fit five times
// (its shuffles use Math.random), same initial weights, wasm backend.
await useBestBackend({ prefer: 'wasm' });
const spread = {};
if (!quick) {
  for (const name of ['moons', 'spirals']) {
    const task = tasks[name];
    process.stderr.write(`spread ${name}\n`);
    const trainer = [];
    const fit = [];
    for (let s = 1; s <= 5; s++) {
      trainer.push(round((await ours(task, task.epochs, s)).accuracy));
      fit.push(round((await plainFit(task, task.epochs)).accuracy));
    }
    spread[name] = { trainerAccuracyBySeed: trainer, modelFitAccuracyByRun: fit };
  }
}
results.spread = spread;
const wasm = results.wasm;
const cpu = results.cpu;
console.log(
  JSON.stringify(
    {
      package: '@phaseflow/tfjs',
      node: process.version,
      tfjs: tf.version.tfjs,
      goals: {
        moonsAccuracyAtLeast97: wasm.moons.trainerAccuracy >= 0.97 && cpu.moons.trainerAccuracy >= 0.97,
        spiralsAccuracyAtLeast95: wasm.spirals.trainerAccuracy >= 0.95 && cpu.spirals.trainerAccuracy >= 0.95,
        wasmCpuAccuracyGap: {
          moons: round(Math.abs(wasm.moons.trainerAccuracy - cpu.moons.trainerAccuracy)),
          spirals: round(Math.abs(wasm.spirals.trainerAccuracy - cpu.spirals.trainerAccuracy)),
        },
        trainerOverheadAtMost1_1: Math.max(wasm.moons.overhead, wasm.spirals.overhead, wasm.wideMoons.overhead) <= 1.1,
        wasmOverCpuEpochSpeedup: {
          moons: round(cpu.moons.trainerEpochCpuMs / wasm.moons.trainerEpochCpuMs, 2),
          wideMoons: round(cpu.wideMoons.trainerEpochCpuMs / wasm.wideMoons.trainerEpochCpuMs, 2),
        },
      },
      results,
    },
    null,
    2,
  ),
);
