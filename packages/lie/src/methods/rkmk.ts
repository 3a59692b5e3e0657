/**
 * Runge–Kutta–Munthe-Kaas methods: an explicit Runge–Kutta method applied in the Lie algebra
 * to the equation of the logarithm, Ω' = dexp⁻¹_Ω(A(t, exp(Ω)·y₀)), with dexp⁻¹ truncated at
 * the order of the tableau (Munthe-Kaas 1998, 1999; Iserles, Munthe-Kaas, Nørsett & Zanna
 * 2000, §5):
 *
 *   uᵢ = h Σⱼ aᵢⱼ kⱼ,   Fᵢ = A(t + cᵢh, exp(uᵢ)·y₀),   kᵢ = Σ_{m=0}^{q} (B_m/m!) ad_{uᵢ}^m Fᵢ,
 *   y₁ = exp(h Σᵢ bᵢ kᵢ)·y₀,
 *
 * with B_m the Bernoulli numbers (B₁ = −½). Since uᵢ = O(h) and [uᵢ, Fᵢ] = O(h²), the terms
 * with m ≥ p − 1 change the local error only at O(h^{p+1}): q = p − 2 commutators keep order p
 * (Hairer, Lubich & Wanner, Geometric Numerical Integration, §IV.8.2).
 */
import { checkInteger, checkOptions, PhaseflowError, invalid } from '@phaseflow/core';
import { BS3, EULER, MIDPOINT, RK4, type ButcherTableau } from '@phaseflow/runge-kutta';
import type { LieProblem } from '../problem.js';
import { checkLieStep, combine, evaluate, expAct, workFor, type LieIntegrator, type Work } from './common.js';

type F = Float64Array;

/** B_m/m! for m = 0 … 8, the coefficients of dexp⁻¹_u = Σ (B_m/m!) ad_u^m. */
export const DEXPINV_COEFFICIENTS: readonly number[] = [1, -1 / 2, 1 / 12, 0, -1 / 720, 0, 1 / 30240, 0, -1 / 1209600];

/** The highest order whose truncation q = p − 2 the table above holds. */
const MAX_ORDER = DEXPINV_COEFFICIENTS.length + 1;

/** Options of {@link createRkmk}. */
export interface RkmkOptions {
  /** Commutators kept in dexp⁻¹ (default order − 2, the least that keeps the order). */
  readonly truncation?: number;
  /** Name of the integrator (default `rkmk-<tableau name>`). */
  readonly name?: string;
}

/** A Runge–Kutta–Munthe-Kaas integrator and the tableau it runs. */
export interface RkmkIntegrator extends LieIntegrator {
  readonly tableau: ButcherTableau;
  /** Commutators kept in the dexp⁻¹ series. */
  readonly truncation: number;
}

/** Drop trailing stages with zero weight (an FSAL stage serves only the error estimate). */
function trimmed(t: ButcherTableau): { c: readonly number[]; a: readonly (readonly number[])[]; b: readonly number[] } {
  let s = t.b.length;
  while (s > 1 && t.b[s - 1] === 0) s--;
  return { c: t.c.slice(0, s), a: t.a.slice(0, s), b: t.b.slice(0, s) };
}

function checkTableau(tableau: ButcherTableau): void {
  if (tableau === null || typeof tableau !== 'object') invalid('tableau', 'a Butcher tableau { name, order, c, a, b }', tableau);
  checkInteger('tableau.order', tableau.order, { min: 1 });
  const s = tableau.b?.length ?? 0;
  if (s === 0 || tableau.c?.length !== s || tableau.a?.length !== s) {
    invalid('tableau', 'c, a and b with one entry per stage', tableau);
  }
  tableau.a.forEach((row, i) => {
    if (!Array.isArray(row) || row.length > i) invalid(`tableau.a[${i}]`, `an explicit row of at most ${i} entries`, row);
  });
}

/**
 * Build a Runge–Kutta–Munthe-Kaas integrator from any explicit Butcher tableau (for example
 * one exported by @phaseflow/runge-kutta). Order p = `tableau.order`; dexp⁻¹ keeps p − 2
 * commutators unless `options.truncation` says more.
 *
 * @throws PhaseflowError `NO_DEXPINV_TRUNCATION` when the order exceeds the Bernoulli table
 * (p > 10) or `options.truncation` is below p − 2; `INVALID_ARGUMENT` for an implicit or
 * malformed tableau.
 * @example
 * ```ts
 * import { integrate } from '@phaseflow/core';
 * import { DOPRI5 } from '@phaseflow/runge-kutta';
 * import { createRkmk } from '@phaseflow/lie';
 * const rkmk5 = createRkmk(DOPRI5); // order 5, three commutators per stage
 * integrate(rkmk5, problem, y0, { tEnd: 1, steps: 100 });
 * ```
 */
