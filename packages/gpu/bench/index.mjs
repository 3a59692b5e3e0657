// Benchmark of @phaseflow/gpu (run after a build: `npx nx bench @phaseflow/gpu`). Prints one JSON
// document. Throughput of batched integrators in state updates per second (one member advanced
// one step), for B = 10³ … 10⁶ members, on every gpu.js backend that runs here, next to our
// Float64 CPU integrators (runge-kutta's rk4 and symplectic's leapfrog `advance` over one
// Float64Array holding all B members, with a hand-written batched field: their best case) and
// numpy vectorised over the members (when python3 with numpy is available), on the same work.
// Each figure is the best of `reps` runs of one `advance` of n steps (upload, one launch per
// ≤ 4096 steps, readback), wall time and this process's CPU time.
//
// The webgl2 column runs the same workloads in headless Chromium (bench/chromium.mjs:
// Debian's chromium through playwright-core, the page served on localhost) when chromium is
// there: gpu.js's webgl2 backend on whatever WebGL2 the browser has — without a GPU that is
// SwiftShader, a CPU renderer, and the column is labelled so. Its wall time is measured in the
// page; its CPU time is that of this process and every Chromium process under it (/proc).
//
// Flags: --sizes 1e3,1e4  --backends webasm,cpu  --reps 3  --work 5e6 (member-steps per run)
//        --webgpu (install navigator.gpu through the `webgpu` package first and add the webgpu
//        backend, as tools/device-check-gpu.sh does)  --no-numpy  --no-enkf  --no-webgl2
//        --chromium-args "--flag …" (extra launch flags, e.g. to let Chromium use a GPU)
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { odeProblem, separableHamiltonian } from '@phaseflow/core';
import { chooseGpuBackend, createBatchedIntegrator, createEnsembleMlp, useBestGpuBackend } from '@phaseflow/gpu';
import { createMlp64 } from '@phaseflow/nn64';
import { rk4 } from '@phaseflow/runge-kutta';
import { createLeapfrog } from '@phaseflow/symplectic';
import { installNodeWebGpu } from './node-webgpu.mjs';
import { WORKLOADS, lorenzRows } from './workloads.mjs';
import { browserUnavailable, openGpuPage } from './chromium.mjs';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const list = (s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const sizes = list(flag('sizes', '1e3,1e4,1e5,1e6')).map(Number);
const reps = Number(flag('reps', '3'));
const work = Number(flag('work', '5e6'));
const wantWebGpu = args.includes('--webgpu');
let backendNames = list(flag('backends', 'webasm,cpu'));
const now = () => performance.now();

async function best(fn) {
  let ms = Infinity;
  let cpuMs = Infinity;
  let out;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = now();
    out = await fn();
    ms = Math.min(ms, now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs = Math.min(cpuMs, (c.user + c.system) / 1e3);
  }
  return { ms, cpuMs, out };
}
const rate = (B, n, ms) => Number(((B * n) / (ms / 1e3)).toPrecision(4));

// ------------------------------------------------------------------ the systems, three ways
// Lorenz-63 and the pendulum grid (bench/workloads.mjs, shared with the browser page).

/** Our Float64 integrator on all B members as one Float64Array, the field hand-written over the batch. */
function float64Run(w, B, n) {
  if (w.method === 'rk4') {
    const D = w.dimension;
    const rho = Float64Array.from(lorenzRows(B), (r) => r[1]);
    const f =
      w.system === 'lorenz63'
        ? (_t, y, out = new Float64Array(y.length)) => {
            for (let m = 0; m < B; m++) {
              const a = y[3 * m],
                b = y[3 * m + 1],
                c = y[3 * m + 2];
              out[3 * m] = 10 * (b - a);
              out[3 * m + 1] = a * (rho[m] - c) - b;
              out[3 * m + 2] = a * b - (8 / 3) * c;
            }
            return out;
          }
        : (_t, y, out = new Float64Array(y.length)) => {
            for (let m = 0; m < B; m++) {
              out[2 * m] = y[2 * m + 1];
              out[2 * m + 1] = -Math.sin(y[2 * m]);
            }
            return out;
          };
    const problem = odeProblem(f);
    const y0 = Float64Array.from(w.start(B).flat());
    const method = rk4();
    return () => method.advance(problem, 0, y0, w.h, n)[D - 1];
  }
  const problem = separableHamiltonian({
    dTdp: (p, out = new Float64Array(p.length)) => (out.set(p), out),
    dVdq: (q, out = new Float64Array(q.length)) => {
      for (let m = 0; m < B; m++) out[m] = Math.sin(q[m]);
      return out;
    },
  });
  const start = w.start(B);
  const method = createLeapfrog();
  return () => method.advance(problem, 0, { q: Float64Array.from(start, (s) => s[0]), p: Float64Array.from(start, (s) => s[1]) }, w.h, n).q[0];
}

const NUMPY = String.raw`
import json, sys, time
import numpy as np
cfg = json.loads(sys.stdin.read())
out = {}
for job in cfg['jobs']:
    B, n, h, reps, kind = job['B'], job['n'], job['h'], cfg['reps'], job['key']
    m = np.arange(B)
    side = int(np.ceil(np.sqrt(B)))
    best = 1e99
    for r in range(reps):
        if kind.startswith('lorenz63'):
            y = np.stack([1 + m / B, np.ones(B), np.ones(B)]); rho = 20 + 10 * m / B
            def f(y):
                return np.stack([10 * (y[1] - y[0]), y[0] * (rho - y[2]) - y[1], y[0] * y[1] - 8 / 3 * y[2]])
        else:
            q = -2.5 + 5 * (m % side) / side; p = -1.5 + 3 * (m // side) / side; y = np.stack([q, p])
            def f(y):
                return np.stack([y[1], -np.sin(y[0])])
        t0 = time.perf_counter()
        if kind.endswith('rk4'):
            for j in range(n):
                k1 = f(y); k2 = f(y + 0.5 * h * k1); k3 = f(y + 0.5 * h * k2); k4 = f(y + h * k3)
                y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        else:
            q, p = y[0].copy(), y[1].copy()
            p -= 0.5 * h * np.sin(q)
            for j in range(n):
                q += h * p
                g = np.sin(q)
                p -= (h if j < n - 1 else 0.5 * h) * g
        best = min(best, time.perf_counter() - t0)
    out[kind + '@' + str(B)] = best * 1e3
print(json.dumps({'numpy': np.__version__, 'ms': out}))
`;

function runNumpy(jobs) {
  if (args.includes('--no-numpy')) return { skipped: 'not asked for (--no-numpy)' };
  let last = '';
  for (const exe of [process.env.PYTHON, 'python3', '/usr/bin/python3', 'python'].filter(Boolean)) {
    const r = spawnSync(exe, ['-c', NUMPY], { input: JSON.stringify({ reps, jobs }), encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status === 0) return JSON.parse(r.stdout.trim().split('\n').pop());
    last = (r.stderr || r.error?.message || '').split('\n').filter(Boolean).pop() ?? '';
  }
  return { skipped: `python3 with numpy not available (${last})` };
}

// ------------------------------------------------------------------------------- backends
let webgpu;
if (wantWebGpu) {
  webgpu = await installNodeWebGpu();
  if (webgpu.ok && !backendNames.includes('webgpu')) backendNames = ['webgpu', ...backendNames];
}
const backends = {};
const backendErrors = {};
for (const name of backendNames) {
  try {
    backends[name] = name === 'webgpu' ? await useBestGpuBackend({ prefer: 'webgpu' }) : chooseGpuBackend({ prefer: name });
  } catch (e) {
    backendErrors[name] = e.message;
  }
}
const choice = await useBestGpuBackend().then(
  (b) => {
    const r = { name: b.name, tried: b.tried, skipped: b.skipped };
    b.destroy();
    return r;
  },
  (e) => ({ error: e.message }),
);

// webgl2 in headless Chromium.
/** CPU ms of this process and all its descendants (Chromium's browser, GPU and renderer processes), from /proc; null elsewhere. */
function treeCpuMs() {
  try {
    const ticks = new Map();
    const parent = new Map();
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        parent.set(Number(d), Number(f[1]));
        ticks.set(Number(d), Number(f[11]) + Number(f[12]));
      } catch {
        // the process ended while we read
      }
    }
    let sum = 0;
    for (const [pid, t] of ticks) {
      for (let p = pid; p > 1; p = parent.get(p) ?? 0) {
        if (p === process.pid) {
          sum += t;
          break;
        }
      }
    }
    return (sum * 1000) / 100; // USER_HZ = 100 on Linux
  } catch {
    return null;
  }
}

