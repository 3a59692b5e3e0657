/**
 * solveIvp: an adaptive solve with output at requested times (dense output), event location
 * (zero crossings of user functions g(t, y) found on the dense output), observers, an
 * AbortSignal and statistics — the shape of scipy's solve_ivp and diffrax's diffeqsolve.
 */
import {
  PhaseflowError,
  checkFinite,
  checkFunction,
  checkInteger,
  checkOneOf,
  checkOptions,
  checkPositive,
  checkTimes,
  createEmitter,
  describeValue,
  invalid,
  type Observer,
  type OdeProblem,
} from '@phaseflow/core';
import { ADAPTIVE_OPTIONS, type RungeKuttaAdaptiveOptions, type RungeKuttaStats, type RungeKuttaStepper } from './adaptive.js';
import './errors.js';
import type { RungeKuttaIntegrator } from './methods.js';

/** A zero crossing to watch for: g(t, y) changing sign. */
export interface EventSpec<S = Float64Array> {
  /** The event function; its zeros are the events. Must return a finite number. */
  readonly g: (t: number, y: S) => number;
  /** Which crossings count: `up` (g from − to +), `down` (+ to −) or `both` (default). */
  readonly direction?: 'up' | 'down' | 'both';
  /** Stop the solve at the first such crossing (default false). */
  readonly terminal?: boolean;
  /** A name for the result (default `event<i>`). */
  readonly name?: string;
}

/** One located event. */
export interface EventRecord<S = Float64Array> {
  /** Index of the event in `options.events`. */
  readonly index: number;
  readonly name: string;
  /** Time of the zero crossing (to `eventTolerance`). */
  readonly t: number;
  /** State at `t`, from the dense output (an independent copy). */
  readonly y: S;
  /** Sign change seen, in the direction of integration. */
  readonly direction: 'up' | 'down';
  readonly terminal: boolean;
}

/** Options of {@link solveIvp}. */
export interface SolveIvpOptions<S = Float64Array> {
  /** Start time (default 0). */
  readonly t0?: number;
  /** End time (may be below t0). */
  readonly tEnd: number;
  readonly rtol?: number | ArrayLike<number> | S;
  readonly atol?: number | ArrayLike<number> | S;
  readonly h0?: number;
  readonly minStep?: number;
  readonly maxStep?: number;
  /** Accepted-step budget (default 100 000): STEP_BUDGET_EXCEEDED naming t and h beyond it. */
  readonly maxSteps?: number;
  readonly beta?: number;
  readonly safety?: number;
  readonly minFactor?: number;
  readonly maxFactor?: number;
  /** `steps` (every accepted step, default), `endpoints`, or the times to report (monotone, inside [t0, tEnd]). */
  readonly saveAt?: 'steps' | 'endpoints' | ArrayLike<number>;
  readonly events?: readonly EventSpec<S>[];
  /** Absolute tolerance on event times (default 1e-12; 4ε|t| is always added). */
  readonly eventTolerance?: number;
  readonly observers?: readonly Observer[];
  readonly signal?: AbortSignal;
}

/** What {@link solveIvp} returns. */
export interface IvpSolution<S = Float64Array> {
  readonly t: number[];
  readonly y: S[];
  /** `terminated` when a terminal event ended the solve; `stopped` when an observer did. */
  readonly status: 'completed' | 'terminated' | 'stopped';
  readonly reason?: string;
  readonly events: EventRecord<S>[];
  readonly tFinal: number;
  readonly yFinal: S;
  readonly stats: RungeKuttaStats;
}

const KNOWN = [...ADAPTIVE_OPTIONS, 't0', 'tEnd', 'saveAt', 'events', 'eventTolerance', 'observers', 'signal'];

/**
 * Brent's method on a bracket [a, b] with f(a)·f(b) < 0 (R. P. Brent, Algorithms for
 * Minimization without Derivatives, 1973, ch. 4 "zeroin").
 */
