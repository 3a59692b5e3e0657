/**
 * Each method is an Integrator made by a factory over its Butcher tableau.
 */
import { checkInteger, checkStep, float64Space, type Advancer, type Integrator, type OdeProblem } from '@phaseflow/core';
import { createStepper, type RungeKuttaAdaptiveOptions, type RungeKuttaStepper } from './adaptive.js';
import { checkOdeState, checkTime, createWork, evaluateStages, fixedStageCount, propagate, type StageWork } from './engine.js';
import { kernelCoefficients, rungeKuttaKernel, type RungeKuttaKernel } from './kernel.js';
import { checkTableau } from './order-conditions.js';
import type { ButcherTableau } from './tableau.js';
import { BS3, DOP853, DOPRI5, EULER, HEUN, MIDPOINT, RALSTON, RK38, RK4, TSIT5 } from './tableaus.js';

/** An explicit Runge–Kutta method as a core Integrator of `ode` problems over any VectorSpace. */
export interface RungeKuttaIntegrator<S = Float64Array> extends Integrator<OdeProblem<S>, S> {
  /** The coefficients this method runs. */
  readonly tableau: ButcherTableau;
  /** Present for embedded pairs: an adaptive solve with error control (and dense output when the pair has one). */
  adaptive?(problem: OdeProblem<S>, t0: number, y0: S, tEnd: number, options: RungeKuttaAdaptiveOptions): RungeKuttaStepper<S>;
}

/** Tableaux that passed {@link checkTableau} (the built-in ones are checked once per process). */
const checkedTableaux = new WeakSet<ButcherTableau>();

/**
 * Build an Integrator from any explicit Butcher tableau. `step` advances with the propagated
 * (higher-order) weights b; embedded pairs also get `adaptive`. The tableau must satisfy what
 * it declares (see {@link checkTableau}): row sums cᵢ = Σⱼ aᵢⱼ and Butcher's order conditions
 * up to `order` (every rooted tree, relative tolerance 1e-12), the embedded weights at their
 * order; otherwise INVALID_ARGUMENT names the failing condition.
 *
 * @example
 * ```ts
 * import { createRungeKutta } from '@phaseflow/runge-kutta';
 * const heun = createRungeKutta({ name: 'heun', order: 2, fsal: false, c: [0, 1], a: [[], [1]], b: [0.5, 0.5], reference: 'Heun (1900)' });
 * ```
 */
