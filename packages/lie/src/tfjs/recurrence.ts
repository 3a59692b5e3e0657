/**
 * The recurrence h_t = σ(h_{t−1}·W + u_t) over a whole sequence as one differentiable op with
 * a hand-written backward pass (back-propagation through time), and the modReLU activation.
 *
 * Written by hand because tf's autodiff records every op of every step: through 1000 steps
 * that is ~20 kernels per step and a tape entry for each. Two forms, the same numbers:
 *
 * - host (the cpu, wasm and tensorflow backends, whose tensors live in host memory): one
 *   matMul kernel per step and direction; the activation, its derivative and the sums run on
 *   the float32 arrays directly. Slicing a [T, B, n] tensor into steps costs more than the
 *   step itself on the wasm backend (~2 ms a slice against ~0.5 ms for the matMul, measured).
 * - tensor (GPU backends): 6 kernels per step forward, 3 backward, nothing read back.
 *
 * Either way the weight and bias gradients are summed over all steps in one matMul and sum.
 */
import * as tf from '@tensorflow/tfjs';
import { checkOneOf, checkOptions, invalid } from '@phaseflow/core';
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

/** Backends whose tensors live in host memory, where the host form runs. */
const HOST_BACKENDS = new Set(['cpu', 'wasm', 'tensorflow']);

/** Options of {@link recurrence}. */
export interface RecurrenceOptions {
  /** σ: `modrelu` (default), `tanh` or `linear`. */
  readonly activation?: RecurrentActivation;
  /** `host` or `tensor` (default: host on the cpu, wasm and tensorflow backends, tensor elsewhere). */
  readonly form?: 'host' | 'tensor';
}

type RecurrenceOp = (w: tf.Tensor, u: tf.Tensor, b: tf.Tensor) => tf.Tensor;
const ops = new Map<string, RecurrenceOp>();

/**
 * The recurrence H = [h_1 … h_T] of a simple RNN over a whole sequence, as one differentiable
 * op: h_0 = 0, h_t = σ(h_{t−1}·W + u_t) with σ = modReLU(·; b), tanh(· + b) or · + b; u is
 * time-major [T, B, n] (u_t = x_t·U, computed by the caller), W [n, n], b [n]; returns
 * [T, B, n]. Gradients to W, u and b by back-propagation through time (Werbos 1990), written
 * out: dz_t = (dh_t + dz_{t+1}·Wᵀ) ⊙ σ'(z_t), dW = Σ h_{t−1}ᵀ dz_t. The orthogonal cells run
 * on it; any W works (an unconstrained one gives the plain RNN).
 *
 * @example
 * ```ts
 * const H = recurrence(W, u, b, { activation: 'tanh' }); // [T, B, n]
 * ```
 */
export function recurrence(w: tf.Tensor2D, u: tf.Tensor, bias: tf.Tensor, options?: RecurrenceOptions): tf.Tensor3D {
  const o = checkOptions('options', options, ['activation', 'form']);
  const act = o.activation === undefined ? 'modrelu' : checkOneOf<RecurrentActivation>('options.activation', o.activation, RECURRENT_ACTIVATIONS);
  const form =
    o.form === undefined ? (HOST_BACKENDS.has(tf.getBackend()) ? 'host' : 'tensor') : checkOneOf<'host' | 'tensor'>('options.form', o.form, ['host', 'tensor']);
  checkTensor('w', w);
  checkTensor('u', u);
  checkTensor('bias', bias);
  if (u.rank !== 3) invalid('u', 'a time-major tensor [T, B, n]', `shape [${u.shape.join(', ')}]`, 'SHAPE_MISMATCH');
  const [, , n] = u.shape as [number, number, number];
  if (w.rank !== 2 || w.shape[0] !== n || w.shape[1] !== n) invalid('w', `a [${n}, ${n}] tensor`, `shape [${w.shape.join(', ')}]`, 'SHAPE_MISMATCH');
  if (bias.size !== n) invalid('bias', `${n} numbers`, `shape [${bias.shape.join(', ')}]`, 'SHAPE_MISMATCH');
  const key = `${form}:${act}`;
  let op = ops.get(key);
  if (op === undefined) {
    op = (form === 'host' ? hostRecurrence(act) : tensorRecurrence(act)) as RecurrenceOp;
    ops.set(key, op);
  }
  return op(w, u, bias) as tf.Tensor3D;
}

