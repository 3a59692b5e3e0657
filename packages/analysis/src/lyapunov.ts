/**
 * The Lyapunov spectrum of a flow or a map by the Benettin / QR method: the state and k
 * tangent vectors advanced together by any core Integrator (on the tangent bundle, see
 * {@link tangentProblem}), the frame re-orthonormalised every τ by Householder QR,
 *
 *   Q(t + τ) R = Φ_τ Q(t),   λ_j ≈ (1/T) Σ_segments ln R_jj,
 *
 * with the running spectrum, the finite-time (local) exponents ln R_jj / τ, the Kaplan–Yorke
 * dimension and, for flows, the zero exponent along the flow as a built-in check.
 */
import {
  PhaseflowError,
  checkFinite,
  checkInteger,
  checkNonNegative,
  checkOptions,
  checkPositive,
  createEmitter,
  createRandom,
  invalid,
  type AdaptiveOptions,
  type Integrator,
  type Observer,
  type OdeProblem,
  type PhaseflowErrorCode,
  type PhaseflowErrorDetails,
} from '@phaseflow/core';
import { createQr, matrix } from '@phaseflow/linalg';
import './errors.js';
import { kaplanYorkeDimension } from './kaplan-yorke.js';
import type { MapProblem } from './map.js';
import { checkTangentProblem, tangentProblem, type JacobianSource, type TangentBaseProblem, type TangentOptions } from './tangent.js';

type F = Float64Array;

/** Emitted after every re-orthonormalisation of a Lyapunov run. */
export interface LyapunovRenormaliseEvent {
  /** 0-based index of the segment [t − τ, t] just finished (transient segments included). */
  readonly segment: number;
  /** Time at the end of the segment. */
  readonly t: number;
  /** False during the transient (the logs are discarded). */
  readonly measuring: boolean;
  /** Finite-time exponents of this segment, ln R_jj / τ (valid during the callback only). */
  readonly local: F;
  /** The running spectrum Σ ln R_jj / T so far (undefined during the transient; valid during the callback only). */
  readonly exponents: F | undefined;
}

declare module '@phaseflow/core' {
  interface PhaseflowEventMap {
    'lyapunov:renormalise': LyapunovRenormaliseEvent;
  }
}

/** Options of {@link lyapunovSpectrum}. */
export interface LyapunovOptions extends TangentOptions {
  /** Start time (default 0). */
  readonly t0?: number;
  /** End of the run, transient included. */
  readonly tEnd: number;
  /** Time discarded before measuring while the frame aligns (default 0); rounded up to whole τ. */
  readonly transient?: number;
  /** Fixed step (default 1 for maps; required for flows unless `adaptive`). τ must be a multiple of it. */
  readonly h?: number;
  /** Use the integrator's adaptive step control (flows only); an object passes tolerances. */
  readonly adaptive?: boolean | AdaptiveOptions;
  /** Re-orthonormalisation interval τ > 0 (default 1: every unit of time, every iteration of a map with h = 1). */
  readonly tau?: number;
  /** Initial frame: `random` (default, seeded Gaussian, then QR), `identity` (first k columns of I) or an n × k row-major matrix. */
  readonly frame?: 'random' | 'identity' | ArrayLike<number>;
  /** Seed of the random frame (default 0). */
  readonly seed?: number;
  /** Points of the running spectrum kept in `history` (default 200; 0 keeps none). */
  readonly history?: number;
  /** Keep every finite-time exponent in `local.values` (segments × k; default false). */
  readonly keepLocal?: boolean;
  /** Tolerance of the zero-exponent check of flows (default 0.01). */
  readonly zeroTolerance?: number;
  readonly observers?: readonly Observer[];
  readonly signal?: AbortSignal;
}

/** The zero-exponent check of a flow. */
export interface ZeroExponentCheck {
  /** Index of the exponent closest to 0. */
  readonly index: number;
  readonly value: number;
  /**
   * (1/T) ln(‖f(y_T)‖/‖f(y_0)‖) over the measured span: the growth of the flow direction itself,
   * → 0 on a bounded orbit away from equilibria, → λ₁ < 0 when the orbit settles on a stable
   * equilibrium. Undefined when f vanishes at either end.
   */
  readonly flowGrowth: number | undefined;
  /** A zero exponent is expected: the orbit does not settle on an equilibrium (|flowGrowth| ≤ tolerance). */
  readonly expected: boolean;
  /** True when no zero exponent is expected, or the one closest to zero is within tolerance. */
  readonly passed: boolean;
  readonly tolerance: number;
}

