/**
 * Side effect only (listed in the package's `sideEffects`): registers the layer classes with
 * `tf.serialization` under their `className`, so a saved model holding one loads again in any
 * process that imported @phaseflow/lie/tfjs.
 */
import { registerPhaseflowLayer } from '@phaseflow/tfjs';
import { LieResNetBlock } from './lie-resnet.js';
import { OrthogonalDense } from './orthogonal-dense.js';
import { OrthogonalRnn } from './orthogonal-rnn.js';

for (const cls of [OrthogonalDense, OrthogonalRnn, LieResNetBlock]) registerPhaseflowLayer(cls);
