/**
 * The equivariance contract every layer of this package declares (as escnn's modules do):
 * its group, the group's actions on the layer's flat Float64 inputs and outputs, a sampler of
 * inputs, and the layer itself as a Float64 map — exactly the options of the testkit's
 * `checkEquivariance`, so `checkEquivariance(layer.equivariance({ size: 9 }))` checks it.
 */
import type { Random } from '@phaseflow/core';

/** A group as a contract names it: all `elements` of a finite group and/or a seeded `sample`. */
export interface ContractGroup<G> {
  readonly name: string;
  readonly elements?: readonly G[];
  sample?(random: Random): G;
  label?(g: G): string;
}

/**
 * What a layer promises: f(ρ_in(g)x) = ρ_out(g)f(x) for every g in `group`, with both
 * actions on flat Float64 arrays (the layout of the layer's tensors) and `layer` the Float64
 * map (for a tfjs layer, its Float64 twin with the same weights, and `layers.float32` the
 * layer itself, so the two precisions are checked side by side).
 */
export interface EquivarianceContract<G> {
  readonly name: string;
  readonly group: ContractGroup<G>;
  actOnInput(g: G, x: Float64Array): Float64Array;
  actOnOutput(g: G, y: Float64Array): Float64Array;
  sampleInput(random: Random): Float64Array;
  /** The map in Float64. */
  readonly layer: (x: Float64Array) => Float64Array;
  /** The same map in float32 (tfjs layers). */
  readonly layers?: { readonly float32?: (x: Float64Array) => ArrayLike<number> };
}