export function createRkmk(tableau: ButcherTableau, options: RkmkOptions = {}): RkmkIntegrator {
  checkTableau(tableau);
  const o = checkOptions('options', options, ['truncation', 'name']);
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name.length === 0)) invalid('options.name', 'a non-empty string', o.name);
  const p = tableau.order;
  const least = Math.max(0, p - 2);
  if (p > MAX_ORDER) {
    throw new PhaseflowError('NO_DEXPINV_TRUNCATION', `tableau.order: no dexp⁻¹ truncation for order ${p} (Bernoulli coefficients up to order ${MAX_ORDER})`, {
      argument: 'tableau.order',
      expected: `an order <= ${MAX_ORDER}`,
      received: String(p),
    });
  }
  let q = least;
  if (o.truncation !== undefined) {
    q = checkInteger('options.truncation', o.truncation, { min: 0 });
    if (q < least || q > DEXPINV_COEFFICIENTS.length - 1) {
      throw new PhaseflowError(
        'NO_DEXPINV_TRUNCATION',
        `options.truncation: ${q} commutators ${q < least ? `cannot keep order ${p} (needs at least ${least})` : `exceed the Bernoulli table (at most ${DEXPINV_COEFFICIENTS.length - 1})`}`,
        { argument: 'options.truncation', expected: `an integer in [${least}, ${DEXPINV_COEFFICIENTS.length - 1}]`, received: String(q) },
      );
    }
  }
  const { c, a, b } = trimmed(tableau);
  const s = b.length;
  let work: Work | undefined;

  /** k ← dexp⁻¹_u(F) truncated after q commutators. */
  const dexpinv = (w: Work, u: F, f: F, k: F) => {
    k.set(f);
    if (q === 0) return;
    const group = w.manifold.group;
    let term = f;
    for (let m = 1; m <= q; m++) {
      term = group.bracket(u, term, w.term);
      const cm = DEXPINV_COEFFICIENTS[m]!;
      if (cm !== 0) for (let i = 0; i < k.length; i++) k[i] += cm * term[i]!;
    }
  };

  const one = (problem: LieProblem, t: number, y: F, h: number, out: F): F => {
    const w = work!;
    evaluate(problem, t, y, w.F[0]!);
    w.k[0]!.set(w.F[0]!);
    for (let i = 1; i < s; i++) {
      const row = a[i]!;
      combine(h, row, w.k, i, w.u);
      const yi = expAct(w, w.u, y, w.points[i]!);
      evaluate(problem, t + c[i]! * h, yi, w.F[i]!);
      dexpinv(w, w.u, w.F[i]!, w.k[i]!);
    }
    combine(h, b, w.k, s, w.v);
    return expAct(w, w.v, y, out);
  };

  const integrator: RkmkIntegrator = {
    name: o.name ?? `rkmk-${tableau.name}`,
    order: p,
    problemKinds: ['lie'],
    family: 'runge-kutta-munthe-kaas',
    stages: s,
    exponentials: s,
    tableau,
    truncation: q,
    properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
    reference: `H. Munthe-Kaas, Runge–Kutta methods on Lie groups, BIT 38 (1998); tableau: ${tableau.reference}`,
    step(problem, t, y, h, out) {
      checkLieStep(integrator, problem, h, y, t, out);
      work = workFor(work, problem.manifold, s);
      work.y0.set(y);
      return one(problem, t, work.y0, h, out ?? new Float64Array(y.length));
    },
    advance(problem, t, y, h, n, out) {
      checkLieStep(integrator, problem, h, y, t, out);
      checkInteger('n', n, { min: 0 });
      const o = out ?? new Float64Array(y.length);
      if (n === 0) return problem.space.copy(y, o);
      work = workFor(work, problem.manifold, s);
      work.y0.set(y);
      for (let j = 0; j < n; j++) {
        one(problem, t + j * h, work.y0, h, o);
        if (j < n - 1) work.y0.set(o);
      }
      return o;
    },
  };
  return integrator;
}

/**
 * Lie–Euler: y₁ = exp(h·A(t, y₀))·y₀. Order 1, one exponential per step (RKMK on explicit
 * Euler; Crouch & Grossman 1993).
 *
 * @example
 * ```ts
 * integrate(createLieEuler(), problem, y0, { tEnd: 1, steps: 1000 });
 * ```
 */
export const createLieEuler = (): RkmkIntegrator => createRkmk(EULER, { name: 'lie-euler' });

/**
 * RKMK2 on the explicit midpoint rule: y₁ = exp(h·A(t + h/2, exp(h/2·A(t, y₀))·y₀))·y₀.
 * Order 2, no commutators.
 *
 * @example
 * ```ts
 * integrate(createRkmk2(), problem, y0, { tEnd: 1, steps: 200 });
 * ```
 */
export const createRkmk2 = (): RkmkIntegrator => createRkmk(MIDPOINT, { name: 'rkmk2' });

/**
 * RKMK3 on the Bogacki–Shampine weights (Ralston's third-order method once the FSAL stage is
 * dropped): order 3, three stages, one commutator per stage.
 *
 * @example
 * ```ts
 * integrate(createRkmk3(), problem, y0, { tEnd: 1, steps: 100 });
 * ```
 */
export const createRkmk3 = (): RkmkIntegrator => createRkmk(BS3, { name: 'rkmk3' });

/**
 * RKMK4 on classical Runge–Kutta: order 4, four stages, dexp⁻¹ ≈ I − ½ad_u + (1/12)ad_u².
 *
 * @example
 * ```ts
 * import { integrate } from '@phaseflow/core';
 * import { heavyTop, createRkmk4 } from '@phaseflow/lie';
 * const top = heavyTop();
 * integrate(createRkmk4(), top.problem, top.y0(), { tEnd: 0.4, h: 1e-4 }).yFinal;
 * ```
 */
export const createRkmk4 = (): RkmkIntegrator => createRkmk(RK4, { name: 'rkmk4' });
