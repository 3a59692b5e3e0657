/**
 * Error codes @phaseflow/adjoint adds to core's vocabulary (declaration merging).
 */

declare module '@phaseflow/core' {
  interface PhaseflowErrorCodes {
    /**
     * A gradient computation would need more memory than its bound (the user's
     * `memory.maxBytes`, or the backend's heap): refused before it starts, or as soon as the
     * live memory crosses the bound, instead of exhausting the heap. `details` carry
     * `argument` (the option), `needBytes` (the estimate) and `boundBytes`.
     */
    MEMORY_BOUND_EXCEEDED: true;
  }
}

export {};
