// Speed and long-run figures of @phaseflow/lie, one JSON document (run after a build:
// npx nx bench @phaseflow/lie). Each figure has its peer measured in the same run:
// - SO(3) exp / log / compose through the package's verbs against a hand-written Float64
//   loop doing the same arithmetic with no checks and no calls;
// - one RKMK4 step against one classical RK4 step of the same ODE written in ℝ⁹
//   (Y' = Â(t)·Y, the precessing rotation) and on the heavy top (ℝ¹²);
// - ‖RᵀR − I‖ after 10⁶ steps of the heavy top: RKMK4 against RK4 on the embedding.
import { integrate, odeProblem } from '@phaseflow/core';
import { heavyTop, precessingRotation, createRkmk4, SO3 } from '@phaseflow/lie';
import { createRk4 } from '@phaseflow/runge-kutta';

function timeIt(fn, minMs = 300) {
  const runs = [];
  let total = 0;
  let out;
  while (runs.length < 5 || (total < minMs && runs.length < 200)) {
    const t = performance.now();
    out = fn();
    const dt = performance.now() - t;
    runs.push(dt);
    total += dt;
  }
  runs.sort((a, b) => a - b);
  return { out, ms: runs[runs.length >> 1] };
}

const N = 100_000;
let seed = 12345;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
const W = Float64Array.from({ length: 3 * N }, () => 3 * rand());
const Rs = new Float64Array(9 * N);
for (let i = 0; i < N; i++) SO3.exp(W.subarray(3 * i, 3 * i + 3), Rs.subarray(9 * i, 9 * i + 9));
const outR = new Float64Array(9 * N);
const outW = new Float64Array(3 * N);

// --- the package's verbs over the batch (per-element views made once) ---
const wv = Array.from({ length: N }, (_, i) => W.subarray(3 * i, 3 * i + 3));
const rv = Array.from({ length: N }, (_, i) => Rs.subarray(9 * i, 9 * i + 9));
const ov = Array.from({ length: N }, (_, i) => outR.subarray(9 * i, 9 * i + 9));
const owv = Array.from({ length: N }, (_, i) => outW.subarray(3 * i, 3 * i + 3));
const ours = {
  exp: () => {
    for (let i = 0; i < N; i++) SO3.exp(wv[i], ov[i]);
  },
  log: () => {
    for (let i = 0; i < N; i++) SO3.log(rv[i], owv[i]);
  },
  compose: () => {
    for (let i = 0; i < N; i++) SO3.compose(rv[i], rv[(i + 1) % N], ov[i]);
  },
};

// --- hand-written loops: the same formulas inline over flat arrays ---
const hand = {
  exp: () => {
    for (let i = 0; i < N; i++) {
      const a = 3 * i,
        o = 9 * i;
      const x = W[a],
        y = W[a + 1],
        z = W[a + 2];
      const t = Math.sqrt(x * x + y * y + z * z);
      const c = Math.cos(t);
      const s = t < 1e-4 ? 1 - (t * t) / 6 : Math.sin(t) / t;
      const hs = t < 1e-4 ? 1 - (t * t) / 24 : Math.sin(t / 2) / (t / 2);
      const v = 0.5 * hs * hs;
      outR[o] = c + v * x * x;
      outR[o + 1] = -s * z + v * x * y;
      outR[o + 2] = s * y + v * x * z;
      outR[o + 3] = s * z + v * x * y;
      outR[o + 4] = c + v * y * y;
      outR[o + 5] = -s * x + v * y * z;
      outR[o + 6] = -s * y + v * x * z;
      outR[o + 7] = s * x + v * y * z;
      outR[o + 8] = c + v * z * z;
    }
  },
  // the textbook log (acos of the trace, skew part); no near-π branch
  log: () => {
    for (let i = 0; i < N; i++) {
      const r = 9 * i,
        o = 3 * i;
      const c = Math.min(1, Math.max(-1, 0.5 * (Rs[r] + Rs[r + 4] + Rs[r + 8] - 1)));
      const t = Math.acos(c);
      const k = t < 1e-8 ? 0.5 : (0.5 * t) / Math.sin(t);
      outW[o] = k * (Rs[r + 7] - Rs[r + 5]);
      outW[o + 1] = k * (Rs[r + 2] - Rs[r + 6]);
      outW[o + 2] = k * (Rs[r + 3] - Rs[r + 1]);
    }
  },
  compose: () => {
    for (let i = 0; i < N; i++) {
      const a = 9 * i,
        b = 9 * ((i + 1) % N);
      for (let r = 0; r < 3; r++)
        for (let c = 0; c < 3; c++) {
          outR[a + 3 * r + c] = Rs[a + 3 * r] * Rs[b + c] + Rs[a + 3 * r + 1] * Rs[b + 3 + c] + Rs[a + 3 * r + 2] * Rs[b + 6 + c];
        }
    }
  },
};
const so3 = {};
for (const verb of Object.keys(ours)) {
  const a = timeIt(ours[verb]).ms,
    b = timeIt(hand[verb]).ms;
  so3[verb] = { oursNsPerOp: (a * 1e6) / N, handWrittenNsPerOp: (b * 1e6) / N, oursMillionOpsPerS: N / a / 1e3, ratio: a / b };
}

