/**
 * @phaseflow/lie/tfjs — the TensorFlow.js half of @phaseflow/lie (float32, with the Float64
 * functions of the main entry as reference): orthogonal weight parametrisations as tensor
 * maps and layers, orthogonal RNN cells with modReLU, and the Lie-group ResNet block whose
 * features evolve on SO(n). Needs the optional peers
 * `@phaseflow/tfjs` and `@tensorflow/tfjs`; the main entry never loads them.
 */
// Registers the layer classes with tf.serialization (see register.ts and `sideEffects`).
import './register.js';

export { ORTHOGONAL_MAPS, createTensorParametrization, expmTensor } from './maps.js';
export type { OrthogonalInit, OrthogonalMapName, TensorParametrization, TensorParametrizationOptions } from './maps.js';
export { LieResNetBlock } from './lie-resnet.js';
export type { LieResNetBlockArgs } from './lie-resnet.js';
export { OrthogonalDense } from './orthogonal-dense.js';
export type { OrthogonalDenseArgs } from './orthogonal-dense.js';
export { OrthogonalRnn, createExpRnn, createHouseholderRnn } from './orthogonal-rnn.js';
export type { OrthogonalRnnArgs } from './orthogonal-rnn.js';
export { RECURRENT_ACTIVATIONS, modRelu, recurrence } from './recurrence.js';
export type { RecurrenceOptions, RecurrentActivation } from './recurrence.js';
