/**
 * Readout trainers — core Trainers that fit the linear readout of a model (an ESN, an NVAR,
 * or a bare readout over given features): ridge regression (offline), recursive least squares
 * (FORCE learning) and least mean squares (online). They stream (features, target) pairs from
 * the model, so no state history is stored, and emit core Observer events.
 *
 * A fit is one epoch (index 0). Sequences are streamed in chunks of rows sized to a few
 * milliseconds of work, and the event loop gets a turn every ~20 ms, so an AbortSignal fired by
 * a timer lands within one chunk even on one long series.
 */
import {
  createYielder,
  type Yielder,
  PhaseflowError,
  checkInteger,
  checkNonNegative,
  checkOneOf,
  checkOptions,
  checkPositive,
  checkInRange,
  createRunLifecycle,
  invalid,
  type FitOptions,
  type LabelledData,
  type RunLifecycle,
  type Trainer,
  type TrainingHistory,
} from '@phaseflow/core';
import { isMatrix, type Matrix } from '@phaseflow/linalg';
import { toMatrixList, type SeriesLike } from './series.js';
import { abandonAccumulator, createRidgeAccumulator, freeSamples, waitIdle, type Readout } from './readout.js';

/** Called once per time step with the features and the target the readout must map them to. */
export type FeatureVisitor = (features: Float64Array, fOff: number, target: Float64Array, tOff: number, t: number) => void;

/** What a readout trainer fits: a model with a readout that can stream its features. */
export interface ReadoutModel {
  readonly readout: Readout;
  /** Columns of the input series the model takes. */
  readonly inputDim: number;
  /**
   * Drive the model through rows `from … to − 1` of one training sequence (teacher-forced) and
   * call `visit` at every step, with `t` the row index in the sequence. `sequence` is the index
   * of the sequence in a multi-sequence fit. Trainers stream a sequence in consecutive ranges
   * (`from` = 0 starts it: the state is reset there for every sequence but the first); without
   * a range, the whole sequence.
   */
  stream(inputs: Matrix, targets: Matrix, sequence: number, visit: FeatureVisitor, from?: number, to?: number): void;
}

/**
 * Check the arguments of a {@link ReadoutModel.stream} call (O(1): shapes and the row range,
 * not the numbers, which the trainers validated): `inputs` and `targets` matrices of
 * `inputDim` and `outputDim` columns and the same rows, `sequence` an index, `visit` a
 * function, `0 ≤ from ≤ to ≤ rows`. Returns the range.
 * @internal
 */
export function checkStream(
  inputDim: number,
  outputDim: number,
  inputs: unknown,
  targets: unknown,
  sequence: unknown,
  visit: unknown,
  from: unknown,
  to: unknown,
): { from: number; to: number } {
  const mat = (argument: string, m: unknown, cols: number): Matrix => {
    if (!isMatrix(m)) invalid(argument, `a Matrix of ${cols} column(s)`, m);
    if (m.cols !== cols || m.data.length !== m.rows * m.cols) invalid(argument, `a Matrix of ${cols} column(s)`, `${m.rows} × ${m.cols}`, 'SHAPE_MISMATCH');
    return m;
  };
  const U = mat('inputs', inputs, inputDim);
  const Y = mat('targets', targets, outputDim);
  if (Y.rows !== U.rows) invalid('targets', `${U.rows} rows (as the inputs)`, `${Y.rows} rows`, 'SHAPE_MISMATCH');
  checkInteger('sequence', sequence, { min: 0 });
  if (typeof visit !== 'function') invalid('visit', 'a function (features, fOff, target, tOff, t) => void', visit);
  const f = from === undefined ? 0 : checkInteger('from', from, { min: 0, max: U.rows });
  const t = to === undefined ? U.rows : checkInteger('to', to, { min: f, max: U.rows });
  return { from: f, to: t };
}

/**
 * Training data, core's {@link LabelledData} over series: one sequence or several (inputs[i]
 * pairs with targets[i], row by row). `samples`, when given, must be the total number of rows.
 */
export type ReadoutData = LabelledData<SeriesLike | readonly SeriesLike[]>;

