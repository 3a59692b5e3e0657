/** The Hamiltonian two-stream block: Verlet steps of Y' = σ(K Z + b), Z' = −σ(Kᵀ Y + b). */
import * as tf from '@tensorflow/tfjs';
import { StableBlock, affine, type StableBlockArgs } from './stable-block.js';
import type { BlockKind32 } from './engine32.js';

/**
 * Hamiltonian two-stream network: the Verlet (leapfrog) discretisation of
 * Y' = σ(K Z + b), Z' = −σ(Kᵀ Y + b), Z(0) = 0:
 * Z_{j+½} = Z_{j−½} − h σ(K_jᵀ Y_j + b_j),  Y_{j+1} = Y_j + h σ(K_j Z_{j+½} + b_j),
 * started with Z_{−½} = (h/2) σ(K_0ᵀ Y_0 + b_0) (so Z_{½} = −(h/2)σ(…), second order).
 * Symplectic and time-reversible; outputs Y_N.
 *
 * Source: Haber & Ruthotto, Inverse Problems 34 (2018), §3.2, eq. (3.6) (Meganet `DoubleHamiltonianNN`).
 *
 * @example
 * ```ts
 * const block = new HamiltonianBlock({ depth: 16, finalTime: 4 });
 * ```
 */
export class HamiltonianBlock extends StableBlock {
  static override className = 'PhaseflowHamiltonianBlock';
  constructor(args: StableBlockArgs) {
    super(args);
  }
  protected override twinKind(): BlockKind32 {
    return 'hamiltonian';
  }
  protected override kernelScale(): number {
    return this.h;
  }
  protected steps(x: tf.Tensor, ks: readonly tf.Tensor2D[], bs: readonly tf.Tensor[], record?: tf.Tensor[]): tf.Tensor {
    // Rescaled state U = Y/h, V = Z/h with K̃ = hK: V ← V − σ(K̃ᵀU + b), U ← U + σ(K̃V + b),
    // the same map in 8 ops per step instead of 10.
    const h = this.h;
    let u = tf.div(x, h);
    let v: tf.Tensor | undefined;
    record?.push(x);
    for (let j = 0; j < this.depth; j++) {
      const k = this.at(ks, j);
      const b = this.at(bs, j);
      // Z_{−½} = (h/2) σ(K_0ᵀ Y_0 + b_0) is the staggered start consistent with Z(0) = 0, so
      // the first kick is a half kick (V_{½} = −½σ(…)).
      const kick = this.sigma(affine(u, k, b, false));
      v = v === undefined ? tf.mul(kick, -0.5) : tf.sub(v, kick);
      u = tf.add(u, this.sigma(affine(v, k, b, true)));
      if (record) record.push(tf.mul(u, h));
    }
    return tf.mul(u, h);
  }
}
