/**
 * The reservoir: a fixed random recurrent network driven by an input series, a core Layer
 * mapping an input series to its state series. Leaky-integrator update (Jaeger 2001;
 * Lukoševičius 2012, eq. 2–3), ReservoirPy's "internal" order:
 *
 *   x[t+1] = (1 − lr)·x[t] + lr·(tanh(W·x[t] + Win·u[t+1] + Wfb·y[t] + b) + ξ[t]),  x[0] = 0.
 *
 * The loop writes into preallocated buffers: no allocation per time step.
 */
import {
  PhaseflowError,
  checkAllocation,
  checkInRange,
  checkInteger,
  checkNonNegative,
  checkOneOf,
  checkOptions,
  checkPositive,
  checkFinite,
  checkFiniteArray,
  checkLength,
  invalid,
  randomDraws,
  type Layer,
  type Random,
  type RandomState,
} from '@phaseflow/core';
import { checkCsr, createSpmvKernel, csrScale, isMatrix, matrix, spectralRadius, type CsrMatrix, type Matrix } from '@phaseflow/linalg';
import { randomSparse, randomVector, toRandom, type WeightDistribution } from './init.js';
import { toMatrix } from './series.js';

/** Options of {@link createReservoir}. */
export interface ReservoirOptions {
  /** Number of neurons N. */
  readonly units: number;
  /** Input dimension d. */
  readonly inputDim: number;
  /** Leak rate lr ∈ (0, 1]. Default 1. */
  readonly leakRate?: number;
  /**
   * Rescale W to this spectral radius (> 0). Default 0.9 for a generated W; a given W is used
   * as is unless set. A generated W with no non-zero eigenvalue (empty or nilpotent: a few
   * units at low connectivity) is kept as drawn; a given one is refused (INVALID_ARGUMENT
   * naming `options.W`).
   */
  readonly spectralRadius?: number;
  /** Probability that an entry of W is non-zero. Default 0.1. */
  readonly connectivity?: number;
  /** Law of W's entries. Default `normal`. */
  readonly distribution?: WeightDistribution;
  /** Multiplier of Win. Default 1. */
  readonly inputScaling?: number;
  /** Probability that an entry of Win is non-zero. Default 0.1. */
  readonly inputConnectivity?: number;
  /** Law of Win's entries. Default `bernoulli` (±1, as ReservoirPy). */
  readonly inputDistribution?: WeightDistribution;
  /** Scale of the bias b. Default 0 (no bias). */
  readonly biasScaling?: number;
  /**
   * Law of the bias entries (times `biasScaling`). Default `bernoulli` (±1, ReservoirPy's
   * default); `uniform` with `biasConnectivity: 1` is a dense U[−s, s) bias (ReservoirPy's
   * Lorenz example).
   */
  readonly biasDistribution?: WeightDistribution;
  /** Probability that a bias entry is non-zero, in (0, 1]. Default `inputConnectivity`. */
  readonly biasConnectivity?: number;
  /** Dimension of the fed-back output y (0: no feedback). Default 0. */
  readonly feedbackDim?: number;
  /** Multiplier of Wfb. Default 1. */
  readonly feedbackScaling?: number;
  /** Probability that an entry of Wfb is non-zero. Default 0.1. */
  readonly feedbackConnectivity?: number;
  /** Standard deviation of the state noise ξ. Default 0. */
  readonly noise?: number;
  /** Given recurrent weights (N × N); replaces the generated W. */
  readonly W?: CsrMatrix;
  /** Given input weights (N × d); replaces the generated Win. */
  readonly Win?: CsrMatrix;
  /** Given feedback weights (N × feedbackDim). */
  readonly Wfb?: CsrMatrix;
  /** Given bias (length N). */
  readonly bias?: ArrayLike<number>;
  /** Seed for every random choice. Default 0. */
  readonly seed?: number;
  /**
   * W·x on two threads during long runs (`run`, an ESN's `run` and `generate`): a helper
   * thread sums the upper half of the rows each step. `'auto'` (default): when W has ≥ 10⁵
   * entries and the run steps·entries ≥ 2·10⁸; `1`: never; `2`: every run of more than one
   * step. The same bits either way (each row is one sum in entry order).
   */
  readonly threads?: 'auto' | 1 | 2;
}

