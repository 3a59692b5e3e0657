/**
 * Error codes this package adds to core's vocabulary (declaration merging), and the event it
 * adds to the observer vocabulary.
 */

declare module '@phaseflow/core' {
  interface PhaseflowErrorCodes {
    /**
     * A tangent-space computation needs the Jacobian of a problem and there is no way to get
     * it: the problem gives no Jacobian-vector product or Jacobian matrix, and finite
     * differences are switched off or impossible (a state that is not a Float64Array vector,
     * a problem kind other than `ode` or `map`).
     */
    JACOBIAN_UNAVAILABLE: true;
    /**
     * A tangent vector (a column of the orthonormal frame Q advanced by a Lyapunov run) became
     * NaN or ±Infinity while the trajectory itself stayed finite. Details carry the step and
     * the time; the error's `partial` keeps the spectrum measured before.
     */
    NON_FINITE_TANGENT: true;
  }
}

export {};
