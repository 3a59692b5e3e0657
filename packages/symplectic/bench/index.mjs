// Benchmark of @phaseflow/symplectic (run after a build: `npx nx bench @phaseflow/symplectic`).
// Prints one JSON document. Each figure is measured against a hand-written tight loop of the
// same method, calling the same force functions, in the same process (Hénon–Heiles and the
// small chains in alternated rounds, ratios within a round); the large system is
// also measured against a numpy-vectorised Verlet when python3 with numpy is available, and
// small chains (2 … 1024 degrees of freedom) through `advance` and `integrate`.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { integrate } from '@phaseflow/core';
import { createKahanLi8, createStormerVerlet, henonHeiles, KAHAN_LI8_HALF, palindrome, separableChain } from './helpers.mjs';

const now = () => performance.now();
// Best of `reps` runs, in wall time and in this process's CPU time. On a shared, oversubscribed
// machine the wall time mostly measures the wait for a core; the CPU time does not (it includes
// V8's compiler and GC threads, the same for both sides of a ratio).
const best = (reps, fn) => {
  let b = Infinity;
  let cpu = Infinity;
  let out;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = now();
    out = fn();
    b = Math.min(b, now() - t0);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1e3);
  }
  return { ms: b, cpuMs: cpu, out };
};

// ---------------------------------------------------------------- Hénon–Heiles, 1e6 steps
const hh = henonHeiles();
const H0 = hh.energy(hh.y0());
const N = 1_000_000;
const dt = 0.01;

function runStep(method) {
  const y = hh.y0();
  let maxErr = 0;
  for (let i = 0; i < N; i++) {
    method.step(hh.problem, i * dt, y, dt, y);
    if (i % 100 === 99) maxErr = Math.max(maxErr, Math.abs((hh.energy(y) - H0) / H0));
  }
  return maxErr;
}

// The library's multi-step path: `advance` checks its arguments once per 100 steps.
function runAdvance(method) {
  const y = hh.y0();
  let maxErr = 0;
  for (let i = 0; i < N; i += 100) {
    method.advance(hh.problem, i * dt, y, dt, 100, y);
    maxErr = Math.max(maxErr, Math.abs((hh.energy(y) - H0) / H0));
  }
  return maxErr;
}

function handVerlet() {
  const { dVdq, dTdp } = hh.problem;
  const y = hh.y0();
  const q = y.q,
    p = y.p;
  const g = new Float64Array(2);
  let maxErr = 0;
  for (let i = 0; i < N; i++) {
    dVdq(q, g);
    p[0] -= 0.5 * dt * g[0];
    p[1] -= 0.5 * dt * g[1];
    dTdp(p, g);
    q[0] += dt * g[0];
    q[1] += dt * g[1];
    dVdq(q, g);
    p[0] -= 0.5 * dt * g[0];
    p[1] -= 0.5 * dt * g[1];
    if (i % 100 === 99) maxErr = Math.max(maxErr, Math.abs((hh.energy(y) - H0) / H0));
  }
  return maxErr;
}

const gamma = Float64Array.from(palindrome(KAHAN_LI8_HALF));
function handKahanLi8() {
  // Position-Verlet composition, half-drifts merged: 17 force evaluations per step.
  const { dVdq, dTdp } = hh.problem;
  const y = hh.y0();
  const q = y.q,
    p = y.p;
  const g = new Float64Array(2);
  const s = gamma.length;
  const drift = new Float64Array(s + 1);
  for (let i = 0; i <= s; i++) drift[i] = ((i > 0 ? gamma[i - 1] : 0) + (i < s ? gamma[i] : 0)) / 2;
  let maxErr = 0;
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < s; k++) {
      const a = drift[k] * dt;
      dTdp(p, g);
      q[0] += a * g[0];
      q[1] += a * g[1];
      const b = gamma[k] * dt;
      dVdq(q, g);
      p[0] -= b * g[0];
      p[1] -= b * g[1];
    }
    const a = drift[s] * dt;
    dTdp(p, g);
    q[0] += a * g[0];
    q[1] += a * g[1];
    if (n % 100 === 99) maxErr = Math.max(maxErr, Math.abs((hh.energy(y) - H0) / H0));
  }
  return maxErr;
}

