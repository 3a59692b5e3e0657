/**
 * The gradient of a scalar float32 MLP as a trainable map, x ↦ ∇ₓs(x) or its symplectic form
 * J∇ₓs(x): the field of a Hamiltonian neural network, with its parameter gradient written out
 * by hand (reverse mode through the input-gradient pass, "double backprop").
 */
import { checkOneOf, checkOptions, invalid } from '@phaseflow/core';
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

/** Activations with a second derivative, as the field of a potential needs. */
export type SmoothActivation32 = 'tanh' | 'sigmoid' | 'softplus' | 'linear';

/** Options of {@link createGradientField32}. */
export interface GradientField32Options {
  /** Widths of the potential s: input n first, ending in 1 (`[2, 200, 200, 1]`). */
  readonly sizes: readonly number[];
  /** Hidden activation of s (default `tanh`). */
  readonly activation?: SmoothActivation32;
  /** Output J∇s = (∂s/∂p, −∂s/∂q) for states x = (q, p) (n even) instead of ∇s (default false). */
  readonly symplectic?: boolean;
  /** Seed of the initial weights (default 0): createMlp64's for the seed, rounded to float32. */
  readonly seed?: number;
  readonly distribution?: GlorotDistribution;
  readonly gain?: number;
  /** Use these parameters (not copied) instead of initialising new ones. */
  readonly theta?: Float32Array;
  /** `auto` (default): WebAssembly SIMD kernels where available; `js`: typed-array loops. */
  readonly kernel?: 'auto' | 'js';
  /**
   * Threads of the large products (default 1): 2 splits every product of the field and
   * its reverse pass of at least 2¹⁸ multiply–adds between this thread and a helper worker on
   * shared memory, bit for bit the one-thread result (see createWorkspace32); `threads` says
   * what runs.
   */
  readonly threads?: 1 | 2;
}

/** The field of a scalar float32 MLP; see {@link createGradientField32}. */
export interface GradientField32 extends Trainable32 {
  readonly sizes: readonly number[];
  readonly activation: SmoothActivation32;
  readonly symplectic: boolean;
  /** θ of the potential s, createMlp32's layout. */
  readonly theta: Float32Array;
  /** The field at every row (rows × n), a fresh array. */
  forward(batch: InputBatch32): Float32Array;
  /** s(x) at every row, a fresh array. */
  potential(batch: InputBatch32): Float32Array;
}

const SMOOTH: readonly SmoothActivation32[] = ['tanh', 'sigmoid', 'softplus', 'linear'];
const KEYS = ['sizes', 'activation', 'symplectic', 'seed', 'distribution', 'gain', 'theta', 'kernel', 'threads'];

/** d/dh of σ′ written as a function of h = σ(z): tanh −2h, sigmoid 1 − 2h, softplus e^{−h}, linear 0. */
function curvature(a: SmoothActivation32, h: number): number {
  switch (a) {
    case 'tanh':
      return -2 * h;
    case 'sigmoid':
      return 1 - 2 * h;
    case 'softplus':
      return Math.exp(-h);
    case 'linear':
      return 0;
  }
}

interface Tape {
  readonly capacity: number;
  readonly ws: Workspace32;
  readonly H: Matrix32[]; // H[0] = x, H[l] = σ(z_l), l < L
  readonly A: Matrix32[]; // A[l] = ∂s/∂H[l]
  readonly D: Matrix32[]; // D[l] = A[l] ⊙ σ′(H[l]) = ∂s/∂z_l
  readonly Abar: Matrix32[];
  readonly Dbar: Matrix32[];
  readonly Hbar: Matrix32[];
  readonly W: Matrix32[];
  readonly WT: Matrix32[];
  readonly B: Matrix32[];
  readonly GW: Matrix32[];
  readonly out: Float32Array;
}

/**
 * The gradient field of a scalar MLP s_θ: ℝⁿ → ℝ (createMlp32's network and θ), as a
 * {@link Trainable32} from x to ∇ₓs_θ(x), or with `symplectic` to J∇ₓs_θ(x) = (∂s/∂p, −∂s/∂q)
 * — the vector field of a Hamiltonian neural network (Greydanus, Dzamba & Yosinski, NeurIPS
 * 2019), trained on observed time derivatives.
 *
 * The field is the reverse pass of s with ḡ = 1: a_{L−1} = w_L, δ_l = a_l ⊙ σ′(h_l),
 * a_{l−1} = δ_l W_lᵀ, ∇ₓs = a_0. Its parameter gradient is reverse mode through that pass and
 * then through the forward pass ("double backprop", as `create_graph=True` in PyTorch):
 * W̄_l += ā_{l−1}ᵀ δ_l, δ̄_l = ā_{l−1} W_l, ā_l = δ̄_l ⊙ σ′(h_l), h̄_l = δ̄_l ⊙ a_l ⊙ (σ′)′(h_l),
 * then z̄_l = h̄_l ⊙ σ′(h_l), W̄_l += h_{l−1}ᵀ z̄_l, b̄_l += Σ z̄_l, h̄_{l−1} += z̄_l W_lᵀ, each
 * product one fused kernel of the workspace. b_L does not reach the field (its gradient is 0).
 *
 * @example
 * ```ts
 * import { createGradientField32 } from '@phaseflow/nn64';
 * const field = createGradientField32({ sizes: [2, 16, 16, 1], symplectic: true, seed: 1 });
 * const f = field.forward({ x: Float32Array.of(1, 0), rows: 1, cols: 2 }); // (∂H/∂p, −∂H/∂q)
 * ```
 */
