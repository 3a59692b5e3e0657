/**
 * DeepSets (Zaheer et al., NeurIPS 2017) in Float64: the permutation-equivariant layer and
 * the permutation-invariant pooling, on batches of sets [B, n, d].
 */
import { PhaseflowError, checkInteger, checkOneOf, checkOptions, createRandom, invalid, type ParametricLayer } from '@phaseflow/core';
import { activations, glorot, type Activation } from '@phaseflow/nn64';
import type { EquivarianceContract } from '../contract.js';
import { checkPermutation, permuteRows, symmetricGroup, type Permutation } from '../groups/permutation.js';
import { checkRandom, floatArray, parametersOf } from '../internal/params.js';

/** A batch of sets: B sets of n elements in ℝ^d, row-major: element i of set b is `data[(b·n + i)·d …]`. */
export interface SetBatch {
  readonly data: Float64Array;
  /** [B, n, d]. */
  readonly shape: readonly [number, number, number];
}

/** How a set is pooled: sum, mean or max over its elements. */
export type SetPool = 'sum' | 'mean' | 'max';

/** The activations the Float64 and tfjs DeepSets layers share. */
export type SetActivation = Extract<Activation, 'linear' | 'tanh' | 'relu' | 'sigmoid' | 'softplus'>;

/** The accepted {@link SetActivation} names. @internal */
export const SET_ACTIVATIONS: readonly SetActivation[] = ['linear', 'tanh', 'relu', 'sigmoid', 'softplus'];

/** Options of {@link createDeepSets64}. */
export interface DeepSets64Options {
  /** Element width d. */
  readonly inputs: number;
  /** Output width d′. */
  readonly outputs: number;
  /** The pooled term: `mean` (default), `sum` or `max`. */
  readonly pool?: SetPool;
  /** σ (default `tanh`). */
  readonly activation?: SetActivation;
  /** Seed of the Glorot-uniform Λ and Γ (default 0). */
  readonly seed?: number;
  /** Λ, d × d′ row-major (instead of seeded). */
  readonly lambda?: ArrayLike<number>;
  /** Γ, d × d′ row-major. */
  readonly gamma?: ArrayLike<number>;
  /** b, d′ numbers (default zeros). */
  readonly bias?: ArrayLike<number>;
}

