/**
 * A multilayer perceptron in Float64 with a parametric view and a batched ensemble forward
 * pass, so derivative-free trainers can train it — including with step (Heaviside)
 * activations, which have zero gradient almost everywhere.
 */
import {
  PhaseflowError,
  checkFiniteArray,
  checkInteger,
  checkOneOf,
  checkOptions,
  checkPositive,
  createRandom,
  invalid,
  type ParametricLayer,
} from '@phaseflow/core';
import type { Batch } from './batch.js';

/** Hidden-layer activations. `heaviside` is the unit step H(z) = 1 if z > 0 else 0. */
export type Activation = 'tanh' | 'relu' | 'sigmoid' | 'heaviside' | 'sign' | 'identity';
/** Output-layer maps. `softmax` gives class probabilities per row. */
export type OutputActivation = 'identity' | 'softmax' | 'sigmoid';

const ACTIVATIONS: readonly Activation[] = ['tanh', 'relu', 'sigmoid', 'heaviside', 'sign', 'identity'];
const OUTPUTS: readonly OutputActivation[] = ['identity', 'softmax', 'sigmoid'];

/** Options of {@link createMLP}. */
export interface MLPOptions {
  /** Layer widths, input first, output last: `[784, 32, 10]`. At least two entries. */
  readonly sizes: readonly number[];
  /** Hidden activation (default `tanh`). */
  readonly activation?: Activation;
  /** Output map (default `identity`). */
  readonly output?: OutputActivation;
  /** Seed of the initial weights (default 0). */
  readonly seed?: number;
  /** Scale of the Glorot-normal initial weights, std = gain·√(2/(in+out)) (default 1). */
  readonly gain?: number;
}

/** A Float64 MLP: a parametric Layer from a {@link Batch} to `rows × outputs` numbers. */
export interface MLP extends ParametricLayer<Batch, Float64Array> {
  readonly sizes: readonly number[];
  readonly activation: Activation;
  readonly output: OutputActivation;
}

const MLP_OPTIONS = ['sizes', 'activation', 'output', 'seed', 'gain'];

/** Non-zero entries of each input row, shared by every member of an ensemble. */
interface SparseRows {
  readonly start: Int32Array;
  readonly index: Int32Array;
  readonly value: Float64Array;
}

function sparseRows(x: Float64Array, rows: number, cols: number): SparseRows {
  let nnz = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== 0) nnz++;
  const start = new Int32Array(rows + 1);
  const index = new Int32Array(nnz);
  const value = new Float64Array(nnz);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    start[r] = k;
    const o = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = x[o + c]!;
      if (v !== 0) {
        index[k] = c;
        value[k++] = v;
      }
    }
  }
  start[rows] = k;
  return { start, index, value };
}

function activate(a: Activation, z: Float64Array, n: number): void {
  switch (a) {
    case 'tanh':
      for (let i = 0; i < n; i++) z[i] = Math.tanh(z[i]!);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) if (z[i]! < 0) z[i] = 0;
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) z[i] = 1 / (1 + Math.exp(-z[i]!));
      return;
    case 'heaviside':
      for (let i = 0; i < n; i++) z[i] = z[i]! > 0 ? 1 : 0;
      return;
    case 'sign':
      for (let i = 0; i < n; i++) z[i] = z[i]! > 0 ? 1 : z[i]! < 0 ? -1 : 0;
      return;
    case 'identity':
      return;
  }
}

function finish(o: OutputActivation, z: Float64Array, rows: number, width: number): void {
  if (o === 'sigmoid') activate('sigmoid', z, rows * width);
  else if (o === 'softmax') {
    for (let r = 0; r < rows; r++) {
      const off = r * width;
      let max = -Infinity;
      for (let j = 0; j < width; j++) if (z[off + j]! > max) max = z[off + j]!;
      let s = 0;
      for (let j = 0; j < width; j++) {
        const e = Math.exp(z[off + j]! - max);
        z[off + j] = e;
        s += e;
      }
      for (let j = 0; j < width; j++) z[off + j]! /= s;
    }
  }
}

/**
 * Create a multilayer perceptron y = σ_out(W_L ⋯ σ(W_1 x + b_1) ⋯ + b_L) in Float64.
 *
 * The parameter vector θ stacks, layer by layer, the weight matrix W_l (`in × out`, row-major)
 * then the bias b_l. `parameters.forwardEnsemble` evaluates J parameter sets on one batch
 * without copying them into the model, and walks only the non-zero inputs of the first layer
 * once per row (MNIST pixels are about 80 % zeros).
 *
 * Source: the networks of Haber, Lucka & Ruthotto (2018) and Kovachki & Stuart (2019);
 * Glorot & Bengio (2010) initialisation.
 *
 * @example
 * ```ts
 * const net = createMLP({ sizes: [2, 16, 2], activation: 'heaviside', output: 'softmax', seed: 1 });
 * const p = net.forward({ x: Float64Array.of(0.5, -0.2), rows: 1, cols: 2 }); // two class probabilities
 * ```
 */
