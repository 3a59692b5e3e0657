/**
 * Next-generation reservoir computing (NVAR; Gauthier, Bollt, Griffith & Barbosa, Nature
 * Communications 12, 5564, 2021): the features are the input and its delayed copies (linear
 * part) and the unique monomials of those (non-linear part); a ridge readout does the rest.
 *
 *   lin[t] = [u[t], u[t−s], …, u[t−(k−1)s]],  feat[t] = [lin[t], monomials of degree 2…p of lin[t]].
 *
 * Missing history at the start of a sequence is zero (as ReservoirPy's NVAR); discard it with
 * the trainer's warm-up. With `residual`, the readout learns y − u (Gauthier's Δ form) and the
 * model outputs u + readout(feat).
 */
import {
  PhaseflowError,
  checkAllocation,
  checkFiniteArray,
  checkInteger,
  checkLength,
  checkOptions,
  invalid,
  type FitOptions,
  type Layer,
  type ParametricView,
} from '@phaseflow/core';
import { matrix, type Matrix } from '@phaseflow/linalg';
import { toMatrix, type SeriesLike } from './series.js';
import { createReadout, type Readout } from './readout.js';
import { checkStream, createRidge, type FeatureVisitor, type ReadoutHistory, type ReadoutModel, type ReadoutTrainer } from './trainers.js';

/** Options of {@link createNvar}. */
export interface NvarOptions {
  /** Input dimension d. */
  readonly inputDim: number;
  /** Number k of delayed copies (k = 1: the current input only). Default 2. */
  readonly delay?: number;
  /** Highest monomial degree p (≥ 2; 1 for linear features only). Default 2. */
  readonly order?: number;
  /** Spacing s between delayed copies. Default 1. */
  readonly strides?: number;
  /** Output dimension. Default d. */
  readonly outputDim?: number;
  /** Learn and predict the increment y − u (needs outputDim = d). Default false. */
  readonly residual?: boolean;
}

/** An NVAR model: a core Layer from an input series to an output series. */
export interface NvarModel extends Layer<Matrix, Matrix>, ReadoutModel {
  readonly name: 'nvar';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly delay: number;
  readonly order: number;
  readonly strides: number;
  readonly residual: boolean;
  /** Number of features (linear + non-linear). */
  readonly featureDim: number;
  readonly readout: Readout;
  readonly parameters: ParametricView<Matrix, Matrix>;
  fit(
    inputs: SeriesLike | readonly SeriesLike[],
    targets: SeriesLike | readonly SeriesLike[],
    options?: FitOptions & { readonly trainer?: ReadoutTrainer },
  ): Promise<ReadoutHistory>;
  run(inputs: SeriesLike): Matrix;
  generate(steps: number, options?: { readonly initial?: ArrayLike<number> }): Matrix;
  /** Clear the delay line. */
  reset(): void;
  /** The features of the current delay line, copied. */
  getFeatures(): Float64Array;
  /** The delay line: the last (delay−1)·strides + 1 inputs, oldest first, row-major (copied). */
  getState(): Float64Array;
  /** Refill the delay line (oldest first) and recompute the features. */
  setState(inputs: ArrayLike<number>): void;
  /** The last output (the next closed-loop input), copied. */
  getLastOutput(): Float64Array;
  setLastOutput(y: ArrayLike<number>): void;
}

/** Number of unique monomials of degree 2…p in `n` variables: Σₖ C(n + k − 1, k), in doubles. */
function monomialCount(n: number, order: number): number {
  let total = 0;
  for (let k = 2; k <= order; k++) {
    let c = 1;
    for (let j = 1; j <= k; j++) c = (c * (n + j - 1)) / j;
    total += Math.round(c);
  }
  return total;
}

/** Most features an NVAR builds: its monomials are index lists held in memory, and its readout and Gram grow with the count (the Gram as its square). */
const MAX_FEATURES = 200_000;

/**
 * The feature count of an NVAR, refused with ALLOCATION_TOO_LARGE before any monomial is
 * generated when too large (a large count exhausted the heap and killed the process). The
 * error names the option that drives the count: `delay` when it is the larger factor of the
 * d·k linear features, `inputDim` otherwise.
 */
function checkFeatures(prefix: string, d: number, delay: number, order: number): number {
  const nLin = d * delay;
  const count = nLin + monomialCount(nLin, order);
  if (!(count <= MAX_FEATURES)) {
    const argument = `${prefix}.${delay > d ? 'delay' : 'inputDim'}`;
    const expected = `at most ${MAX_FEATURES} features (inputDim · delay = ${nLin} linear features and their monomials up to degree ${order}): lower inputDim, delay or order`;
    throw new PhaseflowError('ALLOCATION_TOO_LARGE', `${argument}: expected ${expected}, received ${count} features`, {
      argument,
      expected,
      received: `${count} features`,
    });
  }
  return count;
}