export function createRungeKutta<S = Float64Array>(tableau: ButcherTableau): RungeKuttaIntegrator<S> {
  if (!checkedTableaux.has(tableau)) {
    checkTableau(tableau);
    checkedTableaux.add(tableau);
  }
  const stages = fixedStageCount(tableau);
  let work: StageWork<S> | undefined;
  let kernel: RungeKuttaKernel | undefined;
  /**
   * Fixed steps of size h on Float64Array states in core's float64Space: the tableau's kernel
   * (see kernel.ts) with this run's coefficients and stage buffers, or undefined for any other
   * space. Bitwise the states of `step`.
   */
  const float64Steps = (problem: OdeProblem<S>, y: S, h: number): Advancer<S> | undefined => {
    if (problem.space !== (float64Space as unknown) || !(y instanceof Float64Array)) return undefined;
    kernel ??= rungeKuttaKernel(tableau, stages);
    const run = kernel;
    const n = y.length;
    const k = Array.from({ length: stages }, () => new Float64Array(n));
    const tmp = new Float64Array(n);
    const { ch, A, B } = kernelCoefficients(tableau, stages, h);
    const pr = problem as unknown as OdeProblem<Float64Array>;
    return (t, from, m, out) => run(pr, t, from as Float64Array, h, m, out as Float64Array | undefined, k, tmp, ch, A, B) as S;
  };
  /** The last prepared steps of `advance`, reused while the problem, h and the size stay the same. */
  let cached: { problem: OdeProblem<S>; h: number; n: number; steps: Advancer<S> } | undefined;
  const integrator: RungeKuttaIntegrator<S> = {
    name: tableau.name,
    order: tableau.order,
    problemKinds: ['ode'],
    properties: {
      explicit: true,
      symplectic: false,
      timeReversible: false,
      adaptive: tableau.embedded !== undefined,
      denseOutput: tableau.dense !== undefined,
    },
    reference: tableau.reference,
    tableau,
    step(problem, t, y, h, out) {
      checkStep(integrator, problem, h);
      checkTime(t);
      const space = problem.space;
      checkOdeState(space, y, out);
      if (!work || work.space !== space || work.size !== space.size(y)) work = createWork(space, y, stages);
      evaluateStages(work, tableau.c, tableau.a, problem, t, y, h, 0, stages);
      return propagate(work, tableau, y, h, out);
    },
    advance(problem, t, y, h, n, out) {
      checkStep(integrator, problem, h);
      checkTime(t);
      // core's checkInteger builds its message on every call: test first, let it explain a refusal.
      if (!(typeof n === 'number' && Number.isInteger(n) && n >= 0)) checkInteger('n', n, { min: 0 });
      const space = problem.space;
      checkOdeState(space, y, out);
      if (n === 0) return space.copy(y, out);
      if (y instanceof Float64Array) {
        if (cached?.problem !== problem || cached.h !== h || cached.n !== y.length) {
          const steps = float64Steps(problem, y, h);
          cached = steps && { problem, h, n: y.length, steps };
        }
        if (cached) return cached.steps(t, y, n, out);
      }
      if (!work || work.space !== space || work.size !== space.size(y)) work = createWork(space, y, stages);
      // The first step reads y and writes `out`; the others update the result in place.
      let z = y;
      for (let j = 0; j < n; j++) {
        evaluateStages(work, tableau.c, tableau.a, problem, t + j * h, z, h, 0, stages);
        z = propagate(work, tableau, z, h, j === 0 ? out : z);
      }
      return z;
    },
    prepareAdvance(problem, y, h) {
      // What `advance` checks and builds on each call, once for the run.
      checkStep(integrator, problem, h);
      checkOdeState(problem.space, y, undefined);
      return float64Steps(problem, y, h);
    },
  };
  if (tableau.embedded) {
    integrator.adaptive = (problem, t0, y0, tEnd, options) => {
      checkStep(integrator, problem, 1);
      // Left out means the defaults; null is no options object (createStepper refuses it).
      return createStepper(tableau, tableau.name, problem, t0, y0, tEnd, options === undefined ? {} : options);
    };
  }
  return integrator;
}

/**
 * Explicit Euler: y₁ = y + h f(t, y). Order 1. Euler (1768).
 *
 * @example
 * ```ts
 * import { integrate, odeProblem } from '@phaseflow/core';
 * import { createEuler } from '@phaseflow/runge-kutta';
 * const decay = odeProblem((t, y, out = new Float64Array(1)) => ((out[0] = -y[0]!), out));
 * integrate(createEuler(), decay, Float64Array.of(1), { tEnd: 1, steps: 100 }).yFinal; // ≈ e⁻¹
 * ```
 */
export const createEuler = <S = Float64Array>(): RungeKuttaIntegrator<S> => createRungeKutta<S>(EULER);

/**
 * {@link createEuler} under its old lowercase name: builds the same method.
 *
 * @deprecated Use createEuler; removed in the next minor
 *
 * @example
 * ```ts
 * euler(); // same as createEuler()
 * ```
 */
export const euler = <S = Float64Array>(): RungeKuttaIntegrator<S> => createEuler<S>();

/**
 * Explicit midpoint: y₁ = y + h f(t + h/2, y + h/2 f(t, y)). Order 2. Runge (1895).
 *
 * @example
 * ```ts
 * integrate(createMidpoint(), problem, y0, { tEnd: 1, steps: 100 });
 * ```
 */
export const createMidpoint = <S = Float64Array>(): RungeKuttaIntegrator<S> => createRungeKutta<S>(MIDPOINT);

/**
 * {@link createMidpoint} under its old lowercase name: builds the same method.
 *
 * @deprecated Use createMidpoint; removed in the next minor
 *
 * @example
 * ```ts
 * midpoint(); // same as createMidpoint()
 * ```
 */
