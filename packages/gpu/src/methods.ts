/**
 * Which method a batched integrator runs, read from the integrator families' own exports so
 * there is one copy of every coefficient: the Butcher tableau of a @phaseflow/runge-kutta
 * method, the drift/kick sequence of a @phaseflow/symplectic splitting method.
 */
import { PhaseflowError, checkFiniteArray, resolveIntegrator, type AnyIntegrator } from '@phaseflow/core';
import { createRungeKutta, rungeKuttaMethods, type ButcherTableau } from '@phaseflow/runge-kutta';
import { createLeapfrog, splittingMethods } from '@phaseflow/symplectic';

/** One exact sub-flow of a splitting method: drift q ← q + c·h·∂T/∂p or kick p ← p − c·h·∂V/∂q. */
export interface SubFlow {
  readonly flow: 'drift' | 'kick';
  readonly c: number;
}

/** A method resolved to its coefficients. */
export type BatchedMethod =
  | {
      readonly kind: 'runge-kutta';
      readonly name: string;
      readonly order: number;
      readonly tableau: ButcherTableau;
      /** Stages whose weight can reach y₁ (trailing zero-weight stages, e.g. an FSAL stage, dropped). */
      readonly stages: number;
      /** The Float64 integrator with the same coefficients (the reference). */
      readonly reference: AnyIntegrator;
    }
  | {
      readonly kind: 'splitting';
      readonly name: string;
      readonly order: number;
      readonly sequence: readonly SubFlow[];
      readonly timeReversible: boolean;
      readonly reference: AnyIntegrator;
    };

/** Names this package adds to the families' records. */
const ALIASES = {
  leapfrog: () => createLeapfrog(),
  verlet: () => createLeapfrog(),
} as const;

/**
 * Every method name `createBatchedIntegrator` accepts: the explicit Runge–Kutta methods of
 * @phaseflow/runge-kutta (fixed steps with the propagated weights b), the splitting methods of
 * @phaseflow/symplectic, and `leapfrog` / `verlet` (velocity Störmer–Verlet, kick–drift–kick).
 *
 * @example
 * ```ts
 * batchedMethodNames(); // ['euler', 'midpoint', …, 'rk4', …, 'stormer-verlet-velocity', …, 'leapfrog', 'verlet']
 * ```
 */
export function batchedMethodNames(): string[] {
  return [...Object.keys(rungeKuttaMethods), ...Object.keys(splittingMethods), ...Object.keys(ALIASES)];
}

function isTableau(value: unknown): value is ButcherTableau {
  const t = value as ButcherTableau | null;
  return t !== null && typeof t === 'object' && Array.isArray(t.a) && Array.isArray(t.b) && Array.isArray(t.c) && typeof t.order === 'number';
}

function checkTableau(argument: string, t: ButcherTableau): number {
  const s = t.b.length;
  checkFiniteArray(`${argument}.b`, t.b);
  checkFiniteArray(`${argument}.c`, t.c);
  if (t.c.length < s || t.a.length < s) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: a tableau with ${s} weights needs ${s} nodes c and ${s} rows a`, {
      argument,
      expected: `${s} entries in a and c`,
      received: `a: ${t.a.length}, c: ${t.c.length}`,
    });
  }
  for (let i = 0; i < s; i++) {
    const row = checkFiniteArray<ArrayLike<number>>(`${argument}.a[${i}]`, t.a[i]);
    if (row.length > i) {
      throw new PhaseflowError(
        'UNSUPPORTED_PROBLEM',
        `${argument}: row a[${i}] has ${row.length} entries; only explicit (strictly lower-triangular) tableaux run in a kernel`,
        {
          argument: `${argument}.a[${i}]`,
          expected: `at most ${i} entries`,
          received: String(row.length),
        },
      );
    }
  }
  let stages = s;
  while (stages > 1 && t.b[stages - 1] === 0) stages--;
  return stages;
}

/**
 * A method given by name, as a Runge–Kutta or splitting integrator of the families, or as a
 * bare Butcher tableau, resolved to its coefficients.
 *
 * @throws PhaseflowError `NOT_AVAILABLE` for an unknown name or an integrator with no kernel
 * here (implicit, Lie-group, …).
 * @example
 * ```ts
 * resolveBatchedMethod('options.method', 'rk4').kind;           // 'runge-kutta'
 * resolveBatchedMethod('options.method', createYoshida6()).kind; // 'splitting'
 * ```
 */
export function resolveBatchedMethod(argument: string, value: unknown): BatchedMethod {
  if (isTableau(value)) {
    const stages = checkTableau(argument, value);
    return {
      kind: 'runge-kutta',
      name: value.name,
      order: value.order,
      tableau: value,
      stages,
      reference: createRungeKutta(value) as unknown as AnyIntegrator,
    };
  }
  const integrator = resolveIntegrator(argument, value, rungeKuttaMethods, splittingMethods, ALIASES);
  const tableau = (integrator as { tableau?: unknown }).tableau;
  if (isTableau(tableau)) {
    const stages = checkTableau(`${argument}.tableau`, tableau);
    return { kind: 'runge-kutta', name: integrator.name, order: integrator.order, tableau, stages, reference: integrator };
  }
  const sequence = (integrator as { sequence?: unknown }).sequence;
  if (Array.isArray(sequence) && sequence.every((s) => (s?.flow === 'drift' || s?.flow === 'kick') && Number.isFinite(s.c))) {
    return {
      kind: 'splitting',
      name: integrator.name,
      order: integrator.order,
      sequence: sequence as readonly SubFlow[],
      timeReversible: integrator.properties.timeReversible,
      reference: integrator,
    };
  }
  throw new PhaseflowError(
    'NOT_AVAILABLE',
    `${argument}: no batched kernel for integrator ${integrator.name}; explicit Runge–Kutta tableaux and explicit splitting methods only (known names: ${batchedMethodNames().join(', ')})`,
    { argument, expected: 'an explicit Runge–Kutta or splitting method', received: integrator.name },
  );
}
