// What watching a run costs: the CPU overhead of the terminal progress bar (@phaseflow/cli)
// and of the energy observer sampling every 100 steps (@phaseflow/observers) on a small
// system — leapfrog on a 2-degree-of-freedom harmonic oscillator, 10⁶ steps — as a ratio to
// the same run unobserved. Both observers declare their cadence (core's Observer.every), so
// `integrate` keeps advancing in chunks between the steps they see; the same energy observer
// with its cadence hidden (handlers relayed by an observer that declares none) shows what a
// watched run cost when any observer turned the chunked path off. Rounds alternate the runs;
// each figure is the median over rounds of the ratio of CPU times within a round. Prints JSON.
// Run after a build: npx nx bench-observers @phaseflow/symplectic
import { loadavg } from 'node:os';
import { integrate, separableHamiltonian } from '@phaseflow/core';
import { createProgress } from '@phaseflow/cli';
import { createEnergyObserver } from '@phaseflow/observers';
import { createLeapfrog } from '@phaseflow/symplectic';

// H = Σ (pᵢ² + ωᵢ² qᵢ²) / 2, ω = (1, √2).
const w2 = Float64Array.of(1, 2);
const oscillator = separableHamiltonian({
  name: 'oscillator-2dof',
  dTdp: (p, out = new Float64Array(2)) => ((out[0] = p[0]), (out[1] = p[1]), out),
  dVdq: (q, out = new Float64Array(2)) => ((out[0] = w2[0] * q[0]), (out[1] = w2[1] * q[1]), out),
  T: (p) => (p[0] * p[0] + p[1] * p[1]) / 2,
  V: (q) => (w2[0] * q[0] * q[0] + w2[1] * q[1] * q[1]) / 2,
});
const y0 = () => ({ q: Float64Array.of(1, 0.5), p: Float64Array.of(0, 0.2) });
const STEPS = 1_000_000;
const h = 0.01;
const leapfrog = createLeapfrog();
// The bar draws for real (forced), into a stream that drops what it is given.
const sink = { write: () => true, isTTY: false };
let drawn = 0;
const countingSink = { write: () => ((drawn += 1), true), isTTY: false };

const run = (observers) => integrate(leapfrog, oscillator, y0(), { tEnd: STEPS * h, steps: STEPS, observers });
const runs = {
  unobserved: () => run([]),
  progressBar: () => run([createProgress({ stream: sink, force: true, label: 'bench' })]),
  energyEvery100: () => run([createEnergyObserver({ every: 100 })]),
  both: () => run([createProgress({ stream: sink, force: true, label: 'bench' }), createEnergyObserver({ every: 100 })]),
  energyEvery100NoCadence: () => {
    const energy = createEnergyObserver({ every: 100 });
    // The same handlers, from an observer that declares no cadence: every step is delivered.
    return run([{ name: 'relay', on: energy.on }]);
  },
};

const cpuMs = (fn) => {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e3;
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const loadStart = loadavg();
const ROUNDS = Number(process.env.ROUNDS ?? 9);
const times = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
// One warm-up round, not counted.
for (const fn of Object.values(runs)) fn();
for (let r = 0; r < ROUNDS; r++) {
  const order = Object.keys(runs);
  if (r % 2 === 1) order.reverse();
  for (const k of order) times[k].push(cpuMs(runs[k]));
}
const ratio = (k) => +median(times[k].map((x, i) => x / times.unobserved[i])).toFixed(3);

// The same observers give the same figures and states as they would step by step.
const energy = createEnergyObserver({ every: 100 });
const bar = createProgress({ stream: countingSink, force: true, label: 'bench' });
const watched = run([bar, energy]);
const quiet = run([]);
const sameStates =
  Array.from(watched.yFinal.q).every((v, i) => v === quiet.yFinal.q[i]) && Array.from(watched.yFinal.p).every((v, i) => v === quiet.yFinal.p[i]);

console.log(
  JSON.stringify(
    {
      bench: 'observer overhead on a small system',
      node: process.version,
      problem: 'leapfrog (Störmer–Verlet), 2-dof harmonic oscillator, 10⁶ steps, h = 0.01',
      rounds: ROUNDS,
      note: 'median over alternated rounds of the CPU-time ratio to the unobserved run in the same round',
      loadAverageAtStart: loadStart.map((x) => +x.toFixed(2)),
      loadAverageAtEnd: loadavg().map((x) => +x.toFixed(2)),
      goal: '≤ 1.2× the unobserved run for the progress bar and for the energy observer every 100 steps',
      unobservedCpuNsPerStep: +((median(times.unobserved) * 1e6) / STEPS).toFixed(1),
      ratioToUnobserved: {
        progressBar: ratio('progressBar'),
        energyEvery100: ratio('energyEvery100'),
        both: ratio('both'),
        energyEvery100WithoutDeclaredCadence: ratio('energyEvery100NoCadence'),
      },
      progressBarCadence: bar.every,
      progressBarWrites: drawn,
      energyMaxRelativeError: energy.report().maxRelativeError,
      statesIdenticalToUnobserved: sameStates,
    },
    null,
    2,
  ),
);