export const midpoint = <S = Float64Array>(): RungeKuttaIntegrator<S> => createMidpoint<S>();

/**
 * Heun's method: y₁ = y + h/2 (k₁ + k₂), k₂ = f(t + h, y + h k₁). Order 2. Heun (1900).
 *
 * @example
 * ```ts
 * integrate(createHeun(), problem, y0, { tEnd: 1, steps: 100 });
 * ```
 */
export const createHeun = <S = Float64Array>(): RungeKuttaIntegrator<S> => createRungeKutta<S>(HEUN);

/**
 * {@link createHeun} under its old lowercase name: builds the same method.
 *
 * @deprecated Use createHeun; removed in the next minor
 *
 * @example
 * ```ts
 * heun(); // same as createHeun()
 * ```
 */
export const heun = <S = Float64Array>(): RungeKuttaIntegrator<S> => createHeun<S>();

/**
 * Ralston's method: k₂ = f(t + 2h/3, y + 2h/3 k₁), y₁ = y + h(k₁/4 + 3k₂/4). Order 2. Ralston (1962).
 *
 * @example
 * ```ts
 * integrate(createRalston(), problem, y0, { tEnd: 1, steps: 100 });
 * ```
 */
export const createRalston = <S = Float64Array>(): RungeKuttaIntegrator<S> => createRungeKutta<S>(RALSTON);

/**
 * {@link createRalston} under its old lowercase name: builds the same method.
 *
 * @deprecated Use createRalston; removed in the next minor
 *
 * @example
 * ```ts
 * ralston(); // same as createRalston()
 * ```
 */
export const ralston = <S = Float64Array>(): RungeKuttaIntegrator<S> => createRalston<S>();

/**
 * Classical Runge–Kutta: y₁ = y + h/6 (k₁ + 2k₂ + 2k₃ + k₄). Order 4. Kutta (1901).
 *
 * @example
 * ```ts
 * integrate(createRk4(), problem, y0, { tEnd: 1, steps: 100 });
 * ```
 */
export const createRk4 = <S = Float64Array>(): RungeKuttaIntegrator<S> => createRungeKutta<S>(RK4);

/**
 * {@link createRk4} under its old lowercase name: builds the same method.
 *
 * @deprecated Use createRk4; removed in the next minor
 *
 * @example
 * ```ts
 * rk4(); // same as createRk4()
 * ```
 */
export const rk4 = <S = Float64Array>(): RungeKuttaIntegrator<S> => createRk4<S>();

/**
 * Kutta's 3/8 rule: y₁ = y + h/8 (k₁ + 3k₂ + 3k₃ + k₄). Order 4. Kutta (1901).
 *
 * @example
 * ```ts
 * integrate(createRk38(), problem, y0, { tEnd: 1, steps: 100 });
 * ```
 */
export const createRk38 = <S = Float64Array>(): RungeKuttaIntegrator<S> => createRungeKutta<S>(RK38);

/**
 * {@link createRk38} under its old lowercase name: builds the same method.
 *
 * @deprecated Use createRk38; removed in the next minor
 *
 * @example
 * ```ts
 * rk38(); // same as createRk38()
 * ```
 */
export const rk38 = <S = Float64Array>(): RungeKuttaIntegrator<S> => createRk38<S>();

/**
 * Bogacki–Shampine 3(2): order 3 with an order-2 error estimate, FSAL (3 evaluations per
 * step), cubic Hermite dense output. Bogacki & Shampine (1989).
 *
 * @example
 * ```ts
 * integrate(createBs3(), problem, y0, { tEnd: 10, adaptive: { rtol: 1e-4, atol: 1e-7 } });
 * ```
 */
export const createBs3 = <S = Float64Array>(): RungeKuttaIntegrator<S> => createRungeKutta<S>(BS3);

/**
 * {@link createBs3} under its old lowercase name: builds the same method.
 *
 * @deprecated Use createBs3; removed in the next minor
 *
 * @example
 * ```ts
 * bs3(); // same as createBs3()
 * ```
 */
