import {
  checkFunction,
  checkInteger,
  checkNonNegative,
  checkOneOf,
  checkOptions,
  invalid,
  type Observer,
  type ObserverHandlers,
  type StepEvent,
} from '@phaseflow/core';
import { checkControl, checkEvent, checkStepEvent } from './check.js';

/** Options of {@link createCallbackObserver}. */
export interface CallbackObserverOptions {
  /** One function per event kind to handle. */
  readonly handlers: ObserverHandlers;
  /** The Observer's name (default `'callback'`). */
  readonly name?: string;
}

/**
 * Wrap plain handler functions as an Observer.
 *
 * @example
 * ```ts
 * const log = createCallbackObserver({ handlers: { 'epoch:end': (e) => console.log(e.epoch, e.loss) } });
 * ```
 */
export function createCallbackObserver(options: CallbackObserverOptions): Observer;
/**
 * Positional form of {@link createCallbackObserver}.
 *
 * @deprecated Use `createCallbackObserver({ handlers, name })`; removed in the next minor
 */
export function createCallbackObserver(handlers: ObserverHandlers, name?: string): Observer;
export function createCallbackObserver(first: CallbackObserverOptions | ObserverHandlers, legacyName?: string): Observer {
  // The options form has a `handlers` key, which is no event kind, so a handlers object never has it.
  if (legacyName === undefined && first !== null && typeof first === 'object' && Object.hasOwn(first, 'handlers')) {
    const o = checkOptions('options', first as CallbackObserverOptions, ['handlers', 'name']);
    return callbackObserver('options.handlers', o.handlers, o.name === undefined ? 'callback' : checkName('options.name', o.name));
  }
  return callbackObserver('handlers', first as ObserverHandlers, legacyName === undefined ? 'callback' : checkName('name', legacyName));
}

function checkName(argument: string, name: unknown): string {
  if (typeof name !== 'string' || name === '') invalid(argument, 'a non-empty string', name);
  return name;
}

function callbackObserver(argument: string, handlers: ObserverHandlers, name: string): Observer {
  if (handlers === null || typeof handlers !== 'object' || Array.isArray(handlers))
    invalid(argument, 'an object of event handlers { [event]: handler }', handlers);
  for (const [k, h] of Object.entries(handlers)) checkFunction(`${argument}[${JSON.stringify(k)}]`, h);
  return { name, on: handlers };
}

/** Options of {@link createStopWhen}. */
export interface StopWhenOptions {
  /** Checked after every step; the run stops after the first step for which it returns true. */
  readonly predicate: (event: StepEvent) => boolean;
  /** The reason the run reports (default `'stop condition met'`). */
  readonly reason?: string;
}

/**
 * Stop a run after the first step for which `predicate` holds.
 *
 * @example
 * ```ts
 * // stop when the particle leaves the unit disc
 * const leave = createStopWhen({ predicate: (e) => Math.hypot(...(e.state as Float64Array)) > 1, reason: 'left the disc' });
 * ```
 */
export function createStopWhen(options: StopWhenOptions): Observer;
/**
 * Positional form of {@link createStopWhen}.
 *
 * @deprecated Use `createStopWhen({ predicate, reason })`; removed in the next minor
 */
export function createStopWhen(predicate: (event: StepEvent) => boolean, reason?: string): Observer;
export function createStopWhen(first: StopWhenOptions | ((event: StepEvent) => boolean), legacyReason?: string): Observer {
  let predicate: (event: StepEvent) => boolean;
  let reason: string;
  if (typeof first === 'function') {
    predicate = first;
    reason = legacyReason === undefined ? 'stop condition met' : checkName('reason', legacyReason);
  } else {
    if (first === null || typeof first !== 'object') invalid('options', 'an options object { predicate, reason? }', first);
    const o = checkOptions('options', first, ['predicate', 'reason']);
    predicate = checkFunction('options.predicate', o.predicate);
    reason = o.reason === undefined ? 'stop condition met' : checkName('options.reason', o.reason);
  }
  return {
    name: 'stop-when',
    on: {
      step(e, control) {
        checkStepEvent(e);
        checkControl(control);
        if (predicate(e)) control.stop(reason);
      },
    },
  };
}

/** What early stopping watched. */
export interface EarlyStopping extends Observer {
  /** Best value seen and the epoch it came at. */
  readonly best: { value: number; epoch: number };
  reset(): void;
}

/**
 * Stop training when a monitored quantity (`loss` or a metric such as `valLoss`) has not
 * improved by more than `minDelta` for `patience` epochs.
 *
 * @example
 * ```ts
 * const early = createEarlyStopping({ monitor: 'valLoss', patience: 5 });
 * await trainer.fit(model, data, { observers: [early] });
 * ```
 */
export function createEarlyStopping(options: { monitor?: string; patience?: number; minDelta?: number; mode?: 'min' | 'max' } = {}): EarlyStopping {
  const o = checkOptions('options', options, ['monitor', 'patience', 'minDelta', 'mode']);
  const monitor = o.monitor === undefined ? 'loss' : o.monitor;
  if (typeof monitor !== 'string' || monitor === '') invalid('options.monitor', "a metric name (a non-empty string; default 'loss')", monitor);
  const patience = o.patience === undefined ? 5 : checkInteger('options.patience', o.patience, { min: 1 });
  const minDelta = o.minDelta === undefined ? 0 : checkNonNegative('options.minDelta', o.minDelta);
  const mode = o.mode === undefined ? 'min' : checkOneOf('options.mode', o.mode, ['min', 'max'] as const);
  const sign = mode === 'min' ? 1 : -1;
  const best = { value: sign * Infinity, epoch: -1 };
  return {
    name: 'early-stopping',
    best,
    reset() {
      best.value = sign * Infinity;
      best.epoch = -1;
    },
    on: {
      'epoch:end'(e, control) {
        checkEvent(e, 'an epoch:end event { epoch, loss, metrics }');
        checkInteger('event.epoch', e.epoch, { min: 0 });
        if (e.metrics === null || typeof e.metrics !== 'object') invalid('event.metrics', 'the metrics of the epoch (an object)', e.metrics);
        checkControl(control);
        const v = monitor === 'loss' ? e.loss : e.metrics[monitor];
        if (v === undefined) invalid('options.monitor', `a quantity reported each epoch (loss, ${Object.keys(e.metrics).join(', ')})`, monitor);
        if (sign * (best.value - v) > minDelta) {
          best.value = v;
          best.epoch = e.epoch;
        } else if (e.epoch - best.epoch >= patience) {
          control.stop(`${monitor} did not improve for ${patience} epochs (best ${best.value} at epoch ${best.epoch})`);
        }
      },
    },
  };
}
