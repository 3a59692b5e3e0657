/**
 * The gradient Trainer of the float32 engine: minibatch gradient descent on any
 * {@link Trainable32}, with the option names and the history of @phaseflow/tfjs's gradient
 * Trainer, and no tensor framework in the loop — a step is a forward tape, the loss and its
 * gradient, a backward tape and an in-place optimiser update, all on preallocated buffers.
 */
import {
  PhaseflowError,
  callbackFailed,
  checkInRange,
  checkInteger,
  checkNonNegative,
  checkOneOf,
  checkOptions,
  checkPositive,
  createRandom,
  createRunLifecycle,
  createYielder,
  invalid,
  type FitOptions,
  type LabelledData,
  type Trainer,
  type TrainingHistory,
} from '@phaseflow/core';
import { createAdam, type Adam } from './adam.js';
import type { Trainable32 } from './trainable.js';

/** The optimisers of the float32 trainer (`momentum` is SGD with heavy-ball momentum, as tfjs's). */
export type OptimizerName32 = 'sgd' | 'momentum' | 'adam';

/** The losses of the float32 trainer (the built-in losses of @phaseflow/tfjs's trainer). */
export type LossName32 = 'sparse-categorical-crossentropy' | 'categorical-crossentropy' | 'binary-crossentropy' | 'mse';

/** η(epoch, η₀), as @phaseflow/tfjs's schedules (`stepDecay`, `cosineDecay`, …) compute it. */
export type LearningRateSchedule32 = (epoch: number, initial: number) => number;

/** Options of {@link createGradientTrainer32}: @phaseflow/tfjs's gradient Trainer options, and `weightDecay`. */
export interface GradientTrainer32Options {
  /** `sgd`, `momentum` or `adam` (default). */
  readonly optimizer?: OptimizerName32;
  /** Base learning rate η₀ (default 0.01). */
  readonly learningRate?: number;
  /** Momentum coefficient of `momentum` (default 0.9). */
  readonly momentum?: number;
  /** Loss (default `sparse-categorical-crossentropy`); classification losses read the outputs as probabilities. */
  readonly loss?: LossName32;
  /** Epochs (default 10); `fit` options may override. */
  readonly epochs?: number;
  /** Minibatch size (default 32). */
  readonly batchSize?: number;
  /** Seed of the per-epoch shuffles (default 0): the permutations of @phaseflow/tfjs's trainer for the same seed. */
  readonly seed?: number;
  /** Shuffle the samples every epoch (default true). */
  readonly shuffle?: boolean;
  readonly schedule?: LearningRateSchedule32;
  /** Rescale the gradient to global norm ≤ clipNorm. */
  readonly clipNorm?: number;
  /** Clip every gradient entry to [−clipValue, clipValue]. */
  readonly clipValue?: number;
  /** Fraction of the data (its last samples) held out for validation. */
  readonly validationSplit?: number;
  /** L2 weight decay λ added to the gradient, g + λθ (PyTorch's `weight_decay`; default 0). */
  readonly weightDecay?: number;
}

/**
 * Training data: core's {@link LabelledData} with flat row-major arrays — `inputs` holds
 * samples × net.inputs numbers; `targets` holds one class label per sample for the sparse
 * categorical and binary losses, samples × net.outputs numbers otherwise.
 */
export type Data32 = LabelledData<Float32Array | Float64Array | readonly number[], ArrayLike<number>>;

/** Options of one `fit` call. */
export interface GradientFit32Options extends FitOptions {
  /** Epochs for this call (overrides the trainer's). */
  readonly epochs?: number;
  /** Held-out data evaluated after every epoch, in the shape of the training data. */
  readonly validation?: Data32;
}

/** What `fit` returns: the history of @phaseflow/tfjs's trainer, with the engine that ran. */
export interface GradientHistory32 extends TrainingHistory {
  readonly metrics: Record<string, number[]>;
  /** Wall time of each epoch in milliseconds. */
  readonly epochMs: number[];
  /** Always `nn64`: the float32 engine of @phaseflow/nn64, no tensor framework. */
  readonly engine: 'nn64';
  /** The kernels that ran: `wasm-simd` or `js`. */
  readonly backend: string;
  /** Threads the model's products ran on (its `threads`, 1 where it has none). */
  readonly threads: number;
}

