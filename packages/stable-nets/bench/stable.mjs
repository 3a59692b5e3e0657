// Stable architectures: training speed on the two engines vs a plain tf.layers ResNet (same
// run), the Hamiltonian block networks' forward + backward pass against PyTorch with 1 and 2
// threads (same run, alternated, identical work checked at iteration 1), stability at depth,
// toy-set accuracy, prolongation. Prints one JSON document. Runs on the builds of this package
// and of examples/stable-nets (for runToyClassification, imported by path: a library does not
// depend on its examples); `npx nx bench @phaseflow/stable-nets` builds both first, or:
//   npx nx run-many -t build -p @phaseflow/stable-nets @phaseflow/example-stable-nets && node bench/stable.mjs
// `--quick` runs the speed and stability parts only; `--only=torch,speed,...` the named parts.
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import readline from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import { createEngineTrainer, toTrainable32 } from '@phaseflow/nn64/tfjs';
import { createGradientTrainer, evaluate, readWeights, useBestBackend } from '@phaseflow/tfjs';
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
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const part = (name) => only === undefined || only.includes(name);
const backend = await useBestBackend();
const round = (v, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
const out = { backend: backend.name, machine: { cpus: os.cpus().length, node: process.version }, loadAverageStart: os.loadavg().map((v) => round(v, 2)) };
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
/** CPU time of this process in ms (robust to other jobs on a shared machine; the engine runs on one thread). */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

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

async function epochTime(model, data, epochs, engine) {
  const options = { optimizer: 'adam', learningRate: 0.01, epochs, batchSize: 64, seed: 1 };
  const h = await (engine === 'nn64' ? createEngineTrainer(options) : createGradientTrainer(options)).fit(model, data);
  if (engine === 'nn64' && h.engine !== 'nn64') throw new Error(`expected the nn64 engine, got ${h.engine} (${h.engineReason})`);
  return median(h.epochMs.slice(1)); // the first epoch compiles kernels
}

const roll = swissRoll({ n: 1024, seed: 1 });
const xs = tf.tensor2d(Float32Array.from(roll.x), [roll.n, 2]);
if (part('speed')) {
  const speed = [];
  for (const [width, depth] of [
    [8, 16],
    [32, 32],
  ]) {
    const data = { x: xs, y: roll.y };
    const epochs = 4;
    const peer = tfLayersResNet({ inputs: 2, classes: 2, width, depth, seed: 1 });
    const make = (block) => createStableNetwork({ inputs: 2, classes: 2, block, width, depth, finalTime: 4, seed: 1 });
    const models = { hamNn64: make('hamiltonian'), hamTfjs: make('hamiltonian'), resNn64: make('resnet'), resTfjs: make('resnet') };
    // Interleave the runs so machine load hits all alike.
    const t = { peer: [], hamNn64: [], hamTfjs: [], resNn64: [], resTfjs: [] };
    for (let rep = 0; rep < 2; rep++) {
      t.peer.push(await epochTime(peer, data, epochs, 'tfjs'));
      for (const [k, m] of Object.entries(models)) t[k].push(await epochTime(m, data, epochs, k.endsWith('Nn64') ? 'nn64' : 'tfjs'));
    }
    const best = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, round(Math.min(...v), 2)]));
    speed.push({
      width,
      depth,
      samples: roll.n,
      batchSize: 64,
      epochMs: {
        tfLayersResNet: best.peer,
        hamiltonianNn64: best.hamNn64,
        hamiltonianTfjs: best.hamTfjs,
        resnetBlockNn64: best.resNn64,
        resnetBlockTfjs: best.resTfjs,
      },
      ratioVsTfLayersResNet: {
        hamiltonianNn64: round(best.hamNn64 / best.peer),
        hamiltonianTfjs: round(best.hamTfjs / best.peer),
        resnetBlockNn64: round(best.resNn64 / best.peer),
        resnetBlockTfjs: round(best.resTfjs / best.peer),
      },
      note: 'a Hamiltonian step evaluates two layers (Y and Z updates), a ResNet step one; nn64 = createEngineTrainer (the default engine), tfjs = createGradientTrainer',
    });
    [peer, ...Object.values(models)].forEach((m) => m.dispose());
  }
  out.speed = speed;
}

