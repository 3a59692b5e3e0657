/**
 * The explicit symplectic methods, each a factory returning a fresh integrator (with its own
 * scratch buffers). Coefficients: ./coefficients.ts.
 */
import { checkOneOf, checkOptions, invalid } from '@phaseflow/core';
import {
  CALVO_SANZ_SERNA4,
  KAHAN_LI6_HALF,
  KAHAN_LI8_HALF,
  MCLACHLAN_ATELA4,
  MCLACHLAN_ATELA5,
  palindrome,
  palindromeWithUnitSum,
  RUTH3,
  SOFRONIOU_SPALETTA10_HALF,
  YOSHIDA6_HALF,
} from './coefficients.js';
import { createSplittingMethod, verletCompositionCoefficients, type SplittingIntegrator } from './splitting.js';

const HLW = 'Hairer, Lubich & Wanner, Geometric Numerical Integration, 2nd ed., Springer (2006)';

/** Which sub-flow a splitting step starts with: the kick (p ← p − h∂V/∂q) or the drift (q ← q + h∂T/∂p). */
export type FirstSubFlow = 'kick' | 'drift';

/**
 * Read `options.first`, or the deprecated option that said the same thing in other words
 * (`legacy` maps its values to kick/drift). Both given and disagreeing is an error.
 */
function firstSubFlow<V extends string>(
  first: unknown,
  legacyKey: string,
  legacy: unknown,
  values: Readonly<Record<V, FirstSubFlow>>,
  fallback: FirstSubFlow,
): FirstSubFlow {
  const fromFirst = first === undefined ? undefined : checkOneOf('options.first', first, ['kick', 'drift'] as const);
  const fromLegacy = legacy === undefined ? undefined : values[checkOneOf(`options.${legacyKey}`, legacy, Object.keys(values) as V[])];
  if (fromFirst !== undefined && fromLegacy !== undefined && fromFirst !== fromLegacy) {
    invalid(`options.${legacyKey}`, `a value that agrees with options.first = '${fromFirst}' (or options.${legacyKey} left out)`, legacy);
  }
  return fromFirst ?? fromLegacy ?? fallback;
}

/** Options of {@link createSymplecticEuler}. */
export interface SymplecticEulerOptions {
  /** `'kick'` (default): kick then drift; `'drift'`: drift then kick. */
  readonly first?: FirstSubFlow;
  /**
   * The same choice in the old words: `'kick-drift'` is `first: 'kick'`, `'drift-kick'` is `first: 'drift'`.
   *
   * @deprecated Use `first`; removed in the next minor
   */
  readonly variant?: 'kick-drift' | 'drift-kick';
}

/**
 * Symplectic Euler, order 1, symplectic, not symmetric (the two variants are each other's
 * adjoint).
 *
 * - `first: 'kick'` (default, name `symplectic-euler-kick-drift`): pₙ₊₁ = pₙ − h∂V/∂q(qₙ), qₙ₊₁ = qₙ + h∂T/∂p(pₙ₊₁)
 * - `first: 'drift'` (name `symplectic-euler-drift-kick`): qₙ₊₁ = qₙ + h∂T/∂p(pₙ), pₙ₊₁ = pₙ − h∂V/∂q(qₙ₊₁)
 *
 * Source: de Vogelaere (1956); Hairer, Lubich & Wanner, GNI §VI.3, eq. (3.1).
 *
 * @example
 * ```ts
 * import { pendulum } from '@phaseflow/problems';
 * const euler = createSymplecticEuler({ first: 'drift' });
 * const sol = integrate(euler, pendulum().problem, pendulum().y0(), { tEnd: 10, h: 0.01 });
 * ```
 */
export function createSymplecticEuler<S = Float64Array>(options: SymplecticEulerOptions = {}): SplittingIntegrator<S> {
  const o = checkOptions('options', options, ['first', 'variant']);
  const first = firstSubFlow(o.first, 'variant', o.variant, { 'kick-drift': 'kick', 'drift-kick': 'drift' }, 'kick');
  return createSplittingMethod<S>({
    name: first === 'kick' ? 'symplectic-euler-kick-drift' : 'symplectic-euler-drift-kick',
    order: 1,
    a: [1],
    b: [1],
    first,
    reference: `de Vogelaere (1956); ${HLW}, §VI.3`,
  });
}