const TRAINER_KEYS = [
  'optimizer',
  'learningRate',
  'momentum',
  'loss',
  'epochs',
  'batchSize',
  'seed',
  'shuffle',
  'schedule',
  'clipNorm',
  'clipValue',
  'validationSplit',
  'weightDecay',
];
const FIT_KEYS = ['observers', 'signal', 'epochs', 'validation'];
const LOSSES: readonly LossName32[] = ['sparse-categorical-crossentropy', 'categorical-crossentropy', 'binary-crossentropy', 'mse'];
/** The probability clip of tfjs's cross-entropies. */
const EPS = 1e-7;

/** Samples as float32 rows and their targets (labels or rows). */
interface Set32 {
  readonly n: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
}

function toSet(argument: string, data: Data32, net: Trainable32, labels: boolean): Set32 {
  if (data === null || typeof data !== 'object') invalid(argument, 'labelled data { inputs, targets, samples? }', data);
  const { inputs, targets } = data;
  const isNumbers = (v: unknown): v is ArrayLike<number> =>
    v instanceof Float32Array || v instanceof Float64Array || v instanceof Int32Array || v instanceof Uint8Array || Array.isArray(v);
  if (!isNumbers(inputs)) invalid(`${argument}.inputs`, 'a flat Float32Array, Float64Array or number[] of samples × inputs', inputs);
  if (!isNumbers(targets)) invalid(`${argument}.targets`, 'a flat array of labels or of samples × outputs numbers', targets);
  const n = data.samples === undefined ? inputs.length / net.inputs : checkInteger(`${argument}.samples`, data.samples, { min: 1 });
  if (!Number.isInteger(n) || n < 1 || inputs.length !== n * net.inputs) {
    throw new PhaseflowError('SHAPE_MISMATCH', `${argument}.inputs: expected samples × ${net.inputs} numbers, received ${inputs.length}`, {
      argument: `${argument}.inputs`,
      expected: `a multiple of ${net.inputs} (net.inputs)`,
      received: `length ${inputs.length}`,
    });
  }
  const width = labels ? 1 : net.outputs;
  if (targets.length !== n * width) {
    throw new PhaseflowError(
      'SHAPE_MISMATCH',
      `${argument}.targets: expected ${n * width} numbers (${labels ? 'one label' : `${width} outputs`} per sample), received ${targets.length}`,
      {
        argument: `${argument}.targets`,
        expected: `length ${n * width}`,
        received: `length ${targets.length}`,
      },
    );
  }
  const x = inputs instanceof Float32Array ? inputs : Float32Array.from(inputs);
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) invalid(`${argument}.inputs[${i}]`, 'a finite float32', inputs[i], 'NON_FINITE_INPUT');
  const y = new Float32Array(targets.length);
  for (let i = 0; i < targets.length; i++) {
    const v = targets[i]!;
    if (!Number.isFinite(v)) invalid(`${argument}.targets[${i}]`, 'a finite number', v, 'NON_FINITE_INPUT');
    if (labels && (!Number.isInteger(v) || v < 0 || v >= Math.max(2, net.outputs)))
      invalid(`${argument}.targets[${i}]`, `a class label in [0, ${Math.max(2, net.outputs)})`, v);
    y[i] = v;
  }
  return { n, x, y };
}

/** A flat-vector optimiser. */
interface Optimizer32 {
  learningRate: number;
  step(theta: Float32Array, g: Float32Array): void;
}

