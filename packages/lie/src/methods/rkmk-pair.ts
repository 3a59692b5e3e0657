/**
 * Embedded Runge–Kutta–Munthe-Kaas pairs with step-size control: the stages of RKMK on an
 * embedded explicit tableau give, besides y₁ = exp(v)·y₀ with v = hΣbᵢkᵢ, the lower-order
 * increment v − E, E = hΣeᵢkᵢ (eᵢ = bᵢ − b̂ᵢ), so ŷ₁ = exp(v − E)·y₀ costs one more
 * exponential (Engø 2000; Munthe-Kaas 1999). The error y₁ − ŷ₁ is measured in the state's
 * coordinates with the weighted RMS norm of Runge–Kutta solvers (atol + rtol·|y|), and the
 * step is chosen by core's PI controller and first-step estimate — the same control as the
 * Runge–Kutta pairs of @phaseflow/runge-kutta.
 */
import {
  PhaseflowError,
  checkFinite,
  checkInteger,
  checkOptions,
  checkPositive,
  createPiController,
  float64Space,
  initialStep,
  invalid,
  type AcceptedStep,
  STEP_CONTROL_OPTIONS,
  type StepControlOptions,
  type AdaptiveStepper,
} from '@phaseflow/core';
import { BS3, DOPRI5, type ButcherTableau } from '@phaseflow/runge-kutta';
import type { LieProblem } from '../problem.js';
import { checkLieStep, combine, evaluate, workFor, type Work } from './common.js';
import { DEXPINV_COEFFICIENTS, createRkmk, type RkmkIntegrator, type RkmkOptions } from './rkmk.js';

type F = Float64Array;

/** Options of an adaptive RKMK solve (what `integrate(..., { adaptive })` forwards): core's step-control options; controller defaults are the tableau's. */
export type RkmkAdaptiveOptions = StepControlOptions;

/** Counters of an adaptive RKMK solve. */
export interface RkmkStats {
  accepted: number;
  rejected: number;
  /** Generator evaluations, the first-step estimate included. */
  evaluations: number;
}

/** The stepper of an adaptive RKMK solve. */
export interface RkmkStepper extends AdaptiveStepper<F> {
  readonly stats: RkmkStats;
  /** Time of the current (last accepted) state. */
  readonly t: number;
  /** The step size the controller proposes next (signed). */
  readonly hNext: number;
}

/** An embedded RKMK pair: fixed steps with the higher-order solution, or adaptive steps. */
export interface RkmkPairIntegrator extends RkmkIntegrator {
  /** Order q of the embedded (lower-order) solution. */
  readonly errorOrder: number;
  adaptive(problem: LieProblem, t0: number, y0: F, tEnd: number, options: RkmkAdaptiveOptions): RkmkStepper;
}

function tolerance(name: string, value: unknown, fallback: number, size: number): number | F {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return checkPositive(name, value);
  if (value === null || typeof value !== 'object' || typeof (value as ArrayLike<number>).length !== 'number') {
    invalid(name, `a number > 0 or ${size} numbers > 0 (one per state component)`, value);
  }
  const arr = value as ArrayLike<number>;
  if (arr.length !== size) invalid(name, `${size} numbers (one per state component)`, value, 'SHAPE_MISMATCH');
  return Float64Array.from({ length: size }, (_, i) => checkPositive(`${name}[${i}]`, arr[i]));
}

/**
 * An embedded RKMK pair on any explicit tableau with an `embedded` estimate (BS3, DOPRI5,
 * TSIT5 … of @phaseflow/runge-kutta). `step` and `advance` take fixed steps of the higher
 * order p (as {@link createRkmk}); `adaptive` runs the error-controlled solve `integrate`
 * uses with `{ adaptive: { rtol, atol } }`. dexp⁻¹ keeps p − 2 commutators.
 *
 * @throws PhaseflowError `NOT_AVAILABLE` for a tableau without an embedded estimate;
 * `NO_DEXPINV_TRUNCATION` as {@link createRkmk}.
 * @example
 * ```ts
 * import { integrate } from '@phaseflow/core';
 * import { TSIT5 } from '@phaseflow/runge-kutta';
 * import { createRkmkPair, heavyTop } from '@phaseflow/lie';
 * const top = heavyTop();
 * integrate(createRkmkPair(TSIT5), top.problem, top.y0(), { tEnd: 0.4, adaptive: { rtol: 1e-8, atol: 1e-10 } });
 * ```
 */
