/**
 * Learning-rate schedules: η(epoch) for epoch = 0, 1, 2, … given the base rate η₀.
 */
import { checkFunction, checkInteger, checkNonNegative, checkOptions, checkPositive, invalid } from '@phaseflow/core';

/**
 * A learning-rate schedule: the rate for a (0-based) epoch, given the base rate. The built-in
 * ones refuse an epoch that is not an integer ≥ 0 and a base rate that is not a finite number
 * > 0 (INVALID_ARGUMENT naming `epoch` or `base`).
 */
export type LearningRateSchedule = (epoch: number, base: number) => number;

/** Options are required: `undefined` is refused here, not read as `{}`. */
function requireOptions<T>(options: T): T {
  if (options === undefined) invalid('options', 'an options object', options);
  return options;
}

function checkEpoch(epoch: unknown, base: unknown): void {
  checkInteger('epoch', epoch, { min: 0 });
  checkPositive('base', base);
}

/**
 * Step decay η = η₀ · factor^⌊epoch / every⌋.
 *
 * @example
 * ```ts
 * createGradientTrainer({ learningRate: 0.1, schedule: stepDecay({ every: 20, factor: 0.5 }) });
 * ```
 */
export function stepDecay(options: { every: number; factor: number }): LearningRateSchedule {
  const o = checkOptions('options', requireOptions(options), ['every', 'factor']);
  const every = checkInteger('options.every', o.every, { min: 1 });
  const factor = checkPositive('options.factor', o.factor);
  return (epoch, base) => (checkEpoch(epoch, base), base * factor ** Math.floor(epoch / every));
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
  return (epoch, base) => (checkEpoch(epoch, base), base * Math.exp(-r * epoch));
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
  const o = checkOptions('options', requireOptions(options), ['epochs', 'min']);
  const epochs = checkInteger('options.epochs', o.epochs, { min: 1 });
  const min = o.min === undefined ? 0 : checkNonNegative('options.min', o.min);
  return (epoch, base) => (checkEpoch(epoch, base), min + 0.5 * (base - min) * (1 + Math.cos((Math.PI * Math.min(epoch, epochs)) / epochs)));
}

/** Validate a user schedule's result. */
export function checkSchedule(schedule: unknown): LearningRateSchedule {
  return checkFunction<LearningRateSchedule>('options.schedule', schedule);
}
