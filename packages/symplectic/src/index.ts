export { createSplittingMethod, verletCompositionCoefficients, withCompensatedSummation } from './splitting.js';
export type { SplittingIntegrator, SplittingProblem, SplittingSpec } from './splitting.js';
export {
  createCalvoSanzSerna4,
  createCandyRozmus4,
  createForestRuth4,
  createKahanLi6,
  createKahanLi8,
  createLeapfrog,
  createMcLachlan4,
  createMcLachlanAtela4,
  createMcLachlanAtela5,
  createRuth3,
  createSofroniouSpaletta10,
  createStormerVerlet,
  createSymplecticEuler,
  createYoshida6,
  splittingMethods,
} from './methods.js';
export type { FirstSubFlow, LeapfrogOptions, StormerVerletOptions, SymplecticEulerOptions } from './methods.js';
export { compose, suzukiFractal, tripleJump } from './composition.js';
export type { ComposeOptions } from './composition.js';
export { createGaussLegendre, createGaussLegendre4, createGaussLegendre6, createImplicitMidpoint } from './implicit.js';
export type { GaussLegendreIntegrator, GaussLegendreOptions, ImplicitProblem, ImplicitState } from './implicit.js';
export {
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
export { checkCoefficients } from './validate.js';
