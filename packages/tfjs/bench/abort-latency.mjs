// Abort latency of the gradient Trainer: an AbortSignal fired by a timer 50 ms into a fit of
// minutes, measured from the abort to the rejection with ABORTED (testkit's
// measureAbortLatency). The Trainer checks the signal between batches and gives the event loop
// a turn every ~20 ms of work, so the latency is about one batch (or the 20 ms budget), with
// or without an observer reading batch losses. Prints one JSON document. Run after a build:
// `node bench/abort-latency.mjs` (in packages/tfjs).
import * as tf from '@tensorflow/tfjs';
import { measureAbortLatency } from '@phaseflow/testkit';
import { createGradientTrainer, createMlp, useBestBackend } from '@phaseflow/tfjs';
import { moons } from '@phaseflow/datasets';

const backend = (await useBestBackend()).name;
const set = moons({ n: 1000, noise: 0.1, seed: 1 });
const rows = Array.from({ length: set.n }, (_, i) => Array.from(set.x.subarray(2 * i, 2 * i + 2)));
const data = { inputs: rows, targets: Array.from(set.y) };
const runs = 7;
const listening = { name: 'batch-losses', on: { 'batch:end': () => undefined } };
const cases = [
  { name: 'adam, batch 8, 2-16-2', batchSize: 8, hidden: [16] },
  { name: 'adam, batch 256, 2-64-64-2', batchSize: 256, hidden: [64, 64] },
  { name: 'adam, batch 32, 2-32-2, a batch:end observer', batchSize: 32, hidden: [32], observers: [listening] },
];
const out = [];
for (const c of cases) {
  const latencies = [];
  for (let r = 0; r < runs; r++) {
    const model = createMlp({ inputs: 2, hidden: c.hidden, outputs: 2, seed: 1 });
    const before = tf.memory().numTensors;
    const m = await measureAbortLatency(
      (signal) =>
        createGradientTrainer({ epochs: 100_000, batchSize: c.batchSize, seed: 1 }).fit(model, data, {
          signal,
          ...(c.observers && { observers: c.observers }),
        }),
      { afterMs: 50 },
    );
    if (!m.aborted) throw new Error(`${c.name}: the fit was not aborted`);
    if (tf.memory().numTensors !== before) throw new Error(`${c.name}: tensors left behind`);
    model.dispose();
    latencies.push(m.latencyMs);
  }
  latencies.sort((a, b) => a - b);
  out.push({ case: c.name, runs, medianMs: +latencies[runs >> 1].toFixed(2), maxMs: +latencies.at(-1).toFixed(2) });
}
console.log(JSON.stringify({ bench: 'gradient Trainer abort latency', backend, abortAfterMs: 50, node: process.version, results: out }, null, 2));
