export { HamiltonianNN } from './hnn.js';
export type { Hamiltonian64, HamiltonianNNArgs } from './hnn.js';
export { rolloutHamiltonian, rolloutHamiltonianBatch, rolloutVectorField, rolloutVectorFieldBatch } from './rollout.js';
export type { RolloutOptions } from './rollout.js';
export { energyMse } from './energy.js';
export { SympNet } from './sympnet.js';
export type { SympNetArgs, SympNetKind } from './sympnet.js';
