/**
 * Feature maps on the square pixel grid as plain Float64 data, and the two ways a planar group
 * acts on them: on images (each channel a scalar field: pixels move) and on group feature maps
 * (the regular representation: pixels move and the |G| copies of each feature are permuted).
 */
import { PhaseflowError, checkInteger, invalid } from '@phaseflow/core';
import { notSquare, wrongMultiplicity } from '../errors.js';
import { gridSource, planarGroup, type PlanarGroup, type PlanarGroupName } from './planar.js';

/**
 * A batch of feature maps, NHWC and row-major as tfjs lays them out: value (b, i, j, c) is
 * `data[((b·H + i)·W + j)·C + c]`. Group feature maps keep the |G| copies of feature k next to
 * each other: channel c = k·|G| + h.
 */
export interface GridBatch {
  readonly data: Float64Array;
  /** [B, H, W, C]. */
  readonly shape: readonly [number, number, number, number];
}

/**
 * Validate a {@link GridBatch}: four positive integer sizes, `data` a Float64Array of their
 * product of finite numbers, H = W (NOT_SQUARE_GRID otherwise).
 * @internal
 */
export function checkGrid(argument: string, x: unknown, group: PlanarGroup): GridBatch {
  if (x === null || typeof x !== 'object') invalid(argument, 'a grid batch { data, shape: [B, H, W, C] }', x);
  const { data, shape } = x as GridBatch;
  if (!Array.isArray(shape) || shape.length !== 4) invalid(`${argument}.shape`, '[B, H, W, C]', shape, 'SHAPE_MISMATCH');
  shape.forEach((s, i) => checkInteger(`${argument}.shape[${i}]`, s, { min: 1 }));
  if (!(data instanceof Float64Array)) invalid(`${argument}.data`, 'a Float64Array', data);
  const size = shape[0] * shape[1] * shape[2] * shape[3];
  if (data.length !== size) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argument}.data: expected ${shape.join(' × ')} = ${size} numbers, received ${data.length}`, {
      argument: `${argument}.data`,
      expected: `${size} numbers`,
      received: `length ${data.length}`,
    });
  }
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) invalid(`${argument}.data[${i}]`, 'a finite number', data[i], 'NON_FINITE_INPUT');
  if (shape[1] !== shape[2]) notSquare(argument, group.name, shape[1], shape[2]);
  return x as GridBatch;
}

function transform(group: PlanarGroup, g: number, x: GridBatch, regular: boolean, argument: string): GridBatch {
  checkInteger('g', g, { min: 0, max: group.order - 1 });
  checkGrid(argument, x, group);
  const [b, n, , c] = x.shape;
  const order = group.order;
  if (regular && c % order !== 0) wrongMultiplicity(`${argument}.shape[3]`, group.name, order, c);
  const src = gridSource(group, g, n);
  // The |G| copies of a feature: copy h of the output is copy g⁻¹h of the input.
  const perm = new Int32Array(order);
  const gi = group.inverse(g);
  for (let h = 0; h < order; h++) perm[h] = regular ? group.compose(gi, h) : h;
  const out = new Float64Array(x.data.length);
  for (let bi = 0; bi < b; bi++) {
    const base = bi * n * n * c;
    for (let p = 0; p < n * n; p++) {
      const o = base + p * c;
      const s = base + src[p]! * c;
      if (!regular) {
        for (let k = 0; k < c; k++) out[o + k] = x.data[s + k]!;
        continue;
      }
      for (let k = 0; k < c; k += order) {
        for (let h = 0; h < order; h++) out[o + k + h] = x.data[s + k + perm[h]!]!;
      }
    }
  }
  return { data: out, shape: [...x.shape] as GridBatch['shape'] };
}

/**
 * The action of g on images: (L_g f)(p) = f(A_g⁻¹p) for every channel (a 90° turn moves
 * pixel (i, j) of an n × n image to (n − 1 − j, i), as numpy's `rot90`; the mirror flips left
 * and right). Returns a new batch.
 *
 * @example
 * ```ts
 * const x = { data: Float64Array.of(1, 2, 3, 4), shape: [1, 2, 2, 1] as const };
 * transformImages('C4', 1, x).data; // [2, 4, 1, 3]
 * ```
 */
export function transformImages(group: PlanarGroupName | PlanarGroup, g: number, x: GridBatch): GridBatch {
  return transform(planarGroup(group), g, x, false, 'x');
}

/**
 * The action of g on group feature maps (the regular representation of p4/p4m):
 * (L_g F)(h, p) = F(g⁻¹h, A_g⁻¹p): pixels move as in {@link transformImages} and the |G|
 * copies of every feature are permuted. Channels must be a multiple of |G|
 * (WRONG_MULTIPLICITY).
 *
 * @example
 * ```ts
 * // One feature on a 1 × 1 grid: a quarter turn shifts its four copies cyclically.
 * transformGroupFeatures('C4', 1, { data: Float64Array.of(1, 2, 3, 4), shape: [1, 1, 1, 4] }).data; // [4, 1, 2, 3]
 * ```
 */
export function transformGroupFeatures(group: PlanarGroupName | PlanarGroup, g: number, x: GridBatch): GridBatch {
  return transform(planarGroup(group), g, x, true, 'x');
}
