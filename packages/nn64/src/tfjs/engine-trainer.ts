/**
 * The bridge between tfjs models and the float32 engine: a model's float32 twin (its weights
 * copied, the same map), and a gradient Trainer with @phaseflow/tfjs's options that trains a
 * model on the engine its layers ask for — nn64 for small ones by default, tfjs otherwise —
 * and records which in the history.
 */
import * as tf from '@tensorflow/tfjs';
import { PhaseflowError, checkOptions, invalid, isPhaseflowError, type Trainer } from '@phaseflow/core';
import {
  countWeights,
  createGradientTrainer,
  readWeights,
  toTensors,
  writeWeights,
  type GradientFitOptions,
  type GradientHistory,
  type GradientTrainerOptions,
  type TargetKind,
  type TensorData,
  type TrainableModel,
} from '@phaseflow/tfjs';
import { chainTrainable32 } from '../chain32.js';
import { ENGINE_CHOICES, chooseEngine, type EngineChoice } from '../engine.js';
import { createDense32 } from '../mlp32.js';
import { checkThreads } from '../workspace.js';
import type { Trainable32, Twin32Options } from '../trainable.js';
import { createGradientTrainer32, type Data32, type GradientTrainer32Options } from '../trainer32.js';

/**
 * A layer with a float32 twin: its engine choice and a method giving the twin (weights
 * copied from the layer, θ in the order of the layer's `trainableWeights`, each flattened
 * row-major). @phaseflow/hamiltonian-nets' and @phaseflow/stable-nets' layers implement it;
 * `toTrainable32` throws NOT_AVAILABLE, naming why, for a configuration the engine lacks.
 */
export interface Nn64Layer {
  readonly engine?: EngineChoice;
  /** The twin; `options.threads` as the engine's networks take it (a layer may ignore it and run on one). */
  toTrainable32(options?: Twin32Options): Trainable32;
}

/** Options of {@link createEngineTrainer}: @phaseflow/tfjs's gradient Trainer options, and the engine's `threads`. */
export interface EngineTrainerOptions extends GradientTrainerOptions {
  /**
   * Threads of the twin's large products when the model trains on nn64 (1 default, 2: a helper
   * worker thread, bit for bit the one-thread result; the history's `threads` says what ran).
   * The tfjs engine ignores it.
   */
  readonly threads?: 1 | 2;
}

/** What {@link createEngineTrainer}'s `fit` returns: @phaseflow/tfjs's history, the engine that ran and why. */
export interface EngineHistory extends GradientHistory {
  /** `nn64` (then `backend` is the kernels: `wasm-simd` or `js`) or `tfjs` (then `backend` is the tfjs backend). */
  readonly engine: 'nn64' | 'tfjs';
  /** Why that engine: `engine: nn64`, `auto: 40601 parameters ≤ 1000000`, `auto: IntegratorBlock has no nn64 twin`, … */
  readonly engineReason: string;
  /** On nn64, the threads the twin's products ran on (createEngineTrainer's `threads`, where a helper could run). */
  readonly threads?: number;
}

const hasTwin = (v: unknown): v is Nn64Layer => v !== null && typeof v === 'object' && typeof (v as Nn64Layer).toTrainable32 === 'function';

/** The layers whose engine choices decide a model's. */
function layersOf(model: TrainableModel): tf.layers.Layer[] {
  return model instanceof tf.LayersModel ? model.layers : [model];
}

/**
 * The engine `model` asks for: a layer's `engine` option, or for a model the choice of its
 * layers (`tfjs` if any asks for tfjs, else `nn64` if any asks for nn64, else `auto`).
 *
 * @example
 * ```ts
 * engineOf(new HamiltonianNN({ engine: 'tfjs' })); // 'tfjs'
 * ```
 */
export function engineOf(model: TrainableModel): EngineChoice {
  if (!(model instanceof tf.LayersModel) && !(model instanceof tf.layers.Layer)) invalid('model', 'a tf.LayersModel or tf.layers.Layer', model);
  const choices = layersOf(model)
    .map((l) => (l as Partial<Nn64Layer>).engine)
    .filter((e): e is EngineChoice => e !== undefined);
  for (const c of choices) if (!ENGINE_CHOICES.includes(c)) invalid('engine', `one of ${ENGINE_CHOICES.join(', ')}`, c);
  return choices.includes('tfjs') ? 'tfjs' : choices.includes('nn64') ? 'nn64' : 'auto';
}

const DENSE_ACTIVATIONS = ['linear', 'tanh', 'relu', 'sigmoid', 'softplus', 'softmax'] as const;

function notAvailable(what: string): never {
  throw new PhaseflowError('NOT_AVAILABLE', `${what} has no nn64 twin`, { argument: 'model', expected: 'layers with a float32 twin', received: what });
}

