/**
 * Side effect only (listed in the package's `sideEffects`): registers every block class with
 * `tf.serialization` under its `className`, so a saved model holding one loads again in any
 * process that imported @phaseflow/stable-nets.
 */
import { registerPhaseflowLayer } from '@phaseflow/tfjs';
import { AntisymmetricBlock } from './blocks/antisymmetric.js';
import { HamiltonianBlock } from './blocks/hamiltonian.js';
import { IntegratorBlock } from './blocks/integrator-block.js';
import { LeapfrogBlock } from './blocks/leapfrog.js';
import { ParabolicBlock } from './blocks/parabolic.js';
import { ResNetBlock } from './blocks/resnet.js';

for (const cls of [ResNetBlock, AntisymmetricBlock, HamiltonianBlock, LeapfrogBlock, ParabolicBlock, IntegratorBlock]) registerPhaseflowLayer(cls);
