import { describe, expect, it } from 'vitest';
import { isPhaseflowError, type PhaseflowError } from '@phaseflow/core';
import { measureAbortLatency } from '@phaseflow/testkit';
import { layerConformance, trainerConformance } from '@phaseflow/testkit/vitest';
import { createEsn, createLms, createNvar, createReadout, createRidge, createRls, matrix, type ReadoutModel } from '@phaseflow/reservoir';

// The training contract every phaseflow Trainer keeps (testkit's trainerConformance), and the
// Layer contract of the readout, the ESN and the NVAR model (layerConformance).

/** A sine series: inputs u[t] = sin(0.1 t), targets u[t + 1]. */
function sine(rows: number) {
  const inputs = matrix(rows, 1),
    targets = matrix(rows, 1);
  for (let t = 0; t < rows; t++) {
    inputs.data[t] = Math.sin(0.1 * t);
    targets.data[t] = Math.sin(0.1 * (t + 1));
  }
  return { inputs, targets };
}
/** y = 2 x₀ − x₁ + 0.5 x₂ + 1 over 3 features. */
function linear(rows: number) {
  const inputs = matrix(rows, 3),
    targets = matrix(rows, 1);
  for (let t = 0; t < rows; t++) {
    for (let i = 0; i < 3; i++) inputs.data[t * 3 + i] = Math.sin(1 + 0.7 * t + 2.1 * i);
    targets.data[t] = 2 * inputs.data[t * 3]! - inputs.data[t * 3 + 1]! + 0.5 * inputs.data[t * 3 + 2]! + 1;
  }
  return { inputs, targets };
}

const esn = () => createEsn({ reservoir: { units: 30, inputDim: 1, spectralRadius: 0.9, leakRate: 0.5, seed: 1 } });
/** A readout model whose stream throws (a model failing mid-fit). */
const failing = (): ReadoutModel => ({
  readout: createReadout({ inputDim: 3, outputDim: 1 }),
  inputDim: 3,
  stream() {
    throw new Error('stream failed');
  },
});
// ~10⁵ rows of a 300-unit reservoir: seconds of work in one sequence, for the timer abort.
const longSeries = sine(100_000);
const bigEsn = () => createEsn({ reservoir: { units: 300, inputDim: 1, seed: 2 } });

// LMS over 300 reservoir features needs a step below 2/‖x‖² to stay finite.
for (const [trainer, long] of [
  [createRidge({ ridge: 1e-6 }), createRidge({ ridge: 1e-6 })],
  [createRls({ alpha: 1e-3 }), createRls({ alpha: 1e-3 })],
  [createLms({ learningRate: 0.05 }), createLms({ learningRate: 1e-4 })],
] as const) {
  trainerConformance(trainer, {
    model: () => createReadout({ inputDim: 3, outputDim: 1 }),
    data: linear(200),
    failingModel: failing,
    long: { trainer: long, model: bigEsn, data: longSeries },
  });
}
trainerConformance(createRidge({ ridge: 1e-6, warmup: 10 }), {
  model: esn,
  data: { inputs: [sine(100).inputs, sine(80).inputs], targets: [sine(100).targets, sine(80).targets] },
});

layerConformance(createReadout({ inputDim: 3, outputDim: 2 }), { input: Float64Array.of(0.5, -1, 2) });
{
  const model = esn();
  const train = sine(300);
  await createRidge({ ridge: 1e-6 }).fit(model, train);
  layerConformance(model, { input: sine(20).inputs, reset: () => model.reset() });
}
{
  const model = createNvar({ inputDim: 1, delay: 2, order: 2, strides: 1 });
  await createRidge({ ridge: 1e-6 }).fit(model, sine(300));
  layerConformance(model, { input: sine(20).inputs, reset: () => model.reset() });
}

describe('readout fits: 0-based epochs, aborts that land during one long series', () => {
  it('a ridge fit is epoch 0 of 1 (run:start total 1), so a progress bar shows "epoch 1/1"', async () => {
    const seen: [string, number | undefined][] = [];
    await createRidge().fit(createReadout({ inputDim: 3, outputDim: 1 }), linear(50), {
      observers: [{ name: 'p', on: { 'run:start': (e) => void seen.push(['start', e.total]), 'epoch:end': (e) => void seen.push(['epoch', e.epoch]) } }],
    });
    expect(seen).toEqual([
      ['start', 1],
      ['epoch', 0],
    ]);
  });

  it('data.samples, when given, must be the number of rows', async () => {
    const r = createReadout({ inputDim: 3, outputDim: 1 });
    await createRidge().fit(r, { ...linear(50), samples: 50 });
    const err = await createRidge()
      .fit(r, { ...linear(50), samples: 49 })
      .catch((e: unknown) => e);
    expect(isPhaseflowError(err, 'SHAPE_MISMATCH')).toBe(true);
    expect((err as PhaseflowError).details.argument).toBe('data.samples');
  });

  it('streaming in chunks gives the very same ridge readout as one pass', async () => {
    const train = sine(5000);
    const a = bigEsn(),
      b = bigEsn();
    await createRidge({ ridge: 1e-6 }).fit(a, train);
    // The model's own stream over the whole sequence, into the same accumulator arithmetic.
    const { createRidgeAccumulator } = await import('@phaseflow/reservoir');
    const acc = createRidgeAccumulator({ inputDim: b.featureDim, outputDim: 1 });
    b.stream(train.inputs, train.targets, 0, (f, fo, y, yo) => acc.add(f, fo, y, yo));
    acc.solve(1e-6, b.readout);
    expect(Array.from(a.readout.weights)).toEqual(Array.from(b.readout.weights));
    expect(Array.from(a.readout.bias)).toEqual(Array.from(b.readout.bias));
  });

  it('a timer abort after 50 ms lands within ~450 ms on one long series (ridge over an ESN)', async () => {
    const model = bigEsn();
    const m = await measureAbortLatency((signal) => createRidge().fit(model, longSeries, { signal }), { afterMs: 50 });
    expect(m.settledBeforeAbort).toBe(false);
    expect(m.aborted).toBe(true);
    expect(m.latencyMs).toBeLessThan(450);
  });
});
