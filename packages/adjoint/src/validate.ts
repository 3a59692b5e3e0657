/**
 * Argument checks of the gradient engine's passes: the field backend (its members, and what
 * its callbacks return), the schedule, the states and cotangents handed in. Every refusal is a
 * coded PhaseflowError naming the argument; a backend callback that throws something other
 * than a PhaseflowError becomes CALLBACK_FAILED naming it, with the thrown value as `cause`.
 */
import {
  PhaseflowError,
  STEP_CONTROL_OPTIONS,
  callbackFailed,
  checkFinite,
  checkFunction,
  checkInteger,
  checkOptions,
  describeValue,
  invalid,
  isPhaseflowError,
  type VectorSpace,
} from '@phaseflow/core';
import type { FieldBackend } from './backend.js';
import type { Schedule } from './schedule.js';

const SPACE_METHODS = ['zeros', 'clone', 'copy', 'size', 'isFinite', 'toFloat64', 'axpy', 'scale', 'combine', 'dot', 'norm', 'errorNorm'] as const;
const BACKEND_REQUIRED = ['tidy', 'release', 'f', 'vjp', 'step', 'stepVjp', 'solve', 'thetaZeros'] as const;
const BACKEND_OPTIONAL = ['valueAndVjp', 'stepsVjp', 'onEvaluate'] as const;
const SCHEDULE_KEYS = ['t0', 'times', 'steps', 'adaptive', 'adjointIntegrator', 'checkFinite'];

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** @internal The name of an option or argument path (`memory.maxBytes`, `args.memory.maxBytes`, `x[0]`), or a coded error naming `name`. */
export function checkArgumentPath(name: string, argument: unknown): string {
  if (typeof argument !== 'string' || !/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[\d+\])*$/.test(argument))
    invalid(name, 'the name of the option that sets the bound, as a path (e.g. "memory.maxBytes")', argument);
  return argument;
}

/** @internal A VectorSpace: an object with every operation of core's interface. */
export function checkSpace<S>(argument: string, space: unknown): VectorSpace<S> {
  if (!isObject(space)) invalid(argument, 'a VectorSpace { name, zeros, axpy, scale, combine, … }', space);
  for (const m of SPACE_METHODS) if (typeof space[m] !== 'function') invalid(`${argument}.${m}`, 'a function (a VectorSpace operation)', space[m]);
  return space as unknown as VectorSpace<S>;
}

/** @internal A FieldBackend: an object with its space and every required callback (optional ones functions when given). */
export function checkBackend<S>(argument: string, be: unknown): FieldBackend<S> {
  if (!isObject(be)) invalid(argument, 'a FieldBackend { space, tidy, release, f, vjp, step, stepVjp, solve, thetaZeros }', be);
  checkSpace(`${argument}.space`, be.space);
  for (const k of BACKEND_REQUIRED) checkFunction(`${argument}.${k}`, be[k]);
  for (const k of BACKEND_OPTIONAL) if (be[k] !== undefined) checkFunction(`${argument}.${k}`, be[k]);
  return be as unknown as FieldBackend<S>;
}

/** @internal Output times: a non-empty array of finite numbers, strictly increasing, after t0. */
export function checkTimes(argument: string, times: unknown, t0: number): readonly number[] {
  if (!Array.isArray(times) || times.length === 0) invalid(argument, 'a non-empty array of output times', times);
  let prev = t0;
  times.forEach((t, i) => {
    checkFinite(`${argument}[${i}]`, t);
    if (!(t > prev)) invalid(`${argument}[${i}]`, `a time strictly greater than ${i === 0 ? `t0 = ${t0}` : `the previous time ${prev}`}`, t);
    prev = t as number;
  });
  return times as number[];
}

/**
 * @internal A Schedule: known keys, finite t0, increasing output times, either fixed steps (one
 * positive integer per output interval) or adaptive options, an `ode` integrator for the
 * adjoint, a boolean checkFinite. `fixed`: the pass takes fixed steps only.
 */
