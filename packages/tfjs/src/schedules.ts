/**
 * Learning-rate schedules: η(epoch) for epoch = 0, 1, 2, … given the base rate η₀.
 */
import { checkFunction, checkInteger, checkNonNegative, checkOptions, checkPositive } from '@phaseflow/core';

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
 * const schedule = exponentialDecay({ rate: 0.05 });
 * ```
 */
export function exponentialDecay(options: { rate: number }): LearningRateSchedule;
/**
 * Positional form of {@link exponentialDecay}.
 *
 * @deprecated Use `exponentialDecay({ rate })`; removed in the next minor
 */
export function exponentialDecay(rate: number): LearningRateSchedule;
export function exponentialDecay(options: { rate: number } | number): LearningRateSchedule {
  // The positional form keeps its old argument name in errors.
  const r = typeof options === 'number' ? checkNonNegative('rate', options) : checkNonNegative('options.rate', checkOptions('options', options, ['rate']).rate);
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