let browser;
let webgl2 = { skipped: 'not asked for (--no-webgl2)' };
let webgl2Key = 'gpu.js webgl2';
if (!args.includes('--no-webgl2')) {
  const why = await browserUnavailable();
  if (why !== undefined) webgl2 = { skipped: why };
  else {
    try {
      browser = await openGpuPage({ args: list(flag('chromium-args', '').replace(/\s+/g, ',')) });
      const env = await browser.page.evaluate(() => globalThis.phaseflowGpu.environment());
      const software = /SwiftShader|llvmpipe|softpipe/i.test(env.webgl2?.renderer ?? '');
      if (software) webgl2Key = 'gpu.js webgl2 (SwiftShader: CPU)';
      webgl2 = {
        chromium: browser.version,
        renderer: env.webgl2?.renderer ?? null,
        version: env.webgl2?.version ?? null,
        software,
        note: software
          ? 'WebGL2 on SwiftShader: the GLSL kernels run on this machine’s CPU cores (Chromium’s software Vulkan), not on a GPU; the column measures that path, not GPU throughput'
          : 'WebGL2 on a hardware GPU',
      };
      if (env.webgl2 === null || !('name' in env.choice)) webgl2.error = `no WebGL2 context in the page (${JSON.stringify(env.choice)})`;
    } catch (e) {
      webgl2 = { error: e.message };
    }
  }
}

