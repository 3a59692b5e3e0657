/**
 * The event vocabulary shared by integration and training, and the Observer role.
 *
 * Third parties add event kinds by declaration merging; every Observer and emitter then
 * knows their types:
 *
 * ```ts
 * declare module '@phaseflow/core' {
 *   interface PhaseflowEventMap { 'lyapunov:renormalise': { t: number; growth: number } }
 * }
 * ```
 */
import { callbackFailed, PhaseflowError } from './errors.js';
import { checkFiniteArray, checkFunction, checkInteger, invalid } from './validate.js';

/** Emitted once before the first step of a run. */
export interface RunStartEvent {
  /** What kind of run: `integration`, `training`, or a plugin's own word. */
  readonly run: string;
  /** Name of the integrator or trainer driving the run. */
  readonly name: string;
  /** The problem being integrated (integration runs). */
  readonly problem?: { readonly kind: string; readonly name?: string; readonly energy?: (y: never) => number };
  readonly t0?: number;
  readonly tEnd?: number;
  /** The initial state (integration) — valid during the callback only; copy it to keep it. */
  readonly state?: unknown;
  /** Total number of steps or epochs when known in advance (progress bars use it). */
  readonly total?: number;
}

/**
 * Emitted after every accepted step. In integration `state` is the current state, valid during
 * the callback only (the driver may reuse its buffer): copy it to keep it. In training `t` is
 * the accumulated gradient-flow time Σ learning rate, `h` the step's learning rate and `loss`
 * the batch loss.
 */
export interface StepEvent {
  readonly step: number;
  readonly t: number;
  readonly h: number;
  readonly state: unknown;
  readonly loss?: number;
  /**
   * True for an output time an Observer asked for with {@link Observer.at} that falls inside a
   * step: `state` there was computed for the observer (dense output, or a step of the
   * integrator from the start of the step that contains `t`) and the run's own trajectory does
   * not pass through it. `step` is then the step that contains `t`, `h` is `t` minus its start.
   */
  readonly interpolated?: boolean;
}

/** Emitted once when a run ends, however it ends. */
export interface RunEndEvent {
  readonly status: 'completed' | 'stopped' | 'aborted' | 'failed';
  readonly steps: number;
  readonly t?: number;
  /** Why an Observer stopped the run. */
  readonly reason?: string;
  /** The error that ended a failed or aborted run. */
  readonly error?: PhaseflowError;
}

