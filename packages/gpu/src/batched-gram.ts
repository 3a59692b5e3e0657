/**
 * Gram accumulation for ridge readouts, batched: for R data sets at once (the state series of
 * R reservoirs, say), XᵀX and XᵀY summed over their samples — the normal equations of
 * W_out = (XᵀX + λI)⁻¹XᵀY. Blocks of samples are summed in float32 on the backend with Kahan
 * compensation; the block sums are added into Float64 on the host, so a long series keeps its
 * accuracy. @phaseflow/linalg's Float64 Gram kernel is the reference.
 */
import { PhaseflowError, checkInteger, checkOptions, invalid } from '@phaseflow/core';
import { resolveBackend, type GpuBackend, type GpuBackendName } from './backend.js';
import { limitExceeded } from './errors.js';
import { call, createKernel, input, preferFlatOutput, type Kernel } from './gpujs.js';
import { finiteFloat32, flatten } from './readback.js';

/** Options of {@link createBatchedGram}. */
export interface BatchedGramOptions {
  /** Features n per sample (columns of X). */
  readonly features: number;
  /** Targets m per sample (columns of Y; default 0: XᵀX only). */
  readonly outputs?: number;
  /** Data sets R accumulated together (default 1). */
  readonly batch?: number;
  /** Samples per kernel launch (default 1024); a longer call takes several launches. */
  readonly block?: number;
  readonly backend?: GpuBackend | GpuBackendName;
}

/** Running sums XᵀX (n × n) and XᵀY (n × m) for each of R data sets. */
export interface BatchedGram {
  readonly name: string;
  readonly features: number;
  readonly outputs: number;
  readonly batch: number;
  readonly backend: GpuBackend;
  /** Samples accumulated so far (per data set). */
  readonly samples: number;
  /**
   * Add samples: `x` holds T × n numbers (row-major) for one data set, or an array of R such
   * series; `y` the same with m columns (required when `outputs` > 0).
   */
  accumulate(x: ArrayLike<number> | readonly ArrayLike<number>[], y?: ArrayLike<number> | readonly ArrayLike<number>[]): void;
  /** XᵀX of data set r (n × n, row-major, symmetric), Float64. */
  xtx(r?: number): Float64Array;
  /** XᵀY of data set r (n × m, row-major), Float64. */
  xty(r?: number): Float64Array;
  reset(): void;
  destroy(): void;
}

function source(n: number, m: number, block: number): string {
  const b = m > 0 ? `(pf_c < ${n} ? pf_X[pf_r][pf_t][pf_c] : pf_Y[pf_r][pf_t][pf_c - ${n}])` : 'pf_X[pf_r][pf_t][pf_c]';
  return [
    `function (pf_X${m > 0 ? ', pf_Y' : ''}) {`,
    '  const pf_c = this.thread.x;',
    '  const pf_i = this.thread.y;',
    '  const pf_r = this.thread.z;',
    '  let pf_s = 0.0;',
    '  let pf_e = 0.0;',
    `  for (let pf_t = 0; pf_t < ${block}; pf_t++) {`,
    `    const pf_y = pf_X[pf_r][pf_t][pf_i] * ${b} - pf_e;`,
    '    const pf_u = pf_s + pf_y;',
    '    pf_e = (pf_u - pf_s) - pf_y;',
    '    pf_s = pf_u;',
    '  }',
    '  return pf_s;',
    '}',
  ].join('\n');
}

const MAX_NUMBERS = 2 ** 28;

/**
 * Accumulate S_r = Σ_t x_t x_tᵀ and Z_r = Σ_t x_t y_tᵀ for R data sets: thread (c, i, r) sums
 * one entry over a block of samples (Kahan 1965), every entry of both triangles (so S is
 * symmetric bit for bit); block sums are added in Float64. Solve the ridge system with
 * @phaseflow/linalg's Cholesky.
 *
 * @example
 * ```ts
 * const gram = createBatchedGram({ features: 101, outputs: 1, batch: 4 });
 * gram.accumulate(statesPerReservoir, targetsPerReservoir); // four T × 101 and T × 1 series
 * const S = gram.xtx(2), Z = gram.xty(2);                   // reservoir 2's normal equations
 * ```
 */
