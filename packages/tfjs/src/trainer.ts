/**
 * The gradient Trainer: minibatch gradient descent over tf.train optimisers, speaking core's
 * Trainer/Observer vocabulary (training as a discretised gradient flow: every batch is a step
 * of size η, `t` is Σ η).
 */
import * as tf from '@tensorflow/tfjs';
import {
  createYielder,
  PhaseflowError,
  callbackFailed,
  checkInRange,
  checkInteger,
  checkOneOf,
  checkOptions,
  checkPositive,
  createRandom,
  createRunLifecycle,
  invalid,
  type FitOptions,
  type Trainer,
  type TrainingHistory,
} from '@phaseflow/core';
import { toTensors, type DataTensors, type TargetKind, type TensorData } from './data.js';
import { checkSchedule, type LearningRateSchedule } from './schedules.js';
import { releaseTapeOnError } from './tape.js';

/** The optimisers by name (`momentum` is SGD with heavy-ball momentum). */
export type OptimizerName = 'sgd' | 'momentum' | 'adam' | 'rmsprop';

/** The built-in losses; a function (yTrue, yPred) → scalar is accepted too. */
export type LossName = 'sparse-categorical-crossentropy' | 'categorical-crossentropy' | 'binary-crossentropy' | 'mse';

/** A loss as a function of targets and predictions, returning the batch mean. */
export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

/** What the trainer fits: a tfjs model, or a layer (e.g. a {@link PhaseflowLayer}). */
export type TrainableModel = tf.LayersModel | tf.layers.Layer;

/** Options of {@link createGradientTrainer} (the run's hyper-parameters). */
export interface GradientTrainerOptions {
  /** `sgd`, `momentum`, `adam` (default) or `rmsprop`. */
  readonly optimizer?: OptimizerName;
  /** Base learning rate η₀ (default 0.01). */
  readonly learningRate?: number;
  /** Momentum coefficient for `momentum` and `rmsprop` (default 0.9 and 0). */
  readonly momentum?: number;
  /** Loss (default `sparse-categorical-crossentropy`). */
  readonly loss?: LossName | LossFunction;
  /**
   * How targets are read: class `labels` (a 1-D tensor of class indices), `binary` labels
   * (n × 1), or real-valued `rows` (n × k). Follows from a named loss; a custom loss function
   * reads `rows` unless this says otherwise.
   */
  readonly targets?: TargetKind;
  /** Epochs (default 10); `fit` options may override. */
  readonly epochs?: number;
  /** Minibatch size (default 32). */
  readonly batchSize?: number;
  /** Seed of the per-epoch shuffles (default 0). */
  readonly seed?: number;
  /** Shuffle the samples every epoch (default true). */
  readonly shuffle?: boolean;
  /** η(epoch, η₀); see stepDecay, exponentialDecay, cosineDecay. */
  readonly schedule?: LearningRateSchedule;
  /** Rescale the gradient to global norm ≤ clipNorm. */
  readonly clipNorm?: number;
  /** Clip every gradient entry to [−clipValue, clipValue]. */
  readonly clipValue?: number;
  /** Fraction of the data (its last samples, as in Keras) held out for validation. */
  readonly validationSplit?: number;
}

/** Options of one `fit` call. */
export interface GradientFitOptions extends FitOptions {
  /** Epochs for this call (overrides the trainer's). */
  readonly epochs?: number;
  /** Held-out data evaluated after every epoch (instead of `validationSplit`), in the shape of the training data. */
  readonly validation?: TensorData;
  /**
   * The old name of `validation`.
   *
   * @deprecated Use `validation`; removed in the next minor
   */
  readonly validationData?: TensorData;
}

/** What `fit` returns: core's history plus timings and the backend that ran. */
export interface GradientHistory extends TrainingHistory {
  /**
   * Per-epoch metrics: `accuracy` (classification losses), `learningRate`, and with
   * validation data `validationLoss` and `validationAccuracy` (also readable under their old
   * names `valLoss` and `valAccuracy`, deprecated, not enumerated, removed in the next minor).
   */
  readonly metrics: Record<string, number[]>;
  /** Wall time of each epoch in milliseconds (training and validation). */
  readonly epochMs: number[];
  /** The tfjs backend the run used. */
  readonly backend: string;
}

