/**
 * The fourth-order Magnus integrator for linear problems Y' = A(t)·Y, with the two-point
 * Gauss rule (Iserles & Nørsett 1999; Blanes, Casas, Oteo & Ros 2009, eq. 253):
 *
 *   A₁,₂ = A(t + (½ ∓ √3/6)h),   Ω = (h/2)(A₁ + A₂) + (√3/12)h²·[A₂, A₁],   y₁ = exp(Ω)·y₀.
 *
 * Symmetric (Ω(−h) at the end point undoes Ω(h)), so time-reversible.
 */
import { checkInteger, PhaseflowError } from '@phaseflow/core';
import type { LieProblem } from '../problem.js';
import { checkLieStep, evaluate, expAct, workFor, type LieIntegrator, type Work } from './common.js';

type F = Float64Array;

const C1 = 0.5 - Math.sqrt(3) / 6;
const C2 = 0.5 + Math.sqrt(3) / 6;
const K = Math.sqrt(3) / 12;

/**
 * Magnus 4 for linear `lie` problems (`problem.linear === true`): two generator evaluations,
 * one commutator and one exponential per step. Order 4.
 *
 * @throws PhaseflowError `UNSUPPORTED_PROBLEM` for a problem whose generator depends on the state.
 * @example
 * ```ts
 * import { integrate } from '@phaseflow/core';
 * import { SO3, lieProblem, createMagnus4 } from '@phaseflow/lie';
 * const p = lieProblem({ manifold: SO3, linear: true,
 *   generator: (t, _R, out = new Float64Array(3)) => (out.set([Math.cos(t), Math.sin(t), 1]), out) });
 * integrate(createMagnus4(), p, SO3.identity(), { tEnd: 1, steps: 20 });
 * ```
 */
export function createMagnus4(): LieIntegrator {
  let work: Work | undefined;
  const one = (problem: LieProblem, t: number, h: number, out: F): F => {
    const w = work!;
    const a1 = evaluate(problem, t + C1 * h, w.y0, w.F[0]!);
    const a2 = evaluate(problem, t + C2 * h, w.y0, w.F[1]!);
    const c = problem.manifold.group.bracket(a2, a1, w.term);
    const o = w.u;
    const hh = 0.5 * h,
      kk = K * h * h;
    for (let i = 0; i < o.length; i++) o[i] = hh * (a1[i]! + a2[i]!) + kk * c[i]!;
    return expAct(w, o, w.y0, out);
  };
  const requireLinear = (problem: LieProblem) => {
    if (problem.linear !== true) {
      throw new PhaseflowError(
        'UNSUPPORTED_PROBLEM',
        `createMagnus4 solves linear problems Y' = A(t)Y only; this problem's generator depends on the state (problem.linear is not true)`,
        {
          argument: 'problem',
          expected: 'a lie problem with linear: true',
          received: `linear: ${String(problem.linear)}`,
        },
      );
    }
  };
  const integrator: LieIntegrator = {
    name: 'magnus4',
    order: 4,
    problemKinds: ['lie'],
    family: 'magnus',
    stages: 2,
    exponentials: 1,
    properties: { explicit: true, symplectic: false, timeReversible: true, adaptive: false },
    reference: 'A. Iserles, S. P. Nørsett, On the solution of linear differential equations in Lie groups, Phil. Trans. R. Soc. A 357 (1999)',
    step(problem, t, y, h, out) {
      checkLieStep(integrator, problem, h, y, t, out);
      requireLinear(problem);
      work = workFor(work, problem.manifold, 2);
      work.y0.set(y);
      return one(problem, t, h, out ?? new Float64Array(y.length));
    },
    advance(problem, t, y, h, n, out) {
      checkLieStep(integrator, problem, h, y, t, out);
      requireLinear(problem);
      checkInteger('n', n, { min: 0 });
      const o = out ?? new Float64Array(y.length);
      if (n === 0) return problem.space.copy(y, o);
      work = workFor(work, problem.manifold, 2);
      work.y0.set(y);
      for (let j = 0; j < n; j++) {
        one(problem, t + j * h, h, o);
        if (j < n - 1) work.y0.set(o);
      }
      return o;
    },
  };
  return integrator;
}
