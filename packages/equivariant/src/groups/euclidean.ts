/**
 * The Euclidean group E(n), n ≥ 2, as EGNN's symmetry: x ↦ Qx + t with Q orthogonal
 * (rotations and reflections) and t a translation. Rotations and translations are drawn from
 * @phaseflow/lie: the rigid motions SE(2)/SE(3) for n = 2, 3, Haar rotations of `createSO(n)`
 * with N(0, I) translations above; half the draws are composed with the reflection
 * diag(−1, 1, …) to reach det Q = −1.
 */
import { checkFiniteArray, checkInteger, invalid, type Random } from '@phaseflow/core';
import { checkRandom } from '../internal/params.js';
import { SE2, SE3, createSO } from '@phaseflow/lie';

/** An element of E(n): x ↦ Q x + t. */
export interface EuclideanElement {
  /** Q, n × n orthogonal, row-major. */
  readonly rotation: Float64Array;
  /** t ∈ ℝⁿ. */
  readonly translation: Float64Array;
  /** det Q = −1. */
  readonly reflection: boolean;
}

/** E(n) with its seeded sampler. */
export interface EuclideanGroup {
  /** `E(2)`, `E(3)`, … */
  readonly name: string;
  readonly dim: number;
  /** A random element: Haar rotation, N(0, 1) translation, a reflection with probability ½. */
  sample(random: Random): EuclideanElement;
  /** Q p + t. */
  act(g: EuclideanElement, p: ArrayLike<number>): Float64Array;
  /** Q v (a velocity or a displacement: no translation). */
  rotate(g: EuclideanElement, v: ArrayLike<number>): Float64Array;
  /** `rotation(Q₀₀ …, t₀ …)` or `reflection(…)`, with the leading entries (distinct draws get distinct labels). */
  label(g: EuclideanElement): string;
}

/**
 * E(n) for n ≥ 2 (EGNN's E(2) and E(3); E(5) carries EMLP's O(5) task once a node sits at the origin).
 *
 * @example
 * ```ts
 * const E3 = euclideanGroup(3);
 * const g = E3.sample(createRandom(1));
 * E3.act(g, [1, 0, 0]); // Q·e₁ + t
 * ```
 */
export function euclideanGroup(dim: number): EuclideanGroup {
  const n = checkInteger('dim', dim, { min: 2 });
  const size = n + 1;
  // SE(n) as an (n + 1) × (n + 1) homogeneous matrix [Q t; 0 1].
  const rigid =
    n === 2
      ? (random: Random) => SE2.sample(random)
      : n === 3
        ? (random: Random) => SE3.sample(random)
        : (() => {
            const SO = createSO(n);
            return (random: Random) => {
              const q = SO.sample(random);
              const m = new Float64Array(size * size);
              for (let i = 0; i < n; i++) {
                for (let j = 0; j < n; j++) m[i * size + j] = q[i * n + j]!;
                m[i * size + n] = random.normal();
              }
              m[size * size - 1] = 1;
              return m;
            };
          })();
  const checkElement = (argument: string, g: unknown): EuclideanElement => {
    const e = g as EuclideanElement | null;
    if (e === null || typeof e !== 'object') invalid(argument, `an element of E(${n}) { rotation, translation, reflection }`, g);
    if (!(e.rotation instanceof Float64Array) || e.rotation.length !== n * n)
      invalid(
        `${argument}.rotation`,
        `a Float64Array of ${n} × ${n} numbers`,
        e.rotation,
        e.rotation instanceof Float64Array ? 'SHAPE_MISMATCH' : 'INVALID_ARGUMENT',
      );
    if (!(e.translation instanceof Float64Array) || e.translation.length !== n)
      invalid(
        `${argument}.translation`,
        `a Float64Array of ${n} numbers`,
        e.translation,
        e.translation instanceof Float64Array ? 'SHAPE_MISMATCH' : 'INVALID_ARGUMENT',
      );
    if (typeof e.reflection !== 'boolean') invalid(`${argument}.reflection`, 'a boolean', e.reflection);
    checkFiniteArray(`${argument}.rotation`, e.rotation);
    checkFiniteArray(`${argument}.translation`, e.translation);
    return e;
  };
  const mulVec = (q: Float64Array, v: ArrayLike<number>, argument: string) => {
    checkFiniteArray(argument, v);
    if (v.length !== n) invalid(argument, `a point in ℝ^${n}`, v, 'SHAPE_MISMATCH');
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += q[i * n + j]! * v[j]!;
      out[i] = s;
    }
    return out;
  };
  return Object.freeze({
    name: `E(${n})`,
    dim: n,
    sample(random: Random): EuclideanElement {
      const m = rigid(checkRandom('random', random));
      const rotation = new Float64Array(n * n);
      const translation = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) rotation[i * n + j] = m[i * size + j]!;
        translation[i] = m[i * size + n]!;
      }
      const reflection = random.uniform() < 0.5;
      // Q·diag(−1, 1, …): flip the first column.
      if (reflection) for (let i = 0; i < n; i++) rotation[i * n] = -rotation[i * n]!;
      return { rotation, translation, reflection };
    },
    act(g: EuclideanElement, p: ArrayLike<number>) {
      const out = mulVec(checkElement('g', g).rotation, p, 'p');
      for (let i = 0; i < n; i++) out[i]! += g.translation[i]!;
      return out;
    },
    rotate: (g: EuclideanElement, v: ArrayLike<number>) => mulVec(checkElement('g', g).rotation, v, 'v'),
    label: (g: EuclideanElement) =>
      `${checkElement('g', g).reflection ? 'reflection' : 'rotation'}(Q₀₀ ${g.rotation[0]!.toFixed(4)}, Q₀₁ ${g.rotation[1]!.toFixed(4)}, t₀ ${g.translation[0]!.toFixed(4)})`,
  });
}
