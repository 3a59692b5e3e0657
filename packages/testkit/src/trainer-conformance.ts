/**
 * Conformance of the Trainer role: what every `fit` promises, whatever it trains. The suite
 * fits the trainer several times — to completion, stopped by an observer, aborted before the
 * start, from an observer and from a timer, with an observer that throws, with a model that
 * throws — and checks the events (run:start and run:end exactly once, 0-based epoch and batch
 * indices, counts that agree with the history), the `partial` history on ABORTED, coded errors
 * on bad options, and, when a resource counter is given (tfjs: `tf.memory().numTensors`), that
 * no resource outlives a fit on the success or the error path.
 */
import {
  checkFunction,
  checkInteger,
  checkOptions,
  checkPositive,
  invalid,
  isPhaseflowError,
  type Observer,
  type PhaseflowError,
  type PhaseflowEventKind,
  type PhaseflowEventMap,
  type Trainer,
} from '@phaseflow/core';
import type { CheckResult } from './checks.js';

/** Something whose live count must not grow across a call: tensors, buffers, handles. */
export interface ResourceCounter {
  /** What is counted, for messages (`tensors`). */
  readonly name: string;
  count(): number;
}

/** A fit the timer-abort check runs: long enough (seconds) that only the signal ends it early. */
export interface LongFit<M, D> {
  /** Default: the trainer under test. */
  readonly trainer?: Trainer<M, D>;
  /** Default: `options.model`. */
  readonly model?: () => M;
  /** Default: `options.data`. */
  readonly data?: D;
  /** Default: `options.fitOptions`. */
  readonly fitOptions?: Readonly<Record<string, unknown>>;
}

/** Options of {@link trainerChecks} and {@link runTrainerConformance}. */
export interface TrainerConformanceOptions<M, D> {
  /** A fresh model for every fit the suite runs (it fits several times). */
  readonly model: () => M;
  /** Training data on which a fit completes in well under a second. */
  readonly data: D;
  /** Options merged into every fit besides the observers and signal the suite passes (e.g. `{ epochs: 2 }`). */
  readonly fitOptions?: Readonly<Record<string, unknown>>;
  /** Release a model after its fit (tfjs: `(m) => m.dispose()`). */
  readonly dispose?: (model: M) => void;
  /** Counted before and after every fit (the model already built): the counts must agree, success or error. */
  readonly resources?: ResourceCounter;
  /** A model whose forward pass throws: the error path (omit to skip the check). */
  readonly failingModel?: () => M;
  /** A fit that runs for seconds, for the timer-abort check (omit to skip it). */
  readonly long?: LongFit<M, D>;
  /** The timer fires after this many milliseconds (default 50). */
  readonly abortAfterMs?: number;
  /** … and the fit must settle within this many milliseconds of it (default 450: generous, for loaded machines). */
  readonly abortWithinMs?: number;
}

/** One named check of the suite; `run` resolves to its verdict. */
export interface NamedCheck {
  readonly name: string;
  run(): Promise<CheckResult>;
}

/** The outcome of {@link runTrainerConformance}. */
export interface TrainerConformanceReport {
  readonly trainer: string;
  readonly ok: boolean;
  readonly results: CheckResult[];
}

type AnyEvent = { kind: PhaseflowEventKind; event: PhaseflowEventMap[PhaseflowEventKind] };

const KINDS: readonly PhaseflowEventKind[] = ['run:start', 'step', 'batch:end', 'epoch:end', 'run:end'];

/** An observer that records every core event, and optionally acts on the first step/batch/epoch event. */
function recorder(act?: (kind: PhaseflowEventKind, stop: (reason: string) => void) => void): { observer: Observer; events: AnyEvent[] } {
  const events: AnyEvent[] = [];
  let acted = false;
  const on: Record<string, (e: never, c: { stop(reason: string): void }) => void> = {};
  for (const kind of KINDS) {
    on[kind] = (event, control) => {
      events.push({ kind, event });
      if (act && !acted && (kind === 'step' || kind === 'batch:end' || kind === 'epoch:end')) {
        acted = true;
        act(kind, (r) => control.stop(r));
      }
    };
  }
  return { observer: { name: 'conformance-recorder', on }, events };
}

