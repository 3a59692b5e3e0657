/**
 * The Float64 reference of the planar group convolutions (Cohen & Welling 2016): lifting
 * Z² → G, group convolution G → G, pooling over the group, and group-equivariant batch
 * normalisation, written as plain loops. The tfjs layers compute the same maps with the same
 * weight layout; these are what their float32 results are measured against.
 */
import { checkInteger, checkOneOf, checkOptions, checkPositive, createRandom, invalid, type ParametricLayer, type ParametricView } from '@phaseflow/core';
import { glorot } from '@phaseflow/nn64';
import type { EquivarianceContract } from '../contract.js';
import { wrongMultiplicity } from '../errors.js';
import { checkGrid, transformGroupFeatures, transformImages, type GridBatch } from '../groups/grid.js';
import { gridSource, planarGroup, type PlanarGroup, type PlanarGroupName } from '../groups/planar.js';
import { checkRandom, checkShape, floatArray, parametersOf } from '../internal/params.js';

/** Zero padding of a convolution: `valid` (none; the grid shrinks by k − 1) or `same` ((k − 1)/2 on every side). */
export type Padding = 'valid' | 'same';

/** Options of {@link createLiftingConv64} and {@link createGroupConv64}. */
export interface GroupConv64Options {
  /** `C4` (p4) or `D4` (p4m). */
  readonly group: PlanarGroupName | PlanarGroup;
  /** Input features C_in: image channels (lifting) or features per group element (group conv, C_in·|G| channels in all). */
  readonly inChannels: number;
  /** Output features C_out (C_out·|G| channels). */
  readonly outChannels: number;
  /** Odd kernel size k (default 3): an even one has no centre pixel to rotate about. */
  readonly kernelSize?: number;
  /** `valid` (default) or `same`. */
  readonly padding?: Padding;
  /** Add one bias per output feature, shared by its |G| copies (default true). */
  readonly useBias?: boolean;
  /** Seed of the Glorot-uniform kernel (default 0). */
  readonly seed?: number;
  /** Use this kernel ([k, k, C_in(·|G|), C_out] row-major, copied) instead of a seeded one. */
  readonly kernel?: ArrayLike<number>;
  /** Use this bias (C_out numbers, copied). */
  readonly bias?: ArrayLike<number>;
}

/** Input size of an equivariance check: `size` × `size` grids, `batch` of them (default 1). */
export interface GridCheckOptions {
  readonly size: number;
  readonly batch?: number;
}

/** A Float64 planar group convolution (lifting or group-to-group). */
export interface GroupConv64 extends ParametricLayer<GridBatch, GridBatch> {
  readonly kind: 'lifting' | 'group';
  readonly group: PlanarGroup;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly padding: Padding;
  readonly useBias: boolean;
  /** ψ, [k, k, C_in(·|G|), C_out] row-major (the tf kernel layout; live: writes show at once). */
  readonly kernel: Float64Array;
  /** One bias per output feature (length C_out; zeros when `useBias` is false). */
  readonly bias: Float64Array;
  /** The |G| transformed filters as one ordinary conv kernel [k, k, C_in(·|G|), C_out·|G|]. */
  expandedKernel(): Float64Array;
  /** [B, H, W, C] in → [B, H′, W′, C_out·|G|] out. */
  outputShape(shape: readonly [number, number, number, number]): [number, number, number, number];
  /** The equivariance contract on `size` × `size` inputs (see the testkit's `checkEquivariance`). */
  equivariance(options: GridCheckOptions): EquivarianceContract<number>;
}

const CONV_KEYS = ['group', 'inChannels', 'outChannels', 'kernelSize', 'padding', 'useBias', 'seed', 'kernel', 'bias'];

/** Check the options shared by the two convolutions. @internal */
function convOptions(options: GroupConv64Options | undefined, argument = 'options') {
  if (options === undefined) invalid(argument, 'an options object with group, inChannels and outChannels', options);
  const o = checkOptions(argument, options, CONV_KEYS);
  const group = planarGroup(o.group, `${argument}.group`);
  const inChannels = checkInteger(`${argument}.inChannels`, o.inChannels, { min: 1 });
  const outChannels = checkInteger(`${argument}.outChannels`, o.outChannels, { min: 1 });
  const kernelSize = o.kernelSize === undefined ? 3 : checkInteger(`${argument}.kernelSize`, o.kernelSize, { min: 1 });
  if (kernelSize % 2 === 0) invalid(`${argument}.kernelSize`, 'an odd kernel size (a rotation needs a centre pixel)', kernelSize);
  const padding = o.padding === undefined ? 'valid' : checkOneOf<Padding>(`${argument}.padding`, o.padding, ['valid', 'same']);
  if (o.useBias !== undefined && typeof o.useBias !== 'boolean') invalid(`${argument}.useBias`, 'a boolean', o.useBias);
  const useBias = o.useBias ?? true;
  const seed = o.seed === undefined ? 0 : checkInteger(`${argument}.seed`, o.seed, { min: 0, max: 2 ** 32 - 1 });
  return { group, inChannels, outChannels, kernelSize, padding, useBias, seed, kernel: o.kernel, bias: o.bias };
}

