export { NeuralODE } from './neural-ode.js';
export type { GradientMode, NeuralODE64, NeuralODEArgs } from './neural-ode.js';
export { NEURAL_ODE_INTEGRATORS, resolveIntegrator } from './integrators.js';
export type { MlpActivation } from './mlp.js';
