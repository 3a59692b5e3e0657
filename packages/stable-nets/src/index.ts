// Registers the block classes with tf.serialization (see register.ts and `sideEffects`).
import './register.js';

export { StableBlock } from './blocks/stable-block.js';
export type { StableBlockArgs } from './blocks/stable-block.js';
export { ResNetBlock } from './blocks/resnet.js';
export { AntisymmetricBlock } from './blocks/antisymmetric.js';
export type { AntisymmetricBlockArgs } from './blocks/antisymmetric.js';
export { HamiltonianBlock } from './blocks/hamiltonian.js';
export { LeapfrogBlock } from './blocks/leapfrog.js';
export { ParabolicBlock } from './blocks/parabolic.js';
export type { ParabolicBlockArgs } from './blocks/parabolic.js';
export { IntegratorBlock, registerBlockIntegrator } from './blocks/integrator-block.js';
export type { AnyBlockIntegrator, BlockIntegrator, IntegratorBlockArgs } from './blocks/integrator-block.js';
export { STABLE_BLOCKS, createStableNetwork, findBlock, isStableBlock } from './network.js';
export type { StableBlockKind, StableNetworkOptions } from './network.js';
export { prolongBlock, prolongModel, restrictBlock, restrictModel, trainMultilevel } from './multilevel.js';
export type { MultilevelOptions, MultilevelResult, MultilevelTrainer } from './multilevel.js';
export { measureStability } from './stability.js';
export type { StabilityOptions, StabilityRow } from './stability.js';
export { regularizedCrossEntropy, timeRegularizer } from './regularization.js';
export type { TimeRegularizerOptions } from './regularization.js';