/**
 * Glorot-uniform kernel [k, k, C_in′, C_out] from `createRandom(seed)` (fan-in k²·C_in′,
 * fan-out C_out, nn64's `glorot`). @internal
 */
export function initialKernel(kernelSize: number, inTotal: number, outChannels: number, seed: number): Float64Array {
  return glorot(createRandom(seed), kernelSize * kernelSize * inTotal, outChannels);
}

/**
 * The filter bank of a planar group convolution as one ordinary kernel
 * `[k, k, C_in·|G_in|, C_out·|G|]`: output channel (c, g) holds the filter transformed by g,
 *
 *   lifting:  W[y, i, (c, g)]      = ψ[A_g⁻¹y, i, c],
 *   group:    W[y, (i, h), (c, g)] = ψ[A_g⁻¹y, (i, g⁻¹h), c]
 *
 * (Cohen & Welling 2016, eq. 10 and 11, in cross-correlation form).
 *
 * @example
 * ```ts
 * const w = expandKernel('C4', 'lifting', kernel, 3, 1, 10); // [3, 3, 1, 40]
 * ```
 */
export function expandKernel(
  group: PlanarGroupName | PlanarGroup,
  kind: 'lifting' | 'group',
  kernel: Float64Array,
  kernelSize: number,
  inChannels: number,
  outChannels: number,
): Float64Array {
  const G = planarGroup(group);
  const k = kernelSize;
  const cin = kind === 'lifting' ? inChannels : inChannels * G.order;
  const need = k * k * cin * outChannels;
  if (!(kernel instanceof Float64Array) || kernel.length !== need)
    invalid('kernel', `a Float64Array of ${k} × ${k} × ${cin} × ${outChannels} = ${need} numbers`, kernel, 'SHAPE_MISMATCH');
  const { source } = expansionIndex(G, kind, k, inChannels, outChannels);
  return Float64Array.from(source, (i) => kernel[i]!);
}

const expansions = new Map<string, { source: Int32Array; scatter: Int32Array }>();

/**
 * Where every entry of the expanded kernel comes from: `source[b]` is the index in ψ of entry
 * b of W (the layout of {@link expandKernel}), and `scatter[g·P + j]` the entry of W that copy
 * g of ψ_j lands on (P = ψ.length; for each g it is a bijection), so ∂L/∂ψ_j = Σ_g ∂L/∂W at
 * scatter[g·P + j]. Cached per shape. @internal
 */
export function expansionIndex(
  group: PlanarGroup,
  kind: 'lifting' | 'group',
  k: number,
  inChannels: number,
  outChannels: number,
): { source: Int32Array; scatter: Int32Array } {
  const key = `${group.name}/${kind}/${k}/${inChannels}/${outChannels}`;
  const hit = expansions.get(key);
  if (hit) return hit;
  const order = group.order;
  const cin = kind === 'lifting' ? inChannels : inChannels * order;
  const cout = outChannels * order;
  const size = k * k * cin * outChannels;
  const source = new Int32Array(k * k * cin * cout);
  const scatter = new Int32Array(order * size);
  for (let g = 0; g < order; g++) {
    const src = gridSource(group, g, k);
    const gi = group.inverse(g);
    for (let y = 0; y < k * k; y++) {
      const sy = src[y]!;
      for (let i = 0; i < cin; i++) {
        // Input channel (feature f, copy h) reads copy g⁻¹h of ψ.
        const si = kind === 'lifting' ? i : Math.floor(i / order) * order + group.compose(gi, i % order);
        const from = (sy * cin + si) * outChannels;
        const to = (y * cin + i) * cout;
        for (let c = 0; c < outChannels; c++) {
          const b = to + c * order + g;
          source[b] = from + c;
          scatter[g * size + from + c] = b;
        }
      }
    }
  }
  const entry = { source, scatter };
  if (expansions.size > 64) expansions.clear();
  expansions.set(key, entry);
  return entry;
}

