/**
 * The driver: runs an Integrator over [t0, tEnd] with fixed steps or the integrator's own
 * adaptive control, saves output, feeds Observers, honours an AbortSignal and a step budget,
 * and stops a numerical blow-up with the step and time where it happened.
 */
import { stepRoutes, type Emitter, type Observer, type StepRoutes } from './events.js';
import { PhaseflowError, type PhaseflowErrorCode, type PhaseflowErrorDetails } from './errors.js';
import { guardChecked, guardProblem } from './guard-problem.js';
import type { AdaptiveOptions, Advancer, Integrator } from './integrator.js';
import { createRunLifecycle, type RunLifecycle } from './lifecycle.js';
import type { Problem } from './problems.js';
import { withScope, type Keep, type StateOps } from './vector-space.js';
import { checkEvents, createEventDetector, type EventDetector, type EventRecord, type EventSpec, type StateAt } from './zero-crossings.js';
import { checkFinite, checkInteger, checkOptions, checkPositive, checkTimes, invalid } from './validate.js';
import { createYielder } from './yield.js';

/** Which states a run keeps. */
export type SaveAt =
  /** Only the initial and the final state (the default). */
  | 'endpoints'
  /** Every accepted step. */
  | 'steps'
  /** The initial state, every k-th step, and the final state. */
  | { readonly every: number }
  /** Exactly these times, increasing, inside [t0, tEnd] (fixed-step runs split the step that crosses a time; adaptive runs use dense output when the integrator has it). */
  | { readonly times: ArrayLike<number> };

/** Options of {@link integrate}; `Y` is the state type (it types the event functions). */
export interface IntegrateOptions<Y = unknown> {
  /** Start time (default 0). */
  readonly t0?: number;
  /** End time; may be below t0 for a backward run. */
  readonly tEnd: number;
  /** Fixed step magnitude (> 0), or the first trial step in adaptive runs. */
  readonly h?: number;
  /** Number of fixed steps (h = |tEnd − t0| / steps). Give `h` or `steps`, not both. */
  readonly steps?: number;
  /** Use the integrator's adaptive control; an object passes tolerances and integrator options. */
  readonly adaptive?: boolean | AdaptiveOptions;
  readonly save?: SaveAt;
  /**
   * Step budget: the most accepted steps the run may take before tEnd, fixed-step and adaptive
   * alike; one more fails with STEP_BUDGET_EXCEEDED naming `options.maxSteps`, the step
   * reached and its time, with the run so far as `partial`. Default {@link DEFAULT_MAX_STEPS}
   * (10⁶); `Infinity` turns the budget off.
   */
  readonly maxSteps?: number;
  readonly signal?: AbortSignal;
  readonly observers?: readonly Observer[];
  /** Check the state for NaN/Inf every k steps (default 1; every step when `events` are given). */
  readonly checkFiniteEvery?: number;
  /**
   * Zero crossings g(t, y) = 0 to locate (see {@link EventSpec}): on the integrator's dense
   * output in adaptive runs that have one, otherwise by re-stepping from the start of the
   * step (the integrator's own solution inside it), by Brent's method. A `terminal` event
   * ends the run there with status `terminated`; every event found is in `solution.events`.
   */
  readonly events?: readonly EventSpec<Y>[];
  /** Absolute tolerance on event times (default 1e-12; 4ε|t| is always added). */
  readonly eventTolerance?: number;
  /**
   * Interior points per step at which the event functions are sampled before the sign test,
   * so that several sign changes inside one step are all bracketed (default 4 on dense
   * output, where a sample is one interpolation; 0 when re-stepping, where each costs a step).
   * Still missed: an even number of sign changes between two neighbouring samples, and
   * tangential zeros (g touching 0 without changing sign).
   */
  readonly eventSamples?: number;
}

/** What a run computed. */
export interface Solution<Y> {
  /** Saved times, in order of the run. */
  readonly t: number[];
  /** Saved states (independent copies), parallel to `t`. */
  readonly y: Y[];
  /** `terminated` when a terminal event ended the run (at `tFinal`), `stopped` when an Observer did. */
  readonly status: 'completed' | 'stopped' | 'terminated';
  /** Why an Observer stopped the run. */
  readonly reason?: string;
  /** The events located, in time order (present when `options.events` was given). */
  readonly events?: EventRecord<Y>[];
  /** Time and state where the run ended. */
  readonly tFinal: number;
  readonly yFinal: Y;
  readonly stats: { steps: number; rejected: number; evaluations: number };
}

/** The partial result attached to errors thrown by {@link integrate}. */
export type PartialSolution<Y> = Omit<Solution<Y>, 'status'> & { status: 'failed' | 'aborted' };

const KNOWN = [
  't0',
  'tEnd',
  'h',
  'steps',
  'adaptive',
  'save',
  'maxSteps',
  'signal',
  'observers',
  'checkFiniteEvery',
  'events',
  'eventTolerance',
  'eventSamples',
];

/**
 * The step budget of every {@link integrate} run, fixed-step and adaptive, unless
 * `options.maxSteps` says otherwise: 10⁶ accepted steps. A budget exists to stop runs that
 * would not end in useful time — `tEnd: 1e9, h: 1e-3` asks for 10¹² steps, an adaptive solve
 * of a stiff problem crawls at ever smaller steps. 10⁶ is large enough for the long
 * Hamiltonian runs of a symplectic study (10⁶ steps of Brouwer's-law tests, 10⁵-step orbits)
 * and for every adaptive solve that makes progress, and small enough that a runaway run on a
 * small system fails within about a second, with `save: 'steps'` still in bounded memory.
 * (diffrax defaults to 4096, which long fixed-step runs exceed; scipy has no budget.)
 *
 * @example
 * ```ts
 * DEFAULT_MAX_STEPS; // 1e6
 * integrate(leapfrog, kepler, y0, { tEnd: 1e5, h: 0.01, maxSteps: 1e7 }); // a 10⁷-step run asks for it
 * ```
 */
