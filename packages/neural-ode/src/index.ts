export { NEURAL_ODE_INTEGRATORS, NeuralODE } from './neural-ode.js';
export type { GradientMode, NeuralODEArgs } from './neural-ode.js';
export type { NeuralODE64, NeuralODE64Gradients } from './neural-ode64.js';
