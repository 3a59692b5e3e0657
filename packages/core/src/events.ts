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
import { checkFunction, invalid } from './validate.js';

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
 * @example
 * ```ts
 * const printer: Observer = { name: 'printer', on: { step: (e) => console.log(e.t) } };
 * ```
 */
export interface Observer {
  readonly name: string;
  readonly on: ObserverHandlers;
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
 * Validate a list of observers and build the emitter a run feeds.
 *
 * @example
 * ```ts
 * const events = createEmitter(options.observers, 'options.observers');
 * if (events.has('step')) events.emit('step', { step, t, h, state: y });
 * if (events.stopReason) break;
 * ```
 */
export function createEmitter(observers: readonly Observer[] | undefined, argument = 'options.observers'): Emitter {
  const list = observers ?? [];
  if (!Array.isArray(list)) invalid(argument, 'an array of observers', list);
  list.forEach((o, i) => {
    if (o === null || typeof o !== 'object' || typeof o.name !== 'string' || o.on === null || typeof o.on !== 'object') {
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
  const byKind = new Map<string, { handler: (e: unknown, c: RunControl) => void; label: string }[]>();
  list.forEach((o, i) => {
    for (const [kind, handler] of Object.entries(o.on)) {
      if (!handler) continue;
      const hs = byKind.get(kind) ?? [];
      hs.push({
        handler: handler as (e: unknown, c: RunControl) => void,
        label: `${argument}[${i}].on[${JSON.stringify(kind)}] (observer ${JSON.stringify(o.name)})`,
      });
      byKind.set(kind, hs);
    }
  });
  return {
    has: (kind) => byKind.has(kind),
    emit(kind, event) {
      const hs = byKind.get(kind);
      if (!hs) return;
      for (const h of hs) {
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
      }
    },
    get stopReason() {
      return stopReason;
    },
  };
}
