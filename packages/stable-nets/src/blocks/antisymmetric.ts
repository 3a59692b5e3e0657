/** The antisymmetric ResNet block: forward Euler with K ↦ ½(K − Kᵀ) − γI. */
import * as tf from '@tensorflow/tfjs';
import { checkNonNegative } from '@phaseflow/core';
import { StableBlock, type StableBlockArgs } from './stable-block.js';
import type { BlockKind32 } from './engine32.js';

/** Options of {@link AntisymmetricBlock}. */
export interface AntisymmetricBlockArgs extends StableBlockArgs {
  /** Damping γ ≥ 0 in ½(K − Kᵀ) − γI (default 0.1). */
  gamma?: number;
}

/**
 * Antisymmetric ResNet: forward Euler with K_j replaced by ½(K_j − K_jᵀ) − γI, whose
 * eigenvalues have real part −γ, so the continuous flow neither explodes nor vanishes:
 * Y_{j+1} = Y_j + h σ((½(K_j − K_jᵀ) − γI) Y_j + b_j).
 *
 * Source: Haber & Ruthotto, Inverse Problems 34 (2018), §3.1; Chang et al., "AntisymmetricRNN" (ICLR 2019).
 *
 * @example
 * ```ts
 * const block = new AntisymmetricBlock({ depth: 32, finalTime: 4, gamma: 0.1 });
 * ```
 */
export class AntisymmetricBlock extends StableBlock {
  static override className = 'PhaseflowAntisymmetricBlock';
  readonly gamma: number;
  constructor(args: AntisymmetricBlockArgs) {
    super(args, ['gamma']);
    this.gamma = args.gamma === undefined ? 0.1 : checkNonNegative('args.gamma', args.gamma);
  }
  protected override twinKind(): BlockKind32 {
    return 'antisymmetric';
  }
  protected override transformKernel(k: tf.Tensor): tf.Tensor {
    const r = k.rank;
    const perm = [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
    return tf.sub(tf.mul(tf.sub(k, tf.transpose(k, perm)), 0.5), tf.mul(tf.eye(this.width!), this.gamma));
  }
  protected override kernelScale(): number {
    return this.h;
  }
  protected steps(x: tf.Tensor, ks: readonly tf.Tensor2D[], bs: readonly tf.Tensor[], record?: tf.Tensor[]): tf.Tensor {
    return this.eulerSteps(x, ks, bs, record);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), gamma: this.gamma };
  }
}