export function createRkmkPair(tableau: ButcherTableau, options: RkmkOptions = {}): RkmkPairIntegrator {
  const fixed = createRkmk(tableau, options);
  const estimate = tableau.embedded;
  if (!estimate) {
    throw new PhaseflowError('NOT_AVAILABLE', `tableau: ${tableau.name} has no embedded error estimate (an adaptive RKMK pair needs one)`, {
      argument: 'tableau',
      expected: 'a tableau with `embedded` weights',
      received: tableau.name,
    });
  }
  const emb = estimate;
  const q = fixed.truncation;
  const { c, a, b } = tableau;
  const e = emb.e;
  const s = b.length;
  const p = tableau.order;
  const fsal = tableau.fsal === true;
  const name = fixed.name;

  const dexpinv = (w: Work, u: F, f: F, k: F) => {
    k.set(f);
    if (q === 0) return;
    const group = w.manifold.group;
    let term = f;
    for (let m = 1; m <= q; m++) {
      term = group.bracket(u, term, w.term);
      const cm = DEXPINV_COEFFICIENTS[m]!;
      if (cm !== 0) for (let i = 0; i < k.length; i++) k[i] += cm * term[i]!;
    }
  };

  function adaptive(problem: LieProblem, t0In: number, y0: F, tEndIn: number, optionsIn: RkmkAdaptiveOptions): RkmkStepper {
    const o = checkOptions('options', optionsIn, STEP_CONTROL_OPTIONS);
    const t0 = checkFinite('t0', t0In);
    const tEnd = checkFinite('tEnd', tEndIn);
    if (tEnd === t0) invalid('tEnd', `a time different from t0 = ${t0}`, tEnd);
    checkLieStep(integrator, problem, tEnd - t0, y0, t0, undefined);
    const M = problem.manifold;
    const size = M.size;
    const rtol = tolerance('options.rtol', o.rtol, 1e-3, size);
    const atol = tolerance('options.atol', o.atol, 1e-6, size);
    const span = Math.abs(tEnd - t0);
    const dir = tEnd > t0 ? 1 : -1;
    const maxSteps = o.maxSteps === undefined ? Infinity : checkInteger('options.maxSteps', o.maxSteps, { min: 1 });
    const d = emb.controller;
    const ctl = createPiController({
      errorOrder: emb.errorOrder,
      // Only a left-out option takes the default: null is a value, and refused by the controller's checks.
      beta: o.beta === undefined ? d.beta : o.beta,
      safety: o.safety === undefined ? d.safety : o.safety,
      minFactor: o.minFactor === undefined ? d.minFactor : o.minFactor,
      maxFactor: o.maxFactor === undefined ? d.maxFactor : o.maxFactor,
      maxStep: o.maxStep === undefined ? span : o.maxStep,
      ...(o.minStep !== undefined && { minStep: o.minStep }),
    });
    // Stages 0 … s−1, and slot s for A(t + h, y₁) when the tableau is not FSAL.
    const w = workFor(undefined, M, s + 1);
    let y = Float64Array.from(y0);
    let y1 = new Float64Array(size);
    const yHat = new Float64Array(size);
    const err = new Float64Array(size);
    const low = new Float64Array(M.group.dim);
    const stats: RkmkStats = { accepted: 0, rejected: 0, evaluations: 0 };
    let t = t0;
    let retries = 0;
    let nonFinite = 0;
    evaluate(problem, t0, y, w.F[0]!);
    stats.evaluations++;

    let h: number;
    if (o.h0 !== undefined) h = Math.min(checkPositive('options.h0', o.h0), ctl.maxStep, span);
    else {
      // Hairer's first step on the state's coordinates, with the tangent vector
      // y' = d/dε exp(εA)·y at ε = 0 taken by a central difference (a step-size guess only).
      const tangent = (tt: number, yy: F, out?: F): F => {
        const A = evaluate(problem, tt, yy, new Float64Array(M.group.dim));
        stats.evaluations++;
        let nrm = 0;
        for (let i = 0; i < A.length; i++) nrm = Math.max(nrm, Math.abs(A[i]!));
        const eps = nrm > 0 ? 1e-6 / nrm : 1;
        const plus = M.expAct(
          A.map((x) => eps * x),
          yy,
        );
        const minus = M.expAct(
          A.map((x) => -eps * x),
          yy,
        );
        const o2 = out ?? new Float64Array(size);
        for (let i = 0; i < size; i++) o2[i] = (plus[i]! - minus[i]!) / (2 * eps);
        return o2;
      };
      const f0 = tangent(t0, y);
      h = initialStep({ space: float64Space, f: tangent, t0, y0: y, f0, direction: dir, order: p, atol, rtol, maxStep: Math.min(ctl.maxStep, span) });
    }
    h *= dir;

    /** One trial step of size hh from (t, y): y1, the error norm. */
    const trial = (hh: number): number => {
      w.k[0]!.set(w.F[0]!);
      for (let i = 1; i < s; i++) {
        combine(hh, a[i]!, w.k, i, w.u);
        M.expAct(w.u, y, w.points[i]!);
        evaluate(problem, t + c[i]! * hh, w.points[i]!, w.F[i]!);
        dexpinv(w, w.u, w.F[i]!, w.k[i]!);
      }
      stats.evaluations += s - 1;
      combine(hh, b, w.k, s, w.v);
      if (fsal) y1.set(w.points[s - 1]!);
      else M.expAct(w.v, y, y1);
      combine(hh, e, w.k, s, low);
      for (let i = 0; i < low.length; i++) low[i] = w.v[i]! - low[i]!;
      M.expAct(low, y, yHat);
      for (let i = 0; i < size; i++) err[i] = y1[i]! - yHat[i]!;
      return float64Space.errorNorm(err, y, y1, atol, rtol);
    };

    const stepper: RkmkStepper = {
      stats,
      get t() {
        return t;
      },
      get hNext() {
        return h;
      },
      advance(tStopIn: number): AcceptedStep<F> {
        const tStop = checkFinite('tStop', tStopIn);
        if ((tStop - t) * dir <= 0) invalid('tStop', `a time beyond the current t = ${t} in the direction of integration`, tStop);
        if ((tStop - tEnd) * dir > 0) invalid('tStop', `a time not beyond tEnd = ${tEnd}`, tStop);
        if (stats.accepted >= maxSteps) {
          throw new PhaseflowError(
            'STEP_BUDGET_EXCEEDED',
            `${name}: step budget of ${maxSteps} accepted steps used up at t = ${t} (h = ${h}) before tEnd = ${tEnd}`,
            {
              t,
              h,
              maxSteps,
              step: stats.accepted,
            },
          );
        }
        for (;;) {
          const hAbs = ctl.limit(h);
          const small = ctl.tooSmall(hAbs, t);
          if (small !== undefined) {
            if (nonFinite > 0 && nonFinite === retries) {
              throw new PhaseflowError(
                'NON_FINITE_STATE',
                `${name}: the solution became non-finite at t = ${t}: every trial step down to h = ${dir * hAbs} produced NaN or Infinity`,
                {
                  t,
                  h: dir * hAbs,
                  step: stats.accepted + 1,
                },
              );
            }
            const why = small === 'minStep' ? `below options.minStep = ${ctl.minStep}` : 'the step no longer changes t in double precision';
            throw new PhaseflowError(
              'STEP_SIZE_TOO_SMALL',
              `${name}: step size too small at step ${stats.accepted + 1}, t = ${t} (h = ${dir * hAbs}): ${why}`,
              {
                t,
                h: dir * hAbs,
                step: stats.accepted + 1,
              },
            );
          }
          let hh = dir * hAbs;
          const landing = ctl.landing(t, hh, tStop);
          if (landing) hh = tStop - t;
          const en = trial(hh);
          retries++;
          if (!Number.isFinite(en)) nonFinite++;
          if (en <= 1) {
            retries = 0;
            nonFinite = 0;
            const hNew = ctl.accept(en, hh);
            t = landing ? tStop : t + hh;
            // A(t + h, y₁) is the next step's first stage: the FSAL stage, or one evaluation.
            if (fsal) w.F[0]!.set(w.F[s - 1]!);
            else {
              evaluate(problem, t, y1, w.F[0]!);
              stats.evaluations++;
            }
            const spare = y;
            y = y1;
            y1 = spare;
            h = hNew;
            stats.accepted++;
            return { t, y, h: hh };
          }
          h = ctl.reject(en, hh);
          stats.rejected++;
        }
      },
    };
    return stepper;
  }

  const integrator: RkmkPairIntegrator = {
    ...fixed,
    errorOrder: emb.errorOrder,
    properties: { ...fixed.properties, adaptive: true },
    reference: `${fixed.reference}; embedded pairs: K. Engø, On the construction of geometric integrators in the RKMK class, BIT 40 (2000)`,
    adaptive,
  };
  return integrator;
}

/**
 * RKMK 3(2) on the Bogacki–Shampine pair: order 3, an embedded order-2 estimate, FSAL (three
 * new generator evaluations a step), adaptive.
 *
 * @example
 * ```ts
 * integrate(createRkmk32(), problem, y0, { tEnd: 10, adaptive: { rtol: 1e-6, atol: 1e-9 } });
 * ```
 */
export const createRkmk32 = (): RkmkPairIntegrator => createRkmkPair(BS3, { name: 'rkmk32' });

/**
 * RKMK 5(4) on the Dormand–Prince pair: order 5 (three commutators in dexp⁻¹), an embedded
 * order-4 estimate, FSAL (six new evaluations a step), adaptive.
 *
 * @example
 * ```ts
 * integrate(createRkmk54(), problem, y0, { tEnd: 10, adaptive: { rtol: 1e-9, atol: 1e-12 } });
 * ```
 */
export const createRkmk54 = (): RkmkPairIntegrator => createRkmkPair(DOPRI5, { name: 'rkmk54' });
