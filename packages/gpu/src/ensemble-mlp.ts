/**
 * The ensemble forward pass of a multilayer perceptron on a gpu.js backend: J parameter
 * vectors θ₁ … θ_J (an EnKF ensemble) evaluated on one batch of inputs, one kernel launch per
 * layer over all (member, row, unit) triples. The network is @phaseflow/nn64's (same θ layout,
 * same activations); this is its float32 kernel, with nn64's Float64 `forwardEnsemble` as the
 * reference.
 */
import { PhaseflowError, checkInteger, checkOneOf, checkOptions, invalid } from '@phaseflow/core';
import { resolveBackend, type GpuBackend, type GpuBackendName } from './backend.js';
import { limitExceeded } from './errors.js';
import { call, createKernel, input, preferFlatOutput, type Kernel } from './gpujs.js';
import { finiteFloat32, flatten } from './readback.js';

/** Hidden activations, by nn64's names. */
export type EnsembleActivation = 'linear' | 'tanh' | 'relu' | 'sigmoid' | 'softplus' | 'heaviside' | 'sign';
/** Output maps, by nn64's names. */
export type EnsembleOutput = 'linear' | 'softmax' | 'sigmoid';

const ACTIVATION_SOURCE: Record<EnsembleActivation, (z: string) => string> = {
  linear: (z) => z,
  tanh: (z) => `Math.tanh(${z})`,
  relu: (z) => `Math.max(${z}, 0.0)`,
  sigmoid: (z) => `1.0 / (1.0 + Math.exp(-${z}))`,
  softplus: (z) => `(${z} > 30.0 ? ${z} : Math.log(1.0 + Math.exp(${z})))`,
  heaviside: (z) => `(${z} > 0.0 ? 1.0 : 0.0)`,
  sign: (z) => `(${z} > 0.0 ? 1.0 : (${z} < 0.0 ? -1.0 : 0.0))`,
};
const ACTIVATIONS = Object.keys(ACTIVATION_SOURCE) as EnsembleActivation[];
const OUTPUTS: readonly EnsembleOutput[] = ['linear', 'softmax', 'sigmoid'];

/** Options of {@link createEnsembleMlp}: the network's shape (an nn64 `Mlp64` has these fields) and the ensemble's. */
export interface EnsembleMlpOptions {
  /** Layer widths, input first: `[784, 32, 10]`. */
  readonly sizes: readonly number[];
  /** Hidden activation (default `tanh`, as nn64). */
  readonly activation?: EnsembleActivation;
  /** Output map (default `linear`). */
  readonly output?: EnsembleOutput;
  /** Ensemble size J. */
  readonly members: number;
  /** Rows per input batch. */
  readonly rows: number;
  /** Kahan-compensated dot products (default true): O(ε) instead of O(fan-in·ε) per unit, at about 2× the arithmetic. */
  readonly compensated?: boolean;
  /** A backend or its name (default `chooseGpuBackend()`). */
  readonly backend?: GpuBackend | GpuBackendName;
}

/** The ensemble forward pass: J members × `rows` inputs per call. */
export interface EnsembleMlp {
  readonly name: string;
  readonly sizes: readonly number[];
  readonly members: number;
  readonly rows: number;
  /** Parameters per member (nn64's θ layout: per layer W (in × out, row-major), then b). */
  readonly parameterCount: number;
  readonly backend: GpuBackend;
  /**
   * Outputs of every member on the batch `x` (rows × inputs, row-major): J arrays of
   * rows × outputs, float32 (views of one buffer). `thetas` holds the J parameter vectors
   * one after the other (J × parameterCount), as nn64's `forwardEnsemble` takes them.
   */
  forward(thetas: ArrayLike<number>, x: ArrayLike<number>): Float32Array[];
  destroy(): void;
}