const count = (events: AnyEvent[], kind: PhaseflowEventKind) => events.filter((e) => e.kind === kind).length;

/** run:start first and once, run:end last and once (or neither, when the fit never started). */
function lifecycleProblems(events: AnyEvent[], started: 'required' | 'optional'): string[] {
  const problems: string[] = [];
  const starts = count(events, 'run:start');
  const ends = count(events, 'run:end');
  if (starts === 0 && started === 'optional' && events.length === 0) return problems;
  if (starts !== 1) problems.push(`run:start emitted ${starts} times (expected once)`);
  if (ends !== 1) problems.push(`run:end emitted ${ends} times (expected once)`);
  if (events.length > 0 && events[0]!.kind !== 'run:start') problems.push(`the first event is ${events[0]!.kind}, not run:start`);
  if (events.length > 0 && events.at(-1)!.kind !== 'run:end') problems.push(`the last event is ${events.at(-1)!.kind}, not run:end`);
  return problems;
}

/** Epoch indices 0, 1, …; batch indices 0, 1, … within each epoch; step counts increasing from 1. */
function indexProblems(events: AnyEvent[]): string[] {
  const problems: string[] = [];
  const epochs = events.filter((e) => e.kind === 'epoch:end').map((e) => (e.event as PhaseflowEventMap['epoch:end']).epoch);
  epochs.forEach((epoch, i) => {
    if (epoch !== i) problems.push(`epoch:end #${i} has epoch ${epoch} (expected ${i}: indices start at 0)`);
  });
  let lastEpoch = -1;
  let nextBatch = 0;
  for (const { kind, event } of events) {
    if (kind !== 'batch:end') continue;
    const { epoch, batch } = event as PhaseflowEventMap['batch:end'];
    if (!Number.isInteger(epoch) || epoch < 0) {
      problems.push(`batch:end with epoch ${epoch} (expected an index from 0)`);
      break;
    }
    if (epoch !== lastEpoch) {
      if (epoch < lastEpoch) problems.push(`batch:end epoch went back from ${lastEpoch} to ${epoch}`);
      lastEpoch = epoch;
      nextBatch = 0;
    }
    if (batch !== nextBatch) {
      problems.push(`batch:end in epoch ${epoch} has batch ${batch} (expected ${nextBatch}: indices start at 0 in each epoch)`);
      break;
    }
    nextBatch++;
  }
  let lastStep = 0;
  for (const { kind, event } of events) {
    if (kind !== 'step') continue;
    const { step } = event as PhaseflowEventMap['step'];
    if (!Number.isInteger(step) || step <= lastStep) {
      problems.push(`step events count ${lastStep} then ${step} (expected steps done: 1, 2, …)`);
      break;
    }
    lastStep = step;
  }
  return problems.slice(0, 4);
}

interface History {
  readonly status?: unknown;
  readonly reason?: unknown;
  readonly epochs?: unknown;
  readonly loss?: unknown;
  readonly metrics?: unknown;
}

/** The history agrees with the events: epochs = epoch:end events, one loss and one value per metric per epoch. */
function historyProblems(h: History, events: AnyEvent[], status: 'completed' | 'stopped' | 'aborted' | 'failed'): string[] {
  const problems: string[] = [];
  if (h === null || typeof h !== 'object') return [`the history is ${String(h)}, not an object`];
  if (h.status !== status) problems.push(`status ${JSON.stringify(h.status)} (expected ${JSON.stringify(status)})`);
  const epochs = count(events, 'epoch:end');
  if (h.epochs !== epochs) problems.push(`history.epochs = ${String(h.epochs)} but ${epochs} epoch:end events`);
  if (!Array.isArray(h.loss)) problems.push('history.loss is not an array');
  else if (h.loss.length !== h.epochs) problems.push(`history.loss has ${h.loss.length} entries for ${String(h.epochs)} epochs`);
  if (h.metrics === null || typeof h.metrics !== 'object') problems.push('history.metrics is not an object');
  else {
    for (const [name, values] of Object.entries(h.metrics as Record<string, unknown>)) {
      if (!Array.isArray(values) || values.length !== h.epochs) {
        problems.push(`history.metrics.${name} has ${Array.isArray(values) ? values.length : 'no'} entries for ${String(h.epochs)} epochs`);
      }
    }
  }
  const start = events.find((e) => e.kind === 'run:start')?.event as PhaseflowEventMap['run:start'] | undefined;
  if (status === 'completed' && start?.total !== undefined && start.total !== epochs) {
    problems.push(`run:start.total = ${start.total} but the completed run had ${epochs} epochs`);
  }
  const end = events.find((e) => e.kind === 'run:end')?.event as PhaseflowEventMap['run:end'] | undefined;
  if (end && end.status !== status) problems.push(`run:end.status ${JSON.stringify(end.status)} (expected ${JSON.stringify(status)})`);
  return problems;
}

