// The copying task (alphabet 8, sequence 10, memory T; memoryless baseline 10·ln 8/(T + 20),
// 0.0204 at T = 1000): expRNN, the Householder cell and a tanh RNN of the same width, trained
// alike, in one run. One JSON document: the held-out cross-entropy against the baseline over
// training, accuracy on the written symbols, time per iteration.
// Runs on the builds of this package and of examples/lie (runCopyingTask, imported by path: a
// library does not depend on its examples): npx nx run @phaseflow/lie:bench:copying, or
//   node bench/copying.mjs [T=1000] [iterations=500] [models=exprnn,householder,tanh]
import { useBestBackend } from '@phaseflow/tfjs';

const { runCopyingTask, copyingBaseline } = await import(new URL('../../../examples/lie/dist/copying.js', import.meta.url).href);

const memory = Number(process.argv[2] ?? 1000);
const iterations = Number(process.argv[3] ?? 300);
const models = (process.argv[4] ?? 'exprnn,householder,tanh').split(',');
const settings = { memory, units: 32, batchSize: 16, iterations, learningRate: 1e-3, orthogonalLearningRate: 1e-4, seed: 1, evaluateEvery: 25 };
const backend = await useBestBackend();
const baseline = copyingBaseline(memory);
const runs = {};
for (const model of models) {
  const r = await runCopyingTask({ ...settings, model });
  const below = r.evaluation.find((e) => e.loss < baseline);
  runs[model] = {
    finalLoss: r.finalLoss,
    ratioToBaseline: r.finalLoss / baseline,
    bestRatio: Math.min(...r.evaluation.map((e) => e.loss)) / baseline,
    firstBelowBaseline: below ? below.iteration : null,
    accuracy: r.accuracy,
    trainableParameters: r.trainableParameters,
    msPerIteration: Math.round(r.msPerIteration),
    evaluation: r.evaluation.map((e) => [e.iteration, +(e.loss / baseline).toFixed(4)]),
  };
  console.error(`${model}: ${runs[model].ratioToBaseline.toFixed(3)}× baseline after ${iterations} iterations (${runs[model].msPerIteration} ms each)`);
}
console.log(
  JSON.stringify(
    {
      package: '@phaseflow/lie/tfjs',
      bench: 'copying',
      backend: backend.name,
      node: process.version,
      baseline,
      settings,
      evaluation: '[iteration, held-out loss / baseline]',
      runs,
    },
    null,
    2,
  ),
);