/** Emitted by trainers after every epoch. */
export interface EpochEvent {
  readonly epoch: number;
  readonly total?: number;
  readonly loss: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** Emitted by trainers after every minibatch (or ensemble iteration). */
export interface BatchEvent {
  readonly epoch: number;
  readonly batch: number;
  readonly loss: number;
}

/** Event kinds → payloads. Open for declaration merging. */
export interface PhaseflowEventMap {
  'run:start': RunStartEvent;
  step: StepEvent;
  'run:end': RunEndEvent;
  'epoch:end': EpochEvent;
  'batch:end': BatchEvent;
}

/** Any event kind. */
export type PhaseflowEventKind = keyof PhaseflowEventMap;

/** Handed to every handler: lets an Observer ask the run to stop after the current step. */
export interface RunControl {
  stop(reason: string): void;
}

/** Handlers of an Observer, one optional function per event kind. */
export type ObserverHandlers = {
  [K in PhaseflowEventKind]?: (event: PhaseflowEventMap[K], control: RunControl) => void;
};

/**
 * Watches a run (integration or training) through its events and may ask it to stop.
 *
 * An Observer that needs only some steps declares its cadence, and `integrate` then advances in
 * chunks between the steps it must see (the integrator's `advance` fast path) instead of going
 * step by step: `every: k` delivers steps k, 2k, … and the run's final state, `at: times`
 * delivers the state at exactly those times. An Observer without a declaration sees every step.
 * Both are read when the run's emitter is built and again after the `run:start` handlers ran,
 * so an observer may set them from the start event (a progress bar from `total`, say).
 *
 * @example
 * ```ts
 * const printer: Observer = { name: 'printer', on: { step: (e) => console.log(e.t) } };
 * const everyHundred: Observer = { name: 'sampler', every: 100, on: { step: (e) => console.log(e.step) } };
 * const atTimes: Observer = { name: 'snapshots', at: [0.5, 1, 1.5], on: { step: (e) => console.log(e.t) } };
 * ```
 */
export interface Observer {
  readonly name: string;
  readonly on: ObserverHandlers;
  /**
   * Step cadence k (an integer ≥ 1): the `step` handler sees accepted steps k, 2k, 3k, … and,
   * in `integrate`, the run's final state (the last step, the step where a terminal event or a
   * stop request ended it) when it is not one of them. Trainers deliver every k-th step.
   * Undefined (and no `at`): every step.
   */
  readonly every?: number;
  /**
   * Output times, strictly monotone in the run's direction and inside [t0, tEnd]: in
   * `integrate` the `step` handler sees the state at exactly each of these times — the
   * accepted step's own state when a time falls on one, otherwise a state computed for the
   * observer (`interpolated: true`: the integrator's dense output in adaptive runs that have
   * one, else a step of the integrator from the start of the step that contains the time), so
   * the run's own steps are the same as without the observer. With `every` as well, the
   * observer sees both, in time order, each time once. An observer with `at` and no `every`
   * sees only these times (runs other than `integrate` deliver it no `step` events).
   */
  readonly at?: ArrayLike<number>;
}

/**
 * Fan-out of events to a list of observers; used by every driver and trainer. A handler that
 * throws something other than a PhaseflowError surfaces as CALLBACK_FAILED naming the observer
 * and the event (the thrown value is the `cause`).
 */
export interface Emitter {
  /** True when some observer handles `kind` (skip building events nobody reads). */
  has(kind: PhaseflowEventKind): boolean;
  emit<K extends PhaseflowEventKind>(kind: K, event: PhaseflowEventMap[K]): void;
  /** The first stop request, if any observer asked to stop. */
  readonly stopReason: string | undefined;
}

/**
 * Validate a list of observers and build the emitter a run feeds. `step` events go to each
 * observer at its declared cadence ({@link Observer.every}: only steps k, 2k, …; an observer
 * that declared only {@link Observer.at} gets none from `emit`, `integrate` hands it its times);
 * cadences are validated here and read again after every `run:start`.
 *
 * @example
 * ```ts
 * const events = createEmitter(options.observers, 'options.observers');
 * if (events.has('step')) events.emit('step', { step, t, h, state: y });
 * if (events.stopReason) break;
 * ```
 */
export function createEmitter(observers: readonly Observer[] | undefined, argument = 'options.observers'): Emitter {
  if (typeof argument !== 'string' || argument === '')
    invalid('argument', 'the name the observers go by in errors (a non-empty string, e.g. "options.observers")', argument);
  // Leaving the observers out means none; null is not "none" but a mistake, refused like any non-array.
  const list = observers === undefined ? [] : observers;
  if (!Array.isArray(list)) invalid(argument, 'an array of observers (or leave it out for none)', list);
  list.forEach((o, i) => {
    if (
      o === null ||
      typeof o !== 'object' ||
      typeof o.name !== 'string' ||
      o.name === '' ||
      o.on === null ||
      typeof o.on !== 'object' ||
      Array.isArray(o.on)
    ) {
      invalid(`${argument}[${i}]`, 'an Observer { name: string, on: { [event]: handler } }', o);
    }
    for (const [kind, handler] of Object.entries(o.on)) {
      if (handler !== undefined) checkFunction(`${argument}[${i}].on[${JSON.stringify(kind)}]`, handler);
    }
  });
  let stopReason: string | undefined;
  const control: RunControl = {
    stop(reason) {
      stopReason ??= String(reason);
    },
  };
  const cadences: Cadence[] = list.map((o, i) => readCadence(o, i, argument));
  const byKind = new Map<string, Entry[]>();
  list.forEach((o, i) => {
    for (const [kind, handler] of Object.entries(o.on)) {
      if (!handler) continue;
      const hs = byKind.get(kind) ?? [];
      hs.push({
        handler: handler as (e: unknown, c: RunControl) => void,
        label: `${argument}[${i}].on[${JSON.stringify(kind)}] (observer ${JSON.stringify(o.name)})`,
        cadence: cadences[i]!,
      });
      byKind.set(kind, hs);
    }
  });
  const stepEntries = byKind.get('step') ?? [];
  const call = (h: Entry, event: unknown): void => {
    try {
      h.handler(event, control);
    } catch (e) {
      // Coded errors pass as they are; anything else names the handler that threw.
      if (e instanceof PhaseflowError) throw e;
      const at = event as { step?: unknown; t?: unknown };
      throw callbackFailed(h.label, e, {
        ...(typeof at.step === 'number' && { step: at.step }),
        ...(typeof at.t === 'number' && { t: at.t }),
      });
    }
  };
  /** A cadenced observer sees each (step, t) once: a final state or output time it saw already is skipped. */
  const fresh = (c: Cadence, e: StepEvent): boolean => {
    if (e.t === c.lastT && e.step === c.lastStep) return false;
    c.lastT = e.t;
    c.lastStep = e.step;
    return true;
  };
  const refresh = (): void => {
    list.forEach((o, i) => {
      const c = readCadence(o, i, argument);
      Object.assign(cadences[i]!, c);
    });
  };
  const emitter: Emitter = {
    has: (kind) => {
      if (typeof kind !== 'string' || (kind as string) === '') invalid('kind', 'an event kind (a non-empty string, e.g. "step")', kind);
      return byKind.has(kind);
    },
    emit(kind, event) {
      if (typeof kind !== 'string' || (kind as string) === '') invalid('kind', 'an event kind (a non-empty string, e.g. "step")', kind);
      if (event === null || typeof event !== 'object' || Array.isArray(event)) invalid('event', `the ${kind} event (an object)`, event);
      const hs = byKind.get(kind);
      if (hs) {
        if (kind === 'step') {
          const e = event as StepEvent;
          for (const h of hs) {
            const c = h.cadence;
            if (c.declared && (c.every === 0 || e.step % c.every !== 0 || !fresh(c, e))) continue;
            call(h, event);
          }
        } else for (const h of hs) call(h, event);
      }
      // Cadences may be set from the start event: read them again once its handlers ran.
      if (kind === 'run:start') refresh();
    },
    get stopReason() {
      return stopReason;
    },
  };
  routes.set(emitter, {
    get everyStep() {
      return stepEntries.some((h) => !h.cadence.declared);
    },
    get cadenced() {
      return stepEntries.filter((h) => h.cadence.declared).map((h) => h.cadence);
    },
    deliver(index, event) {
      for (const h of stepEntries) if (h.cadence.index === index && fresh(h.cadence, event)) call(h, event);
    },
  });
  return emitter;
}

/** One observer's declared cadence (see {@link Observer.every}, {@link Observer.at}). */
interface Cadence {
  /** Position in the observer list. */
  readonly index: number;
  /** `every` or `at` was given. */
  declared: boolean;
  /** The step cadence k, 0 when none was given. */
  every: number;
  at: ArrayLike<number> | undefined;
  /** The last (step, t) this observer saw, so that a final state or output time is not delivered twice. */
  lastT: number;
  lastStep: number;
}

interface Entry {
  handler: (e: unknown, c: RunControl) => void;
  label: string;
  cadence: Cadence;
}

function readCadence(o: Observer, index: number, argument: string): Cadence {
  const every = o.every === undefined ? 0 : checkInteger(`${argument}[${index}].every`, o.every, { min: 1 });
  const at = o.at === undefined ? undefined : checkFiniteArray<ArrayLike<number>>(`${argument}[${index}].at`, o.at);
  return { index, declared: o.every !== undefined || o.at !== undefined, every, at, lastT: NaN, lastStep: -1 };
}

/**
 * @internal The integrate driver's view of the `step` cadences of an emitter built by
 * {@link createEmitter}: which observers must see every step, which declared a cadence, and
 * delivery to one observer (final states, output times).
 */
export interface StepRoutes {
  /** Some observer handles `step` without declaring a cadence: it sees every step. */
  readonly everyStep: boolean;
  /** The observers with a `step` handler and a declared cadence, as read at the last `run:start`. */
  readonly cadenced: readonly { readonly index: number; readonly every: number; readonly at: ArrayLike<number> | undefined }[];
  /** Hand `event` to observer `index` alone, unless it saw this (step, t) already. */
  deliver(index: number, event: StepEvent): void;
}

const routes = new WeakMap<Emitter, StepRoutes>();

/**
 * @internal The step routes of an emitter built by {@link createEmitter} (undefined for any other).
 *
 * @example
 * ```ts
 * const r = stepRoutes(lifecycle.events);
 * if (r && !r.everyStep) console.log('the run may advance in chunks');
 * ```
 */
export function stepRoutes(emitter: Emitter): StepRoutes | undefined {
  return routes.get(emitter);
}
