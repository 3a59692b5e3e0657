/**
 * The E(n)-equivariant graph convolutional layer of Satorras, Hoogeboom & Welling (ICML 2021)
 * in Float64, with the velocity variant (EGNN_vel), on fully connected graphs with edge
 * attributes. Its message, coordinate, node and velocity networks are nn64 MLPs over one θ.
 */
import { checkInteger, checkOneOf, checkOptions, checkPositive, createRandom, invalid, type ParametricLayer } from '@phaseflow/core';
import { activations, createMlp64, type Mlp64 } from '@phaseflow/nn64';
import type { EquivarianceContract } from '../contract.js';
import { SET_ACTIVATIONS, type SetActivation } from '../deepsets/reference.js';
import { dimensionMismatch } from '../errors.js';
import { euclideanGroup, type EuclideanElement } from '../groups/euclidean.js';
import { checkPermutation, symmetricGroup, type Permutation } from '../groups/permutation.js';
import { checkRandom, floatArray, outArray } from '../internal/params.js';
import { nodeWidth, type NodeBatch, type NodeLayout } from './cloud.js';

/** How coordinate messages are summed: `mean` (C = 1/(n − 1), the paper's N-body setting) or `sum` (C = 1). */
export type CoordinateAggregation = 'mean' | 'sum';

/** Options of {@link createEgnn64} (also the tf layer's configuration). */
export interface EgnnOptions {
  /** Space dimension n ≥ 2 (EGNN's 2 and 3; any n, the map is the same). */
  readonly dim: number;
  /** Node features F in (≥ 1). */
  readonly features: number;
  /** Node features out (default F). */
  readonly outFeatures?: number;
  /** Edge attributes per edge E (default 0). */
  readonly edgeFeatures?: number;
  /** Width of the hidden layers and of the messages m_ij (default 32). */
  readonly hidden?: number;
  /** EGNN_vel: every layer moves x by φ_v(h)·v^init besides the messages (default false). */
  readonly velocity?: boolean;
  /**
   * σ of every MLP and of the messages (default `tanh`: bounded messages keep the coordinate
   * updates bounded — on the N-body task `relu` diverged in the first epoch where `tanh`
   * trained; the paper uses SiLU, which nn64 lacks).
   */
  readonly activation?: SetActivation;
  /** `mean` (default) or `sum`. */
  readonly aggregation?: CoordinateAggregation;
  /** h′ = h + φ_h(h, m) (default: when outFeatures = features). */
  readonly residual?: boolean;
  /** Scale of φ_x's last kernel at initialisation (default 0.001, as the paper's Xavier gain): x moves little at first. */
  readonly coordinateGain?: number;
  /** Seed of the initial θ (default 0). */
  readonly seed?: number;
  /** θ itself (length {@link egnnParameterCount}), instead of a seeded one (copied). */
  readonly theta?: ArrayLike<number>;
}

/** The checked options of an EGNN layer, defaults filled in. */
export interface EgnnConfig {
  readonly dim: number;
  readonly features: number;
  readonly outFeatures: number;
  readonly edgeFeatures: number;
  readonly hidden: number;
  readonly velocity: boolean;
  readonly activation: SetActivation;
  readonly aggregation: CoordinateAggregation;
  readonly residual: boolean;
  readonly coordinateGain: number;
  readonly seed: number;
}

const KEYS = [
  'dim',
  'features',
  'outFeatures',
  'edgeFeatures',
  'hidden',
  'velocity',
  'activation',
  'aggregation',
  'residual',
  'coordinateGain',
  'seed',
  'theta',
];

