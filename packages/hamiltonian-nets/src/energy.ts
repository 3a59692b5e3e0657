/**
 * The energy metric of the HNN paper (Greydanus, Dzamba & Yosinski 2019): how far a predicted
 * trajectory's true energy strays from the true trajectory's.
 */
import { PhaseflowError, checkFiniteArray, checkInteger, invalid } from '@phaseflow/core';
import { callUser } from './checks.js';

/**
 * The HNN paper's energy metric: the mean squared difference between the true energy along a
 * predicted trajectory and along the true one, (1/N) Σᵢ (H(ŷᵢ) − H(yᵢ))².
 *
 * @example
 * ```ts
 * energyMse((y) => system.energy(y), predicted, truth, 2);
 * ```
 */
export function energyMse(energy: (y: Float64Array) => number, predicted: ArrayLike<number>, truth: ArrayLike<number>, dim: number): number {
  if (typeof energy !== 'function') invalid('energy', 'a function y → H(y)', energy);
  checkFiniteArray('predicted', predicted);
  checkFiniteArray('truth', truth);
  checkInteger('dim', dim, { min: 1 });
  if (predicted.length !== truth.length || predicted.length % dim !== 0 || predicted.length === 0) {
    throw new PhaseflowError('SHAPE_MISMATCH', `predicted has ${predicted.length} numbers, truth ${truth.length}; both must be N × ${dim}`, {
      argument: 'predicted',
      expected: `${truth.length} numbers`,
      received: `${predicted.length} numbers`,
    });
  }
  const H = (y: Float64Array): number => {
    const h = callUser('energy', () => energy(y));
    if (typeof h !== 'number' || !Number.isFinite(h)) invalid('energy', 'a function returning a finite number H(y)', h);
    return h;
  };
  const n = predicted.length / dim;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const e = H(Float64Array.from({ length: dim }, (_, j) => predicted[i * dim + j]!)) - H(Float64Array.from({ length: dim }, (_, j) => truth[i * dim + j]!));
    s += e * e;
  }
  return s / n;
}
