/**
 * The linear readout y = Wout·x + b and the streaming normal equations of ridge regression
 * with an unpenalised bias (centred form, as ReservoirPy 0.4):
 *
 *   Wout = (X̃ᵀX̃ + λI)⁻¹ X̃ᵀỸ,  b = ȳ − Wout·x̄,  with X̃ = X − x̄, Ỹ = Y − ȳ,
 *
 * solved by Cholesky. The raw sums XᵀX, Σx, XᵀY, Σy are accumulated in blocks of samples
 * (no state history is stored) and centred at the end, X̃ᵀX̃ = XᵀX − T·x̄x̄ᵀ — exactly
 * ReservoirPy 0.4.2's arithmetic, which matters: the system is ill-conditioned (κ ≈ 1e10 on
 * Mackey–Glass), and a differently-rounded but equally valid centring moves the predictions
 * by ~3e-8, while this one reproduces ReservoirPy's to ~1e-10.
 */
import {
  PhaseflowError,
  checkAllocation,
  checkFiniteArray,
  checkInteger,
  checkLength,
  checkNonNegative,
  checkOneOf,
  checkOptions,
  invalid,
  isPhaseflowError,
  type Layer,
  type ParametricView,
} from '@phaseflow/core';
import { choleskyFactor, choleskyFactorBlocked, choleskySolve, createGramPipeline } from '@phaseflow/linalg';

/** Cores this process may use (navigator.hardwareConcurrency in a browser, os.availableParallelism in Node; 1 if neither answers). */
function cores(): number {
  try {
    const g = globalThis as { navigator?: { hardwareConcurrency?: number }; process?: { getBuiltinModule?: (id: string) => unknown } };
    const os = g.process?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
    const n = os?.availableParallelism?.() ?? g.navigator?.hardwareConcurrency;
    return typeof n === 'number' && n >= 1 ? n : 1;
  } catch {
    return 1;
  }
}

/** A linear readout: a core Layer from a feature vector (length N) to an output (length m). */
export interface Readout extends Layer<ArrayLike<number>, Float64Array> {
  readonly name: 'readout';
  readonly inputDim: number;
  readonly outputDim: number;
  /** Wout, m × N row-major. */
  readonly weights: Float64Array;
  /** b, length m. */
  readonly bias: Float64Array;
  /** True once a trainer has set the weights. */
  fitted: boolean;
  /** θ = [Wout (row-major), b]. */
  readonly parameters: ParametricView<ArrayLike<number>, Float64Array>;
  /** Unchecked: out[outOff + k] = Σ_i Wout[k,i]·x[xOff + i] + b[k]. */
  apply(x: Float64Array, xOff: number, out: Float64Array, outOff: number): void;
}

/** Options of {@link createReadout}. */
export interface ReadoutOptions {
  /** N, the length of the feature vector x. */
  readonly inputDim: number;
  /** m, the length of the output y. */
  readonly outputDim: number;
}

/** Options of {@link createRidgeAccumulator}: the sizes of the readout it solves for. */
export interface RidgeAccumulatorOptions {
  /** N, the number of features per sample. */
  readonly inputDim: number;
  /** m, the number of outputs per sample. */
  readonly outputDim: number;
  /**
   * Where the Gram XᵀX is summed: `2` on a worker thread (shared memory) while the caller
   * streams the next block, `1` on the calling thread, `'auto'` (default) on a worker when the
   * job pays for one (samples·N² ≥ 10⁹, about 300 features over 10 000 samples, and a second core). The same bits
   * either way.
   */
  readonly threads?: 'auto' | 1 | 2;
  /** Expected number of samples (for `threads: 'auto'`). Default 0 (unknown: one thread). */
  readonly samples?: number;
}

/**
 * The two sizes from either form of the factories below: `{ inputDim, outputDim }`, or the
 * deprecated positional `(inputDim, outputDim)`, which keeps its old argument names in errors.
 */
