/** The residual network block: forward Euler on Y' = σ(K(t) Y + b(t)). */
import type * as tf from '@tensorflow/tfjs';
import { StableBlock, type StableBlockArgs } from './stable-block.js';
import type { BlockKind32 } from './engine32.js';

/**
 * Residual network block = forward Euler on Y' = σ(K(t) Y + b(t)):
 * Y_{j+1} = Y_j + h σ(K_j Y_j + b_j), h = T/N.
 *
 * Source: He et al., "Deep residual learning" (CVPR 2016); read as forward Euler by Haber &
 * Ruthotto, "Stable architectures for deep neural networks", Inverse Problems 34 (2018), eq. (2.3).
 *
 * @example
 * ```ts
 * const block = new ResNetBlock({ depth: 16, finalTime: 2, width: 8 });
 * const y = block.forward(tf.randomNormal([32, 8]));
 * ```
 */
export class ResNetBlock extends StableBlock {
  static override className = 'PhaseflowResNetBlock';
  constructor(args: StableBlockArgs) {
    super(args);
  }
  protected override twinKind(): BlockKind32 {
    return 'resnet';
  }
  protected override kernelScale(): number {
    return this.h;
  }
  protected steps(x: tf.Tensor, ks: readonly tf.Tensor2D[], bs: readonly tf.Tensor[], record?: tf.Tensor[]): tf.Tensor {
    return this.eulerSteps(x, ks, bs, record);
  }
}
