/**
 * The one generic engine: stage evaluation over any core VectorSpace, used by the fixed-step
 * `step` and by the adaptive stepper.
 */
import type { OdeProblem, VectorSpace } from '@phaseflow/core';
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
      putStage(w, 0, problem.f(t, y, w.k[0]));
      continue;
    }
    const arg = s.combine(loadRow(w, a[i]!, h), w.k, y, w.tmp);
    if (!s.mutable && arg !== w.tmp) s.dispose?.(w.tmp);
    w.tmp = arg;
    putStage(w, i, problem.f(t + c[i]! * h, arg, w.k[i]));
  }
  return to - from;
}

/** y₁ = y + h Σ bᵢ kᵢ, written into `out` (which may alias y). */
export function propagate<S>(w: StageWork<S>, tab: ButcherTableau, y: S, h: number, out?: S): S {
  return w.space.combine(loadRow(w, tab.b, h), w.k, y, out);
}

/** Stages a fixed step needs: an FSAL method's last stage (at y₁) only serves the error estimate. */
export function fixedStageCount(tab: ButcherTableau): number {
  return tab.fsal ? tab.b.length - 1 : tab.b.length;
}