if (part('torch')) {
  // Hamiltonian block networks (opening tanh dense → Hamiltonian block → closing dense,
  // cross-entropy), forward + backward, on nn64 (the network's float32 twin), on tfjs ops and in
  // a PyTorch module with 1 and 2 threads: same weights, same batch, alternated. Wall and CPU
  // time both: the 1-thread ratios are read on CPU time on a shared machine.
  const hasTorch = spawnSync('python3', ['-c', 'import torch']).status === 0;
  const startPeer = (threads) => {
    const child = spawn('python3', [new URL('./torch-peer.py', import.meta.url).pathname, String(threads)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const waiting = [];
    readline.createInterface({ input: child.stdout }).on('line', (l) => waiting.shift()?.(JSON.parse(l)));
    const next = () => new Promise((resolve) => waiting.push(resolve));
    const ready = next();
    return { ready, ask: (job) => (child.stdin.write(JSON.stringify(job) + '\n'), next()), close: () => child.stdin.end() };
  };
  const peers = hasTorch ? { torch1: startPeer(1), torch2: startPeer(2) } : {};
  const info = hasTorch ? await peers.torch1.ready : undefined;
  if (hasTorch) await peers.torch2.ready;
  const rows = [];
  for (const [width, depth] of [
    [8, 16],
    [16, 32],
    [32, 64],
  ]) {
    for (const batch of [64, 1024]) {
      const iterations = batch === 64 ? 20 : 6;
      const model = createStableNetwork({ inputs: 2, classes: 2, block: 'hamiltonian', width, depth, finalTime: 4, seed: 1 });
      const x = Float32Array.from(roll.x.subarray(0, 2 * batch));
      const labels = Array.from(roll.y.slice(0, batch));
      const xt = tf.tensor2d(x, [batch, 2]);
      const yt = tf.oneHot(tf.tensor1d(labels, 'int32'), 2);
      tf.tidy(() => model.predict(xt));
      const theta = readWeights(model.trainableWeights);
      const twin = toTrainable32(model);
      const gy = new Float32Array(2 * batch),
        grad = new Float32Array(twin.theta.length);
      const nn64 = () => {
        const ms = [],
          cpu = [];
        let first;
        for (let k = 0; k < iterations; k++) {
          const t0 = performance.now(),
            c0 = cpuMs();
          const p = twin.forwardTape(x, batch);
          let loss = 0;
          for (let r = 0; r < batch; r++) {
            loss -= Math.log(p[2 * r + labels[r]]) / batch;
            for (let j = 0; j < 2; j++) gy[2 * r + j] = (1 - (j === labels[r] ? 1 / p[2 * r + j] : 0)) / batch;
          }
          grad.fill(0);
          twin.backwardTape(gy, grad);
          ms.push(performance.now() - t0);
          cpu.push(cpuMs() - c0);
          if (k === 0) first = { loss, grad: grad.slice() };
        }
        return { ms, cpu, first };
      };
      const vars = model.trainableWeights.map((w) => w.read());
      const tfjs = () => {
        const ms = [],
          cpu = [];
        for (let k = 0; k < Math.min(iterations, 6); k++) {
          const t0 = performance.now(),
            c0 = cpuMs();
          const { value, grads } = tf.variableGrads(() => tf.mean(tf.metrics.categoricalCrossentropy(yt, model.apply(xt))), vars);
          value.dataSync();
          tf.dispose([value, ...Object.values(grads)]);
          ms.push(performance.now() - t0);
          cpu.push(cpuMs() - c0);
        }
        return { ms, cpu };
      };
      const job = { kind: 'hamiltonian', inputs: 2, width, depth, classes: 2, h: 4 / depth, theta: Array.from(theta), x: Array.from(x), y: labels, iterations };
      nn64();
      tfjs();
      const times = { nn64: [], tfjs: [], torch1: [], torch2: [] };
      const cpuTimes = { nn64: [], tfjs: [], torch1: [] };
      const ratios = { torch1: [], torch2: [], tfjs: [], torch1Cpu: [], tfjsCpu: [] };
      let check;
      let iteration1;
      for (let rep = 0; rep < 3; rep++) {
        const order = ['nn64', 'torch1', 'tfjs', 'torch2'];
        for (let i = 0; i < rep; i++) order.push(order.shift());
        const got = {},
          gotCpu = {};
        for (const side of order) {
          if (side === 'nn64') {
            const r = nn64();
            got.nn64 = median(r.ms.slice(1));
            gotCpu.nn64 = median(r.cpu.slice(1));
            check ??= r.first;
          } else if (side === 'tfjs') {
            const r = tfjs();
            got.tfjs = median(r.ms.slice(1));
            gotCpu.tfjs = median(r.cpu.slice(1));
          } else if (peers[side]) {
            const r = await peers[side].ask(job);
            got[side] = median(r.ms.slice(1));
            if (side === 'torch1') gotCpu.torch1 = median(r.cpuMs.slice(1));
            if (side === 'torch1' && iteration1 === undefined && check) {
              let num = 0,
                den = 0;
              for (let i = 0; i < check.grad.length; i++) {
                num += (check.grad[i] - r.first.grad[i]) ** 2;
                den += r.first.grad[i] ** 2;
              }
              iteration1 = { lossRelDiff: Math.abs(check.loss - r.first.loss) / r.first.loss, gradientRelErr: Math.sqrt(num / den) };
            }
          }
        }
        for (const [k, v] of Object.entries(got)) times[k].push(v);
        for (const [k, v] of Object.entries(gotCpu)) cpuTimes[k].push(v);
        for (const k of ['torch1', 'torch2', 'tfjs']) if (got[k] !== undefined) ratios[k].push(got.nn64 / got[k]);
        for (const k of ['torch1', 'tfjs']) if (gotCpu[k] !== undefined) ratios[`${k}Cpu`].push(gotCpu.nn64 / gotCpu[k]);
      }
      rows.push({
        width,
        depth,
        batch,
        kernel: twin.kernel,
        iteration1,
        ms: Object.fromEntries(
          Object.entries(times)
            .filter(([, v]) => v.length)
            .map(([k, v]) => [k, round(median(v), 3)]),
        ),
        cpuMs: Object.fromEntries(
          Object.entries(cpuTimes)
            .filter(([, v]) => v.length)
            .map(([k, v]) => [k, round(median(v), 3)]),
        ),
        ratio: Object.fromEntries(
          Object.entries(ratios)
            .filter(([, v]) => v.length)
            .map(([k, v]) => [`nn64Vs${k[0].toUpperCase()}${k.slice(1)}`, round(median(v))]),
        ),
      });
      process.stderr.write(`torch ${width}x${depth} batch ${batch}: ${JSON.stringify(rows.at(-1).ratio)}\n`);
      tf.dispose([xt, yt]);
      model.dispose();
    }
  }
  Object.values(peers).forEach((p) => p.close());
  out.hamiltonianBlocksVsTorch = {
    workload:
      'opening tanh dense (2 → w) → Hamiltonian block (depth N, T = 4) → closing dense (w → 2), cross-entropy; one forward + backward pass (no optimiser step)',
    peer: info ? { torch: info.torch, threads: [1, 2] } : { note: 'PyTorch not installed (python3 -c "import torch" failed): nn64 and tfjs only' },
    tfjsBackend: backend.name,
    rows,
  };
}

// ---- stability at depth, random weights ----
if (part('stability')) {
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
}

if (!quick && part('classification')) {
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
    (_m, level) => createEngineTrainer({ optimizer: 'adam', learningRate: level === 0 ? 0.02 : 0.01, batchSize: 64, seed: 1 }),
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
out.loadAverageEnd = os.loadavg().map((v) => round(v, 2));
out.tensorsLeft = tf.memory().numTensors;
console.log(JSON.stringify(out, null, 2));