/** Index lists of the unique monomials of degree 2…p in `n` variables. */
function monomials(n: number, order: number): Int32Array[] {
  const out: Int32Array[] = [];
  const rec = (start: number, deg: number, acc: number[]): void => {
    if (acc.length === deg) {
      out.push(Int32Array.from(acc));
      return;
    }
    for (let i = start; i < n; i++) rec(i, deg, [...acc, i]);
  };
  for (let deg = 2; deg <= order; deg++) rec(0, deg, []);
  return out;
}

/**
 * Create an NVAR model (nonlinear vector autoregression).
 *
 * @example
 * ```ts
 * const nvar = createNvar({ inputDim: 3, delay: 2, order: 2, residual: true });
 * await nvar.fit(u, y, { trainer: createRidge({ ridge: 1e-6, warmup: 2 }) });
 * const forecast = nvar.generate(500);
 * ```
 */
export function createNvar(options: NvarOptions): NvarModel {
  const o = checkOptions('options', options, ['inputDim', 'delay', 'order', 'strides', 'outputDim', 'residual']);
  const p = checkNvarOptions('options', o);
  const featureDim = checkFeatures('options', p.d, p.delay, p.order);
  return buildNvar(p, createReadout({ inputDim: featureDim, outputDim: p.outputDim }));
}

/**
 * @internal The rules of {@link createNvar}, shared with the JSON loader so a saved model is
 * held to them; `prefix` names the object the fields came from.
 */
export function checkNvarOptions(
  prefix: string,
  o: {
    readonly inputDim?: unknown;
    readonly delay?: unknown;
    readonly order?: unknown;
    readonly strides?: unknown;
    readonly outputDim?: unknown;
    readonly residual?: unknown;
  },
): { d: number; delay: number; order: number; strides: number; outputDim: number; residual: boolean } {
  const d = checkInteger(`${prefix}.inputDim`, o.inputDim, { min: 1 });
  const delay = o.delay === undefined ? 2 : checkInteger(`${prefix}.delay`, o.delay, { min: 1 });
  const order = o.order === undefined ? 2 : checkInteger(`${prefix}.order`, o.order, { min: 1, max: 6 });
  const strides = o.strides === undefined ? 1 : checkInteger(`${prefix}.strides`, o.strides, { min: 1 });
  const outputDim = o.outputDim === undefined ? d : checkInteger(`${prefix}.outputDim`, o.outputDim, { min: 1 });
  if (o.residual !== undefined && typeof o.residual !== 'boolean') invalid(`${prefix}.residual`, 'a boolean', o.residual);
  const residual = o.residual ?? false;
  if (residual && outputDim !== d) invalid(`${prefix}.residual`, `false unless outputDim = inputDim (${d})`, residual);
  return { d, delay, order, strides, outputDim, residual };
}

