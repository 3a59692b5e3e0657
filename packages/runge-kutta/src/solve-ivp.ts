/**
 * solveIvp: scipy's `solve_ivp` shape as a thin preset over core's `integrate` (the one
 * driver): an adaptive solve with output at requested times, event location, observers, an
 * AbortSignal and the stepper's statistics.
 */
import {
  PhaseflowError,
  checkInteger,
  checkOptions,
  checkTimes,
  describeValue,
  integrate,
  invalid,
  type EventRecord as CoreEventRecord,
  type EventSpec as CoreEventSpec,
  type IntegrateOptions,
  type Observer,
  type OdeProblem,
  type SaveAt,
} from '@phaseflow/core';
import { ADAPTIVE_OPTIONS, type RungeKuttaStats } from './adaptive.js';
import type { RungeKuttaIntegrator } from './methods.js';

/** A zero crossing to watch for: g(t, y) changing sign (core's {@link CoreEventSpec}). */
export type EventSpec<S = Float64Array> = CoreEventSpec<S>;

/** One located event (core's {@link CoreEventRecord}). */
export type EventRecord<S = Float64Array> = CoreEventRecord<S>;

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
  /** Interior samples of the dense output per step for events (default 4; see `integrate`'s `eventSamples`). */
  readonly eventSamples?: number;
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

const STEPPER_OPTIONS = ['rtol', 'atol', 'h0', 'minStep', 'maxStep', 'beta', 'safety', 'minFactor', 'maxFactor'] as const;
const KNOWN = [...ADAPTIVE_OPTIONS, 't0', 'tEnd', 'saveAt', 'events', 'eventTolerance', 'eventSamples', 'observers', 'signal'];

/**
 * Solve y' = f(t, y), y(t0) = y0 with an adaptive Runge–Kutta pair: core's `integrate` with
 * scipy's defaults. The options map one to one onto `integrate`'s:
 *
 * | solveIvp | integrate |
 * | --- | --- |
 * | `rtol`, `atol`, `h0`, `minStep`, `maxStep`, `beta`, `safety`, `minFactor`, `maxFactor` | `adaptive: { … }` |
 * | `saveAt: 'steps'` (default) · `'endpoints'` · times | `save: 'steps'` · `'endpoints'` · `{ times }` (integrate's default is `'endpoints'`) |
 * | `maxSteps` (default 100 000) | `maxSteps` (integrate's default is 10⁶) |
 * | `events`, `eventTolerance`, `eventSamples`, `observers`, `signal` | the same |
 *
 * Requested times and events use the pair's dense output (without shortening steps); events
 * g(t, y) = 0 are located by Brent's method on it, after sampling each step at interior points
 * so that several sign changes in one step are all found (see `integrate`). After Hairer,
 * Nørsett & Wanner, Solving ODEs I, §II.6 and scipy's `solve_ivp`. Errors are integrate's: a
 * failure's `partial` is integrate's partial solution (`stats.steps` counts accepted steps).
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
export function solveIvp<S = Float64Array>(method: RungeKuttaIntegrator<S>, problem: OdeProblem<S>, y0: S, options: SolveIvpOptions<S>): IvpSolution<S> {
  if (method === null || typeof method !== 'object' || typeof method.step !== 'function') {
    invalid('method', 'a Runge–Kutta integrator such as createDopri5()', method);
  }
  if (!method.adaptive || !method.properties.adaptive) {
    throw new PhaseflowError(
      'NOT_AVAILABLE',
      `method: ${method.name} has no error estimate; use createBs3(), createDopri5(), createTsit5() or createDop853()`,
      {
        argument: 'method',
        expected: 'an embedded pair',
        received: method.name,
      },
    );
  }
  if (problem === null || typeof problem !== 'object' || problem.kind !== 'ode') {
    throw new PhaseflowError('UNSUPPORTED_PROBLEM', `problem: expected an ode problem (odeProblem(...)), received ${describeValue(problem)}`, {
      argument: 'problem',
      expected: 'ode',
      received: describeValue(problem),
    });
  }
  if (options === null || typeof options !== 'object') invalid('options', 'an options object with tEnd', options);
  const o = checkOptions('options', options, KNOWN);
  const needsDense = (o.saveAt !== undefined && typeof o.saveAt === 'object') || (Array.isArray(o.events) && o.events.length > 0);
  if (needsDense && !method.properties.denseOutput) {
    throw new PhaseflowError('NOT_AVAILABLE', `method: ${method.name} has no dense output, needed for saveAt times and events`, { argument: 'method' });
  }
  const adaptive: Record<string, unknown> = {};
  for (const key of STEPPER_OPTIONS) if (o[key] !== undefined) adaptive[key] = o[key];
  let save: SaveAt;
  // null is no value of any option (left out means the default).
  if (o.saveAt === null) invalid('options.saveAt', "'steps', 'endpoints' or an array of times (or leave it out)", o.saveAt);
  if (o.events === null) invalid('options.events', 'an array of event specs (or leave it out)', o.events);
  if (o.observers === null) invalid('options.observers', 'an array of observers (or leave it out)', o.observers);
  const saveAt = o.saveAt ?? 'steps';
  if (saveAt === 'steps' || saveAt === 'endpoints') save = saveAt;
  else if (saveAt !== null && typeof saveAt === 'object' && typeof (saveAt as ArrayLike<number>).length === 'number') {
    // Checked here so that errors name options.saveAt, as this entry point calls it.
    const t0 = typeof o.t0 === 'number' ? o.t0 : 0;
    if (typeof o.tEnd === 'number' && Number.isFinite(o.tEnd) && Number.isFinite(t0) && o.tEnd !== t0) checkTimes('options.saveAt', saveAt, t0, o.tEnd);
    save = { times: saveAt as ArrayLike<number> };
  } else return invalid('options.saveAt', "'steps', 'endpoints' or an array of times", saveAt);
  const maxSteps = o.maxSteps === undefined ? 100_000 : checkInteger('options.maxSteps', o.maxSteps, { min: 1 });
  const forwarded: IntegrateOptions<S> = {
    tEnd: o.tEnd,
    adaptive,
    save,
    maxSteps,
    events: o.events ?? [],
    ...(o.t0 !== undefined && { t0: o.t0 }),
    ...(o.eventTolerance !== undefined && { eventTolerance: o.eventTolerance }),
    ...(o.eventSamples !== undefined && { eventSamples: o.eventSamples }),
    ...(o.observers !== undefined && { observers: o.observers }),
    ...(o.signal !== undefined && { signal: o.signal }),
  };
  const sol = integrate(method, problem, y0, forwarded);
  return {
    t: sol.t,
    y: sol.y,
    status: sol.status,
    ...(sol.reason !== undefined && { reason: sol.reason }),
    events: sol.events ?? [],
    tFinal: sol.tFinal,
    yFinal: sol.yFinal,
    stats: { accepted: sol.stats.steps, rejected: sol.stats.rejected, evaluations: sol.stats.evaluations },
  };
}
