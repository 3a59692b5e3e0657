/**
 * Point clouds with node and edge features, and their packed form: one row per node,
 *
 *   [ x (dim) | v (dim, with velocities) | h (features) | a_i· (n × edgeFeatures) ],
 *
 * so a batch of graphs is one [B, n, width] tensor that `tf.sequential()` can carry from
 * EGNN layer to EGNN layer (each layer replaces x, v, h and passes the edge attributes on).
 */
import { PhaseflowError, checkFiniteArray, checkInteger, invalid } from '@phaseflow/core';
import { dimensionMismatch } from '../errors.js';
import { checkShape } from '../internal/params.js';

/** B fully connected graphs of n nodes in ℝ^dim. */
export interface PointClouds {
  /** Graphs in the batch (default 1). */
  readonly batch?: number;
  /** Nodes per graph. */
  readonly n: number;
  /** Space dimension (≥ 2). */
  readonly dim: number;
  /** Positions, B·n·dim numbers (node i of graph b at `((b·n + i)·dim …)`). */
  readonly x: ArrayLike<number>;
  /** Velocities, B·n·dim numbers (EGNN_vel). */
  readonly v?: ArrayLike<number>;
  /** Node features, B·n·features numbers (a node with no features: features 0, h empty). */
  readonly h?: ArrayLike<number>;
  /** Features per node (default: h.length / (B·n)). */
  readonly features?: number;
  /** Edge attributes a_ij, B·n·n·edgeFeatures numbers (graph b, i, j, k at `(((b·n + i)·n + j)·E + k)`). */
  readonly edges?: ArrayLike<number>;
  /** Attributes per edge (default: edges.length / (B·n·n)). */
  readonly edgeFeatures?: number;
}

/** The row layout of a packed point cloud. */
export interface NodeLayout {
  readonly dim: number;
  readonly velocity: boolean;
  readonly features: number;
  readonly edgeFeatures: number;
}

/** A packed batch [B, n, width]. */
export interface NodeBatch {
  readonly data: Float64Array;
  readonly shape: readonly [number, number, number];
}

/**
 * Width of a packed node row: dim (x) + dim (v, with velocities) + features + n·edgeFeatures.
 *
 * @example
 * ```ts
 * nodeWidth({ dim: 3, velocity: true, features: 1, edgeFeatures: 1 }, 5); // 12
 * ```
 */
export function nodeWidth(layout: NodeLayout, n: number): number {
  checkLayout('layout', layout);
  checkInteger('n', n, { min: 1 });
  return layout.dim * (layout.velocity ? 2 : 1) + layout.features + n * layout.edgeFeatures;
}

/** Validate a {@link NodeLayout}: dim ≥ 2, velocity a boolean, features and edgeFeatures ≥ 0. */
function checkLayout(argument: string, layout: unknown): NodeLayout {
  const l = layout as NodeLayout | null;
  if (l === null || typeof l !== 'object' || Array.isArray(l)) invalid(argument, 'a node layout { dim, velocity, features, edgeFeatures }', layout);
  checkInteger(`${argument}.dim`, l.dim, { min: 2 });
  if (typeof l.velocity !== 'boolean') invalid(`${argument}.velocity`, 'a boolean', l.velocity);
  checkInteger(`${argument}.features`, l.features, { min: 0 });
  checkInteger(`${argument}.edgeFeatures`, l.edgeFeatures, { min: 0 });
  return l;
}

function per(argument: string, value: ArrayLike<number> | undefined, count: number, given: number | undefined, what: string): number {
  const length = value?.length ?? 0;
  if (given !== undefined) {
    const w = checkInteger(`cloud.${argument === 'h' ? 'features' : 'edgeFeatures'}`, given, { min: 0 });
    if (length !== count * w) dimensionMismatch(`cloud.${argument}`, `${count} × ${w} = ${count * w} numbers (${what})`, `${length} numbers`);
    return w;
  }
  if (length % count !== 0) dimensionMismatch(`cloud.${argument}`, `a multiple of ${count} numbers (${what})`, `${length} numbers`);
  return length / count;
}

/**
 * Pack point clouds into [B, n, width] rows (see the module comment), checking that every
 * array agrees on B, n and dim (DIMENSION_MISMATCH naming the array that does not).
 *
 * @example
 * ```ts
 * const packed = packPointClouds({ n: 5, dim: 3, x: loc, v: vel, h: speeds, edges: charges });
 * packed.shape; // [1, 5, 3 + 3 + 1 + 5]
 * ```
 */