export function createMLP(options: MLPOptions): MLP {
  const o = checkOptions('options', options, MLP_OPTIONS);
  if (!Array.isArray(o.sizes) || o.sizes.length < 2) invalid('options.sizes', 'an array of at least two layer widths', o.sizes);
  const sizes = o.sizes.map((s, i) => checkInteger(`options.sizes[${i}]`, s, { min: 1 }));
  const activation = checkOneOf('options.activation', o.activation ?? 'tanh', ACTIVATIONS);
  const output = checkOneOf('options.output', o.output ?? 'identity', OUTPUTS);
  const seed = checkInteger('options.seed', o.seed ?? 0, { min: 0, max: 2 ** 32 - 1 });
  const gain = checkPositive('options.gain', o.gain ?? 1);
  const layers = sizes.length - 1;
  const offsets: number[] = [];
  let size = 0;
  for (let l = 0; l < layers; l++) {
    offsets.push(size);
    size += sizes[l]! * sizes[l + 1]! + sizes[l + 1]!;
  }
  const theta = new Float64Array(size);
  const rng = createRandom(seed);
  for (let l = 0; l < layers; l++) {
    const fanIn = sizes[l]!;
    const fanOut = sizes[l + 1]!;
    const std = gain * Math.sqrt(2 / (fanIn + fanOut));
    rng.fillNormal(theta.subarray(offsets[l], offsets[l]! + fanIn * fanOut), 0, std);
  }
  const maxWidth = Math.max(...sizes.slice(1));
  const inSize = sizes[0]!;
  const outSize = sizes[layers]!;

  const checkBatch = (argument: string, batch: Batch): void => {
    if (batch === null || typeof batch !== 'object' || !(batch.x instanceof Float64Array)) {
      invalid(argument, 'a Batch { x: Float64Array, rows, cols }', batch);
    }
    checkInteger(`${argument}.rows`, batch.rows, { min: 1 });
    if (batch.cols !== inSize) {
      throw new PhaseflowError('SHAPE_MISMATCH', `${argument}.cols: expected ${inSize} inputs per row, received ${batch.cols}`, {
        argument: `${argument}.cols`,
        expected: String(inSize),
        received: String(batch.cols),
      });
    }
    if (batch.x.length !== batch.rows * inSize) {
      throw new PhaseflowError('SHAPE_MISMATCH', `${argument}.x: expected length ${batch.rows * inSize}, received ${batch.x.length}`, {
        argument: `${argument}.x`,
        expected: `length ${batch.rows * inSize}`,
        received: `length ${batch.x.length}`,
      });
    }
  };

  // Evaluate the network with parameters thetas[base … base+size) on pre-sparsified rows.
  const evaluate = (params: Float64Array, base: number, sp: SparseRows, rows: number, a: Float64Array, b: Float64Array): Float64Array => {
    let cur = a;
    let nxt = b;
    // First layer from the sparse input rows.
    {
      const width = sizes[1]!;
      const w0 = base + offsets[0]!;
      const b0 = w0 + inSize * width;
      for (let r = 0; r < rows; r++) {
        const ro = r * width;
        for (let j = 0; j < width; j++) cur[ro + j] = params[b0 + j]!;
        for (let k = sp.start[r]!; k < sp.start[r + 1]!; k++) {
          const v = sp.value[k]!;
          const wo = w0 + sp.index[k]! * width;
          for (let j = 0; j < width; j++) cur[ro + j] += v * params[wo + j]!;
        }
      }
      if (layers > 1) activate(activation, cur, rows * width);
    }
    for (let l = 1; l < layers; l++) {
      const fanIn = sizes[l]!;
      const width = sizes[l + 1]!;
      const wl = base + offsets[l]!;
      const bl = wl + fanIn * width;
      for (let r = 0; r < rows; r++) {
        const ro = r * width;
        const ri = r * fanIn;
        for (let j = 0; j < width; j++) nxt[ro + j] = params[bl + j]!;
        for (let k = 0; k < fanIn; k++) {
          const v = cur[ri + k]!;
          if (v === 0) continue;
          const wo = wl + k * width;
          for (let j = 0; j < width; j++) nxt[ro + j] += v * params[wo + j]!;
        }
      }
      if (l < layers - 1) activate(activation, nxt, rows * width);
      const t = cur;
      cur = nxt;
      nxt = t;
    }
    const out = new Float64Array(rows * outSize);
    out.set(cur.subarray(0, rows * outSize));
    finish(output, out, rows, outSize);
    return out;
  };

  let scratchA = new Float64Array(0);
  let scratchB = new Float64Array(0);
  const scratch = (rows: number): void => {
    if (scratchA.length < rows * maxWidth) {
      scratchA = new Float64Array(rows * maxWidth);
      scratchB = new Float64Array(rows * maxWidth);
    }
  };

  const net: MLP = {
    name: `mlp(${sizes.join('-')}, ${activation}, ${output})`,
    sizes,
    activation,
    output,
    forward(batch) {
      checkBatch('batch', batch);
      scratch(batch.rows);
      return evaluate(theta, 0, sparseRows(batch.x, batch.rows, inSize), batch.rows, scratchA, scratchB);
    },
    parameters: {
      size,
      get(out) {
        if (out === undefined) return theta.slice();
        if (!(out instanceof Float64Array) || out.length !== size) invalid('out', `a Float64Array(${size})`, out);
        out.set(theta);
        return out;
      },
      set(values) {
        if (values === null || typeof values !== 'object' || values.length !== size) invalid('theta', `an array of ${size} numbers`, values, 'SHAPE_MISMATCH');
        theta.set(values);
      },
      forwardEnsemble(thetas, members, batch) {
        checkInteger('members', members, { min: 1 });
        if (!(thetas instanceof Float64Array) || thetas.length !== members * size) {
          invalid('thetas', `a Float64Array of ${members} × ${size} numbers`, thetas, 'SHAPE_MISMATCH');
        }
        checkBatch('input', batch);
        scratch(batch.rows);
        const sp = sparseRows(batch.x, batch.rows, inSize);
        const outs: Float64Array[] = [];
        for (let j = 0; j < members; j++) outs.push(evaluate(thetas, j * size, sp, batch.rows, scratchA, scratchB));
        return outs;
      },
    },
  };
  checkFiniteArray('theta', theta);
  return net;
}
