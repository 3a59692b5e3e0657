/**
 * The Trainer role: fit a model to data. Gradient descent, ensemble Kalman inversion and
 * reservoir readout fitting are all Trainers; they report through the same Observer events
 * as integration (training is a discretised flow in parameter space).
 */
import type { Observer } from './events.js';

/**
 * Labelled data, the one shape every trainer takes: `inputs` and the `targets` they map to,
 * aligned sample by sample (row i of `targets` belongs to row i of `inputs`). Each trainer
 * says what `I` and `T` it reads — rows of numbers, tensors [n, …], time series — and held-out
 * data is passed in the same shape as `validation`.
 *
 * Flat row-major arrays give their sample count in `samples`: the shape of one sample is then
 * `inputs.length / samples` (and `targets.length / samples`) numbers.
 *
 * @example
 * ```ts
 * const data: LabelledData<Float64Array, Float64Array> = {
 *   inputs: Float64Array.of(0, 0, 0, 1, 1, 0, 1, 1), // 4 samples × 2 features
 *   targets: Float64Array.of(0, 1, 1, 0),            // 4 samples × 1 target
 *   samples: 4,
 * };
 * ```
 */
export interface LabelledData<I = unknown, T = I> {
  /** The inputs, one per sample. */
  readonly inputs: I;
  /** The targets, one per sample, in the order of `inputs`. */
  readonly targets: T;
  /** n, the number of samples, where the inputs and targets are flat row-major arrays. */
  readonly samples?: number;
}

/**
 * Options every trainer accepts; trainers extend this. Trainers that report on held-out data
 * take it as `validation` (a {@link LabelledData} like the training data).
 */
export interface FitOptions {
  readonly observers?: readonly Observer[];
  readonly signal?: AbortSignal;
}

/** What every trainer returns; trainers extend this. */
export interface TrainingHistory {
  readonly status: 'completed' | 'stopped';
  /** Why an Observer stopped training. */
  readonly reason?: string;
  /** Epochs completed (the `epoch:end` events emitted; their `epoch` runs 0, 1, …, epochs − 1). */
  readonly epochs: number;
  /** Training loss per epoch. */
  readonly loss: number[];
  /**
   * Further per-epoch metrics by name, one value per epoch. The shared names: `accuracy`,
   * `learningRate`, and on held-out data `validationLoss` and `validationAccuracy`.
   */
  readonly metrics: Record<string, number[]>;
}

/**
 * Fits `model` to `data`.
 *
 * @example
 * ```ts
 * const history = await trainer.fit(model, { x, y }, { observers: [earlyStopping] });
 * ```
 */
export interface Trainer<M, D, O extends FitOptions = FitOptions, H extends TrainingHistory = TrainingHistory> {
  readonly name: string;
  fit(model: M, data: D, options?: O): Promise<H>;
}