/** History of a readout fit. */
export interface ReadoutHistory extends TrainingHistory {
  /** Samples used (after warm-up). */
  readonly samples: number;
}

/** A trainer of readouts. */
export type ReadoutTrainer = Trainer<ReadoutModel | Readout, ReadoutData, FitOptions, ReadoutHistory>;

/** Wrap a bare readout as a model whose features are the inputs themselves. */
function asModel(model: ReadoutModel | Readout): ReadoutModel {
  if (model === null || typeof model !== 'object') return invalid('model', 'an ESN, an NVAR model or a Readout', model);
  if ((model as Readout).name === 'readout' && typeof (model as Readout).apply === 'function') {
    const r = model as Readout;
    return {
      readout: r,
      inputDim: r.inputDim,
      stream(inputs, targets, sequence, visit, start, end) {
        const { from, to } = checkStream(r.inputDim, r.outputDim, inputs, targets, sequence, visit, start, end);
        for (let t = from; t < to; t++) visit(inputs.data, t * inputs.cols, targets.data, t * targets.cols, t);
      },
    };
  }
  const m = model as ReadoutModel;
  if (typeof m.stream !== 'function' || m.readout === undefined) return invalid('model', 'an ESN, an NVAR model or a Readout', model);
  return m;
}

/** Validate data against the model; returns aligned sequences. */
function sequences(model: ReadoutModel, data: ReadoutData): { inputs: Matrix[]; targets: Matrix[] } {
  if (data === null || typeof data !== 'object') invalid('data', 'an object { inputs, targets }', data);
  checkOptions('data', data, ['inputs', 'targets', 'samples']);
  const inputs = toMatrixList('data.inputs', data.inputs, model.inputDim);
  const targets = toMatrixList('data.targets', data.targets, model.readout.outputDim);
  if (inputs.length !== targets.length) {
    throw new PhaseflowError('SHAPE_MISMATCH', `data: ${inputs.length} input sequence(s) but ${targets.length} target sequence(s)`, {
      argument: 'data.targets',
      expected: `${inputs.length} sequences`,
      received: `${targets.length} sequences`,
    });
  }
  inputs.forEach((u, i) => {
    if (u.rows !== targets[i]!.rows) {
      invalid(`data.targets${inputs.length > 1 ? `[${i}]` : ''}`, `${u.rows} rows (as the inputs)`, `${targets[i]!.rows} rows`, 'SHAPE_MISMATCH');
    }
  });
  if (data.samples !== undefined) {
    const rows = inputs.reduce((a, u) => a + u.rows, 0);
    checkInteger('data.samples', data.samples, { min: 0 });
    if (data.samples !== rows) invalid('data.samples', `${rows} (the rows of the input sequences)`, data.samples, 'SHAPE_MISMATCH');
  }
  return { inputs, targets };
}

/**
 * The lifecycle of one readout fit; `partial` is the history so far: the samples seen, and the
 * epoch with its loss once the readout is solved.
 */
function lifecycle(name: string, options: FitOptions | undefined, progress: () => { samples: number; loss: number }): RunLifecycle {
  const o = checkOptions('options', options, ['observers', 'signal']);
  return createRunLifecycle({
    run: 'training',
    name,
    observers: o.observers,
    signal: o.signal,
    partial: (status) => {
      const { samples, loss } = progress();
      const done = Number.isFinite(loss);
      return { status, epochs: done ? 1 : 0, loss: done ? [loss] : [], metrics: { samples: done ? [samples] : [] }, samples } as unknown as ReadoutHistory;
    },
  });
}

/** Rows per `stream` call aim at this much work, so abort checks stay frequent but cheap. */
const CHUNK_MS = 4;

/**
 * Stream one sequence in consecutive row ranges, sized from the measured time per row to about
 * {@link CHUNK_MS}; between ranges, check the signal and give the event loop a turn when ~20 ms
 * of work have passed.
 */
