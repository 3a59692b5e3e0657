/**
 * The Float64 multilayer perceptron: forward pass, reverse mode (vector–Jacobian products with
 * respect to the input and the parameters), ∇ₓ of a scalar network, and a batched ensemble
 * forward pass for derivative-free trainers. Plain loops over row-major arrays, no tensors.
 */
import {
  PhaseflowError,
  checkAllocation,
  checkFiniteArray,
  checkInteger,
  checkOneOf,
  checkOptions,
  checkPositive,
  createRandom,
  invalid,
  type ParametricLayer,
} from '@phaseflow/core';
import {
  HIDDEN_ACTIVATIONS,
  OUTPUT_ACTIVATIONS,
  activateInPlace,
  activations,
  outputInPlace,
  outputVjp,
  type Activation,
  type OutputActivation,
} from './activations.js';
import { glorot, type GlorotDistribution } from './init.js';

/**
 * A batch of `rows` inputs, each of `cols` numbers, row-major in `x` (`x[r * cols + c]`): the
 * input of {@link createMlp64}. The same shape as @phaseflow/enkf's `Batch`.
 */
export interface InputBatch {
  readonly x: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** Options of {@link createMlp64}. */
export interface Mlp64Options {
  /** Layer widths, input first, output last: `[784, 32, 10]`. At least two entries. */
  readonly sizes: readonly number[];
  /** Hidden activation (default `tanh`). */
  readonly activation?: Activation;
  /** Output map (default `linear`). */
  readonly output?: OutputActivation;
  /** Seed of the initial weights (default 0). */
  readonly seed?: number;
  /** Glorot distribution of the initial kernels (default `uniform`); biases start at 0. */
  readonly distribution?: GlorotDistribution;
  /** Scale of the Glorot kernels (default 1). */
  readonly gain?: number;
  /**
   * Use these parameters (length {@link Mlp64.parameters}.size, not copied) instead of
   * initialising new ones: the network reads them at every call, so writes show at once.
   * Excludes `seed`, `distribution` and `gain`.
   */
  readonly theta?: Float64Array;
}

/** A Float64 MLP: a parametric Layer from an {@link InputBatch} to `rows × outputs` numbers. */
export interface Mlp64 extends ParametricLayer<InputBatch, Float64Array> {
  readonly sizes: readonly number[];
  readonly activation: Activation;
  readonly output: OutputActivation;
  /** θ itself (not a copy): per layer the kernel W_l (in × out, row-major), then the bias b_l. */
  readonly theta: Float64Array;
  /**
   * Reverse mode at `batch`: given ḡ = ∂L/∂y (rows × outputs), returns ∂L/∂x (rows × inputs)
   * and adds ∂L/∂θ into `gTheta` (length `parameters.size`, θ's layout) when given.
   */
  vjp(batch: InputBatch, gy: Float64Array, gTheta?: Float64Array): Float64Array;
  /** ∇ₓ s for every row, for a scalar network s (one output): the vjp of ḡ = 1. */
  inputGradient(batch: InputBatch): Float64Array;
}

const KEYS = ['sizes', 'activation', 'output', 'seed', 'distribution', 'gain', 'theta'];

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

/**
 * z = b + h·W for `rows` rows (W: nin × nout at `w`, b at `b` inside `params`), skipping zero
 * inputs: row-major loops over contiguous kernel rows, z_r += h_ri · W_i,:.
 */
function affine(params: Float64Array, w: number, b: number, h: Float64Array, rows: number, nin: number, nout: number, z: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const zo = r * nout;
    const ho = r * nin;
    for (let j = 0; j < nout; j++) z[zo + j] = params[b + j]!;
    for (let i = 0; i < nin; i++) {
      const v = h[ho + i]!;
      if (v === 0) continue;
      const wo = w + i * nout;
      for (let j = 0; j < nout; j++) z[zo + j] += v * params[wo + j]!;
    }
  }
}

