/**
 * Coefficient tables of the splitting and composition methods, as published, in full double
 * precision where the source gives it. Each table is checked in the tests: consistency
 * (Σ = 1), the odd power sums Σγᵏ = 0 of symmetric compositions, and the measured order.
 */
import { checkCoefficients } from './validate.js';

/** Ruth (1983), order 3, drift-first convention: q += aᵢ h T'(p), then p −= bᵢ h V'(q). */
export const RUTH3 = {
  a: [1, -2 / 3, 2 / 3],
  b: [-1 / 24, 3 / 4, 7 / 24],
} as const;

/**
 * McLachlan & Atela (1992), Table 2, the optimised 4-stage 4th-order method, kick-first
 * convention: p −= bᵢ h V'(q), then q += aᵢ h T'(p).
 */
export const MCLACHLAN_ATELA4 = {
  a: [0.5153528374311229364, -0.085782019412973646, 0.4415830236164665242, 0.1288461583653841854],
  b: [0.1344961992774310892, -0.2248198030794208058, 0.7563200005156682911, 0.3340036032863214255],
} as const;

/**
 * Calvo & Sanz-Serna (1993), 5-stage 4th-order method, kick-first convention. Published to
 * 15 significant digits; its order conditions hold to about 4e-15.
 */
export const CALVO_SANZ_SERNA4 = {
  a: [0.20517766154229, 0.40302128160421, -0.12092087633891, 0.51272193319241, 0],
  b: [0.061758858135626, 0.338978026553643, 0.614791307175577, -0.140548014659373, 0.12501982279453],
} as const;

/**
 * McLachlan & Atela (1992), 6-stage 5th-order method, kick-first convention. a₁ and a₄ are
 * recomputed from Σaᵢ = 1 and Σbᵢcᵢ = ½ so that all conditions up to order 4 hold to 1e-19.
 */
export const MCLACHLAN_ATELA5 = {
  a: [0.33983962583911000009, -0.088601336903027329, 0.5858564768259621188, -0.60303935653649188799, 0.3235807965546976394, 0.4423637942197494587],
  b: [0.1193900292875672758, 0.6989273703824752308, -0.1713123582716007754, 0.401269502251353448, 0.010705081848235984, -0.0589796254980311632],
} as const;

/**
 * Yoshida (1990), solution A: symmetric composition of 7 second-order steps, order 6.
 * First half (w₃, w₂, w₁ in Yoshida's naming); the middle weight is 1 − 2Σ.
 */
export const YOSHIDA6_HALF = [0.78451361047755726381949763, 0.23557321335935813368479318, -1.17767998417887100694641568] as const;

/** Kahan & Li (1997), s9odr6a: symmetric composition of 9 second-order steps, order 6 (first half + middle). */
export const KAHAN_LI6_HALF = [
  0.39216144400731413927925056, 0.33259913678935943859974864, -0.70624617255763935980996482, 0.08221359629355080023149045, 0.79854399093482996339895035,
] as const;

/** Kahan & Li (1997), s17odr8a: symmetric composition of 17 second-order steps, order 8 (first half + middle). */
export const KAHAN_LI8_HALF = [
  0.13020248308889008087881763, 0.56116298177510838456196441, -0.3894749626448472864080786, 0.15884190655515560089621075, -0.39590389413323757733623154,
  0.18453964097831570709183254, 0.25837438768632204729397911, 0.29501172360931029887096624, -0.60550853383003451169892108,
] as const;

/** Sofroniou & Spaletta (2005), s35odr10: symmetric composition of 35 second-order steps, order 10 (first half + middle). */
export const SOFRONIOU_SPALETTA10_HALF = [
  0.07879572252168641926390768, 0.31309610341510852776481247, 0.02791838323507806610952027, -0.2295928415939070941512134, 0.13096206107716486317465686,
  -0.26973340565451071434460973, 0.07497334315589143566613711, 0.11199342399981020488957508, 0.36613344954622675119314812, -0.39910563013603589787862981,
  0.10308739852747107731580277, 0.41143087395589023782070412, -0.00486636058313526176219566, -0.39203335370863990644808194, 0.0519425029624496470371829,
  0.05066509075992449633587434, 0.0496743706397298790545688, 0.04931773575959453791768001,
] as const;

/**
 * Expand the first half + middle of a palindromic weight list into the full list (a non-empty
 * array of finite numbers, else INVALID_ARGUMENT naming `halfWithMiddle`).
 *
 * @example
 * ```ts
 * palindrome([0.25, 0.5]); // [0.25, 0.5, 0.25]
 * ```
 */
export function palindrome(halfWithMiddle: readonly number[]): number[] {
  checkCoefficients('halfWithMiddle', halfWithMiddle);
  const half = halfWithMiddle.slice(0, -1);
  return [...half, halfWithMiddle[halfWithMiddle.length - 1]!, ...half.slice().reverse()];
}

/**
 * Expand a first half into a palindrome whose middle weight makes the sum exactly 1 (a
 * non-empty array of finite numbers, else INVALID_ARGUMENT naming `half`).
 *
 * @example
 * ```ts
 * palindromeWithUnitSum([0.25]); // [0.25, 0.5, 0.25]
 * ```
 */
export function palindromeWithUnitSum(half: readonly number[]): number[] {
  checkCoefficients('half', half);
  const middle = 1 - 2 * half.reduce((s, x) => s + x, 0);
  return [...half, middle, ...half.slice().reverse()];
}