function layerSource(first: boolean, nin: number, nout: number, size: number, wOff: number, bOff: number, act: string, compensated: boolean): string {
  const h = first ? 'pf_H[pf_r][pf_i]' : 'pf_H[pf_e][pf_r][pf_i]';
  const w = `pf_T[pf_e * ${size} + ${wOff} + pf_i * ${nout} + pf_j]`;
  const body = compensated
    ? [`const pf_y = ${h} * ${w} - pf_c;`, 'const pf_t = pf_s + pf_y;', 'pf_c = (pf_t - pf_s) - pf_y;', 'pf_s = pf_t;']
    : [`pf_s = pf_s + ${h} * ${w};`];
  return [
    'function (pf_H, pf_T) {',
    '  const pf_j = this.thread.x;',
    '  const pf_r = this.thread.y;',
    '  const pf_e = this.thread.z;',
    `  let pf_s = pf_T[pf_e * ${size} + ${bOff} + pf_j];`,
    '  let pf_c = 0.0;',
    `  for (let pf_i = 0; pf_i < ${nin}; pf_i++) {`,
    ...body.map((l) => `    ${l}`),
    '  }',
    `  return ${act};`,
    '}',
  ].join('\n');
}

function softmaxSource(nout: number): string {
  return [
    'function (pf_Z) {',
    '  const pf_j = this.thread.x;',
    '  const pf_r = this.thread.y;',
    '  const pf_e = this.thread.z;',
    '  let pf_m = pf_Z[pf_e][pf_r][0];',
    `  for (let pf_k = 1; pf_k < ${nout}; pf_k++) { pf_m = Math.max(pf_m, pf_Z[pf_e][pf_r][pf_k]); }`,
    '  let pf_s = 0.0;',
    `  for (let pf_k = 0; pf_k < ${nout}; pf_k++) { pf_s = pf_s + Math.exp(pf_Z[pf_e][pf_r][pf_k] - pf_m); }`,
    '  return Math.exp(pf_Z[pf_e][pf_r][pf_j] - pf_m) / pf_s;',
    '}',
  ].join('\n');
}

/** Numbers per kernel argument or output this package allows (webasm keeps each in one WebAssembly memory). */
const MAX_NUMBERS = 2 ** 28;

/**
 * Build the float32 ensemble forward pass of an MLP y = σ_out(W_L ⋯ σ(W_1 x + b_1) ⋯ + b_L)
 * for J members and a fixed batch size: layer l is one kernel over (unit, row, member),
 * z = b + Σᵢ hᵢ Wᵢⱼ with a Kahan-compensated sum, then the activation; softmax is one more
 * kernel. θ and the input are uploaded per call (θ changes every EnKF iteration); the
 * layers' outputs go back in as the next layer's input.
 *
 * Source: the networks of Haber, Lucka & Ruthotto, "Never look back — A modified EnKF method
 * and its application to the training of neural networks without back propagation" (2018),
 * evaluated as @phaseflow/nn64 does.
 *
 * @example
 * ```ts
 * import { createMlp64 } from '@phaseflow/nn64';
 * const net = createMlp64({ sizes: [784, 32, 10], output: 'softmax', seed: 0 });
 * const ens = createEnsembleMlp({ sizes: net.sizes, activation: net.activation, output: net.output, members: 50, rows: 256 });
 * const outs = ens.forward(thetas, images.x); // 50 arrays of 256 × 10 class probabilities
 * ```
 */