export function checkSchedule(argument: string, s: unknown, fixed = false): Schedule {
  if (s === undefined) invalid(argument, 'a Schedule { t0, times, steps | adaptive, adjointIntegrator, checkFinite }', s);
  const o = checkOptions(argument, s as Schedule, SCHEDULE_KEYS);
  const t0 = checkFinite(`${argument}.t0`, o.t0);
  const times = checkTimes(`${argument}.times`, o.times, t0);
  if (o.steps !== undefined) {
    if (!Array.isArray(o.steps) || o.steps.length !== times.length)
      invalid(`${argument}.steps`, `an array of ${times.length} step counts (one per output interval)`, o.steps);
    o.steps.forEach((n, i) => checkInteger(`${argument}.steps[${i}]`, n, { min: 1 }));
    if (o.adaptive !== undefined) invalid(`${argument}.adaptive`, 'no adaptive options in a fixed-step schedule (schedule.steps given)', o.adaptive);
  } else {
    if (fixed) invalid(`${argument}.steps`, 'fixed steps per output interval (this pass takes fixed steps only)', o.steps);
    if (o.adaptive === undefined) invalid(`${argument}.adaptive`, 'adaptive step-control options when schedule.steps is absent', o.adaptive);
    checkOptions(`${argument}.adaptive`, o.adaptive, STEP_CONTROL_OPTIONS);
  }
  const integ = o.adjointIntegrator as unknown;
  if (!isObject(integ) || typeof integ.step !== 'function' || !Array.isArray(integ.problemKinds))
    invalid(`${argument}.adjointIntegrator`, 'an Integrator { name, step, problemKinds, … }', integ);
  if (!(integ.problemKinds as unknown[]).includes('ode'))
    invalid(`${argument}.adjointIntegrator`, "an integrator that solves 'ode' problems", integ.name, 'UNSUPPORTED_PROBLEM');
  if (typeof o.checkFinite !== 'boolean') invalid(`${argument}.checkFinite`, 'a boolean', o.checkFinite);
  return o;
}

/** @internal The size of a state, or a coded error naming `argument`; `size` given: it must match. */
export function stateSize<S>(
  argument: string,
  space: VectorSpace<S>,
  y: unknown,
  size?: number,
  code: 'INVALID_ARGUMENT' | 'SHAPE_MISMATCH' = 'INVALID_ARGUMENT',
  min = 1,
): number {
  const what = `a state of the backend's space ${String(space.name)}${size === undefined ? ` (at least ${min} component${min === 1 ? '' : 's'})` : ` with ${size} components`}`;
  if (y === null || typeof y !== 'object') invalid(argument, what, y, code);
  let n: unknown;
  try {
    n = space.size(y as S);
  } catch (e) {
    if (isPhaseflowError(e)) throw e;
    n = undefined;
  }
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) invalid(argument, what, y, code);
  if (size !== undefined && n !== size) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: expected ${what}, received ${n}`, { argument, expected: what, received: `${n} components` });
  }
  return n;
}

/** @internal A finite initial or saved state (when the schedule checks finiteness). */
export function checkState<S>(argument: string, space: VectorSpace<S>, y: unknown, finite: boolean, size?: number): number {
  const n = stateSize(argument, space, y, size);
  if (finite && !space.isFinite(y as S)) invalid(argument, 'a finite state', y, 'NON_FINITE_INPUT');
  return n;
}

/** @internal An array of exactly `length` entries (states, cotangents, checkpoint lists). */
export function checkArray(argument: string, value: unknown, length: number, what: string): unknown[] {
  if (!Array.isArray(value)) invalid(argument, `an array of ${length} ${what}`, value);
  if (value.length !== length) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: expected ${length} ${what} (one per output time), received ${value.length}`, {
      argument,
      expected: `${length} ${what}`,
      received: `${value.length} entries`,
    });
  }
  return value;
}

/** @internal Cotangents: one per output time, each undefined or a state of `n` components. */
export function checkCotangents<S>(argument: string, space: VectorSpace<S>, value: unknown, K: number, n: number): void {
  const cs = checkArray(argument, value, K, 'cotangents (or undefined)');
  cs.forEach((c, k) => {
    if (c !== undefined) stateSize(`${argument}[${k}]`, space, c, n);
  });
}

/** @internal The saved output states (one per output time, equal sizes) and their cotangents; returns the state size. */
export function checkSavedStates<S>(space: VectorSpace<S>, states: unknown, cotangents: unknown, s: Schedule): number {
  const K = s.times.length;
  const ys = checkArray('states', states, K, 'saved states');
  let n: number | undefined;
  ys.forEach((y, k) => {
    n = stateSize(`states[${k}]`, space, y, n);
  });
  checkCotangents('cotangents', space, cotangents, K, n!);
  return n!;
}

