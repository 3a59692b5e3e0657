/**
 * The lifecycle every run shares, integration and training alike: `run:start` once, `step`
 * events, an AbortSignal that lands as ABORTED, failures that keep what was computed, and
 * `run:end` exactly once however the run ends. `integrate` runs on it; Trainers use it so that
 * "fail with partial and emit run:end" is written once.
 */
import { callbackFailed, PhaseflowError, type PhaseflowErrorCode, type PhaseflowErrorDetails } from './errors.js';
import { createEmitter, type Emitter, type Observer, type RunEndEvent, type RunStartEvent, type StepEvent } from './events.js';
import { checkFinite, checkFunction, checkInteger, checkOneOf, checkOptions, invalid } from './validate.js';

/** How a failed or aborted run ends: the status handed to `partial` and to `run:end`. */
export type RunFailureStatus = 'failed' | 'aborted';

/** Options of {@link createRunLifecycle}. */
export interface RunLifecycleOptions<P> {
  /** What kind of run: `integration`, `training`, or a plugin's own word (the `run:start` field). */
  readonly run: string;
  /** Name of the integrator or trainer driving the run. */
  readonly name: string;
  /** The observers to feed (validated here, named `${argument}.observers[i]`). */
  readonly observers?: readonly Observer[];
  /** An emitter built already (instead of `observers`), e.g. one shared with a nested run. */
  readonly emitter?: Emitter;
  /** Cancels the run: checked by {@link RunLifecycle.checkAbort}; lands as ABORTED with the signal's reason as `cause`. */
  readonly signal?: AbortSignal;
  /**
   * What the run computed so far, attached as `partial` to every error the lifecycle throws.
   * Called once per failure, with the status the run ends in.
   */
  readonly partial?: (status: RunFailureStatus) => P;
  /** Prefix of the argument names in validation errors (default `options`). */
  readonly argument?: string;
}

/**
 * The state of one run between `run:start` and `run:end`. Every method that ends the run
 * (`fail`, `abort`, `failWith`, `finish`) emits `run:end` exactly once; errors carry the step
 * index and time recorded last (through {@link RunLifecycle.step} or {@link RunLifecycle.at})
 * unless their details say otherwise.
 */
export interface RunLifecycle {
  /** The run's name (the integrator's or trainer's). */
  readonly name: string;
  /** The emitter observers are fed through. */
  readonly events: Emitter;
  readonly signal: AbortSignal | undefined;
  /** `idle` before {@link start}, `running`, then `ended` once `run:end` went out. */
  readonly state: 'idle' | 'running' | 'ended';
  /** Step index recorded last (0 before the first step). */
  readonly steps: number;
  /** Time recorded last, when the run has a time. */
  readonly t: number | undefined;
  /** The first stop request of an observer, if any. */
  readonly stopReason: string | undefined;
  /** Emit `run:start` (once; `run` and `name` are filled in). */
  start(event?: Omit<RunStartEvent, 'run' | 'name'>): void;
  /** Record where the run is (step index, time) without emitting anything. */
  at(step: number, t?: number): void;
  /**
   * Record the step's position and emit `step` when some observer listens. Returns true when
   * an observer has asked the run to stop.
   */
  step(event: StepEvent): boolean;
  /** Throw ABORTED (see {@link abort}) when the signal has fired. */
  checkAbort(message?: string): void;
  /** End the run as aborted: `run:end { status: 'aborted' }`, then throw ABORTED with `partial`. */
  abort(message?: string, details?: PhaseflowErrorDetails): never;
  /** End the run as failed: `run:end { status: 'failed' }`, then throw `code` with step, t and `partial`. */
  fail(code: PhaseflowErrorCode, message: string, details?: PhaseflowErrorDetails, cause?: unknown): never;
  /**
   * End the run with whatever was thrown inside it. An error this run threw already is
   * rethrown as it is; another PhaseflowError keeps its code and message and gains the step,
   * time and `partial` (the original is its `cause`, or for a CALLBACK_FAILED the user's error
   * it carries); anything else becomes CALLBACK_FAILED naming `callback`, with the thrown
   * value as `cause`.
   */
  failWith(error: unknown, callback?: string): never;
  /**
   * Call a user callback, ending the run through {@link failWith} if it throws (or, for a
   * promise, rejects).
   */
  guard<R>(callback: string, fn: () => R): R;
  /**
   * End the run normally: `run:end { status }` with the observer's stop reason, if any (or the
   * `status` given: a run that ended on its own terms in the step an Observer asked to stop).
   * Returns the status.
   */
  finish(extra?: { readonly t?: number; readonly reason?: string; readonly status?: 'completed' | 'stopped' }): 'completed' | 'stopped';
}

