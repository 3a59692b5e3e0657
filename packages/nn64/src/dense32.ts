/**
 * Helpers the float32 networks share: θ's layout and initialisation, input checks, moving rows
 * in and out of workspace matrices, and the activations the kernels do not apply themselves.
 * Internal to the package.
 */
import { PhaseflowError, checkAllocation, checkInteger, checkPositive, createRandom, invalid } from '@phaseflow/core';
import { activations, type Activation } from './activations.js';
import { glorot, type GlorotDistribution } from './init.js';
import type { KernelActivation, Matrix32, Workspace32 } from './workspace.js';

/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Per layer, the offsets of W_l (in × out, row-major) and b_l in θ; and θ's length. */
export function layout(sizes: readonly number[]): { weights: number[]; biases: number[]; size: number } {
  const weights: number[] = [];
  const biases: number[] = [];
  let size = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    weights.push(size);
    size += sizes[l]! * sizes[l + 1]!;
    biases.push(size);
    size += sizes[l + 1]!;
  }
  return { weights, biases, size };
}

/** Layer widths: at least two positive integers. */
export function checkSizes(argument: string, sizes: unknown): number[] {
  if (!Array.isArray(sizes) || sizes.length < 2) invalid(argument, 'an array of at least two layer widths', sizes);
  return sizes.map((s, i) => checkInteger(`${argument}[${i}]`, s, { min: 1 }));
}

/**
 * θ for `sizes`: Glorot kernels drawn layer by layer from one createRandom(seed) stream in
 * Float64 (exactly @phaseflow/nn64's createMlp64 draws), rounded to float32; zero biases.
 */
export function initialTheta32(
  sizes: readonly number[],
  seed: unknown,
  distribution: GlorotDistribution | undefined,
  gain: unknown,
  argument = 'options',
): Float32Array {
  // Only a left-out option takes the default: null is refused like any other bad value.
  const s = seed === undefined ? 0 : checkInteger(`${argument}.seed`, seed, { min: 0, max: 2 ** 32 - 1 });
  const g = gain === undefined ? 1 : checkPositive(`${argument}.gain`, gain);
  const { weights, size } = layout(sizes);
  checkAllocation(`${argument}.sizes`, size, 4);
  const theta = new Float32Array(size);
  const rng = createRandom(s);
  for (let l = 0; l + 1 < sizes.length; l++) {
    const w = glorot(rng, sizes[l]!, sizes[l + 1]!, { distribution: distribution ?? 'uniform', gain: g });
    theta.set(w, weights[l]);
  }
  return theta;
}

/** Throw unless every entry is finite and within float32 range (checked before anything is written). */
export function checkFloat32Values(argument: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) invalid(`${argument}[${i}]`, 'a finite number', v, 'NON_FINITE_INPUT');
    if (Math.abs(v) > FLOAT32_MAX) invalid(`${argument}[${i}]`, `a number within float32 range (|v| ≤ ${FLOAT32_MAX})`, v, 'NON_FINITE_INPUT');
  }
}

/** A row-major float32 batch: `rows` rows of `cols` numbers in `x`. */
export interface InputBatch32 {
  readonly x: Float32Array;
  readonly rows: number;
  readonly cols: number;
}

/** Check a batch against the expected width. */
export function checkBatch32(argument: string, batch: InputBatch32, width: number): void {
  if (batch === null || typeof batch !== 'object' || !(batch.x instanceof Float32Array)) invalid(argument, 'a batch { x: Float32Array, rows, cols }', batch);
  checkInteger(`${argument}.rows`, batch.rows, { min: 1 });
  if (batch.cols !== width) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argument}.cols: expected ${width} inputs per row, received ${batch.cols}`, {
      argument: `${argument}.cols`,
      expected: String(width),
      received: String(batch.cols),
    });
  }
  if (batch.x.length !== batch.rows * width) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argument}.x: expected length ${batch.rows * width}, received ${batch.x.length}`, {
      argument: `${argument}.x`,
      expected: `length ${batch.rows * width}`,
      received: `length ${batch.x.length}`,
    });
  }
}

/** Check a flat array argument of the hot path: a Float32Array of at least `length` numbers. */
export function checkBuffer32(argument: string, a: unknown, length: number): Float32Array {
  if (!(a instanceof Float32Array) || a.length < length) invalid(argument, `a Float32Array of at least ${length} numbers`, a, 'SHAPE_MISMATCH');
  return a;
}

/** m[0:rows, 0:cols] ← src (row-major, compact); rows up to the next multiple of four are zeroed. */
export function rowsIn(m: Matrix32, src: Float32Array, rows: number): void {
  const d = m.data;
  const { cols, stride } = m;
  if (cols === stride) d.set(src.subarray(0, rows * cols));
  else for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) d[r * stride + j] = src[r * cols + j]!;
  const pad = ((rows + 3) & ~3) * stride;
  if (pad > rows * stride) d.fill(0, rows * stride, pad);
}

/** dst (compact, row-major) ← m[0:rows, 0:cols]. */
export function rowsOut(m: Matrix32, dst: Float32Array, rows: number): void {
  const d = m.data;
  const { cols, stride } = m;
  if (cols === stride) dst.set(d.subarray(0, rows * cols));
  else for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) dst[r * cols + j] = d[r * stride + j]!;
}

/** The activations the kernels apply in their own pass; the rest run as loops here. */
export function kernelActivation(a: Activation): KernelActivation | undefined {
  return a === 'tanh' || a === 'relu' || a === 'sigmoid' || a === 'linear' ? a : undefined;
}

/** m ← σ(m) on `rows` rows, for an activation the kernels do not apply (softplus, heaviside, sign). */
export function activateRows(m: Matrix32, a: Activation, rows: number): void {
  const d = m.data;
  const f = activations[a].f;
  const { cols, stride } = m;
  for (let r = 0; r < rows; r++) for (let j = r * stride, e = j + cols; j < e; j++) d[j] = f(d[j]!);
}

/** g ← g ⊙ σ′ on `rows` rows, σ′ from y = σ(z), through the kernels where they have σ. */
export function activationGradRows(ws: Workspace32, g: Matrix32, y: Matrix32, a: Activation, rows: number): void {
  const k = kernelActivation(a);
  if (k !== undefined) {
    ws.activationGrad(g, y, k, rows);
    return;
  }
  const gd = g.data,
    yd = y.data;
  const { cols, stride } = g;
  for (let r = 0; r < rows; r++) {
    for (let j = r * stride, e = j + cols; j < e; j++) {
      // softplus: σ′(z) = sigmoid(z) = 1 − e^{−y}; the step functions have σ′ = 0.
      gd[j] = a === 'softplus' ? gd[j]! * -Math.expm1(-yd[j]!) : 0;
    }
  }
}