const KNOWN = [
  'units',
  'inputDim',
  'leakRate',
  'spectralRadius',
  'connectivity',
  'distribution',
  'inputScaling',
  'inputConnectivity',
  'inputDistribution',
  'biasScaling',
  'feedbackDim',
  'feedbackScaling',
  'feedbackConnectivity',
  'noise',
  'W',
  'Win',
  'Wfb',
  'bias',
  'biasDistribution',
  'biasConnectivity',
  'seed',
  'threads',
] as const;

/** Options of {@link Reservoir.run}. */
export interface ReservoirRunOptions {
  /** The fed-back outputs y[t] (T × feedbackDim): row t is used with input row t. */
  readonly feedback?: Matrix;
  /** Write the states here (T × N) instead of allocating. */
  readonly out?: Matrix;
  /** `all` (default) returns every state; `last` returns only the final one (1 × N), keeping no history. */
  readonly keep?: 'all' | 'last';
}

/** A reservoir: a core Layer from an input series (T × d) to its state series (T × N). */
export interface Reservoir extends Layer<Matrix, Matrix> {
  readonly name: 'reservoir';
  readonly units: number;
  readonly inputDim: number;
  readonly feedbackDim: number;
  readonly leakRate: number;
  readonly noise: number;
  readonly seed: number;
  readonly W: CsrMatrix;
  readonly Win: CsrMatrix;
  readonly Wfb: CsrMatrix | undefined;
  readonly bias: Float64Array;
  /** The live state x[t] (read-only by contract; use setState to change it). */
  readonly state: Float64Array;
  /** A copy of x[t]. */
  getState(): Float64Array;
  /** Overwrite x[t]. */
  setState(x: ArrayLike<number>): void;
  /** x ← 0. */
  reset(): void;
  /** Position of the state-noise stream (`saveModel` keeps it, so a noisy reservoir continues identically). */
  getNoiseState(): RandomState;
  /** Move the state-noise stream to a saved position (INVALID_ARGUMENT naming `state` for a damaged one). */
  setNoiseState(state: RandomState): void;
  /** One update with input u (and feedback y); returns the live state buffer. */
  step(u: ArrayLike<number>, feedback?: ArrayLike<number>): Float64Array;
  /** Drive the reservoir through a series from its current state. */
  run(inputs: Matrix | readonly (readonly number[])[] | readonly number[], options?: ReservoirRunOptions): Matrix;
  /** @internal Unchecked update reading u from `u[uOff…]` and y from `y[yOff…]`. */
  advance(u: Float64Array, uOff: number, y: Float64Array | undefined, yOff: number): void;
  /** @internal Run `f` (about `steps` updates) with W·x on two threads when `threads` says so. */
  parallel<T>(steps: number, f: () => T): T;
}

/**
 * Create a reservoir, generating the weights from a seed (ReservoirPy's defaults: W normal with
 * connectivity 0.1 rescaled to the spectral radius, Win bernoulli ±inputScaling with
 * connectivity 0.1) or taking the given W, Win, Wfb and bias.
 *
 * @example
 * ```ts
 * const res = createReservoir({ units: 500, inputDim: 1, spectralRadius: 1.25, leakRate: 0.3, seed: 0 });
 * const states = res.run([[0.1], [0.2], [0.3]]); // 3 × 500
 * ```
 */