/** Validate EGNN options. @internal */
export function egnnConfig(options: EgnnOptions | undefined, argument = 'options', extra: readonly string[] = []): EgnnConfig {
  if (options === undefined) invalid(argument, 'an options object with dim and features', options);
  const o = checkOptions(argument, options, [...KEYS, ...extra]);
  const dim = checkInteger(`${argument}.dim`, o.dim, { min: 2 });
  const features = checkInteger(`${argument}.features`, o.features, { min: 1 });
  const outFeatures = o.outFeatures === undefined ? features : checkInteger(`${argument}.outFeatures`, o.outFeatures, { min: 1 });
  const edgeFeatures = o.edgeFeatures === undefined ? 0 : checkInteger(`${argument}.edgeFeatures`, o.edgeFeatures, { min: 0 });
  const hidden = o.hidden === undefined ? 32 : checkInteger(`${argument}.hidden`, o.hidden, { min: 1 });
  for (const key of ['velocity', 'residual'] as const)
    if (o[key] !== undefined && typeof o[key] !== 'boolean') invalid(`${argument}.${key}`, 'a boolean', o[key]);
  const residual = o.residual ?? outFeatures === features;
  if (residual && outFeatures !== features) invalid(`${argument}.residual`, `false (a residual needs outFeatures = features = ${features})`, residual);
  return {
    dim,
    features,
    outFeatures,
    edgeFeatures,
    hidden,
    velocity: o.velocity ?? false,
    activation: o.activation === undefined ? 'tanh' : checkOneOf<SetActivation>(`${argument}.activation`, o.activation, SET_ACTIVATIONS),
    aggregation: o.aggregation === undefined ? 'mean' : checkOneOf<CoordinateAggregation>(`${argument}.aggregation`, o.aggregation, ['mean', 'sum']),
    residual,
    coordinateGain: o.coordinateGain === undefined ? 0.001 : checkPositive(`${argument}.coordinateGain`, o.coordinateGain),
    seed: o.seed === undefined ? 0 : checkInteger(`${argument}.seed`, o.seed, { min: 0, max: 2 ** 32 - 1 }),
  };
}

/** The four networks, in θ order: message φ_e, coordinate φ_x, node φ_h, velocity φ_v. @internal */
export function egnnNetworks(
  c: Pick<EgnnConfig, 'features' | 'outFeatures' | 'edgeFeatures' | 'hidden' | 'velocity'>,
): { name: 'e' | 'x' | 'h' | 'v'; sizes: number[] }[] {
  const { features: f, outFeatures, edgeFeatures: e, hidden: h } = c;
  return [
    { name: 'e', sizes: [2 * f + 1 + e, h, h] },
    { name: 'x', sizes: [h, h, 1] },
    { name: 'h', sizes: [f + h, h, outFeatures] },
    ...(c.velocity ? [{ name: 'v' as const, sizes: [f, h, 1] }] : []),
  ];
}

const mlpSize = (sizes: readonly number[]) => sizes.slice(1).reduce((n, s, i) => n + sizes[i]! * s + s, 0);

/**
 * P, the length of θ for these options: Σ over φ_e, φ_x, φ_h (and φ_v) of their weights.
 *
 * @example
 * ```ts
 * egnnParameterCount({ dim: 3, features: 1, edgeFeatures: 1, hidden: 64, velocity: true }); // 13 187
 * ```
 */
export function egnnParameterCount(options: EgnnOptions): number {
  return egnnNetworks(egnnConfig(options)).reduce((n, net) => n + mlpSize(net.sizes), 0);
}

/**
 * The seeded initial θ: Glorot-uniform kernels (nn64's MLP initialisation, one sub-seed per
 * network drawn from `createRandom(seed)`), zero biases, φ_x's last kernel scaled by
 * `coordinateGain`. @internal
 */
export function egnnInitialTheta(c: EgnnConfig): Float64Array {
  const nets = egnnNetworks(c);
  const rng = createRandom(c.seed);
  const theta = new Float64Array(nets.reduce((n, net) => n + mlpSize(net.sizes), 0));
  let k = 0;
  for (const net of nets) {
    const part = createMlp64({ sizes: net.sizes, seed: rng.int(2 ** 32) }).theta;
    if (net.name === 'x') {
      const last = net.sizes[0]! * net.sizes[1]! + net.sizes[1]!;
      for (let i = last; i < last + net.sizes[1]!; i++) part[i]! *= c.coordinateGain;
    }
    theta.set(part, k);
    k += part.length;
  }
  return theta;
}

/** Options of an EGNN equivariance check: `batch` graphs of `n` nodes. */
export interface EgnnCheckOptions {
  readonly n: number;
  readonly batch?: number;
}

/** A Float64 EGNN layer. */
export interface Egnn64 extends ParametricLayer<NodeBatch, NodeBatch> {
  readonly config: EgnnConfig;
  /** Row layout of the input. */
  readonly inputLayout: NodeLayout;
  /** Row layout of the output (features → outFeatures). */
  readonly outputLayout: NodeLayout;
  /** θ (live): φ_e, φ_x, φ_h, φ_v, each [W₁, b₁, W₂, b₂]. */
  readonly theta: Float64Array;
  /** The E(n) contract on `n`-node graphs: rotations, reflections and translations. */
  equivariance(options: EgnnCheckOptions): EquivarianceContract<EuclideanElement>;
  /** The S_n contract: relabelling the nodes (and the edge attributes with them). */
  permutationEquivariance(options: EgnnCheckOptions): EquivarianceContract<Permutation>;
}

