/**
 * The stable error codes of phaseflow. Plugins add their own by declaration merging:
 *
 * ```ts
 * declare module '@phaseflow/core' {
 *   interface PhaseflowErrorCodes { MY_PLUGIN_FAILURE: true }
 * }
 * ```
 */
export interface PhaseflowErrorCodes {
  /** An argument has the wrong type, range or value. */
  INVALID_ARGUMENT: true;
  /** An options object holds a key the entry point does not know. */
  UNKNOWN_OPTION: true;
  /** Two inputs that must agree in size or shape do not. */
  SHAPE_MISMATCH: true;
  /** An input holds NaN or ±Infinity. */
  NON_FINITE_INPUT: true;
  /** A run produced NaN or ±Infinity in its state (numerical blow-up). */
  NON_FINITE_STATE: true;
  /** A run needed more steps than its `maxSteps` budget. */
  STEP_BUDGET_EXCEEDED: true;
  /** An adaptive run needed a step smaller than its `minStep`. */
  STEP_SIZE_TOO_SMALL: true;
  /** A run was cancelled through its `AbortSignal`. */
  ABORTED: true;
  /** An integrator was handed a problem kind it cannot solve. */
  UNSUPPORTED_PROBLEM: true;
  /** A model lacks the parametric view a derivative-free trainer needs. */
  NOT_PARAMETRIC: true;
  /** An iterative solve (Newton, fixed point, eigenvalue) did not converge. */
  CONVERGENCE_FAILURE: true;
  /** A file or serialised object is not one phaseflow wrote, or is damaged. */
  INVALID_MODEL_FILE: true;
  /** A requested backend, demo or plugin is not available here. */
  NOT_AVAILABLE: true;
  /** An operation was called in a state that does not allow it (e.g. predict before fit). */
  INVALID_STATE: true;
  /**
   * A user callback (vector field, event function, loss, observer handler, score) threw; the
   * error names it in `details.callback` and keeps what it threw as `cause`.
   */
  CALLBACK_FAILED: true;
  /** An event function g(t, y) returned NaN, ±Infinity or a non-number. */
  INVALID_EVENT_VALUE: true;
  /**
   * A requested size needs more memory than one allocation may take (`MAX_ALLOCATION_BYTES`);
   * refused before anything is allocated (see `checkAllocation`).
   */
  ALLOCATION_TOO_LARGE: true;
}

/** One of the stable error codes. */
export type PhaseflowErrorCode = keyof PhaseflowErrorCodes;

/** Structured context carried by a {@link PhaseflowError}. */
export interface PhaseflowErrorDetails {
  /** The argument (or option path, e.g. `options.h`) that was wrong. */
  argument?: string;
  /** What was expected, in words. */
  expected?: string;
  /** What came instead, rendered for a human. */
  received?: string;
  /** Step index at which a run failed. */
  step?: number;
  /** Time at which a run failed. */
  t?: number;
  /** Step size in force when a run failed. */
  h?: number;
  /** The user callback that threw (CALLBACK_FAILED), e.g. `problem.f` or `options.observers[0].on.step`. */
  callback?: string;
  [key: string]: unknown;
}

/**
 * The single error type thrown by phaseflow packages. `code` is stable across versions and is
 * what programs should branch on; `message` is for people. Runs that fail part-way attach what
 * they computed before the failure as `partial`.
 *
 * @example
 * ```ts
 * try { integrate(rk4, problem, y0, { t0: 0, tEnd: 10, h: 0.1 }); }
 * catch (e) {
 *   if (e instanceof PhaseflowError && e.code === 'NON_FINITE_STATE') console.log(e.details.t, e.partial);
 * }
 * ```
 */
export class PhaseflowError<Partial = unknown> extends Error {
  override readonly name = 'PhaseflowError';
  readonly code: PhaseflowErrorCode;
  readonly details: PhaseflowErrorDetails;
  /** What the failed run computed before it failed, when there is such a thing. */
  readonly partial: Partial | undefined;

  constructor(code: PhaseflowErrorCode, message: string, details: PhaseflowErrorDetails = {}, options: { partial?: Partial; cause?: unknown } = {}) {
    super(`[${code}] ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = details;
    this.partial = options.partial;
  }
}

/** True when `e` is a {@link PhaseflowError}, optionally with the given code. */
export function isPhaseflowError(e: unknown, code?: PhaseflowErrorCode): e is PhaseflowError {
  if (code !== undefined && (typeof code !== 'string' || (code as string) === '')) {
    const received = code === null ? 'null' : typeof code === 'string' ? '""' : typeof code;
    throw new PhaseflowError('INVALID_ARGUMENT', `code: expected an error code (a non-empty string such as 'ABORTED') or nothing, received ${received}`, {
      argument: 'code',
      expected: 'an error code (a non-empty string) or undefined',
      received,
    });
  }
  return e instanceof PhaseflowError && (code === undefined || e.code === code);
}

/**
 * The CALLBACK_FAILED error for a user callback (`callback` names it: `problem.f`,
 * `options.loss`, an observer's handler) that threw `error`; `error` becomes the `cause` and
 * the message says where the run was (`details.step`, `details.t`).
 *
 * @example
 * ```ts
 * try { f(t, y); } catch (e) { throw callbackFailed('problem.f', e, { t }); }
 * ```
 */
export function callbackFailed(callback: string, error: unknown, details: PhaseflowErrorDetails = {}, partial?: unknown): PhaseflowError {
  const refuse = (argument: string, expected: string, value: unknown): never => {
    const received = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? JSON.stringify(value) : typeof value;
    throw new PhaseflowError('INVALID_ARGUMENT', `${argument}: expected ${expected}, received ${received}`, { argument, expected, received });
  };
  if (typeof callback !== 'string' || callback === '')
    refuse('callback', 'the name of the callback that threw (a non-empty string, e.g. "problem.f")', callback);
  if (details === null || typeof details !== 'object' || Array.isArray(details)) refuse('details', 'an object of details { step?, t?, ... }', details);
  const what = error instanceof Error ? error.message : String(error);
  const where = [details.step !== undefined ? `step ${details.step}` : '', details.t !== undefined ? `t = ${details.t}` : ''].filter(Boolean).join(', ');
  return new PhaseflowError(
    'CALLBACK_FAILED',
    `${callback} threw${where ? ` at ${where}` : ''}: ${what}`,
    { callback, ...details },
    { cause: error, ...(partial !== undefined && { partial }) },
  );
}
