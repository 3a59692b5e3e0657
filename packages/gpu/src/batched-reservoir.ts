/**
 * Many echo-state reservoirs (or one reservoir on many input streams) updated together: one
 * kernel launch per time step over all (reservoir, unit) pairs, the weights uploaded once. For
 * hyper-parameter searches over spectral radius, leak rate and input scaling. The reservoirs
 * are @phaseflow/reservoir's (its `Reservoir` objects have every field read here); its Float64
 * `run` is the reference.
 */
import { PhaseflowError, checkInRange, checkInteger, checkOneOf, checkOptions, invalid } from '@phaseflow/core';
import { checkCsr, csrToDense, type CsrMatrix } from '@phaseflow/linalg';
import { resolveBackend, type GpuBackend, type GpuBackendName } from './backend.js';
import { limitExceeded } from './errors.js';
import { call, createKernel, input, preferFlatOutput, type Kernel } from './gpujs.js';
import { finiteFloat32, flatten } from './readback.js';

/** The weights of one leaky echo-state reservoir (an @phaseflow/reservoir `Reservoir` has these fields). */
export interface ReservoirWeights {
  readonly units: number;
  readonly inputDim: number;
  /** Leak rate lr ∈ (0, 1]. */
  readonly leakRate: number;
  /** Recurrent weights, units × units. */
  readonly W: CsrMatrix;
  /** Input weights, units × inputDim. */
  readonly Win: CsrMatrix;
  /** Bias, length units. */
  readonly bias: ArrayLike<number>;
  /** Must be 0 or absent: feedback is not batched here. */
  readonly feedbackDim?: number;
  /** Must be 0 or absent: state noise is not batched here. */
  readonly noise?: number;
}

/** Options of {@link createBatchedReservoir}. */
export interface BatchedReservoirOptions {
  /** R reservoirs of the same size and input dimension. */
  readonly reservoirs: readonly ReservoirWeights[];
  /** Kahan-compensated sums (default true). */
  readonly compensated?: boolean;
  readonly backend?: GpuBackend | GpuBackendName;
}

/** Options of {@link BatchedReservoir.run}. */
export interface BatchedReservoirRunOptions {
  /** `all` (default): every state (T × N per reservoir); `last`: only the final one (1 × N). */
  readonly keep?: 'all' | 'last';
}

/** R reservoirs advanced together: x_r[t+1] = (1 − lr_r)·x_r[t] + lr_r·tanh(W_r·x_r[t] + Win_r·u_r[t+1] + b_r). */
export interface BatchedReservoir {
  readonly name: string;
  readonly reservoirs: number;
  readonly units: number;
  readonly inputDim: number;
  readonly backend: GpuBackend;
  /** A copy of the current states, R × N (reservoir-major). */
  getStates(): Float32Array;
  /** Overwrite the states (R × N numbers). */
  setStates(x: ArrayLike<number>): void;
  /** x ← 0 for every reservoir. */
  reset(): void;
  /**
   * Drive every reservoir from its current state through an input series: one series (T × d,
   * row-major) shared by all, or one per reservoir. Returns each reservoir's states (T × N).
   */
  run(inputs: ArrayLike<number> | readonly ArrayLike<number>[], options?: BatchedReservoirRunOptions): Float32Array[];
  destroy(): void;
}

const MAX_NUMBERS = 2 ** 28;

