/**
 * Stability at depth, measured: how much a block with random weights amplifies its input
 * (forward) and the loss gradient (backward) as the number of steps grows.
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, checkOptions, checkPositive, createRandom, invalid } from '@phaseflow/core';
import { StableBlock } from './blocks/stable-block.js';

/** Options of {@link measureStability}. */
export interface StabilityOptions {
  /** Depths N to measure (default 8, 16, …, 512). */
  readonly depths?: readonly number[];
  /** Feature width w (default 8). */
  readonly width?: number;
  /** Samples in the probe batch (default 16). */
  readonly batch?: number;
  /** Step size h; each block gets the final time T = N·h (default 0.1). */
  readonly h?: number;
  /** Seed of the probe input and of the backward direction (default 0). */
  readonly seed?: number;
}

/** One measured depth. */
export interface StabilityRow {
  readonly depth: number;
  /** The block's final time T = N·h. */
  readonly finalTime: number;
  /** Forward growth ‖Y_N‖ / ‖Y_0‖ (Frobenius norms over the batch). */
  readonly growth: number;
  /** Backward ratio ‖∂L/∂Y_0‖ / ‖∂L/∂Y_N‖ for L = ⟨R, Y_N⟩ with a random R. */
  readonly gradientRatio: number;
}

/**
 * Measure forward growth ‖Y_N‖/‖Y_0‖ and backward gradient ratio ‖∂L/∂Y_0‖/‖∂L/∂Y_N‖ of the
 * blocks `create(depth, finalTime)` returns, for each depth N with a fixed step h (T = N h), on a
 * seeded Gaussian batch Y_0 and loss L = ⟨R, Y_N⟩ (so ∂L/∂Y_N = R). A stable architecture keeps
 * both near 1 at every depth; forward Euler on an unstable field grows with depth. Each block
 * is disposed after its measurement; no tensor is left behind.
 *
 * Source: Haber & Ruthotto, Inverse Problems 34 (2018), §3 (stability of the forward
 * propagation and of the gradients).
 *
 * @example
 * ```ts
 * const rows = measureStability((depth, finalTime) => new HamiltonianBlock({ depth, finalTime, seed: 1 }), { depths: [8, 64, 512] });
 * ```
 */
export function measureStability(create: (depth: number, finalTime: number) => StableBlock, options?: StabilityOptions): StabilityRow[] {
  if (typeof create !== 'function') invalid('create', 'a function (depth, finalTime) => stable block', create);
  const o = checkOptions('options', options, ['depths', 'width', 'batch', 'h', 'seed']);
  const depths = o.depths === undefined ? [8, 16, 32, 64, 128, 256, 512] : o.depths;
  if (!Array.isArray(depths) || depths.length === 0) invalid('options.depths', 'a non-empty array of depths', depths);
  depths.forEach((d, i) => checkInteger(`options.depths[${i}]`, d, { min: 1 }));
  const width = o.width === undefined ? 8 : checkInteger('options.width', o.width, { min: 1 });
  const batch = o.batch === undefined ? 16 : checkInteger('options.batch', o.batch, { min: 1 });
  const h = o.h === undefined ? 0.1 : checkPositive('options.h', o.h);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  const rng = createRandom(seed);
  const y0data = Float32Array.from(rng.fillNormal(new Float64Array(batch * width)));
  const rdata = Float32Array.from(rng.fillNormal(new Float64Array(batch * width)));
  const rows: StabilityRow[] = [];
  for (const depth of depths) {
    const finalTime = depth * h;
    const block = create(depth, finalTime);
    if (!(block instanceof StableBlock)) invalid('create(depth, finalTime)', 'a stable block', block);
    try {
      const [growth, ratio] = tf.tidy(() => {
        const y0 = tf.tensor2d(y0data, [batch, width]);
        const r = tf.tensor2d(rdata, [batch, width]);
        const grad = tf.valueAndGrad((y: tf.Tensor) => tf.sum(tf.mul(block.apply(y) as tf.Tensor, r)) as tf.Scalar);
        const yN = block.apply(y0) as tf.Tensor;
        const { grad: g } = grad(y0);
        return [tf.div(tf.norm(yN), tf.norm(y0)).dataSync()[0]!, tf.div(tf.norm(g), tf.norm(r)).dataSync()[0]!];
      });
      rows.push({ depth, finalTime, growth: growth!, gradientRatio: ratio! });
    } finally {
      block.dispose();
    }
  }
  return rows;
}