async function browserRun(w, B, n) {
  const page = browser.page;
  const setup = await page.evaluate(
    ([system, method, members]) => globalThis.phaseflowGpu.benchPrepare({ system, method }, members, 'webgl2'),
    [w.system, w.method, B],
  );
  let ms = Infinity;
  let cpuMs = Infinity;
  for (let r = 0; r < reps; r++) {
    const c0 = treeCpuMs();
    ms = Math.min(ms, await page.evaluate((steps) => globalThis.phaseflowGpu.benchRun(steps), n));
    const c1 = treeCpuMs();
    if (c0 !== null && c1 !== null) cpuMs = Math.min(cpuMs, c1 - c0);
  }
  await page.evaluate(() => globalThis.phaseflowGpu.benchDone());
  return {
    perSecond: rate(B, n, ms),
    ms: +ms.toFixed(1),
    ...(cpuMs !== Infinity && { cpuMs: +cpuMs.toFixed(1) }),
    runsOn: setup.runsOn,
    buildMs: +setup.buildMs.toFixed(1),
  };
}

// cpu (gpu.js's JavaScript backend) and the Float64 loop grow slow at large B; cap their work.
const CPU_MAX_B = 1e5;
const rows = [];
const jobs = [];
for (const w of WORKLOADS) {
  for (const B of sizes) {
    const n = Math.max(10, Math.round(work / B));
    const row = { system: w.system, method: w.method, members: B, steps: n, h: w.h, results: {} };
    for (const [name, backend] of Object.entries(backends)) {
      if (name === 'cpu' && B > CPU_MAX_B) {
        row.results['gpu.js cpu'] = { skipped: `B > ${CPU_MAX_B}` };
        continue;
      }
      const batch = createBatchedIntegrator({ method: w.method, field: w.field, dimension: w.dimension, parameters: w.rows(B), backend });
      const y0 = batch.state(w.start(B));
      if (!backend.asynchronous) {
        batch.advance(batch.problem, 0, y0, w.h, 2);
        const r = await best(() => batch.advance(batch.problem, 0, y0, w.h, n));
        row.results[`gpu.js ${name}`] = { perSecond: rate(B, n, r.ms), ms: +r.ms.toFixed(1), cpuMs: +r.cpuMs.toFixed(1), runsOn: batch.runsOn };
      }
      if (name === 'webasm' || backend.asynchronous) {
        await batch.advanceAsync(0, y0, w.h, 2);
        const r = await best(() => batch.advanceAsync(0, y0, w.h, n));
        row.results[`gpu.js ${name}${backend.asynchronous ? '' : ' threads'}`] = {
          perSecond: rate(B, n, r.ms),
          ms: +r.ms.toFixed(1),
          cpuMs: +r.cpuMs.toFixed(1),
        };
      }
      batch.destroy();
    }
    if (browser && !webgl2.error) {
      try {
        row.results[webgl2Key] = await browserRun(w, B, n);
      } catch (e) {
        row.results[webgl2Key] = { error: e.message.split('\n')[0] };
      }
    }
    if (B <= 1e6) {
      const run = float64Run(w, B, n);
      const r = await best(run);
      row.results['phaseflow float64'] = { perSecond: rate(B, n, r.ms), ms: +r.ms.toFixed(1), cpuMs: +r.cpuMs.toFixed(1) };
    }
    jobs.push({ key: `${w.system}-${w.method}`, B, n, h: w.h });
    rows.push(row);
  }
}
const numpy = runNumpy(jobs);
for (const row of rows) {
  const ms = numpy.ms?.[`${row.system}-${row.method}@${row.members}`];
  row.results.numpy = ms === undefined ? { skipped: numpy.skipped ?? 'not measured' } : { perSecond: rate(row.members, row.steps, ms), ms: +ms.toFixed(1) };
  const f64 = row.results['phaseflow float64'];
  row.speedupOverFloat64 = {};
  row.cpuTimeSpeedupOverFloat64 = {};
  for (const [k, v] of Object.entries(row.results)) {
    if (!k.startsWith('gpu.js') || !v.perSecond || !f64?.perSecond) continue;
    row.speedupOverFloat64[k] = +(v.perSecond / f64.perSecond).toFixed(2);
    // Threaded runs spend CPU time in worker threads too; process.cpuUsage counts them.
    row.cpuTimeSpeedupOverFloat64[k] = +(f64.cpuMs / v.cpuMs).toFixed(2);
  }
}

