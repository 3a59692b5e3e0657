// Bench of @phaseflow/nn64: prints one JSON document.
// MLP training epochs — two moons 2-16-16-2, spirals 2-32-32-2 (batch 32) and a wide 2-256-256-2
// (batch 128), tanh, softmax cross-entropy, Adam — on the float32 engine (createMlp32 +
// createGradientTrainer32) against PyTorch with 1 thread and with 2 threads, in the same run,
// alternated. Identical work: both start from the same weights (sent to the peer), see the
// same data and the same per-epoch permutations; loss and gradient of the first minibatch are
// compared before anything is timed. Wall and CPU time are both recorded: on a shared machine
// the 1-thread ratio is read on CPU time (the work each side did), the 2-thread one on wall
// time (what a second thread buys); the engine's two-thread gemm (`threads: 2`, a helper worker
// on shared memory) is a fourth side, read against PyTorch on 2 threads on wall time. Then the same epochs with the plain-loop kernels
// (kernel: 'js') against the WebAssembly SIMD ones, which is what decides where SIMD runs.
// Run after a build: `npx nx bench @phaseflow/nn64` (or `node bench/index.mjs [mlp] [kernels]`); on
// Node ≥ 22 the gemm fuses its multiply–adds (relaxed SIMD), on Node 20 it cannot (`nn64.fma`).
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import readline from 'node:readline';
import { createRandom } from '@phaseflow/core';
import { fitStandardizer, moons, spirals } from '@phaseflow/datasets';
import { createGradientTrainer32, createMlp32, createWorkspace32 } from '@phaseflow/nn64';

const sections = process.argv.slice(2);
const run = (name) => sections.length === 0 || sections.includes(name);
const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (v, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
const out = {
  bench: '@phaseflow/nn64',
  node: process.version,
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model,
  loadAverageStart: os.loadavg().map((v) => round(v, 2)),
  // nn64 runs on one thread, and on two as the side nn64x2 (threads: 2, where the engine can); fma:
  // the gemm's multiply–adds are relaxed SIMD's f32x4.relaxed_madd (Node ≥ 22), else f32x4.mul +
  // f32x4.add (Node 20).
  nn64: { threads: [1, createMlp32({ sizes: [2, 2], threads: 2 }).threads], kernel: createWorkspace32().kind, fma: createWorkspace32().fma },
};

// ---- the PyTorch peers (one process per thread count, started once) ----
function startPeer(threads) {
  const probe = spawnSync('python3', ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  const child = spawn('python3', [new URL('./torch-peer.py', import.meta.url).pathname, String(threads)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (l) => waiting.shift()?.(JSON.parse(l)));
  const next = () => new Promise((resolve) => waiting.push(resolve));
  const ready = next();
  return {
    ready,
    ask: (job) => {
      const answer = next();
      child.stdin.write(JSON.stringify(job) + '\n');
      return answer;
    },
    close: () => child.stdin.end(),
  };
}
const peers = { 1: startPeer(1), 2: startPeer(2) };
const torchInfo = peers[1] ? await peers[1].ready : undefined;
if (peers[2]) await peers[2].ready;
out.peer = torchInfo ? { torch: torchInfo.torch, threads: [1, 2] } : { note: 'PyTorch not installed (python3 -c "import torch" failed): nn64 figures alone' };

// ---- data: as @phaseflow/tfjs's bench (1000 points, seed 1) ----
const moonSet = moons({ n: 1000, noise: 0.1, seed: 1 });
const spiralSet = spirals({ n: 1000, classes: 2, turns: 1.5, noise: 0.025, seed: 1 });
const spiralX = Float32Array.from(fitStandardizer(spiralSet.x, 2).transform(spiralSet.x));
const tasks = {
  moons: { sizes: [2, 16, 16, 2], inputs: Float32Array.from(moonSet.x), targets: moonSet.y, batch: 32, lr: 0.02, epochs: 6 },
  spirals: { sizes: [2, 32, 32, 2], inputs: spiralX, targets: spiralSet.y, batch: 32, lr: 0.02, epochs: 6 },
  // 8 epochs, the first 3 left out: a new network's first epochs run while V8 still compiles the
  // trainer's code on its background threads (CPU time 5–20 ms above wall time an epoch, measured
  // with a 12-epoch trace), which is not the work of a training step.
  wide: { sizes: [2, 256, 256, 2], inputs: Float32Array.from(moonSet.x), targets: moonSet.y, batch: 128, lr: 0.005, epochs: 8, skip: 3 },
};

/** The permutations createGradientTrainer32({ seed }) draws, epoch by epoch. */
function permutations(n, epochs, seed) {
  const rng = createRandom(seed);
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: epochs }, () => Array.from(rng.shuffle(idx)));
}

/** Loss and ∂θ of the first minibatch on our side (softmax cross-entropy as the trainer computes it). */
function firstBatch(task, theta, perm) {
  const net = createMlp32({ sizes: task.sizes, output: 'softmax', theta: theta.slice() });
  const rows = task.batch;
  const k = task.sizes.at(-1);
  const x = new Float32Array(rows * 2);
  const labels = [];
  for (let r = 0; r < rows; r++) {
    x.set(task.inputs.subarray(2 * perm[r], 2 * perm[r] + 2), 2 * r);
    labels.push(task.targets[perm[r]]);
  }
  const p = net.forwardTape(x, rows);
  const gy = new Float32Array(rows * k);
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    loss -= Math.log(p[r * k + labels[r]]) / rows;
    for (let j = 0; j < k; j++) gy[r * k + j] = (1 - (j === labels[r] ? 1 / p[r * k + j] : 0)) / rows;
  }
  const grad = new Float32Array(theta.length);
  net.backwardTape(gy, grad);
  return { loss, grad };
}

