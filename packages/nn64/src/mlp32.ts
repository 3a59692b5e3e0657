/**
 * The float32 multilayer perceptron: the API of createMlp64 on Float32Array buffers, built on
 * the fused kernels of the workspace (matmul + bias + activation in one pass per layer, the
 * reverse pass in two gemms and one derivative pass per layer), with every buffer kept between
 * calls.
 */
import { checkFiniteArray, checkInteger, checkOneOf, checkOptions, invalid, type ParametricLayer } from '@phaseflow/core';
import { HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, type Activation, type OutputActivation } from './activations.js';
import {
  activateRows,
  activationGradRows,
  checkBatch32,
  checkBuffer32,
  checkFloat32Values,
  checkSizes,
  initialTheta32,
  kernelActivation,
  layout,
  rowsIn,
  rowsOut,
  type InputBatch32,
} from './dense32.js';
import type { GlorotDistribution } from './init.js';
import type { Trainable32 } from './trainable.js';
import { checkThreads, createWorkspace32, kernelKind, threadCount, type Matrix32, type Workspace32 } from './workspace.js';

export type { InputBatch32 } from './dense32.js';

/** Options of {@link createMlp32}: those of createMlp64, θ as a Float32Array, and the kernel choice. */
export interface Mlp32Options {
  /** Layer widths, input first, output last: `[2, 16, 16, 2]`. At least two entries. */
  readonly sizes: readonly number[];
  /** Hidden activation (default `tanh`). */
  readonly activation?: Activation;
  /** Output map (default `linear`). */
  readonly output?: OutputActivation;
  /** Seed of the initial weights (default 0): createMlp64's weights for the seed, rounded to float32. */
  readonly seed?: number;
  /** Glorot distribution of the initial kernels (default `uniform`); biases start at 0. */
  readonly distribution?: GlorotDistribution;
  /** Scale of the Glorot kernels (default 1). */
  readonly gain?: number;
  /** Use these parameters (not copied) instead of initialising new ones. Excludes seed, distribution, gain. */
  readonly theta?: Float32Array;
  /** `auto` (default): WebAssembly SIMD kernels where available; `js`: typed-array loops. */
  readonly kernel?: 'auto' | 'js';
  /**
   * Threads of the large products (default 1): 2 splits every product of the forward and
   * backward passes of at least 2¹⁸ multiply–adds between this thread and a helper worker on
   * shared memory, bit for bit the one-thread result (see createWorkspace32); `threads` says
   * what runs.
   */
  readonly threads?: 1 | 2;
}

/** A float32 MLP: a parametric Layer on {@link InputBatch32}s and a {@link Trainable32}. */
export interface Mlp32 extends ParametricLayer<InputBatch32, Float32Array>, Trainable32 {
  readonly sizes: readonly number[];
  readonly activation: Activation;
  readonly output: OutputActivation;
  /** θ itself (not a copy): per layer the kernel W_l (in × out, row-major), then the bias b_l. */
  readonly theta: Float32Array;
  /** Reverse mode at `batch`: returns ∂L/∂x (rows × inputs) and adds ∂L/∂θ into `gTheta` when given. */
  vjp(batch: InputBatch32, gy: Float32Array, gTheta?: Float32Array): Float32Array;
  /** ∇ₓ s for every row, for a scalar network s (one output). */
  inputGradient(batch: InputBatch32): Float32Array;
}

const KEYS = ['sizes', 'activation', 'output', 'seed', 'distribution', 'gain', 'theta', 'kernel', 'threads'];
const DENSE_KEYS = ['inputs', 'units', 'activation', 'seed', 'distribution', 'gain', 'theta', 'kernel', 'threads'];

/** Options of {@link createDense32}. */
export interface Dense32Options {
  /** Input width. */
  readonly inputs: number;
  /** Output width. */
  readonly units: number;
  /** σ (default `linear`): any hidden activation, or `softmax` over each output row. */
  readonly activation?: Activation | 'softmax';
  /** Seed of the Glorot-uniform kernel (default 0); the bias starts at 0. */
  readonly seed?: number;
  readonly distribution?: GlorotDistribution;
  readonly gain?: number;
  /** Use these parameters (W: inputs × units, row-major, then b; not copied). */
  readonly theta?: Float32Array;
  /** `auto` (default) or `js`. */
  readonly kernel?: 'auto' | 'js';
  /** 1 (default) or 2: see {@link Mlp32Options.threads}. */
  readonly threads?: 1 | 2;
}

