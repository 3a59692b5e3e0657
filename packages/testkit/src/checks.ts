/**
 * The measurements behind the conformance suite. Each returns a verdict with the measured
 * numbers, so a suite can assert on them and a report can print them.
 */
import {
  checkFinite,
  checkFunction,
  checkInteger,
  checkNonNegative,
  checkOneOf,
  checkOptions,
  checkPositive,
  integrate,
  invalid,
  isPhaseflowError,
  type Integrator,
  type Problem,
} from '@phaseflow/core';
import { forcedOscillator, type ReferenceProblem } from '@phaseflow/problems';
import { referenceProblems } from './references.js';

type AnyInt = Integrator<Problem<unknown>, unknown>;

/** One check's outcome. */
export interface CheckResult {
  readonly check: string;
  readonly problem?: string;
  readonly ok: boolean;
  readonly message: string;
  readonly measured?: Readonly<Record<string, unknown>>;
}

/** `integrator` as an Integrator (name, order, problem kinds, properties, step), or INVALID_ARGUMENT naming it. @internal */
export function checkIntegrator(argument: string, integrator: unknown): AnyInt {
  if (integrator === null || typeof integrator !== 'object') invalid(argument, 'an Integrator { name, order, problemKinds, properties, step }', integrator);
  const i = integrator as Partial<AnyInt>;
  if (typeof i.name !== 'string' || i.name === '') invalid(`${argument}.name`, 'a non-empty string', i.name);
  checkFunction(`${argument}.step`, i.step);
  if (!Array.isArray(i.problemKinds)) invalid(`${argument}.problemKinds`, 'an array of problem kinds', i.problemKinds);
  if (i.properties === null || typeof i.properties !== 'object') invalid(`${argument}.properties`, 'an IntegratorProperties object', i.properties);
  if (typeof i.order !== 'number' || !(i.order > 0)) invalid(`${argument}.order`, 'a positive number', i.order);
  return integrator as AnyInt;
}

/** `ref` as a ReferenceProblem (name, problem, y0, fromFlat, t0, tEnd), or INVALID_ARGUMENT naming it. @internal */
export function checkReference(argument: string, ref: unknown): ReferenceProblem<unknown> {
  if (ref === null || typeof ref !== 'object' || Array.isArray(ref)) invalid(argument, 'a ReferenceProblem { name, problem, y0, fromFlat, t0, tEnd, … }', ref);
  const r = ref as Partial<ReferenceProblem<unknown>>;
  if (typeof r.name !== 'string') invalid(`${argument}.name`, 'a string', r.name);
  const p = r.problem as Partial<Problem<unknown>> | null | undefined;
  if (p === null || typeof p !== 'object' || typeof p.kind !== 'string' || p.space === null || typeof p.space !== 'object') {
    invalid(`${argument}.problem`, 'a core Problem { kind, space, … }', r.problem);
  }
  checkFunction(`${argument}.y0`, r.y0);
  checkFunction(`${argument}.fromFlat`, r.fromFlat);
  checkFinite(`${argument}.t0`, r.t0);
  checkFinite(`${argument}.tEnd`, r.tEnd);
  if (r.exact !== undefined) checkFunction(`${argument}.exact`, r.exact);
  return ref as ReferenceProblem<unknown>;
}

/** A step size for a check: finite and non-zero. */
const checkStepSize = (argument: string, h: unknown): number => {
  const v = checkFinite(argument, h);
  if (v === 0) invalid(argument, 'a finite, non-zero step', h);
  return v;
};

/** The exact solution of `ref`, which order and symplecticity measurements need. */
function exactOf<Y>(ref: ReferenceProblem<Y>): (t: number) => Float64Array {
  if (typeof ref.exact !== 'function') invalid('ref.exact', `a reference problem with an exact solution (${ref.name} has none)`, ref.exact);
  return ref.exact;
}

const maxAbsDiff = (a: Float64Array, b: Float64Array) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