function makeOptimizer(name: OptimizerName32, size: number, lr: number, momentum: number | undefined, weightDecay: number): Optimizer32 {
  if (name === 'adam') {
    const adam: Adam = createAdam({ size, learningRate: lr, weightDecay });
    return adam;
  }
  const velocity = name === 'momentum' ? new Float64Array(size) : undefined;
  const mu = momentum ?? 0.9;
  return {
    learningRate: lr,
    step(theta, g) {
      const eta = this.learningRate;
      for (let i = 0; i < size; i++) {
        const gi = g[i]! + weightDecay * theta[i]!;
        if (velocity) {
          // tfjs's MomentumOptimizer: v ← μv + g, θ ← θ − ηv.
          velocity[i] = mu * velocity[i]! + gi;
          theta[i] -= eta * velocity[i]!;
        } else theta[i] -= eta * gi;
      }
    },
  };
}

/**
 * Loss of `rows` predictions against their targets, with ∂loss/∂y written into gy: the batch
 * mean, as tfjs computes each loss (cross-entropies normalise p by its row sum and clip it to
 * [1e-7, 1 − 1e-7], as `tf.metrics.categoricalCrossentropy`). Counts correct predictions into
 * `hits[0]` for classification.
 */
function lossAndGradient(loss: LossName32, y: Float32Array, t: Float32Array, rows: number, k: number, gy: Float32Array, hits: Float64Array): number {
  let sum = 0;
  if (loss === 'mse') {
    const c = 2 / (rows * k);
    for (let i = 0; i < rows * k; i++) {
      const e = y[i]! - t[i]!;
      sum += e * e;
      gy[i] = c * e;
    }
    return sum / (rows * k);
  }
  if (loss === 'binary-crossentropy') {
    for (let r = 0; r < rows; r++) {
      const p = y[r]!,
        label = t[r]!;
      const q = Math.min(Math.max(p, EPS), 1 - EPS);
      sum -= label * Math.log(q) + (1 - label) * Math.log(1 - q);
      gy[r] = p > EPS && p < 1 - EPS ? (-label / q + (1 - label) / (1 - q)) / rows : 0;
      if (p > 0.5 === label > 0.5) hits[0]!++;
    }
    return sum / rows;
  }
  const sparse = loss === 'sparse-categorical-crossentropy';
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    let s = 0,
      best = 0;
    for (let j = 0; j < k; j++) {
      s += y[o + j]!;
      if (y[o + j]! > y[o + best]!) best = j;
    }
    let rowLoss = 0;
    let truth = sparse ? t[r]! : 0;
    // −Σ_j t_j log clip(p_j / S): ∂/∂p_m = −t_m/p_m + Σ_j t_j / S over the unclipped j.
    let tSum = 0;
    for (let j = 0; j < k; j++) gy[o + j] = 0;
    for (let j = 0; j < k; j++) {
      const tj = sparse ? (j === t[r] ? 1 : 0) : t[o + j]!;
      if (!sparse && tj > t[o + truth]!) truth = j;
      if (tj === 0) continue;
      const q = y[o + j]! / s;
      const c = Math.min(Math.max(q, EPS), 1 - EPS);
      rowLoss -= tj * Math.log(c);
      if (q > EPS && q < 1 - EPS) {
        tSum += tj;
        gy[o + j] -= tj / y[o + j]!;
      }
    }
    for (let j = 0; j < k; j++) gy[o + j] = (gy[o + j]! + tSum / s) / rows;
    sum += rowLoss;
    if (truth === best) hits[0]!++;
  }
  return sum / rows;
}

/** Run a user callback; a throw that is not coded becomes CALLBACK_FAILED naming it. */
function callUser<T>(callback: string, fn: () => T, at: { step: number; t: number }): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PhaseflowError) throw e;
    throw callbackFailed(callback, e, at);
  }
}

