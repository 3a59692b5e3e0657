// Long runs on the outer solar system (run after a build: `npx nx run @phaseflow/symplectic:bench-long`).
// Prints one JSON document:
// - Brouwer's law: |ΔH|/|H₀| over 1e6 Sofroniou–Spaletta 10 steps (h = 50 days, ≈ 137 000
//   years), heliocentric and barycentric frames, plain and compensated (Kahan) summation,
//   sampled at every tenth of the run; the growth exponent of its running maximum (≈ 0.5 is a
//   random walk of rounding errors, ≈ 0 a bounded error: Brouwer's law);
// - the cost of compensated summation (CPU time ratio, the same steps);
// - forward-then-back reversibility of the implicit symmetric methods (Hairer's stopping
//   criterion), relative to the largest coordinate of each part.
import { integrate } from '@phaseflow/core';
import { outerSolarSystem } from '@phaseflow/problems';
import {
  compose,
  createGaussLegendre4,
  createGaussLegendre6,
  createImplicitMidpoint,
  createSofroniouSpaletta10,
  createStormerVerlet,
  withCompensatedSummation,
} from '@phaseflow/symplectic';

const STEPS = Number(process.env.STEPS ?? 1_000_000);
const H = 50;
const SAMPLES = 10;

function drift(frame, compensated) {
  const sys = outerSolarSystem({ frame });
  const m = compensated ? withCompensatedSummation(createSofroniouSpaletta10()) : createSofroniouSpaletta10();
  const y = sys.y0();
  const H0 = sys.energy(y);
  const chunk = STEPS / SAMPLES;
  const errors = [];
  const c0 = process.cpuUsage();
  for (let c = 0; c < SAMPLES; c++) {
    m.advance(sys.problem, c * chunk * H, y, H, chunk, y);
    errors.push(Math.abs((sys.energy(y) - H0) / H0));
  }
  const cpu = process.cpuUsage(c0);
  // Least-squares slope of log(running maximum of the error) against log n: ≈ 0.5 for a random
  // walk of rounding errors, ≈ 1 for a linear drift, → 0 when the error stays bounded.
  // The first tenth is left out (a transient), errors are floored at 2⁻⁵² (rounding).
  let runningMax = 0;
  const pts = errors.map((e, i) => [Math.log((i + 1) * chunk), Math.log(Math.max((runningMax = Math.max(runningMax, e)), 2 ** -52))]).slice(1);
  const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
  const my = pts.reduce((s, p) => s + p[1], 0) / pts.length;
  const slope = pts.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / pts.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return {
    frame,
    compensated,
    maxRelativeEnergyError: +Math.max(...errors).toExponential(2),
    finalRelativeEnergyError: +errors.at(-1).toExponential(2),
    errorAtEveryTenth: errors.map((e) => +e.toExponential(1)),
    growthExponent: +slope.toFixed(2),
    cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(1),
  };
}

const runs = [];
for (const frame of ['heliocentric', 'barycentric']) for (const compensated of [false, true]) runs.push(drift(frame, compensated));

// Cost of compensation: the same 1e5 steps of Störmer–Verlet and of SS10, CPU time, best of 3.
function cpuOf(fn) {
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1e3);
  }
  return best;
}
const sun5 = outerSolarSystem({ frame: 'barycentric' });
const cost = {};
for (const [name, make] of [
  ['stormer-verlet', () => createStormerVerlet()],
  ['sofroniou-spaletta10', () => createSofroniouSpaletta10()],
]) {
  const plain = make();
  const kahan = withCompensatedSummation(make());
  const n = name === 'stormer-verlet' ? 1_000_000 : 100_000;
  const run = (m) => () => {
    const y = sun5.y0();
    m.advance(sun5.problem, 0, y, H, n, y);
  };
  const a = cpuOf(run(plain));
  const b = cpuOf(run(kahan));
  cost[name] = { steps: n, plainCpuMs: +a.toFixed(0), compensatedCpuMs: +b.toFixed(0), ratio: +(b / a).toFixed(3) };
}
// compose(…, { compensated: true }) is a flat splitting method: its cost next to the sub-step composition.
{
  const w = 1 / (2 - Math.cbrt(2));
  const composed = compose(createStormerVerlet({ first: 'drift' }), [w, 1 - 2 * w, w]);
  const flat = compose(createStormerVerlet({ first: 'drift' }), [w, 1 - 2 * w, w], { compensated: true });
  const run = (m) => () => integrate(m, sun5.problem, sun5.y0(), { tEnd: 200_000 * H, h: H });
  const a = cpuOf(run(composed));
  const b = cpuOf(run(flat));
  cost['triple-jump(stormer-verlet-position)'] = { steps: 200_000, plainCpuMs: +a.toFixed(0), compensatedCpuMs: +b.toFixed(0), ratio: +(b / a).toFixed(3) };
}

// Reversibility: 100 steps forward, 100 back.
const reversibility = [];
for (const [name, make] of [
  ['implicit-midpoint', createImplicitMidpoint],
  ['gauss-legendre4', createGaussLegendre4],
  ['gauss-legendre6', createGaussLegendre6],
]) {
  for (const h of [10, 50, 200]) {
    const m = make();
    const y0 = sun5.y0();
    const fwd = integrate(m, sun5.problem, y0, { tEnd: 100 * h, h });
    const back = integrate(m, sun5.problem, fwd.yFinal, { t0: 100 * h, tEnd: 0, h });
    const rel = (k) => Math.max(...back.yFinal[k].map((v, i) => Math.abs(v - y0[k][i]))) / Math.max(...y0[k].map(Math.abs));
    reversibility.push({ method: name, h, q: +rel('q').toExponential(2), p: +rel('p').toExponential(2), iterationsLastStep: m.lastIterations });
  }
}

console.log(
  JSON.stringify(
    {
      package: '@phaseflow/symplectic',
      node: process.version,
      goal: "1e6 steps with no secular energy drift (Brouwer's law); reversibility ≤ 1e-12 relative",
      problem: 'outer solar system (GNI Table I.2.1), h = 50 days',
      steps: STEPS,
      energy: runs,
      compensationCost: cost,
      reversibility,
    },
    null,
    2,
  ),
);
