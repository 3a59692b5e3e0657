// The neural-ODE training step of torchdiffeq's spiral recipe (examples/ode_demo.py) against
// torchdiffeq itself, same run, alternated; and the memory of a 1000-step backward pass
// against torch's growth. Used by bench/index.mjs (sections `torch` and `heap`).
//
// Identical work: one data set (our spiralOdeData, sent to the peer), one set of initial
// weights (torchdiffeq's N(0, 0.1²) kernels, zero biases, drawn here and sent), one sequence
// of batches (20 windows of 10 samples, t0 included as torchdiffeq does: our loss is the mean
// over the 9 later samples × 9/10), RMSprop lr 1e-3. Loss and gradients are compared at
// iteration 1. torchdiffeq's `rk4` is the 3/8 rule on the output grid (ours: `rk38`, h = the
// sample spacing); dopri5 runs at torchdiffeq's defaults rtol 1e-7, atol 1e-9 on both sides.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { createRandom } from '@phaseflow/core';
import { spiralOdeData } from '@phaseflow/datasets';
import { NeuralODE } from '@phaseflow/neural-ode';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const rel = (a, b) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / b.reduce((s, v) => s + v * v, 0));
const load = () => loadavg().map((l) => +l.toFixed(2));

/** Why the peer cannot run here, or undefined when it can. */
export function peerMissing() {
  const path = process.env.TORCHDIFFEQ_PATH;
  if (!path) return 'TORCHDIFFEQ_PATH is not set (a checkout of github.com/rtqichen/torchdiffeq): ours measured alone';
  if (!existsSync(`${path}/torchdiffeq/__init__.py`)) return `TORCHDIFFEQ_PATH=${path} holds no torchdiffeq package: ours measured alone`;
  const r = spawnSync('python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (r.status !== 0) return 'PyTorch is not installed (python3 -c "import torch" failed): ours measured alone';
  return undefined;
}

/** The peer process: one JSON line per command, one JSON line per answer. */
function startPeer() {
  const child = spawn('python3', [here('./torchdiffeq_peer.py')], { stdio: ['pipe', 'pipe', 'inherit'], env: process.env });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (l) => waiting.shift()?.(JSON.parse(l)));
  return {
    ask(m) {
      return new Promise((resolve, reject) => {
        waiting.push((r) => (r.error ? reject(new Error(`peer: ${r.error}`)) : resolve(r)));
        child.stdin.write(`${JSON.stringify(m)}\n`);
      });
    },
    close() {
      child.stdin.end();
    },
  };
}

const N = 1000;
const BATCH = 20;
const WINDOW = 10;
const K = WINDOW - 1;

/** The spiral data, the batch sequence and the initial weights shared by both sides. */
function recipe(seed) {
  const truth = spiralOdeData({ n: N, tEnd: 25 });
  const rng = createRandom(seed);
  // torchdiffeq: np.random.choice(data_size - batch_time, batch_size, replace=False)
  const batches = (count) => Array.from({ length: count }, () => Array.from(rng.permutation(N - WINDOW).subarray(0, BATCH)));
  const init = createRandom(seed).fork('init');
  const weights = [
    Float32Array.from(init.fillNormal(new Float64Array(100), 0, 0.1)),
    new Float32Array(50),
    Float32Array.from(init.fillNormal(new Float64Array(100), 0, 0.1)),
    new Float32Array(2),
  ];
  return { truth, batches, weights };
}

function windowData(truth, starts) {
  const x0 = new Float64Array(2 * starts.length);
  const target = new Float64Array(starts.length * K * 2); // [B, K, 2]
  starts.forEach((s, b) => {
    x0[2 * b] = truth.y[2 * s];
    x0[2 * b + 1] = truth.y[2 * s + 1];
    for (let k = 0; k < K; k++) {
      target[(b * K + k) * 2] = truth.y[2 * (s + k + 1)];
      target[(b * K + k) * 2 + 1] = truth.y[2 * (s + k + 1) + 1];
    }
  });
  return { x0, target };
}

/**
 * Our side of one configuration: the layer on its default engine (`nn64`: `engine` left at
 * `auto`, which picks nn64's float32 engine for this field), the layer on the tfjs engine
 * (`tensor`: `engine: 'tfjs'`), both trained through tf's RMSprop and `opt.minimize`, or the
 * Float64 twin (`float64`) with the bench's RMSprop loop.
 */
