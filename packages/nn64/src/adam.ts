/**
 * Adam on a flat parameter vector, in place: the moments are kept in preallocated arrays, a
 * step allocates nothing.
 */
import { checkInRange, checkInteger, checkNonNegative, checkOptions, checkPositive, invalid } from '@phaseflow/core';
import { createAdamKernel } from './kernels/adam-kernel.js';

/** Options of {@link createAdam}. */
export interface AdamOptions {
  /** P, the length of the vectors it updates. */
  readonly size: number;
  /** Step size η (default 1e-3); may be changed between steps through `learningRate`. */
  readonly learningRate?: number;
  /** Decay of the first moment β₁ (default 0.9). */
  readonly beta1?: number;
  /** Decay of the second moment β₂ (default 0.999). */
  readonly beta2?: number;
  /** ε in the denominator (default 1e-7, the value tfjs's Adam uses; PyTorch's is 1e-8). */
  readonly epsilon?: number;
  /** L2 weight decay λ added to the gradient, g + λθ, as PyTorch's `Adam(weight_decay=λ)` (default 0). */
  readonly weightDecay?: number;
}

/** Adam's state and its in-place step; see {@link createAdam}. */
export interface Adam {
  readonly name: 'adam';
  readonly size: number;
  /** η, read at every step. */
  learningRate: number;
  /** Steps taken (t). */
  readonly steps: number;
  /** θ ← θ − η m̂/(√v̂ + ε) from the gradient g (both of length `size`), in place. */
  step(theta: Float32Array | Float64Array, gradient: Float32Array | Float64Array): void;
  /** Forget the moments and the step count. */
  reset(): void;
}

/**
 * Adam (Kingma & Ba, "Adam: A method for stochastic optimization", ICLR 2015) on a flat
 * parameter vector: with g = ∇θ + λθ, m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²,
 * θ ← θ − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε) — the update of PyTorch's and tfjs's
 * Adam. The moments live in two Float64Arrays allocated here; `step` updates θ in place and
 * allocates nothing. On Float32Array θ and gradient the update runs as a WebAssembly SIMD
 * kernel (f64x2) where the engine has SIMD: the same operations in the same order as the loop,
 * so θ comes out bit for bit the same.
 *
 * @example
 * ```ts
 * import { createAdam } from '@phaseflow/nn64';
 * const theta = Float32Array.of(1, -2);
 * const adam = createAdam({ size: 2, learningRate: 0.1 });
 * adam.step(theta, Float32Array.of(0.5, -0.5)); // θ ≈ (0.9, −1.9): the first step moves each entry by η
 * ```
 */
export function createAdam(options: AdamOptions): Adam {
  const o = checkOptions('options', options, ['size', 'learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay']);
  const size = checkInteger('options.size', o.size, { min: 1 });
  const beta1 = o.beta1 === undefined ? 0.9 : checkInRange('options.beta1', o.beta1, 0, 1);
  const beta2 = o.beta2 === undefined ? 0.999 : checkInRange('options.beta2', o.beta2, 0, 1);
  if (beta1 >= 1) invalid('options.beta1', 'a decay in [0, 1)', beta1);
  if (beta2 >= 1) invalid('options.beta2', 'a decay in [0, 1)', beta2);
  const epsilon = o.epsilon === undefined ? 1e-7 : checkPositive('options.epsilon', o.epsilon);
  const weightDecay = o.weightDecay === undefined ? 0 : checkNonNegative('options.weightDecay', o.weightDecay);
  const kernel = createAdamKernel(size);
  const m = kernel?.m ?? new Float64Array(size);
  const v = kernel?.v ?? new Float64Array(size);
  let t = 0;
  let learningRate = o.learningRate === undefined ? 1e-3 : checkPositive('options.learningRate', o.learningRate);
  return {
    name: 'adam',
    size,
    get learningRate() {
      return learningRate;
    },
    set learningRate(value: number) {
      learningRate = checkPositive('learningRate', value);
    },
    get steps() {
      return t;
    },
    step(theta, gradient) {
      if (!(theta instanceof Float32Array || theta instanceof Float64Array) || theta.length !== size)
        invalid('theta', `a Float32Array or Float64Array of ${size} numbers`, theta, 'SHAPE_MISMATCH');
      if (!(gradient instanceof Float32Array || gradient instanceof Float64Array) || gradient.length !== size)
        invalid('gradient', `a Float32Array or Float64Array of ${size} numbers`, gradient, 'SHAPE_MISMATCH');
      t++;
      const c1 = 1 / (1 - beta1 ** t);
      const c2 = 1 / (1 - beta2 ** t);
      const eta = learningRate;
      if (kernel !== null && theta instanceof Float32Array && gradient instanceof Float32Array) {
        kernel.theta.set(theta);
        kernel.grad.set(gradient);
        kernel.run(kernel.pM, kernel.pV, kernel.pTheta, kernel.pGrad, kernel.n, beta1, beta2, 1 - beta1, 1 - beta2, eta, c1, c2, epsilon, weightDecay);
        theta.set(kernel.theta);
        return;
      }
      for (let i = 0; i < size; i++) {
        const g = weightDecay === 0 ? gradient[i]! : gradient[i]! + weightDecay * theta[i]!;
        const mi = beta1 * m[i]! + (1 - beta1) * g;
        const vi = beta2 * v[i]! + (1 - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        theta[i] -= (eta * mi * c1) / (Math.sqrt(vi * c2) + epsilon);
      }
    },
    reset() {
      m.fill(0);
      v.fill(0);
      t = 0;
    },
  };
}