/** Options of {@link measureOrder}. */
export interface OrderOptions {
  /** Step count of the coarsest run (default 8). */
  readonly startSteps?: number;
  /** Largest step count tried (default 2¹⁴). */
  readonly maxSteps?: number;
  /** Errors below this are considered rounding-dominated and not used (default 1e-10). */
  readonly floor?: number;
  /** Errors above this are outside the asymptotic range and not used (default 0.5). */
  readonly ceiling?: number;
  /** Time span (default: the problem's). */
  readonly tEnd?: number;
  /** Allowed |measured − declared| (default 0.2). */
  readonly tolerance?: number;
}

/** Global errors at successively halved steps and the order they show. */
export interface OrderMeasurement {
  readonly points: { steps: number; h: number; error: number }[];
  /** log₂(e(h)/e(h/2)) for consecutive points. */
  readonly slopes: number[];
  /** The slope of the finest pair inside [floor, ceiling]; NaN when none. */
  readonly order: number;
}

/**
 * Measure the convergence order of `integrator` on `ref` by step halving: run with N, 2N, 4N …
 * fixed steps, take the max-norm global error at tEnd against the exact solution, and report
 * the slope of the finest pair of errors that lie in the asymptotic range.
 *
 * @example
 * ```ts
 * const m = measureOrder(leapfrog, kepler({ e: 0.5 })); // kepler from @phaseflow/problems
 * m.order; // ≈ 2
 * ```
 */
export function measureOrder<Y>(integrator: Integrator<Problem<Y>, Y>, ref: ReferenceProblem<Y>, options: OrderOptions = {}): OrderMeasurement {
  checkIntegrator('integrator', integrator);
  checkReference('ref', ref);
  checkOrderOptions('options', options);
  const { startSteps = 8, maxSteps = 1 << 15, floor = 1e-10, ceiling = 0.5 } = options;
  const tEnd = options.tEnd ?? ref.tEnd;
  const exact = exactOf(ref)(tEnd);
  const points: OrderMeasurement['points'] = [];
  for (let n = startSteps; n <= maxSteps; n *= 2) {
    let error: number;
    try {
      const sol = integrate(integrator, ref.problem, ref.y0(), { tEnd, steps: n });
      error = maxAbsDiff(ref.problem.space.toFloat64(sol.yFinal), exact);
    } catch (e) {
      if (isPhaseflowError(e, 'NON_FINITE_STATE')) error = Infinity;
      else throw e;
    }
    points.push({ steps: n, h: tEnd / n, error });
    if (error < floor) break;
  }
  const slopes: number[] = [];
  for (let i = 1; i < points.length; i++) slopes.push(Math.log2(points[i - 1]!.error / points[i]!.error));
  let order = NaN;
  for (let i = points.length - 1; i >= 1; i--) {
    const a = points[i - 1]!.error;
    const b = points[i]!.error;
    if (a <= ceiling && b >= floor && Number.isFinite(a)) {
      order = slopes[i - 1]!;
      break;
    }
  }
  return { points, slopes, order };
}

/** The testkit's own options are checked as the packages' are: coded errors naming the option. */
function checkOrderOptions(argument: string, options: OrderOptions): void {
  const o = checkOptions(argument, options, ['startSteps', 'maxSteps', 'floor', 'ceiling', 'tEnd', 'tolerance']);
  if (o.startSteps !== undefined) checkInteger(`${argument}.startSteps`, o.startSteps, { min: 1 });
  if (o.maxSteps !== undefined) checkInteger(`${argument}.maxSteps`, o.maxSteps, { min: o.startSteps ?? 1 });
  if (o.floor !== undefined) checkNonNegative(`${argument}.floor`, o.floor);
  if (o.ceiling !== undefined) checkPositive(`${argument}.ceiling`, o.ceiling);
  if (o.tEnd !== undefined) checkPositive(`${argument}.tEnd`, o.tEnd);
  if (o.tolerance !== undefined) checkNonNegative(`${argument}.tolerance`, o.tolerance);
}

/** Check the options of the step-based checks: `h`, `steps`, `tolerance` (and `at`). */
function checkStepOptions(argument: string, options: object, known: readonly string[]): void {
  const o = checkOptions(argument, options, known) as { h?: unknown; steps?: unknown; tolerance?: unknown; at?: unknown };
  if (o.h !== undefined) checkPositive(`${argument}.h`, o.h);
  if (o.steps !== undefined) checkInteger(`${argument}.steps`, o.steps, { min: 1 });
  if (o.tolerance !== undefined) checkNonNegative(`${argument}.tolerance`, o.tolerance);
  if (o.at !== undefined) checkNonNegative(`${argument}.at`, o.at);
}

