/**
 * Echo state network = reservoir(s) + linear readout (Jaeger 2001). Shallow or deep (stacked
 * reservoirs, Gallicchio, Micheli & Pedrelli 2017: layer k is driven by layer k−1's state and
 * the readout sees every layer). Fit (teacher-forced, through a readout Trainer), run
 * (teacher-forced prediction), generate (closed loop: the output is fed back as the next input).
 */
import {
  PhaseflowError,
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
import { createReservoir, type Reservoir, type ReservoirOptions } from './reservoir.js';
import { checkStream, createRidge, type FeatureVisitor, type ReadoutHistory, type ReadoutModel, type ReadoutTrainer } from './trainers.js';

/** Options of {@link createEsn}. */
export interface EsnOptions {
  /** One reservoir (or its options). */
  readonly reservoir?: Reservoir | ReservoirOptions;
  /** Stacked reservoirs for a deep ESN; layer k's inputDim must equal layer k−1's units. */
  readonly reservoirs?: readonly (Reservoir | ReservoirOptions)[];
  /** Output dimension m. Default: the input dimension (one-step-ahead prediction). */
  readonly outputDim?: number;
  /** Concatenate the input u[t] to the readout's features. Default false. */
  readonly inputToReadout?: boolean;
}

/** Options of {@link Esn.fit}. */
export interface EsnFitOptions extends FitOptions {
  /** The readout trainer. Default `createRidge()` (λ = 1e-6, no warm-up). */
  readonly trainer?: ReadoutTrainer;
}

/** An echo state network: a core Layer from an input series to an output series. */
export interface Esn extends Layer<Matrix, Matrix>, ReadoutModel {
  readonly name: 'esn';
  readonly reservoirs: readonly Reservoir[];
  readonly readout: Readout;
  readonly inputDim: number;
  readonly outputDim: number;
  readonly inputToReadout: boolean;
  /** Length of the readout's feature vector. */
  readonly featureDim: number;
  /** θ = the readout's [Wout, b] (reservoirs are fixed). */
  readonly parameters: ParametricView<Matrix, Matrix>;
  /** Fit the readout on one or several sequences (teacher-forced); the state carries on. */
  fit(inputs: SeriesLike | readonly SeriesLike[], targets: SeriesLike | readonly SeriesLike[], options?: EsnFitOptions): Promise<ReadoutHistory>;
  /** Teacher-forced prediction: one output row per input row, from the current state. */
  run(inputs: SeriesLike): Matrix;
  /** Closed loop: feed each output back as the next input, `steps` times (needs outputDim = inputDim). */
  generate(steps: number, options?: { readonly initial?: ArrayLike<number> }): Matrix;
  /** Zero every reservoir state and the last output. */
  reset(): void;
  /** Concatenated reservoir states, copied. */
  getState(): Float64Array;
  setState(x: ArrayLike<number>): void;
  /** The last output (the next closed-loop input), copied. */
  getLastOutput(): Float64Array;
  setLastOutput(y: ArrayLike<number>): void;
}

/**
 * Create an echo state network.
 *
 * @example
 * ```ts
 * const esn = createEsn({ reservoir: { units: 500, inputDim: 1, spectralRadius: 1.25, leakRate: 0.3, seed: 0 } });
 * await esn.fit(train.inputs, train.targets, { trainer: createRidge({ ridge: 1e-6, warmup: 100 }) });
 * const prediction = esn.run(test.inputs);
 * ```
 */
export function createEsn(options: EsnOptions): Esn {
  const o = checkOptions('options', options, ['reservoir', 'reservoirs', 'outputDim', 'inputToReadout']);
  if (o.reservoir === undefined && o.reservoirs === undefined) invalid('options.reservoir', 'a Reservoir or reservoir options', undefined);
  if (o.reservoir !== undefined && o.reservoirs !== undefined)
    invalid('options.reservoirs', 'either options.reservoir or options.reservoirs, not both', o.reservoirs);
  const list = o.reservoirs === undefined ? [o.reservoir!] : o.reservoirs;
  if (!Array.isArray(list) || list.length === 0) invalid('options.reservoirs', 'a non-empty array of reservoirs', list);
  const reservoirs: Reservoir[] = list.map((r) =>
    r !== null && typeof r === 'object' && (r as Reservoir).name === 'reservoir' && typeof (r as Reservoir).advance === 'function'
      ? (r as Reservoir)
      : createReservoir(r as ReservoirOptions),
  );
  for (let k = 1; k < reservoirs.length; k++) {
    if (reservoirs[k]!.inputDim !== reservoirs[k - 1]!.units) {
      invalid(`options.reservoirs[${k}].inputDim`, `${reservoirs[k - 1]!.units} (the units of layer ${k - 1})`, reservoirs[k]!.inputDim, 'SHAPE_MISMATCH');
    }
  }
  const inputDim = reservoirs[0]!.inputDim;
  const outputDim = o.outputDim === undefined ? inputDim : checkInteger('options.outputDim', o.outputDim, { min: 1 });
  reservoirs.forEach((r, k) => {
    if (r.feedbackDim !== 0 && r.feedbackDim !== outputDim) {
      invalid(`options.reservoirs[${k}].feedbackDim`, `0 or ${outputDim} (the output dimension)`, r.feedbackDim, 'SHAPE_MISMATCH');
    }
  });
  if (o.inputToReadout !== undefined && typeof o.inputToReadout !== 'boolean') invalid('options.inputToReadout', 'a boolean', o.inputToReadout);
  const inputToReadout = o.inputToReadout ?? false;
  const featureDim = reservoirs.reduce((a, r) => a + r.units, 0) + (inputToReadout ? inputDim : 0);
  return buildEsn(reservoirs, createReadout({ inputDim: featureDim, outputDim }), inputToReadout);
}

/** @internal Assemble an ESN from parts (also used by the JSON loader). */
export function buildEsn(reservoirs: Reservoir[], readout: Readout, inputToReadout: boolean): Esn {
  const inputDim = reservoirs[0]!.inputDim;
  const outputDim = readout.outputDim;
  const featureDim = readout.inputDim;
  const direct = reservoirs.length === 1 && !inputToReadout;
  const features = direct ? reservoirs[0]!.state : new Float64Array(featureDim);
  const last = new Float64Array(outputDim);

  const advance = (u: Float64Array, uOff: number, y: Float64Array, yOff: number): void => {
    reservoirs[0]!.advance(u, uOff, y, yOff);
    for (let k = 1; k < reservoirs.length; k++) reservoirs[k]!.advance(reservoirs[k - 1]!.state, 0, y, yOff);
    if (!direct) {
      let off = 0;
      for (const r of reservoirs) {
        features.set(r.state, off);
        off += r.units;
      }
      if (inputToReadout) for (let j = 0; j < inputDim; j++) features[off + j] = u[uOff + j]!;
    }
  };

  const requireFitted = (what: string): void => {
    if (!readout.fitted) {
      throw new PhaseflowError('INVALID_STATE', `esn.${what}: the readout is not fitted; call fit() first`, {
        argument: 'esn',
        expected: 'a fitted ESN',
        received: 'an unfitted readout',
      });
    }
  };

  const checkFinite = (out: Float64Array, off: number, step: number, partial: () => Matrix): void => {
    for (let k = 0; k < outputDim; k++) {
      if (!Number.isFinite(out[off + k]!)) {
        throw new PhaseflowError('NON_FINITE_STATE', `esn output became non-finite at step ${step}`, { step }, { partial: partial() });
      }
    }
  };

  const esn: Esn = {
    name: 'esn',
    reservoirs,
    readout,
    inputDim,
    outputDim,
    inputToReadout,
    featureDim,
    parameters: {
      get size() {
        return readout.parameters.size;
      },
      get: (out) => readout.parameters.get(out),
      set: (theta) => readout.parameters.set(theta),
    },
    stream(inputs: Matrix, targets: Matrix, sequence: number, visit: FeatureVisitor, start?: number, end?: number) {
      const { from, to } = checkStream(inputDim, outputDim, inputs, targets, sequence, visit, start, end);
      if (sequence > 0 && from === 0) esn.reset();
      const U = inputs.data,
        Y = targets.data;
      for (let t = from; t < to; t++) {
        // Teacher forcing: the fed-back output at step t is the target of step t−1.
        if (t === 0) advance(U, 0, last, 0);
        else advance(U, t * inputDim, Y, (t - 1) * outputDim);
        visit(features, 0, Y, t * outputDim, t);
      }
      if (to > from) last.set(Y.subarray((to - 1) * outputDim, to * outputDim));
    },
    async fit(inputs, targets, options = {}) {
      const o = checkOptions('options', options, ['trainer', 'observers', 'signal']);
      const trainer = o.trainer === undefined ? createRidge() : o.trainer;
      if (trainer === null || typeof trainer !== 'object' || typeof trainer.fit !== 'function') invalid('options.trainer', 'a readout Trainer', trainer);
      const fitOpts: FitOptions = { ...(o.observers !== undefined ? { observers: o.observers } : {}), ...(o.signal !== undefined ? { signal: o.signal } : {}) };
      return trainer.fit(esn, { inputs, targets }, fitOpts);
    },
    run(inputs) {
      requireFitted('run');
      const U = toMatrix('inputs', inputs, inputDim);
      const out = matrix(U.rows, outputDim);
      const od = out.data;
      reservoirs[0]!.parallel(U.rows, () => {
        for (let t = 0; t < U.rows; t++) {
          advance(U.data, t * inputDim, last, 0);
          readout.apply(features, 0, od, t * outputDim);
          for (let k = 0; k < outputDim; k++) last[k] = od[t * outputDim + k]!;
        }
      });
      if (U.rows > 0) checkFinite(od, (U.rows - 1) * outputDim, U.rows - 1, () => out);
      return out;
    },
    generate(steps, options = {}) {
      requireFitted('generate');
      checkInteger('steps', steps, { min: 0 });
      const o = checkOptions('options', options, ['initial']);
      if (inputDim !== outputDim) {
        throw new PhaseflowError('SHAPE_MISMATCH', `esn.generate: closed loop needs outputDim (${outputDim}) = inputDim (${inputDim})`, {
          argument: 'esn',
          expected: `outputDim ${inputDim}`,
          received: `outputDim ${outputDim}`,
        });
      }
      if (o.initial !== undefined) esn.setLastOutput(o.initial);
      const out = matrix(steps, outputDim);
      const od = out.data;
      reservoirs[0]!.parallel(steps, () => {
        for (let t = 0; t < steps; t++) {
          // The previous output is both the next input and the fed-back y.
          advance(last, 0, last, 0);
          readout.apply(features, 0, od, t * outputDim);
          for (let k = 0; k < outputDim; k++) last[k] = od[t * outputDim + k]!;
          if ((t & 63) === 63 || t === steps - 1) checkFinite(od, t * outputDim, t, () => matrix(t, outputDim, od.slice(0, t * outputDim)));
        }
      });
      return out;
    },
    forward(inputs) {
      return esn.run(inputs);
    },
    reset() {
      for (const r of reservoirs) r.reset();
      last.fill(0);
    },
    getState() {
      const s = new Float64Array(reservoirs.reduce((a, r) => a + r.units, 0));
      let off = 0;
      for (const r of reservoirs) {
        s.set(r.state, off);
        off += r.units;
      }
      return s;
    },
    setState(x) {
      const total = reservoirs.reduce((a, r) => a + r.units, 0);
      checkFiniteArray('x', x);
      checkLength('x', x, total);
      let off = 0;
      for (const r of reservoirs) {
        r.setState(Array.prototype.slice.call(x, off, off + r.units) as number[]);
        off += r.units;
      }
    },
    getLastOutput: () => last.slice(),
    setLastOutput(y) {
      checkFiniteArray('y', y);
      checkLength('y', y, outputDim);
      for (let k = 0; k < outputDim; k++) last[k] = y[k]!;
    },
  };
  return esn;
}