/**
 * @internal The backend with every callback guarded: a throw that is not a PhaseflowError
 * becomes CALLBACK_FAILED naming the callback (`backend.step`, with `t`), and a result that is
 * not a state of the right size (n for states, P for θ-gradients) is SHAPE_MISMATCH naming it.
 * `tidy` must hand back what its function returned.
 */
export function guardBackend<S>(be: FieldBackend<S>, n: number, argument = 'backend'): FieldBackend<S> {
  const space = be.space;
  const call = <T>(name: string, t: number | undefined, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (isPhaseflowError(e)) throw e;
      throw callbackFailed(`${argument}.${name}`, e, t === undefined ? {} : { t });
    }
  };
  const state = (name: string, r: unknown, size: number): S => {
    stateSize(`${argument}.${name}`, space, r, size, 'SHAPE_MISMATCH');
    return r as S;
  };
  /** θ's size, from the first `thetaZeros` (the passes call it before any vjp). */
  let P: number | undefined;
  const tuple = (name: string, r: unknown, sizes: readonly (number | undefined)[]): S[] => {
    if (!Array.isArray(r) || r.length !== sizes.length)
      throw new PhaseflowError('SHAPE_MISMATCH', `${argument}.${name}: expected an array of ${sizes.length} states, received ${describeValue(r)}`, {
        argument: `${argument}.${name}`,
        expected: `an array of ${sizes.length} states`,
        received: describeValue(r),
      });
    return r.map((x, i) => {
      const size = sizes[i];
      if (size === undefined) stateSize(`${argument}.${name}[${i}]`, space, x, undefined, 'SHAPE_MISMATCH', 0);
      else state(`${name}[${i}]`, x, size);
      return x as S;
    });
  };
  const guarded: FieldBackend<S> = {
    space,
    tidy<T>(fn: () => T): T {
      let inner: T | undefined;
      let failure: { error: unknown } | undefined;
      let out: T;
      try {
        out = be.tidy(() => {
          try {
            inner = fn();
          } catch (e) {
            failure = { error: e };
            throw e;
          }
          return inner;
        });
      } catch (e) {
        if (failure && e === failure.error) throw e;
        if (isPhaseflowError(e)) throw e;
        throw callbackFailed(`${argument}.tidy`, e);
      }
      if (out !== inner) invalid(`${argument}.tidy`, 'a tidy that returns what its function returned', out, 'SHAPE_MISMATCH');
      return out;
    },
    release: (x) => call('release', undefined, () => be.release(x)),
    f: (t, y) =>
      state(
        'f',
        call('f', t, () => be.f(t, y)),
        n,
      ),
    vjp: (t, y, a) =>
      tuple(
        'vjp',
        call('vjp', t, () => be.vjp(t, y, a)),
        [n, P],
      ) as [S, S],
    step: (t, y, h) =>
      state(
        'step',
        call('step', t, () => be.step(t, y, h)),
        n,
      ),
    stepVjp: (t, y, h, a) =>
      tuple(
        'stepVjp',
        call('stepVjp', t, () => be.stepVjp(t, y, h, a)),
        [n, P],
      ) as [S, S],
    solve(t0, times, y, options) {
      const r = call('solve', t0, () => be.solve(t0, times, y, options));
      return tuple(
        'solve',
        r,
        times.map(() => n),
      );
    },
    thetaZeros() {
      const z = call('thetaZeros', undefined, () => be.thetaZeros());
      const size = stateSize(`${argument}.thetaZeros`, space, z, P, 'SHAPE_MISMATCH', 0);
      P ??= size;
      return z;
    },
  };
  if (be.valueAndVjp) {
    const vv = be.valueAndVjp.bind(be);
    (guarded as { valueAndVjp?: FieldBackend<S>['valueAndVjp'] }).valueAndVjp = (t, y, a) =>
      tuple(
        'valueAndVjp',
        call('valueAndVjp', t, () => vv(t, y, a)),
        [n, n, P],
      ) as [S, S, S];
  }
  if (be.stepsVjp) {
    const sv = be.stepsVjp.bind(be);
    (guarded as { stepsVjp?: FieldBackend<S>['stepsVjp'] }).stepsVjp = (t, y, h, m, a) =>
      tuple(
        'stepsVjp',
        call('stepsVjp', t, () => sv(t, y, h, m, a)),
        [n, P],
      ) as [S, S];
  }
  if (be.onEvaluate) {
    const ev = be.onEvaluate.bind(be);
    (guarded as { onEvaluate?: () => void }).onEvaluate = () => call('onEvaluate', undefined, ev);
  }
  return guarded;
}
