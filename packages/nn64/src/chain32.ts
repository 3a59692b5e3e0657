/**
 * A chain of float32 trainables f_K ∘ … ∘ f_1 as one trainable: θ is the parts' θ end to end,
 * the forward pass runs them in order, the reverse pass in reverse order (the chain rule).
 */
import { PhaseflowError, invalid } from '@phaseflow/core';
import { checkBuffer32 } from './dense32.js';
import type { Trainable32 } from './trainable.js';

/**
 * f = f_K ∘ … ∘ f_1 for trainables whose widths match (f_k.outputs = f_{k+1}.inputs), as one
 * {@link Trainable32}: θ = (θ_1, …, θ_K) in one Float32Array of its own (the parts' θ are
 * copied in before every forward pass, so a trainer updating θ in place updates the chain),
 * forwardTape runs the parts in order, backwardTape pulls ḡ back through them in reverse,
 * ∂L/∂θ_k landing at θ_k's place. The parts' own buffers are reused; nothing is allocated per
 * step. A tfjs `tf.Sequential` becomes one through @phaseflow/nn64/tfjs's `toTrainable32`.
 *
 * @example
 * ```ts
 * import { chainTrainable32, createDense32 } from '@phaseflow/nn64';
 * const net = chainTrainable32([
 *   createDense32({ inputs: 2, units: 8, activation: 'tanh', seed: 1 }),
 *   createDense32({ inputs: 8, units: 3, activation: 'softmax', seed: 2 }),
 * ]);
 * net.forwardTape(Float32Array.of(0.5, -1), 1); // three class probabilities
 * ```
 */
export function chainTrainable32(parts: readonly Trainable32[]): Trainable32 {
  if (!Array.isArray(parts) || parts.length === 0) invalid('parts', 'a non-empty array of Trainable32', parts);
  parts.forEach((p, k) => {
    if (
      p === null ||
      typeof p !== 'object' ||
      typeof p.forwardTape !== 'function' ||
      typeof p.backwardTape !== 'function' ||
      !(p.theta instanceof Float32Array)
    )
      invalid(`parts[${k}]`, 'a Trainable32 { theta, inputs, outputs, forwardTape, backwardTape }', p);
    if (k > 0 && parts[k - 1]!.outputs !== p.inputs) {
      throw new PhaseflowError('SHAPE_MISMATCH', `parts[${k}].inputs: expected ${parts[k - 1]!.outputs} (parts[${k - 1}].outputs), received ${p.inputs}`, {
        argument: `parts[${k}].inputs`,
        expected: String(parts[k - 1]!.outputs),
        received: String(p.inputs),
      });
    }
  });
  const offsets: number[] = [];
  let size = 0;
  for (const p of parts) {
    offsets.push(size);
    size += p.theta.length;
  }
  const theta = new Float32Array(size);
  parts.forEach((p, k) => theta.set(p.theta, offsets[k]));
  const last = parts.length - 1;
  // Per-part gradient views and the cotangent buffers between parts, made once per gTheta and batch size.
  let viewsFor: Float32Array | undefined;
  let views: Float32Array[] = [];
  let between: Float32Array[] = [];
  let rowsRecorded = 0;
  const kernel = parts.every((p) => p.kernel === 'wasm-simd') ? 'wasm-simd' : 'js';
  const threads = Math.max(...parts.map((p) => p.threads ?? 1));
  return {
    name: `chain32(${parts.map((p) => p.name).join(', ')})`,
    inputs: parts[0]!.inputs,
    outputs: parts[last]!.outputs,
    theta,
    kernel,
    threads,
    forwardTape(x, rows) {
      let y = x;
      for (let k = 0; k <= last; k++) {
        const p = parts[k]!;
        p.theta.set(theta.subarray(offsets[k]!, offsets[k]! + p.theta.length));
        y = p.forwardTape(y, rows);
      }
      rowsRecorded = rows;
      return y;
    },
    backwardTape(gy, gTheta, gx) {
      if (rowsRecorded === 0) invalid('backwardTape', 'a forwardTape call first', 'no recorded forward pass', 'INVALID_STATE');
      checkBuffer32('gTheta', gTheta, size);
      const rows = rowsRecorded;
      if (viewsFor !== gTheta) {
        viewsFor = gTheta;
        views = parts.map((p, k) => gTheta.subarray(offsets[k]!, offsets[k]! + p.theta.length));
      }
      if (between.length === 0 || between[0]!.length < rows * parts[0]!.outputs) {
        between = parts.slice(0, last).map((p) => new Float32Array(rows * p.outputs));
      }
      let g = gy;
      for (let k = last; k >= 0; k--) {
        const into = k > 0 ? between[k - 1]! : gx;
        parts[k]!.backwardTape(g, views[k]!, into);
        if (k > 0) g = between[k - 1]!;
      }
    },
  };
}