export function createGradientField32(options: GradientField32Options): GradientField32 {
  const o = checkOptions('options', options, KEYS);
  const sizes: readonly number[] = checkSizes('options.sizes', o.sizes);
  const L = sizes.length - 1;
  if (sizes[L] !== 1) invalid(`options.sizes[${L}]`, '1 (a scalar potential)', sizes[L]);
  // Only a left-out option takes the default: null is refused like any other bad value.
  const activation = o.activation === undefined ? 'tanh' : checkOneOf('options.activation', o.activation, SMOOTH);
  if (o.symplectic !== undefined && typeof o.symplectic !== 'boolean') invalid('options.symplectic', 'a boolean', o.symplectic);
  const symplectic = o.symplectic ?? false;
  const n = sizes[0]!;
  if (symplectic && n % 2 !== 0) invalid('options.sizes[0]', 'an even state width 2d (q then p) for a symplectic field', n, 'SHAPE_MISMATCH');
  const kernelChoice = o.kernel === undefined ? 'auto' : checkOneOf('options.kernel', o.kernel, ['auto', 'js'] as const);
  const threads = threadCount(kernelChoice, checkThreads(o.threads));
  const { weights, biases, size } = layout(sizes);
  let theta: Float32Array;
  if (o.theta !== undefined) {
    for (const key of ['seed', 'distribution', 'gain'] as const) {
      if (o[key] !== undefined) invalid(`options.${key}`, 'no initialisation option next to options.theta', o[key]);
    }
    if (!(o.theta instanceof Float32Array) || o.theta.length !== size)
      invalid('options.theta', `a Float32Array of ${size} parameters`, o.theta, 'SHAPE_MISMATCH');
    checkFloat32Values('options.theta', o.theta);
    theta = o.theta;
  } else {
    if (o.distribution !== undefined) checkOneOf('options.distribution', o.distribution, ['uniform', 'normal'] as const);
    theta = initialTheta32(sizes, o.seed, o.distribution, o.gain);
  }
  const hiddenKernel = kernelActivation(activation);
  const d = n / 2;

  let tape: Tape | undefined;
  const tapeFor = (rows: number): Tape => {
    if (tape !== undefined && tape.capacity >= rows) return tape;
    tape?.ws.close();
    const ws = createWorkspace32({ kernel: kernelChoice, threads });
    const each = (): Matrix32[] => sizes.slice(0, L).map((w) => ws.matrix(rows, w));
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
    tape = { capacity: rows, ws, H: each(), A: each(), D: each(), Abar: each(), Dbar: each(), Hbar: each(), W, WT, B, GW, out: new Float32Array(rows * n) };
    return tape;
  };
  let recorded = 0;

  /** Forward pass and the input-gradient pass; the field (∇s) is left in A[0]. */
  const fieldRows = (x: Float32Array, rows: number): Tape => {
    const t = tapeFor(rows);
    const { ws, H, A, D, W, WT, B } = t;
    rowsIn(H[0]!, x, rows);
    for (let l = 0; l < L; l++) {
      ws.load(W[l]!, theta, weights[l]);
      ws.load(WT[l]!, theta, weights[l], true);
      ws.load(B[l]!, theta, biases[l]);
    }
    for (let l = 1; l < L; l++) {
      ws.gemm(H[l - 1]!, W[l - 1]!, H[l]!, { rows, bias: B[l - 1]!, activation: hiddenKernel ?? 'linear' });
      if (hiddenKernel === undefined) activateRows(H[l]!, activation, rows);
    }
    // a_{L−1} = w_L on every row: the first row written, then doubled by copies.
    const top = A[L - 1]!;
    const td = top.data;
    const w = sizes[L - 1]!;
    const filled = ((rows + 3) & ~3) * top.stride;
    for (let i = 0; i < w; i++) td[i] = theta[weights[L - 1]! + i]!;
    for (let have = top.stride; have < filled; have *= 2) td.copyWithin(have, 0, Math.min(have, filled - have));
    for (let l = L - 1; l >= 1; l--) {
      D[l]!.data.set(A[l]!.data);
      activationGradRows(ws, D[l]!, H[l]!, activation, rows);
      ws.gemm(D[l]!, WT[l - 1]!, A[l - 1]!, { rows });
    }
    recorded = rows;
    return t;
  };

  /** out ← the field of the first rows (∇s, or J∇s). */
  const readField = (t: Tape, rows: number, out: Float32Array): void => {
    rowsOut(t.A[0]!, out, rows);
    if (!symplectic) return;
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      for (let i = 0; i < d; i++) {
        const gq = out[o + i]!;
        out[o + i] = out[o + d + i]!;
        out[o + d + i] = -gq;
      }
    }
  };

  const backward = (gy: Float32Array, gTheta: Float32Array, gx?: Float32Array): void => {
    const t = tape!;
    const rows = recorded;
    const { ws, H, A, D, Abar, Dbar, Hbar, W, WT, GW } = t;
    // ḡ = Jᵀ F̄ for the symplectic field: ḡ_q = −F̄_p, ḡ_p = F̄_q.
    const a0 = Abar[0]!;
    const ad = a0.data;
    for (let r = 0; r < rows; r++) {
      const o = r * a0.stride,
        g = r * n;
      if (symplectic) {
        for (let i = 0; i < d; i++) {
          ad[o + i] = -gy[g + d + i]!;
          ad[o + d + i] = gy[g + i]!;
        }
      } else for (let i = 0; i < n; i++) ad[o + i] = gy[g + i]!;
    }
    ad.fill(0, rows * a0.stride, ((rows + 3) & ~3) * a0.stride);
    // Reverse through the input-gradient pass, l = 1 … L−1.
    for (let l = 1; l < L; l++) {
      ws.gemm(Abar[l - 1]!, D[l]!, GW[l - 1]!, { transposeA: true, rows });
      ws.addTo(GW[l - 1]!, gTheta, weights[l - 1]);
      ws.gemm(Abar[l - 1]!, W[l - 1]!, Dbar[l]!, { rows });
      Abar[l]!.data.set(Dbar[l]!.data);
      activationGradRows(ws, Abar[l]!, H[l]!, activation, rows);
      if (activation === 'softplus') {
        const hb = Hbar[l]!.data,
          db = Dbar[l]!.data,
          ab = A[l]!.data,
          hd = H[l]!.data;
        const { cols, stride } = Hbar[l]!;
        for (let r = 0; r < rows; r++) {
          for (let j = r * stride, e = j + cols; j < e; j++) hb[j] = db[j]! * ab[j]! * curvature(activation, hd[j]!);
        }
      } else ws.activationCurvature(Hbar[l]!, Dbar[l]!, A[l]!, H[l]!, activation, rows);
    }
    // a_{L−1} = w_L: w̄_L += Σ_rows ā_{L−1}.
    ws.columnSums(Abar[L - 1]!, gTheta, weights[L - 1], rows);
    // Reverse through the forward pass, l = L−1 … 1.
    for (let l = L - 1; l >= 1; l--) {
      activationGradRows(ws, Hbar[l]!, H[l]!, activation, rows);
      ws.gemm(H[l - 1]!, Hbar[l]!, GW[l - 1]!, { transposeA: true, rows });
      ws.addTo(GW[l - 1]!, gTheta, weights[l - 1]);
      ws.columnSums(Hbar[l]!, gTheta, biases[l - 1], rows);
      if (l > 1) ws.gemm(Hbar[l]!, WT[l - 1]!, Hbar[l - 1]!, { rows, accumulate: true });
      else if (gx !== undefined) {
        // x̄ = z̄_1 W_1ᵀ (x enters the field only through z_1); Abar[0] is free again.
        ws.gemm(Hbar[1]!, WT[0]!, Abar[0]!, { rows });
        rowsOut(Abar[0]!, gx, rows);
      }
    }
    if (gx !== undefined && L === 1) gx.fill(0, 0, rows * n);
  };

  return {
    name: `gradientField32(${sizes.join('-')}, ${activation}${symplectic ? ', symplectic' : ''})`,
    sizes,
    activation,
    symplectic,
    theta,
    inputs: n,
    outputs: n,
    kernel: kernelKind(kernelChoice),
    threads,
    forward(batch) {
      checkBatch32('batch', batch, n);
      const t = fieldRows(batch.x, batch.rows);
      const out = new Float32Array(batch.rows * n);
      readField(t, batch.rows, out);
      return out;
    },
    potential(batch) {
      checkBatch32('batch', batch, n);
      const rows = batch.rows;
      const t = fieldRows(batch.x, rows);
      const h = t.H[L - 1]!;
      const out = new Float32Array(rows);
      const top = theta[biases[L - 1]!]!;
      for (let r = 0; r < rows; r++) {
        let s = top;
        for (let i = 0; i < sizes[L - 1]!; i++) s += h.data[r * h.stride + i]! * theta[weights[L - 1]! + i]!;
        out[r] = s;
      }
      return out;
    },
    forwardTape(x, rows) {
      checkBuffer32('x', x, rows * n);
      const t = fieldRows(x, rows);
      readField(t, rows, t.out);
      return t.out.subarray(0, rows * n);
    },
    backwardTape(gy, gTheta, gx) {
      if (recorded === 0) invalid('backwardTape', 'a forwardTape call first', 'no recorded forward pass', 'INVALID_STATE');
      checkBuffer32('gy', gy, recorded * n);
      checkBuffer32('gTheta', gTheta, size);
      if (gx !== undefined) checkBuffer32('gx', gx, recorded * n);
      backward(gy, gTheta, gx);
    },
  };
}
