/**
 * Hairer's starting step size for adaptive solves (Hairer, Nørsett & Wanner, Solving ODEs I,
 * §II.4, "Starting Step Size", and the HINIT routine of DOPRI5/DOP853): one extra evaluation
 * of the vector field, no user guess needed.
 */
import type { VectorSpace } from '../vector-space.js';
import { checkFinite, checkFunction, checkNonNegative, checkOptions, checkPositive, invalid } from '../validate.js';

/** A state of `space` (named `argument`): its size, or INVALID_ARGUMENT naming it when the space cannot read it. */
function checkState<S>(argument: string, space: VectorSpace<S>, v: unknown): number {
  if (v === null || v === undefined || typeof v !== 'object') invalid(argument, `a state of the ${space.name} space`, v);
  let n: unknown;
  try {
    n = space.size(v as S);
  } catch {
    invalid(argument, `a state of the ${space.name} space`, v);
  }
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) invalid(argument, `a state of the ${space.name} space`, v);
  return n;
}

/** Options of {@link initialStep}. */
export interface InitialStepOptions<S> {
  /** The state space (its weighted RMS `errorNorm` measures every quantity below). */
  readonly space: VectorSpace<S>;
  /** The vector field y' = f(t, y); written into `out` when given. */
  readonly f: (t: number, y: S, out?: S) => S;
  readonly t0: number;
  readonly y0: S;
  /** f(t0, y0), evaluated already by the caller (its first stage). */
  readonly f0: S;
  /** +1 forward, −1 backward. */
  readonly direction: 1 | -1;
  /** Order p of the method (Hairer's IORD): the step is scaled as (0.01 / ‖y''‖)^(1/p). */
  readonly order: number;
  /** Absolute and relative tolerances, scalars or states of `space` (as `space.errorNorm` takes them). */
  readonly atol: number | S;
  readonly rtol: number | S;
  /** The step never exceeds this magnitude (default Infinity); pass |tEnd − t0| and any maxStep. */
  readonly maxStep?: number;
}

/**
 * Hairer's starting step (Solving ODEs I, §II.4), in the weighted RMS norm ‖·‖ of the
 * tolerances (sc = atol + rtol·|y₀|):
 *
 *   d₀ = ‖y₀‖, d₁ = ‖f₀‖, h₀ = 0.01·d₀/d₁ (10⁻⁶ when d₀ or d₁ < 10⁻⁵), both ≤ maxStep;
 *   y₁ = y₀ + h₀f₀, d₂ = ‖f(t₀ + h₀, y₁) − f₀‖ / h₀;
 *   h₁ = (0.01 / max(d₁, d₂))^(1/p)  (max(10⁻⁶, 10⁻³h₀) when max(d₁, d₂) ≤ 10⁻¹⁵);
 *   h = min(100·h₀, h₁, maxStep).
 *
 * Returns the magnitude h (> 0); costs one evaluation of `f`.
 *
 * @example
 * ```ts
 * const f0 = problem.f(0, y0);
 * const h = initialStep({ space: float64Space, f: problem.f, t0: 0, y0, f0, direction: 1, order: 5,
 *   atol: 1e-6, rtol: 1e-3, maxStep: 10 });
 * ```
 */
export function initialStep<S>(options: InitialStepOptions<S>): number {
  if (options === null || typeof options !== 'object') invalid('options', 'initial-step options { space, f, t0, y0, f0, ... }', options);
  checkOptions('options', options, ['space', 'f', 't0', 'y0', 'f0', 'direction', 'order', 'atol', 'rtol', 'maxStep']);
  const { space, f, y0, f0, atol, rtol } = options;
  const sp = space as Partial<VectorSpace<S>> | null;
  if (sp === null || typeof sp !== 'object' || typeof sp.errorNorm !== 'function' || typeof sp.axpy !== 'function' || typeof sp.size !== 'function') {
    invalid('options.space', 'a VectorSpace (with size, axpy and errorNorm)', space);
  }
  checkFunction('options.f', f);
  const n = checkState('options.y0', space, y0);
  if (checkState('options.f0', space, f0) !== n) invalid('options.f0', `f(t0, y0): a state of the size of y0 (${n})`, f0, 'SHAPE_MISMATCH');
  for (const [name, tol] of [
    ['options.atol', atol],
    ['options.rtol', rtol],
  ] as const) {
    if (typeof tol === 'number') checkNonNegative(name, tol);
    else if (checkState(name, space, tol) !== n) invalid(name, `a tolerance >= 0, or one per component (${n})`, tol, 'SHAPE_MISMATCH');
  }
  const t0 = checkFinite('options.t0', options.t0);
  const order = checkPositive('options.order', options.order);
  if (options.direction !== 1 && options.direction !== -1) invalid('options.direction', '1 or -1', options.direction);
  const dir = options.direction;
  const maxStep = options.maxStep === undefined || options.maxStep === Infinity ? Infinity : checkPositive('options.maxStep', options.maxStep);
  const d0 = space.errorNorm(y0, y0, y0, atol, rtol);
  const d1 = space.errorNorm(f0, y0, y0, atol, rtol);
  let h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
  h0 = Math.min(h0, maxStep);
  // Scratch buffers on mutable spaces; immutable ones (tensors) return fresh values, released below.
  const scratch = (): S | undefined => (space.mutable ? space.zeros(y0) : undefined);
  const yTrial = space.axpy(dir * h0, f0, y0, scratch());
  const f1 = f(t0 + dir * h0, yTrial, scratch());
  const diff = space.axpy(-1, f0, f1, scratch());
  const d2 = space.errorNorm(diff, y0, y0, atol, rtol) / h0;
  if (!space.mutable) for (const v of [yTrial, f1, diff]) space.dispose?.(v);
  const dm = Math.max(d1, d2);
  const h1 = dm <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / dm, 1 / order);
  const h = Math.min(100 * h0, h1, maxStep);
  return h > 0 ? h : Math.min(1e-6, maxStep);
}