function dims(first: unknown, second: unknown, extra: readonly string[] = []): { inputDim: number; outputDim: number } {
  if (typeof first === 'number' || second !== undefined) {
    return { inputDim: checkInteger('inputDim', first, { min: 1 }), outputDim: checkInteger('outputDim', second, { min: 1 }) };
  }
  if (first === null || typeof first !== 'object') invalid('options', 'an options object { inputDim, outputDim }', first);
  const o = checkOptions('options', first as ReadoutOptions, ['inputDim', 'outputDim', ...extra]);
  return { inputDim: checkInteger('options.inputDim', o.inputDim, { min: 1 }), outputDim: checkInteger('options.outputDim', o.outputDim, { min: 1 }) };
}

/**
 * Create an (unfitted, zero) readout y = Wout·x + b with N = `inputDim` features and
 * m = `outputDim` outputs.
 *
 * @example
 * ```ts
 * const r = createReadout({ inputDim: 500, outputDim: 1 });
 * const y = r.forward(state); // Float64Array(1)
 * ```
 */
export function createReadout(options: ReadoutOptions): Readout;
/**
 * Positional form of {@link createReadout}.
 *
 * @deprecated Use `createReadout({ inputDim, outputDim })`; removed in the next minor
 */
export function createReadout(inputDim: number, outputDim: number): Readout;
export function createReadout(first: ReadoutOptions | number, second?: number): Readout {
  const { inputDim, outputDim } = dims(first, second);
  checkAllocation('options.inputDim × options.outputDim', inputDim * outputDim, 8);
  const weights = new Float64Array(inputDim * outputDim);
  const bias = new Float64Array(outputDim);
  const apply = (x: Float64Array, xOff: number, out: Float64Array, outOff: number): void => {
    for (let k = 0; k < outputDim; k++) {
      let s = 0;
      const off = k * inputDim;
      for (let i = 0; i < inputDim; i++) s += weights[off + i]! * x[xOff + i]!;
      out[outOff + k] = s + bias[k]!;
    }
  };
  const size = weights.length + outputDim;
  const readout: Readout = {
    name: 'readout',
    inputDim,
    outputDim,
    weights,
    bias,
    fitted: false,
    apply,
    forward(x) {
      checkFiniteArray('x', x);
      checkLength('x', x, inputDim);
      const out = new Float64Array(outputDim);
      apply(x instanceof Float64Array ? x : Float64Array.from(x), 0, out, 0);
      return out;
    },
    parameters: {
      size,
      get(out) {
        if (out !== undefined && !(out instanceof Float64Array)) invalid('out', `a Float64Array of ${size} numbers (or nothing)`, out);
        const o = out ?? new Float64Array(size);
        checkLength('out', o, size);
        o.set(weights);
        o.set(bias, weights.length);
        return o;
      },
      set(theta) {
        checkFiniteArray('theta', theta);
        checkLength('theta', theta, size);
        for (let i = 0; i < weights.length; i++) weights[i] = theta[i]!;
        for (let k = 0; k < outputDim; k++) bias[k] = theta[weights.length + k]!;
        readout.fitted = true;
      },
    },
  };
  return readout;
}

/** Streaming sufficient statistics of a least-squares problem (features N, outputs m). */
export interface RidgeAccumulator {
  readonly inputDim: number;
  readonly outputDim: number;
  /** Samples added so far. */
  readonly count: number;
  /** Add one sample (x[xOff…xOff+N), y[yOff…yOff+m)). */
  add(x: Float64Array, xOff: number, y: Float64Array, yOff: number): void;
  /**
   * Solve for ridge λ ≥ 0, writing Wout (m × N) and b into `readout`; returns the training
   * mean squared error (averaged over outputs) computed from the statistics.
   */
  solve(ridge: number, readout: Readout): number;
  /** True when the Gram is summed on a worker thread. */
  readonly threaded: boolean;
  /** Finish the sums and stop the worker thread, if any: solve still works (on the final sums), add throws INVALID_STATE. */
  close(): void;
}