/** Check a packed batch against a layout. @internal */
function checkNodes(argument: string, x: unknown, layout: NodeLayout): NodeBatch {
  if (x === null || typeof x !== 'object') invalid(argument, 'a packed point-cloud batch { data, shape: [B, n, width] }', x);
  const { data, shape } = x as NodeBatch;
  if (!Array.isArray(shape) || shape.length !== 3) invalid(`${argument}.shape`, '[B, n, width]', shape, 'SHAPE_MISMATCH');
  shape.forEach((s, i) => checkInteger(`${argument}.shape[${i}]`, s, { min: 1 }));
  const [b, n, w] = shape;
  if (n < 2) invalid(`${argument}.shape[1]`, 'at least 2 nodes', n);
  const width = nodeWidth(layout, n);
  if (w !== width) {
    dimensionMismatch(
      `${argument}.shape[2]`,
      `rows of ${width} numbers for ${n} nodes in ℝ^${layout.dim} (x ${layout.dim}${layout.velocity ? ` + v ${layout.dim}` : ''} + h ${layout.features} + edges ${n} × ${layout.edgeFeatures})`,
      `${w}`,
    );
  }
  if (!(data instanceof Float64Array) || data.length !== b * n * w)
    invalid(`${argument}.data`, `a Float64Array of ${b * n * w} numbers`, data, 'SHAPE_MISMATCH');
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) invalid(`${argument}.data[${i}]`, 'a finite number', data[i], 'NON_FINITE_INPUT');
  return x as NodeBatch;
}

/** E(n) or S_n acting on packed rows: positions get Qx + t, velocities Qv; permutations move whole rows and the edge columns. @internal */
function nodeActions(layout: NodeLayout, n: number) {
  const E = euclideanGroup(layout.dim);
  const dim = layout.dim;
  const width = nodeWidth(layout, n);
  const S = symmetricGroup(n);
  const rows = (argument: string, data: unknown, w: number): Float64Array => {
    if (!(data instanceof Float64Array)) invalid(argument, `a Float64Array of packed rows (B × ${n} × ${w} numbers)`, data);
    if (data.length === 0 || data.length % (n * w) !== 0) invalid(argument, `B × ${n} × ${w} numbers (packed rows)`, `length ${data.length}`, 'SHAPE_MISMATCH');
    return data;
  };
  const euclidean = (g: EuclideanElement, data: Float64Array, l: NodeLayout, argument: string) => {
    const w = nodeWidth(l, n);
    rows(argument, data, w);
    E.label(g); // validates g before any row moves
    const out = data.slice();
    for (let r = 0; r < data.length / w; r++) {
      const o = r * w;
      out.set(E.act(g, data.subarray(o, o + dim)), o);
      if (l.velocity) out.set(E.rotate(g, data.subarray(o + dim, o + 2 * dim)), o + dim);
    }
    return out;
  };
  const permutation = (p: Permutation, data: Float64Array, l: NodeLayout, argument: string) => {
    const w = nodeWidth(l, n);
    checkPermutation('g', p, n);
    rows(argument, data, w);
    const head = w - n * l.edgeFeatures;
    const e = l.edgeFeatures;
    const out = new Float64Array(data.length);
    for (let b = 0; b < data.length / (n * w); b++) {
      for (let i = 0; i < n; i++) {
        const src = (b * n + i) * w;
        const dst = (b * n + p[i]!) * w;
        out.set(data.subarray(src, src + head), dst);
        for (let j = 0; j < n; j++) out.set(data.subarray(src + head + j * e, src + head + (j + 1) * e), dst + head + p[j]! * e);
      }
    }
    return out;
  };
  return { E, S, width, euclidean, permutation };
}