async function streamSequence(
  run: RunLifecycle,
  yielder: Yielder,
  model: ReadoutModel,
  inputs: Matrix,
  targets: Matrix,
  sequence: number,
  visit: FeatureVisitor,
  gate?: { free(from: number): number; wait(ms: number): boolean },
): Promise<void> {
  let rows = 8;
  for (let from = 0; from < inputs.rows;) {
    let span = rows;
    if (gate !== undefined) {
      // A busy Gram worker: stream no further than the sample whose block hand-over would block
      // this thread, and wait for the worker in slices of a few milliseconds, the event loop
      // turning when its budget is spent (an abort lands meanwhile).
      let room = gate.free(from);
      while (room === 0) {
        if (!gate.wait(WAIT_SLICE_MS) && yielder.due()) {
          await yielder.pause();
          run.checkAbort(`readout fit aborted in sequence ${sequence}, at row ${from}`);
        }
        room = gate.free(from);
      }
      span = Math.min(span, room);
    }
    const to = Math.min(inputs.rows, from + span);
    const started = performance.now();
    run.guard('model.stream', () => model.stream(inputs, targets, sequence, visit, from, to));
    const ms = performance.now() - started;
    rows = Math.max(1, Math.min(1 << 16, Math.round(ms > 0 ? ((to - from) * CHUNK_MS) / ms : 2 * rows)));
    from = to;
    if (yielder.due()) await yielder.pause();
    run.checkAbort(`readout fit aborted in sequence ${sequence}, at row ${to}`);
  }
}

/** The longest this thread blocks at a time waiting for a busy Gram worker. */
const WAIT_SLICE_MS = 5;

/** Options of {@link createRidge}. */
export interface RidgeOptions {
  /** λ ≥ 0, the penalty on ‖Wout‖² (the bias is not penalised). Default 1e-6. */
  readonly ridge?: number;
  /** Time steps discarded at the start of every sequence. Default 0. */
  readonly warmup?: number;
  /**
   * Where the Gram XᵀX is summed: `2` on a worker thread while this thread steps the model,
   * `1` here, `'auto'` (default) on a worker when the fit is large enough to pay for one
   * (samples·N² ≥ 10⁹, about 300 units over 10 000 steps, and a second core). The same bits either way.
   */
  readonly threads?: 'auto' | 1 | 2;
}

/**
 * Ridge regression readout (Tikhonov), ReservoirPy 0.4's convention: centred normal equations
 * with an unpenalised bias, solved by Cholesky,
 * `Wout = (X̃ᵀX̃ + λI)⁻¹X̃ᵀỸ, b = ȳ − Wout·x̄` (Lukoševičius 2012, §4.1).
 *
 * @example
 * ```ts
 * const history = await createRidge({ ridge: 1e-6, warmup: 100 }).fit(esn, { inputs: u, targets: y });
 * ```
 */
export function createRidge(options: RidgeOptions = {}): ReadoutTrainer & { readonly ridge: number; readonly warmup: number } {
  const o = checkOptions('options', options, ['ridge', 'warmup', 'threads']);
  const ridge = o.ridge === undefined ? 1e-6 : checkNonNegative('options.ridge', o.ridge);
  const warmup = o.warmup === undefined ? 0 : checkInteger('options.warmup', o.warmup, { min: 0 });
  const threads = o.threads === undefined ? 'auto' : checkOneOf('options.threads', o.threads, ['auto', 1, 2] as const);
  return {
    name: 'ridge',
    ridge,
    warmup,
    async fit(model, data, fitOpts) {
      const m = asModel(model);
      const { inputs, targets } = sequences(m, data);
      const samples = inputs.reduce((a, u) => a + Math.max(0, u.rows - warmup), 0);
      const acc = createRidgeAccumulator({ inputDim: m.readout.inputDim, outputDim: m.readout.outputDim, threads, samples });
      let loss = NaN;
      const run = lifecycle('ridge', fitOpts, () => ({ samples: acc.count, loss }));
      const yielder = createYielder();
      const visit: FeatureVisitor = (f, fo, y, yo, t) => {
        if (t >= warmup) acc.add(f, fo, y, yo);
      };
      run.start({ total: 1 });
      try {
        run.checkAbort('readout fit aborted before its first sequence');
        for (let s = 0; s < inputs.length; s++) {
          // Rows before the warm-up add no sample; the rest add one each.
          const gate = acc.threaded
            ? { free: (from: number) => Math.max(0, warmup - from) + freeSamples(acc), wait: (ms: number) => waitIdle(acc, ms) }
            : undefined;
          await streamSequence(run, yielder, m, inputs[s]!, targets[s]!, s, visit, gate);
          if (run.step({ step: s + 1, t: acc.count, h: 0, state: undefined })) break;
        }
        run.checkAbort('readout fit aborted before the solve');
        loss = acc.solve(ridge, m.readout);
        run.events.emit('epoch:end', { epoch: 0, total: 1, loss, metrics: { samples: acc.count } });
        run.checkAbort('readout fit aborted after its epoch');
      } catch (e) {
        // Aborted or failed: stop the worker where it stands rather than finish sums no one reads.
        abandonAccumulator(acc);
        run.failWith(e);
      }
      acc.close();
      const reason = run.stopReason;
      const status = run.finish();
      return {
        status,
        ...(reason === undefined ? {} : { reason }),
        epochs: 1,
        loss: [loss],
        metrics: { samples: [acc.count] },
        samples: acc.count,
      };
    },
  };
}

