/** The second-order (leapfrog) block: central differences on Y'' = −Kᵀ σ(K Y + b). */
import * as tf from '@tensorflow/tfjs';
import { StableBlock, affine, type StableBlockArgs } from './stable-block.js';
import type { BlockKind32 } from './engine32.js';

/**
 * Second-order (leapfrog) network: the central-difference discretisation of
 * Y'' = −Kᵀ σ(K Y + b), with Y_{−1} = Y_0:
 * Y_{j+1} = 2Y_j − Y_{j−1} − h² K_jᵀ σ(K_j Y_j + b_j).
 *
 * Source: Haber & Ruthotto, Inverse Problems 34 (2018), §3.3 (Meganet `LeapFrogNN`).
 *
 * @example
 * ```ts
 * const block = new LeapfrogBlock({ depth: 32, finalTime: 4 });
 * ```
 */
export class LeapfrogBlock extends StableBlock {
  static override className = 'PhaseflowLeapfrogBlock';
  constructor(args: StableBlockArgs) {
    super(args);
  }
  protected override twinKind(): BlockKind32 {
    return 'leapfrog';
  }
  protected steps(x: tf.Tensor, ks: readonly tf.Tensor2D[], bs: readonly tf.Tensor[], record?: tf.Tensor[]): tf.Tensor {
    let prev = x;
    let y = x;
    const h2 = this.h * this.h;
    record?.push(y);
    for (let j = 0; j < this.depth; j++) {
      const k = this.at(ks, j);
      const force = tf.matMul(this.sigma(affine(y, k, this.at(bs, j), true)) as tf.Tensor2D, k);
      const next = tf.sub(tf.sub(tf.mul(y, 2), prev), tf.mul(force, h2));
      prev = y;
      y = next;
      record?.push(y);
    }
    return y;
  }
}
