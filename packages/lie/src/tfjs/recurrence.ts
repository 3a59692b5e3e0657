/**
 * The recurrence h_t = σ(h_{t−1}·W + u_t) over a whole sequence as one differentiable op with
 * a hand-written backward pass (back-propagation through time), and the modReLU activation.
 *
 * Written by hand because tf's autodiff records every op of every step: through 1000 steps
 * that is ~20 kernels per step and a tape entry for each. Here the forward pass takes 6
 * kernels per step and the backward pass 3 (the weight and bias gradients are summed over
 * all steps in a single matMul/sum).
 */
import * as tf from '@tensorflow/tfjs';
import { checkOneOf } from '@phaseflow/core';
import { checkTensor } from '@phaseflow/tfjs';

/** The recurrent activations: modReLU (default of the orthogonal cells), tanh, or none. */
export type RecurrentActivation = 'modrelu' | 'tanh' | 'linear';

/** The names accepted as a recurrent activation. */
export const RECURRENT_ACTIVATIONS: readonly RecurrentActivation[] = ['modrelu', 'tanh', 'linear'];

/**
 * modReLU, the real form: σ(z) = sign(z)·relu(|z| + b), one bias per unit (Arjovsky, Shah &
 * Bengio 2016). It keeps the sign and shrinks the magnitude by −b, so with b = 0 it is the
 * identity and an orthogonal recurrence preserves the norm of the hidden state.
 *
 * @example
 * ```ts
 * modRelu(tf.tensor1d([-2, 0.5, 3]), tf.tensor1d([-1, -1, -1])); // [-1, 0, 2]
 * ```
 */
export function modRelu(z: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  checkTensor('z', z);
  checkTensor('bias', bias);
  return tf.tidy(() => tf.mul(tf.sign(z), tf.relu(tf.add(tf.abs(z), bias))));
}

/**
 * The recurrence H = [h_1 … h_T] with h_0 = 0, h_t = σ(h_{t−1}·W + u_t) (σ = modReLU with bias
 * b, tanh of z + b, or z + b), as one op over u: [T, B, n] returning [T, B, n]; gradients to
 * W, u and b by back-propagation through time.
 * @internal
 */
export function createRecurrence(activationName: RecurrentActivation) {
  const act = checkOneOf<RecurrentActivation>('activation', activationName, RECURRENT_ACTIVATIONS);
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [w, u, b, save] = args as [tf.Tensor2D, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [T, B, n] = u.shape as [number, number, number];
    // tanh and linear fold the bias into u once; modReLU needs it inside the activation.
    const steps = tf.unstack(act === 'modrelu' ? u : tf.add(u, b));
    let h: tf.Tensor = tf.zeros([B, n]);
    const hs: tf.Tensor[] = [];
    const zs: tf.Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const z = tf.add(tf.matMul(h as tf.Tensor2D, w), steps[t]!);
      if (act === 'modrelu') {
        zs.push(z);
        h = tf.mul(tf.sign(z), tf.relu(tf.add(tf.abs(z), b)));
      } else h = act === 'tanh' ? tf.tanh(z) : z;
      hs.push(h);
    }
    const H = tf.stack(hs);
    const Z = act === 'modrelu' ? tf.stack(zs) : H;
    save([w, b, H, Z]);
    return {
      value: H,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [ws, bs, Hs, Zs] = saved as [tf.Tensor2D, tf.Tensor, tf.Tensor, tf.Tensor];
        const dH = Array.isArray(dy) ? dy[0]! : dy;
        // dh_t/dz_t, for all t at once: modReLU h = z + b·sign(z) where |z| + b > 0, else 0.
        const D =
          act === 'modrelu'
            ? tf.cast(tf.greater(tf.add(tf.abs(Zs), bs), 0), 'float32')
            : act === 'tanh'
              ? tf.sub(1, tf.square(Hs))
              : undefined;
        const dHs = tf.unstack(dH);
        const Ds = D ? tf.unstack(D) : undefined;
        const dzs: tf.Tensor[] = new Array(T);
        let carry: tf.Tensor | undefined;
        for (let t = T - 1; t >= 0; t--) {
          const g = carry ? tf.add(dHs[t]!, carry) : dHs[t]!;
          const dz = Ds ? tf.mul(g, Ds[t]!) : g;
          dzs[t] = dz;
          if (t > 0) carry = tf.matMul(dz as tf.Tensor2D, ws, false, true);
        }
        const dZ = tf.stack(dzs);
        // h_{t−1} for t = 1…T: [0, h_1, …, h_{T−1}].
        const prev = tf.concat([tf.zeros([1, B, n]), tf.slice(Hs, [0, 0, 0], [T - 1, B, n])]);
        const dW = tf.matMul(tf.reshape(prev, [T * B, n]), tf.reshape(dZ, [T * B, n]), true, false);
        const dbTerms = act === 'modrelu' ? tf.mul(dZ, tf.sign(Zs)) : dZ;
        const db = tf.reshape(tf.sum(tf.reshape(dbTerms, [T * B, n]), 0), bs.shape);
        return [dW, dZ, db];
      },
    };
  });
}