export const DEFAULT_MAX_STEPS = 1_000_000;

interface Plan {
  t0: number;
  tEnd: number;
  dir: 1 | -1;
  h: number | undefined;
  steps: number | undefined;
  adaptive: AdaptiveOptions | undefined;
  every: number;
  times: Float64Array | undefined;
  maxSteps: number;
  /** The budget came from options.maxSteps (not the default). */
  maxStepsGiven: boolean;
  checkEvery: number;
  events: ReturnType<typeof checkEvents<unknown>> | undefined;
  eventTolerance: number;
  eventSamples: number | undefined;
}

function plan<P extends Problem<Y>, Y>(integrator: Integrator<P, Y>, options: IntegrateOptions<Y>): Plan {
  const o = checkOptions('options', options, KNOWN);
  const t0 = o.t0 === undefined ? 0 : checkFinite('options.t0', o.t0);
  const tEnd = checkFinite('options.tEnd', o.tEnd);
  if (tEnd === t0) invalid('options.tEnd', `a time different from t0 = ${t0}`, tEnd);
  const dir = tEnd > t0 ? 1 : -1;
  const span = Math.abs(tEnd - t0);
  let adaptive: AdaptiveOptions | undefined;
  if (o.adaptive !== undefined && o.adaptive !== false) {
    if (o.adaptive !== true && (typeof o.adaptive !== 'object' || o.adaptive === null)) {
      invalid('options.adaptive', 'a boolean or an options object', o.adaptive);
    }
    if (!integrator.adaptive || !integrator.properties.adaptive) {
      throw new PhaseflowError(
        'NOT_AVAILABLE',
        `options.adaptive: integrator ${integrator.name} has no adaptive step control; give options.h or options.steps`,
        { argument: 'options.adaptive', expected: 'an adaptive integrator', received: integrator.name },
      );
    }
    adaptive = o.adaptive === true ? {} : o.adaptive;
  }
  let h: number | undefined;
  let steps: number | undefined;
  if (o.h !== undefined && o.steps !== undefined) {
    invalid('options.steps', 'either options.h or options.steps, not both', o.steps);
  }
  if (o.h !== undefined) h = checkPositive('options.h', o.h);
  if (o.steps !== undefined) {
    if (adaptive) invalid('options.steps', 'no step count in an adaptive run (use options.h for the first step)', o.steps);
    steps = checkInteger('options.steps', o.steps, { min: 1 });
  }
  if (!adaptive && h === undefined && steps === undefined) {
    invalid('options.h', 'a fixed step h > 0 (or options.steps, or options.adaptive)', o.h);
  }
  let every = 0;
  let times: Float64Array | undefined;
  // Left out means the endpoints; null is refused (below) like any other non-SaveAt.
  const save = o.save === undefined ? 'endpoints' : o.save;
  if (save === 'steps') every = 1;
  else if (save === 'endpoints') every = 0;
  else if (typeof save === 'object' && save !== null && 'every' in save) {
    every = checkInteger('options.save.every', save.every, { min: 1 });
  } else if (typeof save === 'object' && save !== null && 'times' in save) {
    times = checkTimes('options.save.times', save.times, t0, tEnd);
  } else {
    invalid('options.save', "'endpoints', 'steps', { every: k } or { times: [...] }", save);
  }
  const maxSteps = o.maxSteps === undefined ? DEFAULT_MAX_STEPS : o.maxSteps === Infinity ? Infinity : checkInteger('options.maxSteps', o.maxSteps, { min: 1 });
  const checkEvery = o.checkFiniteEvery === undefined ? 1 : checkInteger('options.checkFiniteEvery', o.checkFiniteEvery, { min: 1 });
  if (steps !== undefined) h = span / steps;
  if (h !== undefined && !adaptive && !(t0 + dir * h !== t0)) invalid('options.h', `a step that changes t0 = ${t0}`, h);
  const events = o.events === undefined ? undefined : checkEvents<unknown>('options.events', o.events as unknown);
  const eventTolerance = o.eventTolerance === undefined ? 1e-12 : checkPositive('options.eventTolerance', o.eventTolerance);
  const eventSamples = o.eventSamples === undefined ? undefined : checkInteger('options.eventSamples', o.eventSamples, { min: 0, max: 1000 });
  return {
    t0,
    tEnd,
    dir,
    h,
    steps,
    adaptive,
    every,
    times,
    maxSteps,
    maxStepsGiven: o.maxSteps !== undefined,
    checkEvery,
    events,
    eventTolerance,
    eventSamples,
  };
}

/** A state computed for observers at an output time inside the step just taken (into `out` when given). */
type SideState<Y> = (t: number, out: Y | undefined) => Y;

