/**
 * Seeded two-moons and two-spirals classification sets for the demos and benchmarks of this
 * package (kept local so @phaseflow/enkf does not depend on a data package).
 */
import { checkInteger, checkNonNegative, createRandom } from '@phaseflow/core';
import type { EnKFData } from './batch.js';

/**
 * Two interleaving half circles (scikit-learn's `make_moons` geometry) with Gaussian noise;
 * targets one-hot over 2 classes.
 *
 * @example
 * ```ts
 * const train = twoMoons(400, 0.1, 1);
 * ```
 */
export function twoMoons(samples: number, noise: number, seed: number): EnKFData {
  checkInteger('samples', samples, { min: 2 });
  checkNonNegative('noise', noise);
  const rng = createRandom(seed);
  const x = new Float64Array(samples * 2);
  const y = new Float64Array(samples * 2);
  for (let i = 0; i < samples; i++) {
    const c = i % 2;
    const a = Math.PI * rng.uniform();
    x[2 * i] = (c === 0 ? Math.cos(a) : 1 - Math.cos(a)) + noise * rng.normal();
    x[2 * i + 1] = (c === 0 ? Math.sin(a) : 0.5 - Math.sin(a)) + noise * rng.normal();
    y[2 * i + c] = 1;
  }
  return { x, y, samples };
}

/**
 * Two interleaved Archimedean spirals r = θ over 1.5 turns, scaled to about [−1, 1]²;
 * targets one-hot over 2 classes.
 *
 * @example
 * ```ts
 * const train = twoSpirals(600, 0.05, 1);
 * ```
 */
export function twoSpirals(samples: number, noise: number, seed: number): EnKFData {
  checkInteger('samples', samples, { min: 2 });
  checkNonNegative('noise', noise);
  const rng = createRandom(seed);
  const x = new Float64Array(samples * 2);
  const y = new Float64Array(samples * 2);
  const turns = 1.5;
  for (let i = 0; i < samples; i++) {
    const c = i % 2;
    const s = Math.sqrt(rng.uniform());
    const a = s * turns * 2 * Math.PI + c * Math.PI;
    const r = s;
    x[2 * i] = r * Math.cos(a) + noise * rng.normal();
    x[2 * i + 1] = r * Math.sin(a) + noise * rng.normal();
    y[2 * i + c] = 1;
  }
  return { x, y, samples };
}
