/**
 * The tensor ops under the planar group layers: the filter bank of a group convolution built
 * from its kernel with differentiable ops (reverse, transpose, slice, concat, stack), and a
 * 2-D convolution that trains on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { PlanarGroup } from '../groups/planar.js';
import type { Padding } from './reference.js';

/**
 * L_g applied to the two leading (spatial) axes of a kernel [k, k, …]: the mirror reverses
 * the columns, each quarter turn is numpy's rot90 (transpose, then reverse the rows).
 */
function spatial(w: tf.Tensor, group: PlanarGroup, g: number): tf.Tensor {
  const rest = w.shape.slice(2).map((_, i) => i + 2);
  let t = group.mirrored(g) ? tf.reverse(w, 1) : w;
  for (let r = 0; r < group.rotation(g); r++) t = tf.reverse(tf.transpose(t, [1, 0, ...rest]), 0);
  return t;
}

/**
 * The expanded kernel [k, k, C_in·|G_in|, C_out·|G|] of {@link expandKernel}, as tensor ops
 * (so tfjs differentiates through it on every backend: no gather, whose gradient the wasm
 * backend lacks). `inFeatures` is C_in (group conv) or the image channels (lifting).
 * @internal
 */
export function expandKernelTensor(group: PlanarGroup, kind: 'lifting' | 'group', w: tf.Tensor, inFeatures: number): tf.Tensor4D {
  const [k, , cin, cout] = w.shape as [number, number, number, number];
  const order = group.order;
  const parts: tf.Tensor[] = [];
  for (const g of group.elements) {
    let t = spatial(w, group, g);
    if (kind === 'group') {
      // Copy h of every input feature reads copy g⁻¹h.
      const t5 = tf.reshape(t, [k, k, inFeatures, order, cout]);
      const gi = group.inverse(g);
      const slices = group.elements.map((h) => tf.slice(t5, [0, 0, 0, group.compose(gi, h), 0], [k, k, inFeatures, 1, cout]));
      t = tf.reshape(tf.concat(slices, 3), [k, k, cin, cout]);
    }
    parts.push(t);
  }
  return tf.reshape(tf.stack(parts, 4), [k, k, cin, cout * order]);
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
  if (NATIVE_CONV.has(tf.getBackend())) return tf.conv2d(x, w, 1, padding);
  const [k, , c, o] = w.shape;
  const p = padding === 'same' ? (k - 1) / 2 : 0;
  const xp = p > 0 ? tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]) : x;
  const [b, h, wd] = xp.shape;
  const ho = h - k + 1;
  const wo = wd - k + 1;
  const terms: tf.Tensor[] = [];
  for (let u = 0; u < k; u++) {
    for (let v = 0; v < k; v++) {
      const s = tf.reshape(tf.slice(xp, [0, u, v, 0], [b, ho, wo, c]), [b * ho * wo, c]);
      terms.push(tf.matMul(s as tf.Tensor2D, tf.reshape(tf.slice(w, [u, v, 0, 0], [1, 1, c, o]), [c, o]) as tf.Tensor2D));
    }
  }
  return tf.reshape(terms.length === 1 ? terms[0]! : tf.addN(terms), [b, ho, wo, o]);
}