/**
 * A core {@link Trainer} that fits a {@link Trainable32} (createMlp32, createGradientField32,
 * or a third party's) by minibatch gradient descent on the float32 engine.
 *
 * Each epoch shuffles the samples with `createRandom(seed)` (the permutations @phaseflow/tfjs's
 * trainer draws for the same seed), sets η = schedule(epoch, η₀), and for each minibatch B
 * runs net.forwardTape, the loss L_B and ∂L_B/∂y, net.backwardTape, optional clipping (global
 * norm or per value), and the optimiser's in-place step: SGD, heavy-ball momentum or Adam
 * ({@link createAdam}). Every buffer is allocated before the first epoch. Losses are computed
 * as tfjs computes them, so the same network, data and seed give the same run up to float32
 * rounding. Observers receive `run:start`, `step` and `batch:end` per batch, `epoch:end` with
 * loss and metrics (`accuracy` for classification, `learningRate`, validation loss and
 * accuracy), and `run:end`; an AbortSignal ends the run with ABORTED, a non-finite loss with
 * NON_FINITE_STATE, both carrying the history so far.
 *
 * @example
 * ```ts
 * import { createGradientTrainer32, createMlp32 } from '@phaseflow/nn64';
 * const net = createMlp32({ sizes: [2, 16, 2], output: 'softmax', seed: 1 });
 * const inputs = Float32Array.of(0, 0, 0, 1, 1, 0, 1, 1);
 * const history = await createGradientTrainer32({ learningRate: 0.05, epochs: 50, batchSize: 4 }).fit(net, { inputs, targets: [0, 1, 1, 0] });
 * history.metrics.accuracy!.at(-1); // 1 after enough epochs
 * ```
 */