/**
 * Plain 2-D cross-correlation out[b, i, j, o] = Σ x[b, i + u − p, j + v − p, c]·W[u, v, c, o]
 * with zero padding p (0 for `valid`, (k − 1)/2 for `same`). @internal
 */
function conv2d64(x: GridBatch, w: Float64Array, k: number, cout: number, padding: Padding): GridBatch {
  const [b, h, wd, cin] = x.shape;
  const p = padding === 'same' ? (k - 1) / 2 : 0;
  const ho = h + 2 * p - k + 1;
  const wo = wd + 2 * p - k + 1;
  if (ho < 1 || wo < 1) invalid('x.shape', `a grid of at least ${k - 2 * p} × ${k - 2 * p} pixels for kernel size ${k}`, `${h} × ${wd}`, 'SHAPE_MISMATCH');
  const out = new Float64Array(b * ho * wo * cout);
  const xd = x.data;
  for (let bi = 0; bi < b; bi++) {
    for (let i = 0; i < ho; i++) {
      for (let j = 0; j < wo; j++) {
        const o = ((bi * ho + i) * wo + j) * cout;
        for (let u = 0; u < k; u++) {
          const si = i + u - p;
          if (si < 0 || si >= h) continue;
          for (let v = 0; v < k; v++) {
            const sj = j + v - p;
            if (sj < 0 || sj >= wd) continue;
            const xo = ((bi * h + si) * wd + sj) * cin;
            const wo0 = (u * k + v) * cin * cout;
            for (let c = 0; c < cin; c++) {
              const xv = xd[xo + c]!;
              if (xv === 0) continue;
              const wr = wo0 + c * cout;
              for (let q = 0; q < cout; q++) out[o + q] += xv * w[wr + q]!;
            }
          }
        }
      }
    }
  }
  return { data: out, shape: [b, ho, wo, cout] };
}

function gridSampler(shape: readonly [number, number, number, number]) {
  const n = shape[0] * shape[1] * shape[2] * shape[3];
  return (random: unknown) => checkRandom('random', random).fillNormal(new Float64Array(n));
}

/** The contract group of a planar group. @internal */
function contractGroup(group: PlanarGroup) {
  return { name: group.name, elements: group.elements, sample: group.sample, label: group.label };
}

/** Input/output sizes of a check on `size` × `size` grids. @internal */
export function checkSize(options: GridCheckOptions | undefined): { size: number; batch: number } {
  const o = checkOptions('options', options, ['size', 'batch']);
  return { size: checkInteger('options.size', o.size, { min: 1 }), batch: o.batch === undefined ? 1 : checkInteger('options.batch', o.batch, { min: 1 }) };
}

function makeConv(kind: 'lifting' | 'group', options: GroupConv64Options): GroupConv64 {
  const { group, inChannels, outChannels, kernelSize: k, padding, useBias, seed, kernel: k0, bias: b0 } = convOptions(options);
  const order = group.order;
  const cin = kind === 'lifting' ? inChannels : inChannels * order;
  const kernel = k0 === undefined ? initialKernel(k, cin, outChannels, seed) : floatArray('options.kernel', k0, k * k * cin * outChannels);
  const bias = b0 === undefined ? new Float64Array(outChannels) : floatArray('options.bias', b0, outChannels);
  if (b0 !== undefined && !useBias) invalid('options.bias', 'no bias when options.useBias is false', 'a bias');
  const name = `${kind === 'lifting' ? 'lifting' : 'group'}-conv(${group.name}, ${inChannels}→${outChannels}, ${k}×${k})`;
  const parameters: ParametricView<GridBatch, GridBatch> = parametersOf(useBias ? [kernel, bias] : [kernel]);
  const outputShape = (shape: readonly [number, number, number, number]): [number, number, number, number] => {
    const [, h, w] = checkShape('shape', shape, 4, 'B, H, W, C');
    const p = padding === 'same' ? k - 1 : 0;
    if (h! + p - k + 1 < 1 || w! + p - k + 1 < 1)
      invalid('shape', `a grid of at least ${k - p} × ${k - p} pixels for kernel size ${k} (${padding} padding)`, `${h} × ${w}`, 'SHAPE_MISMATCH');
    return [shape[0], shape[1] + p - k + 1, shape[2] + p - k + 1, outChannels * order];
  };
  const forward = (x: GridBatch): GridBatch => {
    checkGrid('x', x, group);
    const c = x.shape[3];
    if (kind === 'group' && c % order !== 0) wrongMultiplicity('x.shape[3]', group.name, order, c);
    if (c !== cin) {
      if (kind === 'group') wrongMultiplicity('x.shape[3]', group.name, order, c, inChannels);
      invalid('x.shape[3]', `${cin} channels`, c, 'SHAPE_MISMATCH');
    }
    const y = conv2d64(x, expandKernel(group, kind, kernel, k, inChannels, outChannels), k, outChannels * order, padding);
    if (useBias) {
      const d = y.data;
      for (let i = 0; i < d.length; i++) d[i]! += bias[Math.floor((i % (outChannels * order)) / order)]!;
    }
    return y;
  };
  return {
    name,
    kind,
    group,
    inChannels,
    outChannels,
    kernelSize: k,
    padding,
    useBias,
    kernel,
    bias,
    parameters,
    expandedKernel: () => expandKernel(group, kind, kernel, k, inChannels, outChannels),
    outputShape,
    forward,
    equivariance(opts) {
      const { size, batch } = checkSize(opts);
      const inShape = [batch, size, size, cin] as const;
      const outShape = outputShape(inShape);
      return {
        name,
        group: contractGroup(group),
        actOnInput: (g, x) => (kind === 'lifting' ? transformImages : transformGroupFeatures)(group, g, { data: x, shape: inShape }).data,
        actOnOutput: (g, y) => transformGroupFeatures(group, g, { data: y, shape: outShape }).data,
        sampleInput: gridSampler(inShape),
        layer: (x) => forward({ data: x, shape: inShape }).data,
      };
    },
  };
}

