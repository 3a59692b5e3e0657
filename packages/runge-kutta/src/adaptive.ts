/**
 * The adaptive stepper of embedded pairs: weighted RMS error norm, FSAL reuse, dense output,
 * minStep/maxSteps limits, on core's step-size control (the PI controller and Hairer's first
 * step, shared with every other adaptive method).
 */
import {
  PhaseflowError,
  checkFinite,
  createPiController,
  initialStep,
  type PiController,
  checkInteger,
  checkOptions,
  checkPositive,
  checkSameSize,
  float64Space,
  invalid,
  type AcceptedStep,
  STEP_CONTROL_OPTIONS,
  type StepControlOptions,
  type AdaptiveStepper,
  type OdeProblem,
  type VectorSpace,
} from '@phaseflow/core';
import { callField, checkOdeState, createWork, evaluateStages, loadRow, propagate, putStage, type StageWork } from './engine.js';
import { stepTooSmall } from './errors.js';
import type { ButcherTableau } from './tableau.js';

/**
 * Options of a Runge–Kutta adaptive solve (what `integrate(..., { adaptive })` forwards): core's
 * step-control options. Method defaults: β = 0 (the I controller, as scipy's RK23/RK45 and
 * MATLAB's ode45; `beta: 0.04` gives Hairer's DOPRI5 PI controller), minFactor 0.2 (0.333 for
 * DOP853), maxFactor 10 (6 for DOP853), safety 0.9.
 */
export type RungeKuttaAdaptiveOptions = StepControlOptions;

/** The option names of an adaptive Runge–Kutta solve (solveIvp accepts these and its own). */
export const ADAPTIVE_OPTIONS = STEP_CONTROL_OPTIONS;

/** Statistics of an adaptive run. */
export interface RungeKuttaStats {
  accepted: number;
  rejected: number;
  /** Right-hand-side evaluations, including first-step selection and dense-output stages. */
  evaluations: number;
}

/** The adaptive stepper of a Runge–Kutta pair; `interpolate` is present when the method has dense output. */
export interface RungeKuttaStepper<S> extends AdaptiveStepper<S> {
  readonly stats: RungeKuttaStats;
  /** Time of the current (last accepted) state. */
  readonly t: number;
  /** Start of the last accepted step (equals `t` before the first step). */
  readonly tPrevious: number;
  /** The step size the controller proposes next (signed). */
  readonly hNext: number;
}

function tolerance<S>(name: string, value: unknown, fallback: number, space: VectorSpace<S>, like: S): number | S {
  if (value === undefined) return fallback;
  if (typeof value === 'number') {
    checkPositive(name, value);
    return value;
  }
  const n = space.size(like);
  if (space === (float64Space as unknown) && value !== null && typeof value === 'object' && typeof (value as ArrayLike<number>).length === 'number') {
    const arr = value as ArrayLike<number>;
    checkSameSize('y0', n, name, arr.length);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = checkPositive(`${name}[${i}]`, arr[i]);
    return out as unknown as S;
  }
  // Any other space: a state of that space with positive entries.
  let flat: Float64Array;
  try {
    flat = space.toFloat64(value as S);
  } catch {
    return invalid(name, `a number > 0 or one value > 0 per component (a ${space.name} state)`, value);
  }
  checkSameSize('y0', n, name, flat.length);
  for (let i = 0; i < n; i++) checkPositive(`${name}[${i}]`, flat[i]);
  return value as S;
}

/**
 * Start an adaptive solve of `problem` with the embedded pair `tab` from (t0, y0) towards tEnd.
 * Step control is core's: the error norm (4.11) of Hairer, Nørsett & Wanner, Solving ODEs I,
 * §II.4, the first step of `initialStep` (their "hinit") and the PI controller of
 * `createPiController` (Solving ODEs II, §IV.2): h_new = h · clamp(safety · err^(−α) ·
 * err_old^β), α = 1/(q+1) − 0.75β.
 */