/** Check that the measured order equals the declared one within `tolerance`. */
export function checkOrder<Y>(integrator: Integrator<Problem<Y>, Y>, ref: ReferenceProblem<Y>, options: OrderOptions = {}): CheckResult {
  checkIntegrator('integrator', integrator);
  checkReference('ref', ref);
  checkOrderOptions('options', options);
  const tolerance = options.tolerance ?? 0.2;
  const m = measureOrder(integrator, ref, options);
  const ok = Number.isFinite(m.order) && Math.abs(m.order - integrator.order) <= tolerance;
  const table = m.points.map((p) => `N=${p.steps}: ${p.error.toExponential(2)}`).join(', ');
  return {
    check: 'order',
    problem: ref.name,
    ok,
    message: Number.isFinite(m.order)
      ? `${integrator.name} on ${ref.name}: measured order ${m.order.toFixed(3)}, declared ${integrator.order} (±${tolerance}); errors ${table}`
      : `${integrator.name} on ${ref.name}: no pair of errors in the asymptotic range; errors ${table}`,
    measured: { order: m.order, declared: integrator.order, points: m.points, slopes: m.slopes },
  };
}

/** Options of {@link checkReversibility}. */
export interface ReversibilityOptions {
  readonly h?: number;
  readonly steps?: number;
  /** Allowed relative error ‖Φ₋ₕᴺ Φₕᴺ y₀ − y₀‖ / ‖y₀‖ (default 1e-12). */
  readonly tolerance?: number;
}

/**
 * Symmetry Φ₋ₕ ∘ Φₕ = id, measured: N steps forward with h, N back with −h, relative
 * max-norm distance to the start.
 */
export function checkReversibility<Y>(integrator: Integrator<Problem<Y>, Y>, ref: ReferenceProblem<Y>, options: ReversibilityOptions = {}): CheckResult {
  checkIntegrator('integrator', integrator);
  checkReference('ref', ref);
  checkStepOptions('options', options, ['h', 'steps', 'tolerance']);
  const { h = 0.05, steps = 40, tolerance = 1e-12 } = options;
  const space = ref.problem.space;
  const y0 = ref.y0();
  let y = space.clone(y0);
  let t = 0;
  for (let i = 0; i < steps; i++, t += h) y = integrator.step(ref.problem, t, y, h);
  for (let i = 0; i < steps; i++, t -= h) y = integrator.step(ref.problem, t, y, -h);
  const a = space.toFloat64(y0);
  const err = maxAbsDiff(space.toFloat64(y), a) / Math.max(...a.map(Math.abs));
  return {
    check: 'reversibility',
    problem: ref.name,
    ok: err <= tolerance,
    message: `${integrator.name} on ${ref.name}: ${steps} steps of h=${h} forward and back return to the start within ${err.toExponential(2)} (relative; allowed ${tolerance})`,
    measured: { error: err, h, steps },
  };
}

/** Options of {@link checkBackward}. */
export interface BackwardOptions {
  /** Steps each way (default 32). */
  readonly steps?: number;
  /** Allowed ratio of the backward error to the forward error (default 10). */
  readonly tolerance?: number;
}

/**
 * Negative steps, for every integrator (not only symmetric ones): N steps of −h from the exact
 * solution at tEnd must reach the exact solution at t0 about as accurately as N steps of h
 * reach it forward — error_back ≤ tolerance·error_forward + 1e-12·‖y‖. A method that takes
 * |h|, or a stage time measured the wrong way, fails it.
 */