export function createReservoir(options: ReservoirOptions): Reservoir {
  const o = checkOptions('options', options, KNOWN);
  if (o === null || typeof o !== 'object') invalid('options', 'an options object', o);
  const { units, inputDim, leakRate, feedbackDim, noise, seed } = checkReservoirScalars('options', o);
  if (o.spectralRadius !== undefined) checkPositive('options.spectralRadius', o.spectralRadius);
  const root = toRandom('options.seed', seed);
  const rngW = root.fork('W'),
    rngIn = root.fork('Win'),
    rngFb = root.fork('Wfb'),
    rngB = root.fork('bias');
  const dist = (key: 'distribution' | 'inputDistribution' | 'biasDistribution', fallback: WeightDistribution) =>
    o[key] === undefined ? fallback : checkOneOf<WeightDistribution>(`options.${key}`, o[key], ['normal', 'uniform', 'bernoulli']);
  const prob = (key: 'connectivity' | 'inputConnectivity' | 'feedbackConnectivity', fallback: number) =>
    o[key] === undefined ? fallback : checkInRange(`options.${key}`, o[key], Number.MIN_VALUE, 1);
  const factor = (key: 'inputScaling' | 'feedbackScaling') => (o[key] === undefined ? 1 : checkFinite(`options.${key}`, o[key]));
  const inputConnectivity = prob('inputConnectivity', 0.1);
  // Every option is checked whether or not it is used (feedback options without feedback, too).
  const connectivity = prob('connectivity', 0.1);
  const feedbackConnectivity = prob('feedbackConnectivity', 0.1);
  const distribution = dist('distribution', 'normal');
  const inputDistribution = dist('inputDistribution', 'bernoulli');
  const biasDistribution = dist('biasDistribution', 'bernoulli');
  const inputScaling = factor('inputScaling');
  const feedbackScaling = factor('feedbackScaling');
  const threads = o.threads === undefined ? 'auto' : checkOneOf('options.threads', o.threads, ['auto', 1, 2] as const);
  // Rescaling W runs Arnoldi with at most 61 basis vectors of length units (linalg's
  // spectralRadius): refuse a size it cannot hold before drawing any weight.
  if (o.W === undefined || o.spectralRadius !== undefined) checkAllocation('options.units', units * (Math.min(units, 60) + 1), 8);
  let W: CsrMatrix;
  if (o.W !== undefined) {
    W = checkCsr('options.W', o.W, units, units);
    if (o.spectralRadius !== undefined) {
      const rho = spectralRadius(W);
      if (!(rho > 0))
        invalid('options.W', 'a matrix with a non-zero eigenvalue, to rescale to options.spectralRadius', 'spectral radius 0 (nilpotent or empty)');
      W = csrScale(W, o.spectralRadius / rho);
    }
  } else {
    const raw = randomSparse({
      rows: units,
      cols: units,
      connectivity,
      distribution,
      seed: rngW,
    });
    // A drawn W with no non-zero eigenvalue (empty or nilpotent: a few units at low
    // connectivity) has no radius to rescale, and is kept as drawn.
    const rho = raw.values.length === 0 ? 0 : spectralRadius(raw);
    W = rho > 0 ? csrScale(raw, (o.spectralRadius === undefined ? 0.9 : o.spectralRadius) / rho) : raw;
  }
  let Win: CsrMatrix;
  if (o.Win !== undefined) {
    Win = checkCsr('options.Win', o.Win, units, inputDim);
    if (o.inputScaling !== undefined) Win = csrScale(Win, inputScaling);
  } else {
    Win = randomSparse({
      rows: units,
      cols: inputDim,
      connectivity: inputConnectivity,
      distribution: inputDistribution,
      scale: inputScaling,
      seed: rngIn,
    });
  }
  let Wfb: CsrMatrix | undefined;
  if (feedbackDim > 0) {
    Wfb =
      o.Wfb !== undefined
        ? checkCsr('options.Wfb', o.Wfb, units, feedbackDim)
        : randomSparse({
            rows: units,
            cols: feedbackDim,
            connectivity: feedbackConnectivity,
            distribution: 'bernoulli',
            scale: feedbackScaling,
            seed: rngFb,
          });
  } else if (o.Wfb !== undefined) {
    invalid('options.Wfb', 'no feedback weights when options.feedbackDim is 0', o.Wfb);
  }
  let bias: Float64Array;
  if (o.bias !== undefined) {
    checkFiniteArray('options.bias', o.bias);
    checkLength('options.bias', o.bias, units);
    bias = Float64Array.from(o.bias);
  } else {
    const scale = o.biasScaling === undefined ? 0 : checkNonNegative('options.biasScaling', o.biasScaling);
    const biasConnectivity =
      o.biasConnectivity === undefined ? inputConnectivity : checkInRange('options.biasConnectivity', o.biasConnectivity, Number.MIN_VALUE, 1);
    bias = scale === 0 ? new Float64Array(units) : randomVector(units, { distribution: biasDistribution, scale, connectivity: biasConnectivity, seed: rngB });
  }
  return buildReservoir({ units, inputDim, feedbackDim, leakRate, noise, seed, W, Win, Wfb, bias, rng: root.fork('noise'), threads });
}

/**
 * @internal The scalar rules of {@link createReservoir}, shared with the JSON loader so a saved
 * model is held to the constructor's rules; `prefix` names the object the fields came from.
 */