/** One layer's twin. */
function layerTwin(layer: tf.layers.Layer, threads: 1 | 2): Trainable32 {
  if (hasTwin(layer)) return layer.toTrainable32(threads === 1 ? undefined : { threads });
  const cls = layer.getClassName();
  if (cls === 'PhaseflowDense' || cls === 'Dense') {
    // @phaseflow/tfjs's PhaseflowDense and tf.layers.dense: kernel [in, units], then bias.
    const config = layer.getConfig();
    const activation = String(cls === 'Dense' ? config['activation'] : (layer as unknown as { activationName: string }).activationName);
    if (config['useBias'] === false) notAvailable(`a ${cls} layer without bias`);
    if (!(DENSE_ACTIVATIONS as readonly string[]).includes(activation)) notAvailable(`a ${cls} layer with activation ${activation}`);
    const kernel = layer.trainableWeights[0]!;
    if (kernel.shape.length !== 2 || layer.trainableWeights.length !== 2) notAvailable(`a ${cls} layer on inputs of rank > 2`);
    return createDense32({
      inputs: kernel.shape[0]!,
      units: kernel.shape[1]!,
      activation: activation as (typeof DENSE_ACTIVATIONS)[number],
      theta: Float32Array.from(readWeights(layer.trainableWeights)),
      threads,
    });
  }
  return notAvailable(`layer ${layer.name} (${layer.getClassName()})`);
}

/**
 * The float32 twin of a built tfjs model or layer: the same map on the engine of
 * @phaseflow/nn64, its θ the model's trainable weights end to end (copied). A layer with a
 * `toTrainable32()` method (HNNs, SympNets, stable blocks) gives its own; a `PhaseflowDense` or
 * `tf.layers.dense` (bias on; linear, tanh, relu, sigmoid, softplus or softmax) becomes createDense32; a
 * `tf.Sequential` of such layers becomes their chain. Anything else throws NOT_AVAILABLE
 * naming the layer. Train the twin, then write its θ back with @phaseflow/tfjs's
 * `writeWeights(model.trainableWeights, twin.theta)`.
 *
 * @example
 * ```ts
 * const twin = toTrainable32(model);      // model: opening dense → block → softmax dense
 * twin.forwardTape(x, rows);              // = model.predict(x), to float32 rounding
 * ```
 */
export function toTrainable32(model: TrainableModel, options?: Twin32Options): Trainable32 {
  if (!(model instanceof tf.LayersModel) && !(model instanceof tf.layers.Layer)) invalid('model', 'a tf.LayersModel or tf.layers.Layer', model);
  const threads = checkThreads(checkOptions('options', options, ['threads']).threads);
  if (model instanceof tf.layers.Layer && !model.built) invalid('model', 'a built layer (call or fit it first)', 'an unbuilt layer', 'INVALID_STATE');
  if (model instanceof tf.Sequential)
    return model.layers.length === 1 ? layerTwin(model.layers[0]!, threads) : chainTrainable32(model.layers.map((l) => layerTwin(l, threads)));
  if (model instanceof tf.LayersModel) return notAvailable('a functional tf.LayersModel (only tf.Sequential chains)');
  return layerTwin(model, threads);
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
  'threads',
];

function targetKind(loss: unknown): TargetKind {
  if (loss === undefined || loss === 'sparse-categorical-crossentropy') return 'labels';
  if (loss === 'binary-crossentropy') return 'binary';
  return 'rows';
}

/** Tensor data → flat float32 rows, through @phaseflow/tfjs's checks. */
function toData32(data: TensorData, kind: TargetKind, width: number, argument: string): Data32 {
  const d = toTensors(data, kind, () => width, argument);
  try {
    return { inputs: d.x.dataSync() as Float32Array, targets: d.y.dataSync(), samples: d.n };
  } finally {
    tf.dispose([d.x, d.y]);
  }
}

/**
 * A gradient Trainer with @phaseflow/tfjs's `createGradientTrainer` options, data and
 * history, that trains each model on the engine its layers ask for ({@link engineOf}, decided
 * by nn64's `chooseEngine`): on the float32 engine of @phaseflow/nn64 — the model's twin
 * ({@link toTrainable32}) trained by createGradientTrainer32, its weights written back into
 * the model at the end (also when the run fails or is aborted) — or through tfjs ops by
 * createGradientTrainer itself. With `auto` (the layers' default) small models that have a
 * twin run on nn64; a model without a twin, more than a million parameters, or an option the
 * engine lacks (the `rmsprop` optimiser, a loss function, `targets`) runs on tfjs. The history
 * records `engine` and `engineReason`. Both engines draw the same shuffles for a seed and
 * compute the same losses, so they agree to float32 rounding.
 *
 * @example
 * ```ts
 * import { createEngineTrainer } from '@phaseflow/nn64/tfjs';
 * const hnn = new HamiltonianNN({ hidden: [200, 200] });        // engine: 'auto'
 * const h = await createEngineTrainer({ loss: 'mse', epochs: 300, batchSize: 750 }).fit(hnn, data);
 * h.engine; // 'nn64'
 * ```
 */