/** Buffers for up to `capacity` rows. */
interface Tape {
  readonly capacity: number;
  readonly ws: Workspace32;
  /** H[0] = x, H[l] = σ(z_l), H[L] = the output map of z_L. */
  readonly H: Matrix32[];
  /** G[l] = ∂L/∂H[l] (then ∂L/∂z_l in place). */
  readonly G: Matrix32[];
  readonly W: Matrix32[];
  readonly WT: Matrix32[];
  readonly B: Matrix32[];
  readonly GW: Matrix32[];
  readonly out: Float32Array;
}

/**
 * Create a float32 multilayer perceptron y = σ_out(W_L ⋯ σ(W_1 x + b_1) ⋯ + b_L): the same
 * networks, θ layout, initial weights (createMlp64's for the seed, rounded) and API as
 * {@link createMlp64}, on Float32Array buffers, plus the {@link Trainable32} pair
 * `forwardTape`/`backwardTape` that {@link createGradientTrainer32} drives.
 *
 * Each layer's forward pass is one fused kernel (h_l = σ(h_{l−1} W_l + b_l), summed, biased and
 * activated tile by tile); its reverse pass is ∂z = ∂h ⊙ σ′ (σ′ from h), ∂W += h_{l−1}ᵀ ∂z,
 * ∂b += Σ_rows ∂z, ∂h_{l−1} = ∂z W_lᵀ. The kernels are WebAssembly SIMD where the engine has it
 * (see {@link createWorkspace32}); buffers are sized for the largest batch seen and reused, so
 * a training step allocates nothing. Sums run in float32: results agree with createMlp64 to
 * float32 precision, not bit for bit.
 *
 * @example
 * ```ts
 * import { createMlp32 } from '@phaseflow/nn64';
 * const net = createMlp32({ sizes: [2, 16, 2], output: 'softmax', seed: 1 });
 * const p = net.forward({ x: Float32Array.of(0.5, -0.2), rows: 1, cols: 2 }); // two class probabilities
 * const dx = net.vjp({ x: Float32Array.of(0.5, -0.2), rows: 1, cols: 2 }, Float32Array.of(1, 0));
 * ```
 */
export function createMlp32(options: Mlp32Options): Mlp32 {
  const o = checkOptions('options', options, KEYS);
  const sizes: readonly number[] = checkSizes('options.sizes', o.sizes);
  // Only a left-out option takes the default: null is refused like any other bad value.
  const activation = o.activation === undefined ? 'tanh' : checkOneOf('options.activation', o.activation, HIDDEN_ACTIVATIONS);
  const output = o.output === undefined ? 'linear' : checkOneOf('options.output', o.output, OUTPUT_ACTIVATIONS);
  return buildMlp32(o, sizes, activation, output, output, `mlp32(${sizes.join('-')}, ${activation}, ${output})`);
}

