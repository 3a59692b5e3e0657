// Abort latency of readout fits over one long series: an AbortSignal fired by a timer 50 ms
// into the fit, measured from the abort to the rejection with ABORTED (testkit's
// measureAbortLatency). The trainers stream a sequence in chunks of ~4 ms of work, check the
// signal between chunks and give the event loop a turn every ~20 ms, so the latency no longer
// depends on the series length. Prints one JSON document. Run after a build:
// `node bench/abort-latency.mjs` (in packages/reservoir).
import { measureAbortLatency } from '@phaseflow/testkit';
import { createEsn, createLms, createNvar, createRidge, createRls, matrix } from '@phaseflow/reservoir';

const rows = 200_000;
const inputs = matrix(rows, 1),
  targets = matrix(rows, 1);
for (let t = 0; t < rows; t++) {
  inputs.data[t] = Math.sin(0.1 * t);
  targets.data[t] = Math.sin(0.1 * (t + 1));
}
const series = { inputs, targets };
const runs = 5;
const esn = (units) => () => createEsn({ reservoir: { units, inputDim: 1, seed: 2 } });
const cases = [
  { name: 'ridge, ESN 300 units', trainer: () => createRidge(), model: esn(300) },
  { name: 'ridge, ESN 1000 units', trainer: () => createRidge(), model: esn(1000) },
  { name: 'RLS (FORCE), ESN 300 units', trainer: () => createRls({ alpha: 1e-3 }), model: esn(300) },
  { name: 'LMS, ESN 300 units', trainer: () => createLms({ learningRate: 1e-4 }), model: esn(300) },
  { name: 'ridge, NVAR (delay 2, order 2)', trainer: () => createRidge(), model: () => createNvar({ inputDim: 1, delay: 2, order: 2, strides: 1 }) },
];
const out = [];
for (const c of cases) {
  const latencies = [];
  let settled = 0;
  for (let r = 0; r < runs; r++) {
    const model = c.model();
    const m = await measureAbortLatency((signal) => c.trainer().fit(model, series, { signal }), { afterMs: 50 });
    if (m.settledBeforeAbort) settled++;
    else latencies.push(m.latencyMs);
  }
  latencies.sort((a, b) => a - b);
  out.push({
    case: c.name,
    rows,
    runs,
    ...(settled > 0 && { finishedBeforeTheAbort: settled }),
    ...(latencies.length > 0 && { medianMs: +latencies[latencies.length >> 1].toFixed(2), maxMs: +latencies.at(-1).toFixed(2) }),
  });
}
console.log(JSON.stringify({ bench: 'readout fit abort latency', abortAfterMs: 50, node: process.version, results: out }, null, 2));