/** @internal */
export function buildNvar(
  p: { d: number; delay: number; order: number; strides: number; outputDim: number; residual: boolean },
  readout: Readout,
  prefix = 'options',
): NvarModel {
  const { d, delay, order, strides, outputDim, residual } = p;
  const nLin = d * delay;
  checkFeatures(prefix, d, delay, order);
  const monos = monomials(nLin, order);
  const featureDim = nLin + monos.length;
  // Circular buffer of the last (delay−1)·s + 1 inputs.
  const span = (delay - 1) * strides + 1;
  const hist = new Float64Array(checkAllocation(`${prefix}.strides`, span * d, 8));
  let head = 0; // slot of the newest input
  const feat = new Float64Array(featureDim);
  const last = new Float64Array(outputDim);
  const target = new Float64Array(outputDim);

  const push = (u: Float64Array, off: number): void => {
    head = (head + 1) % span;
    for (let j = 0; j < d; j++) hist[head * d + j] = u[off + j]!;
    for (let k = 0; k < delay; k++) {
      const slot = (head - k * strides + span * delay) % span;
      for (let j = 0; j < d; j++) feat[k * d + j] = hist[slot * d + j]!;
    }
    for (let q = 0; q < monos.length; q++) {
      const idx = monos[q]!;
      let v = 1;
      for (let r = 0; r < idx.length; r++) v *= feat[idx[r]!]!;
      feat[nLin + q] = v;
    }
  };

  const predict = (uNow: Float64Array, uOff: number, out: Float64Array, off: number): void => {
    readout.apply(feat, 0, out, off);
    if (residual) for (let j = 0; j < d; j++) out[off + j]! += uNow[uOff + j]!;
  };

  const requireFitted = (what: string): void => {
    if (!readout.fitted) throw new PhaseflowError('INVALID_STATE', `nvar.${what}: the readout is not fitted; call fit() first`, { argument: 'nvar' });
  };

  const model: NvarModel = {
    name: 'nvar',
    inputDim: d,
    outputDim,
    delay,
    order,
    strides,
    residual,
    featureDim,
    readout,
    parameters: {
      get size() {
        return readout.parameters.size;
      },
      get: (out) => readout.parameters.get(out),
      set: (theta) => readout.parameters.set(theta),
    },
    stream(inputs: Matrix, targets: Matrix, sequence: number, visit: FeatureVisitor, start?: number, end?: number) {
      const { from, to } = checkStream(d, outputDim, inputs, targets, sequence, visit, start, end);
      if (sequence > 0 && from === 0) model.reset();
      for (let t = from; t < to; t++) {
        push(inputs.data, t * d);
        if (residual) {
          for (let j = 0; j < d; j++) target[j] = targets.data[t * outputDim + j]! - inputs.data[t * d + j]!;
          visit(feat, 0, target, 0, t);
        } else visit(feat, 0, targets.data, t * outputDim, t);
      }
      if (to > from) last.set(targets.data.subarray((to - 1) * outputDim, to * outputDim));
    },
    async fit(inputs, targets, options = {}) {
      const o = checkOptions('options', options, ['trainer', 'observers', 'signal']);
      const trainer = o.trainer === undefined ? createRidge() : o.trainer;
      if (trainer === null || typeof trainer !== 'object' || typeof trainer.fit !== 'function') invalid('options.trainer', 'a readout Trainer', trainer);
      const fitOpts: FitOptions = { ...(o.observers !== undefined ? { observers: o.observers } : {}), ...(o.signal !== undefined ? { signal: o.signal } : {}) };
      return trainer.fit(model, { inputs, targets }, fitOpts);
    },
    run(inputs) {
      requireFitted('run');
      const U = toMatrix('inputs', inputs, d);
      const out = matrix(U.rows, outputDim);
      for (let t = 0; t < U.rows; t++) {
        push(U.data, t * d);
        predict(U.data, t * d, out.data, t * outputDim);
      }
      if (U.rows > 0) last.set(out.data.subarray((U.rows - 1) * outputDim));
      return out;
    },
    generate(steps, options = {}) {
      requireFitted('generate');
      checkInteger('steps', steps, { min: 0 });
      const o = checkOptions('options', options, ['initial']);
      if (outputDim !== d) invalid('nvar', `outputDim = inputDim (${d}) for a closed loop`, outputDim, 'SHAPE_MISMATCH');
      if (o.initial !== undefined) {
        checkFiniteArray('options.initial', o.initial);
        checkLength('options.initial', o.initial, d);
        last.set(Float64Array.from(o.initial));
      }
      const out = matrix(steps, outputDim);
      const u = new Float64Array(d);
      for (let t = 0; t < steps; t++) {
        u.set(last);
        push(u, 0);
        predict(u, 0, out.data, t * d);
        for (let j = 0; j < d; j++) {
          const v = out.data[t * d + j]!;
          if (!Number.isFinite(v)) {
            throw new PhaseflowError(
              'NON_FINITE_STATE',
              `nvar output became non-finite at step ${t}`,
              { step: t },
              { partial: matrix(t, d, out.data.slice(0, t * d)) },
            );
          }
          last[j] = v;
        }
      }
      return out;
    },
    forward(inputs) {
      return model.run(inputs);
    },
    reset() {
      hist.fill(0);
      feat.fill(0);
      head = 0;
      last.fill(0);
    },
    getFeatures: () => feat.slice(),
    getState() {
      const out = new Float64Array(span * d);
      for (let k = 0; k < span; k++) {
        const slot = (head + 1 + k) % span;
        out.set(hist.subarray(slot * d, (slot + 1) * d), k * d);
      }
      return out;
    },
    setState(inputs) {
      checkFiniteArray('inputs', inputs);
      checkLength('inputs', inputs, span * d);
      const u = Float64Array.from(inputs);
      for (let k = 0; k < span; k++) push(u, k * d);
    },
    getLastOutput: () => last.slice(),
    setLastOutput(y) {
      checkFiniteArray('y', y);
      checkLength('y', y, outputDim);
      last.set(Float64Array.from(y));
    },
  };
  return model;
}