/** Mutable record of a run, shared by the fixed and adaptive loops. */
class Run<Y> {
  readonly t: number[] = [];
  readonly y: Y[] = [];
  steps = 0;
  rejected = 0;
  evaluations = 0;
  tNow: number;
  yNow: Y;
  /** Signed size of the last accepted step (the `h` of the final state's event). */
  hLast = 0;
  readonly events: Emitter;
  /** Some observer sees every step: `accepted` emits on each one and fixed steps are not chunked. */
  everyStep = false;
  /** The distinct `every` cadences observers declared. */
  everies: number[] = [];
  /** The next step count at which an `every` observer is due (Infinity when none). */
  nextDue = Infinity;
  /** The observers' output times merged in the run's direction, and the observer of each. */
  atT: Float64Array = new Float64Array(0);
  atI: Int32Array = new Int32Array(0);
  /** The first output time not delivered yet. */
  atPos = 0;
  /** Where states at output times are computed (mutable spaces). */
  atBuf: Y | undefined;
  routes: StepRoutes | undefined;
  /** Zero-crossing events, when the run has any. */
  readonly detector: EventDetector<Y> | undefined;
  /** A terminal event ended the run. */
  terminated = false;
  /**
   * The states the loop holds between two of its `yield`s besides {@link yNow} and the saved
   * ones (the fixed loop's two buffers; the adaptive stepper's {@link AdaptiveStepper.retained}
   * and the re-stepping start): what `integrateAsync` keeps out of each scoped segment.
   * Undefined when the loop cannot tell (an adaptive stepper without `retained`).
   */
  carried: (() => readonly Y[]) | undefined;
  constructor(
    /** The problem with its vector-field functions guarded (see guard-problem.ts). */
    readonly problem: Problem<Y>,
    /** The problem as the caller gave it. */
    readonly raw: Problem<Y>,
    readonly lifecycle: RunLifecycle,
    readonly p: Plan,
    readonly signal: AbortSignal | undefined,
    y0: Y,
  ) {
    this.tNow = p.t0;
    this.yNow = y0;
    this.events = lifecycle.events;
    this.detector = p.events && p.events.length > 0 ? createEventDetector<Y>(p.events, problem.space, y0, p.eventTolerance) : undefined;
  }
  /** Read the observers' cadences (after `run:start`, where an observer may have set them) and validate their output times. */
  readCadences(): void {
    const routes = stepRoutes(this.events);
    this.routes = routes;
    if (!routes) {
      this.everyStep = this.events.has('step');
      return;
    }
    const { p } = this;
    this.everyStep = routes.everyStep;
    const everies = new Set<number>();
    const times: { t: number; i: number }[] = [];
    for (const c of routes.cadenced) {
      if (c.every > 0) everies.add(c.every);
      if (c.at !== undefined && c.at.length > 0) {
        for (const t of checkTimes(`options.observers[${c.index}].at`, c.at, p.t0, p.tEnd)) times.push({ t, i: c.index });
      }
    }
    this.everies = [...everies];
    this.nextDue = this.dueAfter(0);
    times.sort((x, y) => (x.t - y.t) * p.dir || x.i - y.i);
    this.atT = Float64Array.from(times, (x) => x.t);
    this.atI = Int32Array.from(times, (x) => x.i);
    if (times.length > 0 && this.problem.space.mutable) this.atBuf = this.problem.space.clone(this.yNow);
  }
  /** The first step count after `s` at which an `every` observer is due. */
  dueAfter(s: number): number {
    let m = Infinity;
    for (const k of this.everies) m = Math.min(m, (Math.floor(s / k) + 1) * k);
    return m;
  }
  /** Output times remain to be delivered. */
  get wantsAt(): boolean {
    return this.atPos < this.atT.length;
  }
  /** The next output time not delivered yet (only while {@link wantsAt}). */
  get nextAt(): number {
    return this.atT[this.atPos]!;
  }
  /** The step event of the step that ended at (t, y): to every-step observers, and to the `every` observers due now. */
  emitStep(t: number, y: Y, h: number): void {
    const due = this.steps >= this.nextDue;
    if (this.everyStep || due) this.events.emit('step', { step: this.steps, t, h, state: y });
    if (due) this.nextDue = this.dueAfter(this.steps);
  }
  /** Output times at t0 get the initial state, as step 0. */
  deliverStart(): void {
    const { p, routes } = this;
    while (this.wantsAt && this.nextAt === p.t0) routes!.deliver(this.atI[this.atPos++]!, { step: 0, t: p.t0, h: 0, state: this.yNow });
  }
  /**
   * The output times inside the step tA → tB just taken (step number `stepNo`, ending in yB
   * after h), or up to where a terminal event cut it: each observer that asked for one gets
   * the state there before the step's own event — yB itself at tB, else `side(ts)`.
   */
  deliverAt(tA: number, tB: number, yB: Y, h: number, stepNo: number, side: SideState<Y>): void {
    const { atT, atI, routes, p } = this;
    const space = this.problem.space;
    let tSide = NaN;
    let ySide: Y | undefined;
    const release = () => {
      if (ySide !== undefined && !space.mutable) space.dispose?.(ySide);
    };
    while (this.atPos < atT.length && (atT[this.atPos]! - tB) * p.dir <= 0) {
      const ts = atT[this.atPos]!;
      const i = atI[this.atPos++]!;
      if (ts === tB) {
        routes!.deliver(i, { step: stepNo, t: ts, h, state: yB });
        continue;
      }
      if (ts !== tSide) {
        release();
        ySide = side(ts, this.atBuf);
        tSide = ts;
      }
      routes!.deliver(i, { step: stepNo, t: ts, h: ts - tA, state: ySide, interpolated: true });
    }
    release();
  }
  /** The final state, to every `every` observer that has not seen it (a run that ended well). */
  deliverFinal(): void {
    const { routes } = this;
    if (!routes || this.everies.length === 0) return;
    for (const c of routes.cadenced) {
      if (c.every > 0) routes.deliver(c.index, { step: this.steps, t: this.tNow, h: this.hLast, state: this.yNow });
    }
  }
  /** Book-keeping after `m` steps taken in one `advance` call (state already checked finite); the chunk started at tA. */
  acceptedChunk(t: number, y: Y, h: number, m: number, tA: number, side: SideState<Y>): boolean {
    this.steps += m;
    const { p } = this;
    this.tNow = t;
    this.yNow = y;
    this.hLast = h;
    if (p.every > 0 && this.steps % p.every === 0) this.save(t, y);
    if (this.wantsAt) this.deliverAt(tA, t, y, h, this.steps, side);
    this.emitStep(t, y, h);
    if (this.signal?.aborted) this.abort();
    if (this.steps >= p.maxSteps && t !== p.tEnd) this.budgetExceeded(t, h);
    return this.events.stopReason !== undefined;
  }
  save(t: number, y: Y) {
    const last = this.t.length - 1;
    if (last >= 0 && this.t[last] === t) return;
    this.t.push(t);
    this.y.push(this.problem.space.clone(y));
  }
  partial(status: 'failed' | 'aborted'): PartialSolution<Y> {
    return {
      t: this.t,
      y: this.y,
      status,
      tFinal: this.tNow,
      yFinal: this.problem.space.clone(this.yNow),
      ...(this.p.events && { events: this.detector?.records ?? [] }),
      stats: { steps: this.steps, rejected: this.rejected, evaluations: this.evaluations },
    };
  }
  /**
   * Before the book-keeping of a step tOld → tNew: the state must be finite (events read it),
   * then the events inside the step are located. Returns the terminal event, if one ended the run.
   */
  scan(tOld: number, tNew: number, yNew: Y, stateAt: StateAt<Y>, samples: number): EventRecord<Y> | undefined {
    if (!this.problem.space.isFinite(yNew)) {
      const step = this.steps + 1;
      const h = tNew - tOld;
      this.fail('NON_FINITE_STATE', `state became non-finite at step ${step}, t = ${tNew} (h = ${h})`, { step, t: tNew, h });
    }
    const hit = this.detector!.scan(tOld, tNew, yNew, stateAt, samples);
    if (hit) this.terminated = true;
    return hit;
  }
  fail(code: PhaseflowErrorCode, message: string, details: PhaseflowErrorDetails, cause?: unknown): never {
    this.lifecycle.at(this.steps, this.tNow);
    return this.lifecycle.fail(code, message, details, cause);
  }
  abort(): never {
    this.lifecycle.at(this.steps, this.tNow);
    return this.lifecycle.abort(`run aborted at step ${this.steps}, t = ${this.tNow}`);
  }
  budgetExceeded(t: number, h: number): never {
    const { p } = this;
    const which = p.maxStepsGiven ? 'options.maxSteps' : `the default budget (${DEFAULT_MAX_STEPS} steps; pass options.maxSteps to allow more)`;
    return this.fail(
      'STEP_BUDGET_EXCEEDED',
      `step budget of ${p.maxSteps} steps (${which}) used up at step ${this.steps}, t = ${t} (h = ${h}), before tEnd = ${p.tEnd}`,
      { argument: 'options.maxSteps', step: this.steps, t, h, maxSteps: p.maxSteps },
    );
  }
  /**
   * End the run with something thrown inside a step: the step being taken (steps + 1) and the
   * time it started from name where; the vector field's or integrator's coded error keeps its
   * code, anything else is CALLBACK_FAILED.
   */
  failWith(e: unknown, callback: string): never {
    this.lifecycle.at(this.steps + 1, this.tNow);
    return this.lifecycle.failWith(e, callback);
  }
  /** Book-keeping after an accepted step; returns true when the run must stop. */
  accepted(t: number, y: Y, h: number): boolean {
    this.steps++;
    const { p, problem } = this;
    if (this.steps % p.checkEvery === 0 && !problem.space.isFinite(y)) {
      this.fail('NON_FINITE_STATE', `state became non-finite at step ${this.steps}, t = ${t} (h = ${h})`, { step: this.steps, t, h });
    }
    this.tNow = t;
    this.yNow = y;
    this.hLast = h;
    if (p.every > 0 && this.steps % p.every === 0) this.save(t, y);
    this.emitStep(t, y, h);
    if (this.signal?.aborted) this.abort();
    if (this.steps >= p.maxSteps && t !== p.tEnd && !this.terminated) this.budgetExceeded(t, h);
    return this.events.stopReason !== undefined;
  }
}

