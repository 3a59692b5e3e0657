// Bench of @phaseflow/linalg: expm (createExpm, scratch reused) against scipy.linalg.expm in the
// same run when python3 with scipy is importable (ours alone otherwise), and the Gram kernel
// (WebAssembly SIMD and its JavaScript fallback) in GFlop/s. Prints one JSON document.
// Run after a build: `npx nx bench @phaseflow/linalg`. BENCH_QUICK=1 runs fewer repetitions.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRandom } from '@phaseflow/core';
import { createExpm, createGramKernel } from '@phaseflow/linalg';

const here = path.dirname(fileURLToPath(import.meta.url));
const quick = process.env.BENCH_QUICK === '1';
const now = () => performance.now() / 1000;

function norm1(a, n) {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]);
    best = Math.max(best, s);
  }
  return best;
}

/** Seconds per call: warm up (JIT) for half the time, then repeat until `minSeconds` have passed. */
function timePerCall(f, minSeconds) {
  const w0 = now();
  for (let k = 0; k < 20 || now() - w0 < minSeconds / 2; k++) f();
  let reps = 0;
  const t0 = now();
  let t = t0;
  while (t - t0 < minSeconds) {
    f();
    reps++;
    t = now();
  }
  return { seconds: (t - t0) / reps, reps };
}

// ---- expm --------------------------------------------------------------------------------
const rng = createRandom(2026);
const cases = [];
for (const n of [3, 10, 30, 100]) {
  for (const target of [0.5, 3, 40]) {
    const a = new Float64Array(n * n);
    rng.fillNormal(a);
    const s = target / norm1(a, n);
    for (let i = 0; i < a.length; i++) a[i] *= s;
    cases.push({ n, norm1: target, a });
  }
}
const expmRows = cases.map(({ n, norm1: nrm, a }) => {
  const ev = createExpm({ n });
  const out = new Float64Array(n * n);
  const { seconds, reps } = timePerCall(() => ev.apply(a, out), quick ? 0.05 : 0.3);
  return { n, norm1: nrm, degree: ev.last.degree, squarings: ev.last.squarings, microseconds: seconds * 1e6, reps, out };
});

let scipy = { measured: false, note: 'python3 with scipy not importable here; ours alone' };
try {
  const python = process.env.SCIPY_PYTHON ?? 'python3';
  execFileSync(python, ['-c', 'import scipy.linalg'], { stdio: 'ignore' });
  const input = JSON.stringify({
    cases: cases.map(({ n, a }, i) => ({ n, data: Array.from(a), reps: Math.max(3, Math.min(2000, expmRows[i].reps)) })),
  });
  const res = JSON.parse(execFileSync(python, [path.join(here, 'scipy_expm.py')], { input, maxBuffer: 1 << 28 }).toString());
  scipy = { measured: true, version: res.scipy, numpy: res.numpy };
  res.results.forEach((r, i) => {
    const row = expmRows[i];
    let diff = 0,
      size = 0;
    for (let k = 0; k < row.out.length; k++) {
      diff = Math.max(diff, Math.abs(row.out[k] - r.data[k]));
      size = Math.max(size, Math.abs(r.data[k]));
    }
    row.scipyMicroseconds = r.seconds * 1e6;
    row.relativeDifferenceToScipy = diff / size;
  });
} catch (e) {
  if (e && e.code !== 'ENOENT' && e.status === undefined) throw e;
}

// ---- Gram kernel -------------------------------------------------------------------------
function gramRate(features, samples, kernel) {
  const block = features > 1000 ? 128 : 256;
  const g = createGramKernel({ features, block, kernel });
  const r = createRandom(features);
  r.fillNormal(g.panels);
  const blocks = Math.ceil(samples / block);
  const run = () => {
    for (let b = 0; b < blocks; b++) g.accumulate(block);
  };
  const { seconds } = timePerCall(run, quick ? 0.1 : 0.5);
  // Upper triangle of 4 × 4 tiles: nq(nq+1)/2 tiles × 16 entries × 2 flops per sample.
  const nq = g.stride / 4;
  const flops = ((nq * (nq + 1)) / 2) * 16 * 2 * block * blocks;
  return { kind: g.kind, gflops: flops / seconds / 1e9, secondsPerPass: seconds };
}
const gramRows = [];
for (const features of quick ? [100, 500] : [100, 500, 1000]) {
  const samples = 2048;
  const wasm = gramRate(features, samples, 'auto');
  const js = gramRate(features, samples, 'js');
  gramRows.push({ features, samples, wasm, js, speedup: js.secondsPerPass / wasm.secondsPerPass });
}

console.log(
  JSON.stringify(
    {
      package: '@phaseflow/linalg',
      node: process.version,
      cpus: os.cpus().length,
      loadavg: os.loadavg().map((x) => Number(x.toFixed(2))),
      quick,
      expm: { peer: scipy, rows: expmRows.map(({ out: _out, ...row }) => row) },
      gram: gramRows,
    },
    null,
    2,
  ),
);