export function createEngineTrainer(options?: EngineTrainerOptions): Trainer<TrainableModel, TensorData, GradientFitOptions, EngineHistory> {
  const { threads: threadsArg, ...given } = checkOptions('options', options, TRAINER_KEYS);
  const threads = checkThreads(threadsArg);
  const userLoss = given.loss;
  // A loss function must return a tensor: said here, naming the option, before tfjs's gradient
  // tape fails on a number deep inside the step.
  const o: GradientTrainerOptions =
    typeof userLoss === 'function'
      ? {
          ...given,
          loss: (yTrue, yPred) => {
            const r = userLoss(yTrue, yPred);
            if (!(r instanceof tf.Tensor)) invalid('options.loss', 'a loss function returning a scalar tf.Tensor', r);
            return r;
          },
        }
      : given;
  const tfTrainer = createGradientTrainer(o);
  const unsupported =
    o.optimizer === 'rmsprop'
      ? "the 'rmsprop' optimiser"
      : typeof o.loss === 'function'
        ? 'a loss function (only the named losses)'
        : o.targets !== undefined
          ? 'options.targets'
          : undefined;
  const { targets: _targets, ...rest } = o;
  const nnTrainer = unsupported === undefined ? createGradientTrainer32(rest as GradientTrainer32Options) : undefined;
  const kind = targetKind(o.loss);

  async function fit(model: TrainableModel, data: TensorData, fitOptions?: GradientFitOptions): Promise<EngineHistory> {
    if (!(model instanceof tf.LayersModel) && !(model instanceof tf.layers.Layer)) invalid('model', 'a tf.LayersModel or tf.layers.Layer', model);
    const fo = checkOptions('options', fitOptions, ['observers', 'signal', 'epochs', 'validation', 'validationData']);
    // Only a left-out option takes the default: null is refused like any other bad value.
    for (const key of ['observers', 'validation', 'validationData'] as const) {
      if (fo[key] === null) invalid(`options.${key}`, key === 'observers' ? 'an array of observers' : 'labelled data { inputs, targets }', null);
    }
    const choice = engineOf(model);
    let reason = unsupported;
    let twin: Trainable32 | undefined;
    let width = 0;
    // Build an unbuilt model on one sample (its output width decides the label range).
    const widthOf = (x: tf.Tensor): number => {
      try {
        return tf.tidy(() => ((width = (model.apply(tf.slice(x, 0, 1)) as tf.Tensor).shape.at(-1) ?? 1), width));
      } catch (e) {
        if (e instanceof PhaseflowError) throw e;
        const shape = `[${x.shape.slice(1).join(', ')}]`;
        throw new PhaseflowError(
          'SHAPE_MISMATCH',
          `data.inputs: samples of shape ${shape} do not fit the model: ${e instanceof Error ? e.message : String(e)}`,
          { argument: 'data.inputs', expected: 'samples shaped like the model input', received: shape },
          { cause: e },
        );
      }
    };
    const probe = toTensors(data, kind, widthOf, 'data');
    try {
      if (width === 0) widthOf(probe.x);
    } finally {
      tf.dispose([probe.x, probe.y]);
    }
    if (reason === undefined && choice !== 'tfjs') {
      try {
        twin = toTrainable32(model, { threads });
      } catch (e) {
        if (isPhaseflowError(e, 'NOT_AVAILABLE')) reason = e.details.received ?? e.message;
        else throw e;
      }
    }
    const decision = chooseEngine(choice, countWeights(model.trainableWeights), reason);
    if (decision.engine === 'tfjs' || twin === undefined) {
      const h = await tfTrainer.fit(model, data, fitOptions);
      return { ...h, engine: 'tfjs', engineReason: decision.reason };
    }
    const train = toData32(data, kind, width, 'data');
    const validationArg = fo.validation !== undefined ? 'options.validation' : 'options.validationData';
    const validationData = fo.validation ?? fo.validationData;
    const validation = validationData === undefined ? undefined : toData32(validationData, kind, width, validationArg);
    const net = twin;
    try {
      const h = await nnTrainer!.fit(net, train, {
        ...(fo.observers !== undefined && { observers: fo.observers }),
        ...(fo.signal !== undefined && { signal: fo.signal }),
        ...(fo.epochs !== undefined && { epochs: fo.epochs }),
        ...(validation !== undefined && { validation }),
      });
      return { ...h, engine: 'nn64', engineReason: decision.reason };
    } finally {
      // What was trained lands in the model, however the run ended.
      if (net.theta.every(Number.isFinite)) writeWeights(model.trainableWeights, net.theta);
    }
  }

  return { name: `engine(${tfTrainer.name})`, fit };
}
