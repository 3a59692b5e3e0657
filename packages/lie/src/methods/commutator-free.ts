/**
 * Commutator-free Lie-group methods: every stage and the update are products of exponentials
 * of linear combinations of the stage generators, so no commutator is ever formed
 * (Celledoni, Marthinsen & Owren 2003). Crouch–Grossman methods are the special case of one
 * generator per exponential (Crouch & Grossman 1993; Owren & Marthinsen 1999).
 *
 *   Yᵢ = exp(h Σⱼ α⁽ⁱ,ᵐ⁾ⱼ Fⱼ) ··· exp(h Σⱼ α⁽ⁱ,¹⁾ⱼ Fⱼ)·Y_{from(i)},   Fᵢ = A(t + cᵢh, Yᵢ),
 *   y₁ = exp(h Σⱼ β⁽ᴹ⁾ⱼ Fⱼ) ··· exp(h Σⱼ β⁽¹⁾ⱼ Fⱼ)·y₀,
 *
 * exponentials listed in the order they are applied (the first acts first).
 */
import { checkInteger, invalid } from '@phaseflow/core';
import type { LieProblem } from '../problem.js';
import { checkLieStep, combine, evaluate, expAct, workFor, type LieIntegrator, type Work } from './common.js';

type F = Float64Array;

/** One stage (or the update) as a product of exponentials. */
export interface ExponentialProduct {
  /** Start from this earlier stage's point instead of y₀ (saves recomputing its exponentials). */
  readonly from?: number;
  /** Coefficients over F₁, F₂, … of each exponential, in the order they act. */
  readonly exps: readonly (readonly number[])[];
}

/** A commutator-free (or Crouch–Grossman) scheme as data. */
export interface CommutatorFreeScheme {
  readonly name: string;
  /** Classical order p. */
  readonly order: number;
  readonly family: 'crouch-grossman' | 'commutator-free';
  /** Stage times c₁ … c_s (c₁ = 0). */
  readonly c: readonly number[];
  /** Stages 2 … s (stage 1 is y₀ itself). */
  readonly stages: readonly ExponentialProduct[];
  readonly update: ExponentialProduct;
  readonly reference: string;
}

/**
 * Crouch–Grossman order 2 on Heun's weights: F₂ = A(t + h, exp(hF₁)y₀),
 * y₁ = exp(h/2·F₂)·exp(h/2·F₁)·y₀.
 *
 * @example
 * ```ts
 * createCommutatorFree(CG2).order; // 2
 * ```
 */
export const CG2: CommutatorFreeScheme = {
  name: 'crouch-grossman2',
  order: 2,
  family: 'crouch-grossman',
  c: [0, 1],
  stages: [{ exps: [[1]] }],
  update: { exps: [[1 / 2], [0, 1 / 2]] },
  reference: 'P. E. Crouch, R. Grossman, Numerical integration of ordinary differential equations on manifolds, J. Nonlinear Sci. 3 (1993)',
};

/**
 * Crouch–Grossman order 3 (three stages): c = (0, 3/4, 17/24), a₂₁ = 3/4, a₃₁ = 119/216,
 * a₃₂ = 17/108, b = (13/51, −2/3, 24/17).
 *
 * @example
 * ```ts
 * createCommutatorFree(CG3).order; // 3
 * ```
 */
export const CG3: CommutatorFreeScheme = {
  name: 'crouch-grossman3',
  order: 3,
  family: 'crouch-grossman',
  c: [0, 3 / 4, 17 / 24],
  stages: [{ exps: [[3 / 4]] }, { exps: [[119 / 216], [0, 17 / 108]] }],
  update: { exps: [[13 / 51], [0, -2 / 3], [0, 0, 24 / 17]] },
  reference:
    'P. E. Crouch, R. Grossman, J. Nonlinear Sci. 3 (1993); B. Owren, A. Marthinsen, Runge–Kutta methods adapted to manifolds and based on rigid frames, BIT 39 (1999)',
};

/**
 * Commutator-free order 3 (Celledoni, Marthinsen & Owren 2003): c = (0, 1/3, 2/3),
 * Y₂ = exp(h/3·F₁)y₀, Y₃ = exp(2h/3·F₂)y₀, y₁ = exp(h(−F₁/12 + 3F₃/4))·exp(h/3·F₁)·y₀.
 *
 * @example
 * ```ts
 * createCommutatorFree(CF3).order; // 3
 * ```
 */
export const CF3: CommutatorFreeScheme = {
  name: 'cf3',
  order: 3,
  family: 'commutator-free',
  c: [0, 1 / 3, 2 / 3],
  stages: [{ exps: [[1 / 3]] }, { exps: [[0, 2 / 3]] }],
  update: { exps: [[1 / 3], [-1 / 12, 0, 3 / 4]] },
  reference: 'E. Celledoni, A. Marthinsen, B. Owren, Commutator-free Lie group methods, Future Gener. Comput. Syst. 19 (2003)',
};

/**
 * Commutator-free order 4 (Celledoni, Marthinsen & Owren 2003), four stages and five
 * exponentials: Y₂ = exp(hF₁/2)y₀, Y₃ = exp(hF₂/2)y₀, Y₄ = exp(h(F₃ − F₁/2))Y₂,
 * y₁ = exp(h(−F₁/12 + F₂/6 + F₃/6 + F₄/4))·exp(h(F₁/4 + F₂/6 + F₃/6 − F₄/12))·y₀.
 *
 * @example
 * ```ts
 * createCommutatorFree(CF4).order; // 4
 * ```
 */
