/** What every Lie-group integrator shares: its type, entry checks and scratch buffers. */
import { checkStep, invalid, type Integrator } from '@phaseflow/core';
import { notOnManifold, wrongLength } from '../errors.js';
import { GROUP_TOLERANCE } from '../group.js';
import { outOf } from '../internal/check.js';
import type { HomogeneousSpace } from '../manifold.js';
import type { LieProblem } from '../problem.js';

type F = Float64Array;

/** A Lie-group integrator: a core Integrator of `lie` problems whose state is a point of the manifold. */
export interface LieIntegrator extends Integrator<LieProblem, F> {
  /** The method family. */
  readonly family: 'runge-kutta-munthe-kaas' | 'crouch-grossman' | 'commutator-free' | 'magnus';
  /** Generator evaluations per step. */
  readonly stages: number;
  /** Exponentials (and actions) per step. */
  readonly exponentials: number;
}

/** Scratch for one manifold: algebra vectors, a group element and stage points. */
export interface Work {
  readonly manifold: HomogeneousSpace;
  readonly y0: F;
  readonly F: F[];
  readonly k: F[];
  readonly points: F[];
  readonly u: F;
  readonly v: F;
  readonly term: F;
}

export function workFor(work: Work | undefined, manifold: HomogeneousSpace, stages: number): Work {
  if (work && work.manifold === manifold) return work;
  const d = manifold.group.dim;
  const vec = () => new Float64Array(d);
  return {
    manifold,
    y0: new Float64Array(manifold.size),
    F: Array.from({ length: stages }, vec),
    k: Array.from({ length: stages }, vec),
    points: Array.from({ length: stages }, () => new Float64Array(manifold.size)),
    u: vec(),
    v: vec(),
    term: vec(),
  };
}

/**
 * The checks of every step: problem kind, a finite t, step size, a state on the manifold, and
 * an `out` buffer (when given) of the state's length.
 */
export function checkLieStep(integrator: LieIntegrator, problem: LieProblem, h: number, y: F, t: number, out: F | undefined): void {
  checkStep(integrator, problem, h);
  if (typeof t !== 'number' || t - t !== 0) invalid('t', 'a finite time', t, typeof t === 'number' ? 'NON_FINITE_INPUT' : 'INVALID_ARGUMENT');
  const m = problem.manifold;
  if (!(y instanceof Float64Array)) invalid('y', `a Float64Array point of ${m.name}`, y);
  if (y.length !== m.size) wrongLength('y', `a point of ${m.name}`, m.size, y);
  const d = m.defect(y);
  if (!(d <= GROUP_TOLERANCE)) {
    for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) invalid(`y[${i}]`, 'a finite number', y[i], 'NON_FINITE_INPUT');
    notOnManifold('y', m.name, d, GROUP_TOLERANCE, m.defectMeasure);
  }
  if (out !== undefined) outOf(m.size, out);
}

/** Evaluate the generator into `out` and check its length once per step. */
export function evaluate(problem: LieProblem, t: number, y: F, out: F): F {
  const a = problem.generator(t, y, out);
  if (a !== out) {
    if (!(a instanceof Float64Array) || a.length !== out.length)
      wrongLength('problem.generator(t, y)', `an algebra vector of ${problem.manifold.group.name}`, out.length, a);
    out.set(a);
  }
  return out;
}

/** out ← h·Σⱼ cⱼ·xⱼ over the first `count` vectors (zero coefficients skipped). */
export function combine(h: number, c: ArrayLike<number>, xs: readonly F[], count: number, out: F): F {
  out.fill(0);
  for (let j = 0; j < count; j++) {
    const cj = c[j] ?? 0;
    if (cj === 0) continue;
    const x = xs[j]!;
    const a = h * cj;
    for (let i = 0; i < out.length; i++) out[i] += a * x[i]!;
  }
  return out;
}

/** y ← exp(u)·y. */
export function expAct(work: Work, u: F, y: F, out: F): F {
  return work.manifold.expAct(u, y, out);
}