const YIELD_CHECK = 256;
/** Steps per `advance` call in chunked fixed-step runs (and between yields when chunks are shorter). */
const CHUNK = 1024;

function* fixedLoop<P extends Problem<Y>, Y>(integrator: Integrator<P, Y>, run: Run<Y>): Generator<void, void> {
  const { p } = run;
  const problem = run.problem as P;
  const space = problem.space;
  const h = p.h!;
  const n = p.steps ?? Math.ceil(Math.abs(p.tEnd - p.t0) / h - 1e-9);
  // Two buffers used alternately so that `out` never aliases a state the integrator reads.
  let y = space.clone(run.yNow);
  let spare = space.clone(y);
  run.carried = () => [y, spare];
  let saveIdx = 0;
  const times = p.times;
  const gridTime = (i: number) => (i >= n ? p.tEnd : p.t0 + p.dir * i * h);
  let t = p.t0;
  let i = 0;
  const detector = run.detector;
  const samples = p.eventSamples ?? 0;
  detector?.start(t, y);
  run.deliverStart();
  // Events and output times inside a step are computed by re-stepping from its start (the state in `spare`).
  let tStart = t;
  const stateAt: StateAt<Y> = (tau, out) => integrator.step(problem, tStart, spare, tau - tStart, out);
  /** The terminal event ends the run: its time and state become the last step's end. */
  const terminate = (hit: EventRecord<Y>): void => {
    if (run.wantsAt) run.deliverAt(tStart, hit.t, hit.y, hit.t - tStart, run.steps + 1, stateAt);
    run.accepted(hit.t, hit.y, hit.t - tStart);
  };
  // Chunks of steps through `integrator.advance` when nothing needs to see every step: no
  // observer without a cadence, no save times inside steps, no events. A chunk ends where an
  // observer's cadence needs a step (every k-th, or the step that holds an output time, taken
  // alone so that the time is re-stepped from its start); saves every k steps, the step budget
  // and the last (shortened) step keep their exact positions; a non-finite chunk is replayed
  // step by step from its start so the error still names the first bad step.
  //
  // The first step goes through `step` on the guarded problem, whose wrappers check the size
  // of each function's result on its first call. Once every function has been checked, the
  // chunks run on the problem as the caller gave it: on a small system the wrappers would cost
  // as much as the arithmetic. A throw inside a chunk is replayed step by step from the chunk's
  // start on the guarded problem, so the error names the function that threw and the step, as
  // on the step-by-step path. (A function never called in the first step keeps the guard on.)
  if (typeof integrator.advance === 'function' && !times && !run.everyStep && !detector && n > 1) {
    const hd = p.dir * h;
    // The per-call checks and dispatch of `advance`, once per run when the integrator can.
    const prepareOn = (pr: P): Advancer<Y> =>
      integrator.prepareAdvance?.(pr, y, hd) ?? ((t0: number, y0: Y, m: number, out?: Y) => integrator.advance!(pr, t0, y0, hd, m, out));
    let advance: Advancer<Y> | undefined;
    /** The first grid index j with gridTime(j) at or beyond time ts (ts inside (t0, tEnd]). */
    const stepOf = (ts: number): number => {
      let j = Math.max(1, Math.ceil(((ts - p.t0) * p.dir) / h));
      while (j > 1 && (gridTime(j - 1) - ts) * p.dir >= 0) j--;
      while ((gridTime(j) - ts) * p.dir < 0) j++;
      return j;
    };
    // The chunk's start: its input state, which `advance` reads and does not write (it writes
    // `spare`), so it stays intact until the next chunk for replays and output times.
    let tChunk = t;
    let yChunk = y;
    /** Re-take the m steps of the chunk that threw on the guarded problem; what throws there is thrown (named), else the caller rethrows. */
    const replayThrow = (m: number): void => {
      const { steps, tNow, yNow } = run;
      let z = space.clone(yChunk);
      for (let j = 0; j < m; j++) {
        run.tNow = tChunk + j * hd;
        run.yNow = z;
        z = integrator.step(problem, run.tNow, z, hd);
        run.steps++;
      }
      run.steps = steps;
      run.tNow = tNow;
      run.yNow = yNow;
    };
    const side: SideState<Y> = (ts, out) => integrator.step(problem, tChunk, yChunk, ts - tChunk, out);
    let sinceYield = 0;
    while (i < n - 1) {
      if (advance === undefined && run.steps > 0) advance = prepareOn(guardChecked(problem) ? (run.raw as P) : problem);
      let m = advance === undefined ? 1 : Math.min(n - 1 - i, CHUNK);
      if (p.every > 0) m = Math.min(m, p.every - (run.steps % p.every));
      if (Number.isFinite(p.maxSteps)) m = Math.min(m, p.maxSteps - run.steps);
      if (run.nextDue !== Infinity) m = Math.min(m, run.nextDue - run.steps);
      if (run.wantsAt) {
        // An output time inside step j: chunk up to j − 1, then step j alone (its start is kept).
        const j = stepOf(run.nextAt);
        if (j < n) m = Math.min(m, gridTime(j) === run.nextAt ? j - i : Math.max(1, j - 1 - i));
      }
      tChunk = t;
      yChunk = y;
      let yNew: Y;
      try {
        yNew = advance === undefined ? integrator.step(problem, tChunk, y, hd, spare) : advance(tChunk, y, m, spare);
      } catch (e) {
        if (advance !== undefined) replayThrow(m);
        throw e;
      }
      spare = y;
      y = yNew;
      if (!space.isFinite(y)) {
        // Replay to the first non-finite state; `advance` promises the same states as `step`.
        let z = space.clone(yChunk);
        let tz = tChunk;
        let j = 0;
        for (; j < m; j++) {
          const zNew = integrator.step(problem, tz, z, hd);
          if (!space.isFinite(zNew)) break;
          z = zNew;
          tz = tChunk + (j + 1) * hd;
        }
        run.steps += Math.min(j, m - 1) + 1;
        run.tNow = tz;
        run.yNow = z;
        const tBad = tChunk + (Math.min(j, m - 1) + 1) * hd;
        run.fail('NON_FINITE_STATE', `state became non-finite at step ${run.steps}, t = ${tBad} (h = ${hd})`, { step: run.steps, t: tBad, h: hd });
      }
      i += m;
      t = gridTime(i);
      if (run.acceptedChunk(t, y, hd, m, tChunk, side)) return;
      sinceYield += m;
      if (sinceYield >= CHUNK) {
        sinceYield = 0;
        yield;
      }
    }
  }
  for (; i < n; i++) {
    const tGrid = gridTime(i + 1);
    // Save times strictly inside this step split it; the grid itself is kept.
    while (times && saveIdx < times.length && (times[saveIdx]! - tGrid) * p.dir < 0) {
      const ts = times[saveIdx++]!;
      if (ts !== t) {
        const yNew = integrator.step(problem, t, y, ts - t, spare);
        spare = y;
        y = yNew;
        tStart = t;
        if (detector) {
          const hit = run.scan(t, ts, y, stateAt, samples);
          if (hit) return terminate(hit);
        }
        if (run.wantsAt) run.deliverAt(t, ts, y, ts - t, run.steps + 1, stateAt);
        t = ts;
      }
      run.save(t, y);
    }
    // On the grid the step is h itself (as in the chunked path); after a split, or for the
    // last step, it is whatever reaches the next grid time.
    const hTaken = t === gridTime(i) && i < n - 1 ? p.dir * h : tGrid - t;
    const yNew = integrator.step(problem, t, y, hTaken, spare);
    spare = y;
    y = yNew;
    tStart = t;
    if (detector) {
      const hit = run.scan(t, tGrid, y, stateAt, samples);
      if (hit) return terminate(hit);
    }
    if (run.wantsAt) run.deliverAt(t, tGrid, y, hTaken, run.steps + 1, stateAt);
    t = tGrid;
    if (times && saveIdx < times.length && times[saveIdx] === t) {
      run.save(t, y);
      saveIdx++;
    }
    if (run.accepted(t, y, hTaken)) return;
    if ((i & (YIELD_CHECK - 1)) === YIELD_CHECK - 1) yield;
  }
}

