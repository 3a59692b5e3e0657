import { describe, expect, it } from 'vitest';
import { isPhaseflowError, PhaseflowError, type Layer } from '@phaseflow/core';
import { moons as moonsSet, oneHot } from '@phaseflow/datasets';
import { classificationAccuracy, createEnKFTrainer, type Batch, type EnKFData } from '@phaseflow/enkf';
import { createMlp64 } from '@phaseflow/nn64';

// Two moons from @phaseflow/datasets, targets one-hot.
const moons = (n: number, noise: number, seed: number): EnKFData => {
  const set = moonsSet({ n, noise, seed });
  return { inputs: set.x, targets: oneHot(set), samples: set.n };
};
const train = moons(400, 0.1, 1);
const test = moons(1000, 0.1, 2);
const accuracyOf = (net: { forward(b: Batch): Float64Array }) =>
  classificationAccuracy(net.forward({ x: Float64Array.from(test.inputs), rows: test.samples, cols: 2 }), test.targets, test.samples);

describe('two moons without gradients', () => {
  it('an MLP (tanh) trained by EKI reaches ≥ 97 % test accuracy', async () => {
    const net = createMlp64({ sizes: [2, 16, 2], activation: 'tanh', output: 'softmax', seed: 3, distribution: 'normal' });
    const before = accuracyOf(net);
    const trainer = createEnKFTrainer({ ensembleSize: 50, epochs: 30, batchSize: 100, noise: 0.1, init: { std: 0.5 }, seed: 1 });
    const h = await trainer.fit(net, train, { validation: test });
    expect(before).toBeLessThan(0.9);
    expect(accuracyOf(net)).toBeGreaterThanOrEqual(0.97);
    expect(h.metrics.validationAccuracy!.at(-1)).toBe(accuracyOf(net));
    expect(h.loss.at(-1)!).toBeLessThan(h.loss[0]!);
    expect(h.forwardEvaluations).toBe(50 * 400 * 30);
  });

  it('a Heaviside (step) network — zero gradient almost everywhere — reaches ≥ 90 %', async () => {
    const net = createMlp64({ sizes: [2, 32, 2], activation: 'heaviside', output: 'softmax', seed: 3, distribution: 'normal' });
    const trainer = createEnKFTrainer({ method: 'hlr', ensembleSize: 50, epochs: 30, batchSize: 100, noise: 0.1, init: { std: 0.5 }, seed: 1 });
    await trainer.fit(net, train);
    expect(accuracyOf(net)).toBeGreaterThanOrEqual(0.9);
  });

  it('forwardEnsemble and the set + forward fallback give the same training run', async () => {
    const a = createMlp64({ sizes: [2, 8, 2], output: 'softmax', seed: 5, distribution: 'normal' });
    const b = createMlp64({ sizes: [2, 8, 2], output: 'softmax', seed: 5, distribution: 'normal' });
    const plain: Layer<Batch, Float64Array> = {
      name: 'no-batched-forward',
      forward: (x) => b.forward(x),
      parameters: { size: b.parameters.size, get: (o) => b.parameters.get(o), set: (v) => b.parameters.set(v) },
    };
    const opts = { ensembleSize: 10, epochs: 3, batchSize: 50, seed: 4 };
    const ha = await createEnKFTrainer(opts).fit(a, train);
    const hb = await createEnKFTrainer(opts).fit(plain, train);
    expect(Array.from(hb.mean)).toEqual(Array.from(ha.mean));
    expect(hb.loss).toEqual(ha.loss);
  });

  it('is reproducible: the same seed gives the same weights', async () => {
    const run = async () => {
      const net = createMlp64({ sizes: [2, 6, 2], output: 'softmax', seed: 1, distribution: 'normal' });
      return (await createEnKFTrainer({ ensembleSize: 8, epochs: 2, batchSize: 64, seed: 9, inflation: 1.01, additiveNoise: 1e-3 }).fit(net, train)).mean;
    };
    expect(Array.from(await run())).toEqual(Array.from(await run()));
  });
});