/** Options of {@link createStormerVerlet}. */
export interface StormerVerletOptions {
  /** `'kick'` (default): velocity Verlet, kick–drift–kick; `'drift'`: position Verlet, drift–kick–drift. */
  readonly first?: FirstSubFlow;
  /**
   * The same choice in the old words: `'velocity'` is `first: 'kick'`, `'position'` is `first: 'drift'`.
   *
   * @deprecated Use `first`; removed in the next minor
   */
  readonly form?: 'velocity' | 'position';
}

/**
 * Störmer–Verlet (leapfrog), order 2, symplectic and symmetric.
 *
 * - `first: 'kick'` (velocity Verlet, kick–drift–kick, default): p½ = p − (h/2)V'(q), q₁ = q + hT'(p½), p₁ = p½ − (h/2)V'(q₁)
 * - `first: 'drift'` (position Verlet, drift–kick–drift): q½ = q + (h/2)T'(p), p₁ = p − hV'(q½), q₁ = q½ + (h/2)T'(p₁)
 *
 * The position form needs one force evaluation per step, the velocity form two (no value is
 * cached between steps, so a step is a pure function of its input). The integrator names stay
 * `stormer-verlet-velocity` and `stormer-verlet-position`.
 *
 * Source: Störmer (1907), Verlet (1967); Hairer, Lubich & Wanner, "Geometric numerical
 * integration illustrated by the Störmer–Verlet method", Acta Numerica 12 (2003).
 *
 * @example
 * ```ts
 * import { kepler } from '@phaseflow/problems';
 * const verlet = createStormerVerlet(); // velocity Verlet
 * const { problem, y0 } = kepler({ e: 0.5 });
 * const sol = integrate(verlet, problem, y0(), { tEnd: 100, h: 0.01 });
 * ```
 */
export function createStormerVerlet<S = Float64Array>(options: StormerVerletOptions = {}): SplittingIntegrator<S> {
  const o = checkOptions('options', options, ['first', 'form']);
  return stormerVerlet<S>(firstSubFlow(o.first, 'form', o.form, { velocity: 'kick', position: 'drift' }, 'kick'));
}

function stormerVerlet<S>(first: FirstSubFlow): SplittingIntegrator<S> {
  return first === 'kick'
    ? createSplittingMethod<S>({
        name: 'stormer-verlet-velocity',
        order: 2,
        a: [1, 0],
        b: [0.5, 0.5],
        first: 'kick',
        reference: `Verlet (1967); ${HLW}, §I.1.4`,
      })
    : createSplittingMethod<S>({
        name: 'stormer-verlet-position',
        order: 2,
        a: [0.5, 0.5],
        b: [1, 0],
        first: 'drift',
        reference: `Störmer (1907); ${HLW}, §I.1.4`,
      });
}

/** Options of {@link createLeapfrog}. */
export interface LeapfrogOptions {
  /** `'kick'` (default): kick–drift–kick; `'drift'`: drift–kick–drift. */
  readonly first?: FirstSubFlow;
  /**
   * The same choice in the old words: `'kdk'` is `first: 'kick'`, `'dkd'` is `first: 'drift'`.
   *
   * @deprecated Use `first`; removed in the next minor
   */
  readonly variant?: 'kdk' | 'dkd';
}

/**
 * Leapfrog by which sub-flow goes first: `first: 'kick'` (KDK) is velocity Verlet,
 * `first: 'drift'` (DKD) position Verlet (see {@link createStormerVerlet}).
 *
 * @example
 * ```ts
 * const lf = createLeapfrog({ first: 'drift' });
 * ```
 */
export function createLeapfrog<S = Float64Array>(options: LeapfrogOptions = {}): SplittingIntegrator<S> {
  const o = checkOptions('options', options, ['first', 'variant']);
  return stormerVerlet<S>(firstSubFlow(o.first, 'variant', o.variant, { kdk: 'kick', dkd: 'drift' }, 'kick'));
}

/**
 * Ruth's third-order method: 3 stages, a = (1, −2/3, 2/3), b = (−1/24, 3/4, 7/24), drift
 * first. Symplectic, not symmetric.
 *
 * Source: R. D. Ruth, "A canonical integration technique", IEEE Trans. Nucl. Sci. 30 (1983).
 *
 * @example
 * ```ts
 * const ruth = createRuth3();
 * ```
 */
