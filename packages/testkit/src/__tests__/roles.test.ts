import { describe, expect, it } from 'vitest';
import { PhaseflowError, type Observer } from '@phaseflow/core';
import {
  controlResources,
  createControlLayer,
  createControlModel,
  createControlObserver,
  createControlTrainer,
  measureAbortLatency,
  runLayerConformance,
  runObserverConformance,
  runTrainerConformance,
  trainerChecks,
  type LayerFlaw,
  type ObserverFlaw,
  type TrainerFlaw,
} from '@phaseflow/testkit';
import { expectPhaseflowError, expectPhaseflowErrorAsync, layerConformance, observerConformance, trainerConformance } from '@phaseflow/testkit/vitest';

// y = 3x − 1 on 16 samples.
const xs = Float64Array.from({ length: 16 }, (_, i) => i / 8 - 1);
const data = { inputs: xs, targets: xs.map((v) => 3 * v - 1), samples: 16 };
const trainerOptions = {
  model: () => createControlModel(),
  data,
  resources: controlResources,
  failingModel: () => createControlModel({ throws: true }),
  long: { trainer: createControlTrainer({ epochs: 100_000 }) },
};

// The suites pass for the honest controls…
trainerConformance(createControlTrainer(), trainerOptions);
layerConformance(createControlLayer(), { input: () => Float64Array.of(0.3, -1.2) });
observerConformance(createControlObserver());

const failed = (report: { results: { check: string; ok: boolean }[] }) => report.results.filter((r) => !r.ok).map((r) => r.check);

describe('the trainer suite fails on trainers that break the contract', () => {
  const cases: [TrainerFlaw, string[]][] = [
    ['one-based-epochs', ['completes', 'stop']],
    ['one-based-batches', ['completes', 'stop']],
    ['run-end-twice', ['completes']],
    ['raw-errors', ['model-throws']],
    ['no-partial', ['abort-before', 'abort-observer']],
    ['ignores-abort', ['abort-before', 'abort-observer']],
    ['leaks', ['completes', 'stop', 'abort-before', 'abort-observer', 'observer-throws', 'model-throws']],
    ['accepts-unknown-options', ['bad-options']],
  ];
  for (const [flaw, checks] of cases) {
    it(`${flaw}: fails ${checks.join(', ')}`, async () => {
      const report = await runTrainerConformance(createControlTrainer({ flaw }), { ...trainerOptions, long: undefined });
      expect(report.ok).toBe(false);
      for (const c of checks) expect(failed(report), `${flaw} should fail ${c}`).toContain(c);
    });
  }

  it('the timer-abort check fails when the abort lands late', async () => {
    // The honest control, slowed down: its ABORTED settles 60 ms after the fit noticed the
    // abort, against a 20 ms bound. (A bound of ~0 on the honest control is not a test: the
    // timer may fire a fraction of a millisecond early by performance.now(), which reads as a
    // latency ≤ 0.)
    const honest = createControlTrainer({ epochs: 100_000 });
    const late = {
      ...honest,
      fit: (...args: Parameters<typeof honest.fit>) =>
        honest.fit(...args).catch(async (e: unknown) => {
          await new Promise((r) => setTimeout(r, 60));
          throw e;
        }),
    } as typeof honest;
    const [timer] = trainerChecks(late, { ...trainerOptions, long: { trainer: late }, abortWithinMs: 20 }).filter((c) => c.name.startsWith("a timer's abort"));
    const r = await timer!.run();
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/landed .* ms after it was due/);
  });

  it('measureAbortLatency reports the latency of an honest fit', async () => {
    const m = await measureAbortLatency((signal) => createControlTrainer({ epochs: 100_000 }).fit(createControlModel(), data, { signal }), { afterMs: 20 });
    expect(m.aborted).toBe(true);
    expect(m.latencyMs).toBeLessThan(450);
  });
});