/**
 * The EGNN layer (Satorras, Hoogeboom & Welling, ICML 2021, eq. 3–6; with `velocity`, eq. 7):
 * on a fully connected graph of n nodes with positions x_i ∈ ℝⁿ, features h_i and edge
 * attributes a_ij,
 *
 *   m_ij = σ(φ_e(h_i, h_j, ‖x_i − x_j‖², a_ij)),   m_i = Σ_{j≠i} m_ij,
 *   x_i′ = x_i + C Σ_{j≠i} (x_i − x_j) φ_x(m_ij)                     (without velocity),
 *   v_i′ = φ_v(h_i) v_i^init + C Σ_{j≠i} (x_i − x_j) φ_x(m_ij),  x_i′ = x_i + v_i′   (EGNN_vel),
 *   h_i′ = h_i + φ_h(h_i, m_i),
 *
 * with C = 1/(n − 1) (`mean`) or 1. As in eq. 7 (and the authors' code) every layer scales
 * the initial velocity, so the velocity slot of a packed row carries v^init through
 * unchanged. Only distances enter the networks and x moves along differences, so
 * f(Qx + t, Qv, h) = (Qx′ + t, Qv, h′) for every orthogonal Q (rotations and reflections)
 * and translation t, and relabelling the nodes relabels the output. Input and output are
 * packed rows ({@link packPointClouds}).
 *
 * @example
 * ```ts
 * const egnn = createEgnn64({ dim: 3, features: 1, edgeFeatures: 1, hidden: 16, velocity: true, seed: 1 });
 * const y = egnn.forward(packPointClouds({ n: 5, dim: 3, x, v, h, edges }));
 * ```
 */
export function createEgnn64(options: EgnnOptions): Egnn64 {
  const config = egnnConfig(options);
  const { dim, features: F, outFeatures, edgeFeatures: E, hidden: H, velocity, residual } = config;
  const nets = egnnNetworks(config);
  const size = nets.reduce((n, net) => n + mlpSize(net.sizes), 0);
  const theta = options.theta === undefined ? egnnInitialTheta(config) : floatArray('options.theta', options.theta, size);
  const mlp: Record<string, Mlp64> = {};
  let k = 0;
  for (const net of nets) {
    const s = mlpSize(net.sizes);
    mlp[net.name] = createMlp64({ sizes: net.sizes, activation: config.activation, theta: theta.subarray(k, k + s) });
    k += s;
  }
  const sigma = activations[config.activation].f;
  const inputLayout: NodeLayout = { dim, velocity, features: F, edgeFeatures: E };
  const outputLayout: NodeLayout = { ...inputLayout, features: outFeatures };

  const forward = (input: NodeBatch): NodeBatch => {
    checkNodes('x', input, inputLayout);
    const [B, n, w] = input.shape;
    const d = input.data;
    const wo = nodeWidth(outputLayout, n);
    const hOff = velocity ? 2 * dim : dim;
    const eOff = hOff + F;
    const C = config.aggregation === 'mean' ? 1 / (n - 1) : 1;
    // Every ordered pair i ≠ j of every graph is one row of φ_e.
    const pairs = B * n * (n - 1);
    const ein = 2 * F + 1 + E;
    const rows = new Float64Array(pairs * ein);
    let r = 0;
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < n; i++) {
        const oi = (b * n + i) * w;
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          const oj = (b * n + j) * w;
          const o = r * ein;
          for (let q = 0; q < F; q++) {
            rows[o + q] = d[oi + hOff + q]!;
            rows[o + F + q] = d[oj + hOff + q]!;
          }
          let d2 = 0;
          for (let q = 0; q < dim; q++) d2 += (d[oi + q]! - d[oj + q]!) ** 2;
          rows[o + 2 * F] = d2;
          for (let q = 0; q < E; q++) rows[o + 2 * F + 1 + q] = d[oi + eOff + j * E + q]!;
          r++;
        }
      }
    }
    const m = mlp.e!.forward({ x: rows, rows: pairs, cols: ein });
    for (let i = 0; i < m.length; i++) m[i] = sigma(m[i]!);
    const phiX = mlp.x!.forward({ x: m, rows: pairs, cols: H });
    const nodes = B * n;
    const hin = new Float64Array(nodes * (F + H));
    const out = new Float64Array(nodes * wo);
    const hOnly = new Float64Array(nodes * F);
    for (let node = 0; node < nodes; node++) for (let q = 0; q < F; q++) hOnly[node * F + q] = d[node * w + hOff + q]!;
    const phiV = velocity ? mlp.v!.forward({ x: hOnly, rows: nodes, cols: F }) : undefined;
    r = 0;
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < n; i++) {
        const node = b * n + i;
        const oi = node * w;
        const agg = new Float64Array(dim);
        const mi = hin.subarray(node * (F + H) + F, (node + 1) * (F + H));
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          const oj = (b * n + j) * w;
          const s = phiX[r]!;
          for (let q = 0; q < dim; q++) agg[q]! += (d[oi + q]! - d[oj + q]!) * s;
          for (let q = 0; q < H; q++) mi[q]! += m[r * H + q]!;
          r++;
        }
        for (let q = 0; q < F; q++) hin[node * (F + H) + q] = d[oi + hOff + q]!;
        const oo = node * wo;
        for (let q = 0; q < dim; q++) {
          if (velocity) {
            // v^{l+1} = φ_v(h)·v^init + C Σ …; the v slot keeps v^init for the next layer.
            out[oo + dim + q] = d[oi + dim + q]!;
            out[oo + q] = d[oi + q]! + phiV![node]! * d[oi + dim + q]! + C * agg[q]!;
          } else out[oo + q] = d[oi + q]! + C * agg[q]!;
        }
        // Edge attributes pass through unchanged.
        out.set(d.subarray(oi + eOff, oi + w), oo + hOff + outFeatures);
      }
    }
    const dh = mlp.h!.forward({ x: hin, rows: nodes, cols: F + H });
    for (let node = 0; node < nodes; node++) {
      for (let q = 0; q < outFeatures; q++) out[node * wo + hOff + q] = dh[node * outFeatures + q]! + (residual ? hin[node * (F + H) + q]! : 0);
    }
    return { data: out, shape: [B, n, wo] };
  };

  const name = `egnn${velocity ? '-vel' : ''}(E(${dim}), ${F}→${outFeatures}, hidden ${H})`;
  const contracts = egnnContracts(name, inputLayout, outputLayout, (x, shape) => forward({ data: x, shape }).data);
  return {
    name,
    config,
    inputLayout,
    outputLayout,
    theta,
    parameters: {
      size,
      get: (out) => {
        const o = outArray(out, size);
        o.set(theta);
        return o;
      },
      set: (t) => theta.set(floatArray('theta', t, size)),
    },
    forward,
    equivariance: (opts) => contracts.euclidean(opts),
    permutationEquivariance: (opts) => contracts.permutation(opts),
  };
}

