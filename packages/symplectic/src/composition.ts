/**
 * Composition methods: raise the order of any one-step method by composing it with itself
 * at scaled steps, Ψₕ = Φ_{γ_s h} ∘ … ∘ Φ_{γ_1 h} (Hairer, Lubich & Wanner, GNI §II.4, §V.3).
 */
import { checkInteger, checkOptions, checkStep, invalid, type Integrator, type Problem } from '@phaseflow/core';
import { splittingFromSequence, type SplittingIntegrator } from './splitting.js';
import { checkCoefficients } from './validate.js';

/** Options of {@link compose}. */
export interface ComposeOptions {
  /** Name of the composed integrator (default `compose(<base>, s)`). */
  readonly name?: string;
  /**
   * Order to declare. When omitted it is derived: p + 2 for a palindromic composition of a
   * symmetric base of order p with Σγᵢ^{p+1} = 0 (HLW Thm. II.4.1 and §V.3.1), else p. Give it
   * for compositions whose higher order rests on further conditions (the testkit measures it).
   */
  readonly order?: number;
  readonly reference?: string;
  /**
   * Compensated (Kahan) summation of every update (default false). Needs a splitting base
   * (createStormerVerlet, createSplittingMethod, …): the composition of a splitting method is
   * itself one, so it is built as the flat splitting method Φ_{γ_s h} ∘ … ∘ Φ_{γ_1 h} (adjacent
   * half-drifts merged — fewer force evaluations when the base begins and ends with the same
   * sub-flow) with {@link SplittingSpec.compensated}. Other bases: INVALID_ARGUMENT.
   */
  readonly compensated?: boolean;
}

function isPalindromic(g: readonly number[]): boolean {
  for (let i = 0; i < g.length; i++) {
    if (Math.abs(g[i]! - g[g.length - 1 - i]!) > 1e-14 * Math.max(1, Math.abs(g[i]!))) return false;
  }
  return true;
}

function checkIntegrator(argument: string, base: unknown): Integrator<Problem<unknown>, unknown> {
  const b = base as Integrator<Problem<unknown>, unknown> | null;
  if (
    b === null ||
    typeof b !== 'object' ||
    typeof b.step !== 'function' ||
    typeof b.name !== 'string' ||
    typeof b.order !== 'number' ||
    !Array.isArray(b.problemKinds) ||
    typeof b.properties !== 'object'
  ) {
    invalid(argument, 'an Integrator { name, order, problemKinds, properties, step }', base);
  }
  return b;
}

/**
 * Compose a one-step method with itself: Ψₕ = Φ_{γ_s h} ∘ … ∘ Φ_{γ_1 h}, Σγᵢ = 1.
 *
 * The result is symplectic when the base is, symmetric when the base is symmetric and γ is a
 * palindrome, and accepts the base's problem kinds. Each sub-step writes into the same state
 * (the base must support `out` aliasing `y`, as the testkit checks), so a composed step
 * allocates nothing beyond what the base does.
 *
 * Source: Yoshida, Phys. Lett. A 150 (1990) 262; Hairer, Lubich & Wanner, GNI §II.4.
 *
 * @example
 * ```ts
 * const verlet = createStormerVerlet();
 * const w = 1 / (2 - Math.cbrt(2));
 * const fourth = compose(verlet, [w, 1 - 2 * w, w]); // order 4, derived
 * ```
 */
