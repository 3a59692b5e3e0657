/**
 * Glorot (Xavier) initialisation, uniform or normal, drawn from phaseflow's seeded generator
 * so the same seed gives the same weights on every machine.
 */
import { checkInteger, checkOneOf, checkOptions, checkPositive, invalid, type Random } from '@phaseflow/core';

/** Which Glorot distribution: U(−a, a) with a = gain·√(6/(in+out)), or N(0, s²) with s = gain·√(2/(in+out)). */
export type GlorotDistribution = 'uniform' | 'normal';

/** Options of {@link glorot}. */
export interface GlorotOptions {
  /** `uniform` (default) or `normal`; both have variance gain²·2/(in+out). */
  readonly distribution?: GlorotDistribution;
  /** Scale of the weights (default 1). */
  readonly gain?: number;
  /** Write the fanIn × fanOut weights here (length fanIn·fanOut) instead of a new array. */
  readonly out?: Float64Array;
}

const DISTRIBUTIONS: readonly GlorotDistribution[] = ['uniform', 'normal'];

/**
 * A fanIn × fanOut kernel with Glorot & Bengio's variance 2/(fan_in + fan_out) (AISTATS 2010):
 * W ~ U(−a, a), a = gain·√(6/(fanIn + fanOut)) (`uniform`), or
 * W ~ N(0, s²), s = gain·√(2/(fanIn + fanOut)) (`normal`), drawn from `rng` in row-major order.
 *
 * @example
 * ```ts
 * const W = glorot(createRandom(1), 2, 16);                          // U(±√(6/18))
 * const V = glorot(createRandom(1), 784, 32, { distribution: 'normal' });
 * ```
 */
export function glorot(rng: Random, fanIn: number, fanOut: number, options: GlorotOptions = {}): Float64Array {
  if (rng === null || typeof rng !== 'object' || typeof rng.fillUniform !== 'function') invalid('rng', 'a Random (createRandom(seed))', rng);
  const a = checkInteger('fanIn', fanIn, { min: 1 });
  const b = checkInteger('fanOut', fanOut, { min: 1 });
  const o = checkOptions('options', options, ['distribution', 'gain', 'out']);
  const distribution = o.distribution === undefined ? 'uniform' : checkOneOf('options.distribution', o.distribution, DISTRIBUTIONS);
  const gain = o.gain === undefined ? 1 : checkPositive('options.gain', o.gain);
  const out = o.out === undefined ? new Float64Array(a * b) : o.out;
  if (!(out instanceof Float64Array) || out.length !== a * b) invalid('options.out', `a Float64Array of ${a} × ${b} = ${a * b} numbers`, out, 'SHAPE_MISMATCH');
  if (distribution === 'uniform') {
    const limit = gain * Math.sqrt(6 / (a + b));
    return rng.fillUniform(out, -limit, limit);
  }
  return rng.fillNormal(out, 0, gain * Math.sqrt(2 / (a + b)));
}