export function createRuth3<S = Float64Array>(): SplittingIntegrator<S> {
  return createSplittingMethod<S>({ name: 'ruth3', order: 3, ...RUTH3, first: 'drift', reference: 'Ruth, IEEE Trans. Nucl. Sci. 30 (1983) 2669' });
}

/**
 * Forest–Ruth / Candy–Rozmus fourth-order method: the triple jump of position Verlet with
 * θ = 1/(2 − 2^{1/3}), weights (θ, 1 − 2θ, θ). Symmetric, symplectic, 3 force evaluations.
 *
 * Source: Forest & Ruth, Physica D 43 (1990) 105; Candy & Rozmus, J. Comput. Phys. 92 (1991) 230.
 *
 * @example
 * ```ts
 * const fr = createForestRuth4();
 * ```
 */
export function createForestRuth4<S = Float64Array>(): SplittingIntegrator<S> {
  return forestRuth<S>('forest-ruth4');
}

function forestRuth<S>(name: string): SplittingIntegrator<S> {
  const theta = 1 / (2 - Math.cbrt(2));
  const { a, b } = verletCompositionCoefficients([theta, 1 - 2 * theta, theta]);
  return createSplittingMethod<S>({
    name,
    order: 4,
    a,
    b,
    first: 'drift',
    reference: 'Forest & Ruth, Physica D 43 (1990) 105; Candy & Rozmus, J. Comput. Phys. 92 (1991) 230',
  });
}

/** The same method as {@link createForestRuth4}, under Candy & Rozmus's name. @example `const cr = createCandyRozmus4();` */
export function createCandyRozmus4<S = Float64Array>(): SplittingIntegrator<S> {
  return forestRuth<S>('candy-rozmus4');
}

/**
 * McLachlan & Atela's optimised 4-stage fourth-order method (smallest error constant among
 * 4-stage methods), kick first. Symplectic, not symmetric.
 *
 * Source: McLachlan & Atela, "The accuracy of symplectic integrators", Nonlinearity 5 (1992) 541.
 *
 * @example
 * ```ts
 * const m4 = createMcLachlanAtela4();
 * ```
 */
export function createMcLachlanAtela4<S = Float64Array>(): SplittingIntegrator<S> {
  return createSplittingMethod<S>({
    name: 'mclachlan-atela4',
    order: 4,
    ...MCLACHLAN_ATELA4,
    first: 'kick',
    reference: 'McLachlan & Atela, Nonlinearity 5 (1992) 541',
  });
}

/**
 * {@link createMcLachlanAtela4} under its old name: builds the same method.
 *
 * @deprecated Use createMcLachlanAtela4; removed in the next minor
 *
 * @example
 * ```ts
 * createMcLachlan4(); // same as createMcLachlanAtela4()
 * ```
 */
export function createMcLachlan4<S = Float64Array>(): SplittingIntegrator<S> {
  return createMcLachlanAtela4<S>();
}

/**
 * Calvo & Sanz-Serna's 5-stage fourth-order method, kick first. Symplectic, not symmetric.
 *
 * Source: Calvo & Sanz-Serna, "The development of variable-step symplectic integrators, with
 * application to the two-body problem", SIAM J. Sci. Comput. 14 (1993) 936.
 *
 * @example
 * ```ts
 * const css = createCalvoSanzSerna4();
 * ```
 */
export function createCalvoSanzSerna4<S = Float64Array>(): SplittingIntegrator<S> {
  return createSplittingMethod<S>({
    name: 'calvo-sanz-serna4',
    order: 4,
    ...CALVO_SANZ_SERNA4,
    first: 'kick',
    reference: 'Calvo & Sanz-Serna, SIAM J. Sci. Comput. 14 (1993) 936',
  });
}

/**
 * McLachlan & Atela's 6-stage fifth-order method, kick first. Symplectic, not symmetric.
 * Optimised for a small error constant: on Kepler its h⁵ and h⁶ error terms are of similar
 * size, so its order is measured on the harmonic oscillator (5.001); see the README.
 *
 * Source: McLachlan & Atela, Nonlinearity 5 (1992) 541.
 *
 * @example
 * ```ts
 * const m5 = createMcLachlanAtela5();
 * ```
 */
export function createMcLachlanAtela5<S = Float64Array>(): SplittingIntegrator<S> {
  return createSplittingMethod<S>({
    name: 'mclachlan-atela5',
    order: 5,
    ...MCLACHLAN_ATELA5,
    first: 'kick',
    reference: 'McLachlan & Atela, Nonlinearity 5 (1992) 541',
  });
}