/** Statistics of the finite-time exponents ln R_jj / τ over the measured segments. */
export interface LocalExponents {
  /** τ actually used. */
  readonly tau: number;
  readonly mean: F;
  readonly std: F;
  readonly min: F;
  readonly max: F;
  /** Every finite-time exponent, segments × k row-major (only with `keepLocal`). */
  readonly values?: F;
}

/** What {@link lyapunovSpectrum} measured. */
export interface LyapunovSpectrum {
  /** λ₁ … λ_k in the order the QR produces them (descending once converged), per unit time. */
  readonly exponents: F;
  /** λ₁ + … + λ_k: the mean phase-space contraction rate (the mean of tr J) when k = n. */
  readonly sum: number;
  /** Kaplan–Yorke dimension of `exponents`. */
  readonly kaplanYorke: number;
  /** Measured time T (transient excluded). */
  readonly time: number;
  /** Time at which measuring started (after the transient) and time at the end. */
  readonly tMeasure: number;
  readonly tFinal: number;
  /** Measured renormalisations and integration steps taken (transient included). */
  readonly renormalisations: number;
  readonly steps: number;
  /** The running spectrum: `exponents[i]` is the estimate at time `t[i]`. */
  readonly history: { readonly t: number[]; readonly exponents: number[][] };
  readonly local: LocalExponents;
  /** Flows only: the zero exponent along the flow direction. */
  readonly zeroExponent?: ZeroExponentCheck;
  /** Where the Jacobian–vector products came from. */
  readonly source: JacobianSource;
  readonly yFinal: F;
  /** The final orthonormal frame, n × k row-major. */
  readonly frame: F;
  readonly status: 'completed' | 'stopped';
  readonly reason?: string;
}

const KNOWN = [
  'vectors',
  'jvp',
  'jacobian',
  'finiteDifferences',
  'fdStep',
  't0',
  'tEnd',
  'transient',
  'h',
  'adaptive',
  'tau',
  'frame',
  'seed',
  'history',
  'keepLocal',
  'zeroTolerance',
  'observers',
  'signal',
];

/** Relative slack when τ, the span and the transient are compared with multiples of h and τ. */
const SLACK = 1e-9;

/**
 * The Lyapunov spectrum of a flow (`ode` problem) or a map (`map` problem, see
 * {@link mapProblem}, iterated by {@link mapIterator}) by Benettin's method with QR
 * re-orthonormalisation: the state and k orthonormal tangent vectors are advanced together by
 * `integrator` on the tangent bundle, and every τ the frame is factored Q R and replaced by Q,
 * the logs of R's diagonal summed: λ_j = (1/T) Σ ln R_jj.
 *
 * Any core Integrator of the problem's kind works, fixed-step (`h`) or adaptive; Jacobian–vector
 * products come from the problem (`jvp`, `jacobian`) or the options, else from finite
 * differences. The result carries the running spectrum, finite-time exponent statistics, the
 * Kaplan–Yorke dimension and, for flows, the zero-exponent check. Observers see `run:start`,
 * one `step` and one `lyapunov:renormalise` event per segment, and `run:end`; they may stop the
 * run (the spectrum measured so far is returned with status `stopped`).
 *
 * Errors: `INVALID_ARGUMENT` for k outside [1, n] (`options.vectors`), τ ≤ 0 or not a multiple
 * of h (`options.tau`), a span shorter than transient + τ; `JACOBIAN_UNAVAILABLE` when there is
 * no Jacobian and no way to form one; `NON_FINITE_STATE` / `NON_FINITE_TANGENT` with the step
 * and time where the trajectory or a tangent vector stopped being finite (the error's
 * `partial` keeps the spectrum measured before); `ABORTED` through `signal`.
 *
 * Sources: G. Benettin, L. Galgani, A. Giorgilli, J.-M. Strelcyn, Meccanica 15 (1980) 9–30;
 * K. Geist, U. Parlitz, W. Lauterborn, Comparison of different methods for computing Lyapunov
 * exponents, Prog. Theor. Phys. 83 (1990) 875–893; ChaosTools.jl `lyapunovspectrum`.
 *
 * @example
 * ```ts
 * import { createRk4 } from '@phaseflow/runge-kutta';
 * import { lorenz63 } from '@phaseflow/problems';
 * const l = lorenz63();
 * const s = lyapunovSpectrum(createRk4(), l.problem, l.y0(), { tEnd: 1000, transient: 10, h: 0.01, tau: 1 });
 * s.exponents;   // ≈ [0.906, 0, −14.572]
 * s.kaplanYorke; // ≈ 2.062
 * ```
 */
