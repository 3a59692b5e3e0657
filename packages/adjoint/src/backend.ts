/**
 * The contract between the gradient engine and a differentiable vector field: what the engine
 * needs of f_θ(t, y), of its vector–Jacobian products and of one integrator step, in any state
 * type S (Float64 vectors, tensors, gpu buffers).
 */
import type { AdaptiveOptions, VectorSpace } from '@phaseflow/core';

/**
 * What the gradient engine needs of a differentiable vector field f_θ(t, y) and of the
 * integrator that solves y' = f_θ(t, y), in the state type S. A backend owns the autodiff:
 * tfjs backends answer `vjp`/`stepVjp` with `tf.grads`, a Float64 backend with a hand-written
 * reverse mode or a {@link Tape} over {@link tracedSpace}. θ is one flat vector of type S.
 *
 * Ownership: the engine calls `release` on every intermediate state it no longer needs (a
 * no-op for garbage-collected states) and runs each step inside `tidy`.
 *
 * @example
 * ```ts
 * // y' = θ·y on Float64 vectors, with f, ∂f/∂y and ∂f/∂θ written out.
 * const backend: FieldBackend<Traced> = {
 *   space: tracedSpace(tape), tidy: (fn) => fn(), release: () => {},
 *   f: (t, y) => tape.leaf(y.v.map((u) => theta * u)),
 *   vjp: (t, y, a) => [tape.leaf(a.v.map((u) => theta * u)), tape.leaf(Float64Array.of(dot(a.v, y.v)))],
 *   step, stepVjp, solve, thetaZeros: () => tape.leaf(new Float64Array(1)),
 * };
 * ```
 */
export interface FieldBackend<S> {
  /** The vector space of the states (and of θ's gradient). */
  readonly space: VectorSpace<S>;
  /** Run `fn` keeping only what it returns (`tf.tidy` for tensors, `fn()` otherwise). */
  tidy<T>(fn: () => T): T;
  /** Free a state the engine no longer needs (`dispose` for tensors, a no-op otherwise). */
  release(x: S): void;
  /** f_θ(t, y) on the flat state. */
  f(t: number, y: S): S;
  /** [aᵀ ∂f/∂y, aᵀ ∂f/∂θ] at (t, y). */
  vjp(t: number, y: S, a: S): [S, S];
  /**
   * Optional: [f_θ(t, y), aᵀ ∂f/∂y, aᵀ ∂f/∂θ] from one evaluation of f (the forward pass the
   * vjp runs anyway). The continuous adjoint's backward solve needs f and the vjp at every
   * stage; with this it evaluates the field once per stage instead of twice (`f`, then again
   * inside `vjp`).
   */
  valueAndVjp?(t: number, y: S, a: S): [S, S, S];
  /** One step of the forward integrator from (t, y) with step h (h < 0 steps backward). */
  step(t: number, y: S, h: number): S;
  /** [aᵀ ∂Φ/∂y, aᵀ ∂Φ/∂θ] of one integrator step Φ from (t, y) with step h. */
  stepVjp(t: number, y: S, h: number, a: S): [S, S];
  /**
   * Optional: [aᵀ ∂Φⁿ/∂y, aᵀ ∂Φⁿ/∂θ] of n consecutive steps Φ of size h from (t, y), the n
   * steps recomputed under one tape (checkpointing's segment). Absent: the engine recomputes
   * the n states without a tape and pulls the cotangent back through `stepVjp` one step at a
   * time (one more step per step, and only one step's tape alive).
   */
  stepsVjp?(t: number, y: S, h: number, n: number, a: S): [S, S];
  /**
   * Adaptive forward solve from t0 through every output time in `times` (increasing, > t0) as
   * ONE solve: the step size carries over from one output interval to the next and the states
   * at `times` come from the pair's dense output inside accepted steps (as torchdiffeq does),
   * not from a restart at each output time. Returns the K states (used when the schedule has
   * no fixed steps).
   */
  solve(t0: number, times: readonly number[], y: S, options: AdaptiveOptions): S[];
  /** A zero parameter-gradient vector. */
  thetaZeros(): S;
  /** Called at every field evaluation of the adjoint's backward solve (memory probes, counters). */
  onEvaluate?(): void;
}