/** Options of {@link createRls}. */
export interface RlsOptions {
  /** P₀ = I/alpha, the inverse of the initial regularisation. Default 1. */
  readonly alpha?: number;
  /** Forgetting factor in (0, 1]. Default 1 (no forgetting). */
  readonly forgetting?: number;
  /** Time steps discarded at the start of every sequence. Default 0. */
  readonly warmup?: number;
}

/** Streaming online update shared by RLS and LMS. */
function onlineFit(
  name: string,
  warmup: number,
  update: (readout: Readout, x: Float64Array, xOff: number, err: Float64Array) => void,
  init: (readout: Readout) => void,
): ReadoutTrainer {
  return {
    name,
    async fit(model, data, fitOpts) {
      const m = asModel(model);
      const { inputs, targets } = sequences(m, data);
      let steps = 0,
        sse = 0;
      let loss = NaN;
      const run = lifecycle(name, fitOpts, () => ({ samples: steps, loss }));
      const yielder = createYielder();
      const r = m.readout;
      const out = new Float64Array(r.outputDim);
      const err = new Float64Array(r.outputDim);
      init(r);
      let stopped = false;
      const wantStep = run.events.has('step');
      const visit: FeatureVisitor = (f, fo, y, yo, t) => {
        if (t < warmup || stopped) return;
        r.apply(f, fo, out, 0);
        let e2 = 0;
        for (let k = 0; k < r.outputDim; k++) {
          err[k] = out[k]! - y[yo + k]!;
          e2 += err[k]! * err[k]!;
        }
        if (!Number.isFinite(e2)) {
          run.fail('NON_FINITE_STATE', `${name}: the readout diverged at step ${steps} (error ${e2}); lower the learning rate`, { step: steps });
        }
        update(r, f, fo, err);
        sse += e2 / r.outputDim;
        steps++;
        if (wantStep) stopped = run.step({ step: steps, t: steps, h: 1, state: undefined, loss: e2 / r.outputDim });
        else run.at(steps, steps);
      };
      run.start({ total: 1 });
      try {
        run.checkAbort('readout fit aborted before its first sequence');
        for (let s = 0; s < inputs.length && !stopped; s++) await streamSequence(run, yielder, m, inputs[s]!, targets[s]!, s, visit);
        if (steps === 0) {
          run.fail('INVALID_STATE', `${name}: no training samples (empty sequences, or all inside the warm-up)`, {
            argument: 'data',
            expected: 'at least one sample after warm-up',
            received: '0 samples',
          });
        }
        r.fitted = true;
        loss = sse / steps;
        run.events.emit('epoch:end', { epoch: 0, total: 1, loss, metrics: { samples: steps } });
        run.checkAbort('readout fit aborted after its epoch');
      } catch (e) {
        run.failWith(e);
      }
      const reason = run.stopReason;
      const status = run.finish();
      return {
        status,
        ...(reason === undefined ? {} : { reason }),
        epochs: 1,
        loss: [loss],
        metrics: { samples: [steps] },
        samples: steps,
      };
    },
  };
}