function viaIntegrate(method) {
  const sol = integrate(method, hh.problem, hh.y0(), { tEnd: N * dt, steps: N });
  return Math.abs((hh.energy(sol.yFinal) - H0) / H0);
}

// The four contenders of each method run in rounds that alternate their order (a busy machine
// slows both sides of a ratio alike); ns/step figures are the best round, ratios the median over
// rounds of the CPU-time ratio to the hand loop within the round (wall-time ratios likewise).
const henonLoad = loadavg();
const henon = {};
for (const [name, make, hand, rounds] of [
  ['stormer-verlet-velocity', () => createStormerVerlet(), handVerlet, 7],
  ['kahan-li8', () => createKahanLi8(), handKahanLi8, 5],
]) {
  const m = make();
  const runs = { step: () => runStep(m), hand, integrate: () => viaIntegrate(m), advance: () => runAdvance(m) };
  const times = Object.fromEntries(Object.keys(runs).map((k) => [k, { ms: [], cpuMs: [], out: undefined }]));
  for (let r = 0; r < rounds; r++) {
    const order = Object.keys(runs);
    if (r % 2 === 1) order.reverse();
    for (const k of order) {
      const one = best(1, runs[k]);
      times[k].ms.push(one.ms);
      times[k].cpuMs.push(one.cpuMs);
      times[k].out = one.out;
    }
  }
  const ns = (k, field = 'ms') => +((Math.min(...times[k][field]) * 1e6) / N).toFixed(1);
  const medianRatio = (k, field = 'cpuMs') => {
    const rs = times[k][field].map((x, i) => x / times.hand[field][i]).sort((a, b) => a - b);
    return +(rs.length % 2 ? rs[rs.length >> 1] : (rs[rs.length / 2 - 1] + rs[rs.length / 2]) / 2).toFixed(3);
  };
  henon[name] = {
    steps: N,
    dt,
    rounds,
    nsPerStep: ns('step'),
    handWrittenNsPerStep: ns('hand'),
    ratioToHandWritten: medianRatio('step', 'ms'),
    cpuNsPerStep: ns('step', 'cpuMs'),
    handWrittenCpuNsPerStep: ns('hand', 'cpuMs'),
    cpuRatioToHandWritten: medianRatio('step'),
    advanceNsPerStep: ns('advance'),
    advanceCpuNsPerStep: ns('advance', 'cpuMs'),
    advanceRatioToHandWritten: medianRatio('advance', 'ms'),
    advanceCpuRatioToHandWritten: medianRatio('advance'),
    viaIntegrateNsPerStep: ns('integrate'),
    viaIntegrateCpuNsPerStep: ns('integrate', 'cpuMs'),
    viaIntegrateCpuRatioToHandWritten: medianRatio('integrate'),
    maxRelativeEnergyError: times.step.out,
    handWrittenMaxRelativeEnergyError: times.hand.out,
  };
}
henon.note =
  'ns/step: the best of the alternated rounds; ratios: median over rounds of the within-round ratio to the hand loop (CPU time unless named otherwise)';
henon.loadAverageAtStart = henonLoad.map((x) => +x.toFixed(2));
henon.loadAverageAtEnd = loadavg().map((x) => +x.toFixed(2));