describe('failure handling', () => {
  // A wrapper that returns NaN for members whose first parameter is above a threshold.
  function fragile(threshold: number): Layer<Batch, Float64Array> {
    const net = createMlp64({ sizes: [2, 4, 2], output: 'softmax', seed: 2, distribution: 'normal' });
    return {
      name: 'fragile',
      forward: (x) => net.forward(x),
      parameters: {
        size: net.parameters.size,
        get: (o) => net.parameters.get(o),
        set: (v) => net.parameters.set(v),
        forwardEnsemble(thetas, members, input) {
          const outs = net.parameters.forwardEnsemble!(thetas, members, input);
          return outs.map((o, j) => (thetas[j * net.parameters.size]! > threshold ? o.fill(NaN) : o));
        },
      },
    };
  }

  it('drops members whose forward pass is not finite, with an event, and goes on', async () => {
    const dropped: number[][] = [];
    const h = await createEnKFTrainer({ ensembleSize: 12, epochs: 2, batchSize: 100, seed: 1, init: { mean: 0, std: 1 } }).fit(fragile(0.5), train, {
      observers: [{ name: 'd', on: { 'enkf:dropped': (e) => void dropped.push([...e.members]) } }],
    });
    expect(dropped.length).toBeGreaterThan(0);
    expect(h.dropped).toBe(dropped.reduce((s, d) => s + d.length, 0));
    expect(h.mean.every(Number.isFinite)).toBe(true);
    expect(h.status).toBe('completed');
  });

  it('throws ENSEMBLE_FAILURE with the partial history when fewer than two members succeed', async () => {
    const err = await createEnKFTrainer({ ensembleSize: 6, epochs: 2, seed: 1, init: { mean: 10, std: 0.1 } })
      .fit(fragile(0.5), train)
      .catch((e: unknown) => e);
    expect(isPhaseflowError(err, 'ENSEMBLE_FAILURE')).toBe(true);
    expect((err as PhaseflowError).partial).toMatchObject({ iterations: 1 });
  });
});

describe('bad input gets coded errors', () => {
  const net = createMlp64({ sizes: [2, 4, 2], seed: 1, distribution: 'normal' });
  const code = async (f: () => unknown) => {
    try {
      await f();
    } catch (e) {
      return e instanceof PhaseflowError ? e.code : String(e);
    }
    return 'no error';
  };

  it('ensemble size < 2', async () => {
    expect(await code(() => createEnKFTrainer({ ensembleSize: 1 }))).toBe('INVALID_ARGUMENT');
    expect(await code(() => createEnKFTrainer({ ensembleSize: 2.5 }))).toBe('INVALID_ARGUMENT');
  });

  it('non-finite data', async () => {
    const x = Float64Array.from(train.inputs);
    x[7] = NaN;
    expect(await code(() => createEnKFTrainer().fit(net, { ...train, inputs: x }))).toBe('NON_FINITE_INPUT');
    const y = Float64Array.from(train.targets);
    y[3] = Infinity;
    expect(await code(() => createEnKFTrainer().fit(net, { ...train, targets: y }))).toBe('NON_FINITE_INPUT');
  });

  it('a model without the parametric view', async () => {
    const opaque: Layer<Batch, Float64Array> = { name: 'opaque', forward: (b) => net.forward(b) };
    expect(await code(() => createEnKFTrainer().fit(opaque, train))).toBe('NOT_PARAMETRIC');
    expect(await code(() => createEnKFTrainer().fit(null as never, train))).toBe('NOT_PARAMETRIC');
  });

  it('unknown options, wrong shapes, bad numbers', async () => {
    expect(await code(() => createEnKFTrainer({ ensembleSze: 4 } as never))).toBe('UNKNOWN_OPTION');
    expect(await code(() => createEnKFTrainer({ noise: 0 }))).toBe('INVALID_ARGUMENT');
    expect(await code(() => createEnKFTrainer({ inflation: 0.5 }))).toBe('INVALID_ARGUMENT');
    expect(await code(() => createEnKFTrainer({ method: 'sgd' as never }))).toBe('INVALID_ARGUMENT');
    expect(await code(() => createEnKFTrainer().fit(net, { inputs: train.inputs, targets: train.targets, samples: 3 }))).toBe('SHAPE_MISMATCH');
    expect(await code(() => createEnKFTrainer().fit(net, { inputs: [1, 2, 3], targets: [1, 0, 0, 1, 1, 0], samples: 3 }))).toBe('SHAPE_MISMATCH');
    expect(await code(() => createEnKFTrainer({ init: { mean: [1, 2] } }).fit(net, train))).toBe('SHAPE_MISMATCH');
    expect(await code(() => createEnKFTrainer({ method: 'hlr', inflation: 1.1 }))).toBe('INVALID_ARGUMENT');
    expect(await code(() => createMlp64({ sizes: [2] }))).toBe('INVALID_ARGUMENT');
    expect(await code(() => createMlp64({ sizes: [2, 3], activation: 'gelu' as never }))).toBe('INVALID_ARGUMENT');
    expect(await code(() => net.forward({ x: new Float64Array(3), rows: 1, cols: 3 }))).toBe('SHAPE_MISMATCH');
  });

  it('an aborted run ends with ABORTED and keeps what it computed', async () => {
    const controller = new AbortController();
    const err = await createEnKFTrainer({ ensembleSize: 4, epochs: 5, batchSize: 50 })
      .fit(net, train, { signal: controller.signal, observers: [{ name: 'a', on: { 'batch:end': (e) => void (e.batch === 2 && controller.abort()) } }] })
      .catch((e: unknown) => e);
    expect(isPhaseflowError(err, 'ABORTED')).toBe(true);
    expect((err as PhaseflowError).partial).toMatchObject({ iterations: 3 });
  });

  it('an observer can stop the run', async () => {
    const h = await createEnKFTrainer({ ensembleSize: 4, epochs: 5, batchSize: 50 }).fit(net, train, {
      observers: [{ name: 's', on: { 'enkf:iteration': (e, c) => void (e.iteration === 2 && c.stop('enough')) } }],
    });
    expect(h).toMatchObject({ status: 'stopped', reason: 'enough', iterations: 2 });
  });
});