const verdict = (check: string, trainer: string, problems: string[], good: string, measured?: Record<string, unknown>): CheckResult => ({
  check,
  ok: problems.length === 0,
  message: problems.length === 0 ? `${trainer}: ${good}` : `${trainer}: ${problems.join('; ')}`,
  ...(measured && { measured }),
});

const describeError = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/**
 * The checks of the Trainer contract for `trainer`, one per behaviour, each fitting fresh
 * models. {@link runTrainerConformance} runs them all; `trainerConformance` of
 * `@phaseflow/testkit/vitest` registers one test per check.
 *
 * @example
 * ```ts
 * const checks = trainerChecks(createRidge(), { model: () => createReadout({ inputDim: 2, outputDim: 1 }), data });
 * for (const c of checks) console.log((await c.run()).message);
 * ```
 */
export function trainerChecks<M, D>(trainer: Trainer<M, D>, options: TrainerConformanceOptions<M, D>): NamedCheck[] {
  if (trainer === null || typeof trainer !== 'object') invalid('trainer', 'a Trainer { name, fit }', trainer);
  if (typeof trainer.name !== 'string' || trainer.name === '') invalid('trainer.name', 'a non-empty string', trainer.name);
  checkFunction('trainer.fit', trainer.fit);
  if (options === null || typeof options !== 'object') invalid('options', 'trainer conformance options { model, data, … }', options);
  const o = checkOptions('options', options, ['model', 'data', 'fitOptions', 'dispose', 'resources', 'failingModel', 'long', 'abortAfterMs', 'abortWithinMs']);
  checkFunction('options.model', o.model);
  if (o.data === undefined) invalid('options.data', 'training data', o.data);
  if (o.fitOptions !== undefined) {
    if (o.fitOptions === null || typeof o.fitOptions !== 'object') invalid('options.fitOptions', 'an options object', o.fitOptions);
    for (const key of ['observers', 'signal']) {
      if (key in o.fitOptions)
        invalid(`options.fitOptions.${key}`, 'nothing: the suite passes its own observers and signals', (o.fitOptions as Record<string, unknown>)[key]);
    }
  }
  if (o.dispose !== undefined) checkFunction('options.dispose', o.dispose);
  if (o.resources !== undefined) {
    checkOptions('options.resources', o.resources, ['name', 'count']);
    if (typeof o.resources.name !== 'string') invalid('options.resources.name', 'a string', o.resources.name);
    checkFunction('options.resources.count', o.resources.count);
  }
  if (o.failingModel !== undefined) checkFunction('options.failingModel', o.failingModel);
  if (o.long !== undefined) {
    checkOptions('options.long', o.long, ['trainer', 'model', 'data', 'fitOptions']);
    if (o.long.model !== undefined) checkFunction('options.long.model', o.long.model);
    if (o.long.trainer !== undefined) checkFunction('options.long.trainer.fit', o.long.trainer?.fit);
  }
  const abortAfter = o.abortAfterMs === undefined ? 50 : checkPositive('options.abortAfterMs', o.abortAfterMs);
  const abortWithin = o.abortWithinMs === undefined ? 450 : checkPositive('options.abortWithinMs', o.abortWithinMs);
  const name = trainer.name;

  /** One fit of a fresh model: its events, outcome, and the resource balance. */
  async function fit(extra: Record<string, unknown>, act?: (kind: PhaseflowEventKind, stop: (r: string) => void) => void, make = o.model, withRecorder = true) {
    const model = make();
    const rec = recorder(act);
    const before = o.resources?.count();
    let history: unknown;
    let error: unknown;
    // Without the recorder, `extra.observers` goes to the trainer as it is (the bad-options check).
    const observers = withRecorder ? [rec.observer, ...((extra.observers as Observer[] | undefined) ?? [])] : extra.observers;
    try {
      history = await trainer.fit(model, o.data, { ...o.fitOptions, ...extra, ...(observers !== undefined && { observers }) } as never);
    } catch (e) {
      error = e;
    }
    const after = o.resources?.count();
    o.dispose?.(model);
    const leaked =
      before === undefined || after === undefined
        ? []
        : after !== before
          ? [`${after - before} ${o.resources!.name} left behind (${before} before the fit, ${after} after)`]
          : [];
    return { history: history as History, error, events: rec.events, leaked };
  }

  const checks: NamedCheck[] = [
    {
      name: 'completes: run:start and run:end once, 0-based indices, a history that agrees with the events',
      async run() {
        const r = await fit({});
        if (r.error !== undefined) return verdict('completes', name, [`fit rejected: ${describeError(r.error)}`], '');
        const problems = [
          ...lifecycleProblems(r.events, 'required'),
          ...indexProblems(r.events),
          ...historyProblems(r.history, r.events, 'completed'),
          ...r.leaked,
        ];
        if (count(r.events, 'epoch:end') === 0) problems.push('no epoch:end event');
        return verdict(
          'completes',
          name,
          problems,
          `${count(r.events, 'epoch:end')} epochs, ${count(r.events, 'batch:end')} batches, ${count(r.events, 'step')} steps; events and history agree`,
        );
      },
    },
    {
      name: 'stops when an observer asks, with its reason',
      async run() {
        const reason = 'conformance: stop requested';
        const r = await fit({}, (_k, stop) => stop(reason));
        if (r.error !== undefined) return verdict('stop', name, [`fit rejected: ${describeError(r.error)}`], '');
        const problems = [
          ...lifecycleProblems(r.events, 'required'),
          ...indexProblems(r.events),
          ...historyProblems(r.history, r.events, 'stopped'),
          ...r.leaked,
        ];
        if (r.history?.reason !== reason) problems.push(`history.reason ${JSON.stringify(r.history?.reason)} (expected the observer's)`);
        const end = r.events.find((e) => e.kind === 'run:end')?.event as PhaseflowEventMap['run:end'] | undefined;
        if (end && end.reason !== reason) problems.push(`run:end.reason ${JSON.stringify(end.reason)} (expected the observer's)`);
        return verdict('stop', name, problems, `stopped with the observer's reason after ${count(r.events, 'epoch:end')} epochs`);
      },
    },
    {
      name: 'an already aborted signal rejects with ABORTED and a partial history',
      async run() {
        const controller = new AbortController();
        controller.abort(new Error('conformance: aborted before the start'));
        const r = await fit({ signal: controller.signal });
        return verdict('abort-before', name, [...abortProblems(r.error, r.events), ...r.leaked], 'ABORTED before the first step, with partial');
      },
    },
    {
      name: 'an abort from an observer lands: ABORTED with a partial history, run:end once',
      async run() {
        const controller = new AbortController();
        const r = await fit({ signal: controller.signal }, () => controller.abort(new Error('conformance: aborted by an observer')));
        return verdict(
          'abort-observer',
          name,
          [...abortProblems(r.error, r.events), ...indexProblems(r.events), ...r.leaked],
          'ABORTED at the next check, with partial',
        );
      },
    },
    {
      name: 'an observer that throws ends the run with a coded error and run:end once',
      async run() {
        const boom: Observer = {
          name: 'conformance-throws',
          on: {
            step: () => {
              throw new Error('conformance: observer failure');
            },
            'epoch:end': () => {
              throw new Error('conformance: observer failure');
            },
          },
        };
        const r = await fit({ observers: [boom] });
        const problems = [...failureProblems(r.error, r.events), ...r.leaked];
        return verdict('observer-throws', name, problems, `a throwing observer gives ${(r.error as PhaseflowError | undefined)?.code}, run:end once`);
      },
    },
    {
      name: 'bad fit options are refused with coded errors',
      async run() {
        const problems: string[] = [];
        const cases: [string, Record<string, unknown>, string, string?][] = [
          ['an unknown option', { conformanceUnknownOption: 1 }, 'UNKNOWN_OPTION'],
          ['a signal that is not an AbortSignal', { signal: 'soon' }, 'INVALID_ARGUMENT', 'signal'],
          ['observers that are not an array', { observers: {} }, 'INVALID_ARGUMENT', 'observers'],
        ];
        for (const [label, extra, code, argument] of cases) {
          const r = await fit(extra, undefined, o.model, !('observers' in extra));
          if (!isPhaseflowError(r.error, code as never))
            problems.push(`${label}: ${r.error === undefined ? 'accepted' : `threw ${describeError(r.error)}`} (expected ${code})`);
          else if (argument && !String(r.error.details.argument ?? '').endsWith(argument))
            problems.push(`${label}: the error names ${JSON.stringify(r.error.details.argument)}`);
          problems.push(...r.leaked.map((l) => `${label}: ${l}`));
        }
        return verdict('bad-options', name, problems, 'unknown options, bad signals and bad observers refused with coded errors');
      },
    },
  ];
  if (o.failingModel) {
    checks.push({
      name: 'a model that throws ends the run with a coded error, partial and run:end once',
      async run() {
        const r = await fit({}, undefined, o.failingModel);
        const problems = [...failureProblems(r.error, r.events), ...r.leaked];
        if (isPhaseflowError(r.error) && r.error.partial === undefined && count(r.events, 'run:start') > 0) problems.push('the error has no partial history');
        return verdict('model-throws', name, problems, `a throwing model gives ${(r.error as PhaseflowError | undefined)?.code} with partial`);
      },
    });
  }
  if (o.long) {
    const long = o.long;
    checks.push({
      name: `a timer's abort after ${abortAfter} ms lands within ${abortWithin} ms`,
      async run() {
        const t = long.trainer ?? trainer;
        const model = (long.model ?? o.model)();
        const controller = new AbortController();
        let firedAt = NaN;
        const timer = setTimeout(() => {
          firedAt = performance.now();
          controller.abort(new Error('conformance: deadline'));
        }, abortAfter);
        const started = performance.now();
        let error: unknown;
        try {
          await t.fit(model, long.data ?? o.data, { ...(long.fitOptions ?? o.fitOptions), signal: controller.signal } as never);
        } catch (e) {
          error = e;
        }
        const settled = performance.now();
        clearTimeout(timer);
        o.dispose?.(model);
        // From when the abort was due, not from when the timer got to run: a fit that never
        // yields delays the timer itself, and that delay is the latency a caller sees.
        const latency = settled - (started + abortAfter);
        const problems: string[] = [];
        if (Number.isNaN(firedAt)) problems.push(`the fit settled after ${(settled - started).toFixed(0)} ms, before the timer fired: lengthen options.long`);
        else if (!isPhaseflowError(error, 'ABORTED'))
          problems.push(`the fit ${error === undefined ? 'completed' : `threw ${describeError(error)}`} (expected ABORTED)`);
        else {
          if (error.partial === undefined) problems.push('ABORTED without partial');
          if (latency > abortWithin)
            problems.push(
              `the abort landed ${latency.toFixed(0)} ms after it was due (allowed ${abortWithin} ms; the timer itself ran ${(firedAt - started - abortAfter).toFixed(0)} ms late)`,
            );
        }
        return verdict('abort-timer', t.name, problems, `the abort landed ${latency.toFixed(1)} ms after it was due`, {
          latencyMs: latency,
          timerDelayMs: firedAt - started - abortAfter,
          abortAfterMs: abortAfter,
        });
      },
    });
  }
  return checks;
}

