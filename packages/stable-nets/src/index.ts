export {
  AntisymmetricBlock,
  HamiltonianBlock,
  IntegratorBlock,
  LeapfrogBlock,
  ParabolicBlock,
  ResNetBlock,
  STABLE_BLOCKS,
  StableBlock,
  registerBlockIntegrator,
} from './layers.js';
export type {
  AntisymmetricBlockArgs,
  AnyBlockIntegrator,
  BlockIntegrator,
  IntegratorBlockArgs,
  ParabolicBlockArgs,
  StableBlockArgs,
  StableBlockKind,
} from './layers.js';
export { createStableNetwork, findBlock, isStableBlock } from './network.js';
export type { StableNetworkOptions } from './network.js';
export { prolongBlock, prolongModel, restrictBlock, restrictModel, trainMultilevel } from './multilevel.js';
export type { MultilevelOptions, MultilevelResult, MultilevelTrainer } from './multilevel.js';
export { measureStability } from './stability.js';
export type { StabilityOptions, StabilityRow } from './stability.js';
export { runToyClassification } from './experiments.js';
export type { ToyClassificationOptions, ToyClassificationResult } from './experiments.js';
export { regularizedCrossEntropy, timeRegularizer } from './regularization.js';
export type { TimeRegularizerOptions } from './regularization.js';
