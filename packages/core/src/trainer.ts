/**
 * The Trainer role: fit a model to data. Gradient descent, ensemble Kalman inversion and
 * reservoir readout fitting are all Trainers; they report through the same Observer events
 * as integration (training is a discretised flow in parameter space).
 */
import type { Observer } from './events.js';

/** Options every trainer accepts; trainers extend this. */
export interface FitOptions {
  readonly observers?: readonly Observer[];
  readonly signal?: AbortSignal;
}

/** What every trainer returns; trainers extend this. */
export interface TrainingHistory {
  readonly status: 'completed' | 'stopped';
  /** Why an Observer stopped training. */
  readonly reason?: string;
  /** Epochs (or iterations) completed. */
  readonly epochs: number;
  /** Training loss per epoch. */
  readonly loss: number[];
  /** Further per-epoch metrics by name (e.g. `accuracy`, `valLoss`). */
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