export const CF4: CommutatorFreeScheme = {
  name: 'cf4',
  order: 4,
  family: 'commutator-free',
  c: [0, 1 / 2, 1 / 2, 1],
  stages: [{ exps: [[1 / 2]] }, { exps: [[0, 1 / 2]] }, { from: 1, exps: [[-1 / 2, 0, 1]] }],
  update: {
    exps: [
      [1 / 4, 1 / 6, 1 / 6, -1 / 12],
      [-1 / 12, 1 / 6, 1 / 6, 1 / 4],
    ],
  },
  reference: 'E. Celledoni, A. Marthinsen, B. Owren, Commutator-free Lie group methods, Future Gener. Comput. Syst. 19 (2003)',
};

function checkScheme(s: CommutatorFreeScheme): void {
  if (s === null || typeof s !== 'object') invalid('scheme', 'a commutator-free scheme { name, order, c, stages, update }', s);
  checkInteger('scheme.order', s.order, { min: 1 });
  if (!Array.isArray(s.c) || !Array.isArray(s.stages) || s.stages.length !== s.c.length - 1) {
    invalid('scheme.stages', `one entry per stage after the first (${(s.c?.length ?? 1) - 1})`, s.stages);
  }
  const all = [...s.stages, s.update];
  all.forEach((st, i) => {
    const label = i < s.stages.length ? `scheme.stages[${i}]` : 'scheme.update';
    const known = i < s.stages.length ? i + 1 : s.c.length;
    if (!st || !Array.isArray(st.exps)) invalid(label, '{ exps: number[][] }', st);
    if (st.from !== undefined) checkInteger(`${label}.from`, st.from, { min: 0, max: known - 1 });
    st.exps.forEach((e: readonly number[], m: number) => {
      if (!Array.isArray(e) || e.length > known) invalid(`${label}.exps[${m}]`, `coefficients over the ${known} generators known there`, e);
    });
  });
}

/**
 * Build an integrator from a commutator-free or Crouch–Grossman scheme.
 *
 * @example
 * ```ts
 * import { CF4, createCommutatorFree } from '@phaseflow/lie';
 * const createCf4 = createCommutatorFree(CF4);
 * createCf4.exponentials; // 5
 * ```
 */
export function createCommutatorFree(scheme: CommutatorFreeScheme): LieIntegrator {
  checkScheme(scheme);
  const s = scheme.c.length;
  const exponentials = scheme.stages.reduce((n, st) => n + st.exps.length, 0) + scheme.update.exps.length;
  let work: Work | undefined;

  const product = (w: Work, prod: ExponentialProduct, known: number, h: number, out: F): F => {
    const start = prod.from === undefined ? w.y0 : w.points[prod.from]!;
    if (prod.exps.length === 0) return out === start ? out : (out.set(start), out);
    let y = start;
    for (const e of prod.exps) {
      combine(h, e, w.F, known, w.u);
      y = expAct(w, w.u, y, out);
    }
    return y;
  };

  const one = (problem: LieProblem, t: number, h: number, out: F): F => {
    const w = work!;
    w.points[0]!.set(w.y0);
    evaluate(problem, t, w.y0, w.F[0]!);
    for (let i = 1; i < s; i++) {
      const yi = product(w, scheme.stages[i - 1]!, i, h, w.points[i]!);
      evaluate(problem, t + scheme.c[i]! * h, yi, w.F[i]!);
    }
    return product(w, scheme.update, s, h, out);
  };

  const integrator: LieIntegrator = {
    name: scheme.name,
    order: scheme.order,
    problemKinds: ['lie'],
    family: scheme.family,
    stages: s,
    exponentials,
    properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
    reference: scheme.reference,
    step(problem, t, y, h, out) {
      checkLieStep(integrator, problem, h, y, t, out);
      work = workFor(work, problem.manifold, s);
      work.y0.set(y);
      return one(problem, t, h, out ?? new Float64Array(y.length));
    },
    advance(problem, t, y, h, n, out) {
      checkLieStep(integrator, problem, h, y, t, out);
      checkInteger('n', n, { min: 0 });
      const o = out ?? new Float64Array(y.length);
      if (n === 0) return problem.space.copy(y, o);
      work = workFor(work, problem.manifold, s);
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

/**
 * Crouch–Grossman order 2 ({@link CG2}).
 *
 * @example
 * ```ts
 * integrate(createCrouchGrossman2(), problem, y0, { tEnd: 1, steps: 200 });
 * ```
 */
export const createCrouchGrossman2 = (): LieIntegrator => createCommutatorFree(CG2);

/**
 * Crouch–Grossman order 3 ({@link CG3}).
 *
 * @example
 * ```ts
 * integrate(createCrouchGrossman3(), problem, y0, { tEnd: 1, steps: 100 });
 * ```
 */
export const createCrouchGrossman3 = (): LieIntegrator => createCommutatorFree(CG3);

/**
 * Commutator-free order 3 ({@link CF3}).
 *
 * @example
 * ```ts
 * integrate(createCf3(), problem, y0, { tEnd: 1, steps: 100 });
 * ```
 */
export const createCf3 = (): LieIntegrator => createCommutatorFree(CF3);

/**
 * Commutator-free order 4 ({@link CF4}).
 *
 * @example
 * ```ts
 * integrate(createCf4(), problem, y0, { tEnd: 1, steps: 50 });
 * ```
 */
export const createCf4 = (): LieIntegrator => createCommutatorFree(CF4);