// ------------------------------------------------------- 1e5 coupled oscillators, Verlet
const M = 100_000;
const chainSteps = 200;
const chain = separableChain(M);
function chainOurs() {
  const m = createStormerVerlet();
  const y = chain.y0();
  for (let i = 0; i < chainSteps; i++) m.step(chain.problem, i * 0.01, y, 0.01, y);
  return chain.energy(y);
}
function chainHand() {
  const y = chain.y0();
  const q = y.q,
    p = y.p;
  const g = new Float64Array(M);
  const h = 0.01;
  for (let i = 0; i < chainSteps; i++) {
    chain.problem.dVdq(q, g);
    for (let j = 0; j < M; j++) p[j] -= 0.5 * h * g[j];
    chain.problem.dTdp(p, g); // the same T'(p) call the integrator makes
    for (let j = 0; j < M; j++) q[j] += h * g[j];
    chain.problem.dVdq(q, g);
    for (let j = 0; j < M; j++) p[j] -= 0.5 * h * g[j];
  }
  return chain.energy(y);
}
function chainHandVerlet(problem, y, N, h) {
  const { dVdq, dTdp } = problem;
  const q = y.q,
    p = y.p;
  const M = q.length;
  const g = new Float64Array(M);
  for (let i = 0; i < N; i++) {
    dVdq(q, g);
    for (let j = 0; j < M; j++) p[j] -= 0.5 * h * g[j];
    dTdp(p, g);
    for (let j = 0; j < M; j++) q[j] += h * g[j];
    dVdq(q, g);
    for (let j = 0; j < M; j++) p[j] -= 0.5 * h * g[j];
  }
  return y;
}
function chainHandKahanLi8(problem, y, N, h) {
  const { dVdq, dTdp } = problem;
  const q = y.q,
    p = y.p;
  const M = q.length;
  const g = new Float64Array(M);
  const s = gamma.length;
  const drift = new Float64Array(s + 1);
  for (let i = 0; i <= s; i++) drift[i] = ((i > 0 ? gamma[i - 1] : 0) + (i < s ? gamma[i] : 0)) / 2;
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < s; k++) {
      const a = drift[k] * h;
      dTdp(p, g);
      for (let j = 0; j < M; j++) q[j] += a * g[j];
      const b = gamma[k] * h;
      dVdq(q, g);
      for (let j = 0; j < M; j++) p[j] -= b * g[j];
    }
    const a = drift[s] * h;
    dTdp(p, g);
    for (let j = 0; j < M; j++) q[j] += a * g[j];
  }
  return y;
}
function chainAdvance(m, ch, N, h, chunk) {
  const y = ch.y0();
  for (let i = 0; i < N; i += chunk) m.advance(ch.problem, i * h, y, h, Math.min(chunk, N - i), y);
  return y;
}

const co = best(5, chainOurs);
const ch = best(5, chainHand);
const large = {
  oscillators: M,
  steps: chainSteps,
  nsPerStep: +((co.ms * 1e6) / chainSteps).toFixed(0),
  handWrittenNsPerStep: +((ch.ms * 1e6) / chainSteps).toFixed(0),
  ratioToHandWritten: +(co.ms / ch.ms).toFixed(3),
  cpuRatioToHandWritten: +(co.cpuMs / ch.cpuMs).toFixed(3),
  sameResult: co.out === ch.out,
};
const py = `
import time, numpy as np
M, steps, h = ${M}, ${chainSteps}, 0.01
i = np.arange(M)
def force(q):
    return q + 2*q - np.roll(q, 1) - np.roll(q, -1)
best = 1e9
for r in range(5):
    q = np.sin(2*np.pi*i/M) * 0.1; p = np.zeros(M)
    t0 = time.perf_counter()
    for s in range(steps):
        p -= 0.5*h*force(q); q += h*p; p -= 0.5*h*force(q)
    best = min(best, time.perf_counter() - t0)
print(best * 1e9 / steps)
`;
// pyenv shims may resolve to an interpreter without numpy: try the system one too.
let r;
for (const exe of [process.env.PYTHON, 'python3', 'python'].filter(Boolean)) {
  r = spawnSync(exe, ['-c', py], { encoding: 'utf8' });
  if (r.status === 0) break;
}
if (r.status === 0) {
  const ns = Number(r.stdout.trim());
  large.numpyNsPerStep = +ns.toFixed(0);
  large.ratioToNumpy = +((co.ms * 1e6) / chainSteps / ns).toFixed(3);
} else large.numpy = `skipped: python3 with numpy not available (${(r.stderr || r.error?.message || '').split('\n').filter(Boolean).pop()})`;

