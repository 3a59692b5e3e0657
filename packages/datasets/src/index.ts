export type { ClassificationSet, LabeledSet, RegressionSet, TimeSeries } from './types.js';
export { circles, ellipses, moons, peaks, peaksFunction, spirals, swissRoll } from './classification.js';
export type { ToyOptions } from './classification.js';
export { doublePendulumSystem, fromReferenceProblem, henonHeilesSystem, keplerSystem, massSpringSystem, pendulumSystem } from './hamiltonian-systems.js';
export type { FlatHamiltonianSystem, HamiltonianSource } from './hamiltonian-systems.js';
export { hamiltonianSamples, hamiltonianTrajectory } from './trajectories.js';
export type { HamiltonianSampleOptions, HamiltonianSamples, TrajectoryOptions } from './trajectories.js';
export type { SeriesOptions } from './series/ode-series.js';
export { lorenz63Series, lorenz96Series } from './series/lorenz.js';
export type { Lorenz63SeriesOptions, Lorenz96SeriesOptions } from './series/lorenz.js';
export { mackeyGlassSeries } from './series/mackey-glass.js';
export type { MackeyGlassSeriesOptions } from './series/mackey-glass.js';
export { narma, narma10 } from './narma.js';
export type { NarmaOptions } from './narma.js';
export { spiralOdeData, spiralOdeField, type SpiralOdeData, type SpiralOdeOptions } from './spiral-ode.js';
export { batches, fitStandardizer, oneHot, selectRows, split, standardize, windows } from './helpers.js';
export type { Batch, BatchOptions, SplitOptions, Splits, Standardizer, WindowOptions } from './helpers.js';
export { toLabelledData, type FlatLabelledData, type ToLabelledDataOptions } from './labelled.js';
export { rotateImage, rotatedDigits, type MnistDigitClass, type MnistSource, type RotatedDigits, type RotatedDigitsOptions } from './rotated-digits.js';
export {
  chargedParticles,
  chargedParticlesTask,
  type ChargedParticles,
  type ChargedParticlesOptions,
  type ChargedParticlesTask,
  type ChargedParticlesTaskOptions,
} from './charged-particles.js';
export { inertia, inertiaTensor, o5Synthetic, o5SyntheticTarget, type InertiaOptions, type O5SyntheticOptions, type SymmetricRegressionSet } from './emlp.js';