/** ABORTED with a partial history (status 'aborted', epochs, loss), run:end once with status 'aborted' when run:start went out. */
function abortProblems(error: unknown, events: AnyEvent[]): string[] {
  if (error === undefined) return ['the fit resolved (expected ABORTED)'];
  if (!isPhaseflowError(error, 'ABORTED')) return [`threw ${describeError(error)} (expected ABORTED)`];
  const problems = lifecycleProblems(events, 'optional');
  const partial = error.partial as History | undefined;
  if (partial === undefined || partial === null || typeof partial !== 'object') problems.push('ABORTED without a partial history');
  else {
    if (partial.status !== 'aborted') problems.push(`partial.status ${JSON.stringify(partial.status)} (expected "aborted")`);
    if (typeof partial.epochs !== 'number') problems.push('partial.epochs is not a number');
    if (!Array.isArray(partial.loss)) problems.push('partial.loss is not an array');
  }
  const end = events.find((e) => e.kind === 'run:end')?.event as PhaseflowEventMap['run:end'] | undefined;
  if (end && end.status !== 'aborted') problems.push(`run:end.status ${JSON.stringify(end.status)} (expected "aborted")`);
  if (end && end.error !== error) problems.push('run:end.error is not the error fit rejected with');
  return problems;
}

/** A coded error (not a raw one), run:end once with status 'failed' when run:start went out. */
function failureProblems(error: unknown, events: AnyEvent[]): string[] {
  if (error === undefined) return ['the fit resolved (expected a coded error)'];
  if (!isPhaseflowError(error)) return [`the fit rejected with a raw ${describeError(error)} (expected a coded PhaseflowError, e.g. CALLBACK_FAILED)`];
  const problems = lifecycleProblems(events, 'optional');
  const end = events.find((e) => e.kind === 'run:end')?.event as PhaseflowEventMap['run:end'] | undefined;
  if (end && end.status !== 'failed') problems.push(`run:end.status ${JSON.stringify(end.status)} (expected "failed")`);
  return problems;
}

