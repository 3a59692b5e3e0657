export type { ClassificationSet, LabeledSet, RegressionSet, TimeSeries } from './types.js';
export { fnv1a } from './checksum.js';
export { circles, ellipses, moons, peaks, peaksFunction, spirals, swissRoll } from './classification.js';
export type { ToyOptions } from './classification.js';
export {
  doublePendulumSystem,
  fromSymplectic,
  henonHeilesSystem,
  keplerSystem,
  massSpringSystem,
  pendulumSystem,
} from './hamiltonian-systems.js';
export type { FlatHamiltonianSystem, SeparableSource } from './hamiltonian-systems.js';
export { hamiltonianSamples, hamiltonianTrajectory } from './trajectories.js';
export type { HamiltonianSampleOptions, HamiltonianSamples, TrajectoryOptions } from './trajectories.js';
export { lorenz63, lorenz96, lorenz96Problem } from './lorenz.js';
export type { Lorenz63Options, Lorenz63Parameters, Lorenz96Options } from './lorenz.js';
export { mackeyGlass, solveDelay } from './delay.js';
export type { DelayOptions, MackeyGlassOptions } from './delay.js';
export { narma, narma10 } from './narma.js';
export type { NarmaOptions } from './narma.js';
export { spiralOdeData, spiralOdeField, type SpiralOdeData, type SpiralOdeOptions } from './spiral-ode.js';
export { batches, fitStandardizer, oneHot, selectRows, split, standardize, windows } from './helpers.js';
export type { Batch, BatchOptions, SplitOptions, Splits, Standardizer, WindowOptions } from './helpers.js';
// The reference problems live in the integrator packages; they are re-exported here so that
// data users find every system in one place.
export { harmonicOscillator, henonHeiles, kepler, outerSolarSystem, pendulum } from '@phaseflow/symplectic';
export type { HamiltonianSystem, KeplerSystem, NBodySystem } from '@phaseflow/symplectic';
export { arenstorf, lorenz63 as lorenz63Reference } from '@phaseflow/runge-kutta';
export type { IvpReference } from '@phaseflow/runge-kutta';