describe('the data shape', () => {
  it('the deprecated { x, y, samples } gives the same run as { inputs, targets, samples }, and its errors name x and y', async () => {
    const opts = { ensembleSize: 6, epochs: 2, batchSize: 100, seed: 3 };
    const net = () => createMlp64({ sizes: [2, 4, 2], output: 'softmax', seed: 2, distribution: 'normal' });
    const legacy = { x: train.inputs, y: train.targets, samples: train.samples };
    const a = await createEnKFTrainer(opts).fit(net(), train, { validation: test });
    const b = await createEnKFTrainer(opts).fit(net(), legacy, { validation: { x: test.inputs, y: test.targets, samples: test.samples } });
    expect(Array.from(b.mean)).toEqual(Array.from(a.mean));
    expect(b.metrics).toEqual(a.metrics);
    const err = await createEnKFTrainer(opts)
      .fit(net(), { ...legacy, y: [1] })
      .catch((e: unknown) => e);
    expect(isPhaseflowError(err, 'SHAPE_MISMATCH')).toBe(true);
    expect((err as PhaseflowError).details.argument).toBe('data.y');
    const err2 = await createEnKFTrainer(opts)
      .fit(net(), { ...train, targets: [1] })
      .catch((e: unknown) => e);
    expect((err2 as PhaseflowError).details.argument).toBe('data.targets');
  });

  it('epoch and batch indices are 0-based (epoch:end, batch:end, enkf:iteration)', async () => {
    const epochs: number[] = [];
    const batches: [number, number][] = [];
    const iterationEpochs: number[] = [];
    await createEnKFTrainer({ ensembleSize: 4, epochs: 2, batchSize: 200, seed: 1 }).fit(createMlp64({ sizes: [2, 3, 2], seed: 1 }), train, {
      observers: [
        {
          name: 'i',
          on: {
            'epoch:end': (e) => void epochs.push(e.epoch),
            'batch:end': (e) => void batches.push([e.epoch, e.batch]),
            'enkf:iteration': (e) => void iterationEpochs.push(e.epoch),
          },
        },
      ],
    });
    expect(epochs).toEqual([0, 1]);
    expect(batches).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    expect(iterationEpochs).toEqual([0, 0, 1, 1]);
  });
});

describe('an AbortSignal lands while fit runs', () => {
  it('a timer abort after 50 ms ends a long fit with ABORTED and the partial history well before 500 ms', async () => {
    // A fit of minutes (20 iterations of 16 members × 20 samples per epoch, 10 000 epochs); the
    // abort lands at the first iteration boundary after the timer fired (an iteration is ~1 ms).
    const net = createMlp64({ sizes: [2, 32, 2], output: 'softmax', seed: 3, distribution: 'normal' });
    const trainer = createEnKFTrainer({ ensembleSize: 16, batchSize: 20, epochs: 10_000, seed: 1 });
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(new Error('deadline')), 50);
    const err = await trainer.fit(net, train, { signal: controller.signal }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(isPhaseflowError(err, 'ABORTED')).toBe(true);
    expect((err as PhaseflowError).cause).toEqual(new Error('deadline'));
    expect((err as PhaseflowError).partial).toMatchObject({ status: 'aborted' });
    expect(((err as PhaseflowError).partial as { iterations: number }).iterations).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(500);
  });
});
