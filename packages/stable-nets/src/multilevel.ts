/**
 * Multilevel depth: a block with N steps is a discretisation of a continuous flow on [0, T]
 * with piecewise-constant K(t), b(t); prolongation halves h (2N steps, the same K(t)) and
 * restriction doubles it (N/2 steps, K averaged over pairs). Outputs change by the
 * discretisation error only, O(h), so training can go on at the new depth.
 */
import * as tf from '@tensorflow/tfjs';
import { PhaseflowError, callbackFailed, checkInteger, checkOptions, invalid, type Trainer } from '@phaseflow/core';
import type { GradientFitOptions, GradientHistory, TensorData, TrainableModel } from '@phaseflow/tfjs';
import { StableBlock } from './blocks/stable-block.js';

type BlockClass = new (args: Record<string, unknown>) => StableBlock;

function checkBlock(argument: string, block: unknown): StableBlock {
  if (!(block instanceof StableBlock)) invalid(argument, 'a stable block (ResNetBlock, HamiltonianBlock, …)', block);
  if (!block.built) invalid(argument, 'a built block (call it once, or build its model)', 'an unbuilt block', 'INVALID_STATE');
  return block;
}

/** A block of the same class and options with `depth` steps, its weights from `weights(K, b)`. */
function resample(block: StableBlock, depth: number, weights: (k: tf.Tensor, b: tf.Tensor) => [tf.Tensor, tf.Tensor], standalone: boolean): StableBlock {
  const { name: _name, ...config } = block.getConfig();
  const cls = block.constructor as BlockClass;
  const copy = new cls({ ...config, depth });
  // A standalone block is built by a first (eager) call, as tfjs counts it "used" then and
  // lets it be disposed; a block headed for a model is built directly, its model owns it.
  if (standalone) tf.tidy(() => void copy.apply(tf.zeros([1, block.width!])));
  else copy.build([null, block.width!]);
  tf.tidy(() => {
    const [k, b] = block.getWeights(true);
    copy.setWeights(block.sharedWeights ? [k!, b!] : weights(k!, b!));
  });
  return copy;
}

/**
 * Prolongation N → 2N steps at the same final time T (h → h/2): K'_{2j} = K'_{2j+1} = K_j,
 * b'_{2j} = b'_{2j+1} = b_j (piecewise-constant in time). The new block's output differs from
 * the old one's by the discretisation error, O(h).
 *
 * Source: Haber, Ruthotto, Holtham & Jun, "Learning across scales — multiscale methods for
 * convolution neural networks" (AAAI 2018); Chang et al., "Multi-level residual networks from
 * dynamical systems view" (ICLR 2018).
 *
 * @example
 * ```ts
 * const fine = prolongBlock(coarse); // fine.depth === 2 * coarse.depth, fine.finalTime === coarse.finalTime
 * ```
 */
export function prolongBlock(block: StableBlock): StableBlock {
  return prolong(checkBlock('block', block), true);
}

function prolong(b0: StableBlock, standalone: boolean): StableBlock {
  const n = b0.depth;
  return resample(
    b0,
    2 * n,
    (k, b) => {
      const w = b0.width!;
      const k2 = tf.reshape(tf.tile(tf.expandDims(k, 1), [1, 2, 1, 1]), [2 * n, w, w]);
      const bb = tf.reshape(tf.tile(tf.expandDims(b, 1), [1, 2, 1]), [2 * n, w]);
      return [k2, bb];
    },
    standalone,
  );
}

/**
 * Restriction N → N/2 steps at the same T (h → 2h): K'_j = ½(K_{2j} + K_{2j+1}), likewise b.
 * N must be even. `restrictBlock(prolongBlock(b))` has b's weights exactly.
 *
 * Source: as {@link prolongBlock}.
 *
 * @example
 * ```ts
 * const coarse = restrictBlock(fine); // coarse.depth === fine.depth / 2
 * ```
 */
export function restrictBlock(block: StableBlock): StableBlock {
  return restrict(checkBlock('block', block), true);
}

