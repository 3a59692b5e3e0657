/**
 * O(1) argument checks for the maps, fields and Jacobian–vector products this package makes
 * (not exported from the index). They run on every call an integrator makes, so they check
 * types and lengths only (entries are the integrator's to check: `integrate` refuses a
 * non-finite state); a call by hand with a wrong argument gets a coded error naming it
 * instead of a TypeError from inside the loop or a silently short result.
 */
import { invalid } from '@phaseflow/core';

type F = Float64Array;

/** `v` is a Float64Array of `n` entries (any length when n is undefined). */
export function checkVector(argument: string, v: unknown, n?: number): F {
  if (!(v instanceof Float64Array)) invalid(argument, n === undefined ? 'a Float64Array' : `a Float64Array of ${n} numbers`, v);
  if (n !== undefined && v.length !== n) invalid(argument, `a Float64Array of ${n} numbers`, v, 'SHAPE_MISMATCH');
  return v;
}

/** A time: a number (NaN and ±Infinity refused). */
function checkTime(t: unknown): number {
  if (typeof t !== 'number' || t - t !== 0) invalid('t', 'a finite time', t, typeof t === 'number' ? 'NON_FINITE_INPUT' : 'INVALID_ARGUMENT');
  return t;
}

/** `map(t, y, out?)` with t, y (n numbers, or any length when n is undefined) and out (as y) checked. */
export function checkedMap(n: number | undefined, map: (t: number, y: F, out?: F) => F): (t: number, y: F, out?: F) => F {
  return (t, y, out) => {
    checkTime(t);
    const m = checkVector('y', y, n).length;
    if (out !== undefined) checkVector('out', out, m);
    return map(t, y, out);
  };
}

/** `jvp(t, y, v, out)` with t, y, v and out (n numbers each, or y's length) checked. */
export function checkedJvp(n: number | undefined, jvp: (t: number, y: F, v: F, out: F) => F): (t: number, y: F, v: F, out: F) => F {
  return (t, y, v, out) => {
    checkTime(t);
    const m = checkVector('y', y, n).length;
    checkVector('v', v, m);
    checkVector('out', out, m);
    return jvp(t, y, v, out);
  };
}

/** A non-empty name (an `options.name`). */
export function checkName(argument: string, name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) invalid(argument, 'a non-empty name', name);
  return name;
}

/** An event a handler is handed (core's drivers always pass one). */
function checkEvent(event: unknown, expected: string): void {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) invalid('event', expected, event);
}

/** A run:start event { run, name, state?, t0?, … }. */
export function checkStartEvent(event: unknown): void {
  checkEvent(event, 'the run:start event { run, name, state?, t0?, ... }');
  const e = event as { run?: unknown; t0?: unknown };
  if (typeof e.run !== 'string' || e.run === '') invalid('event.run', 'the kind of run (a non-empty string)', e.run);
  if (e.t0 !== undefined && (typeof e.t0 !== 'number' || !Number.isFinite(e.t0))) invalid('event.t0', 'a finite start time', e.t0);
}

/** A step event { step, t, h, state }: step an integer ≥ 0, t finite. */
export function checkStepEvent(event: unknown): void {
  checkEvent(event, 'a step event { step, t, h, state }');
  const e = event as { step?: unknown; t?: unknown };
  if (typeof e.step !== 'number' || !Number.isInteger(e.step) || e.step < 0) invalid('event.step', 'an integer >= 0', e.step);
  if (typeof e.t !== 'number' || !Number.isFinite(e.t)) invalid('event.t', 'a finite time', e.t);
}

/** The run control { stop(reason) } a handler may stop the run through. */
export function checkControl(control: unknown): void {
  if (control === null || typeof control !== 'object' || typeof (control as { stop?: unknown }).stop !== 'function') {
    invalid('control', 'the run control { stop(reason) } the run hands every handler', control);
  }
}
