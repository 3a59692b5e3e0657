/**
 * The tensor ops under the planar group layers: the filter bank of a group convolution built
 * from its kernel (one gather, with its gradient written out), and a 2-D convolution that
 * trains on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import { checkOneOf, invalid } from '@phaseflow/core';
import { checkTensor } from '@phaseflow/tfjs';
import type { PlanarGroup } from '../groups/planar.js';
import { expansionIndex, type Padding } from './reference.js';

/**
 * The expanded kernel [k, k, C_in·|G_in|, C_out·|G|] of {@link expandKernel} from the kernel
 * tensor ψ: one gather with the precomputed source index, differentiated by hand (each entry
 * of ψ appears once per group element, so ∂L/∂ψ is the sum of |G| gathers of ∂L/∂W) — a
 * handful of ops on every backend, where rotating and permuting the filter with
 * transpose/reverse/slice would take about fifteen per group element. `inFeatures` is C_in
 * (group conv) or the image channels (lifting).
 * @internal
 */
export function expandKernelTensor(group: PlanarGroup, kind: 'lifting' | 'group', w: tf.Tensor, inFeatures: number): tf.Tensor4D {
  const [k, , cin, cout] = w.shape as [number, number, number, number];
  const order = group.order;
  const { source, scatter } = expansionIndex(group, kind, k, inFeatures, cout);
  const size = k * k * cin * cout;
  const expand = tf.customGrad(((psi: tf.Tensor) => ({
    value: tf.reshape(tf.gather(tf.reshape(psi, [size]), tf.tensor1d(source, 'int32')), [k, k, cin, cout * order]),
    gradFunc: (dy: tf.Tensor) =>
      tf.reshape(tf.sum(tf.reshape(tf.gather(tf.reshape(dy, [-1]), tf.tensor1d(scatter, 'int32')), [order, size]), 0), [k, k, cin, cout]),
  })) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (psi: tf.Tensor) => tf.Tensor4D;
  return expand(w);
}

const NATIVE_CONV = new Set(['webgl', 'webgpu', 'tensorflow']);

/**
 * out = x ⋆ w, the 2-D cross-correlation (stride 1, `valid` or `same` zero padding) of
 * x [B, H, W, C] with w [k, k, C, O]: Σ_{u,v,c} x[b, i + u − p, j + v − p, c]·w[u, v, c, o].
 * On backends with a fast trainable conv2d (webgl, webgpu, tfjs-node) this is `tf.conv2d`;
 * on wasm (which has no Conv2DBackpropFilter kernel) and cpu (whose filter gradient is very
 * slow) it is the sum over the k² kernel offsets of shifted slices times [C, O] matrices —
 * the same numbers, differentiable on every backend. The group layers convolve with it; it
 * is exported so plain (Z²) baselines run on the same op.
 *
 * @example
 * ```ts
 * const y = planarConv(x, w, 'same'); // [B, H, W, O]
 * ```
 */
export function planarConv(x: tf.Tensor4D, w: tf.Tensor4D, padding: Padding): tf.Tensor4D {
  checkTensor('x', x);
  checkTensor('w', w);
  if (x.rank !== 4) invalid('x', 'a rank-4 tensor [B, H, W, C]', `shape [${x.shape.join(', ')}]`, 'SHAPE_MISMATCH');
  if (w.rank !== 4) invalid('w', 'a rank-4 kernel [k, k, C, O]', `shape [${w.shape.join(', ')}]`, 'SHAPE_MISMATCH');
  const [k, kw, c] = w.shape;
  if (k !== kw) invalid('w', 'a square kernel [k, k, C, O]', `shape [${w.shape.join(', ')}]`, 'SHAPE_MISMATCH');
  if (c !== x.shape[3])
    invalid('w', `a kernel over the ${x.shape[3]} input channels of x ([k, k, ${x.shape[3]}, O])`, `shape [${w.shape.join(', ')}]`, 'SHAPE_MISMATCH');
  checkOneOf<Padding>('padding', padding, ['valid', 'same']);
  if (padding === 'same' && k % 2 === 0) invalid('w', "an odd kernel size with 'same' padding", `shape [${w.shape.join(', ')}]`, 'SHAPE_MISMATCH');
  const reach = padding === 'same' ? 1 : k;
  if (x.shape[1] < reach || x.shape[2] < reach)
    invalid('x', `a grid of at least ${reach} × ${reach} pixels for kernel size ${k}`, `shape [${x.shape.join(', ')}]`, 'SHAPE_MISMATCH');
  if (NATIVE_CONV.has(tf.getBackend())) return tf.conv2d(x, w, 1, padding);
  return tf.tidy(() => shiftedConv(x, w, padding));
}

/** Σ over the k² kernel offsets of shifted slices times [C, O] matrices (see {@link planarConv}). */
function shiftedConv(x: tf.Tensor4D, w: tf.Tensor4D, padding: Padding): tf.Tensor4D {
  const [k, , c, o] = w.shape;
  const p = padding === 'same' ? (k - 1) / 2 : 0;
  const xp =
    p > 0
      ? tf.pad(x, [
          [0, 0],
          [p, p],
          [p, p],
          [0, 0],
        ])
      : x;
  const [b, h, wd] = xp.shape;
  const ho = h - k + 1;
  const wo = wd - k + 1;
  // Σ over the k² kernel offsets of a shifted slice times a [C, O] matrix (measured faster on
  // wasm than im2col's one matmul over the k²-times larger patch matrix, at every size tried).
  const terms: tf.Tensor[] = [];
  for (let u = 0; u < k; u++) {
    for (let v = 0; v < k; v++) {
      const s = tf.reshape(tf.slice(xp, [0, u, v, 0], [b, ho, wo, c]), [b * ho * wo, c]);
      terms.push(tf.matMul(s as tf.Tensor2D, tf.reshape(tf.slice(w, [u, v, 0, 0], [1, 1, c, o]), [c, o]) as tf.Tensor2D));
    }
  }
  return tf.reshape(terms.length === 1 ? terms[0]! : tf.addN(terms), [b, ho, wo, o]);
}