export function checkBackward<Y>(integrator: Integrator<Problem<Y>, Y>, ref: ReferenceProblem<Y>, options: BackwardOptions = {}): CheckResult {
  checkIntegrator('integrator', integrator);
  checkReference('ref', ref);
  checkStepOptions('options', options, ['steps', 'tolerance']);
  const { steps = 32, tolerance = 10 } = options;
  const exact = exactOf(ref);
  const space = ref.problem.space;
  const t0 = ref.t0;
  const t1 = ref.tEnd;
  const h = (t1 - t0) / steps;
  let y = ref.y0();
  for (let i = 0; i < steps; i++) y = integrator.step(ref.problem, t0 + i * h, y, h);
  const forward = maxAbsDiff(space.toFloat64(y), exact(t1));
  let z = ref.fromFlat(exact(t1));
  for (let i = 0; i < steps; i++) z = integrator.step(ref.problem, t1 - i * h, z, -h);
  const start = exact(t0);
  const backward = maxAbsDiff(space.toFloat64(z), start);
  const scale = Math.max(...start.map(Math.abs), 1);
  const ok = Number.isFinite(backward) && backward <= tolerance * forward + 1e-12 * scale;
  return {
    check: 'backward',
    problem: ref.name,
    ok,
    message: `${integrator.name} on ${ref.name}: ${steps} steps of −h = ${(-h).toPrecision(3)} from the exact end reach the start within ${backward.toExponential(2)}; forward ${forward.toExponential(2)} (allowed ${tolerance}× forward)`,
    measured: { backward, forward, h, steps },
  };
}

/** Options of {@link checkStageTimes}. */
export interface StageTimeOptions {
  /** Allowed shortfall of the measured order below the declared one (default 0.3). */
  readonly tolerance?: number;
}

/**
 * Stage times, on a time-dependent problem: the forced oscillator p' = −q + cos 2t (in the
 * integrator's kind, `partitioned` or `ode`). A method that evaluates a time-dependent force
 * or field at the wrong time (the step start, say) is exact on autonomous problems and drops
 * to first order here. Passes when the measured order is at least the declared one (less
 * `tolerance`; higher is fine — the forced oscillator is smooth), or when the method is too
 * accurate to measure (every error below the rounding floor, which a wrong stage time would
 * not allow).
 */
export function checkStageTimes<Y>(integrator: Integrator<Problem<Y>, Y>, kind: 'partitioned' | 'ode', options: StageTimeOptions = {}): CheckResult {
  checkIntegrator('integrator', integrator);
  checkOneOf('kind', kind, ['partitioned', 'ode']);
  checkStepOptions('options', options, ['tolerance']);
  const { tolerance = 0.3 } = options;
  const ref = forcedOscillator({ kind }) as unknown as ReferenceProblem<Y>;
  // From 2 steps and down to 1e-13 (this linear problem rounds at ≈ 1e-15): high-order
  // methods reach the floor within a few halvings here.
  const floor = 1e-13;
  const m = measureOrder(integrator, ref, { startSteps: 2, floor });
  const tooAccurate = m.points.every((p) => p.error < floor);
  const ok = tooAccurate || (Number.isFinite(m.order) && m.order >= integrator.order - tolerance);
  const table = m.points.map((p) => `N=${p.steps}: ${p.error.toExponential(2)}`).join(', ');
  return {
    check: 'stage-times',
    problem: ref.name,
    ok,
    message: `${integrator.name} on ${ref.name} (a time-dependent force): ${tooAccurate ? 'every error below the rounding floor' : `measured order ${m.order.toFixed(3)}, declared ${integrator.order} (at least ${integrator.order - tolerance} wanted)`}; errors ${table}`,
    measured: { order: m.order, declared: integrator.order, points: m.points },
  };
}

/** Options of {@link checkSymplecticity}. */
export interface SymplecticityOptions {
  readonly h?: number;
  /** Steps composed into the map whose Jacobian is checked (default 5). */
  readonly steps?: number;
  /** Time on the exact orbit where the map is linearised (default 1). */
  readonly at?: number;
  /** Allowed max |MᵀJM − J| (default 1e-10). */
  readonly tolerance?: number;
}

