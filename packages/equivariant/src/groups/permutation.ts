/**
 * The symmetric group S_n acting on sets of n elements by permuting them: the symmetry of
 * DeepSets layers and of the node labels of a graph network.
 */
import { PhaseflowError, checkInteger, invalid, type Random } from '@phaseflow/core';
import { checkRandom } from '../internal/params.js';

/** A permutation π of {0, …, n − 1}: π[i] is where element i goes. */
export type Permutation = readonly number[];

/** The symmetric group S_n. */
export interface SymmetricGroup {
  /** `S_5`. */
  readonly name: string;
  readonly n: number;
  /** n! */
  readonly order: number;
  /** All n! permutations in lexicographic order when n ≤ 6 (720 of them); absent above. */
  readonly elements?: readonly Permutation[];
  /** A uniform random permutation (Fisher–Yates with the given generator). */
  sample(random: Random): Permutation;
  /** (a·b)[i] = a[b[i]]: first b, then a. */
  compose(a: Permutation, b: Permutation): Permutation;
  inverse(p: Permutation): Permutation;
  /** `(0 2 1 3 4)`, the images of 0 … n − 1. */
  label(p: Permutation): string;
}

/**
 * `p` as a permutation of 0 … n − 1 (of its own length when `n` is not given): an array of
 * distinct integers in range. INVALID_ARGUMENT otherwise, SHAPE_MISMATCH for the wrong length.
 * @internal
 */
export function checkPermutation(argument: string, p: unknown, n?: number): Permutation {
  if (!Array.isArray(p)) invalid(argument, `a permutation${n === undefined ? '' : ` of ${n} elements`} (an array)`, p);
  if (n !== undefined && p.length !== n) invalid(argument, `a permutation of ${n} elements`, `length ${p.length}`, 'SHAPE_MISMATCH');
  const m = p.length;
  if (m === 0) invalid(argument, 'a permutation of at least one element', p);
  const seen = new Uint8Array(m);
  for (const v of p as unknown[]) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= m || seen[v]) invalid(argument, `a permutation of 0 … ${m - 1}`, p);
    seen[v] = 1;
  }
  return p as Permutation;
}

function permutations(n: number): Permutation[] {
  const out: number[][] = [];
  const a = Array.from({ length: n }, (_, i) => i);
  // Lexicographic order (Narayana's next permutation).
  for (;;) {
    out.push(a.slice());
    let i = n - 2;
    while (i >= 0 && a[i]! > a[i + 1]!) i--;
    if (i < 0) return out;
    let j = n - 1;
    while (a[j]! < a[i]!) j--;
    [a[i], a[j]] = [a[j]!, a[i]!];
    for (let l = i + 1, r = n - 1; l < r; l++, r--) [a[l], a[r]] = [a[r]!, a[l]!];
  }
}

/**
 * S_n, the group of the n! permutations of n elements.
 *
 * @example
 * ```ts
 * const S5 = symmetricGroup(5);
 * S5.elements!.length; // 120
 * S5.compose([1, 2, 0, 3, 4], S5.inverse([1, 2, 0, 3, 4])); // [0, 1, 2, 3, 4]
 * ```
 */
export function symmetricGroup(n: number): SymmetricGroup {
  checkInteger('n', n, { min: 1 });
  let order = 1;
  for (let k = 2; k <= n; k++) order *= k;
  const check = (argument: string, p: unknown): Permutation => checkPermutation(argument, p, n);
  const elements = n <= 6 ? Object.freeze(permutations(n).map((p) => Object.freeze(p))) : undefined;
  return Object.freeze({
    name: `S_${n}`,
    n,
    order,
    ...(elements && { elements }),
    sample(random: Random) {
      checkRandom('random', random);
      const p = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = random.int(i + 1);
        [p[i], p[j]] = [p[j]!, p[i]!];
      }
      return p;
    },
    compose(a: Permutation, b: Permutation) {
      check('a', a);
      check('b', b);
      return b.map((v) => a[v]!);
    },
    inverse(p: Permutation) {
      check('p', p);
      const q = new Array<number>(n);
      p.forEach((v, i) => (q[v] = i));
      return q;
    },
    label: (p: Permutation) => `(${check('p', p).join(' ')})`,
  });
}

/**
 * Permute the n rows of every member of a batch [B, n, width]: row i of member b moves to row
 * π[i] (π·X)_{π(i)} = X_i. A new array.
 *
 * @example
 * ```ts
 * permuteRows([1, 0], Float64Array.of(1, 2, 3, 4), 2); // [3, 4, 1, 2]
 * ```
 */
export function permuteRows(p: Permutation, data: Float64Array, width: number): Float64Array {
  const n = checkPermutation('p', p).length;
  if (!(data instanceof Float64Array)) invalid('data', 'a Float64Array', data);
  checkInteger('width', width, { min: 1 });
  if (data.length % (n * width) !== 0) {
    throw new PhaseflowError('SHAPE_MISMATCH', `data: expected a multiple of ${n} × ${width} numbers, received ${data?.length}`, {
      argument: 'data',
      expected: `B × ${n} × ${width} numbers`,
      received: `length ${data?.length}`,
    });
  }
  const out = new Float64Array(data.length);
  for (let b = 0; b < data.length; b += n * width) {
    for (let i = 0; i < n; i++) out.set(data.subarray(b + i * width, b + (i + 1) * width), b + p[i]! * width);
  }
  return out;
}