function source(N: number, d: number, compensated: boolean): string {
  const add = (term: string) =>
    compensated ? [`const pf_y = ${term} - pf_c;`, 'const pf_t = pf_s + pf_y;', 'pf_c = (pf_t - pf_s) - pf_y;', 'pf_s = pf_t;'] : [`pf_s = pf_s + ${term};`];
  return [
    'function (pf_X, pf_U) {',
    '  const pf_i = this.thread.x;',
    '  const pf_r = this.thread.y;',
    `  let pf_s = this.constants.pf_b[pf_r * ${N} + pf_i];`,
    '  let pf_c = 0.0;',
    `  for (let pf_j = 0; pf_j < ${N}; pf_j++) {`,
    ...add(`this.constants.pf_W[(pf_r * ${N} + pf_i) * ${N} + pf_j] * pf_X[pf_r][pf_j]`).map((l) => `    ${l}`),
    '  }',
    `  for (let pf_k = 0; pf_k < ${d}; pf_k++) {`,
    ...add(`this.constants.pf_Win[(pf_r * ${N} + pf_i) * ${d} + pf_k] * pf_U[pf_r][pf_k]`).map((l) => `    ${l}`),
    '  }',
    '  const pf_a = this.constants.pf_lr[pf_r];',
    '  return (1.0 - pf_a) * pf_X[pf_r][pf_i] + pf_a * Math.tanh(pf_s);',
    '}',
  ].join('\n');
}

/**
 * Batch R leaky echo-state reservoirs (Jaeger 2001; Lukoševičius, "A practical guide to
 * applying echo state networks", 2012, eq. 2–3, ReservoirPy's update order) of N units and
 * input dimension d into one float32 kernel per time step: thread (i, r) computes
 * s = b_ri + Σⱼ W_r,ij·x_rj + Σₖ Win_r,ik·u_rk (Kahan-compensated) and
 * x'_ri = (1 − lr_r)·x_ri + lr_r·tanh(s). Sparse weights are uploaded dense, once, as kernel
 * constants. Feedback and state noise are not batched (NOT_AVAILABLE).
 *
 * @example
 * ```ts
 * import { createReservoir } from '@phaseflow/reservoir';
 * const reservoirs = [0.8, 0.9, 1.0, 1.1].map((rho) => createReservoir({ units: 100, inputDim: 1, spectralRadius: rho, leakRate: 0.3, seed: 1 }));
 * const batch = createBatchedReservoir({ reservoirs });
 * const states = batch.run(series); // four arrays of T × 100 states
 * ```
 */