/** Jacobian of a map ℝⁿ → ℝⁿ by 4th-order central differences. */
export function jacobian(map: (x: Float64Array) => Float64Array, x: Float64Array, delta = 1e-3): Float64Array[] {
  checkFunction('map', map);
  if (!(x instanceof Float64Array)) invalid('x', 'a Float64Array point', x);
  for (let i = 0; i < x.length; i++) checkFinite(`x[${i}]`, x[i]);
  checkPositive('delta', delta);
  const n = x.length;
  const cols: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const d = delta * Math.max(1, Math.abs(x[j]!));
    const at = (k: number) => {
      const xp = x.slice();
      xp[j] = x[j]! + k * d;
      return map(xp);
    };
    const p2 = at(2),
      p1 = at(1),
      m1 = at(-1),
      m2 = at(-2);
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = (-p2[i]! + 8 * p1[i]! - 8 * m1[i]! + m2[i]!) / (12 * d);
    cols.push(c);
  }
  // rows[i][j] = ∂map_i/∂x_j
  return Array.from({ length: n }, (_, i) => Float64Array.from(cols, (c) => c[i]!));
}

/** max |MᵀJM − J| for a Jacobian M in (q, p) ordering, J = [[0, I], [−I, 0]]. */
export function symplecticDefect(M: Float64Array[]): number {
  if (!Array.isArray(M) || M.length === 0 || M.length % 2 !== 0) invalid('M', 'a square Jacobian of even size 2d (an array of rows)', M);
  M.forEach((row, i) => {
    if (!(row instanceof Float64Array) || row.length !== M.length) invalid(`M[${i}]`, `a Float64Array row of ${M.length} numbers`, row);
  });
  const n = M.length;
  const d = n / 2;
  const J = (i: number, j: number) => (j === i + d && i < d ? 1 : i === j + d && j < d ? -1 : 0);
  let worst = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += M[i]![a]! * J(i, j) * M[j]![b]!;
      worst = Math.max(worst, Math.abs(s - J(a, b)));
    }
  }
  return worst;
}

/** Symplecticity of the step map, MᵀJM = J, with M by finite differences. */
export function checkSymplecticity<Y>(integrator: Integrator<Problem<Y>, Y>, ref: ReferenceProblem<Y>, options: SymplecticityOptions = {}): CheckResult {
  checkIntegrator('integrator', integrator);
  checkReference('ref', ref);
  checkStepOptions('options', options, ['h', 'steps', 'at', 'tolerance']);
  const { h = 0.1, steps = 5, at = 1, tolerance = 1e-10 } = options;
  const space = ref.problem.space;
  const map = (x: Float64Array) => {
    let y = ref.fromFlat(x);
    for (let i = 0; i < steps; i++) y = integrator.step(ref.problem, at + i * h, y, h);
    return space.toFloat64(y);
  };
  const defect = symplecticDefect(jacobian(map, exactOf(ref)(at)));
  return {
    check: 'symplecticity',
    problem: ref.name,
    ok: defect <= tolerance,
    message: `${integrator.name} on ${ref.name}: max |MᵀJM − J| = ${defect.toExponential(2)} for ${steps} steps of h=${h} (allowed ${tolerance})`,
    measured: { defect, h, steps },
  };
}

/** The step leaves its input alone, and writing into `out` (distinct or aliasing y) gives the same result. */
export function checkNoMutation<Y>(integrator: Integrator<Problem<Y>, Y>, ref: ReferenceProblem<Y>, h = 0.1): CheckResult {
  checkIntegrator('integrator', integrator);
  checkReference('ref', ref);
  checkStepSize('h', h);
  const space = ref.problem.space;
  const y = ref.y0();
  const before = space.toFloat64(y);
  const fresh = space.toFloat64(integrator.step(ref.problem, 0, y, h));
  const untouched = maxAbsDiff(space.toFloat64(y), before) === 0;
  const out = space.clone(y);
  const viaOut = space.toFloat64(integrator.step(ref.problem, 0, y, h, out));
  const untouched2 = maxAbsDiff(space.toFloat64(y), before) === 0;
  const alias = space.clone(y);
  const viaAlias = space.toFloat64(integrator.step(ref.problem, 0, alias, h, alias));
  const same = maxAbsDiff(fresh, viaOut) === 0 && maxAbsDiff(fresh, viaAlias) === 0;
  const ok = untouched && untouched2 && same;
  return {
    check: 'no-mutation',
    problem: ref.name,
    ok,
    message: ok
      ? `${integrator.name} on ${ref.name}: input untouched; out and aliased out give identical results`
      : `${integrator.name} on ${ref.name}: ${!untouched || !untouched2 ? 'the step modified its input y' : 'results differ between fresh, out and aliased out'}`,
  };
}

