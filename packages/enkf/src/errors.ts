/**
 * Error codes @phaseflow/enkf adds to core's vocabulary (declaration merging).
 */

declare module '@phaseflow/core' {
  interface PhaseflowErrorCodes {
    /** Fewer than two ensemble members gave a finite forward pass; no Kalman update is possible. */
    ENSEMBLE_FAILURE: true;
  }
}

export {};
