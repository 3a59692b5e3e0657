/**
 * A classifier around one stable block: opening layer (lift the inputs to the width), the
 * block (the flow), closing layer (softmax on the transported features) — Haber & Ruthotto's
 * network shape, as a plain `tf.Sequential`.
 */
import * as tf from '@tensorflow/tfjs';
import { PhaseflowError, checkInteger, checkOneOf, checkOptions, checkPositive, invalid, isPhaseflowError } from '@phaseflow/core';
import type { EngineChoice } from '@phaseflow/nn64';
import { ACTIVATIONS, PhaseflowDense, type ActivationName } from '@phaseflow/tfjs';
import { AntisymmetricBlock } from './blocks/antisymmetric.js';
import { HamiltonianBlock } from './blocks/hamiltonian.js';
import { IntegratorBlock, type AnyBlockIntegrator } from './blocks/integrator-block.js';
import { LeapfrogBlock } from './blocks/leapfrog.js';
import { ParabolicBlock } from './blocks/parabolic.js';
import { ResNetBlock } from './blocks/resnet.js';
import { StableBlock } from './blocks/stable-block.js';

/**
 * The block classes by short name, as {@link createStableNetwork} takes them.
 *
 * @example
 * ```ts
 * const block = new STABLE_BLOCKS.hamiltonian({ depth: 16, finalTime: 4 });
 * ```
 */
export const STABLE_BLOCKS = {
  resnet: ResNetBlock,
  antisymmetric: AntisymmetricBlock,
  hamiltonian: HamiltonianBlock,
  leapfrog: LeapfrogBlock,
  parabolic: ParabolicBlock,
} as const;

/** A block kind by short name: `resnet`, `antisymmetric`, `hamiltonian`, `leapfrog`, `parabolic`. */
export type StableBlockKind = keyof typeof STABLE_BLOCKS;

/** Options of {@link createStableNetwork}. */
export interface StableNetworkOptions {
  /** Input dimension d. */
  readonly inputs: number;
  /** Number of classes (softmax outputs); omit for no closing layer (the model outputs Y_N). */
  readonly classes?: number;
  /** Block kind, or `integrator` with {@link StableNetworkOptions.integrator}. */
  readonly block: StableBlockKind | 'integrator';
  /** The integrator of an `integrator` block. */
  readonly integrator?: AnyBlockIntegrator | string;
  /** Feature width w of the flow. */
  readonly width: number;
  /** Steps N. */
  readonly depth: number;
  /** Final time T of the block's flow (h = T/N; default 1), as the blocks' `finalTime`. */
  readonly finalTime?: number;
  /** σ of the block (default `tanh`). */
  readonly activation?: ActivationName;
  /** Opening layer: `dense` (default, x ↦ σ_o(x W + b) to width w) or `none` (requires inputs = width). */
  readonly opening?: 'dense' | 'none';
  /** σ_o of the opening layer (default `tanh`). */
  readonly openingActivation?: ActivationName;
  /** γ of the antisymmetric block. */
  readonly gamma?: number;
  /** One K, b for all steps (default false). */
  readonly sharedWeights?: boolean;
  /** Scale of the block's kernel initialisation (default 1). */
  readonly weightScale?: number;
  /** Seed of every initialisation (default 0). */
  readonly seed?: number;
  /**
   * The engine that trains the network through @phaseflow/nn64/tfjs's `createEngineTrainer`
   * (the block's `engine`; default `auto`: nn64's float32 engine when the block has a twin and
   * the model has at most a million parameters).
   */
  readonly engine?: EngineChoice;
}

const KEYS = [
  'inputs',
  'classes',
  'block',
  'integrator',
  'width',
  'depth',
  'finalTime',
  'activation',
  'opening',
  'openingActivation',
  'gamma',
  'sharedWeights',
  'weightScale',
  'seed',
  'engine',
];

/** Run `make`; a coded error naming `args.x` is rethrown naming `options.x` (the original as cause). */
function asOptions<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    const argument = isPhaseflowError(e) ? e.details.argument : undefined;
    if (!isPhaseflowError(e) || typeof argument !== 'string' || !argument.startsWith('args.')) throw e;
    const renamed = `options.${argument.slice('args.'.length)}`;
    const message = e.message
      .replace(/^\[[A-Z_]+\] /, '')
      .split(argument)
      .join(renamed);
    throw new PhaseflowError(e.code, message, { ...e.details, argument: renamed }, { cause: e });
  }
}