export const bs3 = <S = Float64Array>(): RungeKuttaIntegrator<S> => createBs3<S>();

/**
 * Dormand–Prince 5(4) (DOPRI5, MATLAB's ode45, scipy's RK45): order 5 with an order-4 error
 * estimate, FSAL (6 evaluations per step), Shampine's 4th-order dense output, PI control.
 * Dormand & Prince (1980); Shampine (1986).
 *
 * @example
 * ```ts
 * import { integrate } from '@phaseflow/core';
 * import { arenstorf } from '@phaseflow/problems';
 * import { createDopri5 } from '@phaseflow/runge-kutta';
 * const { problem, y0, period } = arenstorf();
 * integrate(createDopri5(), problem, y0(), { tEnd: period, adaptive: { rtol: 1e-10, atol: 1e-10 } }).yFinal;
 * ```
 */
export const createDopri5 = <S = Float64Array>(): RungeKuttaIntegrator<S> => createRungeKutta<S>(DOPRI5);

/**
 * {@link createDopri5} under its old lowercase name: builds the same method.
 *
 * @deprecated Use createDopri5; removed in the next minor
 *
 * @example
 * ```ts
 * dopri5(); // same as createDopri5()
 * ```
 */
export const dopri5 = <S = Float64Array>(): RungeKuttaIntegrator<S> => createDopri5<S>();

/**
 * Tsitouras 5(4) (Tsit5): order 5, FSAL, free 4th-order interpolant; usually a little more
 * efficient than DOPRI5. Tsitouras (2011).
 *
 * @example
 * ```ts
 * integrate(createTsit5(), problem, y0, { tEnd: 10, adaptive: { rtol: 1e-8, atol: 1e-8 } });
 * ```
 */
export const createTsit5 = <S = Float64Array>(): RungeKuttaIntegrator<S> => createRungeKutta<S>(TSIT5);

/**
 * {@link createTsit5} under its old lowercase name: builds the same method.
 *
 * @deprecated Use createTsit5; removed in the next minor
 *
 * @example
 * ```ts
 * tsit5(); // same as createTsit5()
 * ```
 */
export const tsit5 = <S = Float64Array>(): RungeKuttaIntegrator<S> => createTsit5<S>();

/**
 * DOP853: Dormand–Prince order 8 with Hairer's 5th/3rd-order combined error estimate
 * (12 evaluations per step) and 7th-order dense output (3 extra evaluations in steps that
 * are interpolated). The method of choice for tolerances below ~1e-8. Hairer, Nørsett &
 * Wanner, Solving ODEs I, §II.10.
 *
 * @example
 * ```ts
 * integrate(createDop853(), problem, y0, { tEnd: 20, adaptive: { rtol: 1e-12, atol: 1e-12 } });
 * ```
 */
export const createDop853 = <S = Float64Array>(): RungeKuttaIntegrator<S> => createRungeKutta<S>(DOP853);

/**
 * {@link createDop853} under its old lowercase name: builds the same method.
 *
 * @deprecated Use createDop853; removed in the next minor
 *
 * @example
 * ```ts
 * dop853(); // same as createDop853()
 * ```
 */
export const dop853 = <S = Float64Array>(): RungeKuttaIntegrator<S> => createDop853<S>();

/**
 * Every explicit Runge–Kutta method of this package by name, as factories — the record
 * `resolveIntegrator` in @phaseflow/core resolves names against.
 *
 * @example
 * ```ts
 * import { resolveIntegrator } from '@phaseflow/core';
 * resolveIntegrator('integrator', 'dopri5', rungeKuttaMethods).order; // 5
 * ```
 */
export const rungeKuttaMethods = {
  euler: () => createEuler(),
  midpoint: () => createMidpoint(),
  heun: () => createHeun(),
  ralston: () => createRalston(),
  rk4: () => createRk4(),
  rk38: () => createRk38(),
  bs3: () => createBs3(),
  dopri5: () => createDopri5(),
  tsit5: () => createTsit5(),
  dop853: () => createDop853(),
} as const satisfies Record<string, () => RungeKuttaIntegrator>;