/** What the trainers need of an accumulator beyond its public face. @internal */
interface AccumulatorInternals {
  /** See {@link abandonAccumulator}. */
  abandon(): void;
  /**
   * Samples that can be added now without blocking on the worker: Infinity without one; with
   * one, the samples before the hand-over that would wait for it (the current block's when it
   * is busy, the next block's when it is idle).
   */
  freeSamples(): number;
  /** Block until the worker has summed every posted block (true) or `ms` passed (false). */
  waitIdle(ms: number): boolean;
}
const internals = new WeakMap<RidgeAccumulator, AccumulatorInternals>();

/** Samples `acc` takes now without blocking on its worker thread (Infinity without one). @internal */
export function freeSamples(acc: RidgeAccumulator): number {
  return internals.get(acc)?.freeSamples() ?? Infinity;
}

/** Wait at most `ms` for `acc`'s worker to sum the posted blocks; true when it has. @internal */
export function waitIdle(acc: RidgeAccumulator, ms: number): boolean {
  return internals.get(acc)?.waitIdle(ms) ?? true;
}

/**
 * Stop an accumulator at once, without finishing its sums: the worker thread (if any) is
 * terminated where it stands instead of being waited for, so an aborted or failed fit returns
 * without summing the blocks in flight. `add` and `solve` throw INVALID_STATE afterwards.
 * @internal
 */
export function abandonAccumulator(acc: RidgeAccumulator): void {
  internals.get(acc)?.abandon();
}

/**
 * The streaming normal equations behind {@link createRidge} (exposed for custom trainers and
 * for sweeps that solve several λ from one pass over the data).
 *
 * @example
 * ```ts
 * const acc = createRidgeAccumulator({ inputDim: 3, outputDim: 1 });
 * acc.add(Float64Array.of(1, 2, 3), 0, Float64Array.of(4), 0);
 * ```
 */
export function createRidgeAccumulator(options: RidgeAccumulatorOptions): RidgeAccumulator;
/**
 * Positional form of {@link createRidgeAccumulator}.
 *
 * @deprecated Use `createRidgeAccumulator({ inputDim, outputDim })`; removed in the next minor
 */
