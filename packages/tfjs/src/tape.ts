/**
 * Releasing what a failed gradient computation leaves on tfjs's tape.
 *
 * While `tf.grads`/`tf.variableGrads` record the forward pass, every kernel keeps copies of the
 * tensors its gradient will need (`node.saved`, marked kept, so no `tf.tidy` releases them);
 * the backward pass disposes them. When the forward pass throws — a loss that throws, a
 * non-finite state, an observer — there is no backward pass, and those copies stay alive until
 * the process ends: hundreds of tensors per call for a neural ODE solved by Dormand–Prince.
 */
import * as tf from '@tensorflow/tfjs';
import { checkFunction } from '@phaseflow/core';

interface TapeState {
  activeTape: { saved?: tf.Tensor[] }[] | null;
  gradientDepth: number;
}

/**
 * Run `fn` (which records gradients: `tf.grads`, `tf.variableGrads`, `tf.customGrad` …) and,
 * when it throws outside any enclosing gradient computation, dispose the tensors the abandoned
 * tape saved for its backward pass before rethrowing. On success it only returns `fn()`.
 * Combine with `tf.tidy` (which releases the ordinary intermediates) for a leak-free error
 * path: `tf.memory().numTensors` is the same before and after a call that throws.
 *
 * @example
 * ```ts
 * const { value, grads } = releaseTapeOnError(() => tf.tidy(() => tf.variableGrads(() => loss(model(x)))));
 * ```
 */
export function releaseTapeOnError<T>(fn: () => T): T {
  checkFunction('fn', fn);
  try {
    return fn();
  } catch (e) {
    const state = tf.engine().state as unknown as TapeState;
    // At depth > 0 the tape belongs to an enclosing computation, whose own backward pass (or
    // this same guard around it) releases it.
    if (state.gradientDepth === 0 && state.activeTape) {
      for (const node of state.activeTape) for (const t of node.saved ?? []) if (!t.isDisposed) t.dispose();
      state.activeTape = null;
    }
    throw e;
  }
}
