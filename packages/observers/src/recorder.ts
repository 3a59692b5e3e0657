import { checkFunction, checkInteger, checkOptions, type Observer, type StateOps } from '@phaseflow/core';
import { checkStartEvent, checkStepEvent } from './check.js';

/** An Observer that keeps states (or whatever `map` makes of them). */
export interface Recorder<T> extends Observer {
  readonly t: number[];
  readonly values: T[];
  reset(): void;
}

/**
 * Keep the run's state every k steps (and the initial state). States are copied with the
 * problem's own `space.toFloat64` unless `map` says what to keep. The recorder declares its
 * cadence (`every: k`), so `integrate` keeps advancing in chunks between the steps it keeps;
 * the final state, which the driver also hands it, is kept only when it is a k-th step.
 *
 * @example
 * ```ts
 * const rec = createRecorder({ every: 10 });
 * integrate(rk4, lorenz, y0, { tEnd: 20, h: 0.01, observers: [rec] });
 * rec.t.length; // 201
 * ```
 */
export function createRecorder<T = Float64Array>(options: { every?: number; map?: (state: unknown, t: number) => T; limit?: number } = {}): Recorder<T> {
  const o = checkOptions('options', options, ['every', 'map', 'limit']);
  const every = o.every === undefined ? 1 : checkInteger('options.every', o.every, { min: 1 });
  const limit = o.limit === undefined ? Infinity : checkInteger('options.limit', o.limit, { min: 1 });
  if (o.map !== undefined) checkFunction('options.map', o.map);
  const t: number[] = [];
  const values: T[] = [];
  let convert: (state: unknown, t: number) => T = o.map ?? ((s) => structuredClone(s) as T);
  const keep = (time: number, state: unknown) => {
    if (t.length >= limit) return;
    t.push(time);
    values.push(convert(state, time));
  };
  return {
    name: 'recorder',
    every,
    t,
    values,
    reset() {
      t.length = 0;
      values.length = 0;
    },
    on: {
      'run:start'(e) {
        checkStartEvent(e);
        const space = (e.problem as { space?: StateOps<unknown> } | undefined)?.space;
        if (!o.map && space) convert = (s) => space.toFloat64(s) as T;
        if (e.state !== undefined) keep(e.t0 ?? 0, e.state);
      },
      step(e) {
        checkStepEvent(e);
        if (e.step % every === 0) keep(e.t, e.state);
      },
    },
  };
}
