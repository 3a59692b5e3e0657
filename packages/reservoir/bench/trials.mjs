// Hyper-parameter trials on a worker pool (randomSearch with a module objective) against the
// same trials on one thread, alternated, and the projection of the measured per-trial cost onto
// an engine that runs one trial per task on K slots (Ray, Dask, a job queue). Prints JSON.
// Run after a build: `node bench/trials.mjs` (BENCH_QUICK=1: fewer trials and one pair).
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { randomSearch } from '@phaseflow/reservoir';

const quick = process.env.BENCH_QUICK === '1';
const trials = quick ? 6 : 16;
const space = { sr: { low: 0.5, high: 1.5 }, lr: { low: 0.05, high: 1, log: true }, inputScaling: { low: 0.2, high: 2 }, ridge: [1e-8, 1e-6, 1e-4] };
const objective = { module: new URL('./trial-esn.mjs', import.meta.url) };
const load1 = () => Number(os.loadavg()[0].toFixed(2));

// Each round is a fresh process, so both sides start as a user's search does: this thread's
// JIT as cold as each pool worker's (an in-process sequential run would be warm after its first
// round, while every pool starts new workers).
if (process.argv[2] === '--child') {
  const t0 = performance.now();
  const res = await randomSearch({ space, trials, seed: 11, objective, workers: Number(process.argv[3]) });
  console.log(JSON.stringify({ wall: (performance.now() - t0) / 1000, results: res.results }));
  process.exit(0);
}
const self = fileURLToPath(import.meta.url);
const rounds = [];
let reference;
for (let r = 0; r < (quick ? 1 : 3); r++) {
  for (const workers of r % 2 ? [2, 0] : [0, 2]) {
    const before = load1();
    const out = execFileSync(process.execPath, [self, '--child', String(workers)], { encoding: 'utf8' });
    const res = JSON.parse(out.trim().split('\n').pop());
    reference ??= JSON.stringify(res.results);
    rounds.push({
      workers,
      wallSeconds: Number(res.wall.toFixed(3)),
      sameAsSequential: JSON.stringify(res.results) === reference,
      loadavg1: [before, load1()],
    });
  }
}
const median = (a) => {
  const v = [...a].sort((x, y) => x - y);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
// Rounds come in pairs (one sequential, one pool, back to back, alternating which goes first):
// the figures are medians over the pairs, so a load change between pairs does not skew them.
const pairs = [];
for (let i = 0; i + 1 < rounds.length; i += 2) {
  const [a, b] = [rounds[i], rounds[i + 1]];
  pairs.push(a.workers === 0 ? { seq: a.wallSeconds, par: b.wallSeconds } : { seq: b.wallSeconds, par: a.wallSeconds });
}
const seq = median(pairs.map((p) => p.seq));
const perTrial = seq / trials;
// Per-task overhead of the pool: wall with 2 workers minus half the sequential work, per trial
// handed out (each worker's start-up and JIT warm-up, and two trials sharing the memory system).
const overhead = Math.max(0, median(pairs.map((p) => (p.par - p.seq / 2) / (trials / 2))));
const project = (n, k, perTask) => Number((Math.ceil(n / k) * (perTrial + perTask)).toFixed(1));
console.log(
  JSON.stringify(
    {
      machine: { cpus: os.cpus().length, loadavgAtEnd: os.loadavg().map((x) => Number(x.toFixed(2))) },
      trials,
      trial: '500-unit ESN, Mackey–Glass, fit 10000 rows, NRMSE on 2000 (bench/trial-esn.mjs); each round a fresh process',
      rounds,
      secondsPerTrial: Number(perTrial.toFixed(3)),
      speedupTwoWorkers: Number(median(pairs.map((p) => p.seq / p.par)).toFixed(2)),
      speedupPerPair: pairs.map((p) => Number((p.seq / p.par).toFixed(2))),
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