function brent(f: (x: number) => number, a: number, b: number, fa: number, fb: number, tol: number): number {
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let iter = 0; iter < 200; iter++) {
    if (fb * fc > 0) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol1 = 4 * Number.EPSILON * Math.abs(b) + 0.5 * tol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) return b;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * xm * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * xm * q - Math.abs(tol1 * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol1 ? d : xm > 0 ? tol1 : -tol1;
    fb = f(b);
  }
  return b;
}

/**
 * Solve y' = f(t, y), y(t0) = y0 with an adaptive Runge–Kutta pair, reporting states at the
 * accepted steps or at requested times (dense output, without shortening steps), and locating
 * events g(t, y) = 0 on the dense output (Brent's method) with direction and terminal handling.
 * After Hairer, Nørsett & Wanner, Solving ODEs I, §II.6 (dense output, event location) and
 * scipy's `solve_ivp`.
 *
 * @example
 * ```ts
 * import { bouncingBall } from '@phaseflow/problems';
 * import { createDop853, solveIvp } from '@phaseflow/runge-kutta';
 * const ball = bouncingBall();
 * const sol = solveIvp(createDop853(), ball.problem, ball.y0(), { tEnd: 10, events: [ball.impact] });
 * sol.status;       // 'terminated'
 * sol.events[0]!.t; // √(2·h/g) ≈ 0.4515
 * ```
 */