function* adaptiveLoop<P extends Problem<Y>, Y>(integrator: Integrator<P, Y>, run: Run<Y>): Generator<void, void> {
  const { p } = run;
  const problem = run.problem as P;
  const space = problem.space;
  const opts: AdaptiveOptions = p.h === undefined ? p.adaptive! : { h0: p.h, ...p.adaptive };
  const stepper = integrator.adaptive!(problem, p.t0, space.clone(run.yNow), p.tEnd, opts);
  // Without dense output, events and output times are located by re-stepping from a copy of the step's start.
  let yStart: Y | undefined;
  const retained = stepper.retained;
  run.carried =
    typeof retained === 'function'
      ? () => {
          const held = retained.call(stepper);
          return yStart === undefined ? held : [...held, yStart];
        }
      : undefined;
  // The stepper is made: a driver that scopes its segments (integrateAsync) looks here whether it can say what it holds.
  yield;
  const dense = typeof stepper.interpolate === 'function';
  const times = p.times;
  let saveIdx = 0;
  let t = p.t0;
  while (times && saveIdx < times.length && times[saveIdx] === t) run.save(times[saveIdx++]!, run.yNow);
  const detector = run.detector;
  const samples = p.eventSamples ?? (dense ? 4 : 0);
  detector?.start(t, run.yNow);
  run.deliverStart();
  yStart = (detector || run.wantsAt) && !dense ? space.clone(run.yNow) : undefined;
  let tStart = t;
  const stateAt: StateAt<Y> = dense ? (tau, out) => stepper.interpolate!(tau, out) : (tau, out) => integrator.step(problem, tStart, yStart!, tau - tStart, out);
  let k = 0;
  while ((p.tEnd - t) * p.dir > 0) {
    const tStop = !dense && times && saveIdx < times.length ? times[saveIdx]! : p.tEnd;
    let step;
    try {
      step = stepper.advance(tStop);
    } catch (e) {
      run.rejected = stepper.stats.rejected;
      run.evaluations = stepper.stats.evaluations;
      run.failWith(e, `integrator.adaptive (${integrator.name})`);
    }
    let hit: EventRecord<Y> | undefined;
    if (detector) hit = run.scan(t, step.t, step.y, stateAt, samples);
    run.rejected = stepper.stats.rejected;
    run.evaluations = stepper.stats.evaluations;
    const tLimit = hit ? hit.t : step.t;
    if (run.wantsAt) run.deliverAt(t, tLimit, hit ? hit.y : step.y, hit ? hit.t - t : step.h, run.steps + 1, stateAt);
    tStart = step.t;
    while (times && saveIdx < times.length && (times[saveIdx]! - tLimit) * p.dir <= 0) {
      const ts = times[saveIdx++]!;
      run.save(ts, ts === step.t ? step.y : stepper.interpolate!(ts));
    }
    if (hit) {
      run.accepted(hit.t, hit.y, hit.t - t);
      return;
    }
    t = step.t;
    if (yStart !== undefined) yStart = space.copy(step.y, yStart);
    if (run.accepted(t, step.y, step.h)) return;
    if ((++k & (YIELD_CHECK - 1)) === 0) yield;
  }
}