/** createMlp32 with any last activation (a hidden one, or an output map): the common body of createMlp32 and createDense32. */
function buildMlp32(
  o: {
    readonly theta?: Float32Array;
    readonly seed?: number;
    readonly distribution?: GlorotDistribution;
    readonly gain?: number;
    readonly kernel?: 'auto' | 'js';
    readonly threads?: 1 | 2;
  },
  sizes: readonly number[],
  activation: Activation,
  output: OutputActivation,
  lastActivation: Activation | 'softmax',
  name: string,
): Mlp32 {
  const kernelChoice = o.kernel === undefined ? 'auto' : checkOneOf('options.kernel', o.kernel, ['auto', 'js'] as const);
  const threads = threadCount(kernelChoice, checkThreads(o.threads));
  const L = sizes.length - 1;
  const { weights, biases, size } = layout(sizes);
  let theta: Float32Array;
  if (o.theta !== undefined) {
    for (const key of ['seed', 'distribution', 'gain'] as const) {
      if (o[key] !== undefined) invalid(`options.${key}`, 'no initialisation option next to options.theta', o[key]);
    }
    if (!(o.theta instanceof Float32Array) || o.theta.length !== size)
      invalid('options.theta', `a Float32Array of ${size} parameters`, o.theta, 'SHAPE_MISMATCH');
    checkFiniteArray('options.theta', o.theta);
    theta = o.theta;
  } else {
    if (o.distribution !== undefined) checkOneOf('options.distribution', o.distribution, ['uniform', 'normal'] as const);
    theta = initialTheta32(sizes, o.seed, o.distribution, o.gain);
  }
  const inSize = sizes[0]!;
  const outSize = sizes[L]!;
  const acts = sizes.slice(1).map((_, l): Activation | 'softmax' => (l + 1 < L ? activation : lastActivation));

  let tape: Tape | undefined;
  const tapeFor = (rows: number): Tape => {
    if (tape !== undefined && tape.capacity >= rows) return tape;
    tape?.ws.close();
    const ws = createWorkspace32({ kernel: kernelChoice, threads });
    const H = sizes.map((w) => ws.matrix(rows, w));
    const G = sizes.map((w) => ws.matrix(rows, w));
    const W: Matrix32[] = [];
    const WT: Matrix32[] = [];
    const B: Matrix32[] = [];
    const GW: Matrix32[] = [];
    for (let l = 0; l < L; l++) {
      W.push(ws.matrix(sizes[l]!, sizes[l + 1]!));
      WT.push(ws.matrix(sizes[l + 1]!, sizes[l]!));
      B.push(ws.matrix(1, sizes[l + 1]!));
      GW.push(ws.matrix(sizes[l]!, sizes[l + 1]!));
    }
    tape = { capacity: rows, ws, H, G, W, WT, B, GW, out: new Float32Array(rows * outSize) };
    return tape;
  };
  let recorded = 0;

  const forwardRows = (x: Float32Array, rows: number): Tape => {
    const t = tapeFor(rows);
    const { ws, H, W, B } = t;
    rowsIn(H[0]!, x, rows);
    for (let l = 0; l < L; l++) {
      ws.load(W[l]!, theta, weights[l]);
      ws.load(B[l]!, theta, biases[l]);
      const a = acts[l]!;
      const fused = a === 'softmax' ? 'linear' : kernelActivation(a);
      ws.gemm(H[l]!, W[l]!, H[l + 1]!, { rows, bias: B[l]!, activation: fused ?? 'linear' });
      if (a === 'softmax') softmaxRows(H[l + 1]!, rows);
      else if (fused === undefined) activateRows(H[l + 1]!, a, rows);
    }
    recorded = rows;
    return t;
  };

  const backwardRows = (gy: Float32Array, gTheta: Float32Array | undefined, wantInput: boolean): Tape => {
    const t = tape!;
    const rows = recorded;
    const { ws, H, G, WT, GW } = t;
    rowsIn(G[L]!, gy, rows);
    for (let l = L - 1; l >= 0; l--) {
      const a = acts[l]!;
      if (a === 'softmax') softmaxVjpRows(G[l + 1]!, H[l + 1]!, rows);
      else activationGradRows(ws, G[l + 1]!, H[l + 1]!, a, rows);
      if (gTheta !== undefined) {
        ws.gemm(H[l]!, G[l + 1]!, GW[l]!, { transposeA: true, rows });
        ws.addTo(GW[l]!, gTheta, weights[l]);
        ws.columnSums(G[l + 1]!, gTheta, biases[l], rows);
      }
      if (l > 0 || wantInput) {
        ws.load(WT[l]!, theta, weights[l], true);
        ws.gemm(G[l + 1]!, WT[l]!, G[l]!, { rows });
      }
    }
    return t;
  };

  const trainable = {
    forwardTape(x: Float32Array, rows: number): Float32Array {
      const t = forwardRows(x, rows);
      rowsOut(t.H[L]!, t.out, rows);
      return t.out.subarray(0, rows * outSize);
    },
    backwardTape(gy: Float32Array, gTheta: Float32Array, gx?: Float32Array): void {
      if (recorded === 0) invalid('backwardTape', 'a forwardTape call first', 'no recorded forward pass', 'INVALID_STATE');
      checkBuffer32('gy', gy, recorded * outSize);
      checkBuffer32('gTheta', gTheta, size);
      if (gx !== undefined) checkBuffer32('gx', gx, recorded * inSize);
      const t = backwardRows(gy, gTheta, gx !== undefined);
      if (gx !== undefined) rowsOut(t.G[0]!, gx, recorded);
    },
  };

  const net: Mlp32 = {
    name,
    sizes,
    activation,
    output,
    theta,
    inputs: inSize,
    outputs: outSize,
    kernel: kernelKind(kernelChoice),
    threads,
    forward(batch) {
      checkBatch32('batch', batch, inSize);
      return trainable.forwardTape(batch.x, batch.rows).slice();
    },
    forwardTape(x, rows) {
      checkBuffer32('x', x, rows * inSize);
      return trainable.forwardTape(x, rows);
    },
    backwardTape: trainable.backwardTape,
    vjp(batch, gy, gTheta) {
      checkBatch32('batch', batch, inSize);
      const rows = batch.rows;
      if (!(gy instanceof Float32Array) || gy.length !== rows * outSize)
        invalid('gy', `a Float32Array of rows × ${outSize} = ${rows * outSize} numbers`, gy, 'SHAPE_MISMATCH');
      if (gTheta !== undefined && (!(gTheta instanceof Float32Array) || gTheta.length !== size))
        invalid('gTheta', `a Float32Array of ${size} numbers`, gTheta, 'SHAPE_MISMATCH');
      forwardRows(batch.x, rows);
      const t = backwardRows(gy, gTheta, true);
      const gx = new Float32Array(rows * inSize);
      rowsOut(t.G[0]!, gx, rows);
      return gx;
    },
    inputGradient(batch) {
      if (outSize !== 1) invalid('mlp', 'a scalar MLP (output width 1)', outSize);
      checkBatch32('batch', batch, inSize);
      return net.vjp(batch, new Float32Array(batch.rows).fill(1));
    },
    parameters: {
      size,
      get(out) {
        if (out === undefined) return Float64Array.from(theta);
        if (!(out instanceof Float64Array) || out.length !== size) invalid('out', `a Float64Array(${size})`, out);
        for (let i = 0; i < size; i++) out[i] = theta[i]!;
        return out;
      },
      set(values) {
        if (values === null || typeof values !== 'object' || values.length !== size) invalid('theta', `an array of ${size} numbers`, values, 'SHAPE_MISMATCH');
        // Checked before writing: a refused θ leaves the network as it was.
        checkFloat32Values('theta', values);
        theta.set(values);
      },
    },
  };
  return net;
}