export function createGradientTrainer32(options?: GradientTrainer32Options): Trainer<Trainable32, Data32, GradientFit32Options, GradientHistory32> {
  const o = checkOptions('options', options, TRAINER_KEYS);
  const optimizerName = o.optimizer === undefined ? 'adam' : checkOneOf<OptimizerName32>('options.optimizer', o.optimizer, ['sgd', 'momentum', 'adam']);
  const learningRate = o.learningRate === undefined ? 0.01 : checkPositive('options.learningRate', o.learningRate);
  const momentum = o.momentum === undefined ? undefined : checkInRange('options.momentum', o.momentum, 0, 1);
  const loss = o.loss === undefined ? 'sparse-categorical-crossentropy' : checkOneOf<LossName32>('options.loss', o.loss, LOSSES);
  const defaultEpochs = o.epochs === undefined ? 10 : checkInteger('options.epochs', o.epochs, { min: 1 });
  const batchSize = o.batchSize === undefined ? 32 : checkInteger('options.batchSize', o.batchSize, { min: 1 });
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  if (o.shuffle !== undefined && typeof o.shuffle !== 'boolean') invalid('options.shuffle', 'a boolean', o.shuffle);
  const shuffle = o.shuffle ?? true;
  if (o.schedule !== undefined && typeof o.schedule !== 'function') invalid('options.schedule', 'a function (epoch, initial) => rate', o.schedule);
  const schedule = o.schedule;
  const clipNorm = o.clipNorm === undefined ? undefined : checkPositive('options.clipNorm', o.clipNorm);
  const clipValue = o.clipValue === undefined ? undefined : checkPositive('options.clipValue', o.clipValue);
  const validationSplit = o.validationSplit === undefined ? 0 : checkInRange('options.validationSplit', o.validationSplit, 0, 1);
  if (validationSplit >= 1) invalid('options.validationSplit', 'a fraction in [0, 1)', validationSplit);
  const weightDecay = o.weightDecay === undefined ? 0 : checkNonNegative('options.weightDecay', o.weightDecay);
  const labels = loss === 'sparse-categorical-crossentropy' || loss === 'binary-crossentropy';
  const classification = loss !== 'mse';
  const name = `gradient32(${optimizerName})`;

  async function fit(netArg: Trainable32, data: Data32, fitOptions?: GradientFit32Options): Promise<GradientHistory32> {
    const net = netArg;
    if (
      net === null ||
      typeof net !== 'object' ||
      typeof net.forwardTape !== 'function' ||
      typeof net.backwardTape !== 'function' ||
      !(net.theta instanceof Float32Array)
    )
      invalid('model', 'a Trainable32 { theta, inputs, outputs, forwardTape, backwardTape } (createMlp32, createGradientField32)', net);
    const fo = checkOptions('options', fitOptions, FIT_KEYS);
    // Only a left-out option takes the default: null is refused like any other bad value.
    if (fo.observers === null) invalid('options.observers', 'an array of observers', null);
    const epochs = fo.epochs === undefined ? defaultEpochs : checkInteger('options.epochs', fo.epochs, { min: 1 });
    const all = toSet('data', data, net, labels);
    let train = all;
    let val: Set32 | undefined = fo.validation === undefined ? undefined : toSet('options.validation', fo.validation, net, labels);
    if (val === undefined && validationSplit > 0) {
      const nVal = Math.floor(all.n * validationSplit);
      const nTrain = all.n - nVal;
      if (nVal === 0 || nTrain === 0)
        invalid('options.validationSplit', `a fraction leaving at least one training and one validation sample of ${all.n}`, validationSplit);
      const tw = labels ? 1 : net.outputs;
      train = { n: nTrain, x: all.x.subarray(0, nTrain * net.inputs), y: all.y.subarray(0, nTrain * tw) };
      val = { n: nVal, x: all.x.subarray(nTrain * net.inputs), y: all.y.subarray(nTrain * tw) };
    }
    const n = train.n;
    const size = net.theta.length;
    const rowsPerBatch = Math.min(batchSize, n);
    const batches = Math.ceil(n / rowsPerBatch);
    const tw = labels ? 1 : net.outputs;
    // Every buffer of the loop, allocated once.
    const xb = new Float32Array(rowsPerBatch * net.inputs);
    const yb = new Float32Array(rowsPerBatch * tw);
    const gy = new Float32Array(Math.max(rowsPerBatch, val?.n ?? 0) * net.outputs);
    const gTheta = new Float32Array(size);
    const hits = new Float64Array(1);
    const optimizer = makeOptimizer(optimizerName, size, learningRate, momentum, weightDecay);
    const rng = createRandom(seed);
    const indices = new Int32Array(n);
    for (let i = 0; i < n; i++) indices[i] = i;

    const lossHistory: number[] = [];
    const metrics: Record<string, number[]> = { learningRate: [] };
    const epochMs: number[] = [];
    if (classification) metrics.accuracy = [];
    if (val) {
      metrics.validationLoss = [];
      if (classification) metrics.validationAccuracy = [];
    }
    let step = 0;
    let flowTime = 0;
    let epochsDone = 0;
    const history = (status: 'completed' | 'stopped'): GradientHistory32 => ({
      status,
      ...(run.stopReason !== undefined && { reason: run.stopReason }),
      epochs: epochsDone,
      loss: lossHistory,
      metrics,
      epochMs,
      engine: 'nn64',
      backend: net.kernel,
      threads: net.threads ?? 1,
    });
    const run = createRunLifecycle<GradientHistory32>({
      run: 'training',
      name,
      observers: fo.observers,
      signal: fo.signal,
      partial: (status) => ({ ...history('stopped'), status }) as unknown as GradientHistory32,
    });
    const events = run.events;
    const wantsBatchLoss = events.has('batch:end') || events.has('step');

    /** Mean loss and accuracy on a set, in chunks of the batch size (the network's buffers). */
    const evaluateSet = (s: Set32, at: { step: number; t: number }): { loss: number; accuracy?: number } => {
      let total = 0;
      hits[0] = 0;
      for (let start = 0; start < s.n; start += rowsPerBatch) {
        const rows = Math.min(rowsPerBatch, s.n - start);
        const y = callUser('model', () => net.forwardTape(s.x.subarray(start * net.inputs, (start + rows) * net.inputs), rows), at);
        total += rows * lossAndGradient(loss, y, s.y.subarray(start * tw, (start + rows) * tw), rows, net.outputs, gy, hits);
      }
      return { loss: total / s.n, ...(classification && { accuracy: hits[0]! / s.n }) };
    };

    const yielder = createYielder();
    run.start({ total: epochs });
    try {
      run.checkAbort('training aborted before its first epoch');
      for (let epoch = 0; epoch < epochs; epoch++) {
        const started = performance.now();
        const lr = schedule ? run.guard('options.schedule', () => schedule(epoch, learningRate)) : learningRate;
        if (!(typeof lr === 'number' && Number.isFinite(lr) && lr > 0))
          invalid('options.schedule', `a schedule returning a finite rate > 0 (epoch ${epoch})`, lr);
        optimizer.learningRate = lr;
        if (shuffle) rng.shuffle(indices);
        let lossSum = 0;
        let correct = 0;
        let seen = 0;
        for (let b = 0; b < batches; b++) {
          const start = b * rowsPerBatch;
          const rows = Math.min(rowsPerBatch, n - start);
          for (let r = 0; r < rows; r++) {
            const i = indices[start + r]!;
            xb.set(train.x.subarray(i * net.inputs, (i + 1) * net.inputs), r * net.inputs);
            if (tw === 1) yb[r] = train.y[i]!;
            else yb.set(train.y.subarray(i * tw, (i + 1) * tw), r * tw);
          }
          const at = { step: step + 1, t: flowTime + lr };
          const y = callUser('model', () => net.forwardTape(rows === rowsPerBatch ? xb : xb.subarray(0, rows * net.inputs), rows), at);
          hits[0] = 0;
          const batchLoss = lossAndGradient(loss, y, yb, rows, net.outputs, gy, hits);
          gTheta.fill(0);
          callUser('model', () => net.backwardTape(gy, gTheta), at);
          if (clipValue !== undefined) for (let i = 0; i < size; i++) gTheta[i] = Math.min(clipValue, Math.max(-clipValue, gTheta[i]!));
          if (clipNorm !== undefined) {
            let s = 0;
            for (let i = 0; i < size; i++) s += gTheta[i]! * gTheta[i]!;
            const factor = Math.min(1, clipNorm / Math.max(Math.sqrt(s), 1e-12));
            if (factor < 1) for (let i = 0; i < size; i++) gTheta[i]! *= factor;
          }
          optimizer.step(net.theta, gTheta);
          lossSum += batchLoss * rows;
          correct += hits[0]!;
          seen += rows;
          step++;
          flowTime += lr;
          if (wantsBatchLoss) {
            run.step({ step, t: flowTime, h: lr, state: net, loss: batchLoss });
            if (events.has('batch:end')) events.emit('batch:end', { epoch, batch: b, loss: batchLoss });
          } else run.at(step, flowTime);
          if (yielder.due()) await yielder.pause();
          if (run.signal?.aborted) run.abort(`training aborted in epoch ${epoch} (0-based), batch ${b}`, { epoch, batch: b });
          if (events.stopReason !== undefined) break;
        }
        const epochLoss = lossSum / seen;
        epochsDone++;
        lossHistory.push(epochLoss);
        metrics.learningRate!.push(lr);
        const current: Record<string, number> = { learningRate: lr };
        if (classification) {
          metrics.accuracy!.push(correct / seen);
          current.accuracy = correct / seen;
        }
        if (val) {
          const v = evaluateSet(val, { step, t: flowTime });
          metrics.validationLoss!.push(v.loss);
          current.validationLoss = v.loss;
          if (v.accuracy !== undefined) {
            metrics.validationAccuracy!.push(v.accuracy);
            current.validationAccuracy = v.accuracy;
          }
        }
        epochMs.push(performance.now() - started);
        if (!Number.isFinite(epochLoss)) {
          run.fail('NON_FINITE_STATE', `training loss became non-finite in epoch ${epoch} (0-based; step ${step}, learning rate ${lr})`, { epoch, h: lr });
        }
        events.emit('epoch:end', { epoch, total: epochs, loss: epochLoss, metrics: current });
        if (events.stopReason !== undefined) break;
        if (yielder.due()) await yielder.pause();
        if (run.signal?.aborted) run.abort(`training aborted after epoch ${epoch} (0-based)`, { epoch });
      }
      run.checkAbort(`training aborted after ${epochsDone} epochs`);
    } catch (e) {
      run.failWith(e);
    }
    const h = history(events.stopReason !== undefined ? 'stopped' : 'completed');
    run.finish({ t: flowTime });
    return h;
  }

  return { name, fit };
}