function restrict(b0: StableBlock, standalone: boolean): StableBlock {
  const n = b0.depth;
  if (n % 2 !== 0) invalid('block.depth', 'an even number of steps to restrict', n);
  return resample(
    b0,
    n / 2,
    (k, b) => {
      const w = b0.width!;
      const kk = tf.mean(tf.reshape(k, [n / 2, 2, w, w]), 1);
      const bb = tf.mean(tf.reshape(b, [n / 2, 2, w]), 1);
      return [kk, bb];
    },
    standalone,
  );
}

/**
 * A copy of a Sequential in which every stable block is replaced by `resample(block)` and
 * every other layer is copied with its weights (the original is left untouched).
 */
function mapBlocks(model: tf.Sequential, resampleBlock: (b: StableBlock) => StableBlock): tf.Sequential {
  if (!(model instanceof tf.Sequential)) invalid('model', 'a tf.Sequential', model);
  if (!model.layers.some((l) => l instanceof StableBlock)) invalid('model', 'a Sequential holding a stable block', 'none');
  const copy = tf.sequential();
  model.layers.forEach((layer, i) => {
    if (layer instanceof StableBlock) {
      const next = resampleBlock(layer);
      copy.add(next);
      return;
    }
    const cls = layer.constructor as tf.serialization.SerializableConstructor<tf.layers.Layer>;
    const { name: _name, ...config } = layer.getConfig();
    if (i > 0) delete config.batchInputShape;
    const clone = cls.fromConfig(cls, config);
    copy.add(clone);
    tf.tidy(() => clone.setWeights(layer.getWeights()));
  });
  return copy;
}

/**
 * {@link prolongBlock} applied to every stable block of a Sequential (N → 2N, same T); the
 * other layers are copied with their weights. Returns a new model; the original stays usable.
 *
 * @example
 * ```ts
 * const fine = prolongModel(model); // same predictions up to O(h)
 * ```
 */
export function prolongModel(model: tf.Sequential): tf.Sequential {
  return mapBlocks(model, (b) => prolong(checkBlock('model block', b), false));
}

/**
 * {@link restrictBlock} applied to every stable block of a Sequential (N → N/2, same T).
 *
 * @example
 * ```ts
 * const coarse = restrictModel(model);
 * ```
 */
export function restrictModel(model: tf.Sequential): tf.Sequential {
  return mapBlocks(model, (b) => restrict(checkBlock('model block', b), false));
}

/** Run a user callback; a throw that is not coded becomes CALLBACK_FAILED naming it, the user's error as cause. */
function callUser<T>(argument: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PhaseflowError) throw e;
    throw callbackFailed(argument, e, { argument });
  }
}

/** The trainer {@link trainMultilevel} uses: @phaseflow/tfjs's gradient Trainer or any with its signature. */
export type MultilevelTrainer = Trainer<TrainableModel, TensorData, GradientFitOptions, GradientHistory>;

/** Options of {@link trainMultilevel}. */
export interface MultilevelOptions {
  /** Number of levels L ≥ 1: depths N, 2N, …, 2^{L−1} N (default 3). */
  readonly levels?: number;
  /** Epochs per level: one number, or one per level. */
  readonly epochs: number | readonly number[];
  /** Forwarded to every `fit` (observers, validationData, signal). */
  readonly fit?: Omit<GradientFitOptions, 'epochs'>;
  /** Called after each level with the trained model (e.g. to evaluate it). */
  readonly onLevel?: (level: { level: number; depth: number; model: tf.Sequential; history: GradientHistory }) => void;
}

/** What {@link trainMultilevel} returns. */
export interface MultilevelResult {
  /** The trained model at the finest level (the caller owns it). */
  readonly model: tf.Sequential;
  /** Block depth at each level. */
  readonly depths: number[];
  /** The training history of each level. */
  readonly histories: GradientHistory[];
}