export function createEnsembleMlp(options: EnsembleMlpOptions): EnsembleMlp {
  const o = checkOptions('options', options, ['sizes', 'activation', 'output', 'members', 'rows', 'compensated', 'backend']);
  if (!Array.isArray(o.sizes) || o.sizes.length < 2) invalid('options.sizes', 'an array of at least two layer widths', o.sizes);
  const sizes = o.sizes.map((s, i) => checkInteger(`options.sizes[${i}]`, s, { min: 1 }));
  const activation = checkOneOf('options.activation', o.activation === undefined ? 'tanh' : o.activation, ACTIVATIONS);
  const output = checkOneOf('options.output', o.output === undefined ? 'linear' : o.output, OUTPUTS);
  const J = checkInteger('options.members', o.members, { min: 1 });
  const rows = checkInteger('options.rows', o.rows, { min: 1 });
  const compensated = o.compensated === undefined ? true : o.compensated;
  if (typeof compensated !== 'boolean') invalid('options.compensated', 'a boolean', compensated);
  const layers = sizes.length - 1;
  const offsets: number[] = [];
  let size = 0;
  for (let l = 0; l < layers; l++) {
    offsets.push(size);
    size += sizes[l]! * sizes[l + 1]! + sizes[l + 1]!;
  }
  if (J * size > MAX_NUMBERS)
    limitExceeded('options.members', `limit of ${MAX_NUMBERS} parameters in one upload (members × parameters)`, J, Math.floor(MAX_NUMBERS / size));
  const widest = Math.max(...sizes);
  if (J * rows * widest > MAX_NUMBERS)
    limitExceeded('options.rows', `limit of ${MAX_NUMBERS} activations in one layer (members × rows × width)`, rows, Math.floor(MAX_NUMBERS / (J * widest)));
  const backend = resolveBackend('options.backend', o.backend);
  if (backend.asynchronous) {
    throw new PhaseflowError('NOT_AVAILABLE', `options.backend: the ensemble forward pass needs a synchronous backend, received ${backend.name}`, {
      argument: 'options.backend',
      expected: 'webgl2, headlessgl, webasm or cpu',
      received: backend.name,
    });
  }
  const kernels: Kernel[] = [];
  for (let l = 0; l < layers; l++) {
    const nin = sizes[l]!;
    const nout = sizes[l + 1]!;
    const last = l === layers - 1;
    const act = last ? (output === 'sigmoid' ? ACTIVATION_SOURCE.sigmoid('pf_s') : 'pf_s') : ACTIVATION_SOURCE[activation]('pf_s');
    const source = layerSource(l === 0, nin, nout, size, offsets[l]!, offsets[l]! + nin * nout, act, compensated);
    kernels.push(
      createKernel(backend.gpu, source, { output: [nout, rows, J], loopMaxIterations: nin, tactic: 'precision', precision: 'single', immutable: true }),
    );
  }
  const softmax =
    output === 'softmax'
      ? createKernel(backend.gpu, softmaxSource(sizes[layers]!), {
          output: [sizes[layers]!, rows, J],
          loopMaxIterations: sizes[layers]!,
          tactic: 'precision',
          precision: 'single',
          immutable: true,
        })
      : undefined;
  if (softmax) preferFlatOutput(softmax);
  const nIn = sizes[0]!;
  const nOut = sizes[layers]!;

  return {
    name: `ensemble-mlp(${sizes.join('-')}, ${activation}, ${output}) × ${J}`,
    sizes,
    members: J,
    rows,
    parameterCount: size,
    backend,
    forward(thetas, x) {
      const T = input(finiteFloat32('thetas', thetas, J * size, `${J} members × ${size} parameters`), [J * size]);
      let h: unknown = input(finiteFloat32('x', x, rows * nIn, `${rows} rows × ${nIn} inputs`), [nIn, rows]);
      let flat: Float32Array = new Float32Array(0);
      for (let l = 0; l < layers; l++) {
        const w = sizes[l + 1]!;
        flat = flatten(call(kernels[l]!, [h, T]), w, rows, J);
        h = input(flat, [w, rows, J]);
      }
      if (softmax) flat = flatten(call(softmax, [h]), nOut, rows, J);
      const per = rows * nOut;
      return Array.from({ length: J }, (_, e) => flat.subarray(e * per, (e + 1) * per));
    },
    destroy() {
      for (const k of kernels) k.destroy?.();
      softmax?.destroy?.();
    },
  };
}
