/**
 * The Integrator role: advance a state by one step. Generic in the problem type P and the
 * state type Y, which need not be a vector space (Lie-group integrators advance matrices on a
 * manifold; GPU integrators advance batched device buffers).
 */
import type { Problem } from './problems.js';

/** Claims an integrator makes about itself; the testkit checks each claim that is true. */
export interface IntegratorProperties {
  /** Needs no nonlinear solve. */
  readonly explicit: boolean;
  /** The step map is symplectic (preserves dq∧dp) on Hamiltonian problems. */
  readonly symplectic: boolean;
  /** Symmetric: Φ₋ₕ ∘ Φₕ = id, hence time-reversible on reversible problems. */
  readonly timeReversible: boolean;
  /** Provides its own step-size control through {@link Integrator.adaptive}. */
  readonly adaptive: boolean;
  /** Provides a continuous extension (dense output) inside adaptive steps. */
  readonly denseOutput?: boolean;
}

/** The options `integrate` forwards to an adaptive integrator; integrators may accept more. */
export interface AdaptiveOptions {
  /** Relative tolerance, scalar or per component. */
  readonly rtol?: number | unknown;
  /** Absolute tolerance, scalar or per component. */
  readonly atol?: number | unknown;
  /** First trial step (magnitude); chosen automatically when omitted. */
  readonly h0?: number;
  /** Smallest step magnitude allowed before the run fails with STEP_SIZE_TOO_SMALL. */
  readonly minStep?: number;
  /** Largest step magnitude allowed. */
  readonly maxStep?: number;
  readonly [option: string]: unknown;
}

/** One accepted adaptive step. */
export interface AcceptedStep<Y> {
  /** Time at the end of the step. */
  readonly t: number;
  /** State at the end of the step (may be a buffer the stepper reuses: copy it to keep it). */
  readonly y: Y;
  /** Signed size of the accepted step. */
  readonly h: number;
}

/** The state of an adaptive solve between accepted steps. */
export interface AdaptiveStepper<Y> {
  /**
   * Take one accepted step towards `tStop` without passing it, retrying rejected attempts
   * internally.
   */
  advance(tStop: number): AcceptedStep<Y>;
  /** Dense output: the state at a time inside the last accepted step. */
  interpolate?(t: number, out?: Y): Y;
  /** Counters for the run so far. */
  readonly stats: { readonly accepted: number; readonly rejected: number; readonly evaluations: number };
  /**
   * Optional: every state-space value the stepper holds between two `advance` calls and reads
   * again — the current state, the FSAL stage f(t, y) carried into the next step, the previous
   * step's start and stages that `interpolate` reads, its buffers. A driver that releases a
   * resource scope between advance calls (`integrateAsync` over tensors, where no scope can
   * span an `await`) keeps exactly these and lets everything else the step allocated go; a
   * stepper that replaces a value simply stops listing it. Values the caller passed in (y0,
   * tolerance tensors) need not be listed. Without it, such a driver cannot scope the run.
   *
   * @example
   * ```ts
   * const stepper: AdaptiveStepper<Float64Array> = {
   *   stats: { accepted: 0, rejected: 0, evaluations: 0 },
   *   advance: (tStop) => ({ t: tStop, y, h: tStop - t }),
   *   retained: () => [y, k], // the state and its FSAL stage
   * };
   * ```
   */
  retained?(): readonly Y[];
}

/**
 * A one-step method. `step` may write into `out` (which may alias `y`) and returns the new
 * state; `h` may be negative (backward steps; symmetric methods satisfy Φ₋ₕ∘Φₕ = id).
 *
 * Plugins are factories returning plain objects:
 *
 * @example
 * ```ts
 * const explicitEuler: Integrator<OdeProblem<Float64Array>, Float64Array> = {
 *   name: 'explicit-euler', order: 1, problemKinds: ['ode'],
 *   properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
 *   step: (pr, t, y, h, out) => pr.space.axpy(h, pr.f(t, y), y, out),
 * };
 * ```
 */
export interface Integrator<P extends Problem<Y>, Y> {
  readonly name: string;
  /** Classical order of convergence p (global error O(hᵖ)). */
  readonly order: number;
  /** The `kind`s of problem this integrator accepts. */
  readonly problemKinds: readonly string[];
  readonly properties: IntegratorProperties;
  /** Where the method comes from (paper, book), for documentation and reports. */
  readonly reference?: string;
  step(problem: P, t: number, y: Y, h: number, out?: Y): Y;
  /**
   * Optional: `n` fixed steps of size h from (t, y), at times t + j·h, checking its arguments
   * once. Must give the same states as `n` calls of `step`; `integrate` uses it for runs no
   * observer watches step by step, so per-step overhead vanishes on small systems.
   */
  advance?(problem: P, t: number, y: Y, h: number, n: number, out?: Y): Y;
  /**
   * Optional: {@link advance} for one run, checked and specialised once instead of on every
   * call. `integrate` calls it at the start of a chunked fixed-step run with the problem, the
   * initial state and the signed step h, then calls what it returns once per chunk: n ≥ 1
   * steps of size h from (t, y), written into `out` (which may alias y), the same states as
   * `advance(problem, t, y, h, n, out)`, with no argument checks (the driver passes only
   * states shaped like `y` and integer n ≥ 1). Returns undefined when there is nothing to
   * specialise for this problem and state; the driver then calls `advance`.
   */
  prepareAdvance?(problem: P, y: Y, h: number): Advancer<Y> | undefined;
  /** Present when `properties.adaptive`: start an adaptive solve from (t0, y0) towards tEnd. */
  adaptive?(problem: P, t0: number, y0: Y, tEnd: number, options: AdaptiveOptions): AdaptiveStepper<Y>;
}

/**
 * n fixed steps of one prepared run (see {@link Integrator.prepareAdvance}): from (t, y) into
 * `out`, returning the new state.
 */
export type Advancer<Y> = (t: number, y: Y, n: number, out?: Y) => Y;

/** Any integrator, for code that only reads descriptions. */
export type AnyIntegrator = Integrator<never, never>;
