/**
 * The contract between the float32 networks and the float32 trainer: a flat parameter vector
 * updated in place, a forward pass that records what its reverse pass needs, and the reverse
 * pass itself, all on preallocated buffers.
 */
import type { KernelKind } from './workspace.js';

/**
 * Options of a layer's float32 twin (`toTrainable32(options)` of the layers with one, and
 * @phaseflow/nn64/tfjs's `toTrainable32(model, options)`): the threads of its large products,
 * 1 (default) or 2 (see createWorkspace32; a twin without large products runs on one).
 */
export interface Twin32Options {
  readonly threads?: 1 | 2;
}

/**
 * A differentiable float32 map y = f_θ(x), row by row, over a flat parameter vector θ: what
 * {@link createGradientTrainer32} fits. Implementations keep their buffers between calls
 * (sized for the largest batch seen), so a training step allocates nothing.
 *
 * Third parties implement it for their own networks: forwardTape computes y for `rows` rows
 * of x (row-major, `inputs` numbers per row) and keeps what the reverse pass needs;
 * backwardTape is that reverse pass for the last forwardTape, adding ∂L/∂θ = (∂y/∂θ)ᵀ ḡ into
 * gTheta (θ's layout) and writing ∂L/∂x into gx when one is given.
 *
 * @example
 * ```ts
 * import { createMlp32 } from '@phaseflow/nn64';
 * const net = createMlp32({ sizes: [2, 8, 1], seed: 1 });
 * const y = net.forwardTape(Float32Array.of(0.5, -1, 2, 0), 2); // 2 × 1, a view
 * const g = new Float32Array(net.theta.length);
 * net.backwardTape(Float32Array.of(1, 1), g);                   // ∂(y₀ + y₁)/∂θ added into g
 * ```
 */
export interface Trainable32 {
  readonly name: string;
  /** Numbers per input row. */
  readonly inputs: number;
  /** Numbers per output row. */
  readonly outputs: number;
  /** θ itself (not a copy): trainers update it in place. */
  readonly theta: Float32Array;
  /** Which kernels run (recorded in the training history). */
  readonly kernel: KernelKind | 'js';
  /** Threads its products run on (recorded in the training history; 1 when left out). */
  readonly threads?: number;
  /**
   * y = f_θ(x) for `rows` rows of `x`; returns a view of rows × outputs numbers that stays
   * valid until the next call. Records what {@link Trainable32.backwardTape} needs.
   */
  forwardTape(x: Float32Array, rows: number): Float32Array;
  /**
   * Reverse mode of the last forwardTape: gTheta += (∂y/∂θ)ᵀ·gy (gy: rows × outputs); when
   * `gx` is given (rows × inputs), gx = (∂y/∂x)ᵀ·gy.
   */
  backwardTape(gy: Float32Array, gTheta: Float32Array, gx?: Float32Array): void;
}
