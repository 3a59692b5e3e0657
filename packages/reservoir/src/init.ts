/**
 * Seeded initialisers for reservoir weights: each entry is kept with probability
 * `connectivity` (geometric skipping, O(non-zeros)) and drawn from a normal, uniform or
 * bernoulli (±1) law times `scale` — ReservoirPy's `normal`, `uniform` and `bernoulli`.
 */
import {
  checkAllocation,
  checkInRange,
  checkInteger,
  checkOneOf,
  checkOptions,
  checkFinite,
  createRandom,
  invalid,
  randomDraws,
  type Random,
  type RandomDraws,
} from '@phaseflow/core';
import type { CsrMatrix } from '@phaseflow/linalg';
import { drawSparseWasm } from './draws-wasm.js';

/** The laws an initialiser draws entries from. */
export type WeightDistribution = 'normal' | 'uniform' | 'bernoulli';

/** Options of {@link randomSparse}. */
export interface RandomSparseOptions {
  readonly rows: number;
  readonly cols: number;
  /** Probability that an entry is non-zero, in (0, 1]. Default 0.1. */
  readonly connectivity?: number;
  /** `normal` N(0,1), `uniform` U[−1, 1), `bernoulli` ±1 with probability ½. Default `normal`. */
  readonly distribution?: WeightDistribution;
  /** Multiplier applied to every entry. Default 1. */
  readonly scale?: number;
  /** Seed (integer in [0, 2³²)) or a Random source. Default 0. */
  readonly seed?: number | Random;
  /**
   * `'auto'` (default): the draw loop in WebAssembly where it runs and the source is one of
   * core's (`createRandom`, `restoreRandom`, `fork`), else JavaScript; `'js'`: JavaScript. The
   * same matrix, and the source left at the same position, either way.
   */
  readonly kernel?: 'auto' | 'js';
}

const KNOWN = ['rows', 'cols', 'connectivity', 'distribution', 'scale', 'seed', 'kernel'] as const;

/**
 * A seeded random sparse matrix: `A_ij = scale·ξ_ij·[η_ij < connectivity]`, ξ from the
 * chosen law. Same seed, same matrix, on every machine.
 *
 * @example
 * ```ts
 * const W = randomSparse({ rows: 500, cols: 500, connectivity: 0.1, distribution: 'normal', seed: 1 });
 * ```
 */
export function randomSparse(options: RandomSparseOptions): CsrMatrix {
  const o = checkOptions('options', options, KNOWN);
  const rows = checkInteger('options.rows', o.rows, { min: 1 });
  const cols = checkInteger('options.cols', o.cols, { min: 1 });
  const p = o.connectivity === undefined ? 0.1 : checkInRange('options.connectivity', o.connectivity, Number.MIN_VALUE, 1);
  const dist =
    o.distribution === undefined ? 'normal' : checkOneOf<WeightDistribution>('options.distribution', o.distribution, ['normal', 'uniform', 'bernoulli']);
  const scale = o.scale === undefined ? 1 : checkFinite('options.scale', o.scale);
  const kernel = o.kernel === undefined ? 'auto' : checkOneOf('options.kernel', o.kernel, ['auto', 'js'] as const);
  const random = toRandom('options.seed', o.seed);
  const total = rows * cols;
  checkAllocation('options.rows', rows + 1, 4);
  const cap = Math.max(16, Math.ceil(total * p * 1.05 + 64));
  // The expected non-zeros (12 bytes each in CSR), and no more than int32 column offsets hold.
  checkAllocation('options.connectivity', Math.min(cap, total), 12);
  if (total * p > 2 ** 31 - 1) checkAllocation('options.connectivity', Infinity, 12);
  const logq = p < 1 ? Math.log1p(-p) : 0;
  // The same loop in WebAssembly where it runs (the same matrix, the generator left where this
  // loop leaves it), else here.
  const drawn = kernel === 'js' ? null : drawSparseWasm(random, rows, cols, p, logq, dist, scale, Math.min(cap, total));
  if (drawn !== null) return drawn;
  // (The draws through the generator's shared methods: a source's own methods are closures
  // made for it, and this loop's optimised code, holding the ones it called, would be thrown
  // away at the first full collection after the source died: every build runs on fresh forks.)
  const rng = randomDraws(random);
  const rowPtr = new Int32Array(rows + 1);
  let colIdx = new Int32Array(Math.min(cap, total));
  let values = new Float64Array(colIdx.length);
  let nnz = 0;
  let pos = -1;
  for (;;) {
    if (p >= 1) pos += 1;
    else {
      // Geometric gap: the number of skipped entries before the next kept one.
      const u = 1 - rng.uniform(); // (0, 1]
      pos += 1 + Math.floor(Math.log(u) / logq);
    }
    if (pos >= total || !Number.isFinite(pos)) break;
    if (nnz === colIdx.length) {
      const c2 = new Int32Array(Math.min(total, colIdx.length * 2));
      c2.set(colIdx);
      colIdx = c2;
      const v2 = new Float64Array(c2.length);
      v2.set(values);
      values = v2;
    }
    const r = Math.floor(pos / cols);
    colIdx[nnz] = pos - r * cols;
    rowPtr[r + 1]!++;
    values[nnz] = scale * draw(rng, dist);
    nnz++;
  }
  for (let r = 0; r < rows; r++) rowPtr[r + 1]! += rowPtr[r]!;
  return { rows, cols, rowPtr, colIdx: colIdx.slice(0, nnz), values: values.slice(0, nnz) };
}

function draw(rng: RandomDraws, dist: WeightDistribution): number {
  if (dist === 'normal') return rng.normal();
  if (dist === 'uniform') return 2 * rng.uniform() - 1;
  return rng.uniform() < 0.5 ? -1 : 1;
}

/**
 * A seeded vector with the same laws (used for biases): each entry is drawn (times `scale`)
 * with probability `connectivity` and 0 otherwise. Dense by default (`connectivity` 1); a
 * ReservoirPy-style sparse bias passes e.g. `connectivity: 0.1`.
 *
 * @example
 * ```ts
 * const b = randomVector(100, { distribution: 'uniform', scale: 0.5, seed: 3 }); // every entry in [−0.5, 0.5)
 * ```
 */
export function randomVector(
  length: number,
  options: { distribution?: WeightDistribution; scale?: number; connectivity?: number; seed?: number | Random } = {},
): Float64Array {
  checkInteger('length', length, { min: 1 });
  checkAllocation('length', length, 8);
  const o = checkOptions('options', options, ['distribution', 'scale', 'connectivity', 'seed']);
  const A = randomSparse({ rows: length, cols: 1, ...o, connectivity: o.connectivity === undefined ? 1 : o.connectivity });
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) if (A.rowPtr[i + 1]! > A.rowPtr[i]!) out[i] = A.values[A.rowPtr[i]!]!;
  return out;
}

/**
 * A Random from a seed (validated as an integer in [0, 2³²)) or the Random itself.
 *
 * @example
 * ```ts
 * const rng = toRandom('options.seed', 42);
 * ```
 */
export function toRandom(argument: string, seed: number | Random | undefined): Random {
  if (typeof argument !== 'string' || argument.length === 0) invalid('argument', 'the argument name errors should give (a non-empty string)', argument);
  if (seed === undefined) return createRandom(0);
  if (typeof seed === 'object' && seed !== null && typeof (seed as Random).uniform === 'function') return seed as Random;
  checkInteger(argument, seed, { min: 0, max: 2 ** 32 - 1 });
  return createRandom(seed as number);
}