function ours(truth, weights, method, gradient, engine) {
  const dt = truth.t[1];
  const ode = new NeuralODE({
    hidden: [50],
    features: 'cube',
    times: Array.from({ length: K }, (_, k) => truth.t[k + 1]),
    integrator: method === 'rk4' ? 'rk38' : 'dopri5',
    h: dt,
    ...(method === 'dopri5' && { adaptive: { rtol: 1e-7, atol: 1e-9 } }),
    gradient,
    seed: 0,
    ...(engine === 'tensor' && { engine: 'tfjs' }),
  });
  ode.forward(tf.zeros([1, 2])).dispose();
  const ws = weights.map((w, i) => tf.tensor(w, ode.getWeights()[i].shape));
  ode.setWeights(ws);
  tf.dispose(ws);
  const scale = 0.9; // torchdiffeq's mean also runs over the 20 × 2 zeros at t0
  if (engine === 'tensor' || engine === 'nn64') {
    const opt = tf.train.rmsprop(1e-3, 0.99, 0, 1e-8);
    const tensors = (starts) => {
      const { x0, target } = windowData(truth, starts);
      return { x: tf.tensor2d(Float32Array.from(x0), [starts.length, 2]), y: tf.tensor3d(Float32Array.from(target), [starts.length, K, 2]) };
    };
    const lossOf = (x, y) => tf.mul(tf.mean(tf.abs(tf.sub(ode.apply(x), y))), scale);
    return {
      check(starts) {
        const { x, y } = tensors(starts);
        const r = ode.gradients(x, (out) => tf.mul(tf.mean(tf.abs(tf.sub(out, y))), scale));
        tf.dispose([x, y]);
        return { loss: r.loss, gradient: Array.from(r.gradient), evaluations: r.evaluations, engine: r.engine, engineReason: r.engineReason };
      },
      time(batches) {
        const started = performance.now();
        for (const starts of batches) {
          const { x, y } = tensors(starts);
          const l = opt.minimize(() => lossOf(x, y), true);
          l.dataSync();
          tf.dispose([l, x, y]);
        }
        return { msPerIteration: (performance.now() - started) / batches.length };
      },
      dispose() {
        opt.dispose();
        ode.dispose();
      },
    };
  }
  const ref = ode.float64();
  const v = new Float64Array(ref.theta.length);
  const step = (starts) => {
    const { x0, target } = windowData(truth, starts);
    const c = scale / (K * 2 * starts.length);
    let loss = 0;
    const cot = (k, y) =>
      y.map((u, i) => {
        const b = i >> 1;
        const e = u - target[(b * K + k) * 2 + (i & 1)];
        loss += Math.abs(e) * c;
        return Math.sign(e) * c;
      });
    const r = ref.gradients(x0, starts.length, cot, gradient);
    return { loss, gradient: r.gradient, evaluations: r.evaluations };
  };
  return {
    check(starts) {
      const r = step(starts);
      return { loss: r.loss, gradient: Array.from(r.gradient), evaluations: r.evaluations };
    },
    time(batches) {
      let evaluations = 0;
      const started = performance.now();
      for (const starts of batches) {
        const r = step(starts);
        evaluations += r.evaluations;
        const g = r.gradient;
        for (let j = 0; j < g.length; j++) {
          v[j] = 0.99 * v[j] + 0.01 * g[j] * g[j];
          ref.theta[j] -= (1e-3 * g[j]) / (Math.sqrt(v[j]) + 1e-8);
        }
      }
      return { msPerIteration: (performance.now() - started) / batches.length, evaluationsPerIteration: evaluations / batches.length };
    },
    dispose() {
      ode.dispose();
    },
  };
}

/**
 * The training step, every configuration: rk4 (3/8) and dopri5 × backprop and adjoint × the
 * tfjs layer and the Float64 twin, `rounds` alternated rounds (ours, torch on 1 thread, torch
 * on 2 threads) of the same batches, as many per round as ours runs in about `blockMs`, after
 * two warm-up iterations on each side; median of the per-round ratios. The layer (default
 * engine nn64, and engine tfjs) is compared with torch in float32, the Float64 twin with torch
 * in float64.
 */
