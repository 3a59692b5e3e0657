// Abort latency of EnKF `fit`: an AbortSignal fired by a timer 50 ms into a fit of minutes,
// measured from the abort to the rejection with ABORTED (testkit's measureAbortLatency).
// `fit` yields to the event loop every ~20 ms of work and checks the signal between
// iterations, so the latency is at most about one iteration (or the 20 ms budget). Prints
// one JSON document. Run after a build: `node bench/abort-latency.mjs` (in packages/enkf).
import { measureAbortLatency } from '@phaseflow/testkit';
import { createEnKFTrainer } from '@phaseflow/enkf';
import { createMlp64 } from '@phaseflow/nn64';
import { moons, oneHot } from '@phaseflow/datasets';

const set = moons({ n: 400, noise: 0.1, seed: 1 });
const data = { inputs: set.x, targets: oneHot(set), samples: set.n };
const runs = 7;
const cases = [
  { name: 'EKI, J = 16, batch 20, 2-32-2 tanh', trainer: { ensembleSize: 16, batchSize: 20 } },
  { name: 'EKI, J = 64, full batch (400), 2-32-2 tanh', trainer: { ensembleSize: 64 } },
  { name: 'HLR, J = 100, batch 100, 2-32-32-2 tanh', trainer: { method: 'hlr', ensembleSize: 100, batchSize: 100 }, sizes: [2, 32, 32, 2] },
];
const out = [];
for (const c of cases) {
  const latencies = [];
  let iterationMs = NaN;
  for (let r = 0; r < runs; r++) {
    const net = () => createMlp64({ sizes: c.sizes ?? [2, 32, 2], activation: 'tanh', output: 'softmax', seed: 3, distribution: 'normal' });
    if (r === 0) {
      const t0 = performance.now();
      const h = await createEnKFTrainer({ ...c.trainer, epochs: 1, seed: 1 }).fit(net(), data);
      iterationMs = (performance.now() - t0) / h.iterations;
    }
    const model = net();
    const m = await measureAbortLatency((signal) => createEnKFTrainer({ ...c.trainer, epochs: 100_000, seed: 1 }).fit(model, data, { signal }), {
      afterMs: 50,
    });
    if (!m.aborted) throw new Error(`${c.name}: the fit was not aborted`);
    latencies.push(m.latencyMs);
  }
  latencies.sort((a, b) => a - b);
  out.push({ case: c.name, iterationMs: +iterationMs.toFixed(2), runs, medianMs: +latencies[runs >> 1].toFixed(2), maxMs: +latencies.at(-1).toFixed(2) });
}
console.log(JSON.stringify({ bench: 'enkf abort latency', abortAfterMs: 50, node: process.version, results: out }, null, 2));