export function checkReservoirScalars(
  prefix: string,
  o: {
    readonly units?: unknown;
    readonly inputDim?: unknown;
    readonly leakRate?: unknown;
    readonly feedbackDim?: unknown;
    readonly noise?: unknown;
    readonly seed?: unknown;
  },
): { units: number; inputDim: number; leakRate: number; feedbackDim: number; noise: number; seed: number } {
  return {
    units: checkAllocation(`${prefix}.units`, checkInteger(`${prefix}.units`, o.units, { min: 1 }), 8),
    inputDim: checkAllocation(`${prefix}.inputDim`, checkInteger(`${prefix}.inputDim`, o.inputDim, { min: 1 }), 8),
    leakRate: o.leakRate === undefined ? 1 : checkInRange(`${prefix}.leakRate`, o.leakRate, Number.MIN_VALUE, 1),
    feedbackDim:
      o.feedbackDim === undefined ? 0 : checkAllocation(`${prefix}.feedbackDim`, checkInteger(`${prefix}.feedbackDim`, o.feedbackDim, { min: 0 }), 8),
    noise: o.noise === undefined ? 0 : checkNonNegative(`${prefix}.noise`, o.noise),
    seed: o.seed === undefined ? 0 : checkInteger(`${prefix}.seed`, o.seed, { min: 0, max: 2 ** 32 - 1 }),
  };
}