/**
 * Run every check of the Trainer contract and collect the verdicts.
 *
 * @example
 * ```ts
 * const report = await runTrainerConformance(createRidge(), { model: () => createReadout({ inputDim: 2, outputDim: 1 }), data });
 * if (!report.ok) console.log(report.results.filter((r) => !r.ok).map((r) => r.message));
 * ```
 */
export async function runTrainerConformance<M, D>(trainer: Trainer<M, D>, options: TrainerConformanceOptions<M, D>): Promise<TrainerConformanceReport> {
  const results: CheckResult[] = [];
  for (const c of trainerChecks(trainer, options)) results.push(await c.run());
  return { trainer: trainer.name, ok: results.every((r) => r.ok), results };
}

/**
 * Measure how long an abort takes to land: start `run(signal)`, abort the signal from a timer
 * due after `afterMs`, and report the milliseconds from when the abort was due to the promise
 * settling (and whether it settled with ABORTED). An operation that does not yield delays the
 * timer itself; that delay counts (`timerDelayMs` says how much of the latency it was). The
 * figure benches print for every long operation.
 *
 * @example
 * ```ts
 * const { latencyMs } = await measureAbortLatency((signal) => trainer.fit(model, data, { signal }));
 * ```
 */
export async function measureAbortLatency(
  run: (signal: AbortSignal) => Promise<unknown>,
  options: { readonly afterMs?: number } = {},
): Promise<{ readonly latencyMs: number; readonly timerDelayMs: number; readonly aborted: boolean; readonly settledBeforeAbort: boolean }> {
  checkFunction('run', run);
  const o = checkOptions('options', options, ['afterMs']);
  const afterMs = o.afterMs === undefined ? 50 : checkInteger('options.afterMs', o.afterMs, { min: 0 });
  const controller = new AbortController();
  let firedAt = NaN;
  const started = performance.now();
  const timer = setTimeout(() => {
    firedAt = performance.now();
    controller.abort(new Error('abort-latency measurement'));
  }, afterMs);
  let aborted = false;
  try {
    await run(controller.signal);
  } catch (e) {
    aborted = isPhaseflowError(e, 'ABORTED');
    if (!aborted) {
      clearTimeout(timer);
      throw e;
    }
  }
  const settled = performance.now();
  clearTimeout(timer);
  const due = started + afterMs;
  return { latencyMs: Number.isNaN(firedAt) ? NaN : settled - due, timerDelayMs: firedAt - due, aborted, settledBeforeAbort: Number.isNaN(firedAt) };
}