/** The contract of an EGNN map under E(n) or S_n (shared by the Float64 layer and the tf layer). @internal */
export function egnnContracts(
  name: string,
  inputLayout: NodeLayout,
  outputLayout: NodeLayout,
  run: (x: Float64Array, shape: [number, number, number]) => Float64Array,
) {
  const setup = (options: EgnnCheckOptions) => {
    const o = checkOptions('options', options, ['n', 'batch']);
    const n = checkInteger('options.n', o.n, { min: 2 });
    const batch = o.batch === undefined ? 1 : checkInteger('options.batch', o.batch, { min: 1 });
    const acts = nodeActions(inputLayout, n);
    const shape: [number, number, number] = [batch, n, acts.width];
    return {
      acts,
      sampleInput: (r: unknown) => checkRandom('random', r).fillNormal(new Float64Array(batch * n * acts.width)),
      layer: (x: Float64Array) => run(x, shape),
    };
  };
  return {
    euclidean(options: EgnnCheckOptions): EquivarianceContract<EuclideanElement> {
      const { acts, sampleInput, layer } = setup(options);
      return {
        name,
        group: { name: acts.E.name, sample: acts.E.sample, label: acts.E.label },
        actOnInput: (g, x) => acts.euclidean(g, x, inputLayout, 'x'),
        actOnOutput: (g, y) => acts.euclidean(g, y, outputLayout, 'y'),
        sampleInput,
        layer,
      };
    },
    permutation(options: EgnnCheckOptions): EquivarianceContract<Permutation> {
      const { acts, sampleInput, layer } = setup(options);
      const S = acts.S;
      return {
        name,
        group: { name: S.name, ...(S.elements && { elements: S.elements }), sample: S.sample, label: S.label },
        actOnInput: (p, x) => acts.permutation(p, x, inputLayout, 'x'),
        actOnOutput: (p, y) => acts.permutation(p, y, outputLayout, 'y'),
        sampleInput,
        layer,
      };
    },
  };
}