// ---------------------------------------------- EnKF inner loop: the MNIST 784-32-10 ensemble
let enkf;
if (!args.includes('--no-enkf') && backends.webasm) {
  const J = 20;
  const batchRows = 256;
  const net = createMlp64({ sizes: [784, 32, 10], output: 'softmax', seed: 0 });
  const thetas = new Float64Array(J * net.parameters.size);
  for (let e = 0; e < J; e++)
    thetas.set(
      net.theta.map((v, i) => v * (1 + 0.01 * Math.sin(e + i))),
      e * net.parameters.size,
    );
  // MNIST-like sparsity: about 19 % of the pixels non-zero.
  const x = Float64Array.from({ length: batchRows * 784 }, (_, i) => ((i * 2654435761) % 97 < 19 ? ((i * 40503) % 255) / 255 : 0));
  const make = (compensated) =>
    createEnsembleMlp({ sizes: net.sizes, activation: net.activation, output: net.output, members: J, rows: batchRows, compensated, backend: backends.webasm });
  const ens = make(true);
  const plain = make(false);
  ens.forward(thetas, x);
  plain.forward(thetas, x);
  const g = await best(() => ens.forward(thetas, x));
  const gp = await best(() => plain.forward(thetas, x));
  const c = await best(() => net.parameters.forwardEnsemble(thetas, J, { x, rows: batchRows, cols: 784 }));
  enkf = {
    network: '784-32-10 tanh, softmax',
    members: J,
    rows: batchRows,
    inputDensity: 0.19,
    'gpu.js webasm (Kahan sums)': { ms: +g.ms.toFixed(1), cpuMs: +g.cpuMs.toFixed(1) },
    'gpu.js webasm (plain sums)': { ms: +gp.ms.toFixed(1), cpuMs: +gp.cpuMs.toFixed(1) },
    'nn64 float64 (skips zero inputs)': { ms: +c.ms.toFixed(1), cpuMs: +c.cpuMs.toFixed(1) },
    cpuTimeSpeedup: { kahan: +(c.cpuMs / g.cpuMs).toFixed(2), plain: +(c.cpuMs / gp.cpuMs).toFixed(2) },
  };
  ens.destroy();
  plain.destroy();
}

const goalRows = rows.filter((r) => r.members >= 1e4 && r.speedupOverFloat64['gpu.js webasm'] !== undefined);
const doc = {
  package: '@phaseflow/gpu',
  unit: 'state updates per second (one member advanced one step)',
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  loadAverage: os.loadavg().map((l) => +l.toFixed(2)),
  reps,
  backendChoice: choice,
  backendsMeasured: Object.keys(backends),
  backendErrors,
  ...(webgpu && { webgpu }),
  webgl2,
  numpy: numpy.numpy ?? numpy.skipped,
  rows,
  goal: {
    statement: 'webasm ≥ 3× our Float64 loop at B ≥ 10⁴',
    note: 'wall time is the best of `reps` runs; on a shared, oversubscribed machine it mostly measures the wait for a core, CPU time does not',
    speedups: goalRows.map((r) => ({
      system: r.system,
      method: r.method,
      members: r.members,
      webasm: r.speedupOverFloat64['gpu.js webasm'],
      webasmCpuTime: r.cpuTimeSpeedupOverFloat64['gpu.js webasm'],
      threads: r.speedupOverFloat64['gpu.js webasm threads'],
    })),
    metByWallTime: goalRows.length > 0 && goalRows.every((r) => r.speedupOverFloat64['gpu.js webasm'] >= 3),
    metByCpuTime: goalRows.length > 0 && goalRows.every((r) => r.cpuTimeSpeedupOverFloat64['gpu.js webasm'] >= 3),
  },

  ...(enkf && { enkf }),
};
console.log(JSON.stringify(doc, null, 2));
for (const b of Object.values(backends)) b.destroy();
await browser?.close();
