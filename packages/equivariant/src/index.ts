import './errors.js';

export type { ContractGroup, EquivarianceContract } from './contract.js';
export { C4, D4, planarGroup } from './groups/planar.js';
export type { PlanarGroup, PlanarGroupName } from './groups/planar.js';
export { transformGroupFeatures, transformImages } from './groups/grid.js';
export type { GridBatch } from './groups/grid.js';
export { createGroupBatchNorm64, createGroupConv64, createGroupPool64, createLiftingConv64, expandKernel } from './gconv/reference.js';
export type {
  GridCheckOptions,
  GroupBatchNorm64,
  GroupBatchNorm64Options,
  GroupConv64,
  GroupConv64Options,
  GroupPool64,
  GroupPool64Options,
  GroupPoolMode,
  Padding,
} from './gconv/reference.js';
export { PhaseflowGroupBatchNorm, PhaseflowGroupConv, PhaseflowGroupPool, PhaseflowLiftingConv } from './gconv/layers.js';
export type { PhaseflowGroupBatchNormArgs, PhaseflowGroupConvArgs, PhaseflowGroupPoolArgs } from './gconv/layers.js';
export { tensorMap } from './tensor-map.js';
export type { TensorMapSubject } from './tensor-map.js';
export { permuteRows, symmetricGroup } from './groups/permutation.js';
export type { Permutation, SymmetricGroup } from './groups/permutation.js';
export { createDeepSets64, createSetPool64 } from './deepsets/reference.js';
export type { DeepSets64, DeepSets64Options, SetActivation, SetBatch, SetCheckOptions, SetPool, SetPool64, SetPool64Options } from './deepsets/reference.js';
export { PhaseflowDeepSets, PhaseflowSetPool } from './deepsets/layers.js';
export type { PhaseflowDeepSetsArgs, PhaseflowSetPoolArgs } from './deepsets/layers.js';
export { euclideanGroup } from './groups/euclidean.js';
export type { EuclideanElement, EuclideanGroup } from './groups/euclidean.js';
export { nodeWidth, packPointClouds, unpackPointClouds } from './egnn/cloud.js';
export type { NodeBatch, NodeLayout, PointClouds, UnpackedPointClouds } from './egnn/cloud.js';
export { createEgnn64, egnnParameterCount } from './egnn/reference.js';
export type { CoordinateAggregation, Egnn64, EgnnCheckOptions, EgnnConfig, EgnnOptions } from './egnn/reference.js';
export { PhaseflowEgnn } from './egnn/layers.js';
export type { PhaseflowEgnnArgs } from './egnn/layers.js';
export { planarConv } from './gconv/ops.js';