export function createRidgeAccumulator(inputDim: number, outputDim: number): RidgeAccumulator;
export function createRidgeAccumulator(first: RidgeAccumulatorOptions | number, second?: number): RidgeAccumulator {
  const { inputDim: n, outputDim: m } = dims(first, second, ['threads', 'samples']);
  const extra = (typeof first === 'object' && first !== null ? first : {}) as RidgeAccumulatorOptions;
  const threads = extra.threads === undefined ? 'auto' : checkOneOf('options.threads', extra.threads, ['auto', 1, 2] as const);
  const expected = extra.samples === undefined ? 0 : checkInteger('options.samples', extra.samples, { min: 0 });
  // The Gram XᵀX (and its compensation, and the solve's copy): n × n Float64 arrays.
  checkAllocation('options.inputDim', n * n, 8);
  checkAllocation('options.inputDim × options.outputDim', n * m, 8);
  // XᵀX: 4 × 4 tiles summed over blocks of samples (WebAssembly SIMD where available), each
  // block's sum added with Kahan compensation, so the Gram is summed almost exactly.
  // On a second core (the caller keeps stepping the reservoir) when the job pays for a worker.
  // 'auto': a worker pays from about 300 units over 10 000 samples (its start, ≈ 30 ms, against
  // a Gram of samples·N²/2 multiply–adds at ≈ 4 GMAC/s), where this machine has a second core.
  const onWorker = threads === 2 || (threads === 'auto' && n >= 64 && expected * n * n >= 1e9 && cores() >= 2);
  const gram = createGramPipeline({ features: n, block: n > 1000 ? 128 : 256, threads: onWorker ? 2 : 1 });
  const { stride } = gram;
  let panels = gram.panels();
  const BLOCK = gram.block;
  let sums: Float64Array | undefined;
  let closed = false;
  let abandoned = false;
  const Sx = new Float64Array(n);
  const Sxy = new Float64Array(n * m);
  const Sy = new Float64Array(m);
  const Syy = new Float64Array(m);
  // Shifts are kept at zero (ReservoirPy's raw-sum centring); see the file comment.
  const kx = new Float64Array(n);
  const ky = new Float64Array(m);
  let inBlock = 0;
  let count = 0;

  const flush = (): void => {
    if (inBlock === 0) return;
    gram.post(inBlock);
    panels = gram.panels();
    inBlock = 0;
    sums = undefined;
  };

  const acc: RidgeAccumulator = {
    inputDim: n,
    outputDim: m,
    get count() {
      return count;
    },
    threaded: gram.threaded,
    close() {
      if (closed) return;
      flush();
      sums ??= gram.finish().slice();
      gram.close();
      closed = true;
    },
    add(x, xOff, y, yOff) {
      // O(1) per sample: the arrays and where the sample sits in them, not its numbers.
      if (!(x instanceof Float64Array)) invalid('x', `a Float64Array holding ${n} features`, x);
      if (!Number.isInteger(xOff) || xOff < 0 || xOff + n > x.length) invalid('xOff', `an offset in 0 … ${x.length - n} (${n} features from there)`, xOff);
      if (!(y instanceof Float64Array)) invalid('y', `a Float64Array holding ${m} targets`, y);
      if (!Number.isInteger(yOff) || yOff < 0 || yOff + m > y.length) invalid('yOff', `an offset in 0 … ${y.length - m} (${m} targets from there)`, yOff);
      if (closed) {
        throw new PhaseflowError('INVALID_STATE', 'ridge accumulator: add() after close()', {
          argument: 'accumulator',
          expected: 'an open accumulator',
          received: 'closed',
        });
      }
      // Column panels of four features: panels[q·4B + 4s + r] = x[4q + r]. The shifts kx, ky
      // are zero (x − 0 is x, bit for bit), so the sample is read as it is.
      const pb = 4 * BLOCK;
      for (let k = 0; k < m; k++) {
        const v = y[yOff + k]!;
        Sy[k]! += v;
        Syy[k]! += v * v;
      }
      const n4 = n & ~3;
      let p = 4 * inBlock;
      for (let i = 0; i < n4; i += 4, p += pb) {
        panels[p] = x[xOff + i]!;
        panels[p + 1] = x[xOff + i + 1]!;
        panels[p + 2] = x[xOff + i + 2]!;
        panels[p + 3] = x[xOff + i + 3]!;
      }
      for (let i = n4; i < n; i++) panels[p + i - n4] = x[xOff + i]!;
      for (let i = 0; i < n; i++) Sx[i]! += x[xOff + i]!;
      if (m === 1) {
        const v = y[yOff]!;
        for (let i = 0; i < n; i++) Sxy[i]! += x[xOff + i]! * v;
      } else {
        for (let i = 0; i < n; i++) {
          const a = x[xOff + i]!;
          for (let k = 0; k < m; k++) Sxy[i * m + k]! += a * y[yOff + k]!;
        }
      }
      inBlock++;
      count++;
      if (inBlock === BLOCK) flush();
    },
    solve(ridge, readout) {
      checkNonNegative('ridge', ridge);
      const r = readout as Partial<Readout> | null;
      if (r === null || typeof r !== 'object' || r.name !== 'readout' || !(r.weights instanceof Float64Array) || !(r.bias instanceof Float64Array))
        invalid('readout', `a Readout (createReadout({ inputDim: ${n}, outputDim: ${m} }))`, readout);
      if (readout.inputDim !== n || readout.outputDim !== m) {
        throw new PhaseflowError('SHAPE_MISMATCH', `readout: expected ${n} → ${m}, received ${readout.inputDim} → ${readout.outputDim}`, {
          argument: 'readout',
          expected: `${n} → ${m}`,
          received: `${readout.inputDim} → ${readout.outputDim}`,
        });
      }
      if (abandoned) {
        throw new PhaseflowError('INVALID_STATE', 'ridge accumulator: solve() after the fit was abandoned (aborted or failed): the sums are incomplete', {
          argument: 'accumulator',
          expected: 'an accumulator whose sums were finished',
          received: 'abandoned',
        });
      }
      if (count === 0) {
        throw new PhaseflowError('INVALID_STATE', 'ridge: no training samples (empty sequences, or all inside the warm-up)', {
          argument: 'data',
          expected: 'at least one sample after warm-up',
          received: '0 samples',
        });
      }
      if (!closed) flush();
      const S = (sums ??= gram.finish().slice());
      const T = count;
      const mx = new Float64Array(n),
        my = new Float64Array(m);
      for (let i = 0; i < n; i++) mx[i] = Sx[i]! / T;
      for (let k = 0; k < m; k++) my[k] = Sy[k]! / T;
      // Centred Gram (lower triangle, row-major) + λI, and centred cross products.
      const G = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = i; j < n; j++) {
          const v = S[i * stride + j]! - T * mx[i]! * mx[j]!;
          G[j * n + i] = v;
          G[i * n + j] = v;
        }
      }
      const C = new Float64Array(n * m);
      for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) C[i * m + k] = Sxy[i * m + k]! - T * mx[i]! * my[k]!;
      const L = G.slice();
      for (let i = 0; i < n; i++) L[i * n + i]! += ridge;
      try {
        // Blocked from a few hundred features up (cache-friendly, 1.6–2.4× faster at 1000–2000;
        // equal to the unblocked factor to rounding), unblocked below.
        if (n >= 256) choleskyFactorBlocked(L, n);
        else choleskyFactor(L, n);
      } catch (e) {
        if (!isPhaseflowError(e, 'NOT_POSITIVE_DEFINITE')) throw e;
        const d = e.details['received'];
        throw new PhaseflowError(
          'NOT_POSITIVE_DEFINITE',
          `ridge: the normal equations are not positive definite (${String(d)}); the features are collinear — use a ridge > 0`,
          { argument: 'ridge', expected: 'a ridge large enough to make XᵀX + λI positive definite', received: String(d) },
          { cause: e },
        );
      }
      const Wt = C.slice(); // n × m, solved in place
      choleskySolve(L, n, Wt, m);
      // Training MSE from the statistics: SSE = ỹᵀỹ − 2wᵀc + wᵀG̃w per output.
      let sse = 0;
      for (let k = 0; k < m; k++) {
        let wc = 0,
          wgw = 0;
        for (let i = 0; i < n; i++) {
          const wi = Wt[i * m + k]!;
          wc += wi * C[i * m + k]!;
          let gw = 0;
          const gi = i * n;
          for (let j = 0; j < n; j++) gw += G[gi + j]! * Wt[j * m + k]!;
          wgw += wi * gw;
        }
        sse += Syy[k]! - T * my[k]! * my[k]! - 2 * wc + wgw;
      }
      for (let k = 0; k < m; k++) {
        let dot = 0;
        for (let i = 0; i < n; i++) {
          const w = Wt[i * m + k]!;
          readout.weights[k * n + i] = w;
          dot += w * (kx[i]! + mx[i]!);
        }
        readout.bias[k] = ky[k]! + my[k]! - dot;
      }
      readout.fitted = true;
      return Math.max(0, sse) / (T * m);
    },
  };
  internals.set(acc, {
    abandon() {
      if (closed) return;
      closed = true;
      abandoned = true;
      gram.close();
    },
    // One hand-over is free while the worker is idle (it takes the block at once); the next
    // would wait for it. With a busy worker, the current block's hand-over would.
    waitIdle: (ms) => closed || gram.waitIdle(ms),
    freeSamples: () => (!gram.threaded ? Infinity : gram.pending === 0 ? 2 * BLOCK - inBlock - 1 : BLOCK - inBlock - 1),
  });
  return acc;
}