// ------------------------------------------- small chains: advance and integrate vs a hand loop
// The periodic chain at 2, 16, 64 and 1024 degrees of freedom, Störmer–Verlet and Kahan–Li 8:
// `advance` in calls of 1024 and of 100 steps (the chunk sizes of an unobserved run and of one
// watched every 100 steps), `integrate` over the whole run, and the hand-written loop of the
// same method calling the same force functions. All sizes and methods run in one process, in
// rounds that alternate the contenders; each figure is the median over rounds of the ratio of
// CPU times within a round (so a busy machine slows both sides of a ratio alike).
const chainLoad = loadavg();
const chainRounds = 7;
const chainCases = [];
for (const M of [2, 16, 64, 1024]) {
  const ch = separableChain(M);
  for (const [name, make, hand, forces] of [
    ['stormer-verlet', createStormerVerlet, chainHandVerlet, 2],
    ['kahan-li8', createKahanLi8, chainHandKahanLi8, 17],
  ]) {
    // About 10⁷ component updates per run, whatever the size.
    const N = Math.max(200, Math.round(5e6 / (M + 4) / forces));
    chainCases.push({ M, name, ch, m: make(), hand, N, times: { hand: [], advance1024: [], advance100: [], integrate: [] } });
  }
}
const cpuMs = (fn) => {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e3;
};
for (let r = 0; r < chainRounds; r++) {
  for (const c of chainCases) {
    const dt = 0.01;
    const runs = {
      hand: () => c.hand(c.ch.problem, c.ch.y0(), c.N, dt),
      advance1024: () => chainAdvance(c.m, c.ch, c.N, dt, 1024),
      advance100: () => chainAdvance(c.m, c.ch, c.N, dt, 100),
      integrate: () => integrate(c.m, c.ch.problem, c.ch.y0(), { tEnd: c.N * dt, steps: c.N }),
    };
    // Alternate the order from round to round.
    const order = Object.keys(runs);
    if (r % 2 === 1) order.reverse();
    for (const k of order) c.times[k].push(cpuMs(runs[k]));
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ratio = (c, k) => +median(c.times[k].map((x, i) => x / c.times.hand[i])).toFixed(3);
const smallChains = {};
for (const c of chainCases) {
  smallChains[`${c.name}/${c.M}`] = {
    dof: c.M,
    steps: c.N,
    handCpuNsPerStep: +((median(c.times.hand) * 1e6) / c.N).toFixed(1),
    advance1024RatioToHand: ratio(c, 'advance1024'),
    advance100RatioToHand: ratio(c, 'advance100'),
    integrateRatioToHand: ratio(c, 'integrate'),
  };
}
const worstSmall = Math.max(...Object.values(smallChains).flatMap((r) => [r.advance1024RatioToHand, r.advance100RatioToHand, r.integrateRatioToHand]));

console.log(
  JSON.stringify(
    {
      package: '@phaseflow/symplectic',
      node: process.version,
      goal: 'step loop ≤ 1.15× the hand-written loop of the same method',
      henonHeiles: henon,
      coupledOscillators: large,
      smallChains: {
        note: 'median over 7 alternated rounds of CPU-time ratios to the hand-written loop, every size and method in one process',
        loadAverageAtStart: chainLoad.map((x) => +x.toFixed(2)),
        loadAverageAtEnd: loadavg().map((x) => +x.toFixed(2)),
        goal: '≤ 1.15× the hand loop at every size',
        worstRatio: worstSmall,
        cases: smallChains,
      },
    },
    null,
    2,
  ),
);