export function compose<P extends Problem<Y>, Y>(base: Integrator<P, Y>, coefficients: readonly number[], options: ComposeOptions = {}): Integrator<P, Y> {
  const b = checkIntegrator('base', base) as unknown as Integrator<P, Y>;
  const gamma = checkCoefficients('coefficients', coefficients, { sumToOne: true });
  const o = checkOptions('options', options, ['name', 'order', 'reference', 'compensated']);
  if (o.compensated !== undefined && typeof o.compensated !== 'boolean') invalid('options.compensated', 'a boolean', o.compensated);
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name.length === 0)) invalid('options.name', 'a non-empty string', o.name);
  if (o.reference !== undefined && (typeof o.reference !== 'string' || o.reference.length === 0))
    invalid('options.reference', 'a non-empty string', o.reference);
  const palindromic = isPalindromic(gamma);
  const symmetric = b.properties.timeReversible && palindromic;
  let order: number;
  if (o.order !== undefined) order = checkInteger('options.order', o.order, { min: 1 });
  else {
    const p = b.order;
    let sum = 0;
    let scale = 0;
    for (const g of gamma) {
      sum += g ** (p + 1);
      scale += Math.abs(g) ** (p + 1);
    }
    order = symmetric && p % 2 === 0 && Math.abs(sum) <= 1e-13 * scale ? p + 2 : p;
  }
  const n = gamma.length;
  const g = Float64Array.from(gamma);
  if (o.compensated) {
    const sequence = (b as unknown as Partial<SplittingIntegrator<unknown>>).sequence;
    if (!Array.isArray(sequence) || sequence.length === 0) {
      invalid('options.compensated', 'a splitting base method (one with a drift/kick `sequence`) for compensated summation', `true with base ${b.name}`);
    }
    const flat: { flow: 'drift' | 'kick'; c: number }[] = [];
    for (const gi of g) for (const { flow, c } of sequence) flat.push({ flow, c: gi * c });
    const merged: { flow: 'drift' | 'kick'; c: number }[] = [];
    for (const item of flat) {
      const last = merged[merged.length - 1];
      if (last && last.flow === item.flow) last.c += item.c;
      else merged.push({ ...item });
    }
    const split = splittingFromSequence<unknown>(
      o.name ?? `compose(${b.name}, ${n})`,
      order,
      merged,
      o.reference ?? `composition of ${b.name}; Yoshida, Phys. Lett. A 150 (1990) 262`,
      true,
    );
    return split as unknown as Integrator<P, Y>;
  }
  const composed: Integrator<P, Y> = {
    name: o.name ?? `compose(${b.name}, ${n})`,
    order,
    problemKinds: [...b.problemKinds],
    properties: {
      explicit: b.properties.explicit,
      symplectic: b.properties.symplectic,
      timeReversible: symmetric,
      adaptive: false,
    },
    reference: o.reference ?? `composition of ${b.name}; Yoshida, Phys. Lett. A 150 (1990) 262`,
    step(problem, t, y, h, out) {
      checkStep(composed, problem, h);
      let state = b.step(problem, t, y, g[0]! * h, out);
      let tc = t + g[0]! * h;
      for (let i = 1; i < n; i++) {
        const hi = g[i]! * h;
        state = b.step(problem, tc, state, hi, state);
        tc += hi;
      }
      return state;
    },
  };
  return composed;
}

function checkSymmetricBase(argument: string, base: Integrator<Problem<unknown>, unknown>): number {
  if (!base.properties.timeReversible) invalid(argument, 'a symmetric (timeReversible) base method', `${base.name} (not symmetric)`);
  if (!Number.isInteger(base.order) || base.order % 2 !== 0) invalid(argument, 'a base method of even order', `${base.name} of order ${base.order}`);
  return base.order;
}

/**
 * The triple jump: from a symmetric method of even order p, a symmetric method of order p + 2,
 * γ₁ = γ₃ = 1/(2 − 2^{1/(p+1)}), γ₂ = 1 − 2γ₁. Applied to itself it climbs 2 → 4 → 6 → 8.
 *
 * Source: Creutz & Gocksch, Phys. Rev. Lett. 63 (1989) 9; Yoshida, Phys. Lett. A 150 (1990) 262.
 *
 * @example
 * ```ts
 * const sixth = tripleJump(tripleJump(createStormerVerlet()));
 * sixth.order; // 6
 * ```
 */
export function tripleJump<P extends Problem<Y>, Y>(base: Integrator<P, Y>): Integrator<P, Y> {
  const b = checkIntegrator('base', base);
  const p = checkSymmetricBase('base', b);
  const r = 2 ** (1 / (p + 1));
  const g1 = 1 / (2 - r);
  return compose(base, [g1, 1 - 2 * g1, g1], { name: `triple-jump(${b.name})`, order: p + 2, reference: 'Creutz & Gocksch (1989); Yoshida (1990)' });
}

/**
 * Suzuki's fractal (five-fold) composition: from a symmetric method of even order p, order
 * p + 2 with γ₁ = γ₂ = γ₄ = γ₅ = 1/(4 − 4^{1/(p+1)}), γ₃ = 1 − 4γ₁ — smaller error constants
 * than the triple jump because no sub-step is large.
 *
 * Source: M. Suzuki, "Fractal decomposition of exponential operators", Phys. Lett. A 146 (1990) 319.
 *
 * @example
 * ```ts
 * const fourth = suzukiFractal(createStormerVerlet());
 * ```
 */
export function suzukiFractal<P extends Problem<Y>, Y>(base: Integrator<P, Y>): Integrator<P, Y> {
  const b = checkIntegrator('base', base);
  const p = checkSymmetricBase('base', b);
  const g1 = 1 / (4 - 4 ** (1 / (p + 1)));
  return compose(base, [g1, g1, 1 - 4 * g1, g1, g1], { name: `suzuki(${b.name})`, order: p + 2, reference: 'Suzuki, Phys. Lett. A 146 (1990) 319' });
}
