/**
 * The forward solve of the gradient engine: the states at every output time. Under an autodiff
 * tape (tfjs, or a {@link Tape} over {@link tracedSpace}) this is back-propagation through the
 * solver.
 */
import type { FieldBackend } from './backend.js';
import { nonFinite } from './internal.js';
import type { Schedule } from './schedule.js';

/**
 * Solve y' = f_θ(t, y) from y0 at `schedule.t0` to every output time: fixed steps of the
 * backend's integrator (`schedule.steps`) or one adaptive solve per interval. Returns the K
 * output states (owned by the caller; y0 is never released) and the number of steps taken.
 * Intermediate states are released as soon as the next one exists, so a run without a tape
 * holds O(1) states; under a tape, differentiating the result is back-propagation through the
 * solver (discretise-then-optimise: the exact gradient of the discrete solution).
 *
 * @throws PhaseflowError `NON_FINITE_STATE` (with `details.step`, `details.t`) when
 * `schedule.checkFinite` and a state becomes NaN/Inf.
 * @example
 * ```ts
 * const { states } = solveForward(backend, y0, { t0: 0, times: [1], steps: [20], adjointIntegrator: createRk4(), checkFinite: true });
 * ```
 */
export function solveForward<S>(be: FieldBackend<S>, y0: S, s: Schedule): { states: S[]; steps: number } {
  const states: S[] = [];
  let y = y0;
  let prev = s.t0;
  let steps = 0;
  for (let k = 0; k < s.times.length; k++) {
    const t1 = s.times[k]!;
    if (s.steps) {
      const n = s.steps[k]!;
      const h = (t1 - prev) / n;
      for (let i = 0; i < n; i++) {
        const t = prev + i * h;
        const yi = y;
        const next = be.tidy(() => be.step(t, yi, h));
        steps++;
        // yi is an intermediate state (not y0, not a saved output) exactly when i > 0.
        if (i > 0) be.release(yi);
        if (s.checkFinite && !be.space.isFinite(next)) {
          be.release(next);
          for (const st of states) be.release(st);
          nonFinite(prev + (i + 1) * h, steps, h, 'state');
        }
        y = next;
      }
    } else {
      const yi = y;
      y = be.tidy(() => be.solve(prev, t1, yi, s.adaptive!));
      steps++;
    }
    states.push(y);
    prev = t1;
  }
  return { states, steps };
}