export function packPointClouds(cloud: PointClouds): NodeBatch & { readonly layout: NodeLayout } {
  if (cloud === null || typeof cloud !== 'object') invalid('cloud', 'a point cloud { n, dim, x, v?, h?, edges? }', cloud);
  const batch = cloud.batch === undefined ? 1 : checkInteger('cloud.batch', cloud.batch, { min: 1 });
  const n = checkInteger('cloud.n', cloud.n, { min: 1 });
  const dim = checkInteger('cloud.dim', cloud.dim, { min: 2 });
  const nodes = batch * n;
  const arrays: [string, ArrayLike<number> | undefined][] = [
    ['x', cloud.x],
    ['v', cloud.v],
    ['h', cloud.h],
    ['edges', cloud.edges],
  ];
  for (const [k, a] of arrays) if (a !== undefined) checkFiniteArray(`cloud.${k}`, a);
  if (cloud.x === undefined || cloud.x.length !== nodes * dim)
    dimensionMismatch('cloud.x', `${batch} × ${n} × ${dim} = ${nodes * dim} positions`, `${cloud.x?.length ?? 0} numbers`);
  if (cloud.v !== undefined && cloud.v.length !== nodes * dim)
    dimensionMismatch('cloud.v', `${batch} × ${n} × ${dim} = ${nodes * dim} velocity components (as the positions)`, `${cloud.v.length} numbers`);
  const features = per('h', cloud.h, nodes, cloud.features, `${batch} × ${n} nodes`);
  const edgeFeatures = per('edges', cloud.edges, nodes * n, cloud.edgeFeatures, `${batch} × ${n} × ${n} edges`);
  const layout: NodeLayout = { dim, velocity: cloud.v !== undefined, features, edgeFeatures };
  const width = nodeWidth(layout, n);
  const data = new Float64Array(nodes * width);
  for (let r = 0; r < nodes; r++) {
    let o = r * width;
    for (let k = 0; k < dim; k++) data[o++] = cloud.x[r * dim + k]!;
    if (cloud.v) for (let k = 0; k < dim; k++) data[o++] = cloud.v[r * dim + k]!;
    for (let k = 0; k < features; k++) data[o++] = cloud.h![r * features + k]!;
    for (let k = 0; k < n * edgeFeatures; k++) data[o++] = cloud.edges![r * n * edgeFeatures + k]!;
  }
  return { data, shape: [batch, n, width], layout };
}

/** What {@link unpackPointClouds} returns: the arrays of {@link PointClouds}, all present (v with velocities). */
export interface UnpackedPointClouds {
  readonly batch: number;
  readonly n: number;
  readonly dim: number;
  readonly x: Float64Array;
  readonly v?: Float64Array;
  readonly h: Float64Array;
  readonly features: number;
  readonly edges: Float64Array;
  readonly edgeFeatures: number;
}

/**
 * The arrays of a packed batch (the inverse of {@link packPointClouds}).
 *
 * @example
 * ```ts
 * const { x, v, h } = unpackPointClouds(egnn.forward(packed), egnn.outputLayout);
 * ```
 */
export function unpackPointClouds(packed: NodeBatch, layout: NodeLayout): UnpackedPointClouds {
  if (packed === null || typeof packed !== 'object') invalid('packed', 'a packed batch { data, shape: [B, n, width] }', packed);
  const [batch, n, width] = checkShape('packed.shape', packed.shape, 3, 'B, n, width') as [number, number, number];
  if (!(packed.data instanceof Float64Array)) invalid('packed.data', 'a Float64Array', packed.data);
  if (packed.data.length !== batch * n * width)
    invalid('packed.data', `${batch} × ${n} × ${width} = ${batch * n * width} numbers`, `length ${packed.data.length}`, 'SHAPE_MISMATCH');
  checkLayout('layout', layout);
  const { dim, velocity, features, edgeFeatures } = layout;
  if (width !== nodeWidth(layout, n)) {
    throw new PhaseflowError('DIMENSION_MISMATCH', `packed.shape[2]: expected rows of ${nodeWidth(layout, n)} numbers for this layout, received ${width}`, {
      argument: 'packed.shape[2]',
      expected: `${nodeWidth(layout, n)}`,
      received: `${width}`,
    });
  }
  const nodes = batch * n;
  const x = new Float64Array(nodes * dim);
  const v = velocity ? new Float64Array(nodes * dim) : undefined;
  const h = new Float64Array(nodes * features);
  const edges = new Float64Array(nodes * n * edgeFeatures);
  for (let r = 0; r < nodes; r++) {
    let o = r * width;
    for (let k = 0; k < dim; k++) x[r * dim + k] = packed.data[o++]!;
    if (v) for (let k = 0; k < dim; k++) v[r * dim + k] = packed.data[o++]!;
    for (let k = 0; k < features; k++) h[r * features + k] = packed.data[o++]!;
    for (let k = 0; k < n * edgeFeatures; k++) edges[r * n * edgeFeatures + k] = packed.data[o++]!;
  }
  return { batch, n, dim, x, ...(v && { v }), h, features, edges, edgeFeatures };
}
