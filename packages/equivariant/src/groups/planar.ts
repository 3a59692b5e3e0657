/**
 * The planar point groups that map the square pixel grid onto itself exactly: C4 (rotations
 * by multiples of 90°) and D4 (those and the mirror images). With the translations of Z² they
 * make the wallpaper groups p4 and p4m of Cohen & Welling's G-CNNs.
 *
 * An element is an index g = 4m + r standing for R^r M^m, where R is the 90° rotation
 * counter-clockwise (numpy's `rot90`) and M the left–right mirror. On centred pixel
 * coordinates p = (row − c, col − c), c = (N − 1)/2:
 *
 *   R = [[0, −1], [1, 0]],   M = [[1, 0], [0, −1]],   M R M = R⁻¹,
 *
 * and a group element acts on a feature map f: Z² → ℝ^C by (L_g f)(p) = f(A_g⁻¹ p).
 */
import { checkInteger, checkOneOf, type Random } from '@phaseflow/core';
import { checkRandom } from '../internal/params.js';

/** The names of the planar groups: C4 (p4) and D4 (p4m). */
export type PlanarGroupName = 'C4' | 'D4';

/** A finite planar point group acting on the square grid. */
export interface PlanarGroup {
  /** `C4` or `D4`. */
  readonly name: PlanarGroupName;
  /** |G|: 4 or 8. */
  readonly order: number;
  /** Every element, 0 … |G| − 1 (g = 4m + r is R^r M^m). */
  readonly elements: readonly number[];
  /** The product a·b (first b, then a). */
  compose(a: number, b: number): number;
  /** g⁻¹. */
  inverse(g: number): number;
  /** The rotation count r of g = R^r M^m (0 … 3). */
  rotation(g: number): number;
  /** Whether g contains the mirror (m = 1). */
  mirrored(g: number): boolean;
  /** A_g on centred (row, col) coordinates, row-major [a, b, c, d]. */
  matrix(g: number): readonly [number, number, number, number];
  /** A uniform random element. */
  sample(random: Random): number;
  /** `e`, `r`, `r2`, `r3`, `m`, `rm`, … (R^r M^m). */
  label(g: number): string;
}

const mod4 = (r: number) => ((r % 4) + 4) % 4;

function makeGroup(name: PlanarGroupName): PlanarGroup {
  const order = name === 'C4' ? 4 : 8;
  const elements = Object.freeze(Array.from({ length: order }, (_, g) => g));
  const check = (argument: string, g: unknown) => checkInteger(argument, g, { min: 0, max: order - 1 });
  const rot = (g: number) => g & 3;
  const mir = (g: number) => g >> 2;
  return Object.freeze({
    name,
    order,
    elements,
    compose(a: number, b: number) {
      check('a', a);
      check('b', b);
      const s = mir(a) ? -1 : 1;
      return 4 * (mir(a) ^ mir(b)) + mod4(rot(a) + s * rot(b));
    },
    inverse(g: number) {
      check('g', g);
      return mir(g) ? g : mod4(-rot(g));
    },
    rotation: (g: number) => rot(check('g', g)),
    mirrored: (g: number) => mir(check('g', g)) === 1,
    matrix(g: number) {
      check('g', g);
      // R^r M^m: M first.
      let [a, b, c, d] = mir(g) ? [1, 0, 0, -1] : [1, 0, 0, 1];
      for (let k = 0; k < rot(g); k++) [a, b, c, d] = [0 - c, 0 - d, a, b];
      return [a, b, c, d] as const;
    },
    sample: (random: Random) => checkRandom('random', random).int(order),
    label(g: number) {
      check('g', g);
      const r = rot(g);
      const s = r === 0 ? '' : r === 1 ? 'r' : `r${r}`;
      return mir(g) ? `${s}m` : s || 'e';
    },
  });
}

/**
 * C4, the four rotations by multiples of 90° (with Z²: the group p4).
 *
 * @example
 * ```ts
 * C4.compose(1, 3); // 0: a quarter turn and three more are the identity
 * ```
 */
export const C4: PlanarGroup = makeGroup('C4');

/**
 * D4, the eight symmetries of the square: C4 and the mirror images (with Z²: p4m).
 *
 * @example
 * ```ts
 * D4.compose(4, 1); // 7 = R³M: M·R = R⁻¹·M
 * ```
 */
export const D4: PlanarGroup = makeGroup('D4');

/**
 * The planar group with this name; INVALID_ARGUMENT for any other.
 *
 * @example
 * ```ts
 * planarGroup('D4').order; // 8
 * ```
 */
export function planarGroup(name: PlanarGroupName | PlanarGroup, argument = 'group'): PlanarGroup {
  if (name === C4 || name === D4) return name;
  return checkOneOf<PlanarGroupName>(argument, name, ['C4', 'D4']) === 'C4' ? C4 : D4;
}

/**
 * For an n × n grid, the source pixel of every destination pixel under L_g:
 * (L_g f)[i·n + j] = f[source[i·n + j]], source = A_g⁻¹ p on centred coordinates.
 * @internal
 */
export function gridSource(group: PlanarGroup, g: number, n: number): Int32Array {
  const inv = group.matrix(group.inverse(g));
  const out = new Int32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      // Doubled centred coordinates stay integral for even and odd n.
      const p = 2 * i - (n - 1);
      const q = 2 * j - (n - 1);
      const si = (inv[0] * p + inv[1] * q + n - 1) / 2;
      const sj = (inv[2] * p + inv[3] * q + n - 1) / 2;
      out[i * n + j] = si * n + sj;
    }
  }
  return out;
}