/** Zero and non-finite steps, and problems of another kind, are rejected with coded errors. */
export function checkBadInput<Y>(integrator: Integrator<Problem<Y>, Y>, ref: ReferenceProblem<Y>): CheckResult {
  checkIntegrator('integrator', integrator);
  checkReference('ref', ref);
  const failures: string[] = [];
  const expectCode = (label: string, fn: () => unknown, codes: string[]) => {
    try {
      fn();
      failures.push(`${label}: accepted`);
    } catch (e) {
      if (!isPhaseflowError(e) || !codes.includes(e.code)) failures.push(`${label}: threw ${String(e)} instead of ${codes.join('/')}`);
    }
  };
  expectCode('step(h = 0)', () => integrator.step(ref.problem, 0, ref.y0(), 0), ['INVALID_ARGUMENT']);
  expectCode('step(h = NaN)', () => integrator.step(ref.problem, 0, ref.y0(), NaN), ['INVALID_ARGUMENT', 'NON_FINITE_INPUT']);
  expectCode('step(h = Infinity)', () => integrator.step(ref.problem, 0, ref.y0(), Infinity), ['INVALID_ARGUMENT', 'NON_FINITE_INPUT']);
  const alien = { ...ref.problem, kind: 'not-a-kind' } as Problem<Y>;
  expectCode('step(problem of unknown kind)', () => integrator.step(alien, 0, ref.y0(), 0.1), ['UNSUPPORTED_PROBLEM']);
  return {
    check: 'bad-input',
    problem: ref.name,
    ok: failures.length === 0,
    message: failures.length === 0 ? `${integrator.name}: bad steps and problems rejected with coded errors` : `${integrator.name}: ${failures.join('; ')}`,
  };
}

/** When an integrator has `advance`, it must give bitwise the states of repeated `step` calls. */
export function checkAdvance<Y>(integrator: Integrator<Problem<Y>, Y>, ref: ReferenceProblem<Y>, h = 0.05, n = 7): CheckResult {
  checkIntegrator('integrator', integrator);
  checkReference('ref', ref);
  checkStepSize('h', h);
  checkInteger('n', n, { min: 1 });
  checkFunction('integrator.advance', integrator.advance);
  const space = ref.problem.space;
  let z = ref.y0();
  for (let j = 0; j < n; j++) z = integrator.step(ref.problem, 0.5 + j * h, z, h);
  const y = ref.y0();
  const before = space.toFloat64(y);
  const a = integrator.advance!(ref.problem, 0.5, y, h, n);
  const same = maxAbsDiff(space.toFloat64(a), space.toFloat64(z)) === 0;
  const untouched = maxAbsDiff(space.toFloat64(y), before) === 0;
  return {
    check: 'advance',
    problem: ref.name,
    ok: same && untouched,
    message:
      same && untouched
        ? `${integrator.name} on ${ref.name}: advance(n = ${n}) gives bitwise the states of ${n} steps`
        : `${integrator.name} on ${ref.name}: ${untouched ? `advance(n = ${n}) differs from ${n} steps by ${maxAbsDiff(space.toFloat64(a), space.toFloat64(z)).toExponential(2)}` : 'advance modified its input y'}`,
  };
}

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** Reference problems (default: {@link referenceProblems} for every kind the integrator accepts); those without `exact` get no order or symplecticity check. */
  readonly problems?: readonly ReferenceProblem<never>[];
  readonly order?: OrderOptions | false;
  readonly reversibility?: ReversibilityOptions | false;
  /** Negative steps (every integrator, on problems with an exact solution). */
  readonly backward?: BackwardOptions | false;
  /** Stage times on the forced oscillator (integrators of `partitioned` or `ode` problems). */
  readonly stageTimes?: StageTimeOptions | false;
  readonly symplecticity?: SymplecticityOptions | false;
  readonly mutation?: boolean;
  readonly badInput?: boolean;
}