const relErr = (a, b) => {
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
};

/** CPU time of this process in ms: robust to other jobs on a shared machine (the engine runs on one thread). */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function ours(task, theta, kernel = 'auto', threads = 1) {
  const net = createMlp32({ sizes: task.sizes, output: 'softmax', theta: theta.slice(), kernel, threads });
  const epochCpuMs = [];
  let c0 = 0;
  const clock = { name: 'cpu-clock', on: { 'run:start': () => void (c0 = cpuMs()), 'epoch:end': () => void (epochCpuMs.push(cpuMs() - c0), (c0 = cpuMs())) } };
  const h = await createGradientTrainer32({ learningRate: task.lr, epochs: task.epochs, batchSize: task.batch, seed: 1 }).fit(
    net,
    { inputs: task.inputs, targets: task.targets },
    { observers: [clock] },
  );
  return { epochMs: h.epochMs, epochCpuMs, backend: h.backend, threads: h.threads, accuracy: h.metrics.accuracy.at(-1) };
}

if (run('mlp')) {
  out.mlp = {};
  for (const [name, task] of Object.entries(tasks)) {
    process.stderr.write(`mlp ${name}\n`);
    const theta = createMlp32({ sizes: task.sizes, seed: 3 }).theta.slice();
    const perms = permutations(task.inputs.length / 2, task.epochs, 1);
    const job = {
      kind: 'mlp',
      sizes: task.sizes,
      theta: Array.from(theta),
      x: Array.from(task.inputs),
      y: Array.from(task.targets),
      lr: task.lr,
      batch: task.batch,
      perms,
    };
    const row = { model: `mlp ${task.sizes.join('-')} tanh/softmax, adam lr ${task.lr}, batch ${task.batch}, 1000 samples`, epochs: task.epochs };
    await ours(task, theta); // warm-up (JIT, wasm compilation)
    await ours(task, theta, 'auto', 2);
    const reps = 3;
    const times = { nn64: [], nn64x2: [], torch1: [], torch2: [] };
    const cpu = { nn64: [], torch1: [] };
    const ratios = { torch1: [], torch2: [], torch1Cpu: [], x2Torch2: [] };
    for (let rep = 0; rep < reps; rep++) {
      // Alternated, the order rotated each repetition so load hits every side alike.
      const order = ['nn64', 'nn64x2', 'torch1', 'torch2'];
      for (let i = 0; i < rep; i++) order.push(order.shift());
      const got = {};
      const gotCpu = {};
      for (const side of order) {
        if (side === 'nn64') {
          const r = await ours(task, theta);
          got.nn64 = median(r.epochMs.slice(task.skip ?? 1));
          gotCpu.nn64 = median(r.epochCpuMs.slice(task.skip ?? 1));
        } else if (side === 'nn64x2') {
          const r = await ours(task, theta, 'auto', 2);
          row.nn64x2Threads = r.threads;
          got.nn64x2 = median(r.epochMs.slice(task.skip ?? 1));
        } else if (peers[side === 'torch1' ? 1 : 2]) {
          const r = await peers[side === 'torch1' ? 1 : 2].ask(job);
          got[side] = median(r.epochMs.slice(task.skip ?? 1));
          if (side === 'torch1') gotCpu.torch1 = median(r.epochCpuMs.slice(task.skip ?? 1));
          if (rep === 0 && side === 'torch1') {
            const mine = firstBatch(task, theta, perms[0]);
            row.iteration1 = { lossRelDiff: Math.abs(mine.loss - r.first.loss) / Math.abs(r.first.loss), gradientRelErr: relErr(mine.grad, r.first.grad) };
          }
        }
      }
      for (const side of Object.keys(got)) times[side].push(got[side]);
      for (const side of Object.keys(gotCpu)) cpu[side].push(gotCpu[side]);
      for (const side of ['torch1', 'torch2']) if (got[side] !== undefined) ratios[side].push(got.nn64 / got[side]);
      if (got.torch2 !== undefined) ratios.x2Torch2.push(got.nn64x2 / got.torch2);
      if (gotCpu.torch1 !== undefined) ratios.torch1Cpu.push(gotCpu.nn64 / gotCpu.torch1);
    }
    row.epochMs = Object.fromEntries(
      Object.entries(times)
        .filter(([, v]) => v.length)
        .map(([k, v]) => [k, round(median(v), 2)]),
    );
    row.epochCpuMs = Object.fromEntries(
      Object.entries(cpu)
        .filter(([, v]) => v.length)
        .map(([k, v]) => [k, round(median(v), 2)]),
    );
    if (ratios.torch1.length)
      row.ratio = {
        vsTorch1ThreadCpu: round(median(ratios.torch1Cpu)),
        vsTorch1ThreadWall: round(median(ratios.torch1)),
        vsTorch2ThreadsWall: round(median(ratios.torch2)),
        twoThreadsVsTorch2ThreadsWall: round(median(ratios.x2Torch2)),
      };
    row.ratios = Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, v.map((r) => round(r))]));
    out.mlp[name] = row;
  }
}

if (run('kernels')) {
  // The same training epochs with the plain-loop kernels: where WebAssembly SIMD pays.
  out.kernels = {};
  for (const [name, task] of Object.entries(tasks)) {
    process.stderr.write(`kernels ${name}\n`);
    const theta = createMlp32({ sizes: task.sizes, seed: 3 }).theta.slice();
    const t = { 'wasm-simd': [], js: [] };
    const small = { ...task, epochs: name === 'wide' ? 2 : 3 };
    await ours(small, theta, 'js');
    for (let rep = 0; rep < 2; rep++) {
      t['wasm-simd'].push(median((await ours(small, theta)).epochCpuMs.slice(1)));
      t.js.push(median((await ours(small, theta, 'js')).epochCpuMs.slice(1)));
    }
    out.kernels[name] = {
      epochCpuMs: { wasmSimd: round(median(t['wasm-simd']), 2), js: round(median(t.js), 2) },
      jsOverWasm: round(median(t.js) / median(t['wasm-simd'])),
    };
  }
}
peers[1]?.close();
peers[2]?.close();
out.loadAverageEnd = os.loadavg().map((v) => round(v, 2));
console.log(JSON.stringify(out, null, 2));
