/**
 * Error codes this package adds to core's vocabulary (declaration merging).
 */

declare module '@phaseflow/core' {
  interface PhaseflowErrorCodes {
    /**
     * A matrix that must be symmetric positive definite is not (to working precision): a
     * Cholesky pivot came out ≤ 0 or non-finite. Ridge readouts with collinear features and
     * ensemble Kalman systems that lost rank both report this code.
     */
    NOT_POSITIVE_DEFINITE: true;
    /**
     * An argument lies outside the domain where a function is defined or computed to full
     * accuracy (e.g. `logm` given a matrix far from the identity).
     */
    OUTSIDE_DOMAIN: true;
  }
}

export {};
