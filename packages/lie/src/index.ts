import './errors.js';

export { GROUP_TOLERANCE } from './group.js';
export type { LieGroup, MatrixLieGroup } from './group.js';
export { SO2 } from './groups/so2.js';
export { SO3 } from './groups/so3.js';
export { SE2 } from './groups/se2.js';
export { SE3 } from './groups/se3.js';
export { createSO } from './groups/so-n.js';
export type { SpecialOrthogonalGroup } from './groups/so-n.js';
export { createEuclideanGroup } from './groups/euclidean.js';
export { createProductGroup } from './groups/product.js';
export type { ProductGroup } from './groups/product.js';
export { createSphere, isHomogeneousSpace, leftTranslations } from './manifold.js';
export type { HomogeneousSpace, Sphere } from './manifold.js';
export { createLieStateOps } from './state-ops.js';
export type { LieStateOps } from './state-ops.js';
export { lieProblem } from './problem.js';
export type { LieProblem, LieProblemSpec } from './problem.js';
export type { LieIntegrator } from './methods/common.js';
export { createRkmk, DEXPINV_COEFFICIENTS, createLieEuler, createRkmk2, createRkmk3, createRkmk4 } from './methods/rkmk.js';
export type { RkmkIntegrator, RkmkOptions } from './methods/rkmk.js';
export { CF3, CF4, CG2, CG3, createCf3, createCf4, createCommutatorFree, createCrouchGrossman2, createCrouchGrossman3 } from './methods/commutator-free.js';
export type { CommutatorFreeScheme, ExponentialProduct } from './methods/commutator-free.js';
export { createMagnus4 } from './methods/magnus.js';
export { createRkmk32, createRkmk54, createRkmkPair } from './methods/rkmk-pair.js';
export type { RkmkAdaptiveOptions, RkmkPairIntegrator, RkmkStats, RkmkStepper } from './methods/rkmk-pair.js';
export { lieMethods } from './methods/index.js';
export { freeRigidBody, heavyTop, precessingRotation, rotationAboutAxis } from './problems.js';
export type { HeavyTop, LieReference } from './problems.js';
export { createCayleyParametrization, createExponentialParametrization, createHouseholderParametrization } from './parametrizations.js';
export type { OrthogonalParametrization } from './parametrizations.js';
export { LIE_RESNET_METHODS, createLieResNet } from './resnet.js';
export type { LieResNet, LieResNetMethod, LieResNetOptions } from './resnet.js';
export { RETRACTIONS, createStiefel } from './riemannian/stiefel.js';
export type { Retraction, Stiefel } from './riemannian/stiefel.js';
export { createRiemannianTrainer } from './riemannian/trainer.js';
export type {
  RiemannianFitOptions,
  RiemannianHistory,
  RiemannianModel,
  RiemannianOptimizerName,
  RiemannianTrainerOptions,
  StiefelWeight,
} from './riemannian/trainer.js';