function hostRecurrence(act: RecurrentActivation) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [w, u, b, save] = args as [tf.Tensor2D, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [T, B, n] = u.shape as [number, number, number];
    const bn = B * n;
    const us = u.dataSync() as Float32Array;
    const bias = b.dataSync() as Float32Array;
    const H = new Float32Array(T * bn);
    // modReLU keeps z (its derivative and sign); tanh and linear read their derivative off h.
    const Z = act === 'modrelu' ? new Float32Array(T * bn) : H;
    const step = (t: number, hw: Float32Array | undefined) => {
      const o = t * bn;
      for (let i = 0; i < bn; i++) {
        const z = (hw ? hw[i]! : 0) + us[o + i]!;
        const c = i % n;
        if (act === 'modrelu') {
          Z[o + i] = z;
          const m = Math.abs(z) + bias[c]!;
          H[o + i] = m > 0 ? (z > 0 ? m : z < 0 ? -m : 0) : 0;
        } else H[o + i] = act === 'tanh' ? Math.tanh(z + bias[c]!) : z + bias[c]!;
      }
    };
    step(0, undefined);
    for (let t = 1; t < T; t++) {
      const hw = tf.tidy(() => tf.matMul(tf.tensor2d(H.subarray((t - 1) * bn, t * bn), [B, n]), w));
      step(t, hw.dataSync() as Float32Array);
      hw.dispose();
    }
    const value = tf.tensor3d(H, [T, B, n]);
    save([w]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const ws = saved[0] as tf.Tensor2D;
        const dH = (Array.isArray(dy) ? dy[0]! : dy).dataSync() as Float32Array;
        const dZ = new Float32Array(T * bn);
        const db = new Float32Array(n);
        let carry: Float32Array | undefined;
        for (let t = T - 1; t >= 0; t--) {
          const o = t * bn;
          for (let i = 0; i < bn; i++) {
            const g = dH[o + i]! + (carry ? carry[i]! : 0);
            const c = i % n;
            let dz: number;
            if (act === 'modrelu') {
              const z = Z[o + i]!;
              const active = Math.abs(z) + bias[c]! > 0;
              dz = active ? g : 0;
              if (active) db[c]! += z > 0 ? g : z < 0 ? -g : 0;
            } else {
              dz = act === 'tanh' ? g * (1 - H[o + i]! * H[o + i]!) : g;
              db[c]! += dz;
            }
            dZ[o + i] = dz;
          }
          if (t > 0) {
            const next = tf.tidy(() => tf.matMul(tf.tensor2d(dZ.subarray(o, o + bn), [B, n]), ws, false, true));
            carry = next.dataSync() as Float32Array;
            next.dispose();
          }
        }
        return tf.tidy(() => {
          // dW = Σ_t h_{t−1}ᵀ dz_t with h_0 = 0: one [n, (T−1)B] × [(T−1)B, n] product.
          const dW =
            T > 1
              ? tf.matMul(tf.tensor2d(H.subarray(0, (T - 1) * bn), [(T - 1) * B, n]), tf.tensor2d(dZ.subarray(bn), [(T - 1) * B, n]), true, false)
              : tf.zerosLike(ws);
          return [dW, tf.tensor3d(dZ, [T, B, n]), tf.reshape(tf.tensor1d(db), b.shape)];
        });
      },
    };
  });
}

function tensorRecurrence(act: RecurrentActivation) {
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
        const D = act === 'modrelu' ? tf.cast(tf.greater(tf.add(tf.abs(Zs), bs), 0), 'float32') : act === 'tanh' ? tf.sub(1, tf.square(Hs)) : undefined;
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