/** @internal Assemble a reservoir from validated parts (also used by the JSON loader). */
export function buildReservoir(p: {
  units: number;
  inputDim: number;
  feedbackDim: number;
  leakRate: number;
  noise: number;
  seed: number;
  W: CsrMatrix;
  Win: CsrMatrix;
  Wfb: CsrMatrix | undefined;
  bias: Float64Array;
  rng: Random;
  threads?: 'auto' | 1 | 2;
}): Reservoir {
  const { units, inputDim, feedbackDim, leakRate, noise, W, Win, Wfb, bias, rng } = p;
  // The noise draws through the generator itself (core's randomDraws): the step's optimised loop
  // then holds no closure of this source, so a full collection does not discard it.
  const draws = randomDraws(rng);
  const threads = p.threads ?? 'auto';
  // W·x runs in a WebAssembly kernel (same bits as the JavaScript loop, ~2.5× faster: no
  // bounds checks on the gathered loads); the state x and the product live in its memory.
  const nnz = W.values.length;
  const kernel = createSpmvKernel(W, { shared: threads === 2 || (threads === 'auto' && nnz >= 1e5) });
  const parallel = <T>(steps: number, f: () => T): T => {
    const want = threads === 2 ? steps > 1 : threads === 'auto' && nnz >= 1e5 && steps * nnz >= 2e8;
    if (!want || kernel.threaded || !kernel.startThread()) return f();
    try {
      return f();
    } finally {
      kernel.stopThread();
    }
  };
  const x = kernel.x;
  const pre = kernel.y;
  const keepOld = 1 - leakRate;
  const uRow = new Float64Array(inputDim);
  const yRow = new Float64Array(feedbackDim);
  const { rowPtr: iPtr, colIdx: iCol, values: iVal } = Win;
  const plain = Wfb === undefined && noise === 0;

  // Arithmetic order (kept bit for bit): pre = W·x (the kernel); s = pre + b; s += Win·u (entry order);
  // s += Wfb·y; x ← (1 − lr)·x + lr·(tanh(s) + ξ). tanh is the kernel's (WebAssembly SIMD, within
  // 1.8 ε of Math.tanh: a quarter of Math.tanh's time here, which was most of a
  // 500-unit step once W·x ran in WebAssembly).
  const advance = (u: Float64Array, uOff: number, y: Float64Array | undefined, yOff: number): void => {
    kernel.apply();
    for (let i = 0; i < units; i++) {
      let s = pre[i]! + bias[i]!;
      const end = iPtr[i + 1]!;
      for (let k = iPtr[i]!; k < end; k++) s += iVal[k]! * u[uOff + iCol[k]!]!;
      pre[i] = s;
    }
    if (plain) {
      // No feedback and no noise: tanh and the leak in one pass.
      kernel.leakyTanh(keepOld, leakRate);
      return;
    }
    if (Wfb !== undefined && y !== undefined) {
      const { rowPtr, colIdx, values } = Wfb;
      for (let i = 0; i < units; i++) {
        let s = 0;
        for (let k = rowPtr[i]!; k < rowPtr[i + 1]!; k++) s += values[k]! * y[yOff + colIdx[k]!]!;
        pre[i]! += s;
      }
    }
    if (noise > 0) {
      kernel.tanh();
      for (let i = 0; i < units; i++) x[i] = keepOld * x[i]! + leakRate * (pre[i]! + noise * draws.normal());
    } else {
      kernel.leakyTanh(keepOld, leakRate);
    }
  };

  const checkState = (t: number): void => {
    for (let i = 0; i < units; i++) {
      if (!Number.isFinite(x[i]!)) {
        throw new PhaseflowError('NON_FINITE_STATE', `reservoir state became non-finite at step ${t} (unit ${i})`, { step: t, argument: 'inputs' });
      }
    }
  };

  const reservoir: Reservoir = {
    name: 'reservoir',
    units,
    inputDim,
    feedbackDim,
    leakRate,
    noise,
    seed: p.seed,
    W,
    Win,
    Wfb,
    bias,
    state: x,
    getState: () => x.slice(),
    setState(v) {
      checkFiniteArray('x', v);
      checkLength('x', v, units);
      for (let i = 0; i < units; i++) x[i] = v[i]!;
    },
    reset() {
      x.fill(0);
    },
    getNoiseState: () => rng.getState(),
    setNoiseState: (state) => rng.setState(state),
    step(u, feedback) {
      checkFiniteArray('u', u);
      checkLength('u', u, inputDim);
      for (let j = 0; j < inputDim; j++) uRow[j] = u[j]!;
      if (feedbackDim === 0 && feedback !== undefined) invalid('feedback', 'no feedback (the reservoir has feedbackDim 0)', feedback);
      if (feedbackDim > 0) {
        if (feedback === undefined) invalid('feedback', `a vector of length ${feedbackDim} (the reservoir has feedback)`, feedback);
        checkFiniteArray('feedback', feedback);
        checkLength('feedback', feedback, feedbackDim);
        for (let j = 0; j < feedbackDim; j++) yRow[j] = feedback[j]!;
      }
      advance(uRow, 0, feedbackDim > 0 ? yRow : undefined, 0);
      checkState(0);
      return x;
    },
    run(inputs, options = {}) {
      const o = checkOptions('options', options, ['feedback', 'out', 'keep']);
      const U = toMatrix('inputs', inputs, inputDim);
      const keep = o.keep === undefined ? 'all' : checkOneOf('options.keep', o.keep, ['all', 'last']);
      if (feedbackDim === 0 && o.feedback !== undefined) invalid('options.feedback', 'no feedback series (the reservoir has feedbackDim 0)', o.feedback);
      let Y: Matrix | undefined;
      if (feedbackDim > 0) {
        if (o.feedback === undefined) invalid('options.feedback', `a T × ${feedbackDim} series (the reservoir has feedback)`, o.feedback);
        Y = toMatrix('options.feedback', o.feedback, feedbackDim);
        if (Y.rows !== U.rows) invalid('options.feedback', `${U.rows} rows (as inputs)`, `${Y.rows} rows`, 'SHAPE_MISMATCH');
      }
      const rows = keep === 'all' ? U.rows : 1;
      let out: Matrix;
      if (o.out !== undefined) {
        if (!isMatrix(o.out)) invalid('options.out', `a ${rows} × ${units} Matrix`, o.out);
        out = o.out;
        if (!(out.data instanceof Float64Array) || out.rows !== rows || out.cols !== units || out.data.length !== rows * units) {
          invalid('options.out', `a ${rows} × ${units} Matrix`, out, 'SHAPE_MISMATCH');
        }
      } else out = matrix(rows, units);
      const od = out.data;
      parallel(U.rows, () => {
        for (let t = 0; t < U.rows; t++) {
          advance(U.data, t * inputDim, Y?.data, t * feedbackDim);
          if (keep === 'all') od.set(x, t * units);
        }
      });
      if (keep === 'last') od.set(x);
      checkState(U.rows - 1);
      return out;
    },
    forward(inputs) {
      return reservoir.run(inputs);
    },
    advance,
    parallel,
  };
  return reservoir;
}