/**
 * Recursive least squares readout — FORCE learning (Sussillo & Abbott, 2009): with the
 * a-priori error e = Wout·x + b − y and P ≈ (XᵀX + αI)⁻¹ over the augmented x̂ = [x; 1],
 * `k = P x̂ / (λ + x̂ᵀP x̂)`, `P ← (P − k x̂ᵀP)/λ`, `[Wout b] ← [Wout b] − e kᵀ`.
 * Allocation-free per step; O(N²) per step. `loss` is the mean a-priori squared error.
 *
 * @example
 * ```ts
 * await createRls({ alpha: 1e-6 }).fit(esn, { inputs: u, targets: y });
 * ```
 */
export function createRls(options: RlsOptions = {}): ReadoutTrainer {
  const o = checkOptions('options', options, ['alpha', 'forgetting', 'warmup']);
  const alpha = o.alpha === undefined ? 1 : checkPositive('options.alpha', o.alpha);
  const lambda = o.forgetting === undefined ? 1 : checkInRange('options.forgetting', o.forgetting, Number.MIN_VALUE, 1);
  const warmup = o.warmup === undefined ? 0 : checkInteger('options.warmup', o.warmup, { min: 0 });
  let P = new Float64Array(0),
    Px = new Float64Array(0);
  let n1 = 0;
  return onlineFit(
    'rls',
    warmup,
    (r, x, xOff, err) => {
      const n = r.inputDim;
      // Px = P x̂ (P symmetric), x̂ = [x; 1].
      let xPx = 0;
      for (let i = 0; i < n1; i++) {
        const row = i * n1;
        let s = P[row + n]!;
        for (let j = 0; j < n; j++) s += P[row + j]! * x[xOff + j]!;
        Px[i] = s;
        xPx += s * (i < n ? x[xOff + i]! : 1);
      }
      const c = 1 / (lambda + xPx);
      for (let i = 0; i < n1; i++) {
        const row = i * n1;
        const pi = Px[i]! * c;
        for (let j = 0; j < n1; j++) P[row + j] = (P[row + j]! - pi * Px[j]!) / lambda;
      }
      for (let k = 0; k < r.outputDim; k++) {
        const e = err[k]! * c;
        const off = k * n;
        for (let i = 0; i < n; i++) r.weights[off + i]! -= e * Px[i]!;
        r.bias[k]! -= e * Px[n]!;
      }
    },
    (r) => {
      n1 = r.inputDim + 1;
      P = new Float64Array(n1 * n1);
      Px = new Float64Array(n1);
      for (let i = 0; i < n1; i++) P[i * n1 + i] = 1 / alpha;
    },
  );
}

/** Options of {@link createLms}. */
export interface LmsOptions {
  /** Step size μ > 0. Default 1e-3. */
  readonly learningRate?: number;
  /** Time steps discarded at the start of every sequence. Default 0. */
  readonly warmup?: number;
}

/**
 * Least mean squares readout (Widrow–Hoff): `Wout ← Wout − μ e xᵀ`, `b ← b − μ e`, with the
 * a-priori error e = Wout·x + b − y. O(N) per step. Stable for μ < 2/‖x‖².
 *
 * @example
 * ```ts
 * await createLms({ learningRate: 1e-3 }).fit(readout, { inputs: features, targets: y });
 * ```
 */
export function createLms(options: LmsOptions = {}): ReadoutTrainer {
  const o = checkOptions('options', options, ['learningRate', 'warmup']);
  const mu = o.learningRate === undefined ? 1e-3 : checkPositive('options.learningRate', o.learningRate);
  const warmup = o.warmup === undefined ? 0 : checkInteger('options.warmup', o.warmup, { min: 0 });
  return onlineFit(
    'lms',
    warmup,
    (r, x, xOff, err) => {
      const n = r.inputDim;
      for (let k = 0; k < r.outputDim; k++) {
        const e = mu * err[k]!;
        const off = k * n;
        for (let i = 0; i < n; i++) r.weights[off + i]! -= e * x[xOff + i]!;
        r.bias[k]! -= e;
      }
    },
    () => undefined,
  );
}
