/** The parabolic block: forward Euler on the gradient flow Y' = −Kᵀ σ(N(K Y) + b). */
import * as tf from '@tensorflow/tfjs';
import { checkOneOf } from '@phaseflow/core';
import { StableBlock, type StableBlockArgs } from './stable-block.js';
import type { BlockKind32 } from './engine32.js';

/** Options of {@link ParabolicBlock}. */
export interface ParabolicBlockArgs extends StableBlockArgs {
  /** N in the step: `none` (identity, the default) or `instance` (zero mean, unit variance per sample). */
  normalization?: 'none' | 'instance';
}

/**
 * Parabolic network: forward Euler on the gradient flow Y' = −Kᵀ σ(N(K Y) + b):
 * Y_{j+1} = Y_j − h K_jᵀ σ(N(K_j Y_j) + b_j). With N = identity and σ monotone the flow
 * decreases Σ Φ(KY + b) (Φ' = σ), a nonlinear heat equation: smoothing, stable.
 *
 * Source: Ruthotto & Haber, "Deep neural networks motivated by partial differential
 * equations", J. Math. Imaging Vis. (2020; arXiv 2018), §3.1.
 *
 * @example
 * ```ts
 * const block = new ParabolicBlock({ depth: 16, finalTime: 1, normalization: 'instance' });
 * ```
 */
export class ParabolicBlock extends StableBlock {
  static override className = 'PhaseflowParabolicBlock';
  readonly normalization: 'none' | 'instance';
  constructor(args: ParabolicBlockArgs) {
    super(args, ['normalization']);
    this.normalization = args.normalization === undefined ? 'none' : checkOneOf('args.normalization', args.normalization, ['none', 'instance'] as const);
  }
  protected override twinKind(): BlockKind32 | undefined {
    return this.normalization === 'none' ? 'parabolic' : undefined;
  }
  private normalize(x: tf.Tensor): tf.Tensor {
    if (this.normalization === 'none') return x;
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
  }
  protected steps(x: tf.Tensor, ks: readonly tf.Tensor2D[], bs: readonly tf.Tensor[], record?: tf.Tensor[]): tf.Tensor {
    let y = x;
    record?.push(y);
    for (let j = 0; j < this.depth; j++) {
      const k = this.at(ks, j);
      const s = this.sigma(tf.add(this.normalize(tf.matMul(y as tf.Tensor2D, k, false, true)), this.at(bs, j)));
      y = tf.sub(y, tf.mul(tf.matMul(s as tf.Tensor2D, k), this.h));
      record?.push(y);
    }
    return y;
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), normalization: this.normalization };
  }
}