/** A message for an error: a string when given. */
function checkMessage(message: unknown): void {
  if (message !== undefined && (typeof message !== 'string' || message === '')) invalid('message', 'a message (a non-empty string) or nothing', message);
}

/** Details of an error: an object { step?, t?, ... }. */
function checkDetails(details: unknown): void {
  if (details === null || typeof details !== 'object' || Array.isArray(details)) invalid('details', 'an object of details { step?, t?, ... }', details);
}

const stripCode = (message: string): string => message.replace(/^\[[A-Z0-9_]+\] /, '');

/**
 * Start the lifecycle of one run (integration, training, or a plugin's own loop).
 *
 * @example
 * ```ts
 * const run = createRunLifecycle({ run: 'training', name: 'my-trainer', observers, signal,
 *   partial: (status) => ({ ...history(), status }) });
 * run.start({ total: epochs });
 * try {
 *   for (let epoch = 0; epoch < epochs; epoch++) {
 *     const loss = run.guard('options.loss', () => lossOf(model));
 *     if (run.step({ step: epoch, t: epoch, h: 1, state: model, loss })) break;
 *     run.checkAbort();
 *   }
 * } catch (e) { run.failWith(e); }
 * return { ...history(), status: run.finish() };
 * ```
 */
export function createRunLifecycle<P = unknown>(options: RunLifecycleOptions<P>): RunLifecycle {
  checkOptions('options', options, ['run', 'name', 'observers', 'emitter', 'signal', 'partial', 'argument']);
  if (options === undefined) invalid('options', 'run lifecycle options { run, name, ... }', options);
  if (options.argument !== undefined && (typeof options.argument !== 'string' || options.argument === '')) {
    invalid('options.argument', 'the prefix of argument names in errors (a non-empty string, e.g. "options")', options.argument);
  }
  const prefix = options.argument ?? 'options';
  if (typeof options.run !== 'string' || options.run === '') invalid('options.run', 'a non-empty string (integration, training, ...)', options.run);
  if (typeof options.name !== 'string' || options.name === '') invalid('options.name', 'a non-empty string', options.name);
  const emitter = options.emitter as Partial<Emitter> | null | undefined;
  if (emitter !== undefined && (emitter === null || typeof emitter !== 'object' || typeof emitter.emit !== 'function' || typeof emitter.has !== 'function')) {
    invalid('options.emitter', 'an Emitter { has, emit, stopReason } (see createEmitter)', emitter);
  }
  const { signal, partial } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) invalid(`${prefix}.signal`, 'an AbortSignal', signal);
  if (partial !== undefined && typeof partial !== 'function') invalid('options.partial', 'a function (status) => partial result', partial);
  const events = options.emitter ?? createEmitter(options.observers, `${prefix}.observers`);
  let state: 'idle' | 'running' | 'ended' = 'idle';
  let steps = 0;
  let t: number | undefined;
  /** Errors this run threw, so `failWith` passes them on untouched. */
  const thrown = new Set<unknown>();

  const position = (details: PhaseflowErrorDetails): PhaseflowErrorDetails => ({
    ...(details.step === undefined && { step: steps }),
    ...(details.t === undefined && t !== undefined && { t }),
    ...details,
  });
  const end = (event: RunEndEvent): void => {
    if (state === 'ended') return;
    state = 'ended';
    events.emit('run:end', event);
  };
  const raise = (status: RunFailureStatus, code: PhaseflowErrorCode, message: string, details: PhaseflowErrorDetails, cause: unknown): never => {
    const d = position(details);
    const err = new PhaseflowError(code, message, d, {
      ...(partial && { partial: partial(status) }),
      ...(cause !== undefined && { cause }),
    });
    thrown.add(err);
    try {
      end({ status, steps: d.step ?? steps, ...(d.t !== undefined && { t: d.t }), error: err });
    } catch (e) {
      // An observer failing on run:end must not hide why the run ended.
      (err.details as PhaseflowErrorDetails).runEndError = e;
    }
    throw err;
  };

  const lifecycle: RunLifecycle = {
    name: options.name,
    events,
    signal,
    get state() {
      return state;
    },
    get steps() {
      return steps;
    },
    get t() {
      return t;
    },
    get stopReason() {
      return events.stopReason;
    },
    start(event = {}) {
      if (event === null || typeof event !== 'object' || Array.isArray(event))
        invalid('event', 'the run:start fields { problem?, t0?, tEnd?, state?, total? } (an object)', event);
      if (state !== 'idle') {
        throw new PhaseflowError('INVALID_STATE', `run ${options.name} started twice`, { argument: 'start', expected: 'one start per run' });
      }
      state = 'running';
      events.emit('run:start', { ...event, run: options.run, name: options.name });
    },
    at(step, time) {
      checkInteger('step', step, { min: 0 });
      if (time !== undefined) checkFinite('t', time);
      steps = step;
      if (time !== undefined) t = time;
    },
    step(event) {
      if (event === null || typeof event !== 'object' || Array.isArray(event)) invalid('event', 'a step event { step, t, h, state }', event);
      checkInteger('event.step', event.step, { min: 0 });
      checkFinite('event.t', event.t);
      if (typeof event.h !== 'number' || Number.isNaN(event.h)) invalid('event.h', 'the step size (a number)', event.h);
      steps = event.step;
      t = event.t;
      if (events.has('step')) events.emit('step', event);
      return events.stopReason !== undefined;
    },
    checkAbort(message) {
      checkMessage(message);
      if (signal?.aborted) lifecycle.abort(message);
    },
    abort(message, details = {}) {
      checkMessage(message);
      checkDetails(details);
      const d = position(details);
      const where = `step ${d.step}${d.t !== undefined ? `, t = ${d.t}` : ''}`;
      return raise('aborted', 'ABORTED', message ?? `run aborted at ${where}`, d, signal?.reason);
    },
    fail(code, message, details = {}, cause) {
      if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(code)) invalid('code', 'an error code (UPPER_SNAKE_CASE, e.g. CONVERGENCE_FAILURE)', code);
      if (typeof message !== 'string' || message === '') invalid('message', 'what went wrong, in words (a non-empty string)', message);
      checkDetails(details);
      return raise(code === 'ABORTED' ? 'aborted' : 'failed', code, message, details, cause);
    },
    failWith(error, callback = 'a callback') {
      if (typeof callback !== 'string' || callback === '') invalid('callback', 'the name of the callback that threw (a non-empty string)', callback);
      if (thrown.has(error)) throw error;
      if (error instanceof PhaseflowError) {
        // A CALLBACK_FAILED keeps the user's own error as cause; any other coded error becomes the cause itself.
        const cause = error.code === 'CALLBACK_FAILED' && error.cause !== undefined ? error.cause : error;
        return raise(error.code === 'ABORTED' ? 'aborted' : 'failed', error.code, stripCode(error.message), { ...error.details }, cause);
      }
      const c = callbackFailed(callback, error, position({}));
      return raise('failed', 'CALLBACK_FAILED', stripCode(c.message), { ...c.details }, error);
    },
    guard(callback, fn) {
      if (typeof callback !== 'string' || callback === '') invalid('callback', 'the name of the callback (a non-empty string, e.g. "options.loss")', callback);
      checkFunction('fn', fn);
      let r: unknown;
      try {
        r = fn();
      } catch (e) {
        return lifecycle.failWith(e, callback);
      }
      if (r !== null && typeof r === 'object' && typeof (r as { then?: unknown }).then === 'function') {
        return (r as Promise<unknown>).then(undefined, (e: unknown) => lifecycle.failWith(e, callback)) as never;
      }
      return r as never;
    },
    finish(extra = {}) {
      checkOptions('extra', extra, ['t', 'reason', 'status']);
      if (extra.t !== undefined) checkFinite('extra.t', extra.t);
      if (extra.reason !== undefined && typeof extra.reason !== 'string') invalid('extra.reason', 'a string', extra.reason);
      if (extra.status !== undefined) checkOneOf('extra.status', extra.status, ['completed', 'stopped'] as const);
      const status = extra.status ?? ((extra.reason ?? events.stopReason) === undefined ? 'completed' : 'stopped');
      const reason = status === 'stopped' ? (extra.reason ?? events.stopReason) : undefined;
      if (extra.t !== undefined) t = extra.t;
      end({ status, steps, ...(t !== undefined && { t }), ...(reason !== undefined && { reason }) });
      return status;
    },
  };
  return lifecycle;
}
