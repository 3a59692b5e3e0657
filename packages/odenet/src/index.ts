// Both halves have moved out: stable architectures to @phaseflow/stable-nets; neural ODEs to
// @phaseflow/neural-ode (gradient engine: @phaseflow/adjoint), HNNs and SympNets to
// @phaseflow/hamiltonian-nets. This package is about to be removed.
export {};
