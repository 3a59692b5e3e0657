/**
 * The PI step-size controller of embedded methods (Hairer, Nørsett & Wanner, Solving ODEs I,
 * §II.4; Hairer & Wanner, Solving ODEs II, §IV.2; Gustafsson 1991). Any adaptive integrator
 * with an error estimate — Runge–Kutta pairs, embedded Lie-group methods, variable-step
 * splitting pairs, an adjoint's backward solve — hands it the error norm of each trial step
 * and takes the next step size from it.
 */
import { checkFinite, checkOptions, checkPositive, invalid } from '../validate.js';

/** Options of {@link createPiController}. */
export interface PiControllerOptions {
  /**
   * Order q of the lower-order solution of the pair: the local error estimate is O(h^(q+1)),
   * so α = 1/(q+1) − 0.75β.
   */
  readonly errorOrder: number;
  /**
   * Weight β on the previous error, in [0, 0.2] and below 4/(3(q+1)) so that α > 0 (default
   * 0.04, Hairer's DOPRI5; 0 gives the I controller).
   */
  readonly beta?: number;
  /** Safety factor in (0, 1] (default 0.9). */
  readonly safety?: number;
  /** Smallest ratio h_new/h, in (0, 1) (default 0.2); also the largest shrink on rejection. */
  readonly minFactor?: number;
  /** Largest ratio h_new/h, > 1 (default 10). */
  readonly maxFactor?: number;
  /** Smallest step magnitude, > 0 (default 0: only the rounding limit 8ε|t|). */
  readonly minStep?: number;
  /** Largest step magnitude, > 0 (default Infinity). */
  readonly maxStep?: number;
  /** Prefix of the option names in validation errors (default `options`). */
  readonly argument?: string;
}

/** Why a step size cannot be used: below `minStep`, or too small to change t in double precision. */
export type StepTooSmall = 'minStep' | 'rounding';

/**
 * A PI step-size controller with its memory (the previous accepted error, whether the last
 * trial was rejected). One per solve; all step sizes are signed, magnitudes say so.
 */
export interface PiController {
  readonly name: 'pi';
  /** Exponent α = 1/(q+1) − 0.75β on the current error. */
  readonly alpha: number;
  readonly beta: number;
  readonly safety: number;
  readonly minFactor: number;
  readonly maxFactor: number;
  readonly minStep: number;
  readonly maxStep: number;
  /** The magnitude of a proposed step `h`, limited to `maxStep`. */
  limit(h: number): number;
  /** Why the magnitude `hAbs` cannot be used at time `t`, or undefined when it can. */
  tooSmall(hAbs: number, t: number): StepTooSmall | undefined;
  /**
   * True when a step `h` from `t` should end exactly on `tStop`: it would reach it, or leave a
   * sliver of less than 1 % of h before it (Hairer's DOPRI5 stretches the step instead).
   */
  landing(t: number, h: number, tStop: number): boolean;
  /**
   * After accepting the trial step `h` with error norm `err` ≤ 1, the next step:
   * h · clamp(err^(−α) · err_old^β / safety, minFactor, maxFactor), never larger than |h|
   * right after a rejection; err_old ← max(err, 1e-4).
   */
  accept(err: number, h: number): number;
  /**
   * After rejecting the trial step `h` (err > 1, or not finite), the retry:
   * h · max(minFactor, safety · err^(−α)) (h · minFactor when err^α is not finite).
   */
  reject(err: number, h: number): number;
  /** True when the last trial step was rejected. */
  readonly lastRejected: boolean;
  /** Forget the error history (a restart after a discontinuity). */
  reset(): void;
}

/** The cold path of the controller's per-step argument checks. */
function badNumber(argument: string, expected: string, value: unknown): never {
  invalid(argument, expected, value, typeof value === 'number' && !Number.isFinite(value) ? 'NON_FINITE_INPUT' : 'INVALID_ARGUMENT');
}

/**
 * Build a PI controller (Gustafsson 1991; the form of Hairer & Wanner, Solving ODEs II, §IV.2,
 * as in DOPRI5/DOP853):
 *
 *   h_new = h · clamp(safety · err_n^(−α) · err_(n−1)^β, minFactor, maxFactor),  α = 1/(q+1) − 0.75β,
 *
 * where err is the weighted RMS norm of the error estimate (accept when err ≤ 1).
 *
 * @example
 * ```ts
 * const ctl = createPiController({ errorOrder: 4, beta: 0.04 });
 * let h = 0.1;
 * const err = 0.3;                               // the norm of this trial's error estimate
 * h = err <= 1 ? ctl.accept(err, h) : ctl.reject(err, h);
 * ```
 */
