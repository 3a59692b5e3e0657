/**
 * Bad input over the whole public API (issue 13): every export at each of its arguments, the
 * constructors of the six blocks and each of their options alone, each option of
 * createStableNetwork, measureStability, the regularizers and trainMultilevel alone, and what
 * the factories make (a block's tf.layers methods, `trajectory`, `callEnsemble`, the float32
 * twins' tapes, the regularized loss), each answered with a coded PhaseflowError naming the
 * argument — and no tensor left alive on the success or error paths.
 */
import * as tf from '@tensorflow/tfjs';
import { createRk4 } from '@phaseflow/runge-kutta';
import * as sn from '@phaseflow/stable-nets';
import { createGradientTrainer } from '@phaseflow/tfjs';
import { eachOption, formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { describe, expect, it } from 'vitest';

await tf.setBackend('cpu');

const { ResNetBlock, AntisymmetricBlock, HamiltonianBlock, LeapfrogBlock, ParabolicBlock, IntegratorBlock } = sn;
const live = () => tf.memory().numTensors;
/** One function per argument position: fn with that argument bad and every other one valid. */
const eachArgument = (fn: (...args: never[]) => unknown, args: readonly unknown[]) =>
  Object.fromEntries(args.map((_, i) => [`arg${i}`, (v: unknown) => fn(...(args.map((a, j) => (j === i ? v : a)) as never[]))]));

/** Fixtures: one built block of each kind, a small network, its data, their twins. */
const W = 2;
const x = tf.tensor2d([
  [0.1, 0.2],
  [0.3, -0.4],
]);
const blocks = {
  resnet: new ResNetBlock({ depth: 2, seed: 1 }),
  antisymmetric: new AntisymmetricBlock({ depth: 2, seed: 1 }),
  hamiltonian: new HamiltonianBlock({ depth: 2, seed: 1 }),
  leapfrog: new LeapfrogBlock({ depth: 2, seed: 1 }),
  parabolic: new ParabolicBlock({ depth: 2, seed: 1 }),
  integrator: new IntegratorBlock({ depth: 2, integrator: createRk4(), seed: 1 }),
};
for (const b of Object.values(blocks)) b.forward(x).dispose();
const model = () => sn.createStableNetwork({ inputs: 2, classes: 2, block: 'resnet', width: W, depth: 2, seed: 1 });
const net = model();
const data = { inputs: [[0.1, 0.2]], targets: [1] };
const trainer = createGradientTrainer({ epochs: 1, batchSize: 4 });
const twin = blocks.resnet.toTrainable32();
const twinH = blocks.hamiltonian.toTrainable32();
const x32 = Float32Array.of(0.1, 0.2);
twin.forwardTape(x32, 1);
twinH.forwardTape(x32, 1);
const create = (depth: number, finalTime: number) => new ResNetBlock({ depth, finalTime, seed: 1 });
const loss = sn.regularizedCrossEntropy(net);
const yTrue = tf.tensor1d([1]);
const yPred = tf.tensor2d([[0.4, 0.6]]);
const ensembleWeights = blocks.resnet.trainableWeights.map((w) => tf.expandDims(w.read(), 0));
const xEnsemble = tf.expandDims(x, 0);
const fixtures = [x, yTrue, yPred, xEnsemble, ...ensembleWeights];

function probeMain() {
  return probeBadInputs(sn as unknown as Record<string, unknown>, {
    skip: { isStableBlock: 'a predicate: every input is a valid question (answered false)' },
    valid: {
      measureStability: [create],
      timeRegularizer: [blocks.resnet],
      regularizedCrossEntropy: [net],
    },
  });
}

function blockMethods(b: sn.StableBlock) {
  return {
    call: (inputs: never) => b.call(inputs),
    forward: (input: never) => b.forward(input),
    trajectory: (input: never) => tf.dispose(b.trajectory(input)),
    callEnsemble: (inputs: never, weights: never) => b.callEnsemble(inputs, weights),
    computeOutputShape: (shape: never) => b.computeOutputShape(shape),
  };
}

const COMMON = ['depth', 'finalTime', 'width', 'activation', 'sharedWeights', 'seed', 'weightScale', 'engine'];

/** The constructors, what the blocks and factories make, each argument of the verbs with the rest valid. */
function probeMade() {
  const module = {
    construct: {
      ResNetBlock: (args: never) => new ResNetBlock(args),
      AntisymmetricBlock: (args: never) => new AntisymmetricBlock(args),
      HamiltonianBlock: (args: never) => new HamiltonianBlock(args),
      LeapfrogBlock: (args: never) => new LeapfrogBlock(args),
      ParabolicBlock: (args: never) => new ParabolicBlock(args),
      IntegratorBlock: (args: never) => new IntegratorBlock(args),
    },
    build: {
      resnet: (shape: never) => new ResNetBlock({ depth: 1 }).build(shape),
      hamiltonian: (shape: never) => new HamiltonianBlock({ depth: 1 }).build(shape),
    },
    ...Object.fromEntries(Object.entries(blocks).map(([k, b]) => [k, blockMethods(b)])),
    twin: { forwardTape: twin.forwardTape, backwardTape: twin.backwardTape },
    twinH: { forwardTape: twinH.forwardTape, backwardTape: twinH.backwardTape },
    loss: { apply: (a: never, b: never) => tf.dispose(loss(a, b)) },
    trainMultilevel: eachArgument(sn.trainMultilevel, [net, trainer, data, { levels: 1, epochs: 1 }]),
    measureStability: eachArgument(sn.measureStability, [create, { depths: [1], width: 2, batch: 2 }]),
  };
  return probeBadInputs(module as unknown as Record<string, unknown>, {
    valid: {
      'twin.forwardTape': [x32],
      'twin.backwardTape': [Float32Array.of(1, 1)],
      'twinH.forwardTape': [x32],
      'twinH.backwardTape': [Float32Array.of(1, 1)],
      'loss.apply': [yTrue],
      ...Object.fromEntries(Object.keys(blocks).map((k) => [`${k}.callEnsemble`, [xEnsemble]])),
    },
  });
}

/** Each option alone. */
function probeOptions() {
  const module = {
    ResNetBlock: eachOption(COMMON, (k, v) => new ResNetBlock({ depth: 2, [k]: v } as never)),
    AntisymmetricBlock: eachOption([...COMMON, 'gamma'], (k, v) => new AntisymmetricBlock({ depth: 2, [k]: v } as never)),
    HamiltonianBlock: eachOption(COMMON, (k, v) => new HamiltonianBlock({ depth: 2, [k]: v } as never)),
    LeapfrogBlock: eachOption(COMMON, (k, v) => new LeapfrogBlock({ depth: 2, [k]: v } as never)),
    ParabolicBlock: eachOption([...COMMON, 'normalization'], (k, v) => new ParabolicBlock({ depth: 2, [k]: v } as never)),
    IntegratorBlock: eachOption([...COMMON, 'integrator'], (k, v) => new IntegratorBlock({ depth: 2, integrator: createRk4(), [k]: v } as never)),
    createStableNetwork: eachOption(
      [
        'inputs',
        'classes',
        'block',
        'width',
        'depth',
        'finalTime',
        'activation',
        'opening',
        'openingActivation',
        'sharedWeights',
        'weightScale',
        'seed',
        'engine',
      ],
      (k, v) => sn.createStableNetwork({ inputs: 2, classes: 2, block: 'resnet', width: W, depth: 2, [k]: v } as never).dispose(),
    ),
    antisymmetricNetwork: eachOption(['gamma'], (k, v) =>
      sn.createStableNetwork({ inputs: 2, classes: 2, block: 'antisymmetric', width: W, depth: 2, [k]: v } as never).dispose(),
    ),
    integratorNetwork: eachOption(['integrator'], (k, v) =>
      sn.createStableNetwork({ inputs: 2, classes: 2, block: 'integrator', width: W, depth: 2, [k]: v } as never).dispose(),
    ),
    measureStability: eachOption(['depths', 'width', 'batch', 'h', 'seed'], (k, v) => sn.measureStability(create, { depths: [1], width: 2, batch: 2, [k]: v })),
    timeRegularizer: eachOption(['smoothness', 'decay'], (k, v) => sn.timeRegularizer(blocks.resnet, { [k]: v })),
    regularizedCrossEntropy: eachOption(['smoothness', 'decay'], (k, v) => sn.regularizedCrossEntropy(net, { [k]: v })),
    // The caller owns the model it passes: released here whichever way the call ends.
    trainMultilevel: eachOption(['levels', 'epochs', 'fit', 'onLevel'], (k, v) => {
      const m = model();
      return sn.trainMultilevel(m, trainer, data, { levels: 1, epochs: 1, [k]: v } as never).then(
        (r) => r.model.dispose(),
        (e: unknown) => {
          m.dispose();
          throw e;
        },
      );
    }),
  };
  return probeBadInputs(module, { accepts: VALID_PROBE_VALUES });
}

/** Values of the probe that are valid for these options (`true` for a boolean): each accepted exactly once. */
const VALID_PROBE_VALUES = {
  'ResNetBlock.sharedWeights': 'true is a valid boolean',
  'AntisymmetricBlock.sharedWeights': 'true is a valid boolean',
  'HamiltonianBlock.sharedWeights': 'true is a valid boolean',
  'LeapfrogBlock.sharedWeights': 'true is a valid boolean',
  'ParabolicBlock.sharedWeights': 'true is a valid boolean',
  'IntegratorBlock.sharedWeights': 'true is a valid boolean',
  'createStableNetwork.sharedWeights': 'true is a valid boolean',
  'trainMultilevel.onLevel': "the probe's `() => 0` is a valid callback (its answer is ignored)",
};

const before = live();
const main = await probeMain();
const made = await probeMade();
const options = await probeOptions();
const leaked = live() - before;

/** Success paths, counted the same way. */
const successBefore = live();
for (const b of Object.values(blocks)) {
  tf.dispose([b.forward(x), ...b.trajectory(x)]);
  b.call(x).dispose();
}
tf.dispose(loss(yTrue, yPred));
sn.timeRegularizer(blocks.resnet)().dispose();
sn.measureStability(create, { depths: [1], width: 2, batch: 2 });
sn.prolongBlock(blocks.resnet).dispose();
sn.restrictBlock(blocks.resnet).dispose();
sn.prolongModel(net).dispose();
(await sn.trainMultilevel(model(), trainer, data, { levels: 2, epochs: 1 })).model.dispose();
const successLeaked = live() - successBefore;
tf.dispose(fixtures);

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/stable-nets: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
  });
  it(`the blocks, what the factories make, each argument of the verbs: ${formatBadInputCounts(made)}`, () => {
    expect(formatBadInputFindings(made), formatBadInputCounts(made)).toBe('');
  });
  it(`each option alone: ${formatBadInputCounts(options)}`, () => {
    expect(formatBadInputFindings(options), formatBadInputCounts(options)).toBe('');
    expect(options.acceptedAllowed).toBe(Object.keys(VALID_PROBE_VALUES).length);
  });
  it('leaves no tensor alive on its error paths or its success paths', () => {
    expect(leaked).toBe(0);
    expect(successLeaked).toBe(0);
  });
});
