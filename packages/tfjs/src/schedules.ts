/**
 * Learning-rate schedules: η(epoch) for epoch = 0, 1, 2, … given the base rate η₀.
 */
import { checkFunction, checkInteger, checkNonNegative, checkPositive } from '@phaseflow/core';

/** A learning-rate schedule: the rate for a (0-based) epoch, given the base rate. */
export type LearningRateSchedule = (epoch: number, base: number) => number;

/**
 * Step decay η = η₀ · factor^⌊epoch / every⌋.
 *
 * @example
 * ```ts
 * createGradientTrainer({ learningRate: 0.1, schedule: stepDecay({ every: 20, factor: 0.5 }) });
 * ```
 */
export function stepDecay(options: { every: number; factor: number }): LearningRateSchedule {
  const every = checkInteger('options.every', options?.every, { min: 1 });
  const factor = checkPositive('options.factor', options.factor);
  return (epoch, base) => base * factor ** Math.floor(epoch / every);
}

/**
 * Exponential decay η = η₀ · e^(−rate·epoch).
 *
 * @example
 * ```ts
 * const schedule = exponentialDecay(0.05);
 * ```
 */
export function exponentialDecay(rate: number): LearningRateSchedule {
  const r = checkNonNegative('rate', rate);
  return (epoch, base) => base * Math.exp(-r * epoch);
}

/**
 * Cosine annealing η = η_min + ½(η₀ − η_min)(1 + cos(π·epoch/epochs)), constant η_min after
 * `epochs` (Loshchilov & Hutter, SGDR, ICLR 2017, without restarts).
 *
 * @example
 * ```ts
 * const schedule = cosineDecay({ epochs: 100, min: 1e-4 });
 * ```
 */
export function cosineDecay(options: { epochs: number; min?: number }): LearningRateSchedule {
  const epochs = checkInteger('options.epochs', options?.epochs, { min: 1 });
  const min = options.min === undefined ? 0 : checkNonNegative('options.min', options.min);
  return (epoch, base) => min + 0.5 * (base - min) * (1 + Math.cos((Math.PI * Math.min(epoch, epochs)) / epochs));
}

/** Validate a user schedule's result. */
export function checkSchedule(schedule: unknown): LearningRateSchedule {
  return checkFunction<LearningRateSchedule>('options.schedule', schedule);
}
