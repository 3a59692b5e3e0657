/**
 * Event kinds @phaseflow/enkf adds to core by declaration merging (its error codes: ./errors.ts).
 */

/** Emitted after every ensemble iteration (one minibatch update). */
export interface EnKFIterationEvent {
  /** Iterations done, this one included (from 1: the `step` of the matching core `step` event). */
  readonly iteration: number;
  /** Epoch (pass over the data) the iteration belongs to, from 0 (as `epoch:end` and `batch:end`). */
  readonly epoch: number;
  /** Mean squared data misfit over members, (1/JM) Σ_j ‖y − G(θ_j)‖². */
  readonly misfit: number;
  /** Squared misfit of the ensemble-mean prediction, (1/M) ‖y − Ḡ‖². */
  readonly meanMisfit: number;
  /** Ensemble spread √(tr C / P): the root-mean-square deviation per parameter. */
  readonly spread: number;
  /** Step size Δt used for this update. */
  readonly step: number;
  /** Accumulated pseudo-time Σ Δt. */
  readonly t: number;
  /** Members that took part in the update (J minus dropped ones). */
  readonly members: number;
  /** Validation accuracy of the ensemble mean, when a validation set was given and evaluated. */
  readonly validationAccuracy?: number;
}

/** Emitted when members are dropped from an update because their forward pass gave NaN/±Inf. */
export interface EnKFDroppedEvent {
  readonly iteration: number;
  /** Indices of the failed members (0-based). */
  readonly members: readonly number[];
  /** Members that remained. */
  readonly remaining: number;
}

/** Emitted (once per run) when the spread falls below `collapseRatio` × its initial value. */
export interface EnKFCollapseEvent {
  readonly iteration: number;
  readonly spread: number;
  readonly initialSpread: number;
  readonly message: string;
}

declare module '@phaseflow/core' {
  interface PhaseflowEventMap {
    'enkf:iteration': EnKFIterationEvent;
    'enkf:dropped': EnKFDroppedEvent;
    'enkf:collapse': EnKFCollapseEvent;
  }
}