function verletComposition<S>(name: string, order: number, gamma: number[], reference: string): SplittingIntegrator<S> {
  const { a, b } = verletCompositionCoefficients(gamma);
  return createSplittingMethod<S>({ name, order, a, b, first: 'drift', reference });
}

/**
 * Yoshida's sixth-order method (solution A): symmetric composition of 7 Störmer–Verlet steps.
 *
 * Source: H. Yoshida, "Construction of higher order symplectic integrators", Phys. Lett. A
 * 150 (1990) 262.
 *
 * @example
 * ```ts
 * const y6 = createYoshida6();
 * ```
 */
export function createYoshida6<S = Float64Array>(): SplittingIntegrator<S> {
  return verletComposition<S>('yoshida6', 6, palindromeWithUnitSum(YOSHIDA6_HALF), 'Yoshida, Phys. Lett. A 150 (1990) 262');
}

/**
 * Kahan & Li's sixth-order method s9odr6a: symmetric composition of 9 Störmer–Verlet steps.
 *
 * Source: Kahan & Li, "Composition constants for raising the orders of unconventional
 * schemes for ordinary differential equations", Math. Comp. 66 (1997) 1089.
 *
 * @example
 * ```ts
 * const kl6 = createKahanLi6();
 * ```
 */
export function createKahanLi6<S = Float64Array>(): SplittingIntegrator<S> {
  return verletComposition<S>('kahan-li6', 6, palindrome(KAHAN_LI6_HALF), 'Kahan & Li, Math. Comp. 66 (1997) 1089');
}

/**
 * Kahan & Li's eighth-order method s17odr8a: symmetric composition of 17 Störmer–Verlet steps.
 *
 * Source: Kahan & Li, Math. Comp. 66 (1997) 1089.
 *
 * @example
 * ```ts
 * import { henonHeiles } from '@phaseflow/problems';
 * const kl8 = createKahanLi8();
 * const { problem, y0 } = henonHeiles();
 * integrate(kl8, problem, y0(), { tEnd: 1e3, h: 0.01 });
 * ```
 */
export function createKahanLi8<S = Float64Array>(): SplittingIntegrator<S> {
  return verletComposition<S>('kahan-li8', 8, palindrome(KAHAN_LI8_HALF), 'Kahan & Li, Math. Comp. 66 (1997) 1089');
}

/**
 * Sofroniou & Spaletta's tenth-order method s35odr10: symmetric composition of 35
 * Störmer–Verlet steps.
 *
 * Source: Sofroniou & Spaletta, "Derivation of symmetric composition constants for symmetric
 * integrators", Optim. Methods Softw. 20 (2005) 597.
 *
 * @example
 * ```ts
 * const ss10 = createSofroniouSpaletta10();
 * ```
 */
export function createSofroniouSpaletta10<S = Float64Array>(): SplittingIntegrator<S> {
  return verletComposition<S>('sofroniou-spaletta10', 10, palindrome(SOFRONIOU_SPALETTA10_HALF), 'Sofroniou & Spaletta, Optim. Methods Softw. 20 (2005) 597');
}

/** Every explicit method of this package by name, as factories (for tables, benches, reports). @example `for (const [name, make] of Object.entries(splittingMethods)) make();` */
export const splittingMethods = {
  'symplectic-euler-kick-drift': () => createSymplecticEuler({ first: 'kick' }),
  'symplectic-euler-drift-kick': () => createSymplecticEuler({ first: 'drift' }),
  'stormer-verlet-velocity': () => createStormerVerlet({ first: 'kick' }),
  'stormer-verlet-position': () => createStormerVerlet({ first: 'drift' }),
  ruth3: () => createRuth3(),
  'forest-ruth4': () => createForestRuth4(),
  'mclachlan-atela4': () => createMcLachlanAtela4(),
  'calvo-sanz-serna4': () => createCalvoSanzSerna4(),
  'mclachlan-atela5': () => createMcLachlanAtela5(),
  yoshida6: () => createYoshida6(),
  'kahan-li6': () => createKahanLi6(),
  'kahan-li8': () => createKahanLi8(),
  'sofroniou-spaletta10': () => createSofroniouSpaletta10(),
} as const satisfies Record<string, () => SplittingIntegrator>;
