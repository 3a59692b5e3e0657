/**
 * Checkpointed back-propagation through the solver: the exact gradient of the discrete
 * solution with memory bounded by the user, by storing every k-th state and recomputing the
 * steps between them on the backward pass.
 */
import { PhaseflowError, checkFinite, checkInteger, checkNonNegative, checkOptions, checkPositive, invalid } from '@phaseflow/core';
import type { FieldBackend } from './backend.js';
import './errors.js';
import { addCotangent, nonFinite } from './internal.js';
import type { Schedule } from './schedule.js';
import { checkArgumentPath, checkArray, checkBackend, checkCotangents, checkSchedule, guardBackend, stateSize } from './validate.js';

/** What back-propagation costs in memory, per stored state and per step kept on a tape. */
export interface MemoryModel {
  /** Bytes of one state (a checkpoint, an output). */
  readonly stateBytes: number;
  /** Bytes one integrator step keeps alive under a tape until the backward pass (its stages, the field's intermediates). */
  readonly stepBytes: number;
}

/** The checkpoint spacing {@link planCheckpoints} chose and what it needs. */
export interface CheckpointPlan {
  /** Store every k-th state of each output interval (k = `every`), recompute the k − 1 between. */
  readonly every: number;
  /** Estimated peak: checkpoints and outputs, plus one segment of `every` steps on a tape. */
  readonly needBytes: number;
  /** Checkpoints stored (over all output intervals, interval starts included). */
  readonly checkpoints: number;
}