/**
 * The lifting convolution Z² → G (Cohen & Welling, ICML 2016, eq. 10): an image
 * f: Z² → ℝ^{C_in} becomes a function on p4 (or p4m),
 *
 *   (f ⋆ ψ)(g, x) = Σ_y Σ_i f_i(x + y) ψ_i(A_g⁻¹ y) + b,
 *
 * one filter per output feature, seen in all |G| rotated (and mirrored) poses. Output
 * channels are C_out·|G|, copy g of feature c at index c·|G| + g. Exactly equivariant:
 * lifting(L_g f) = L_g lifting(f) with L_g on the output permuting the copies
 * ({@link transformGroupFeatures}) — on square grids, with an odd kernel.
 *
 * @example
 * ```ts
 * const lift = createLiftingConv64({ group: 'C4', inChannels: 1, outChannels: 10, seed: 1 });
 * const y = lift.forward({ data: image, shape: [1, 28, 28, 1] }); // [1, 26, 26, 40]
 * ```
 */
export function createLiftingConv64(options: GroupConv64Options): GroupConv64 {
  return makeConv('lifting', options);
}

/**
 * The group convolution G → G (Cohen & Welling, ICML 2016, eq. 11) on p4 or p4m:
 *
 *   (F ⋆ ψ)(g, x) = Σ_y Σ_h Σ_i F_i(h, x + y) ψ_i(g⁻¹h, A_g⁻¹ y) + b,
 *
 * with F and the output both group feature maps (C·|G| channels, copy index last). The
 * kernel has k²·C_in·|G|·C_out weights (p4, 10 → 10 features, 3 × 3: 3600, as a plain conv
 * with 20 → 20 channels). Exactly equivariant: conv(L_g F) = L_g conv(F).
 *
 * @example
 * ```ts
 * const conv = createGroupConv64({ group: 'C4', inChannels: 10, outChannels: 10, seed: 2 });
 * conv.kernel.length; // 3600
 * ```
 */
export function createGroupConv64(options: GroupConv64Options): GroupConv64 {
  return makeConv('group', options);
}

/** How {@link createGroupPool64} pools the |G| copies of a feature. */
export type GroupPoolMode = 'max' | 'mean';

/** Options of {@link createGroupPool64}. */
export interface GroupPool64Options {
  readonly group: PlanarGroupName | PlanarGroup;
  /** `max` (default) or `mean` over the group. */
  readonly mode?: GroupPoolMode;
}

/** Pooling over the group: [B, H, W, C·|G|] → [B, H, W, C]. */
export interface GroupPool64 extends Omit<ParametricLayer<GridBatch, GridBatch>, 'parameters'> {
  readonly group: PlanarGroup;
  readonly mode: GroupPoolMode;
  /** The contract on `channels` features over `size` × `size` grids: the output is an image (pixels move, nothing is permuted). */
  equivariance(options: GridCheckOptions & { readonly channels?: number }): EquivarianceContract<number>;
}

