/**
 * The forward solve of the gradient engine: the states at every output time. Under an autodiff
 * tape (tfjs, or a {@link Tape} over {@link tracedSpace}) this is back-propagation through the
 * solver; with `checkpointEvery` it also keeps every k-th state for {@link checkpointBackward}.
 */
import { checkInteger, checkOptions, invalid } from '@phaseflow/core';
import type { FieldBackend } from './backend.js';
import { nonFinite } from './internal.js';
import type { Schedule } from './schedule.js';
import { checkBackend, checkSchedule, checkState, guardBackend } from './validate.js';

/** What {@link solveForward} returns. */
export interface ForwardSolve<S> {
  /** The K states at the output times (owned by the caller). */
  readonly states: S[];
  /** Fixed steps taken (0 for an adaptive schedule: the backend's integrator counts those). */
  readonly steps: number;
  /**
   * With `checkpointEvery: k` (fixed steps only): per output interval, the states at local
   * steps 0, k, 2k, … (entry 0 is the interval's start: y0 or the previous output state, not a
   * copy). Owned by the caller; {@link checkpointBackward} releases them.
   */
  readonly checkpoints?: S[][];
}

/** Options of {@link solveForward}. */
export interface ForwardOptions {
  /** Keep the state at every k-th step of each output interval (checkpointing; fixed steps only). */
  readonly checkpointEvery?: number;
}

/**
 * Solve y' = f_θ(t, y) from y0 at `schedule.t0` to every output time: fixed steps of the
 * backend's integrator (`schedule.steps`) or ONE adaptive solve through all the output times
 * (`backend.solve`: dense output at the output times, no restart at each). Returns the K output
 * states (owned by the caller; y0 is never released) and the number of steps taken.
 * Intermediate states are released as soon as the next one exists, so a run without a tape
 * holds O(1) states (plus every k-th one with `checkpointEvery`); under a tape,
 * differentiating the result is back-propagation through the solver (discretise-then-optimise:
 * the exact gradient of the discrete solution).
 *
 * @throws PhaseflowError `NON_FINITE_STATE` (with `details.step`, `details.t`) when
 * `schedule.checkFinite` and a state becomes NaN/Inf; `INVALID_ARGUMENT` naming the argument
 * for a malformed backend, state, schedule or option (`checkpointEvery` on an adaptive
 * schedule); `SHAPE_MISMATCH` naming the callback when a backend callback returns a state of
 * another size; `CALLBACK_FAILED` naming it (the thrown value as `cause`) when one throws.
 * States made before a failure are released.
 * @example
 * ```ts
 * const { states } = solveForward(backend, y0, { t0: 0, times: [1], steps: [20], adjointIntegrator: createRk4(), checkFinite: true });
 * ```
 */
export function solveForward<S>(backend: FieldBackend<S>, y0: S, schedule: Schedule, options: ForwardOptions = {}): ForwardSolve<S> {
  const user = checkBackend<S>('backend', backend);
  const s = checkSchedule('schedule', schedule);
  const o = checkOptions('options', options, ['checkpointEvery']);
  const every = o.checkpointEvery === undefined ? undefined : checkInteger('options.checkpointEvery', o.checkpointEvery, { min: 1 });
  if (!s.steps && every !== undefined) invalid('options.checkpointEvery', 'a fixed-step schedule (schedule.steps) for checkpointing', every);
  const n = checkState('y0', user.space, y0, s.checkFinite);
  const be = guardBackend(user, n);
  if (!s.steps) {
    const states = be.tidy(() => be.solve(s.t0, s.times, y0, s.adaptive!));
    return { states, steps: 0 };
  }
  const states: S[] = [];
  const checkpoints: S[][] | undefined = every === undefined ? undefined : [];
  let y = y0;
  let prev = s.t0;
  let steps = 0;
  const releaseAll = () => {
    for (const st of states) be.release(st);
    if (checkpoints) for (const cs of checkpoints) for (let j = 1; j < cs.length; j++) be.release(cs[j]!);
  };
  const fixedSteps = s.steps;
  // y is an intermediate state of ours (not y0, not an output, not a checkpoint) while `loose`.
  let loose = false;
  try {
    for (let k = 0; k < s.times.length; k++) {
      const t1 = s.times[k]!;
      const m = fixedSteps[k]!;
      const h = (t1 - prev) / m;
      const kept: S[] | undefined = checkpoints ? [y] : undefined;
      if (checkpoints) checkpoints.push(kept!);
      for (let i = 0; i < m; i++) {
        const t = prev + i * h;
        const yi = y;
        const next = be.tidy(() => be.step(t, yi, h));
        steps++;
        // yi is an intermediate state (not y0, not a saved output) exactly when i > 0; a
        // checkpoint keeps it.
        if (loose) be.release(yi);
        y = next;
        loose = true;
        if (s.checkFinite && !be.space.isFinite(next)) nonFinite(prev + (i + 1) * h, steps, h, 'state');
        if (kept && i + 1 < m && (i + 1) % every! === 0) {
          kept.push(y);
          loose = false;
        }
      }
      states.push(y);
      loose = false;
      prev = t1;
    }
  } catch (e) {
    if (loose) be.release(y);
    releaseAll();
    throw e;
  }
  return checkpoints ? { states, steps, checkpoints } : { states, steps };
}