export function createBatchedReservoir(options: BatchedReservoirOptions): BatchedReservoir {
  const o = checkOptions('options', options, ['reservoirs', 'compensated', 'backend']);
  if (!Array.isArray(o.reservoirs) || o.reservoirs.length === 0) invalid('options.reservoirs', 'a non-empty array of reservoirs', o.reservoirs);
  const list = o.reservoirs as readonly ReservoirWeights[];
  const R = list.length;
  const first = list[0]!;
  if (first === null || typeof first !== 'object') invalid('options.reservoirs[0]', 'a reservoir { units, inputDim, leakRate, W, Win, bias }', first);
  const N = checkInteger('options.reservoirs[0].units', first.units, { min: 1 });
  const d = checkInteger('options.reservoirs[0].inputDim', first.inputDim, { min: 1 });
  if (R * N * (N + d) > MAX_NUMBERS)
    limitExceeded('options.reservoirs', `limit of ${MAX_NUMBERS} weights (reservoirs × units × (units + inputDim))`, R * N * (N + d), MAX_NUMBERS);
  const compensated = o.compensated === undefined ? true : o.compensated;
  if (typeof compensated !== 'boolean') invalid('options.compensated', 'a boolean', compensated);
  const W = new Float32Array(R * N * N);
  const Win = new Float32Array(R * N * d);
  const b = new Float32Array(R * N);
  const lr = new Float32Array(R);
  list.forEach((res, r) => {
    const at = `options.reservoirs[${r}]`;
    if (res === null || typeof res !== 'object') invalid(at, 'a reservoir { units, inputDim, leakRate, W, Win, bias }', res);
    for (const [key, want] of [
      ['units', N],
      ['inputDim', d],
    ] as const) {
      if (res[key] !== want) {
        throw new PhaseflowError('SHAPE_MISMATCH', `${at}.${key}: expected ${want} (as reservoir 0), received ${String(res[key])}`, {
          argument: `${at}.${key}`,
          expected: String(want),
          received: String(res[key]),
        });
      }
    }
    if ((res.feedbackDim ?? 0) !== 0 || (res.noise ?? 0) !== 0) {
      throw new PhaseflowError('NOT_AVAILABLE', `${at}: feedback and state noise are not batched; use the reservoir's own run`, {
        argument: at,
        expected: 'feedbackDim 0 and noise 0',
        received: `feedbackDim ${String(res.feedbackDim)}, noise ${String(res.noise)}`,
      });
    }
    lr[r] = checkInRange(`${at}.leakRate`, res.leakRate, Number.MIN_VALUE, 1);
    W.set(csrToDense(checkCsr(`${at}.W`, res.W, N, N)), r * N * N);
    Win.set(csrToDense(checkCsr(`${at}.Win`, res.Win, N, d)), r * N * d);
    b.set(finiteFloat32(`${at}.bias`, res.bias, N, `${N} biases`), r * N);
  });
  const backend = resolveBackend('options.backend', o.backend);
  if (backend.asynchronous) {
    throw new PhaseflowError('NOT_AVAILABLE', `options.backend: batched reservoirs need a synchronous backend, received ${backend.name}`, {
      argument: 'options.backend',
      expected: 'webgl2, headlessgl, webasm or cpu',
      received: backend.name,
    });
  }
  const kernel: Kernel = createKernel(backend.gpu, source(N, d, compensated), {
    output: [N, R],
    constants: { pf_W: W, pf_Win: Win, pf_b: b, pf_lr: lr } as unknown as Record<string, number>,
    loopMaxIterations: Math.max(N, d),
    tactic: 'precision',
    precision: 'single',
    immutable: true,
  });
  preferFlatOutput(kernel);
  let x: Float32Array = new Float32Array(R * N);
  const u = new Float32Array(R * d);

  return {
    name: `batched-reservoir(${R} × ${N})`,
    reservoirs: R,
    units: N,
    inputDim: d,
    backend,
    getStates: () => x.slice(),
    setStates(values) {
      x = finiteFloat32('x', values, R * N, `${R} reservoirs × ${N} units`).slice();
    },
    reset() {
      x.fill(0);
    },
    run(inputs, runOptions) {
      const ro = checkOptions('options', runOptions, ['keep']);
      const keep = ro.keep === undefined ? 'all' : checkOneOf('options.keep', ro.keep, ['all', 'last'] as const);
      const shared = !(Array.isArray(inputs) && typeof inputs[0] === 'object');
      const series = shared ? [inputs as ArrayLike<number>] : (inputs as readonly ArrayLike<number>[]);
      if (!shared && series.length !== R) {
        throw new PhaseflowError('SHAPE_MISMATCH', `inputs: expected one series per reservoir (${R}), received ${series.length}`, {
          argument: 'inputs',
          expected: `${R} series`,
          received: `${series.length} series`,
        });
      }
      const len = (series[0] as ArrayLike<number> | null)?.length;
      if (typeof len !== 'number' || len === 0 || len % d !== 0) invalid('inputs', `a series of T × ${d} numbers (T ≥ 1)`, inputs, 'SHAPE_MISMATCH');
      const T = len / d;
      const checked = series.map((s, r) => finiteFloat32(shared ? 'inputs' : `inputs[${r}]`, s, T * d, `${T} × ${d} inputs`));
      const states = keep === 'all' ? Array.from({ length: R }, () => new Float32Array(T * N)) : [];
      for (let t = 0; t < T; t++) {
        for (let r = 0; r < R; r++) u.set(checked[shared ? 0 : r]!.subarray(t * d, (t + 1) * d), r * d);
        x = flatten(call(kernel, [input(x, [N, R]), input(u, [d, R])]), N, R, 1);
        if (keep === 'all') for (let r = 0; r < R; r++) states[r]!.set(x.subarray(r * N, (r + 1) * N), t * N);
      }
      return keep === 'all' ? states : Array.from({ length: R }, (_, r) => x.slice(r * N, (r + 1) * N));
    },
    destroy() {
      kernel.destroy?.();
    },
  };
}
