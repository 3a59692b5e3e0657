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

/**
 * Wrap plain handler functions as an Observer.
 *
 * @example
 * ```ts
 * const log = createCallbackObserver({ 'epoch:end': (e) => console.log(e.epoch, e.loss) });
 * ```
 */
export function createCallbackObserver(handlers: ObserverHandlers, name = 'callback'): Observer {
  if (handlers === null || typeof handlers !== 'object') invalid('handlers', 'an object of event handlers', handlers);
  for (const [k, h] of Object.entries(handlers)) checkFunction(`handlers[${JSON.stringify(k)}]`, h);
  return { name, on: handlers };
}

/**
 * Stop a run after the first step for which `predicate` holds.
 *
 * @example
 * ```ts
 * // stop when the particle leaves the unit disc
 * const leave = createStopWhen((e) => Math.hypot(...(e.state as Float64Array)) > 1, 'left the disc');
 * ```
 */
export function createStopWhen(predicate: (event: StepEvent) => boolean, reason = 'stop condition met'): Observer {
  checkFunction('predicate', predicate);
  return {
    name: 'stop-when',
    on: {
      step(e, control) {
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
export function createEarlyStopping(
  options: { monitor?: string; patience?: number; minDelta?: number; mode?: 'min' | 'max' } = {},
): EarlyStopping {
  const o = checkOptions('options', options, ['monitor', 'patience', 'minDelta', 'mode']);
  const monitor = o.monitor ?? 'loss';
  if (typeof monitor !== 'string') invalid('options.monitor', 'a metric name', monitor);
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
