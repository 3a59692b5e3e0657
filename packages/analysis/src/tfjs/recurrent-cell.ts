/**
 * Trained tfjs recurrent cells read into the Float64 `RecurrentCell` of the main entry, for
 * their Lyapunov spectra: an @phaseflow/lie/tfjs `OrthogonalRnn` (expRNN, the Householder cell,
 * Cayley) by its shape, or the weight tensors of a plain RNN trained with lie's `recurrence` op.
 */
import * as tf from '@tensorflow/tfjs';
import { checkOneOf, invalid } from '@phaseflow/core';
import type { RecurrentCell, RecurrentCellActivation } from '../recurrent-cell.js';

const ACTIVATIONS: readonly RecurrentCellActivation[] = ['modrelu', 'tanh', 'linear'];

/**
 * What {@link recurrentCellOf} reads of a built recurrent layer: an @phaseflow/lie/tfjs
 * `OrthogonalRnn` has it all (trainable weights in the order θ, U, b; W = W(θ) from
 * `recurrentKernel()`).
 */
export interface TensorRecurrentLayer {
  readonly units: number;
  readonly activationName: string;
  readonly built: boolean;
  /** W at the current θ (n × n); the caller disposes it. */
  recurrentKernel(): tf.Tensor2D;
  readonly trainableWeights: readonly { read(): tf.Tensor }[];
}

/** The weight tensors of a plain recurrent cell h_t = σ(h_{t−1}·W + x_t·U + b) (as lie's `recurrence` op takes them). */
export interface TensorRecurrentWeights {
  /** W, [n, n]. */
  readonly recurrentKernel: tf.Tensor;
  /** U, [d, n]. */
  readonly inputKernel?: tf.Tensor;
  /** b, [n]. */
  readonly bias?: tf.Tensor;
  /** σ (default `tanh`). */
  readonly activation?: RecurrentCellActivation;
}

const live = (argument: string, t: unknown): tf.Tensor => {
  if (!(t instanceof tf.Tensor)) invalid(argument, 'a tf.Tensor', t);
  if (t.isDisposed) invalid(argument, 'a live tensor', 'a disposed tensor');
  return t;
};

/**
 * The Float64 weights of a trained tfjs recurrent cell, for `recurrentCellMap`: from a built
 * @phaseflow/lie/tfjs `OrthogonalRnn` (W = W(θ) formed once, U and b read; σ its activation,
 * modReLU by default) or from the tensors W [n, n], U [d, n], b [n] of a plain RNN. The numbers
 * are float32 values widened to Float64; no tensor is left behind.
 *
 * @example
 * ```ts no-run
 * import { createExpRnn } from '@phaseflow/lie/tfjs';
 * const rnn = createExpRnn({ units: 32, returnSequences: true, inputShape: [null, 1] });
 * // … train it …
 * const cell = recurrentCellMap(recurrentCellOf(rnn), { inputs: series }); // series: a T × 1 Matrix
 * lyapunovSpectrum(mapIterator(), cell, new Float64Array(32), { tEnd: 2000, transient: 100, vectors: 32 }).exponents;
 * ```
 */
export function recurrentCellOf(source: TensorRecurrentLayer | TensorRecurrentWeights): RecurrentCell {
  if (source === null || typeof source !== 'object') invalid('source', 'a built OrthogonalRnn layer or { recurrentKernel, inputKernel, bias } tensors', source);
  if (typeof source.recurrentKernel === 'function') {
    const layer = source as TensorRecurrentLayer;
    if (!layer.built) invalid('source', 'a built layer (call it once first)', 'an unbuilt layer', 'INVALID_STATE');
    const activation = checkOneOf<RecurrentCellActivation>('source.activationName', layer.activationName, ACTIVATIONS);
    const weights = layer.trainableWeights;
    if (!Array.isArray(weights) || weights.length !== 3) invalid('source.trainableWeights', 'three weights θ, U, b (an OrthogonalRnn)', weights);
    const W = layer.recurrentKernel();
    try {
      const n = W.shape[0]!;
      if (W.rank !== 2 || W.shape[1] !== n || n !== layer.units)
        invalid('source.recurrentKernel()', `a [${layer.units}, ${layer.units}] tensor`, `shape [${W.shape.join(', ')}]`, 'SHAPE_MISMATCH');
      const U = weights[1]!.read();
      const b = weights[2]!.read();
      if (U.rank !== 2 || U.shape[1] !== n)
        invalid('source.trainableWeights[1]', `an input kernel [d, ${n}]`, `shape [${U.shape.join(', ')}]`, 'SHAPE_MISMATCH');
      if (b.size !== n) invalid('source.trainableWeights[2]', `a bias of ${n}`, `shape [${b.shape.join(', ')}]`, 'SHAPE_MISMATCH');
      return {
        units: n,
        recurrentKernel: Float64Array.from(W.dataSync()),
        inputDim: U.shape[0]!,
        inputKernel: Float64Array.from(U.dataSync()),
        bias: Float64Array.from(b.dataSync()),
        activation,
      };
    } finally {
      W.dispose();
    }
  }
  const s = source as TensorRecurrentWeights;
  const W = live('source.recurrentKernel', s.recurrentKernel);
  const n = W.shape[0]!;
  if (W.rank !== 2 || W.shape[1] !== n) invalid('source.recurrentKernel', 'a square [n, n] tensor', `shape [${W.shape.join(', ')}]`, 'SHAPE_MISMATCH');
  const activation = s.activation === undefined ? 'tanh' : checkOneOf<RecurrentCellActivation>('source.activation', s.activation, ACTIVATIONS);
  const cell: { -readonly [K in keyof RecurrentCell]: RecurrentCell[K] } = { units: n, recurrentKernel: Float64Array.from(W.dataSync()), activation };
  if (s.inputKernel !== undefined) {
    const U = live('source.inputKernel', s.inputKernel);
    if (U.rank !== 2 || U.shape[1] !== n) invalid('source.inputKernel', `an input kernel [d, ${n}]`, `shape [${U.shape.join(', ')}]`, 'SHAPE_MISMATCH');
    cell.inputDim = U.shape[0]!;
    cell.inputKernel = Float64Array.from(U.dataSync());
  }
  if (s.bias !== undefined) {
    const b = live('source.bias', s.bias);
    if (b.size !== n) invalid('source.bias', `a bias of ${n}`, `shape [${b.shape.join(', ')}]`, 'SHAPE_MISMATCH');
    cell.bias = Float64Array.from(b.dataSync());
  }
  return cell;
}
