/**
 * Reversible reconstruction: exact gradients of the discrete solution without storing it, for
 * time-reversible integrators.
 */
import type { FieldBackend } from './backend.js';
import { addCotangent, nonFinite } from './internal.js';
import type { Schedule } from './schedule.js';
import { checkBackend, checkSavedStates, checkSchedule, guardBackend } from './validate.js';

/**
 * Exact gradients of the discrete solution with memory independent of the number of steps:
 * walk the grid backwards, reconstruct yₙ = Φ₋ₕ(yₙ₊₁) with the (time-reversible) integrator
 * itself instead of storing it, and pull the cotangent through one step,
 * aₙ = aₙ₊₁ᵀ ∂Φ/∂y (yₙ), g += aₙ₊₁ᵀ ∂Φ/∂θ (yₙ). The saved output states restart the
 * reconstruction at every output time. The route around the continuous adjoint's instability
 * (Gholami, Keutzer & Biros, ANODE, 2019; Zhuang et al., MALI, 2021); costs one extra step per
 * step, fixed steps only (`schedule.steps`), and the integrator must satisfy Φ₋ₕ ∘ Φₕ = id
 * (leapfrog, symmetric splittings on a partitioned field).
 *
 * @throws PhaseflowError `NON_FINITE_STATE` when `schedule.checkFinite` and the adjoint state
 * becomes NaN/Inf; coded errors naming the argument for a malformed backend, schedule (fixed
 * steps required), states or cotangents, and naming the callback for a backend callback that
 * throws (CALLBACK_FAILED) or returns a state of another size (SHAPE_MISMATCH).
 * @example
 * ```ts
 * const { states } = solveForward(backend, y0, schedule);          // leapfrog, fixed steps
 * const { dy0, dtheta } = reversibleBackward(backend, states, [dLdy], schedule);
 * ```
 */
export function reversibleBackward<S>(
  backend: FieldBackend<S>,
  states: readonly S[],
  cotangents: readonly (S | undefined)[],
  schedule: Schedule,
): { dy0: S; dtheta: S } {
  const user = checkBackend<S>('backend', backend);
  const s = checkSchedule('schedule', schedule, true);
  const be = guardBackend(user, checkSavedStates(user.space, states, cotangents, s));
  let a: S | undefined;
  let g: S = be.thetaZeros();
  for (let k = s.times.length - 1; k >= 0; k--) {
    const t1 = s.times[k]!;
    const t0 = k === 0 ? s.t0 : s.times[k - 1]!;
    a = addCotangent(be, a, cotangents[k]);
    if (a === undefined) continue;
    let acur: S = a;
    const n = s.steps![k]!;
    const h = (t1 - t0) / n;
    let y: S = states[k] as S;
    for (let i = n; i > 0; i--) {
      const t = t0 + i * h;
      const yi = y;
      const prev = be.tidy(() => be.step(t, yi, -h));
      if (yi !== states[k]) be.release(yi);
      const ai = acur;
      const [an, gn] = be.tidy(() => be.stepVjp(t - h, prev, h, ai));
      be.release(ai);
      const gi = g;
      g = be.tidy(() => be.space.axpy(1, gn, gi));
      be.release(gi);
      be.release(gn);
      acur = an;
      y = prev;
      if (s.checkFinite && !be.space.isFinite(acur)) nonFinite(t - h, n - i + 1, -h, 'adjoint state');
    }
    a = acur;
    if (y !== states[k]) be.release(y);
  }
  if (a === undefined) a = be.space.zeros(states[0] as S);
  return { dy0: a, dtheta: g };
}