interface Prepared<Y> {
  run: Run<Y>;
  loop: Generator<void, void>;
  /** A fresh loop from the start (before its first step), for integrateAsync's fallback. */
  restart(): Generator<void, void>;
  finish(): Solution<Y>;
  /** What a foreign throw inside the loop is blamed on (the problem's own functions are guarded). */
  callback: string;
}

function prepare<P extends Problem<Y>, Y>(integrator: Integrator<P, Y>, problem: P, y0: Y, options: IntegrateOptions<Y>): Prepared<Y> {
  if (integrator === null || typeof integrator !== 'object' || typeof integrator.step !== 'function') {
    invalid('integrator', 'an Integrator { name, order, step, ... }', integrator);
  }
  if (problem === null || typeof problem !== 'object' || typeof problem.kind !== 'string' || !problem.space) {
    invalid('problem', 'a problem { kind, space, ... } (see odeProblem, separableHamiltonian, ...)', problem);
  }
  if (!integrator.problemKinds.includes(problem.kind)) {
    throw new PhaseflowError(
      'UNSUPPORTED_PROBLEM',
      `integrator ${integrator.name} solves ${integrator.problemKinds.join(', ')} problems, not ${problem.kind}`,
      { argument: 'problem', expected: integrator.problemKinds.join(' | '), received: problem.kind },
    );
  }
  const p = plan(integrator, options);
  if (y0 === null || y0 === undefined) invalid('y0', 'an initial state', y0);
  if (!problem.space.isFinite(y0)) {
    throw new PhaseflowError('NON_FINITE_INPUT', 'y0: expected a finite initial state, received one with NaN or Infinity', {
      argument: 'y0',
      expected: 'finite values',
      received: 'NaN or Infinity',
    });
  }
  // The lifecycle validates signal and observers; `partial` reads the run built just below.
  const lifecycle: RunLifecycle = createRunLifecycle<PartialSolution<Y>>({
    run: 'integration',
    name: integrator.name,
    observers: options.observers,
    signal: options.signal,
    partial: (status): PartialSolution<Y> => run.partial(status),
  });
  const events = lifecycle.events;
  const run: Run<Y> = new Run<Y>(guardProblem(problem), problem, lifecycle, p, options.signal, y0);
  if (!p.times) run.save(p.t0, y0);
  const total = p.adaptive ? undefined : (p.steps ?? Math.ceil(Math.abs(p.tEnd - p.t0) / p.h! - 1e-9));
  lifecycle.at(0, p.t0);
  lifecycle.start({ problem, t0: p.t0, tEnd: p.tEnd, state: y0, ...(total !== undefined && { total }) });
  run.readCadences();
  if (options.signal?.aborted) lifecycle.abort('run aborted before its first step');
  const makeLoop = () => (p.adaptive ? adaptiveLoop(integrator, run) : fixedLoop(integrator, run));
  return {
    run,
    loop: makeLoop(),
    restart: makeLoop,
    callback: `integrator.${p.adaptive ? 'adaptive' : 'step'} (${integrator.name})`,
    finish() {
      // Observers with an `every` cadence see the final state (a stop request there counts, as on any step).
      try {
        run.deliverFinal();
      } catch (e) {
        run.failWith(e, 'options.observers');
      }
      // A terminal event ends the run where it is, whatever an Observer asked in that step.
      const terminated = run.terminated;
      const stopped = !terminated && events.stopReason !== undefined;
      if (p.every > 0 || !p.times || stopped || terminated) run.save(run.tNow, run.yNow);
      const yFinal = run.y[run.y.length - 1]!;
      const tFinalSaved = run.t[run.t.length - 1]!;
      const sol: Solution<Y> = {
        t: run.t,
        y: run.y,
        status: terminated ? 'terminated' : stopped ? 'stopped' : 'completed',
        ...(stopped && { reason: events.stopReason }),
        ...(p.events && { events: run.detector?.records ?? [] }),
        tFinal: run.tNow,
        yFinal: tFinalSaved === run.tNow ? yFinal : problem.space.clone(run.yNow),
        stats: { steps: run.steps, rejected: run.rejected, evaluations: run.evaluations },
      };
      lifecycle.at(run.steps, run.tNow);
      lifecycle.finish(terminated ? { status: 'completed' } : {});
      return sol;
    },
  };
}

