/**
 * The one generic engine: stage evaluation over any core VectorSpace, used by the fixed-step
 * `step` and by the adaptive stepper.
 */
import { callbackFailed, float64Space, invalid, PhaseflowError, type OdeProblem, type VectorSpace } from '@phaseflow/core';
import type { ButcherTableau } from './tableau.js';

/** Stage buffers of one state shape; reused across steps (no allocation on mutable spaces). */
export interface StageWork<S> {
  readonly space: VectorSpace<S>;
  readonly size: number;
  /** k₀ … k_(n−1); every entry is initialised so `combine` may skip zero coefficients. */
  readonly k: S[];
  /** Stage argument y + h Σ aᵢⱼ kⱼ. */
  tmp: S;
  /** Coefficient row h·aᵢ, padded with zeros to k.length. */
  readonly coef: Float64Array;
}

/** Allocate stage buffers for `count` stages shaped like `like`. */
export function createWork<S>(space: VectorSpace<S>, like: S, count: number): StageWork<S> {
  const k: S[] = [];
  for (let i = 0; i < count; i++) k.push(space.zeros(like));
  return { space, size: space.size(like), k, tmp: space.zeros(like), coef: new Float64Array(count) };
}

/** Replace slot i of `k`, releasing the old value on immutable spaces (tensors). */
export function putStage<S>(w: StageWork<S>, i: number, v: S): void {
  const old = w.k[i]!;
  if (old !== v && !w.space.mutable) w.space.dispose?.(old);
  w.k[i] = v;
}

/** Set w.coef ← scale·row, zero-padded. */
export function loadRow<S>(w: StageWork<S>, row: readonly number[], scale: number): Float64Array {
  const c = w.coef;
  c.fill(0);
  for (let j = 0; j < row.length; j++) c[j] = scale * row[j]!;
  return c;
}

/**
 * Evaluate stages `from` … `to − 1` of `tab` at (t, y) with step h:
 * kᵢ = f(t + cᵢh, y + h Σⱼ aᵢⱼ kⱼ). Stage 0 is f(t, y). Returns the number of evaluations.
 */
export function evaluateStages<S>(
  w: StageWork<S>,
  c: readonly number[],
  a: readonly (readonly number[])[],
  problem: OdeProblem<S>,
  t: number,
  y: S,
  h: number,
  from: number,
  to: number,
): number {
  const s = w.space;
  for (let i = from; i < to; i++) {
    if (i === 0) {
      putStage(w, 0, callField(problem, t, y, w.k[0]));
      continue;
    }
    const arg = s.combine(loadRow(w, a[i]!, h), w.k, y, w.tmp);
    if (!s.mutable && arg !== w.tmp) s.dispose?.(w.tmp);
    w.tmp = arg;
    putStage(w, i, callField(problem, t + c[i]! * h, arg, w.k[i]));
  }
  return to - from;
}

/**
 * The error of a vector field that threw at time t: a PhaseflowError as it is (the field's
 * own coded refusal), anything else as CALLBACK_FAILED naming `problem.f`, with t and the
 * thrown value as `cause`.
 */
export function fieldFailed(error: unknown, t: number): never {
  if (error instanceof PhaseflowError) throw error;
  throw callbackFailed('problem.f', error, { t });
}

/** f(t, y) with a throw reported by {@link fieldFailed}. */
export function callField<S>(problem: OdeProblem<S>, t: number, y: S, out: S | undefined): S {
  try {
    return problem.f(t, y, out);
  } catch (e) {
    return fieldFailed(e, t);
  }
}

/** y₁ = y + h Σ bᵢ kᵢ, written into `out` (which may alias y). */
export function propagate<S>(w: StageWork<S>, tab: ButcherTableau, y: S, h: number, out?: S): S {
  return w.space.combine(loadRow(w, tab.b, h), w.k, y, out);
}

/** Stages a fixed step needs: an FSAL method's last stage (at y₁) only serves the error estimate. */
export function fixedStageCount(tab: ButcherTableau): number {
  return tab.fsal ? tab.b.length - 1 : tab.b.length;
}

/**
 * The state and `out` arguments of a step (or of an interpolation): over core's float64Space a
 * Float64Array, and `out`, when given, a Float64Array of the same length; over any other space
 * a value (`out` left out or a value, never null). One type test and one length comparison on
 * the hot path.
 */
export function checkOdeState<S>(space: VectorSpace<S>, y: unknown, out: unknown, argument = 'y'): void {
  if (space === (float64Space as unknown)) {
    if (!(y instanceof Float64Array)) invalid(argument, 'a Float64Array (the problem is over float64Space)', y);
    if (out === undefined) return;
    if (!(out instanceof Float64Array)) invalid('out', `a Float64Array of ${y.length} components to write into (or leave it out)`, out);
    if (out.length !== y.length) {
      throw new PhaseflowError('SHAPE_MISMATCH', `out: expected ${y.length} components (as ${argument}), received ${out.length}`, {
        argument: 'out',
        expected: `${y.length} components (as ${argument})`,
        received: `${out.length} components`,
      });
    }
    return;
  }
  if (y === null || y === undefined) invalid(argument, `a state of ${space.name}`, y);
  if (out === null) invalid('out', `a state of ${space.name} to write into (or leave it out)`, out);
}

/** The time argument of a step: a finite number (one comparison on the hot path). */
export function checkTime(t: unknown, argument = 't'): void {
  if (typeof t !== 'number' || t - t !== 0) invalid(argument, 'a finite time', t, typeof t === 'number' ? 'NON_FINITE_INPUT' : 'INVALID_ARGUMENT');
}
