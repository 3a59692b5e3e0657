// Hyper-parameter trials on a worker pool (randomSearch with a module objective) against the
// same trials on one thread, alternated, and the projection of the measured per-trial cost onto
// an engine that runs one trial per task on K slots (Ray, Dask, a job queue). Prints JSON.
// Run after a build: `node bench/trials.mjs` (BENCH_QUICK=1: fewer trials).
import os from 'node:os';
import { randomSearch } from '@phaseflow/reservoir';

const quick = process.env.BENCH_QUICK === '1';
const trials = quick ? 6 : 12;
const space = { sr: { low: 0.5, high: 1.5 }, lr: { low: 0.05, high: 1, log: true }, inputScaling: { low: 0.2, high: 2 }, ridge: [1e-8, 1e-6, 1e-4] };
const objective = { module: new URL('./trial-esn.mjs', import.meta.url) };
const load1 = () => Number(os.loadavg()[0].toFixed(2));
// One untimed trial here first: this thread's JIT warm-up is not charged to the sequential run
// (each pool worker still pays its own start-up and warm-up: that is the pool's real cost).
await randomSearch({ space, trials: 1, seed: 99, objective, workers: 0 });
const rounds = [];
let reference;
for (let r = 0; r < (quick ? 1 : 2); r++) {
  for (const workers of [0, 2]) {
    const before = load1();
    const t0 = performance.now();
    const res = await randomSearch({ space, trials, seed: 11, objective, workers });
    const wall = (performance.now() - t0) / 1000;
    reference ??= res.results;
    rounds.push({
      workers,
      wallSeconds: Number(wall.toFixed(3)),
      sameAsSequential: JSON.stringify(res.results) === JSON.stringify(reference),
      loadavg1: [before, load1()],
    });
  }
}
const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
const seq = mean(rounds.filter((r) => r.workers === 0).map((r) => r.wallSeconds));
const par = mean(rounds.filter((r) => r.workers === 2).map((r) => r.wallSeconds));
const perTrial = seq / trials;
// Per-task overhead of the pool: wall with 2 workers minus half the sequential work, per trial handed out.
const overhead = Math.max(0, (par - seq / 2) / (trials / 2));
const project = (n, k, perTask) => Number((Math.ceil(n / k) * (perTrial + perTask)).toFixed(1));
console.log(
  JSON.stringify(
    {
      machine: { cpus: os.cpus().length, loadavgAtEnd: os.loadavg().map((x) => Number(x.toFixed(2))) },
      trials,
      trial: '500-unit ESN, Mackey–Glass, fit 10000 rows, NRMSE on 2000 (bench/trial-esn.mjs)',
      rounds,
      secondsPerTrial: Number(perTrial.toFixed(3)),
      speedupTwoWorkers: Number((seq / par).toFixed(2)),
      poolOverheadPerTrialSeconds: Number(overhead.toFixed(3)),
      projection: {
        note: 'T(N, K) = ceil(N/K)·(t + o): t the measured seconds per trial here, o the per-task overhead (measured pool overhead here; 0.05 s assumed for a remote engine task: scheduling + shipping the parameters and a seed, not the data, which each node loads once)',
        'N=1000, pool here (K=2)': project(1000, 2, overhead),
        'N=1000, K=16, o=0.05': project(1000, 16, 0.05),
        'N=1000, K=64, o=0.05': project(1000, 64, 0.05),
        'N=1000, K=256, o=0.05': project(1000, 256, 0.05),
      },
    },
    null,
    2,
  ),
);