/**
 * Build opening → stable block → softmax closing as a `tf.Sequential`:
 * x ↦ softmax(W_c Y_N + b_c), Y_N = block(σ_o(W_o x + b_o)).
 * Train it with @phaseflow/nn64/tfjs's `createEngineTrainer` (on nn64's float32 engine by
 * default, see `engine`), @phaseflow/tfjs's `createGradientTrainer` or `model.fit`; save it
 * with `saveToMemory`/`model.save`.
 *
 * Source: Haber & Ruthotto, Inverse Problems 34 (2018), §2 (opening layer, ODE, classifier).
 *
 * @example
 * ```ts
 * const model = createStableNetwork({ inputs: 2, classes: 2, block: 'hamiltonian', width: 8, depth: 16, finalTime: 4, seed: 1 });
 * await createEngineTrainer({ learningRate: 0.02, epochs: 60 }).fit(model, { inputs: x, targets: y });
 * ```
 */
export function createStableNetwork(options: StableNetworkOptions): tf.Sequential {
  if (options === undefined || options === null || typeof options !== 'object') invalid('options', 'an options object', options);
  const o = checkOptions('options', options, KEYS);
  const inputs = checkInteger('options.inputs', o.inputs, { min: 1 });
  const classes = o.classes === undefined ? undefined : checkInteger('options.classes', o.classes, { min: 2 });
  const kind = checkOneOf('options.block', o.block, [...(Object.keys(STABLE_BLOCKS) as StableBlockKind[]), 'integrator' as const]);
  const width = checkInteger('options.width', o.width, { min: 1 });
  const depth = checkInteger('options.depth', o.depth, { min: 1 });
  const finalTime = o.finalTime === undefined ? 1 : checkPositive('options.finalTime', o.finalTime);
  const opening = o.opening === undefined ? 'dense' : checkOneOf('options.opening', o.opening, ['dense', 'none'] as const);
  const openingActivation = o.openingActivation === undefined ? 'tanh' : checkOneOf('options.openingActivation', o.openingActivation, ACTIVATIONS);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 4 });
  if (opening === 'none' && inputs !== width) {
    throw new PhaseflowError('SHAPE_MISMATCH', `options.width: without an opening layer the width must equal options.inputs = ${inputs}, received ${width}`, {
      argument: 'options.width',
      expected: `${inputs} (options.inputs) when options.opening is 'none'`,
      received: String(width),
    });
  }
  if (kind === 'integrator' && o.integrator === undefined)
    invalid('options.integrator', "an Integrator (or a registered name) for block 'integrator'", o.integrator);
  if (kind !== 'integrator' && o.integrator !== undefined)
    invalid('options.integrator', `nothing for block ${JSON.stringify(kind)} (only block 'integrator' takes one)`, o.integrator);
  if (kind !== 'antisymmetric' && o.gamma !== undefined) invalid('options.gamma', "nothing unless block is 'antisymmetric'", o.gamma);

  const blockArgs = {
    depth,
    finalTime,
    width,
    seed: seed + 1,
    ...(o.activation !== undefined && { activation: o.activation }),
    ...(o.sharedWeights !== undefined && { sharedWeights: o.sharedWeights }),
    ...(o.weightScale !== undefined && { weightScale: o.weightScale }),
    ...(o.engine !== undefined && { engine: o.engine }),
    ...(opening === 'none' && { inputShape: [inputs] }),
  };
  // The block checks the options it is given: its errors name them as this function's (options.x, not args.x).
  const block = asOptions((): StableBlock => {
    if (kind === 'integrator') return new IntegratorBlock({ ...blockArgs, integrator: o.integrator! });
    if (kind === 'antisymmetric') return new STABLE_BLOCKS.antisymmetric({ ...blockArgs, ...(o.gamma !== undefined && { gamma: o.gamma }) });
    return new STABLE_BLOCKS[kind](blockArgs);
  });

  const model = tf.sequential();
  if (opening === 'dense') model.add(new PhaseflowDense({ units: width, activation: openingActivation, inputShape: [inputs], seed }));
  model.add(block);
  if (classes !== undefined) model.add(new PhaseflowDense({ units: classes, activation: 'softmax', seed: seed + 2 }));
  return model;
}

/**
 * The stable block of a model built by {@link createStableNetwork} (or any Sequential holding
 * exactly one); throws INVALID_ARGUMENT when there is none or several.
 *
 * @example
 * ```ts
 * const block = findBlock(model); // block.depth, block.trajectory(x)
 * ```
 */
export function findBlock(model: tf.Sequential): StableBlock {
  if (!(model instanceof tf.Sequential)) invalid('model', 'a tf.Sequential', model);
  const blocks = model.layers.filter((l) => isStableBlock(l));
  if (blocks.length !== 1) invalid('model', 'a Sequential with exactly one stable block', `${blocks.length} blocks`);
  return blocks[0] as StableBlock;
}

/**
 * True when `layer` is one of this package's stable blocks (any {@link StableBlock} subclass).
 *
 * @example
 * ```ts
 * model.layers.filter(isStableBlock); // the blocks of a model
 * ```
 */
export function isStableBlock(layer: unknown): layer is StableBlock {
  return layer instanceof StableBlock;
}