const TRAINER_KEYS = [
  'optimizer',
  'learningRate',
  'momentum',
  'loss',
  'targets',
  'epochs',
  'batchSize',
  'seed',
  'shuffle',
  'schedule',
  'clipNorm',
  'clipValue',
  'validationSplit',
];
const FIT_KEYS = ['observers', 'signal', 'epochs', 'validation', 'validationData'];

/** The 0.0 metric names, kept one minor as non-enumerable aliases of the new ones. */
const OLD_METRIC_NAMES = { validationLoss: 'valLoss', validationAccuracy: 'valAccuracy' } as const;
function aliasOldMetricNames<T>(metrics: Record<string, T>): Record<string, T> {
  for (const [name, old] of Object.entries(OLD_METRIC_NAMES)) {
    if (name in metrics) Object.defineProperty(metrics, old, { get: () => metrics[name], enumerable: false, configurable: true });
  }
  return metrics;
}
const LOSSES: readonly LossName[] = ['sparse-categorical-crossentropy', 'categorical-crossentropy', 'binary-crossentropy', 'mse'];

function lossFunction(loss: LossName | LossFunction): LossFunction {
  if (typeof loss === 'function') return loss;
  switch (loss) {
    case 'sparse-categorical-crossentropy':
      return (t, p) => {
        const classes = p.shape[p.shape.length - 1]!;
        const oneHot = tf.oneHot(tf.cast(tf.reshape(t, [-1]), 'int32'), classes);
        return tf.mean(tf.metrics.categoricalCrossentropy(oneHot, tf.reshape(p, [-1, classes])));
      };
    case 'categorical-crossentropy':
      return (t, p) => tf.mean(tf.metrics.categoricalCrossentropy(t, p));
    case 'binary-crossentropy':
      return (t, p) => tf.mean(tf.metrics.binaryCrossentropy(t, p));
    case 'mse':
      return (t, p) => tf.losses.meanSquaredError(t, p) as tf.Scalar;
  }
}

function targetKind(loss: LossName | LossFunction): TargetKind {
  if (loss === 'sparse-categorical-crossentropy') return 'labels';
  if (loss === 'binary-crossentropy') return 'binary';
  return 'rows';
}

/** Number of correct predictions in a batch, as a scalar tensor (classification only). */
function correct(loss: LossName | LossFunction, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar | undefined {
  switch (loss) {
    case 'sparse-categorical-crossentropy':
      return tf.sum(tf.cast(tf.equal(tf.argMax(yPred, -1), tf.cast(tf.reshape(yTrue, [-1]), 'int32')), 'float32')) as tf.Scalar;
    case 'categorical-crossentropy':
      return tf.sum(tf.cast(tf.equal(tf.argMax(yPred, -1), tf.argMax(yTrue, -1)), 'float32')) as tf.Scalar;
    case 'binary-crossentropy':
      return tf.sum(tf.cast(tf.equal(tf.greater(yPred, 0.5), tf.greater(yTrue, 0.5)), 'float32')) as tf.Scalar;
    default:
      return undefined;
  }
}

function makeOptimizer(name: OptimizerName, lr: number, momentum: number | undefined): tf.Optimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      return tf.train.momentum(lr, momentum ?? 0.9);
    case 'adam':
      return tf.train.adam(lr);
    case 'rmsprop':
      return tf.train.rmsprop(lr, 0.9, momentum ?? 0);
  }
}

/**
 * `optimizer.dispose()`, and the learning-rate scalar it may leave: tfjs's MomentumOptimizer
 * does not call SGD's dispose, so its `c` = −η outlives it (one tensor per fit).
 */
function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  const c = (optimizer as unknown as { c?: unknown }).c;
  if (c instanceof tf.Tensor && !c.isDisposed) c.dispose();
}

function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as tf.Optimizer & { setLearningRate?: (lr: number) => void; learningRate?: number };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}

function apply(model: TrainableModel, x: tf.Tensor, training: boolean): tf.Tensor {
  const y = model.apply(x, { training }) as tf.Tensor | tf.Tensor[];
  if (Array.isArray(y)) {
    if (y.length !== 1) invalid('model', 'a model with one output', `${y.length} outputs`);
    return y[0]!;
  }
  return y;
}