describe('the layer suite fails on layers that break the contract', () => {
  const cases: [LayerFlaw, string][] = [
    ['get-set', 'parameters'],
    ['ensemble', 'forward-ensemble'],
    ['ensemble-moves-theta', 'forward-ensemble'],
    ['inverse', 'inverse'],
    ['mutates-input', 'deterministic'],
    ['accepts-bad-theta', 'parameters-bad-input'],
    ['not-deterministic', 'deterministic'],
  ];
  for (const [flaw, check] of cases) {
    it(`${flaw}: fails ${check}`, async () => {
      const report = await runLayerConformance(createControlLayer({ flaw }), { input: () => Float64Array.of(0.3, -1.2) });
      expect(failed(report)).toContain(check);
    });
  }
});

describe('the observer suite fails on observers that break the contract', () => {
  const cases: [ObserverFlaw, string[]][] = [
    ['mutates-state', ['integration', 'training']],
    ['throws', ['training']],
    ['bad-handler', ['shape']],
    ['stop-without-reason', ['integration', 'training']],
    ['no-name', ['shape']],
  ];
  for (const [flaw, checks] of cases) {
    it(`${flaw}: fails ${checks.join(', ')}`, async () => {
      const report = await runObserverConformance(createControlObserver({ flaw }));
      for (const c of checks) expect(failed(report), `${flaw} should fail ${c}`).toContain(c);
    });
  }

  it('an observer that keeps nothing still passes on an integration run only', async () => {
    const quiet: Observer = { name: 'quiet', on: {} };
    expect((await runObserverConformance(quiet, { runs: ['integration'] })).ok).toBe(true);
  });
});

describe('the testkit validates its own options', () => {
  it('refuses unknown and malformed options with coded errors naming them', async () => {
    expectPhaseflowError(() => trainerChecks(createControlTrainer(), { ...trainerOptions, epochz: 3 } as never), 'UNKNOWN_OPTION', 'options.epochz');
    expectPhaseflowError(() => trainerChecks(createControlTrainer(), { data } as never), 'INVALID_ARGUMENT', 'options.model');
    expectPhaseflowError(
      () => trainerChecks(createControlTrainer(), { ...trainerOptions, fitOptions: { signal: AbortSignal.abort() } }),
      'INVALID_ARGUMENT',
      'options.fitOptions.signal',
    );
    expectPhaseflowError(() => trainerChecks({ fit: 1 } as never, trainerOptions), 'INVALID_ARGUMENT', 'trainer.name');
    expectPhaseflowError(() => trainerChecks(createControlTrainer(), { ...trainerOptions, abortWithinMs: -1 }), 'INVALID_ARGUMENT', 'options.abortWithinMs');
    await expectPhaseflowError(() => runLayerConformance(createControlLayer(), {} as never), 'INVALID_ARGUMENT', 'options.input');
    await expectPhaseflowError(
      () => runLayerConformance(createControlLayer(), { input: Float64Array.of(1, 2), tolerence: 1 } as never),
      'UNKNOWN_OPTION',
      'options.tolerence',
    );
    await expectPhaseflowError(() => runObserverConformance(createControlObserver(), { runs: ['inference'] } as never), 'INVALID_ARGUMENT', 'options.runs');
    expectPhaseflowError(() => createControlTrainer({ flaw: 'lies' as never }), 'INVALID_ARGUMENT', 'options.flaw');
  });
});

describe('expectPhaseflowError takes promises', () => {
  it('awaits a call that returns a promise, and a promise itself', async () => {
    const fit = () => createControlTrainer().fit(createControlModel(), data, { signal: AbortSignal.abort() });
    const a = await expectPhaseflowError(fit, 'ABORTED');
    expect(a.partial).toMatchObject({ status: 'aborted' });
    const b = await expectPhaseflowError(fit(), 'ABORTED');
    expect(b).toBeInstanceOf(PhaseflowError);
    const c = await expectPhaseflowErrorAsync(
      () => createControlTrainer().fit(createControlModel(), data, { epoch: 1 } as never),
      'UNKNOWN_OPTION',
      'options.epoch',
    );
    expect(c.code).toBe('UNKNOWN_OPTION');
  });

  it('fails when the promise resolves or rejects with another code', async () => {
    await expect(expectPhaseflowErrorAsync(Promise.resolve(1), 'ABORTED')).rejects.toThrow(/nothing was thrown/);
    await expect(expectPhaseflowErrorAsync(Promise.reject(new Error('raw')), 'ABORTED')).rejects.toThrow(/got Error: raw/);
  });
});