export function createBatchedGram(options: BatchedGramOptions): BatchedGram {
  const o = checkOptions('options', options, ['features', 'outputs', 'batch', 'block', 'backend']);
  const n = checkInteger('options.features', o.features, { min: 1 });
  const m = o.outputs === undefined ? 0 : checkInteger('options.outputs', o.outputs, { min: 0 });
  const R = o.batch === undefined ? 1 : checkInteger('options.batch', o.batch, { min: 1 });
  const block = o.block === undefined ? 1024 : checkInteger('options.block', o.block, { min: 1 });
  if (R * block * (n + m) > MAX_NUMBERS)
    limitExceeded(
      'options.block',
      `limit of ${MAX_NUMBERS} numbers per upload (batch × block × (features + outputs))`,
      block,
      Math.floor(MAX_NUMBERS / (R * (n + m))),
    );
  const backend = resolveBackend('options.backend', o.backend);
  if (backend.asynchronous) {
    throw new PhaseflowError('NOT_AVAILABLE', `options.backend: the batched Gram needs a synchronous backend, received ${backend.name}`, {
      argument: 'options.backend',
      expected: 'webgl2, headlessgl, webasm or cpu',
      received: backend.name,
    });
  }
  const w = n + m;
  const kernel: Kernel = createKernel(backend.gpu, source(n, m, block), {
    output: [w, n, R],
    loopMaxIterations: block,
    tactic: 'precision',
    precision: 'single',
    immutable: true,
  });
  preferFlatOutput(kernel);
  const sums = new Float64Array(R * n * w);
  const X = new Float32Array(R * block * n);
  const Y = new Float32Array(R * block * Math.max(m, 1));
  let samples = 0;

  const series = (argument: string, value: unknown, cols: number): { T: number; data: Float32Array[] } => {
    const many = Array.isArray(value) && typeof value[0] === 'object';
    if (R > 1 && !many) invalid(argument, `an array of ${R} series (one per data set)`, value);
    const list = (many ? value : [value]) as readonly ArrayLike<number>[];
    if (list.length !== R) {
      throw new PhaseflowError('SHAPE_MISMATCH', `${argument}: expected ${R} series, received ${list.length}`, {
        argument,
        expected: `${R} series`,
        received: `${list.length} series`,
      });
    }
    const len = (list[0] as ArrayLike<number> | null)?.length;
    if (typeof len !== 'number' || len === 0 || len % cols !== 0) invalid(argument, `series of T × ${cols} numbers (T ≥ 1)`, list[0], 'SHAPE_MISMATCH');
    const T = len / cols;
    return { T, data: list.map((s, r) => finiteFloat32(many ? `${argument}[${r}]` : argument, s, T * cols, `${T} × ${cols} numbers`)) };
  };

  const entry = (argument: string, r: number | undefined): number => (r === undefined ? 0 : checkInteger(argument, r, { min: 0, max: R - 1 }));

  return {
    name: `batched-gram(${R} × ${n}${m > 0 ? ` + ${m}` : ''})`,
    features: n,
    outputs: m,
    batch: R,
    backend,
    get samples() {
      return samples;
    },
    accumulate(x, y) {
      const xs = series('x', x, n);
      const ys = m > 0 ? series('y', y, m) : undefined;
      if (m === 0 && y !== undefined) invalid('y', 'no targets (options.outputs is 0)', y);
      if (ys && ys.T !== xs.T) {
        throw new PhaseflowError('SHAPE_MISMATCH', `x has ${xs.T} samples but y has ${ys.T}; they must agree`, {
          argument: 'y',
          expected: `${xs.T} samples`,
          received: `${ys.T} samples`,
        });
      }
      for (let t0 = 0; t0 < xs.T; t0 += block) {
        const count = Math.min(block, xs.T - t0);
        X.fill(0);
        for (let r = 0; r < R; r++) X.set(xs.data[r]!.subarray(t0 * n, (t0 + count) * n), r * block * n);
        const args: unknown[] = [input(X, [n, block, R])];
        if (ys) {
          Y.fill(0);
          for (let r = 0; r < R; r++) Y.set(ys.data[r]!.subarray(t0 * m, (t0 + count) * m), r * block * m);
          args.push(input(Y, [m, block, R]));
        }
        const part = flatten(call(kernel, args), w, n, R);
        for (let k = 0; k < sums.length; k++) sums[k] += part[k]!;
      }
      samples += xs.T;
    },
    xtx(r) {
      const k = entry('r', r);
      const out = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = sums[(k * n + i) * w + j]!;
      return out;
    },
    xty(r) {
      const k = entry('r', r);
      const out = new Float64Array(n * m);
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[i * m + j] = sums[(k * n + i) * w + n + j]!;
      return out;
    },
    reset() {
      sums.fill(0);
      samples = 0;
    },
    destroy() {
      kernel.destroy?.();
    },
  };
}