function checkModel(model: unknown): TrainableModel {
  if (!(model instanceof tf.LayersModel) && !(model instanceof tf.layers.Layer)) {
    invalid('model', 'a tf.LayersModel or tf.layers.Layer', model);
  }
  return model;
}

/** The model's output width, probed with one sample (builds an unbuilt layer). */
function outputWidth(model: TrainableModel, x: tf.Tensor, argument: string): number {
  try {
    return tf.tidy(() => {
      const y = apply(model, tf.slice(x, 0, 1), false);
      return y.shape[y.shape.length - 1] ?? 1;
    });
  } catch (e) {
    if (e instanceof PhaseflowError) throw e;
    throw new PhaseflowError(
      'SHAPE_MISMATCH',
      `${argument}: samples of shape [${x.shape.slice(1).join(', ')}] do not fit the model: ${e instanceof Error ? e.message : String(e)}`,
      {
        argument,
        expected: 'samples shaped like the model input',
        received: `[${x.shape.slice(1).join(', ')}]`,
      },
      { cause: e },
    );
  }
}

/** Mean loss and accuracy of `model` on tensors, in chunks; no tensor left behind. */
function evaluateTensors(
  model: TrainableModel,
  lossFn: LossFunction,
  loss: LossName | LossFunction,
  d: DataTensors,
  chunk: number,
): { loss: number; accuracy?: number } {
  const [sumLoss, sumCorrect] = tf.tidy(() => {
    let l: tf.Tensor = tf.scalar(0);
    let c: tf.Tensor | undefined;
    for (let start = 0; start < d.n; start += chunk) {
      const size = Math.min(chunk, d.n - start);
      const xb = tf.slice(d.x, start, size);
      const yb = tf.slice(d.y, start, size);
      const p = apply(model, xb, false);
      l = tf.add(l, tf.mul(lossFn(yb, p), size));
      const k = correct(loss, yb, p);
      if (k) c = c ? tf.add(c, k) : k;
    }
    return c ? [l, c] : [l];
  });
  const lv = sumLoss!.dataSync()[0]! / d.n;
  const cv = sumCorrect ? sumCorrect.dataSync()[0]! / d.n : undefined;
  tf.dispose([sumLoss!, ...(sumCorrect ? [sumCorrect] : [])]);
  return { loss: lv, ...(cv !== undefined && { accuracy: cv }) };
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
 * A core {@link Trainer} that fits a tfjs model by minibatch gradient descent.
 *
 * Each epoch shuffles the samples with a seeded permutation (`createRandom(seed)`), sets
 * η = schedule(epoch, η₀), and for each minibatch B takes θ ← θ − η·update(∇θ L_B) with the
 * chosen optimiser (SGD, heavy-ball momentum, Adam — Kingma & Ba 2015, RMSprop — Tieleman &
 * Hinton 2012), after optional clipping (global norm, Pascanu et al. 2013, or per value).
 * Observers receive `run:start`, `step` and `batch:end` per batch (loss read from the device
 * only when someone listens), `epoch:end` with loss and metrics, and `run:end`; any Observer
 * may stop the run (early stopping). An `AbortSignal` ends it with ABORTED; a non-finite loss
 * with NON_FINITE_STATE — both carry the history so far as `partial`. The optimiser's slots
 * are released when `fit` returns: `tf.memory().numTensors` is unchanged by a fit.
 *
 * @example
 * ```ts
 * const trainer = createGradientTrainer({ optimizer: 'adam', learningRate: 0.01, epochs: 50, batchSize: 32 });
 * const history = await trainer.fit(createMlp({ inputs: 2, hidden: [32, 32], outputs: 2 }), { inputs: x, targets: y });
 * history.metrics.accuracy.at(-1);
 * ```
 */
export function createGradientTrainer(options?: GradientTrainerOptions): Trainer<TrainableModel, TensorData, GradientFitOptions, GradientHistory> {
  const o = checkOptions('options', options, TRAINER_KEYS);
  const optimizerName =
    o.optimizer === undefined ? 'adam' : checkOneOf<OptimizerName>('options.optimizer', o.optimizer, ['sgd', 'momentum', 'adam', 'rmsprop']);
  const learningRate = o.learningRate === undefined ? 0.01 : checkPositive('options.learningRate', o.learningRate);
  const momentum = o.momentum === undefined ? undefined : checkInRange('options.momentum', o.momentum, 0, 1);
  const loss =
    o.loss === undefined ? 'sparse-categorical-crossentropy' : typeof o.loss === 'function' ? o.loss : checkOneOf<LossName>('options.loss', o.loss, LOSSES);
  const defaultEpochs = o.epochs === undefined ? 10 : checkInteger('options.epochs', o.epochs, { min: 1 });
  const batchSize = o.batchSize === undefined ? 32 : checkInteger('options.batchSize', o.batchSize, { min: 1 });
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  if (o.shuffle !== undefined && typeof o.shuffle !== 'boolean') invalid('options.shuffle', 'a boolean', o.shuffle);
  const shuffle = o.shuffle ?? true;
  const schedule = o.schedule === undefined ? undefined : checkSchedule(o.schedule);
  const clipNorm = o.clipNorm === undefined ? undefined : checkPositive('options.clipNorm', o.clipNorm);
  const clipValue = o.clipValue === undefined ? undefined : checkPositive('options.clipValue', o.clipValue);
  const validationSplit = o.validationSplit === undefined ? 0 : checkInRange('options.validationSplit', o.validationSplit, 0, 1);
  if (validationSplit >= 1) invalid('options.validationSplit', 'a fraction in [0, 1)', validationSplit);
  const lossFn = lossFunction(loss);
  const kind = o.targets === undefined ? targetKind(loss) : checkOneOf<TargetKind>('options.targets', o.targets, ['labels', 'binary', 'rows']);
  if (o.targets !== undefined && typeof loss === 'string' && o.targets !== targetKind(loss)) {
    invalid('options.targets', `${JSON.stringify(targetKind(loss))} (what loss ${JSON.stringify(loss)} reads)`, o.targets);
  }
  const name = `gradient(${optimizerName})`;

  async function fit(modelArg: TrainableModel, data: TensorData, fitOptions?: GradientFitOptions): Promise<GradientHistory> {
    const model = checkModel(modelArg);
    const fo = checkOptions('options', fitOptions, FIT_KEYS);
    const epochs = fo.epochs === undefined ? defaultEpochs : checkInteger('options.epochs', fo.epochs, { min: 1 });
    if (fo.validation !== undefined && fo.validationData !== undefined) {
      invalid('options.validationData', 'either options.validation or its deprecated name validationData, not both', fo.validationData);
    }
    const [validationArg, validationData] =
      fo.validationData !== undefined ? ['options.validationData', fo.validationData] : ['options.validation', fo.validation];
    let history: (status: 'completed' | 'stopped') => GradientHistory = () => {
      throw new PhaseflowError('INVALID_STATE', 'no history before the run starts');
    };
    // The run's lifecycle: run:start/run:end once; ABORTED and failures carry the history so far.
    const run = createRunLifecycle<GradientHistory>({
      run: 'training',
      name,
      observers: fo.observers,
      signal: fo.signal,
      partial: (status) => ({ ...history('stopped'), status }) as unknown as GradientHistory,
    });
    const events = run.events;

    // The output width decides the label range; probed with the first sample.
    const all = toTensors(data, kind, (x) => outputWidth(model, x, 'data.x'), 'data');
    let train: DataTensors = all;
    let val: DataTensors | undefined;
    const owned: tf.Tensor[] = [all.x, all.y];
    try {
      if (validationData !== undefined) {
        val = toTensors(validationData, kind, (x) => outputWidth(model, x, `${validationArg}.inputs`), validationArg);
        owned.push(val.x, val.y);
      } else if (validationSplit > 0) {
        const nVal = Math.floor(all.n * validationSplit);
        const nTrain = all.n - nVal;
        if (nVal === 0 || nTrain === 0) {
          invalid('options.validationSplit', `a fraction leaving at least one training and one validation sample of ${all.n}`, validationSplit);
        }
        train = { x: tf.slice(all.x, 0, nTrain), y: tf.slice(all.y, 0, nTrain), n: nTrain };
        val = { x: tf.slice(all.x, nTrain, nVal), y: tf.slice(all.y, nTrain, nVal), n: nVal };
        owned.push(train.x, train.y, val.x, val.y);
      }
    } catch (e) {
      tf.dispose(owned);
      throw e;
    }

    const optimizer = makeOptimizer(optimizerName, learningRate, momentum);
    const rng = createRandom(seed);
    const n = train.n;
    const batches = Math.ceil(n / batchSize);
    const lossHistory: number[] = [];
    const metrics: Record<string, number[]> = { learningRate: [] };
    const epochMs: number[] = [];
    const wantsBatchLoss = events.has('batch:end') || events.has('step');
    const classification = typeof loss === 'string' && loss !== 'mse';
    if (classification) metrics.accuracy = [];
    if (val) {
      metrics.validationLoss = [];
      if (classification) metrics.validationAccuracy = [];
      aliasOldMetricNames(metrics);
    }
    let step = 0;
    let flowTime = 0;
    let epochsDone = 0;
    history = (status: 'completed' | 'stopped'): GradientHistory => ({
      status,
      ...(events.stopReason !== undefined && { reason: events.stopReason }),
      epochs: epochsDone,
      loss: lossHistory,
      metrics,
      epochMs,
      backend: tf.getBackend(),
    });
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    if (vars.length === 0) {
      tf.dispose(owned);
      disposeOptimizer(optimizer);
      invalid('model', 'a model with trainable weights', 'none');
    }
    const indices = new Int32Array(n);
    for (let i = 0; i < n; i++) indices[i] = i;

    // Yield to the event loop every ~20 ms of work, so a timer's abort lands between batches.
    const yielder = createYielder();
    run.start({ total: epochs });
    try {
      run.checkAbort('training aborted before its first epoch');
      for (let epoch = 0; epoch < epochs; epoch++) {
        const started = performance.now();
        const lr = schedule ? run.guard('options.schedule', () => schedule(epoch, learningRate)) : learningRate;
        if (!(typeof lr === 'number' && Number.isFinite(lr) && lr > 0)) {
          invalid('options.schedule', `a schedule returning a finite rate > 0 (epoch ${epoch})`, lr);
        }
        setLearningRate(optimizer, lr);
        if (shuffle) rng.shuffle(indices);
        const order = shuffle ? tf.tensor1d(indices, 'int32') : undefined;
        let lossSum: tf.Tensor = tf.scalar(0);
        let correctSum: tf.Tensor | undefined;
        let seen = 0;
        // On any throw (a loss, an observer, an abort) the epoch's running sums go with it.
        try {
          for (let b = 0; b < batches; b++) {
            const start = b * batchSize;
            const size = Math.min(batchSize, n - start);
            const batchLoss = releaseTapeOnError(() =>
              tf.tidy(() => {
                const idx = order ? tf.slice(order, start, size) : undefined;
                const xb = idx ? tf.gather(train.x, idx) : tf.slice(train.x, start, size);
                const yb = idx ? tf.gather(train.y, idx) : tf.slice(train.y, start, size);
                let hits: tf.Scalar | undefined;
                const at = { step: step + 1, t: flowTime + lr };
                const { value, grads } = tf.variableGrads(() => {
                  const pred = callUser('model', () => apply(model, xb, true), at);
                  const k = correct(loss, yb, pred);
                  if (k) hits = tf.keep(k);
                  return callUser('options.loss', () => lossFn(yb, pred), at);
                }, vars);
                let g = grads;
                if (clipValue !== undefined) {
                  g = Object.fromEntries(Object.entries(g).map(([k, v]) => [k, tf.clipByValue(v, -clipValue, clipValue)]));
                }
                if (clipNorm !== undefined) {
                  const norm = tf.sqrt(tf.addN(Object.values(g).map((v) => tf.sum(tf.square(v)))));
                  const factor = tf.minimum(1, tf.div(clipNorm, tf.maximum(norm, 1e-12)));
                  g = Object.fromEntries(Object.entries(g).map(([k, v]) => [k, tf.mul(v, factor)]));
                }
                optimizer.applyGradients(g);
                const weighted = tf.mul(value, size);
                const nextLoss = tf.add(lossSum, weighted);
                tf.keep(nextLoss);
                if (hits) {
                  const nextCorrect = correctSum ? tf.add(correctSum, hits) : tf.clone(hits);
                  tf.keep(nextCorrect);
                  hits.dispose();
                  correctSum?.dispose();
                  correctSum = nextCorrect;
                }
                lossSum.dispose();
                lossSum = nextLoss;
                return value;
              }),
            );
            seen += size;
            step++;
            flowTime += lr;
            try {
              if (wantsBatchLoss) {
                const lv = (await batchLoss.data())[0]!;
                run.step({ step, t: flowTime, h: lr, state: model, loss: lv });
                if (events.has('batch:end')) events.emit('batch:end', { epoch, batch: b, loss: lv });
              } else run.at(step, flowTime);
            } finally {
              batchLoss.dispose();
            }
            if (yielder.due()) await yielder.pause();
            if (run.signal?.aborted) run.abort(`training aborted in epoch ${epoch} (0-based), batch ${b}`, { epoch, batch: b });
            if (events.stopReason !== undefined) break;
          }
        } catch (e) {
          order?.dispose();
          tf.dispose([lossSum, ...(correctSum ? [correctSum] : [])]);
          throw e;
        }
        order?.dispose();
        const epochLoss = (await lossSum.data())[0]! / seen;
        const epochAcc = correctSum ? (await correctSum.data())[0]! / seen : undefined;
        tf.dispose([lossSum, ...(correctSum ? [correctSum] : [])]);
        epochsDone++;
        lossHistory.push(epochLoss);
        metrics.learningRate!.push(lr);
        const current: Record<string, number> = { learningRate: lr };
        if (epochAcc !== undefined) {
          metrics.accuracy!.push(epochAcc);
          current.accuracy = epochAcc;
        }
        if (val) {
          const v = callUser('options.loss', () => evaluateTensors(model, lossFn, loss, val!, 1024), { step, t: flowTime });
          metrics.validationLoss!.push(v.loss);
          current.validationLoss = v.loss;
          if (v.accuracy !== undefined) {
            metrics.validationAccuracy!.push(v.accuracy);
            current.validationAccuracy = v.accuracy;
          }
          aliasOldMetricNames(current);
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
      // A signal fired while an observer stopped the run still lands.
      run.checkAbort(`training aborted after ${epochsDone} epochs`);
    } catch (e) {
      run.failWith(e);
    } finally {
      disposeOptimizer(optimizer);
      tf.dispose(owned);
    }
    const h = history(events.stopReason !== undefined ? 'stopped' : 'completed');
    run.finish({ t: flowTime });
    return h;
  }

  return { name, fit };
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** The loss to report (default `sparse-categorical-crossentropy`). */
  readonly loss?: LossName | LossFunction;
  /** Samples per forward pass (default 1024). */
  readonly batchSize?: number;
}

/**
 * Mean loss and, for classification losses, accuracy (fraction of argmax predictions equal to
 * the label) of `model` on `data`, in inference mode; no tensor left behind.
 *
 * @example
 * ```ts
 * const { accuracy } = evaluate(model, { inputs: test.x, targets: test.y }); // 0.985
 * ```
 */
export function evaluate(model: TrainableModel, data: TensorData, options?: EvaluateOptions): { loss: number; accuracy?: number } {
  checkModel(model);
  const o = checkOptions('options', options, ['loss', 'batchSize']);
  const loss =
    o.loss === undefined ? 'sparse-categorical-crossentropy' : typeof o.loss === 'function' ? o.loss : checkOneOf<LossName>('options.loss', o.loss, LOSSES);
  const chunk = o.batchSize === undefined ? 1024 : checkInteger('options.batchSize', o.batchSize, { min: 1 });
  const d = toTensors(data, targetKind(loss), (x) => outputWidth(model, x, 'data.x'), 'data');
  try {
    return evaluateTensors(model, lossFunction(loss), loss, d, chunk);
  } finally {
    tf.dispose([d.x, d.y]);
  }
}