/** Check a set batch; n and d must match when given. @internal */
function checkSets(argument: string, x: unknown, d?: number): SetBatch {
  if (x === null || typeof x !== 'object') invalid(argument, 'a set batch { data, shape: [B, n, d] }', x);
  const { data, shape } = x as SetBatch;
  if (!Array.isArray(shape) || shape.length !== 3) invalid(`${argument}.shape`, '[B, n, d]', shape, 'SHAPE_MISMATCH');
  shape.forEach((s, i) => checkInteger(`${argument}.shape[${i}]`, s, { min: 1 }));
  if (d !== undefined && shape[2] !== d) invalid(`${argument}.shape[2]`, `elements of width ${d}`, shape[2], 'SHAPE_MISMATCH');
  if (!(data instanceof Float64Array)) invalid(`${argument}.data`, 'a Float64Array', data);
  const size = shape[0] * shape[1] * shape[2];
  if (data.length !== size) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argument}.data: expected ${shape.join(' × ')} = ${size} numbers, received ${data.length}`, {
      argument: `${argument}.data`,
      expected: `${size} numbers`,
      received: `length ${data.length}`,
    });
  }
  for (let i = 0; i < size; i++) if (!Number.isFinite(data[i])) invalid(`${argument}.data[${i}]`, 'a finite number', data[i], 'NON_FINITE_INPUT');
  return x as SetBatch;
}

/** pool_j x_j for every set: [B, n, d] → [B, d]. @internal */
function poolSets(x: SetBatch, pool: SetPool): Float64Array {
  const [b, n, d] = x.shape;
  const out = new Float64Array(b * d).fill(pool === 'max' ? -Infinity : 0);
  for (let s = 0; s < b; s++) {
    for (let i = 0; i < n; i++) {
      const o = (s * n + i) * d;
      for (let k = 0; k < d; k++) {
        const v = x.data[o + k]!;
        out[s * d + k] = pool === 'max' ? Math.max(out[s * d + k]!, v) : out[s * d + k]! + v;
      }
    }
  }
  if (pool === 'mean') for (let i = 0; i < out.length; i++) out[i]! /= n;
  return out;
}

/** Options of an equivariance check on sets: `batch` sets of `n` elements. */
export interface SetCheckOptions {
  readonly n: number;
  readonly batch?: number;
}

function setCheck(options: SetCheckOptions | undefined) {
  const o = checkOptions('options', options, ['n', 'batch']);
  const n = checkInteger('options.n', o.n, { min: 1 });
  const batch = o.batch === undefined ? 1 : checkInteger('options.batch', o.batch, { min: 1 });
  const group = symmetricGroup(n);
  return { n, batch, group: { name: group.name, ...(group.elements && { elements: group.elements }), sample: group.sample, label: group.label } };
}

/** A Float64 DeepSets layer. */
export interface DeepSets64 extends ParametricLayer<SetBatch, SetBatch> {
  readonly inputs: number;
  readonly outputs: number;
  readonly pool: SetPool;
  readonly activation: SetActivation;
  /** Λ (d × d′, live). */
  readonly lambda: Float64Array;
  /** Γ (d × d′, live). */
  readonly gamma: Float64Array;
  /** b (d′, live). */
  readonly bias: Float64Array;
  /** The contract under S_n: every permutation for n ≤ 6. */
  equivariance(options: SetCheckOptions): EquivarianceContract<Permutation>;
}

/**
 * The permutation-equivariant DeepSets layer (Zaheer et al., NeurIPS 2017, eq. 4 with a
 * pooled term): for a set X (n × d),
 *
 *   Y = σ(X Λ + 1·pool(X) Γ + 1 bᵀ),   pool = Σ, mean or max over the elements,
 *
 * so permuting the elements of X permutes the rows of Y the same way, and nothing else:
 * f(πX) = πf(X) for every π ∈ S_n. Λ and Γ are d × d′ (Glorot-uniform, nn64's `glorot`).
 *
 * @example
 * ```ts
 * const layer = createDeepSets64({ inputs: 3, outputs: 8, pool: 'mean', seed: 1 });
 * layer.forward({ data: points, shape: [1, 5, 3] }).shape; // [1, 5, 8]
 * ```
 */
export function createDeepSets64(options: DeepSets64Options): DeepSets64 {
  if (options === undefined) invalid('options', 'an options object with inputs and outputs', options);
  const o = checkOptions('options', options, ['inputs', 'outputs', 'pool', 'activation', 'seed', 'lambda', 'gamma', 'bias']);
  const d = checkInteger('options.inputs', o.inputs, { min: 1 });
  const e = checkInteger('options.outputs', o.outputs, { min: 1 });
  const pool = o.pool === undefined ? 'mean' : checkOneOf<SetPool>('options.pool', o.pool, ['sum', 'mean', 'max']);
  const act = o.activation === undefined ? 'tanh' : checkOneOf<SetActivation>('options.activation', o.activation, SET_ACTIVATIONS);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  const rng = createRandom(seed);
  const lambda = o.lambda === undefined ? glorot(rng, d, e) : floatArray('options.lambda', o.lambda, d * e);
  const gamma = o.gamma === undefined ? glorot(rng, d, e) : floatArray('options.gamma', o.gamma, d * e);
  const bias = o.bias === undefined ? new Float64Array(e) : floatArray('options.bias', o.bias, e);
  const sigma = activations[act].f;
  const forward = (x: SetBatch): SetBatch => {
    checkSets('x', x, d);
    const [b, n] = x.shape;
    const pooled = poolSets(x, pool);
    const out = new Float64Array(b * n * e);
    for (let s = 0; s < b; s++) {
      // The pooled term is the same for every element of set s.
      const common = new Float64Array(e);
      for (let q = 0; q < e; q++) {
        let acc = bias[q]!;
        for (let k = 0; k < d; k++) acc += pooled[s * d + k]! * gamma[k * e + q]!;
        common[q] = acc;
      }
      for (let i = 0; i < n; i++) {
        const xo = (s * n + i) * d;
        const yo = (s * n + i) * e;
        for (let q = 0; q < e; q++) {
          let acc = common[q]!;
          for (let k = 0; k < d; k++) acc += x.data[xo + k]! * lambda[k * e + q]!;
          out[yo + q] = sigma(acc);
        }
      }
    }
    return { data: out, shape: [b, n, e] };
  };
  const name = `deep-sets(${d}→${e}, ${pool}, ${act})`;
  return {
    name,
    inputs: d,
    outputs: e,
    pool,
    activation: act,
    lambda,
    gamma,
    bias,
    parameters: parametersOf([lambda, gamma, bias]),
    forward,
    equivariance(opts) {
      const { n, batch, group } = setCheck(opts);
      return {
        name,
        group,
        actOnInput: (p, x) => permuteRows(p, x, d),
        actOnOutput: (p, y) => permuteRows(p, y, e),
        sampleInput: (r) => checkRandom('random', r).fillNormal(new Float64Array(batch * n * d)),
        layer: (x) => forward({ data: x, shape: [batch, n, d] }).data,
      };
    },
  };
}

/** Options of {@link createSetPool64}. */
export interface SetPool64Options {
  /** `sum`, `mean` (default) or `max`. */
  readonly pool?: SetPool;
}

/** Permutation-invariant pooling [B, n, d] → [B, d] in Float64. */
export interface SetPool64 {
  readonly name: string;
  readonly pool: SetPool;
  forward(x: SetBatch): Float64Array;
  /** The contract under S_n with the trivial output action (invariance), for sets of width `width` (default 3). */
  equivariance(options: SetCheckOptions & { readonly width?: number }): EquivarianceContract<Permutation>;
}

/**
 * The permutation-invariant read-out of DeepSets, y = pool_i x_i (Σ, mean or max): with
 * equivariant layers before and any map ρ after it, ρ(pool φ(x_i)) is Zaheer et al.'s
 * universal form of an invariant set function (Theorem 2). f(πX) = f(X) for every π.
 *
 * @example
 * ```ts
 * createSetPool64({ pool: 'sum' }).forward({ data: Float64Array.of(1, 2, 3, 4), shape: [1, 2, 2] }); // [4, 6]
 * ```
 */
export function createSetPool64(options: SetPool64Options = {}): SetPool64 {
  const o = checkOptions('options', options, ['pool']);
  const pool = o.pool === undefined ? 'mean' : checkOneOf<SetPool>('options.pool', o.pool, ['sum', 'mean', 'max']);
  const forward = (x: SetBatch) => poolSets(checkSets('x', x), pool);
  const name = `set-pool(${pool})`;
  return {
    name,
    pool,
    forward,
    equivariance(opts) {
      const { width, ...rest } = checkOptions('options', opts, ['n', 'batch', 'width']);
      const d = width === undefined ? 3 : checkInteger('options.width', width, { min: 1 });
      const { n, batch, group } = setCheck(rest);
      return {
        name,
        group,
        actOnInput: (p, x) => permuteRows(p, x, d),
        actOnOutput: (p, y) => {
          checkPermutation('g', p, n);
          if (!(y instanceof Float64Array)) invalid('y', 'a Float64Array', y);
          return y.slice();
        },
        sampleInput: (r) => checkRandom('random', r).fillNormal(new Float64Array(batch * n * d)),
        layer: (x) => forward({ data: x, shape: [batch, n, d] }),
      };
    },
  };
}