/**
 * Pooling over the group (Cohen & Welling 2016, §6.3): y_c(x) = max_h F_c(h, x) (or the mean
 * over h). The result is a function on Z² again, transformed by L_g when F is — a rotation
 * of the input rotates the pooled map and nothing else. Followed by a spatial global pool it
 * gives features invariant to the group.
 *
 * @example
 * ```ts
 * const pool = createGroupPool64({ group: 'C4', mode: 'max' });
 * pool.forward({ data: f, shape: [1, 5, 5, 40] }).shape; // [1, 5, 5, 10]
 * ```
 */
export function createGroupPool64(options: GroupPool64Options): GroupPool64 {
  if (options === undefined) invalid('options', 'an options object with group', options);
  const o = checkOptions('options', options, ['group', 'mode']);
  const group = planarGroup(o.group, 'options.group');
  const mode = o.mode === undefined ? 'max' : checkOneOf<GroupPoolMode>('options.mode', o.mode, ['max', 'mean']);
  const order = group.order;
  const forward = (x: GridBatch): GridBatch => {
    checkGrid('x', x, group);
    const [b, h, w, c] = x.shape;
    if (c % order !== 0) wrongMultiplicity('x.shape[3]', group.name, order, c);
    const f = c / order;
    const out = new Float64Array(b * h * w * f);
    for (let p = 0; p < b * h * w; p++) {
      for (let k = 0; k < f; k++) {
        const s = p * c + k * order;
        let acc = mode === 'max' ? -Infinity : 0;
        for (let g = 0; g < order; g++) acc = mode === 'max' ? Math.max(acc, x.data[s + g]!) : acc + x.data[s + g]!;
        out[p * f + k] = mode === 'max' ? acc : acc / order;
      }
    }
    return { data: out, shape: [b, h, w, f] };
  };
  const name = `group-pool(${group.name}, ${mode})`;
  return {
    name,
    group,
    mode,
    forward,
    equivariance(opts) {
      const { channels: ch, ...rest } = checkOptions('options', opts, ['size', 'batch', 'channels']);
      const { size, batch } = checkSize(rest);
      const channels = ch === undefined ? 2 : checkInteger('options.channels', ch, { min: 1 });
      const inShape = [batch, size, size, channels * order] as const;
      const outShape = [batch, size, size, channels] as const;
      return {
        name,
        group: contractGroup(group),
        actOnInput: (g, x) => transformGroupFeatures(group, g, { data: x, shape: inShape }).data,
        actOnOutput: (g, y) => transformImages(group, g, { data: y, shape: outShape }).data,
        sampleInput: gridSampler(inShape),
        layer: (x) => forward({ data: x, shape: inShape }).data,
      };
    },
  };
}

/** Options of {@link createGroupBatchNorm64}. */
export interface GroupBatchNorm64Options {
  readonly group: PlanarGroupName | PlanarGroup;
  /** Features C (the input has C·|G| channels). */
  readonly channels: number;
  /** ε added to the variance (default 1e-3, as tf.layers). */
  readonly epsilon?: number;
  /** Scale γ (C numbers, default ones). */
  readonly gamma?: ArrayLike<number>;
  /** Offset β (C numbers, default zeros). */
  readonly beta?: ArrayLike<number>;
  /** Running mean used at inference (C numbers, default zeros). */
  readonly movingMean?: ArrayLike<number>;
  /** Running variance used at inference (C numbers, default ones). */
  readonly movingVariance?: ArrayLike<number>;
}

/** Group-equivariant batch normalisation in Float64. */
export interface GroupBatchNorm64 extends ParametricLayer<GridBatch, GridBatch> {
  readonly group: PlanarGroup;
  readonly channels: number;
  readonly epsilon: number;
  readonly gamma: Float64Array;
  readonly beta: Float64Array;
  readonly movingMean: Float64Array;
  readonly movingVariance: Float64Array;
  /** Normalise with the batch's own statistics (training) instead of the running ones. */
  forwardTraining(x: GridBatch): GridBatch;
  /** The contract on `size` × `size` inputs, in inference or training mode. */
  equivariance(options: GridCheckOptions & { readonly training?: boolean }): EquivarianceContract<number>;
}