/**
 * Integrate `problem` from (t0, y0) to tEnd with `integrator`.
 *
 * Fixed steps when `h` or `steps` is given (the grid t0 + i·h is kept; the last step ends on
 * tEnd), the integrator's own step control when `adaptive` is set. A NaN/Inf state stops the
 * run with NON_FINITE_STATE naming the step and time; the error's `partial` keeps what was
 * computed. Observers see `run:start`, `step` and `run:end` and may stop the run. The run goes
 * inside the state space's `scope` when it has one (tensors): what the integrator drops is
 * released, on success and on failure, and only the saved states remain for the caller.
 *
 * @example
 * ```ts
 * const sol = integrate(leapfrog, oscillator, { q: Float64Array.of(1), p: Float64Array.of(0) },
 *   { tEnd: 10, h: 0.01, save: { every: 10 } });
 * sol.yFinal; // state at t = 10
 * ```
 */
export function integrate<P extends Problem<Y>, Y>(integrator: Integrator<P, Y>, problem: P, y0: Y, options: IntegrateOptions<Y>): Solution<Y> {
  const { run, loop, finish, callback } = prepare(integrator, problem, y0, options);
  // In the state space's scope (tensors: a tf.tidy), so the stages and states the integrator
  // drops are released on success and on failure; the saved states (and a failure's partial
  // run) are kept for the caller.
  return withScope(problem.space, (keep) => {
    try {
      try {
        for (;;) if (loop.next().done) break;
      } catch (e) {
        run.failWith(e, callback);
      }
      return keepStates(finish(), keep);
    } catch (e) {
      if (e instanceof PhaseflowError && e.partial !== undefined) keepStates(e.partial as PartialSolution<Y>, keep);
      throw e;
    }
  });
}

/**
 * The parts of a state that hold resources, each with the space it belongs to: a phase state
 * (a space with a `component`, e.g. `phaseSpace(tensorSpace)`) is its q and p, taken apart
 * recursively; any other state is one part.
 */
function partsOf(
  space: StateOps<unknown>,
  v: unknown,
  out: { space: StateOps<unknown>; value: unknown }[] = [],
): { space: StateOps<unknown>; value: unknown }[] {
  const component = (space as { component?: unknown }).component as StateOps<unknown> | undefined;
  if (component !== null && typeof component === 'object' && v !== null && typeof v === 'object' && 'q' in v && 'p' in v) {
    partsOf(component, (v as { q: unknown }).q, out);
    partsOf(component, (v as { p: unknown }).p, out);
  } else out.push({ space, value: v });
  return out;
}

function keepStates<S extends { readonly y: readonly Y[]; readonly yFinal: Y; readonly events?: readonly EventRecord<Y>[] }, Y>(solution: S, keep: Keep<Y>): S {
  for (const y of solution.y) keep(y);
  keep(solution.yFinal);
  if (solution.events) for (const e of solution.events) keep(e.y);
  return solution;
}