export function createPiController(options: PiControllerOptions): PiController {
  if (options === null || typeof options !== 'object') invalid('options', 'PI controller options { errorOrder, ... }', options);
  if (options.argument !== undefined && (typeof options.argument !== 'string' || options.argument === '')) {
    invalid('options.argument', 'the prefix of option names in errors (a non-empty string, e.g. "options")', options.argument);
  }
  const a = options.argument ?? 'options';
  checkOptions(a, options, ['errorOrder', 'beta', 'safety', 'minFactor', 'maxFactor', 'minStep', 'maxStep', 'argument']);
  const q = checkPositive(`${a}.errorOrder`, options.errorOrder);
  const beta = options.beta === undefined ? 0.04 : checkFinite(`${a}.beta`, options.beta);
  if (beta < 0 || beta > 0.2) invalid(`${a}.beta`, 'a number in [0, 0.2]', beta);
  const safety = options.safety === undefined ? 0.9 : checkFinite(`${a}.safety`, options.safety);
  if (!(safety > 0 && safety <= 1)) invalid(`${a}.safety`, 'a number in (0, 1]', safety);
  const minFactor = options.minFactor === undefined ? 0.2 : checkFinite(`${a}.minFactor`, options.minFactor);
  if (!(minFactor > 0 && minFactor < 1)) invalid(`${a}.minFactor`, 'a number in (0, 1)', minFactor);
  const maxFactor = options.maxFactor === undefined ? 10 : checkFinite(`${a}.maxFactor`, options.maxFactor);
  if (!(maxFactor > 1)) invalid(`${a}.maxFactor`, 'a number > 1', maxFactor);
  const maxStep = options.maxStep === undefined || options.maxStep === Infinity ? Infinity : checkPositive(`${a}.maxStep`, options.maxStep);
  const minStep = options.minStep === undefined ? 0 : checkPositive(`${a}.minStep`, options.minStep);
  if (minStep > maxStep) invalid(`${a}.minStep`, `a value <= ${a}.maxStep = ${maxStep}`, minStep);
  const alpha = 1 / (q + 1) - 0.75 * beta;
  // α ≤ 0 would let a rejected step grow: the retry loop would never end.
  if (!(alpha > 0)) invalid(`${a}.beta`, `a number below 4/(3(q+1)) = ${4 / (3 * (q + 1))} for error order q = ${q} (so that α = 1/(q+1) − 0.75β > 0)`, beta);
  let errOld = 1e-4;
  let lastRejected = false;
  return {
    name: 'pi',
    alpha,
    beta,
    safety,
    minFactor,
    maxFactor,
    minStep,
    maxStep,
    limit: (h) => {
      if (typeof h !== 'number' || h - h !== 0) badNumber('h', 'a finite step', h);
      return Math.min(Math.abs(h), maxStep);
    },
    tooSmall(hAbs, t) {
      if (typeof hAbs !== 'number' || !(hAbs >= 0) || hAbs === Infinity) badNumber('hAbs', 'a step magnitude (a finite number >= 0)', hAbs);
      if (typeof t !== 'number' || t - t !== 0) badNumber('t', 'a finite time', t);
      if (hAbs < minStep) return 'minStep';
      if (hAbs <= 8 * Number.EPSILON * Math.abs(t) || !(hAbs > 0)) return 'rounding';
      return undefined;
    },
    landing(t, h, tStop) {
      if (typeof t !== 'number' || t - t !== 0) badNumber('t', 'a finite time', t);
      if (typeof h !== 'number' || h - h !== 0 || h === 0) badNumber('h', 'a finite, non-zero step', h);
      if (typeof tStop !== 'number' || tStop - tStop !== 0) badNumber('tStop', 'a finite time', tStop);
      const x = t + 1.01 * h - tStop;
      return h > 0 ? x >= 0 : x <= 0;
    },
    accept(err, h) {
      if (typeof err !== 'number' || !(err >= 0 && err <= 1)) badNumber('err', 'the error norm of an accepted step (a number in [0, 1])', err);
      if (typeof h !== 'number' || h - h !== 0 || h === 0) badNumber('h', 'a finite, non-zero step', h);
      const fac11 = Math.pow(err, alpha);
      let fac = fac11 / Math.pow(errOld, beta);
      fac = Math.max(1 / maxFactor, Math.min(1 / minFactor, fac / safety));
      let hNew = h / fac;
      if (lastRejected) {
        const m = Math.min(Math.abs(hNew), Math.abs(h));
        hNew = h > 0 ? m : -m;
      }
      errOld = Math.max(err, 1e-4);
      lastRejected = false;
      return hNew;
    },
    reject(err, h) {
      // NaN and +Infinity are errors to reject on (a trial step that produced non-finite values).
      if (typeof err !== 'number' || err <= 1) badNumber('err', 'the error norm of a rejected step (a number > 1, NaN or Infinity)', err);
      if (typeof h !== 'number' || h - h !== 0 || h === 0) badNumber('h', 'a finite, non-zero step', h);
      const fac11 = Math.pow(err, alpha);
      const shrink = Number.isFinite(fac11) ? Math.min(1 / minFactor, fac11 / safety) : 1 / minFactor;
      lastRejected = true;
      return h / shrink;
    },
    get lastRejected() {
      return lastRejected;
    },
    reset() {
      errOld = 1e-4;
      lastRejected = false;
    },
  };
}
