// Bench of @phaseflow/hamiltonian-nets: prints one JSON document.
// `hnn`: the HNN paper's energy metric against a baseline MLP (3 seeds per system), trained on
// the layers' default engine (nn64's float32 engine); the experiment runner lives in
// examples/hamiltonian-nets, built by the bench target first.
// `speed`: the HNN 200-200 training step (full batch of 750 mass-spring samples, Adam with
// weight decay, Greydanus et al.'s recipe) on nn64, on tfjs ops and in PyTorch with 1 and with
// 2 threads, in the same run, alternated; the same weights, data and step on every side, the
// loss and gradient of the first step checked against PyTorch's before anything is timed.
// Wall and CPU time are both recorded: on a shared machine the 1-thread ratios are read on CPU
// time, the 2-thread one on wall time.
// `node bench/index.mjs [hnn] [speed]` runs only the named sections (all by default).
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import readline from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '@phaseflow/tfjs';
import { hamiltonianSamples, keplerSystem, massSpringSystem, pendulumSystem } from '@phaseflow/datasets';
import { createAdam, createGradientField32 } from '@phaseflow/nn64';
import { HamiltonianNN } from '@phaseflow/hamiltonian-nets';

// By path, not by name and not as a static import: a library does not depend on its examples,
// and a static import would make nx see hamiltonian-nets → example-hamiltonian-nets, a cycle. The bench target
// builds the example first.
const { compareHamiltonianModels } = await import(new URL('../../../examples/hamiltonian-nets/dist/compare.js', import.meta.url).href);
const sections = process.argv.slice(2);
const run = (name) => sections.length === 0 || sections.includes(name);
const backend = await useBestBackend();
const round = (v, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
const out = { backend: backend.name, node: process.version, cpus: os.cpus().length, loadAverageStart: os.loadavg().map((v) => round(v, 2)) };
/** CPU time of this process in ms (robust to other jobs on a shared machine; the engine runs on one thread). */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
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
if (run('speed')) {
  // PyTorch peers, one process per thread count (skipped with a note where torch is absent).
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
  const data = hamiltonianSamples(massSpringSystem(), { trajectories: 25, points: 30, tEnd: 6, noise: 0.1, seed: 0 });
  const sizes = [2, 200, 200, 1];
  const steps = 12;
  const lr = 1e-3,
    weightDecay = 1e-4;
  const x = Float32Array.from(data.x),
    y = Float32Array.from(data.y);
  const theta0 = createGradientField32({ sizes, seed: 0 }).theta.slice();
  const mse = (f, gy) => {
    let s = 0;
    for (let i = 0; i < f.length; i++) {
      const e = f[i] - y[i];
      s += e * e;
      gy[i] = (2 * e) / f.length;
    }
    return s / f.length;
  };
  /** nn64: the HNN layer's twin (nn64's gradient field), in-place Adam. */
  const nn64Steps = (threads = 1) => {
    const field = createGradientField32({ sizes, symplectic: true, theta: theta0.slice(), threads });
    const adam = createAdam({ size: field.theta.length, learningRate: lr, weightDecay });
    const grad = new Float32Array(field.theta.length),
      gy = new Float32Array(y.length);
    const ms = [],
      cpu = [];
    let first;
    for (let k = 0; k < steps; k++) {
      const t0 = performance.now(),
        c0 = cpuMs();
      const loss = mse(field.forwardTape(x, data.n), gy);
      grad.fill(0);
      field.backwardTape(gy, grad);
      if (k === 0) first = { loss, grad: grad.slice() };
      adam.step(field.theta, grad);
      ms.push(performance.now() - t0);
      cpu.push(cpuMs() - c0);
    }
    field.forwardTape(x, 4); // (a smaller tape: the helper thread of the big one stops now, not at GC)
    return { ms, cpu, first, kernel: field.kernel, threads: field.threads };
  };
  /** tfjs: the HNN layer's own call under tf.train.adam, as the tfjs path trains it. */
  const tfjsSteps = () => {
    const hnn = new HamiltonianNN({ hidden: [200, 200], seed: 0, engine: 'tfjs' });
    const xt = tf.tensor2d(x, [data.n, 2]),
      yt = tf.tensor2d(y, [data.n, 2]);
    tf.tidy(() => {
      hnn.forward(tf.slice(xt, 0, 1));
    });
    const vars = hnn.trainableWeights.map((w) => w.read());
    const opt = tf.train.adam(lr);
    const ms = [],
      cpu = [];
    for (let k = 0; k < steps; k++) {
      const t0 = performance.now(),
        c0 = cpuMs();
      const loss = opt.minimize(
        () => tf.add(tf.mean(tf.square(tf.sub(hnn.apply(xt), yt))), tf.mul(weightDecay / 2, tf.addN(vars.map((v) => tf.sum(tf.square(v)))))),
        true,
        vars,
      );
      loss.dataSync();
      loss.dispose();
      ms.push(performance.now() - t0);
      cpu.push(cpuMs() - c0);
    }
    opt.dispose();
    tf.dispose([xt, yt]);
    hnn.dispose();
    return { ms, cpu };
  };
  const job = { kind: 'hnn', sizes, theta: Array.from(theta0), x: Array.from(x), y: Array.from(y), steps, lr, weightDecay };
  nn64Steps(); // warm-up
  nn64Steps(2);
  tfjsSteps();
  const times = { nn64: [], nn64x2: [], tfjs: [], torch1: [], torch2: [] };
  const cpuTimes = { nn64: [], tfjs: [], torch1: [] };
  const ratios = { torch1: [], torch2: [], tfjs: [], torch1Cpu: [], tfjsCpu: [], nn64x2VsTorch2: [] };
  let check;
  let kernel;
  let x2Threads;
  for (let rep = 0; rep < 3; rep++) {
    const order = ['nn64', 'torch1', 'tfjs', 'torch2', 'nn64x2'];
    for (let i = 0; i < rep; i++) order.push(order.shift());
    const got = {},
      gotCpu = {};
    for (const side of order) {
      if (side === 'nn64') {
        const r = nn64Steps();
        got.nn64 = median(r.ms.slice(2));
        gotCpu.nn64 = median(r.cpu.slice(2));
        kernel = r.kernel;
        if (rep === 0) check = r.first;
      } else if (side === 'nn64x2') {
        const r = nn64Steps(2);
        got.nn64x2 = median(r.ms.slice(2));
        x2Threads = r.threads;
      } else if (side === 'tfjs') {
        const r = tfjsSteps();
        got.tfjs = median(r.ms.slice(2));
        gotCpu.tfjs = median(r.cpu.slice(2));
      } else if (peers[side]) {
        const r = await peers[side].ask(job);
        got[side] = median(r.stepMs.slice(2));
        if (side === 'torch1') gotCpu.torch1 = median(r.stepCpuMs.slice(2));
        if (side === 'torch1' && check && !out.speedCheck) {
          let num = 0,
            den = 0;
          for (let i = 0; i < check.grad.length; i++) {
            num += (check.grad[i] - r.first.grad[i]) ** 2;
            den += r.first.grad[i] ** 2;
          }
          out.speedCheck = { lossRelDiff: Math.abs(check.loss - r.first.loss) / r.first.loss, gradientRelErr: Math.sqrt(num / den) };
        }
      }
    }
    for (const [k, v] of Object.entries(got)) times[k].push(v);
    for (const [k, v] of Object.entries(gotCpu)) cpuTimes[k].push(v);
    for (const k of ['torch1', 'torch2', 'tfjs']) if (got[k] !== undefined) ratios[k].push(got.nn64 / got[k]);
    if (got.torch2 !== undefined) ratios.nn64x2VsTorch2.push(got.nn64x2 / got.torch2);
    for (const k of ['torch1', 'tfjs']) if (gotCpu[k] !== undefined) ratios[`${k}Cpu`].push(gotCpu.nn64 / gotCpu[k]);
  }
  Object.values(peers).forEach((p) => p.close());
  out.speed = {
    workload: 'HNN 200-200 tanh training step: full batch of 750 mass-spring samples, J∇H_θ vs observed derivatives (MSE), Adam lr 1e-3, weight decay 1e-4',
    peer: info ? { torch: info.torch, threads: [1, 2] } : { note: 'PyTorch not installed (python3 -c "import torch" failed): nn64 and tfjs only' },
    kernel,
    nn64x2Threads: x2Threads,
    tfjsBackend: backend.name,
    iteration1: out.speedCheck,
    stepMs: Object.fromEntries(
      Object.entries(times)
        .filter(([, v]) => v.length)
        .map(([k, v]) => [k, round(median(v), 2)]),
    ),
    stepCpuMs: Object.fromEntries(
      Object.entries(cpuTimes)
        .filter(([, v]) => v.length)
        .map(([k, v]) => [k, round(median(v), 2)]),
    ),
    ratio: Object.fromEntries(
      Object.entries(ratios)
        .filter(([, v]) => v.length)
        .map(([k, v]) => [k.startsWith('nn64') ? k : `nn64Vs${k[0].toUpperCase()}${k.slice(1)}`, round(median(v))]),
    ),
    ratios: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, v.map((r) => round(r))])),
  };
  delete out.speedCheck;
}
out.loadAverageEnd = os.loadavg().map((v) => round(v, 2));
out.numTensorsAtEnd = tf.memory().numTensors;
console.log(JSON.stringify(out, null, 2));