/**
 * {@link integrate} that yields to the event loop every `yieldEveryMs` milliseconds (default
 * 20), so timers, I/O and an `AbortSignal` fired from outside can interrupt a long run.
 *
 * On a state space with a `scope` (tensors) the run is leak-free as {@link integrate} is,
 * although no scope can span an `await` (a `tf.tidy` is synchronous, and other code runs while
 * this one waits): each synchronous segment between two yields runs inside the space's scope,
 * keeping only what the run still holds — the current state, the saved states, the located
 * events, and what the loop carries into the next segment (a fixed-step run's two state
 * buffers; an adaptive stepper's {@link AdaptiveStepper.retained}, e.g. the FSAL stage and
 * the dense-output data) — and what a segment replaced of the previous segment's carry is
 * disposed. On success, on abort and on failure only the solution (or the error's `partial`)
 * is left to the caller. An adaptive stepper without `retained` cannot be scoped this way: such
 * a run takes no segment scopes (what it allocates stays alive, as before).
 *
 * @example
 * ```ts
 * import { integrateAsync, odeProblem, type Integrator, type OdeProblem } from '@phaseflow/core';
 *
 * const euler: Integrator<OdeProblem<Float64Array>, Float64Array> = {
 *   name: 'euler', order: 1, problemKinds: ['ode'],
 *   properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
 *   step: (pr, t, y, h, out) => pr.space.axpy(h, pr.f(t, y), y, out),
 * };
 * const decay = odeProblem((_t, y: Float64Array, out?: Float64Array) => {
 *   const o = out ?? new Float64Array(y.length);
 *   for (let i = 0; i < y.length; i++) o[i] = -y[i]!;
 *   return o;
 * });
 * const controller = new AbortController();
 * const sol = await integrateAsync(euler, decay, Float64Array.of(1), { tEnd: 1, steps: 1000, signal: controller.signal });
 * console.log(sol.yFinal[0]); // ≈ e⁻¹
 * ```
 */
export async function integrateAsync<P extends Problem<Y>, Y>(
  integrator: Integrator<P, Y>,
  problem: P,
  y0: Y,
  options: IntegrateOptions<Y> & { yieldEveryMs?: number },
): Promise<Solution<Y>> {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    invalid('options', 'an options object { tEnd, h | steps | adaptive, ... }', options);
  const { yieldEveryMs, ...rest } = options;
  const every = yieldEveryMs === undefined ? 20 : checkPositive('options.yieldEveryMs', yieldEveryMs);
  const prepared = prepare(integrator, problem, y0, rest);
  const { run, finish, callback } = prepared;
  let loop = prepared.loop;
  const space = run.problem.space;
  const yielder = createYielder(every);
  /** Steps until the loop ends (true) or the time budget is spent (false); `limit` caps the generator resumptions. */
  const steps = (limit = Infinity): boolean => {
    try {
      if (run.signal?.aborted) run.abort();
      for (let k = 0; k < limit; k++) {
        if (loop.next().done) return true;
        if (yielder.due()) return false;
      }
      return false;
    } catch (e) {
      return run.failWith(e, callback);
    }
  };
  if (typeof space.scope !== 'function') {
    // Nothing to release (Float64 states): the plain loop.
    for (;;) {
      if (steps()) break;
      await yielder.pause();
    }
    return finish();
  }
  // Segments in the space's scope. `carry`: the working states (the current one and what the
  // loop carries) the previous segment kept, which the run may still drop; the saved states
  // and events are clones the run keeps to the end, each kept once, out of the segment that
  // made it. The caller's y0 is never disposed.
  let carry = new Set<Y>();
  let savedKept = 0;
  let eventsKept = 0;
  const working = (): Set<Y> => {
    const out = new Set<Y>([run.yNow]);
    const c = run.carried?.();
    if (c) for (const v of c) out.add(v);
    return out;
  };
  /** Keep the states saved and the events located since the last segment. */
  const keepNew = (keep: Keep<Y>): void => {
    for (; savedKept < run.y.length; savedKept++) keep(run.y[savedKept]!);
    const records = run.detector?.records;
    if (records) for (; eventsKept < records.length; eventsKept++) keep(records[eventsKept]!.y);
  };
  /**
   * Dispose what the previous segment kept and `now` no longer holds, part by part: a phase
   * state a step replaced may share its p (or q) with the state that replaced it, so a part
   * is released only when no state in `now` (and not the caller's y0) has it.
   */
  const drop = (now: Set<Y>): void => {
    const dropped = [...carry].filter((v) => !now.has(v));
    carry = now;
    if (dropped.length === 0) return;
    const live = new Set<unknown>();
    for (const v of [...now, y0]) for (const part of partsOf(space, v)) live.add(part.value);
    for (const v of dropped) {
      for (const part of partsOf(space, v)) {
        if (live.has(part.value)) continue;
        live.add(part.value);
        part.space.dispose?.(part.value);
      }
    }
  };
  /**
   * Run `body` in the space's scope, keeping the new saved states and events and, after a
   * segment of steps, the working states; after the last segment (`final`: it returns the
   * solution) or a throw (the error's partial run) nothing of the run is left but the result.
   */
  const segment = <T>(body: () => T, final: boolean): T =>
    withScope(space, (keep) => {
      let result: T;
      try {
        result = body();
      } catch (e) {
        keepNew(keep);
        const partial = e instanceof PhaseflowError ? (e.partial as PartialSolution<Y> | undefined) : undefined;
        if (partial && typeof partial === 'object' && partial.yFinal !== undefined) keep(partial.yFinal);
        drop(new Set(partial && typeof partial === 'object' && partial.yFinal !== undefined ? [partial.yFinal] : []));
        throw e;
      }
      keepNew(keep);
      if (final) {
        const sol = result as Solution<Y>;
        keep(sol.yFinal);
        drop(new Set([sol.yFinal]));
      } else {
        const now = working();
        for (const v of now) keep(v);
        drop(now);
      }
      return result;
    });
  // The first segment: one resumption, which for an adaptive run makes the stepper. A stepper
  // that cannot say what it holds would lose its state to the scope: start it again unscoped.
  let done = segment(() => steps(1), false);
  if (run.carried === undefined) {
    loop = prepared.restart();
    for (;;) {
      if (steps()) break;
      await yielder.pause();
    }
    return finish();
  }
  while (!done) {
    if (yielder.due()) await yielder.pause();
    done = segment(() => steps(), false);
  }
  return segment(finish, true);
}