/**
 * Create a multilayer perceptron y = σ_out(W_L ⋯ σ(W_1 x + b_1) ⋯ + b_L) in Float64, with
 * Glorot-initialised kernels (Glorot & Bengio, AISTATS 2010) and zero biases.
 *
 * θ stacks, layer by layer, the kernel W_l (`in × out`, row-major) then the bias b_l; the
 * kernels are drawn in that order from one `createRandom(seed)` stream. `vjp` is reverse mode
 * by hand (∂L/∂x and ∂L/∂θ from ∂L/∂y); `parameters.forwardEnsemble` evaluates J parameter
 * sets on one batch without copying them into the model and walks only the non-zero inputs of
 * the first layer, once per row (MNIST pixels are about 80 % zeros). Zero activations are
 * skipped in every layer, which step activations (`heaviside`, `relu`) make common.
 *
 * Sources: the networks of Haber, Lucka & Ruthotto (2018) and Kovachki & Stuart (2019) for
 * ensemble training; Chen et al. (2018) and Greydanus et al. (2019) for the neural fields and
 * Hamiltonians this network is the Float64 reference of.
 *
 * @example
 * ```ts
 * const net = createMlp64({ sizes: [2, 16, 2], activation: 'heaviside', output: 'softmax', seed: 1 });
 * const p = net.forward({ x: Float64Array.of(0.5, -0.2), rows: 1, cols: 2 }); // two class probabilities
 * const dx = net.vjp({ x: Float64Array.of(0.5, -0.2), rows: 1, cols: 2 }, Float64Array.of(1, 0));
 * ```
 */