const gib = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${Math.round(b)} B`);

/** Step counts per output interval: a non-empty array of positive integers whose sum is countable (the scan of planCheckpoints is linear in the longest). */
function checkSteps(argument: string, steps: unknown): readonly number[] {
  if (!Array.isArray(steps) || steps.length === 0) invalid(argument, 'a non-empty array of step counts (one per output interval)', steps);
  steps.forEach((n, i) => checkInteger(`${argument}[${i}]`, n, { min: 1, max: 2 ** 31 }));
  return steps;
}

/** A memory model: bytes per state and per step, finite and ≥ 0. */
function checkModel(argument: string, model: unknown): MemoryModel {
  if (model === undefined) invalid(argument, 'a MemoryModel { stateBytes, stepBytes }', model);
  const o = checkOptions(argument, model as MemoryModel, ['stateBytes', 'stepBytes']);
  return { stateBytes: checkNonNegative(`${argument}.stateBytes`, o.stateBytes), stepBytes: checkNonNegative(`${argument}.stepBytes`, o.stepBytes) };
}

/**
 * Throw `MEMORY_BOUND_EXCEEDED` naming the option, the estimated need and the bound.
 *
 * @example
 * ```ts
 * memoryBoundExceeded('args.memory.maxBytes', 5e9, 4e9, "gradient: 'checkpoint' bounds it");
 * ```
 */
export function memoryBoundExceeded(argument: string, needBytes: number, boundBytes: number, hint: string): never {
  checkArgumentPath('argument', argument);
  checkNonNegative('needBytes', needBytes);
  checkFinite('boundBytes', boundBytes);
  if (typeof hint !== 'string') invalid('hint', 'a sentence saying what to do instead (a string)', hint);
  throw new PhaseflowError(
    'MEMORY_BOUND_EXCEEDED',
    `${argument}: the gradient needs an estimated ${gib(needBytes)}, above the bound of ${gib(boundBytes)}; ${hint}`,
    { argument, expected: `a bound of at least ${Math.ceil(needBytes)} bytes`, received: String(boundBytes), needBytes: Math.ceil(needBytes), boundBytes },
  );
}

/**
 * Peak memory of plain back-propagation through `steps` (fixed steps per output interval):
 * every step's tape lives until the backward pass, N·stepBytes + K·stateBytes.
 *
 * @example
 * ```ts
 * backpropBytes([1000], { stateBytes: 4096, stepBytes: 850_000 }); // ≈ 850 MB
 * ```
 */
export function backpropBytes(steps: readonly number[], model: MemoryModel): number {
  checkSteps('steps', steps);
  checkModel('model', model);
  const n = steps.reduce((a, b) => a + b, 0);
  return n * model.stepBytes + steps.length * model.stateBytes;
}

/**
 * Choose the checkpoint spacing k for a memory bound: the largest k (fewest segments, the least
 * overhead; the compute is one extra untaped forward step per step whatever k) whose estimated
 * peak fits, need(k) = (Σᵢ ⌈nᵢ/k⌉ + K)·stateBytes + (k + 1)·stepBytes (the checkpoints, the K
 * outputs, one segment's tape and the backward pass's transient). need is smallest near
 * k = √(N·stateBytes/stepBytes) (Griewank's √N), the plan returned without a bound; when even
 * that does not fit the bound, throws `MEMORY_BOUND_EXCEEDED` naming `argument`.
 *
 * @example
 * ```ts
 * planCheckpoints([1000], { stateBytes: 4096, stepBytes: 850_000 }, 64 * 2 ** 20).every; // 77
 * ```
 */
export function planCheckpoints(steps: readonly number[], model: MemoryModel, maxBytes?: number, argument = 'memory.maxBytes'): CheckpointPlan {
  checkArgumentPath('argument', argument);
  checkSteps('steps', steps);
  const { stateBytes: S, stepBytes: T } = checkModel('model', model);
  if (maxBytes !== undefined) checkPositive(argument, maxBytes);
  const nMax = Math.max(1, ...steps);
  const plan = (k: number): CheckpointPlan => {
    const checkpoints = steps.reduce((c, n) => c + Math.ceil(n / k), 0);
    return { every: k, checkpoints, needBytes: (checkpoints + steps.length) * S + (Math.min(k, nMax) + 1) * T };
  };
  // need(k) is convex-ish in k (a decreasing staircase plus a line): scan it once, it is cheap.
  let best: CheckpointPlan | undefined;
  let least = plan(1);
  for (let k = 1; k <= nMax; k++) {
    const p = plan(k);
    if (p.needBytes < least.needBytes) least = p;
    if (maxBytes !== undefined && p.needBytes <= maxBytes) best = p;
  }
  if (maxBytes === undefined) return least;
  if (!best) memoryBoundExceeded(argument, least.needBytes, maxBytes, `even the smallest checkpointed backward pass (every ${least.every} steps) does not fit`);
  return best;
}

/**
 * The backward pass of checkpointed back-propagation (Griewank & Walther, "Evaluating
 * Derivatives", 2008, ch. 12; Gholami et al.'s ANODE, 2019; diffrax's
 * `RecursiveCheckpointAdjoint`): walk the output intervals backwards; in each, walk the
 * segments between checkpoints backwards, recompute each segment's steps from its checkpoint
 * and pull the cotangent through them (`stepsVjp` under one tape, or `stepVjp` per step over
 * recomputed states), adding the loss cotangent at every output time. The result is the exact
 * gradient of the discrete solution (equal to plain back-propagation to rounding); the memory
 * is the checkpoints plus one segment, {@link planCheckpoints} chooses the spacing; the cost is
 * one extra (untaped) step per step. Fixed steps only. Releases the checkpoints.
 *
 * @throws PhaseflowError `NON_FINITE_STATE` when `schedule.checkFinite` and the adjoint state
 * becomes NaN/Inf; coded errors naming the argument for a malformed backend, schedule (fixed
 * steps required), checkpoint lists (⌈nₖ/every⌉ states per interval), cotangents or spacing,
 * and naming the callback for a backend callback that throws (CALLBACK_FAILED) or returns a
 * state of another size (SHAPE_MISMATCH).
 * @example
 * ```ts
 * const { states, checkpoints } = solveForward(backend, y0, schedule, { checkpointEvery: 32 });
 * const { dy0, dtheta } = checkpointBackward(backend, checkpoints!, cotangents, schedule, 32);
 * ```
 */
export function checkpointBackward<S>(
  backend: FieldBackend<S>,
  checkpoints: readonly (readonly S[])[],
  cotangents: readonly (S | undefined)[],
  schedule: Schedule,
  every: number,
): { dy0: S; dtheta: S } {
  const user = checkBackend<S>('backend', backend);
  const s = checkSchedule('schedule', schedule, true);
  checkInteger('every', every, { min: 1 });
  const K = s.times.length;
  const lists = checkArray('checkpoints', checkpoints, K, 'checkpoint lists');
  let n: number | undefined;
  lists.forEach((list, k) => {
    const count = Math.ceil(s.steps![k]! / every);
    const cs = checkArray(`checkpoints[${k}]`, list, count, `checkpoints (every ${every} of ${s.steps![k]} steps)`);
    cs.forEach((c, j) => {
      n = stateSize(`checkpoints[${k}][${j}]`, user.space, c, n);
    });
  });
  checkCotangents('cotangents', user.space, cotangents, K, n!);
  const be = guardBackend(user, n!);
  let a: S | undefined;
  let g: S = be.thetaZeros();
  const segmentVjp = (t: number, y: S, h: number, m: number, ai: S): [S, S] => {
    if (be.stepsVjp) return be.tidy(() => be.stepsVjp!(t, y, h, m, ai));
    // Recompute the segment's states without a tape, then one step's tape at a time.
    const ys: S[] = [y];
    for (let i = 1; i < m; i++) {
      const prev = ys[i - 1]!;
      ys.push(be.tidy(() => be.step(t + (i - 1) * h, prev, h)));
    }
    let acur = ai;
    let gs: S | undefined;
    for (let i = m - 1; i >= 0; i--) {
      const ac = acur;
      const [an, gn] = be.tidy(() => be.stepVjp(t + i * h, ys[i]!, h, ac));
      if (ac !== ai) be.release(ac);
      if (i > 0) be.release(ys[i]!);
      if (gs === undefined) gs = gn;
      else {
        const old: S = gs;
        gs = be.tidy(() => be.space.axpy(1, gn, old));
        be.release(old);
        be.release(gn);
      }
      acur = an;
    }
    return [acur, gs!];
  };
  for (let k = s.times.length - 1; k >= 0; k--) {
    const t1 = s.times[k]!;
    const t0 = k === 0 ? s.t0 : s.times[k - 1]!;
    const n = s.steps![k]!;
    const h = (t1 - t0) / n;
    const cps = checkpoints[k]!;
    a = addCotangent(be, a, cotangents[k]);
    for (let seg = cps.length - 1; seg >= 0; seg--) {
      const j0 = seg * every;
      const m = Math.min(every, n - j0);
      if (a !== undefined) {
        const ai: S = a;
        const [an, gn] = segmentVjp(t0 + j0 * h, cps[seg]!, h, m, ai);
        be.release(ai);
        const gi = g;
        g = be.tidy(() => be.space.axpy(1, gn, gi));
        be.release(gi);
        be.release(gn);
        a = an;
        if (s.checkFinite && !be.space.isFinite(a)) nonFinite(t0 + j0 * h, n - j0, -h, 'adjoint state');
      }
      // Entry 0 is the interval's start (y0 or an output state): not ours to release.
      if (seg > 0) be.release(cps[seg]!);
    }
  }
  if (a === undefined) a = be.space.zeros(checkpoints[0]![0]!);
  return { dy0: a, dtheta: g };
}
