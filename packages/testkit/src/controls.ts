/**
 * Small, obviously correct integrators the testkit uses as controls (and to prove its checks
 * can fail), plus `mislabel` to make an integrator lie about itself.
 */
import {
  checkFinite,
  checkOptions,
  checkPositive,
  checkStep,
  float64Space,
  invalid,
  type Integrator,
  type IntegratorProperties,
  type OdeProblem,
  type PhaseState,
  type Problem,
  type SeparableHamiltonianProblem,
} from '@phaseflow/core';
import { checkIntegrator } from './checks.js';

type F = Float64Array;

/**
 * The entry checks of a control's step: core's `checkStep` (problem kind, h), a finite t, a
 * state of the problem's shape (a Float64Array, or { q, p } of two for phase states) and an
 * `out` of the same shape when given. The controls name themselves rather than use `this`, so
 * a detached `step` works too.
 */
function checkControlStep(
  integrator: { readonly name: string; readonly problemKinds: readonly string[] },
  pr: unknown,
  t: number,
  y: unknown,
  h: number,
  out: unknown,
): void {
  checkStep(integrator, pr as { readonly kind: string }, h);
  checkFinite('t', t);
  const phase = integrator.problemKinds[0] !== 'ode';
  // The ode controls run on any vector space (tensors too): on core's Float64 space a state is
  // a Float64Array; on another space it must at least be an object that space made.
  const space = (pr as { readonly space?: unknown } | null)?.space;
  const state = (argument: string, v: unknown) => {
    if (!phase) {
      if (v instanceof Float64Array) return;
      if (space === float64Space || space === undefined || v === null || typeof v !== 'object')
        invalid(argument, "a Float64Array state (or a state of the problem's space)", v);
      return;
    }
    const s = v as Partial<PhaseState<F>> | null;
    if (s === null || typeof s !== 'object' || !(s.q instanceof Float64Array) || !(s.p instanceof Float64Array) || s.q.length !== s.p.length) {
      invalid(argument, 'a phase state { q, p } of two Float64Arrays of one length', v);
    }
  };
  state('y', y);
  if (out !== undefined) state('out', out);
}

const scratch = new WeakMap<object, F>();
const buf = (key: object, n: number) => {
  let b = scratch.get(key);
  if (!b || b.length !== n) scratch.set(key, (b = new Float64Array(n)));
  return b;
};

/** Explicit Euler, y₁ = y₀ + h f(t₀, y₀). Order 1. */
export const explicitEuler: Integrator<OdeProblem<F>, F> = {
  name: 'explicit-euler',
  order: 1,
  problemKinds: ['ode'],
  properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
  reference: 'Euler, Institutiones calculi integralis (1768)',
  step(pr, t, y, h, out) {
    checkControlStep(explicitEuler, pr, t, y, h, out);
    const k = pr.f(t, y, buf(explicitEuler, y.length));
    return pr.space.axpy(h, k, y, out);
  },
};

/** Explicit midpoint (Runge 1895), order 2. */
export const explicitMidpoint: Integrator<OdeProblem<F>, F> = {
  name: 'explicit-midpoint',
  order: 2,
  problemKinds: ['ode'],
  properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
  reference: 'Runge, Math. Ann. 46 (1895)',
  step(pr, t, y, h, out) {
    checkControlStep(explicitMidpoint, pr, t, y, h, out);
    const s = pr.space;
    const k1 = pr.f(t, y, buf(explicitMidpoint, y.length));
    const mid = s.axpy(h / 2, k1, y, buf(k1, y.length));
    const k2 = pr.f(t + h / 2, mid, k1);
    return s.axpy(h, k2, y, out);
  },
};

/** Störmer–Verlet (kick-drift-kick) for separable Hamiltonians. Order 2, symplectic, symmetric. */
export const stormerVerletControl: Integrator<SeparableHamiltonianProblem<F>, PhaseState<F>> = {
  name: 'stormer-verlet-control',
  order: 2,
  problemKinds: ['separable-hamiltonian'],
  properties: { explicit: true, symplectic: true, timeReversible: true, adaptive: false },
  reference: 'Hairer, Lubich & Wanner, Geometric Numerical Integration, §I.1.4',
  step(pr, t, y, h, out) {
    checkControlStep(stormerVerletControl, pr, t, y, h, out);
    const c = pr.space.component;
    const n = y.q.length;
    const g = buf(stormerVerletControl, n);
    // Use every return value: immutable spaces (tensors) ignore `out`.
    let p = c.axpy(-h / 2, pr.dVdq(y.q, g), y.p, out?.p ?? new Float64Array(n));
    const q = c.axpy(h, pr.dTdp(p, g), y.q, out?.q ?? new Float64Array(n));
    p = c.axpy(-h / 2, pr.dVdq(q, g), p, p);
    if (out) {
      out.q = q;
      out.p = p;
      return out;
    }
    return { q, p };
  },
};

/** Symplectic Euler (kick then drift) — symplectic, order 1, not symmetric. */
export const symplecticEulerControl: Integrator<SeparableHamiltonianProblem<F>, PhaseState<F>> = {
  name: 'symplectic-euler-control',
  order: 1,
  problemKinds: ['separable-hamiltonian'],
  properties: { explicit: true, symplectic: true, timeReversible: false, adaptive: false },
  step(pr, t, y, h, out) {
    checkControlStep(symplecticEulerControl, pr, t, y, h, out);
    const c = pr.space.component;
    const n = y.q.length;
    const g = buf(symplecticEulerControl, n);
    const p = c.axpy(-h, pr.dVdq(y.q, g), y.p, out?.p ?? new Float64Array(n));
    const q = c.axpy(h, pr.dTdp(p, g), y.q, out?.q ?? new Float64Array(n));
    if (out) {
      out.q = q;
      out.p = p;
      return out;
    }
    return { q, p };
  },
};

/**
 * A copy of `integrator` that claims other things about itself — to prove a suite fails on a
 * lying integrator.
 *
 * @example
 * ```ts
 * const liar = mislabel(explicitEuler, { order: 2 });
 * runConformance(liar).ok; // false
 * ```
 */
export function mislabel<P extends Problem<Y>, Y>(
  integrator: Integrator<P, Y>,
  claims: { order?: number; properties?: Partial<IntegratorProperties>; name?: string },
): Integrator<P, Y> {
  checkIntegrator('integrator', integrator);
  const c = checkOptions('claims', claims, ['order', 'properties', 'name']);
  if (claims === undefined) invalid('claims', 'the claims { order?, properties?, name? }', claims);
  if (c.order !== undefined) checkPositive('claims.order', c.order);
  if (c.name !== undefined && (typeof c.name !== 'string' || c.name === '')) invalid('claims.name', 'a non-empty string', c.name);
  if (c.properties !== undefined) checkOptions('claims.properties', c.properties, ['explicit', 'symplectic', 'timeReversible', 'adaptive']);
  return {
    ...integrator,
    name: claims.name ?? `${integrator.name} (mislabelled)`,
    order: claims.order ?? integrator.order,
    properties: { ...integrator.properties, ...claims.properties },
    step: (pr, t, y, h, out) => integrator.step(pr, t, y, h, out),
  };
}
