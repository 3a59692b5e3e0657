/**
 * The continuous adjoint (optimise-then-discretise): gradients from one backward solve of the
 * augmented system, with memory independent of the number of steps.
 */
import { integrate, odeProblem, type Integrator, type OdeProblem } from '@phaseflow/core';
import { augmentedSpace, type AugmentedState } from './augmented-space.js';
import type { FieldBackend } from './backend.js';
import { addCotangent, nonFinite } from './internal.js';
import type { Schedule } from './schedule.js';
import { checkBackend, checkSchedule, checkSavedStates, guardBackend } from './validate.js';

/**
 * The continuous adjoint (Chen, Rubanova, Bettencourt & Duvenaud, NeurIPS 2018): integrate
 * backward from each output time t_k to t_{k−1} the augmented system
 *   y' = f(t, y),  a' = −aᵀ∂f/∂y,  g' = −aᵀ∂f/∂θ,
 * starting from the saved forward state, adding the loss cotangent ∂L/∂y(t_k) at every output
 * time. Returns dy0 = ∂L/∂y(t₀) and dtheta = ∂L/∂θ.
 *
 * Every stage of the backward solve needs f(t, y) and the vjp at the same point: a backend
 * with `valueAndVjp` evaluates the field once per stage (else `f`, then `vjp`).
 *
 * Memory: the K saved outputs and one augmented state, independent of the number of steps.
 * The result is the gradient of the exact flow, so it differs from the discrete gradient by
 * the integration error (O(hᵖ)); the backward solve re-integrates y, which is unstable for
 * stiff or strongly dissipative fields (Gholami et al. 2019). `cotangents[k]` may be undefined
 * for an output the loss does not read.
 *
 * @throws PhaseflowError `NON_FINITE_STATE` when `schedule.checkFinite` and the adjoint state
 * becomes NaN/Inf; coded errors naming the argument for a malformed backend, schedule, states
 * or cotangents, and naming the callback for a backend callback that throws (CALLBACK_FAILED)
 * or returns a state of another size (SHAPE_MISMATCH).
 * @example
 * ```ts
 * const { states } = solveForward(backend, y0, schedule);
 * const { dy0, dtheta } = adjointBackward(backend, states, states.map((y) => lossGradient(y)), schedule);
 * ```
 */
export function adjointBackward<S>(
  backend: FieldBackend<S>,
  states: readonly S[],
  cotangents: readonly (S | undefined)[],
  schedule: Schedule,
): { dy0: S; dtheta: S } {
  const user = checkBackend<S>('backend', backend);
  const s = checkSchedule('schedule', schedule);
  const be = guardBackend(user, checkSavedStates(user.space, states, cotangents, s));
  const aug = augmentedSpace(be.space);
  const problem = odeProblem<AugmentedState<S>>(
    (t, z) => {
      be.onEvaluate?.();
      // One evaluation of f per stage when the backend returns f with its vjp.
      const [fy, ay, ag] = be.valueAndVjp ? be.valueAndVjp(t, z.y, z.a) : [be.f(t, z.y), ...be.vjp(t, z.y, z.a)];
      return { y: fy, a: be.space.scale(-1, ay), g: be.space.scale(-1, ag) };
    },
    { space: aug },
  );
  const integ = s.adjointIntegrator as unknown as Integrator<OdeProblem<AugmentedState<S>>, AugmentedState<S>>;
  let a: S | undefined;
  let g: S = be.thetaZeros();
  for (let k = s.times.length - 1; k >= 0; k--) {
    const t1 = s.times[k]!;
    const t0 = k === 0 ? s.t0 : s.times[k - 1]!;
    a = addCotangent(be, a, cotangents[k]);
    if (a === undefined) continue; // nothing flows back yet
    let z: AugmentedState<S> = { y: states[k]!, a, g };
    const owned = new Set<S>([a, g]);
    const drop = (old: AugmentedState<S>, keep: AugmentedState<S>) => {
      for (const key of ['y', 'a', 'g'] as const) {
        const v = old[key];
        if (owned.has(v) && v !== keep[key]) {
          be.release(v);
          owned.delete(v);
        }
      }
      for (const key of ['y', 'a', 'g'] as const) owned.add(keep[key]);
    };
    if (s.steps) {
      const n = s.steps[k]!;
      const h = (t1 - t0) / n;
      for (let i = n; i > 0; i--) {
        const t = t0 + i * h;
        const zi = z;
        const next = be.tidy(() => integ.step(problem, t, zi, -h) as unknown as AugmentedState<S>);
        drop(zi, next);
        z = next;
        if (s.checkFinite && !aug.isFinite(z)) nonFinite(t - h, n - i + 1, -h, 'adjoint state');
      }
    } else {
      const zi = z;
      const next = be.tidy(() => {
        const sol = integrate(integ, problem, zi, { t0: t1, tEnd: t0, adaptive: s.adaptive! });
        return sol.yFinal;
      });
      drop(zi, next);
      z = next;
    }
    if (owned.has(z.y)) be.release(z.y);
    a = z.a;
    g = z.g;
  }
  if (a === undefined) a = be.space.zeros(states[0] as S);
  return { dy0: a, dtheta: g };
}