export async function trainingStep({ rounds = 5, blockMs = 1000, engines = ['nn64', 'tensor', 'float64'], seed = 0 } = {}) {
  const missing = peerMissing();
  const peer = missing ? undefined : startPeer();
  const result = {
    recipe: 'torchdiffeq examples/ode_demo.py: MLP(y³) 2-50-2 tanh, 20 windows × 10 samples, mean |ŷ − y|, RMSprop lr 1e-3',
    loadBefore: load(),
    configs: {},
  };
  if (missing) result.note = missing;
  for (const engine of engines) {
    for (const method of ['rk4', 'dopri5']) {
      for (const gradient of ['backprop', 'adjoint']) {
        const name = `${engine === 'tensor' ? 'tfjs' : engine}/${method}/${gradient}`;
        // Every configuration sees the same data, weights and batch sequence.
        const { truth, batches, weights } = recipe(seed);
        const mine = ours(truth, weights, method, gradient, engine);
        const first = batches(1)[0];
        const c = mine.check(first);
        const entry = { ours: { loss: c.loss, evaluationsIteration1: c.evaluations, ...(c.engine && { engine: c.engine, engineReason: c.engineReason }) } };
        if (peer) {
          await peer.ask({
            cmd: 'setup',
            method,
            adjoint: gradient === 'adjoint',
            dtype: engine === 'float64' ? 'float64' : 'float32',
            trueY: Array.from(truth.y),
            t: Array.from(truth.t),
            weights: weights.map((w) => Array.from(w)),
            batchTime: WINDOW,
          });
          const p = await peer.ask({ cmd: 'check', starts: first });
          entry.torchdiffeq = { loss: p.loss, evaluationsIteration1: p.nfeForward + p.nfeBackward, nfeForward: p.nfeForward, nfeBackward: p.nfeBackward };
          entry.iteration1 = { lossRelativeDifference: Math.abs(c.loss - p.loss) / Math.abs(p.loss), gradientRelativeDifference: rel(c.gradient, p.gradient) };
        }
        // Warm-up (JIT, kernel caches) on both sides, then blocks of about `blockMs` of ours.
        const warm = batches(2);
        const w = mine.time(warm);
        if (peer) await peer.ask({ cmd: 'time', batches: warm, threads: 1 });
        const iterations = Math.max(2, Math.min(25, Math.round(blockMs / w.msPerIteration)));
        entry.iterationsPerBlock = iterations;
        entry.rounds = rounds;
        const ratios1 = [];
        const ratios2 = [];
        const oursMs = [];
        const t1 = [];
        const t2 = [];
        let oursEvals = 0;
        let torchEvals = 0;
        for (let r = 0; r < rounds; r++) {
          const bs = batches(iterations);
          const o = mine.time(bs);
          oursMs.push(o.msPerIteration);
          if (o.evaluationsPerIteration !== undefined) oursEvals += o.evaluationsPerIteration / rounds;
          if (peer) {
            const a = await peer.ask({ cmd: 'time', batches: bs, threads: 1 });
            const b = await peer.ask({ cmd: 'time', batches: bs, threads: 2 });
            t1.push(a.msPerIteration);
            t2.push(b.msPerIteration);
            torchEvals += a.nfePerIteration / rounds;
            ratios1.push(o.msPerIteration / a.msPerIteration);
            ratios2.push(o.msPerIteration / b.msPerIteration);
          }
        }
        entry.ours.msPerIteration = +median(oursMs).toFixed(2);
        if (oursEvals) entry.ours.evaluationsPerIteration = +oursEvals.toFixed(1);
        if (peer) {
          entry.torchdiffeq.msPerIteration1Thread = +median(t1).toFixed(2);
          entry.torchdiffeq.msPerIteration2Threads = +median(t2).toFixed(2);
          entry.torchdiffeq.evaluationsPerIteration = +torchEvals.toFixed(1);
          entry.ratioVsTorch1Thread = +median(ratios1).toFixed(3);
          entry.ratioVsTorch2Threads = +median(ratios2).toFixed(3);
          entry.ratios1Thread = ratios1.map((x) => +x.toFixed(3));
        }
        mine.dispose();
        result.configs[name] = entry;
      }
    }
  }
  peer?.close();
  result.loadAfter = load();
  return result;
}

/**
 * Memory of a 1000-step backward pass (spiral field, rk38, batch 20 / 256 / 512), each
 * configuration in a fresh process: ours (growth of tfjs's wasm heap, whose size is its peak,
 * and of the peak RSS, which holds the nn64 engine's workspace and tape; backprop, checkpoint
 * under `memory.maxBytes`, adjoint; `modes` picks, `engine` sets the layer's engine, default
 * its own choice) and torchdiffeq's (growth of the peak RSS; odeint and odeint_adjoint, rk4
 * with step_size 1/1000).
 */
export function heap({ batches = [20, 256, 512], steps = 1000, checkpointBytes = 64 * 2 ** 20, modes = ['backprop', 'checkpoint', 'adjoint'], engine } = {}) {
  const missing = peerMissing();
  const result = { steps, loadBefore: load(), ours: [], torchdiffeq: [] };
  if (missing) result.note = missing;
  const node = (cfg) => {
    const r = spawnSync(process.execPath, [here('./memory-child.mjs'), JSON.stringify(cfg)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    return r.status === 0
      ? JSON.parse(r.stdout.trim().split('\n').pop())
      : { ...cfg, crashed: true, status: r.status, signal: r.signal, stderr: r.stderr.slice(-400) };
  };
  const py = (cfg) => {
    const r = spawnSync('python3', [here('./torchdiffeq_peer.py'), 'memory', JSON.stringify(cfg)], { encoding: 'utf8', env: process.env });
    return r.status === 0 ? JSON.parse(r.stdout.trim()) : { ...cfg, crashed: true, status: r.status, stderr: r.stderr.slice(-400) };
  };
  for (const batch of batches) {
    for (const mode of modes) {
      const maxBytes = mode === 'checkpoint' ? checkpointBytes : undefined;
      result.ours.push(node({ batch, steps, mode, ...(maxBytes !== undefined && { maxBytes }), ...(engine !== undefined && { engine }) }));
    }
    if (!missing)
      for (const adjoint of [false, true]) if (modes.includes(adjoint ? 'adjoint' : 'backprop')) result.torchdiffeq.push(py({ batch, steps, adjoint }));
  }
  result.loadAfter = load();
  return result;
}