/**
 * One dense layer y = σ(x W + b) on the float32 engine, W: inputs × units (row-major, then b in
 * θ — the weights of a tf dense layer, kernel then bias), σ any hidden activation or `softmax`
 * per row: createMlp32's layer as a {@link Trainable32}, the unit {@link chainTrainable32}
 * composes (the twin of @phaseflow/tfjs's `PhaseflowDense`).
 *
 * @example
 * ```ts
 * import { createDense32 } from '@phaseflow/nn64';
 * const layer = createDense32({ inputs: 2, units: 4, activation: 'tanh', seed: 1 });
 * layer.forward({ x: Float32Array.of(1, -1), rows: 1, cols: 2 }); // 4 numbers in (−1, 1)
 * ```
 */
export function createDense32(options: Dense32Options): Mlp32 {
  const o = checkOptions('options', options, DENSE_KEYS);
  const inputs = checkInteger('options.inputs', o.inputs, { min: 1 });
  const units = checkInteger('options.units', o.units, { min: 1 });
  const activation = o.activation === undefined ? 'linear' : checkOneOf('options.activation', o.activation, [...HIDDEN_ACTIVATIONS, 'softmax' as const]);
  const output: OutputActivation = activation === 'softmax' || activation === 'sigmoid' ? activation : 'linear';
  return buildMlp32(o, [inputs, units], activation === 'softmax' ? 'linear' : activation, output, activation, `dense32(${inputs}→${units}, ${activation})`);
}

/** Row-wise softmax of the first `rows` rows, in place (max-shifted). */
function softmaxRows(m: Matrix32, rows: number): void {
  const d = m.data;
  const { cols, stride } = m;
  for (let r = 0; r < rows; r++) {
    const o = r * stride;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (d[o + j]! > max) max = d[o + j]!;
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(d[o + j]! - max);
      d[o + j] = e;
      s += e;
    }
    for (let j = 0; j < cols; j++) d[o + j]! /= s;
  }
}

/** ∂L/∂z_j = y_j (ḡ_j − Σ_k ḡ_k y_k), row by row, in place on g. */
function softmaxVjpRows(g: Matrix32, y: Matrix32, rows: number): void {
  const gd = g.data,
    yd = y.data;
  const { cols, stride } = g;
  for (let r = 0; r < rows; r++) {
    const o = r * stride;
    let s = 0;
    for (let j = 0; j < cols; j++) s += gd[o + j]! * yd[o + j]!;
    for (let j = 0; j < cols; j++) gd[o + j] = yd[o + j]! * (gd[o + j]! - s);
  }
}