/** The integrator describes itself, and every option of {@link runConformance} is what it says. @internal */
export function checkConformanceOptions(integrator: unknown, options: ConformanceOptions): void {
  checkIntegrator('integrator', integrator);
  const o = checkOptions('options', options, ['problems', 'order', 'reversibility', 'backward', 'stageTimes', 'symplecticity', 'mutation', 'badInput']);
  if (o.stageTimes !== undefined && o.stageTimes !== false) checkStepOptions('options.stageTimes', o.stageTimes, ['tolerance']);
  if (o.backward !== undefined && o.backward !== false) checkStepOptions('options.backward', o.backward, ['steps', 'tolerance']);
  if (o.problems !== undefined && !Array.isArray(o.problems)) invalid('options.problems', 'an array of reference problems', o.problems);
  (o.problems ?? []).forEach((r, i) => checkReference(`options.problems[${i}]`, r));
  if (o.order !== undefined && o.order !== false) checkOrderOptions('options.order', o.order);
  if (o.reversibility !== undefined && o.reversibility !== false) checkStepOptions('options.reversibility', o.reversibility, ['h', 'steps', 'tolerance']);
  if (o.symplecticity !== undefined && o.symplecticity !== false) checkStepOptions('options.symplecticity', o.symplecticity, ['h', 'steps', 'at', 'tolerance']);
  for (const k of ['mutation', 'badInput'] as const) if (o[k] !== undefined && typeof o[k] !== 'boolean') invalid(`options.${k}`, 'a boolean', o[k]);
}

/** The outcome of a conformance run. */
export interface ConformanceReport {
  readonly integrator: string;
  readonly ok: boolean;
  readonly results: CheckResult[];
}

/**
 * Run every check an integrator's claims call for, on every reference problem it accepts.
 * Order and negative steps are always checked (on problems with an exact solution), and stage
 * times on the forced oscillator for integrators of `partitioned` or `ode` problems;
 * reversibility when `timeReversible`, symplecticity (on Hamiltonian problems) when
 * `symplectic`, and `advance` against repeated steps when it is present.
 *
 * @example
 * ```ts
 * const report = runConformance(myIntegrator);
 * if (!report.ok) console.log(report.results.filter((r) => !r.ok));
 * ```
 */
export function runConformance<P extends Problem<Y>, Y>(integrator: Integrator<P, Y>, options: ConformanceOptions = {}): ConformanceReport {
  checkConformanceOptions(integrator, options);
  const int = integrator as unknown as AnyInt;
  const refs = (options.problems ?? integrator.problemKinds.flatMap((k) => referenceProblems(k))) as ReferenceProblem<unknown>[];
  const results: CheckResult[] = [];
  if (refs.length === 0) {
    results.push({ check: 'problems', ok: false, message: `no reference problems for kinds ${integrator.problemKinds.join(', ')}: pass options.problems` });
  }
  for (const ref of refs) {
    if (!integrator.problemKinds.includes(ref.problem.kind)) continue;
    if (options.order !== false && ref.exact) results.push(checkOrder(int, ref, options.order || {}));
    if (integrator.properties.timeReversible && options.reversibility !== false) results.push(checkReversibility(int, ref, options.reversibility || {}));
    if (options.backward !== false && ref.exact) results.push(checkBackward(int, ref, options.backward || {}));
    if (integrator.properties.symplectic && ref.hamiltonian && ref.exact && options.symplecticity !== false)
      results.push(checkSymplecticity(int, ref, options.symplecticity || {}));
    if (options.mutation !== false) results.push(checkNoMutation(int, ref));
    if (typeof integrator.advance === 'function') results.push(checkAdvance(int, ref));
    if (options.badInput !== false) results.push(checkBadInput(int, ref));
  }
  if (options.stageTimes !== false) {
    // Partitioned first: a splitting method's stage times are where a time-dependent force is read.
    const kind = integrator.problemKinds.includes('partitioned') ? 'partitioned' : integrator.problemKinds.includes('ode') ? 'ode' : undefined;
    if (kind) results.push(checkStageTimes(int, kind, options.stageTimes || {}));
  }
  return { integrator: integrator.name, ok: results.every((r) => r.ok), results };
}