export function createMlp64(options: Mlp64Options): Mlp64 {
  const o = checkOptions('options', options, KEYS);
  if (!Array.isArray(o.sizes) || o.sizes.length < 2) invalid('options.sizes', 'an array of at least two layer widths', o.sizes);
  const sizes: readonly number[] = o.sizes.map((s, i) => checkInteger(`options.sizes[${i}]`, s, { min: 1 }));
  // Only a left-out option takes the default: null is refused like any other bad value.
  const activation = o.activation === undefined ? 'tanh' : checkOneOf('options.activation', o.activation, HIDDEN_ACTIVATIONS);
  const output = o.output === undefined ? 'linear' : checkOneOf('options.output', o.output, OUTPUT_ACTIVATIONS);
  const layers = sizes.length - 1;
  const offsets: number[] = [];
  let size = 0;
  for (let l = 0; l < layers; l++) {
    offsets.push(size);
    size += sizes[l]! * sizes[l + 1]! + sizes[l + 1]!;
  }
  checkAllocation('options.sizes', size, 8);
  let theta: Float64Array;
  if (o.theta !== undefined) {
    for (const key of ['seed', 'distribution', 'gain'] as const) {
      if (o[key] !== undefined) invalid(`options.${key}`, 'no initialisation option next to options.theta', o[key]);
    }
    if (!(o.theta instanceof Float64Array) || o.theta.length !== size)
      invalid('options.theta', `a Float64Array of ${size} parameters`, o.theta, 'SHAPE_MISMATCH');
    theta = o.theta;
  } else {
    const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
    const gain = o.gain === undefined ? 1 : checkPositive('options.gain', o.gain);
    const distribution = o.distribution === undefined ? 'uniform' : checkOneOf('options.distribution', o.distribution, ['uniform', 'normal'] as const);
    theta = new Float64Array(size);
    const rng = createRandom(seed);
    for (let l = 0; l < layers; l++) {
      const fanIn = sizes[l]!;
      const fanOut = sizes[l + 1]!;
      glorot(rng, fanIn, fanOut, { distribution, gain, out: theta.subarray(offsets[l], offsets[l]! + fanIn * fanOut) });
    }
  }
  const maxWidth = Math.max(...sizes.slice(1));
  const inSize = sizes[0]!;
  const outSize = sizes[layers]!;
  const act = activations[activation];

  const checkBatch = (argument: string, batch: InputBatch): void => {
    if (batch === null || typeof batch !== 'object' || !(batch.x instanceof Float64Array)) {
      invalid(argument, 'a batch { x: Float64Array, rows, cols }', batch);
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

  let scratchA = new Float64Array(0);
  let scratchB = new Float64Array(0);
  const scratch = (rows: number): void => {
    if (scratchA.length < rows * maxWidth) {
      scratchA = new Float64Array(rows * maxWidth);
      scratchB = new Float64Array(rows * maxWidth);
    }
  };

  /** Hidden layers 2 … L and the output map, from the first layer's activations in `a`. */
  const finishLayers = (params: Float64Array, base: number, rows: number, a: Float64Array, b: Float64Array): Float64Array => {
    let cur = a;
    let nxt = b;
    for (let l = 1; l < layers; l++) {
      const fanIn = sizes[l]!;
      const width = sizes[l + 1]!;
      const wl = base + offsets[l]!;
      affine(params, wl, wl + fanIn * width, cur, rows, fanIn, width, nxt);
      if (l < layers - 1) activateInPlace(activation, nxt, rows * width);
      const t = cur;
      cur = nxt;
      nxt = t;
    }
    const out = new Float64Array(rows * outSize);
    out.set(cur.subarray(0, rows * outSize));
    outputInPlace(output, out, rows, outSize);
    return out;
  };

  /** The network with parameters params[base … base + size) on dense rows. */
  const evaluate = (params: Float64Array, base: number, x: Float64Array, rows: number): Float64Array => {
    scratch(rows);
    const width = sizes[1]!;
    const w0 = base + offsets[0]!;
    affine(params, w0, w0 + inSize * width, x, rows, inSize, width, scratchA);
    if (layers > 1) activateInPlace(activation, scratchA, rows * width);
    return finishLayers(params, base, rows, scratchA, scratchB);
  };

  /** The same on pre-sparsified rows (the first layer walks the non-zero inputs only). */
  const evaluateSparse = (params: Float64Array, base: number, sp: SparseRows, rows: number): Float64Array => {
    const cur = scratchA;
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
    if (layers > 1) activateInPlace(activation, cur, rows * width);
    return finishLayers(params, base, rows, cur, scratchB);
  };

  /** Forward pass keeping every pre-activation z_l and activation h_l (h_0 = x) for reverse mode. */
  const trace = (x: Float64Array, rows: number) => {
    const zs: Float64Array[] = [];
    const hs: Float64Array[] = [x];
    let h = x;
    for (let l = 0; l < layers; l++) {
      const nin = sizes[l]!;
      const nout = sizes[l + 1]!;
      const z = new Float64Array(rows * nout);
      affine(theta, offsets[l]!, offsets[l]! + nin * nout, h, rows, nin, nout, z);
      zs.push(z);
      if (l + 1 < layers) {
        const hn = new Float64Array(z.length);
        for (let k = 0; k < z.length; k++) hn[k] = act.f(z[k]!);
        h = hn;
      } else if (output === 'linear') h = z;
      else {
        h = z.slice();
        outputInPlace(output, h, rows, nout);
      }
      hs.push(h);
    }
    return { zs, hs };
  };

  const net: Mlp64 = {
    name: `mlp(${sizes.join('-')}, ${activation}, ${output})`,
    sizes,
    activation,
    output,
    theta,
    forward(batch) {
      checkBatch('batch', batch);
      return evaluate(theta, 0, batch.x, batch.rows);
    },
    vjp(batch, gy, gTheta) {
      checkBatch('batch', batch);
      const rows = batch.rows;
      if (!(gy instanceof Float64Array) || gy.length !== rows * outSize)
        invalid('gy', `a Float64Array of rows × ${outSize} = ${rows * outSize} numbers`, gy, 'SHAPE_MISMATCH');
      if (gTheta !== undefined && (!(gTheta instanceof Float64Array) || gTheta.length !== size))
        invalid('gTheta', `a Float64Array of ${size} numbers`, gTheta, 'SHAPE_MISMATCH');
      const { zs, hs } = trace(batch.x, rows);
      let g = outputVjp(output, hs[layers]!, gy, rows, outSize);
      for (let l = layers - 1; l >= 0; l--) {
        const nin = sizes[l]!;
        const nout = sizes[l + 1]!;
        if (l + 1 < layers) {
          const z = zs[l]!;
          const h = hs[l + 1]!;
          const gd = new Float64Array(g.length);
          for (let k = 0; k < g.length; k++) gd[k] = g[k]! * act.df(z[k]!, h[k]!);
          g = gd;
        }
        const oW = offsets[l]!;
        const hin = hs[l]!;
        if (gTheta) {
          const ob = oW + nin * nout;
          for (let r = 0; r < rows; r++) {
            const go = r * nout;
            for (let j = 0; j < nout; j++) gTheta[ob + j] += g[go + j]!;
            for (let i = 0; i < nin; i++) {
              const v = hin[r * nin + i]!;
              if (v === 0) continue;
              const wo = oW + i * nout;
              for (let j = 0; j < nout; j++) gTheta[wo + j] += v * g[go + j]!;
            }
          }
        }
        const gin = new Float64Array(rows * nin);
        for (let r = 0; r < rows; r++) {
          const go = r * nout;
          for (let i = 0; i < nin; i++) {
            const wo = oW + i * nout;
            let s = 0;
            for (let j = 0; j < nout; j++) s += theta[wo + j]! * g[go + j]!;
            gin[r * nin + i] = s;
          }
        }
        g = gin;
      }
      return g;
    },
    inputGradient(batch) {
      if (outSize !== 1) invalid('mlp', 'a scalar MLP (output width 1)', outSize);
      checkBatch('batch', batch);
      return net.vjp(batch, new Float64Array(batch.rows).fill(1));
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
        // Checked before writing: a refused θ leaves the network as it was.
        checkFiniteArray('theta', values);
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
        for (let j = 0; j < members; j++) outs.push(evaluateSparse(thetas, j * size, sp, batch.rows));
        return outs;
      },
    },
  };
  if (o.theta === undefined) checkFiniteArray('theta', theta);
  return net;
}