export function createStepper<S>(
  tab: ButcherTableau,
  name: string,
  problem: OdeProblem<S>,
  t0In: number,
  y0: S,
  tEndIn: number,
  optionsIn: RungeKuttaAdaptiveOptions,
): RungeKuttaStepper<S> {
  const emb = tab.embedded;
  if (!emb) throw new PhaseflowError('NOT_AVAILABLE', `${name} has no embedded error estimate`, { argument: 'integrator' });
  const o = checkOptions('options', optionsIn, ADAPTIVE_OPTIONS);
  const t0 = checkFinite('t0', t0In);
  const tEnd = checkFinite('tEnd', tEndIn);
  if (tEnd === t0) invalid('tEnd', `a time different from t0 = ${t0}`, tEnd);
  const space = problem.space;
  if (y0 === null || y0 === undefined) invalid('y0', 'an initial state', y0);
  if (!space.isFinite(y0)) {
    throw new PhaseflowError('NON_FINITE_INPUT', 'y0: expected a finite initial state, received one with NaN or Infinity', {
      argument: 'y0',
      expected: 'finite values',
      received: 'NaN or Infinity',
    });
  }
  const rtol = tolerance('options.rtol', o.rtol, 1e-3, space, y0);
  const atol = tolerance('options.atol', o.atol, 1e-6, space, y0);
  const span = Math.abs(tEnd - t0);
  const dir = tEnd > t0 ? 1 : -1;
  const maxSteps = o.maxSteps === undefined ? Infinity : checkInteger('options.maxSteps', o.maxSteps, { min: 1 });
  const defaults = emb.controller;
  const ctl: PiController = createPiController({
    errorOrder: emb.errorOrder,
    beta: o.beta === undefined ? defaults.beta : (o.beta as number),
    safety: o.safety === undefined ? defaults.safety : (o.safety as number),
    minFactor: o.minFactor === undefined ? defaults.minFactor : (o.minFactor as number),
    maxFactor: o.maxFactor === undefined ? defaults.maxFactor : (o.maxFactor as number),
    maxStep: o.maxStep === undefined ? span : o.maxStep,
    ...(o.minStep !== undefined && { minStep: o.minStep as number }),
  });
  const { maxStep } = ctl;

  const s = tab.b.length;
  /** Index of f(t + h, y₁): the FSAL stage, or an extra slot evaluated after acceptance. */
  const last = tab.fsal ? s - 1 : s;
  const extra = tab.dense?.kind === 'dop853' ? tab.dense.c.length : 0;
  const w: StageWork<S> = createWork(space, y0, last + 1 + extra);
  let y = space.clone(y0);
  let yOld = space.clone(y0);
  let y1 = space.zeros(y0);
  let err = space.zeros(y0);
  let err3 = tab.embedded?.e3 ? space.zeros(y0) : undefined;
  const stats: RungeKuttaStats = { accepted: 0, rejected: 0, evaluations: 0 };
  let t = t0;
  let tOld = t0;
  let hOld = 0;
  let retries = 0;
  let nonFiniteRetries = 0;
  let denseReady = false;
  let denseF: S[] | undefined;

  // k₀ = f(t0, y0)
  stats.evaluations += evaluateStages(w, tab.c, tab.a, problem, t0, y, 0, 0, 1);

  const norm = (yA: S, yB: S): number => space.errorNorm(err, yA, yB, atol, rtol);

  // First step: Hairer's hinit (Solving ODEs I, §II.4), or the user's h0.
  let h: number;
  if (o.h0 !== undefined) h = Math.min(checkPositive('options.h0', o.h0), maxStep, span);
  else {
    const f = (tt: number, yy: S, out?: S): S => callField(problem, tt, yy, out);
    h = initialStep({ space, f, t0, y0: y, f0: w.k[0]!, direction: dir, order: tab.order, atol, rtol, maxStep: Math.min(maxStep, span) });
    stats.evaluations++;
  }
  h *= dir;

  const errorNorm = (hh: number): number => {
    err = space.combine(loadRow(w, emb.e, hh), w.k, undefined, err);
    if (!emb.e3) return norm(y, y1);
    err3 = space.combine(loadRow(w, emb.e3, hh), w.k, undefined, err3);
    const e5 = norm(y, y1);
    const e3 = space.errorNorm(err3!, y, y1, atol, rtol);
    const den = e5 * e5 + 0.01 * e3 * e3;
    return den > 0 ? (e5 * e5) / Math.sqrt(den) : 0;
  };

  const stepper: RungeKuttaStepper<S> = {
    stats,
    // Everything carried from one advance to the next (a scoping driver releases the rest):
    // the state, the previous step's start, the spare buffers, the stages and dense data.
    retained: () => {
      const held: S[] = [y, yOld, y1, err, w.tmp, ...w.k];
      if (err3 !== undefined) held.push(err3);
      if (denseF !== undefined) held.push(...denseF);
      return held;
    },
    get t() {
      return t;
    },
    get tPrevious() {
      return tOld;
    },
    get hNext() {
      return h;
    },
    advance(tStopIn: number): AcceptedStep<S> {
      const tStop = checkFinite('tStop', tStopIn);
      if ((tStop - t) * dir <= 0) invalid('tStop', `a time beyond the current t = ${t} in the direction of integration`, tStop);
      if ((tStop - tEnd) * dir > 0) invalid('tStop', `a time not beyond tEnd = ${tEnd}`, tStop);
      if (stats.accepted >= maxSteps) {
        throw new PhaseflowError(
          'STEP_BUDGET_EXCEEDED',
          `${name}: step budget of ${maxSteps} accepted steps used up at t = ${t} (h = ${h}) before tEnd = ${tEnd}`,
          { t, h, maxSteps, step: stats.accepted },
        );
      }
      // The previous step's f(t + h, y₁) becomes this step's k₀ (FSAL or evaluated at acceptance).
      if (stats.accepted > 0 && w.k[0] !== w.k[last]) {
        const k0 = w.k[0]!;
        w.k[0] = w.k[last]!;
        w.k[last] = k0;
      }
      for (;;) {
        const hAbs = ctl.limit(h);
        const small = ctl.tooSmall(hAbs, t);
        if (small !== undefined) {
          // Shrinking did not help: if every retry produced NaN/Inf the solution itself blew up.
          if (nonFiniteRetries > 0 && nonFiniteRetries === retries) {
            throw new PhaseflowError(
              'NON_FINITE_STATE',
              `${name}: the solution became non-finite at t = ${t}: every trial step down to h = ${dir * hAbs} produced NaN or Infinity`,
              { t, h: dir * hAbs, step: stats.accepted + 1 },
            );
          }
          if (small === 'minStep') stepTooSmall(name, t, dir * hAbs, `below options.minStep = ${ctl.minStep}`, stats.accepted + 1, 'options.minStep');
          stepTooSmall(name, t, dir * hAbs, 'the step no longer changes t in double precision', stats.accepted + 1);
        }
        let hh = dir * hAbs;
        // Land exactly on tStop; stretch by ≤ 1% rather than leave a sliver (Hairer).
        const landing = ctl.landing(t, hh, tStop);
        if (landing) hh = tStop - t;
        stats.evaluations += evaluateStages(w, tab.c, tab.a, problem, t, y, hh, 1, s);
        if (tab.fsal) {
          // The last stage's argument is y₁ (its row is b): take the buffer instead of copying.
          const spare = y1;
          y1 = w.tmp;
          w.tmp = spare;
        } else y1 = propagate(w, tab, y, hh, y1);
        const e = errorNorm(hh);
        retries++;
        if (!Number.isFinite(e)) nonFiniteRetries++;
        if (e <= 1) {
          retries = 0;
          nonFiniteRetries = 0;
          const hNew = ctl.accept(e, hh);
          const tNew = landing ? tStop : t + hh;
          if (!tab.fsal) {
            putStage(w, last, callField(problem, tNew, y1, w.k[last]));
            stats.evaluations++;
          }
          // rotate buffers: yOld ← y, y ← y₁
          const spare = yOld;
          yOld = y;
          y = y1;
          y1 = spare;
          tOld = t;
          hOld = hh;
          t = tNew;
          h = hNew;
          denseReady = false;
          stats.accepted++;
          return { t, y, h: hh };
        }
        // Rejected (or NaN error): shrink and retry from the same (t, y); k₀ stays valid.
        h = ctl.reject(e, hh);
        stats.rejected++;
      }
    },
  };

  const dense = tab.dense;
  if (dense) {
    const coefs = new Float64Array(w.k.length);
    const w7 = new Float64Array(7);
    const c2 = Float64Array.of(1, -1);
    const c3 = new Float64Array(3);
    const c = dense.kind === 'dop853' ? [...tab.c, 1, ...dense.c] : [];
    const a = dense.kind === 'dop853' ? [...tab.a, tab.b, ...dense.a] : [];
    const pairF: S[] = [];
    const tripleF: S[] = [];
    const prepareDop853 = () => {
      if (dense.kind !== 'dop853' || denseReady) return;
      stats.evaluations += evaluateStages(w, c, a, problem, tOld, yOld, hOld, last + 1, last + 1 + dense.c.length);
      if (!denseF) denseF = Array.from({ length: 7 }, () => space.zeros(y));
      const F = denseF;
      const k0 = w.k[0]!;
      const kNew = w.k[last]!;
      pairF[0] = y;
      pairF[1] = yOld;
      F[0] = space.combine(c2, pairF, undefined, F[0]);
      // F₁ = h·k₀ − Δy
      F[1] = space.axpy(hOld, k0, space.scale(-1, F[0]!, F[1]), F[1]);
      c3[0] = 2;
      c3[1] = -hOld;
      c3[2] = -hOld;
      tripleF[0] = F[0]!;
      tripleF[1] = kNew;
      tripleF[2] = k0;
      F[2] = space.combine(c3, tripleF, undefined, F[2]);
      for (let r = 0; r < 4; r++) F[3 + r] = space.combine(loadRow(w, dense.d[r]!, hOld), w.k, undefined, F[3 + r]);
      denseReady = true;
    };
    stepper.interpolate = (tq: number, out?: S): S => {
      checkFinite('t', tq);
      checkOdeState(space, y, out, 'the stepper state');
      if (stats.accepted === 0) {
        throw new PhaseflowError('INVALID_STATE', `interpolate: no accepted step yet (t = ${t})`, { t: tq });
      }
      const lo = Math.min(tOld, t);
      const hi = Math.max(tOld, t);
      const slack = 1e-12 * Math.max(1, Math.abs(t));
      if (tq < lo - slack || tq > hi + slack) invalid('t', `a time inside the last accepted step [${lo}, ${hi}]`, tq);
      const x = (tq - tOld) / hOld;
      if (dense.kind === 'polynomial') {
        coefs.fill(0);
        for (let i = 0; i < dense.p.length; i++) {
          const row = dense.p[i]!;
          let v = 0;
          for (let j = row.length - 1; j >= 0; j--) v = (v + row[j]!) * x;
          coefs[i] = hOld * v;
        }
        // dense.p covers the stages 0 … last
        return space.combine(coefs, w.k, yOld, out);
      }
      prepareDop853();
      const u = 1 - x;
      w7[0] = x;
      for (let i = 1; i < 7; i++) w7[i] = w7[i - 1]! * (i % 2 === 1 ? u : x);
      return space.combine(w7, denseF!, yOld, out);
    };
  }
  return stepper;
}