/**
 * Batch normalisation for group feature maps: one mean μ_c, variance σ²_c, scale γ_c and
 * offset β_c per feature c, shared by its |G| copies, the statistics taken over batch,
 * pixels and the group (Cohen & Welling 2016, §6.3: per-copy statistics would break
 * equivariance):
 *
 *   y_c(h, x) = γ_c (F_c(h, x) − μ_c) / √(σ²_c + ε) + β_c.
 *
 * `forward` uses the running statistics (inference); `forwardTraining` those of the batch
 * (Ioffe & Szegedy, ICML 2015). Both commute with L_g.
 *
 * @example
 * ```ts
 * const bn = createGroupBatchNorm64({ group: 'C4', channels: 10 });
 * bn.forwardTraining({ data: f, shape: [8, 12, 12, 40] }); // zero mean, unit variance per feature
 * ```
 */
export function createGroupBatchNorm64(options: GroupBatchNorm64Options): GroupBatchNorm64 {
  if (options === undefined) invalid('options', 'an options object with group and channels', options);
  const o = checkOptions('options', options, ['group', 'channels', 'epsilon', 'gamma', 'beta', 'movingMean', 'movingVariance']);
  const group = planarGroup(o.group, 'options.group');
  const channels = checkInteger('options.channels', o.channels, { min: 1 });
  const epsilon = o.epsilon === undefined ? 1e-3 : checkPositive('options.epsilon', o.epsilon);
  const vec = (key: 'gamma' | 'beta' | 'movingMean' | 'movingVariance', fill: number) =>
    o[key] === undefined ? new Float64Array(channels).fill(fill) : floatArray(`options.${key}`, o[key], channels);
  const gamma = vec('gamma', 1);
  const beta = vec('beta', 0);
  const movingMean = vec('movingMean', 0);
  const movingVariance = vec('movingVariance', 1);
  for (let c = 0; c < channels; c++) if (movingVariance[c]! < 0) invalid(`options.movingVariance[${c}]`, 'a variance ≥ 0', movingVariance[c]);
  const order = group.order;
  const check = (x: GridBatch) => {
    checkGrid('x', x, group);
    const c = x.shape[3];
    if (c !== channels * order) wrongMultiplicity('x.shape[3]', group.name, order, c, channels);
  };
  const normalise = (x: GridBatch, mean: Float64Array, variance: Float64Array): GridBatch => {
    const out = new Float64Array(x.data.length);
    const c = channels * order;
    for (let i = 0; i < out.length; i++) {
      const f = Math.floor((i % c) / order);
      out[i] = (gamma[f]! * (x.data[i]! - mean[f]!)) / Math.sqrt(variance[f]! + epsilon) + beta[f]!;
    }
    return { data: out, shape: [...x.shape] as GridBatch['shape'] };
  };
  const forward = (x: GridBatch) => {
    check(x);
    return normalise(x, movingMean, movingVariance);
  };
  const forwardTraining = (x: GridBatch) => {
    check(x);
    const c = channels * order;
    const count = x.data.length / channels;
    const mean = new Float64Array(channels);
    const variance = new Float64Array(channels);
    for (let i = 0; i < x.data.length; i++) mean[Math.floor((i % c) / order)]! += x.data[i]!;
    for (let f = 0; f < channels; f++) mean[f]! /= count;
    for (let i = 0; i < x.data.length; i++) {
      const f = Math.floor((i % c) / order);
      variance[f]! += (x.data[i]! - mean[f]!) ** 2;
    }
    for (let f = 0; f < channels; f++) variance[f]! /= count;
    return normalise(x, mean, variance);
  };
  const name = `group-batch-norm(${group.name}, ${channels})`;
  return {
    name,
    group,
    channels,
    epsilon,
    gamma,
    beta,
    movingMean,
    movingVariance,
    parameters: parametersOf([gamma, beta]),
    forward,
    forwardTraining,
    equivariance(opts) {
      const { training, ...rest } = checkOptions('options', opts, ['size', 'batch', 'training']);
      if (training !== undefined && typeof training !== 'boolean') invalid('options.training', 'a boolean', training);
      const { size, batch } = checkSize(rest);
      const shape = [batch, size, size, channels * order] as const;
      const run = training ? forwardTraining : forward;
      return {
        name: `${name}${training ? ' (training)' : ''}`,
        group: contractGroup(group),
        actOnInput: (g, x) => transformGroupFeatures(group, g, { data: x, shape }).data,
        actOnOutput: (g, y) => transformGroupFeatures(group, g, { data: y, shape }).data,
        sampleInput: gridSampler(shape),
        layer: (x) => run({ data: x, shape }).data,
      };
    },
  };
}