export function lyapunovSpectrum(
  integrator: Integrator<OdeProblem<F>, F> | Integrator<MapProblem, F>,
  problem: TangentBaseProblem,
  y0: F,
  options: LyapunovOptions,
): LyapunovSpectrum {
  if (integrator === null || typeof integrator !== 'object' || typeof integrator.step !== 'function') {
    invalid('integrator', 'an Integrator { name, order, step, ... }', integrator);
  }
  const n = checkTangentProblem('problem', problem, y0);
  if (!integrator.problemKinds.includes(problem.kind)) {
    throw new PhaseflowError(
      'UNSUPPORTED_PROBLEM',
      `integrator ${integrator.name} solves ${integrator.problemKinds.join(', ')} problems, not ${problem.kind}`,
      {
        argument: 'problem',
        expected: integrator.problemKinds.join(' | '),
        received: problem.kind,
      },
    );
  }
  for (let i = 0; i < n; i++) if (!Number.isFinite(y0[i]!)) invalid(`y0[${i}]`, 'a finite number', y0[i], 'NON_FINITE_INPUT');
  const o = checkOptions('options', options, KNOWN);
  const { vectors, jvp, jacobian, finiteDifferences, fdStep } = o;
  const tp = tangentProblem(problem, y0, {
    ...(vectors !== undefined && { vectors }),
    ...(jvp !== undefined && { jvp }),
    ...(jacobian !== undefined && { jacobian }),
    ...(finiteDifferences !== undefined && { finiteDifferences }),
    ...(fdStep !== undefined && { fdStep }),
  });
  const k = tp.vectors;
  const t0 = o.t0 === undefined ? 0 : checkFinite('options.t0', o.t0);
  const tEnd = checkFinite('options.tEnd', o.tEnd);
  if (!(tEnd > t0)) invalid('options.tEnd', `a time after t0 = ${t0}`, tEnd);
  const tau = o.tau === undefined ? 1 : checkPositive('options.tau', o.tau);
  const transient = o.transient === undefined ? 0 : checkNonNegative('options.transient', o.transient);
  const isMap = problem.kind === 'map';
  let adaptive: AdaptiveOptions | undefined;
  if (o.adaptive !== undefined && o.adaptive !== false) {
    if (isMap) invalid('options.adaptive', 'no adaptive stepping for a map problem', o.adaptive);
    if (o.adaptive !== true && (typeof o.adaptive !== 'object' || o.adaptive === null))
      invalid('options.adaptive', 'a boolean or an options object', o.adaptive);
    if (!integrator.adaptive || !integrator.properties.adaptive) {
      throw new PhaseflowError('NOT_AVAILABLE', `options.adaptive: integrator ${integrator.name} has no adaptive step control; give options.h`, {
        argument: 'options.adaptive',
        expected: 'an adaptive integrator',
        received: integrator.name,
      });
    }
    adaptive = o.adaptive === true ? {} : o.adaptive;
  }
  let h: number | undefined;
  if (o.h !== undefined) h = checkPositive('options.h', o.h);
  else if (isMap) h = 1;
  else if (!adaptive) invalid('options.h', 'a fixed step h > 0 (or options.adaptive)', o.h);
  let stepsPerSegment = 0;
  if (!adaptive) {
    stepsPerSegment = Math.round(tau / h!);
    if (stepsPerSegment < 1 || Math.abs(stepsPerSegment * h! - tau) > SLACK * tau) {
      invalid('options.tau', `a positive multiple of h = ${h}`, tau);
    }
  }
  const transientSegments = Math.ceil(transient / tau - SLACK);
  const totalSegments = Math.floor((tEnd - t0) / tau + SLACK);
  const measuredSegments = totalSegments - transientSegments;
  if (measuredSegments < 1) {
    invalid('options.tEnd', `a run longer than transient + tau = ${t0 + (transientSegments + 1) * tau}`, tEnd);
  }
  const historyPoints = o.history === undefined ? 200 : checkInteger('options.history', o.history, { min: 0 });
  const keepLocal = o.keepLocal === undefined ? false : o.keepLocal;
  if (typeof keepLocal !== 'boolean') invalid('options.keepLocal', 'a boolean', keepLocal);
  const zeroTolerance = o.zeroTolerance === undefined ? 0.01 : checkPositive('options.zeroTolerance', o.zeroTolerance);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) invalid('options.signal', 'an AbortSignal', o.signal);
  const signal = o.signal;
  const events = createEmitter(o.observers);

  // The initial frame, orthonormalised (a random frame avoids starting inside an invariant subspace).
  const qrf = createQr({ rows: n, cols: k });
  const A = matrix(n, k);
  const fac = { q: matrix(n, k), r: matrix(k, k) };
  const frameOpt = o.frame ?? 'random';
  if (frameOpt === 'random') {
    createRandom(seed).fillNormal(A.data);
  } else if (frameOpt === 'identity') {
    for (let j = 0; j < k; j++) A.data[j * k + j] = 1;
  } else {
    if (frameOpt === null || typeof frameOpt !== 'object' || frameOpt.length !== n * k) {
      invalid(
        'options.frame',
        `'random', 'identity' or an n × k = ${n} × ${k} matrix (row-major)`,
        frameOpt,
        typeof frameOpt === 'object' ? 'SHAPE_MISMATCH' : 'INVALID_ARGUMENT',
      );
    }
    for (let i = 0; i < n * k; i++) {
      const v = frameOpt[i]!;
      if (typeof v !== 'number' || !Number.isFinite(v)) invalid(`options.frame[${i}]`, 'a finite number', v, 'NON_FINITE_INPUT');
      A.data[i] = v;
    }
  }
  qrf.apply(A, fac);
  for (let j = 0; j < k; j++) {
    if (!(fac.r.data[j * k + j]! > 1e-12 * Math.max(1, fac.r.data[0]!))) invalid('options.frame', `a frame of rank k = ${k}`, frameOpt);
  }

  let z = tp.lift(y0, fac.q.data);
  let spare: F = new Float64Array(z.length);
  const zStart = new Float64Array(z.length);
  // The lifted problem has the base problem's kind, which the integrator was checked to accept.
  type Lifted = OdeProblem<F> & MapProblem;
  const lifted = tp.problem as Lifted;
  const step = integrator.step as (p: Lifted, t: number, y: F, h: number, out?: F) => F;
  const advance = integrator.advance as ((p: Lifted, t: number, y: F, h: number, n: number, out?: F) => F) | undefined;

  const sums = new Float64Array(k);
  const logs = new Float64Array(k);
  const local = new Float64Array(k);
  const running = new Float64Array(k);
  const mean = new Float64Array(k);
  const m2 = new Float64Array(k);
  const lmin = new Float64Array(k).fill(Infinity);
  const lmax = new Float64Array(k).fill(-Infinity);
  const values = keepLocal ? new Float64Array(measuredSegments * k) : undefined;
  const historyEvery = historyPoints === 0 ? 0 : Math.max(1, Math.floor(measuredSegments / historyPoints));
  const history = { t: [] as number[], exponents: [] as number[][] };
  let measured = 0;
  let steps = 0;
  let segment = 0;
  const tMeasure = t0 + transientSegments * tau;
  let tNow = t0;
  let lastH = adaptive?.h0;

  const fNorm = (y: F): number | undefined => {
    if (problem.kind !== 'ode') return undefined;
    const f = (problem as OdeProblem<F>).f(tNow, y.slice(), new Float64Array(n));
    let s = 0;
    for (let i = 0; i < n; i++) s += f[i]! * f[i]!;
    return Math.sqrt(s);
  };
  let fStart = transientSegments === 0 ? fNorm(z.subarray(0, n)) : undefined;

  const result = (status: 'completed' | 'stopped', reason?: string): LyapunovSpectrum => {
    const T = measured * tau;
    const exponents = new Float64Array(k);
    for (let j = 0; j < k; j++) exponents[j] = T > 0 ? sums[j]! / T : NaN;
    let sum = 0;
    for (let j = 0; j < k; j++) sum += exponents[j]!;
    const std = new Float64Array(k);
    for (let j = 0; j < k; j++) std[j] = measured > 1 ? Math.sqrt(m2[j]! / (measured - 1)) : 0;
    let zeroExponent: ZeroExponentCheck | undefined;
    if (problem.kind === 'ode' && T > 0) {
      let index = 0;
      for (let j = 1; j < k; j++) if (Math.abs(exponents[j]!) < Math.abs(exponents[index]!)) index = j;
      const fEnd = fNorm(z.subarray(0, n));
      const flowGrowth =
        fStart !== undefined && fEnd !== undefined && fStart > 0 && fEnd > 0 && Number.isFinite(fStart) && Number.isFinite(fEnd)
          ? Math.log(fEnd / fStart) / T
          : undefined;
      const expected = flowGrowth !== undefined && Math.abs(flowGrowth) <= zeroTolerance;
      const value = exponents[index]!;
      zeroExponent = { index, value, flowGrowth, expected, passed: !expected || Math.abs(value) <= zeroTolerance, tolerance: zeroTolerance };
    }
    const frame = new Float64Array(n * k);
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) frame[i * k + j] = z[n * (j + 1) + i]!;
    const kyInput = Array.from(exponents).filter((x) => !Number.isNaN(x));
    return {
      exponents,
      sum,
      kaplanYorke: kyInput.length === k ? kaplanYorkeDimension(kyInput) : NaN,
      time: T,
      tMeasure,
      tFinal: tNow,
      renormalisations: measured,
      steps,
      history,
      local: { tau, mean: mean.slice(), std, min: lmin.slice(), max: lmax.slice(), ...(values && { values: values.subarray(0, measured * k) }) },
      ...(zeroExponent && { zeroExponent }),
      source: tp.source,
      yFinal: z.slice(0, n),
      frame,
      status,
      ...(reason !== undefined && { reason }),
    };
  };

  const fail = (code: PhaseflowErrorCode, message: string, details: PhaseflowErrorDetails, cause?: unknown): never => {
    const partial = result('completed');
    const err = new PhaseflowError(code, message, details, { partial: { ...partial, status: code === 'ABORTED' ? 'aborted' : 'failed' }, cause });
    events.emit('run:end', { status: code === 'ABORTED' ? 'aborted' : 'failed', steps, t: tNow, error: err });
    throw err;
  };
  /** Which part of z is not finite: 'state', 'tangent' or undefined. */
  const badPart = (v: F): 'state' | 'tangent' | undefined => {
    for (let i = 0; i < n; i++) if (!Number.isFinite(v[i]!)) return 'state';
    for (let i = n; i < v.length; i++) if (!Number.isFinite(v[i]!)) return 'tangent';
    return undefined;
  };
  const failNonFinite = (part: 'state' | 'tangent', stepIndex: number, t: number, hh: number): never =>
    part === 'state'
      ? fail('NON_FINITE_STATE', `state became non-finite at step ${stepIndex}, t = ${t} (h = ${hh})`, { step: stepIndex, t, h: hh })
      : fail('NON_FINITE_TANGENT', `a tangent vector became non-finite at step ${stepIndex}, t = ${t} (h = ${hh}) while the state stayed finite`, {
          step: stepIndex,
          t,
          h: hh,
        });

  /** Fixed steps over one segment; on a non-finite result replays it step by step to name the first bad step. */
  const fixedSegment = (tStart: number): void => {
    const m = stepsPerSegment;
    const hh = h!;
    zStart.set(z);
    let zNew: F;
    if (advance) zNew = advance.call(integrator, lifted, tStart, z, hh, m, spare);
    else {
      let a: F = z;
      let b: F = spare;
      for (let j = 0; j < m; j++) {
        const r = step.call(integrator, lifted, tStart + j * hh, a, hh, b);
        b = a;
        a = r;
      }
      zNew = a;
    }
    if (zNew !== z) {
      spare = z;
      z = zNew;
    }
    if (badPart(z) === undefined) {
      steps += m;
      return;
    }
    let w: F = zStart.slice();
    for (let j = 0; j < m; j++) {
      w = step.call(integrator, lifted, tStart + j * hh, w, hh);
      const part = badPart(w);
      if (part !== undefined) {
        tNow = tStart + j * hh;
        z.set(zStart);
        failNonFinite(part, steps + j + 1, tStart + (j + 1) * hh, hh);
      }
    }
    // advance and step disagree about finiteness: report the segment end
    failNonFinite(badPart(z)!, steps + m, tStart + m * hh, hh);
  };

  const adaptiveSegment = (tStart: number, tStop: number): void => {
    const opts: AdaptiveOptions = lastH === undefined ? adaptive! : { ...adaptive!, h0: lastH };
    let stepper;
    try {
      stepper = integrator.adaptive!.call(integrator, lifted as never, tStart, z.slice() as never, tStop, opts);
    } catch (e) {
      if (e instanceof PhaseflowError) fail(e.code, e.message.replace(/^\[[A-Z_]+\] /, ''), e.details, e);
      throw e;
    }
    let t = tStart;
    let prevH = 0;
    let lastFull = 0;
    while (t < tStop) {
      let acc;
      try {
        acc = stepper.advance(tStop);
      } catch (e) {
        if (e instanceof PhaseflowError) fail(e.code, e.message.replace(/^\[[A-Z_]+\] /, ''), { ...e.details, step: steps + 1, t }, e);
        throw e;
      }
      steps++;
      const y = acc.y as unknown as F;
      const part = badPart(y);
      if (part !== undefined) failNonFinite(part, steps, acc.t, acc.h);
      lastFull = Math.max(Math.abs(prevH), Math.abs(acc.h));
      prevH = acc.h;
      t = acc.t;
      if (t >= tStop) z.set(y);
    }
    if (lastFull > 0) lastH = lastFull;
  };

  events.emit('run:start', { run: 'lyapunov', name: integrator.name, problem, t0, tEnd: t0 + totalSegments * tau, state: y0, total: totalSegments });
  if (signal?.aborted) fail('ABORTED', 'run aborted before its first step', { step: 0, t: t0 }, signal.reason);
  let stopReason: string | undefined;
  const wantsStep = events.has('step');
  const wantsRenorm = events.has('lyapunov:renormalise');
  try {
    for (; segment < totalSegments; segment++) {
      const tStart = t0 + segment * tau;
      const tStop = t0 + (segment + 1) * tau;
      if (adaptive) adaptiveSegment(tStart, tStop);
      else fixedSegment(tStart);
      tNow = tStop;
      // Re-orthonormalise: A = [q₁ … q_k] (n × k), A = Q R, q_j ← Q[:, j].
      const Ad = A.data;
      for (let j = 0; j < k; j++) {
        const off = n * (j + 1);
        for (let i = 0; i < n; i++) Ad[i * k + j] = z[off + i]!;
      }
      qrf.apply(A, fac);
      const Q = fac.q.data;
      const R = fac.r.data;
      for (let j = 0; j < k; j++) {
        const off = n * (j + 1);
        for (let i = 0; i < n; i++) z[off + i] = Q[i * k + j]!;
        logs[j] = Math.log(R[j * k + j]!);
        local[j] = logs[j]! / tau;
      }
      const measuring = segment >= transientSegments;
      if (segment + 1 === transientSegments) fStart = fNorm(z.subarray(0, n));
      if (measuring) {
        measured++;
        const T = measured * tau;
        for (let j = 0; j < k; j++) {
          sums[j]! += logs[j]!;
          running[j] = sums[j]! / T;
          const x = local[j]!;
          const d = x - mean[j]!;
          mean[j]! += d / measured;
          m2[j]! += d * (x - mean[j]!);
          if (x < lmin[j]!) lmin[j] = x;
          if (x > lmax[j]!) lmax[j] = x;
          if (values) values[(measured - 1) * k + j] = x;
        }
        if (historyEvery > 0 && (measured % historyEvery === 0 || segment === totalSegments - 1)) {
          history.t.push(tStop);
          history.exponents.push(Array.from(running));
        }
      }
      if (wantsStep) events.emit('step', { step: segment + 1, t: tStop, h: tau, state: z.subarray(0, n) });
      if (wantsRenorm) events.emit('lyapunov:renormalise', { segment, t: tStop, measuring, local, exponents: measuring ? running : undefined });
      if (signal?.aborted) fail('ABORTED', `run aborted at segment ${segment + 1}, t = ${tStop}`, { step: steps, t: tStop }, signal.reason);
      if (events.stopReason !== undefined) {
        stopReason = events.stopReason;
        segment++;
        break;
      }
    }
  } catch (e) {
    if (e instanceof PhaseflowError) throw e;
    const err = new PhaseflowError(
      'INVALID_STATE',
      `lyapunov run failed at step ${steps + 1}, t = ${tNow}: ${e instanceof Error ? e.message : String(e)}`,
      { step: steps + 1, t: tNow },
      { partial: result('completed'), cause: e },
    );
    events.emit('run:end', { status: 'failed', steps, t: tNow, error: err });
    throw err;
  }
  const out = stopReason === undefined ? result('completed') : result('stopped', stopReason);
  events.emit('run:end', { status: out.status, steps, t: tNow, ...(stopReason !== undefined && { reason: stopReason }) });
  return out;
}