/**
 * Multilevel training: train the coarse network, prolong it (N → 2N steps), train the finer
 * one starting from the prolonged weights, and so on for L levels. `trainer` is one Trainer,
 * or a function making one per level (for a loss that closes over the level's model, such as
 * `regularizedCrossEntropy`). Intermediate models are
 * disposed; the input model is trained in place as level 0 and disposed unless it is the result.
 *
 * Source: Haber, Ruthotto, Holtham & Jun (AAAI 2018), multiscale training; Chang et al. (ICLR 2018).
 *
 * @example
 * ```ts
 * const model = createStableNetwork({ inputs: 2, classes: 2, block: 'hamiltonian', width: 8, depth: 4, finalTime: 4 });
 * const { model: fine, depths } = await trainMultilevel(model, createGradientTrainer({ learningRate: 0.02 }), data, { levels: 3, epochs: 20 });
 * // depths = [4, 8, 16]
 * ```
 */
export async function trainMultilevel(
  model: tf.Sequential,
  trainer: MultilevelTrainer | ((model: tf.Sequential, level: number) => MultilevelTrainer),
  data: TensorData,
  options: MultilevelOptions,
): Promise<MultilevelResult> {
  if (!(model instanceof tf.Sequential)) invalid('model', 'a tf.Sequential holding a stable block', model);
  const isTrainer = (t: unknown): t is MultilevelTrainer => t !== null && typeof t === 'object' && typeof (t as MultilevelTrainer).fit === 'function';
  if (!isTrainer(trainer) && typeof trainer !== 'function') invalid('trainer', 'a Trainer { fit } or a function (model, level) => Trainer', trainer);
  const o = checkOptions('options', options, ['levels', 'epochs', 'fit', 'onLevel']);
  const levels = o.levels === undefined ? 3 : checkInteger('options.levels', o.levels, { min: 1, max: 12 });
  const epochs: number[] = [];
  if (typeof o.epochs === 'number') for (let l = 0; l < levels; l++) epochs.push(checkInteger('options.epochs', o.epochs, { min: 1 }));
  else if (Array.isArray(o.epochs)) {
    if (o.epochs.length !== levels) invalid('options.epochs', `${levels} epoch counts (one per level)`, o.epochs, 'SHAPE_MISMATCH');
    o.epochs.forEach((e, i) => epochs.push(checkInteger(`options.epochs[${i}]`, e, { min: 1 })));
  } else invalid('options.epochs', 'an integer or one integer per level', o.epochs);
  if (o.onLevel !== undefined && typeof o.onLevel !== 'function') invalid('options.onLevel', 'a function', o.onLevel);
  if (o.fit !== undefined && (o.fit === null || typeof o.fit !== 'object' || Array.isArray(o.fit)))
    invalid('options.fit', 'fit options { observers, signal, validationData }', o.fit);
  if (o.fit !== undefined && 'epochs' in o.fit)
    invalid('options.fit.epochs', 'nothing (options.epochs sets the epochs of each level)', (o.fit as { epochs?: unknown }).epochs);
  const block = model.layers.find((l): l is StableBlock => l instanceof StableBlock);
  if (!block) invalid('model', 'a Sequential holding a stable block', 'none');
  let current = model;
  const depths: number[] = [];
  const histories: GradientHistory[] = [];
  try {
    for (let level = 0; level < levels; level++) {
      if (level > 0) {
        const next = prolongModel(current);
        current.dispose();
        current = next;
      }
      const t = isTrainer(trainer) ? trainer : callUser('trainer', () => trainer(current, level));
      if (!isTrainer(t)) invalid(`trainer(model, ${level})`, 'a Trainer { fit }', t);
      const history = await t.fit(current, data, { ...(o.fit ?? {}), epochs: epochs[level]! });
      const depth = current.layers.find((l): l is StableBlock => l instanceof StableBlock)!.depth;
      depths.push(depth);
      histories.push(history);
      const reached = current;
      callUser('options.onLevel', () => o.onLevel?.({ level, depth, model: reached, history }));
    }
  } catch (e) {
    // A model made here (a finer level) is released on the way out; the caller's own is theirs.
    if (current !== model) current.dispose();
    throw e;
  }
  return { model: current, depths, histories };
}