export function solveIvp<S = Float64Array>(
  method: RungeKuttaIntegrator<S>,
  problem: OdeProblem<S>,
  y0: S,
  options: SolveIvpOptions<S>,
): IvpSolution<S> {
  if (method === null || typeof method !== 'object' || typeof method.step !== 'function') {
    invalid('method', 'a Runge–Kutta integrator such as createDopri5()', method);
  }
  if (!method.adaptive || !method.properties.adaptive) {
    throw new PhaseflowError(
      'NOT_AVAILABLE',
      `method: ${method.name} has no error estimate; use createBs3(), createDopri5(), createTsit5() or createDop853()`,
      { argument: 'method', expected: 'an embedded pair', received: method.name },
    );
  }
  if (problem === null || typeof problem !== 'object' || problem.kind !== 'ode') {
    throw new PhaseflowError('UNSUPPORTED_PROBLEM', `problem: expected an ode problem (odeProblem(...)), received ${describeValue(problem)}`, {
      argument: 'problem', expected: 'ode', received: describeValue(problem),
    });
  }
  if (options === null || typeof options !== 'object') invalid('options', 'an options object with tEnd', options);
  const o = checkOptions('options', options, KNOWN);
  const t0 = o.t0 === undefined ? 0 : checkFinite('options.t0', o.t0);
  const tEnd = checkFinite('options.tEnd', o.tEnd);
  if (tEnd === t0) invalid('options.tEnd', `a time different from t0 = ${t0}`, tEnd);
  const dir = tEnd > t0 ? 1 : -1;
  const space = problem.space;
  const maxSteps = o.maxSteps === undefined ? 100_000 : checkInteger('options.maxSteps', o.maxSteps, { min: 1 });
  const eventTol = o.eventTolerance === undefined ? 1e-12 : checkPositive('options.eventTolerance', o.eventTolerance);

  let saveSteps = true;
  let times: Float64Array | undefined;
  const saveAt = o.saveAt ?? 'steps';
  if (saveAt === 'steps') saveSteps = true;
  else if (saveAt === 'endpoints') saveSteps = false;
  else if (saveAt !== null && typeof saveAt === 'object' && typeof (saveAt as ArrayLike<number>).length === 'number') {
    times = checkTimes('options.saveAt', saveAt, t0, tEnd);
    saveSteps = false;
  } else invalid('options.saveAt', "'steps', 'endpoints' or an array of times", saveAt);

  const events = o.events ?? [];
  if (!Array.isArray(events)) invalid('options.events', 'an array of { g, direction?, terminal?, name? }', events);
  const specs = events.map((ev, i) => {
    const e = checkOptions(`options.events[${i}]`, ev, ['g', 'direction', 'terminal', 'name']);
    checkFunction(`options.events[${i}].g`, e.g);
    const direction = e.direction === undefined ? 'both' : checkOneOf(`options.events[${i}].direction`, e.direction, ['up', 'down', 'both'] as const);
    if (e.terminal !== undefined && typeof e.terminal !== 'boolean') invalid(`options.events[${i}].terminal`, 'a boolean', e.terminal);
    if (e.name !== undefined && typeof e.name !== 'string') invalid(`options.events[${i}].name`, 'a string', e.name);
    return { g: e.g, direction, terminal: e.terminal ?? false, name: e.name ?? `event${i}` };
  });
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) invalid('options.signal', 'an AbortSignal', o.signal);
  const emitter = createEmitter(o.observers);

  const adaptiveOptions: Record<string, unknown> = {};
  for (const key of ['rtol', 'atol', 'h0', 'minStep', 'maxStep', 'beta', 'safety', 'minFactor', 'maxFactor'] as const) {
    if (o[key] !== undefined) adaptiveOptions[key] = o[key];
  }
  const stepper: RungeKuttaStepper<S> = method.adaptive(problem, t0, y0, tEnd, adaptiveOptions as RungeKuttaAdaptiveOptions);
  if ((times || specs.length > 0) && !stepper.interpolate) {
    throw new PhaseflowError('NOT_AVAILABLE', `method: ${method.name} has no dense output, needed for saveAt times and events`, { argument: 'method' });
  }
  const interpolate = stepper.interpolate?.bind(stepper);

  const outT: number[] = [];
  const outY: S[] = [];
  const found: EventRecord<S>[] = [];
  const save = (t: number, y: S) => {
    if (outT.length > 0 && outT[outT.length - 1] === t) return;
    outT.push(t);
    outY.push(space.clone(y));
  };
  let tNow = t0;
  let yNow: S = space.clone(y0);
  let steps = 0;
  const partial = () => ({ t: outT, y: outY, events: found, tFinal: tNow, yFinal: space.clone(yNow), stats: { ...stepper.stats } });
  const fail = (code: PhaseflowError['code'], message: string, details: Record<string, unknown>, cause?: unknown): never => {
    const err = new PhaseflowError(code, message, details, { partial: partial(), cause });
    emitter.emit('run:end', { status: code === 'ABORTED' ? 'aborted' : 'failed', steps, t: tNow, error: err });
    throw err;
  };
  const evalG = (i: number, t: number, y: S): number => {
    let v: unknown;
    try {
      v = specs[i]!.g(t, y);
    } catch (e) {
      if (e instanceof PhaseflowError) throw e;
      return fail('INVALID_EVENT_VALUE', `options.events[${i}].g threw at t = ${t}: ${e instanceof Error ? e.message : String(e)}`, { argument: `options.events[${i}].g`, t }, e);
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      fail('INVALID_EVENT_VALUE', `options.events[${i}].g: expected a finite number at t = ${t}, received ${describeValue(v)}`, {
        argument: `options.events[${i}].g`, expected: 'a finite number', received: describeValue(v), t,
      });
    }
    return v as number;
  };

  let saveIdx = 0;
  if (times) while (saveIdx < times.length && times[saveIdx] === t0) save(times[saveIdx++]!, y0);
  if (!times) save(t0, y0);
  const gPrev = specs.map((_, i) => evalG(i, t0, y0));
  emitter.emit('run:start', { run: 'integration', name: method.name, problem, t0, tEnd, state: y0 });
  if (o.signal?.aborted) fail('ABORTED', 'solve aborted before its first step', { t: t0, step: 0 }, o.signal.reason);

  let status: IvpSolution<S>['status'] = 'completed';
  let yScratch: S | undefined;
  const crossings: { index: number; t: number; dirn: 'up' | 'down' }[] = [];
  while ((tEnd - tNow) * dir > 0) {
    if (steps >= maxSteps) {
      fail('STEP_BUDGET_EXCEEDED', `step budget of ${maxSteps} accepted steps used up at t = ${tNow} (h = ${stepper.hNext}) before tEnd = ${tEnd}`, { t: tNow, h: stepper.hNext, maxSteps, step: steps });
    }
    let step;
    try {
      step = stepper.advance(tEnd);
    } catch (e) {
      if (e instanceof PhaseflowError) fail(e.code, e.message.replace(/^\[[A-Z_]+\] /, ''), { ...e.details, step: steps + 1 }, e);
      fail('INVALID_STATE', `solve failed at step ${steps + 1}, t = ${tNow}: ${e instanceof Error ? e.message : String(e)}`, { t: tNow, step: steps + 1 }, e);
    }
    steps++;
    const tOld = tNow;
    const tNew = step!.t;
    const yNew = step!.y;
    if (!space.isFinite(yNew)) fail('NON_FINITE_STATE', `state became non-finite at step ${steps}, t = ${tNew} (h = ${step!.h})`, { step: steps, t: tNew, h: step!.h });

    // Events in (tOld, tNew]
    crossings.length = 0;
    for (let i = 0; i < specs.length; i++) {
      const gOld = gPrev[i]!;
      const gNew = evalG(i, tNew, yNew);
      gPrev[i] = gNew;
      const up = gOld < 0 && gNew >= 0;
      const down = gOld > 0 && gNew <= 0;
      const spec = specs[i]!;
      if (!(up && spec.direction !== 'down') && !(down && spec.direction !== 'up')) continue;
      let te = tNew;
      if (gNew !== 0) {
        const phi = (tau: number) => {
          yScratch = interpolate!(tau, yScratch);
          return evalG(i, tau, yScratch);
        };
        te = brent(phi, tOld, tNew, gOld, gNew, eventTol);
      }
      crossings.push({ index: i, t: te, dirn: up ? 'up' : 'down' });
    }
    crossings.sort((a, b) => (a.t - b.t) * dir);
    let stopAt = -1;
    for (let j = 0; j < crossings.length; j++) if (specs[crossings[j]!.index]!.terminal) {
      stopAt = j;
      break;
    }
    const last = stopAt >= 0 ? stopAt : crossings.length - 1;
    const tLimit = stopAt >= 0 ? crossings[stopAt]!.t : tNew;
    // Requested times up to the limit, from the dense output.
    while (times && saveIdx < times.length && (times[saveIdx]! - tLimit) * dir <= 0) {
      const ts = times[saveIdx++]!;
      save(ts, ts === tNew ? yNew : interpolate!(ts));
    }
    for (let j = 0; j <= last; j++) {
      const c = crossings[j]!;
      const spec = specs[c.index]!;
      found.push({ index: c.index, name: spec.name, t: c.t, y: c.t === tNew ? space.clone(yNew) : interpolate!(c.t), direction: c.dirn, terminal: spec.terminal });
    }
    if (stopAt >= 0) {
      const ev = found[found.length - 1]!;
      tNow = ev.t;
      yNow = space.copy(ev.y, yNow);
      save(tNow, yNow);
      status = 'terminated';
      if (emitter.has('step')) emitter.emit('step', { step: steps, t: tNow, h: tNow - tOld, state: yNow });
      break;
    }
    tNow = tNew;
    yNow = space.copy(yNew, yNow);
    if (saveSteps) save(tNew, yNew);
    if (emitter.has('step')) emitter.emit('step', { step: steps, t: tNew, h: step!.h, state: yNew });
    if (o.signal?.aborted) fail('ABORTED', `solve aborted at step ${steps}, t = ${tNew}`, { step: steps, t: tNew }, o.signal.reason);
    if (emitter.stopReason !== undefined) {
      status = 'stopped';
      save(tNow, yNow);
      break;
    }
  }
  if (status === 'completed' && !times) save(tNow, yNow);
  emitter.emit('run:end', { status: status === 'terminated' ? 'completed' : status, steps, t: tNow, ...(status === 'stopped' && { reason: emitter.stopReason! }) });
  return {
    t: outT,
    y: outY,
    status,
    ...(status === 'stopped' && { reason: emitter.stopReason! }),
    events: found,
    tFinal: tNow,
    yFinal: space.clone(yNow),
    stats: { ...stepper.stats },
  };
}