// --- one step: RKMK4 on SO(3) vs RK4 on the same ODE in ℝ⁹ ---
const pr = precessingRotation();
const aBuf = new Float64Array(3),
  A = new Float64Array(9);
const flat = odeProblem(
  (t, Y, out = new Float64Array(9)) => {
    SO3.hat(pr.problem.generator(t, Y, aBuf), A);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out[3 * r + c] = A[3 * r] * Y[c] + A[3 * r + 1] * Y[3 + c] + A[3 * r + 2] * Y[6 + c];
    return out;
  },
  { name: 'precessing rotation in R^9' },
);
const STEPS = 20_000;
const h = pr.tEnd / STEPS;
const stepCost = (label, method, problem, y0) => {
  const { out, ms } = timeIt(() => integrate(method, problem, y0, { tEnd: pr.tEnd, steps: STEPS }).yFinal);
  return { label, nsPerStep: (ms * 1e6) / STEPS, defect: SO3.defect(out.subarray(0, 9)) };
};
const rkmkSO3 = stepCost('RKMK4 on SO(3)', createRkmk4(), pr.problem, pr.y0());
const rkR9 = stepCost('RK4 in R^9', createRk4(), flat, pr.y0());
const top = heavyTop();
const TOP_STEPS = 4000;
const topCost = (method, problem) => {
  const { ms } = timeIt(() => integrate(method, problem, top.y0(), { tEnd: top.tEnd, steps: TOP_STEPS }));
  return (ms * 1e6) / TOP_STEPS;
};
const step = {
  precessingRotation: { h, steps: STEPS, rkmk4: rkmkSO3, rk4: rkR9, ratio: rkmkSO3.nsPerStep / rkR9.nsPerStep },
  heavyTop: { rkmk4NsPerStep: topCost(createRkmk4(), top.problem), rk4R12NsPerStep: topCost(createRk4(), top.embedded) },
};
step.heavyTop.ratio = step.heavyTop.rkmk4NsPerStep / step.heavyTop.rk4R12NsPerStep;

// --- 10⁶ steps of the heavy top: distance from SO(3) ---
const LONG = 1_000_000;
const hLong = 1e-4;
let t0 = performance.now();
const lie = integrate(createRkmk4(), top.problem, top.y0(), { tEnd: LONG * hLong, steps: LONG }).yFinal;
const lieMs = performance.now() - t0;
t0 = performance.now();
const emb = integrate(createRk4(), top.embedded, top.y0(), { tEnd: LONG * hLong, steps: LONG }).yFinal;
const embMs = performance.now() - t0;
const E0 = top.energy(top.y0());
const longRun = {
  steps: LONG,
  h: hLong,
  rkmk4: { defect: SO3.defect(lie.subarray(0, 9)), relativeEnergyError: Math.abs(top.energy(lie) - E0) / E0, ms: lieMs },
  rk4Embedding: { defect: SO3.defect(emb.subarray(0, 9)), relativeEnergyError: Math.abs(top.energy(emb) - E0) / E0, ms: embMs },
};

console.log(JSON.stringify({ package: '@phaseflow/lie', node: process.version, so3, step, longRun }, null, 2));
