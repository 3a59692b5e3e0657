/**
 * Bad input over the whole public API (issue 13): every export of both entries (`.` and
 * `./tfjs`), the later arguments of the main verbs (glorot's fan sizes, chooseEngine's
 * parameter count), what the factories make (the Float64 and float32 networks and their
 * parametric views and tapes, the chain, the gradient field, the workspace's kernels, Adam, the
 * trainers' `fit`), and each option of every factory alone inside an otherwise valid call, each
 * answered with a coded PhaseflowError naming the argument — and no tensor left alive by the
 * tfjs entry on its success or error paths.
 */
import * as tf from '@tensorflow/tfjs';
import { createRandom } from '@phaseflow/core';
import * as nn64 from '@phaseflow/nn64';
import * as nn64Tfjs from '@phaseflow/nn64/tfjs';
import { createMlp } from '@phaseflow/tfjs';
import { formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { describe, expect, it } from 'vitest';

await tf.setBackend('cpu');

const live = () => tf.memory().numTensors;
/** Fixtures: one of each network, a workspace with a few matrices, valid batches and data. */
const mlp64 = nn64.createMlp64({ sizes: [2, 3, 1], seed: 1 });
const mlp32 = nn64.createMlp32({ sizes: [2, 3, 1], seed: 1, kernel: 'js' });
const dense32 = nn64.createDense32({ inputs: 2, units: 3, activation: 'tanh', seed: 1 });
const chain = nn64.chainTrainable32([dense32, nn64.createDense32({ inputs: 3, units: 1, seed: 2 })]);
const field = nn64.createGradientField32({ sizes: [2, 4, 1], seed: 1 });
const ws = nn64.createWorkspace32({ kernel: 'js' });
const A = ws.matrix(2, 3);
const B = ws.matrix(3, 4);
const C = ws.matrix(2, 4);
const adam = nn64.createAdam({ size: 2 });
const trainer32 = nn64.createGradientTrainer32({ loss: 'mse', epochs: 1, batchSize: 4 });

const batch64 = { x: Float64Array.of(0.1, 0.2), rows: 1, cols: 2 };
const batch32 = { x: Float32Array.of(0.1, 0.2), rows: 1, cols: 2 };
const x32 = Float32Array.of(0.1, 0.2);
const data32 = { inputs: Float32Array.of(0.1, 0.2, 0.3, -0.4), targets: [0.5, -0.5] };
const P64 = mlp64.parameters.size;
// A tape to pull back through: every backwardTape below follows a recorded forward pass.
mlp32.forwardTape(x32, 1);
dense32.forwardTape(x32, 1);
chain.forwardTape(x32, 1);
field.forwardTape(x32, 1);

function probeMain() {
  return probeBadInputs(nn64 as unknown as Record<string, unknown>, {
    valid: {
      chooseEngine: ['auto'],
      glorot: [createRandom(1), 2, 3],
    },
  });
}

function probeMade() {
  const module = {
    mlp64: { forward: mlp64.forward, vjp: mlp64.vjp, inputGradient: mlp64.inputGradient },
    mlp64View: mlp64.parameters,
    mlp32: { forward: mlp32.forward, vjp: mlp32.vjp, inputGradient: mlp32.inputGradient, forwardTape: mlp32.forwardTape, backwardTape: mlp32.backwardTape },
    mlp32View: mlp32.parameters,
    dense32: { forward: dense32.forward, vjp: dense32.vjp, forwardTape: dense32.forwardTape, backwardTape: dense32.backwardTape },
    dense32View: dense32.parameters,
    chain: { forwardTape: chain.forwardTape, backwardTape: chain.backwardTape },
    field: { forward: field.forward, potential: field.potential, forwardTape: field.forwardTape, backwardTape: field.backwardTape },
    workspace: ws,
    adam: {
      step: adam.step,
      setLearningRate: (value: never) => {
        adam.learningRate = value;
      },
    },
    trainer32: { fit: trainer32.fit },
    // The last arguments, where the probe's `true` is valid (a transpose flag) or any string is (a reason).
    flags: {
      loadTranspose: (t: never) => ws.load(A, new Float32Array(6), 0, t),
      addToTranspose: (t: never) => ws.addTo(A, new Float32Array(6), 0, t),
      chooseEngineUnsupported: (reason: never) => nn64.chooseEngine('nn64', 10, reason),
    },
  };
  return probeBadInputs(module as unknown as Record<string, unknown>, {
    accepts: VALID_FLAG_VALUES,
    valid: {
      'mlp64.vjp': [batch64],
      'mlp64View.forwardEnsemble': [new Float64Array(P64), 1],
      'mlp32.vjp': [batch32],
      'mlp32.forwardTape': [x32],
      'mlp32.backwardTape': [Float32Array.of(1)],
      'dense32.vjp': [batch32],
      'dense32.forwardTape': [x32],
      'dense32.backwardTape': [Float32Array.of(1, 1, 1)],
      'chain.forwardTape': [x32],
      'chain.backwardTape': [Float32Array.of(1)],
      'field.forwardTape': [x32],
      'field.backwardTape': [Float32Array.of(1, 1)],
      'workspace.matrix': [2],
      'workspace.gemm': [A, B, C],
      'workspace.activate': [C, 'tanh'],
      'workspace.activationGrad': [C, C, 'tanh'],
      'workspace.activationCurvature': [C, C, C, C, 'tanh'],
      'workspace.axpy': [0.5, C, C],
      'workspace.load': [A, new Float32Array(6)],
      'workspace.addTo': [A, new Float32Array(6)],
      'workspace.columnSums': [A, new Float32Array(3), 0],
      'adam.step': [new Float32Array(2)],
      'trainer32.fit': [mlp32, data32],
    },
  });
}

/** One function per option: factory({ ...base, [key]: value }), trainers' options through a fit. */
function perOption<T extends Record<string, unknown>>(
  name: string,
  keys: readonly string[],
  make: (o: T) => unknown,
  base: T,
): Record<string, (v: unknown) => unknown> {
  return Object.fromEntries(keys.map((key) => [`${name}.${key}`, (value: unknown) => make({ ...base, [key]: value })]));
}

function probeOptions() {
  const options = {
    ...perOption('createMlp64', ['sizes', 'activation', 'output', 'seed', 'distribution', 'gain', 'theta'], nn64.createMlp64 as never, { sizes: [2, 3, 1] }),
    ...perOption('createMlp32', ['sizes', 'activation', 'output', 'seed', 'distribution', 'gain', 'theta', 'kernel'], nn64.createMlp32 as never, {
      sizes: [2, 3, 1],
    }),
    ...perOption('createDense32', ['inputs', 'units', 'activation', 'seed', 'distribution', 'gain', 'theta', 'kernel'], nn64.createDense32 as never, {
      inputs: 2,
      units: 3,
    }),
    ...perOption(
      'createGradientField32',
      ['sizes', 'activation', 'symplectic', 'seed', 'distribution', 'gain', 'theta', 'kernel'],
      nn64.createGradientField32 as never,
      { sizes: [2, 4, 1] },
    ),
    ...perOption('createWorkspace32', ['kernel'], nn64.createWorkspace32 as never, {}),
    ...perOption('createAdam', ['size', 'learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay'], nn64.createAdam as never, { size: 2 }),
    ...perOption('glorot', ['distribution', 'gain', 'out'], (o: object) => nn64.glorot(createRandom(1), 2, 3, o), {}),
    ...perOption('gemm', ['transposeA', 'rows', 'accumulate', 'bias', 'activation'], (o: object) => ws.gemm(A, B, C, o), {}),
    ...perOption(
      'createGradientTrainer32',
      [
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
      ],
      (o: object) => nn64.createGradientTrainer32(o).fit(mlp32, data32),
      { loss: 'mse', epochs: 1, batchSize: 4 },
    ),
    ...perOption('trainer32.fit', ['observers', 'signal', 'epochs', 'validation'], (o: object) => trainer32.fit(mlp32, data32, o), {}),
    ...perOption('trainer32.data', ['inputs', 'targets', 'samples'], (d: object) => trainer32.fit(mlp32, d as never), data32),
  };
  return probeBadInputs({ options }, { accepts: VALID_OPTION_VALUES });
}

const VALID_FLAG_VALUES = {
  'flags.loadTranspose': 'true is a valid boolean',
  'flags.addToTranspose': 'true is a valid boolean',
};

/** Values of the probe that are valid for these options (`true` for a boolean, [] for no observers): each accepted exactly once. */
const VALID_OPTION_VALUES = {
  'options.createGradientField32.symplectic': 'true is a valid boolean (sizes[0] = 2 is even)',
  'options.createGradientTrainer32.shuffle': 'true is a valid boolean',
  'options.gemm.accumulate': 'true is a valid boolean',
  'options.trainer32.fit.observers': '[] is a valid (empty) list of observers',
};
const VALID_TFJS_OPTION_VALUES = {
  'options.createEngineTrainer.shuffle': 'true is a valid boolean',
  'options.engineTrainer.fit.observers': '[] is a valid (empty) list of observers',
};

/** The tfjs entry: a built tfjs MLP, its twin, the engine trainer and each of its options. */
const model = createMlp({ inputs: 2, hidden: [3], outputs: 1, outputActivation: 'linear', seed: 1 });
const rows = { inputs: [[0.1, 0.2]], targets: [[0.5]] };
const engineTrainer = nn64Tfjs.createEngineTrainer({ loss: 'mse', epochs: 1, batchSize: 4 });

function probeTfjs() {
  const module = {
    ...(nn64Tfjs as unknown as Record<string, unknown>),
    engineTrainer: { fit: engineTrainer.fit },
    options: {
      ...perOption(
        'createEngineTrainer',
        [
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
        ],
        (o: object) => nn64Tfjs.createEngineTrainer(o).fit(model, rows),
        { loss: 'mse', epochs: 1, batchSize: 4 },
      ),
      ...perOption(
        'engineTrainer.fit',
        ['observers', 'signal', 'epochs', 'validation', 'validationData'],
        (o: object) => engineTrainer.fit(model, rows, o),
        {},
      ),
      ...perOption('engineTrainer.data', ['inputs', 'targets'], (d: object) => engineTrainer.fit(model, d as never), rows),
    },
  };
  return probeBadInputs(module, {
    accepts: VALID_TFJS_OPTION_VALUES,
    valid: { 'engineTrainer.fit': [model, rows] },
  });
}

const main = await probeMain();
const made = await probeMade();
const options = await probeOptions();
const tensorsBefore = live();
const tfjsEntry = await probeTfjs();
const leaked = live() - tensorsBefore;

/** Success paths of the tfjs entry, counted the same way. */
const successBefore = live();
nn64Tfjs.engineOf(model);
nn64Tfjs.toTrainable32(model);
await nn64Tfjs.createEngineTrainer({ loss: 'mse', epochs: 1, batchSize: 4 }).fit(model, rows);
await nn64Tfjs.createEngineTrainer({ loss: 'mse', epochs: 1, batchSize: 4, optimizer: 'rmsprop' }).fit(model, rows);
const successLeaked = live() - successBefore;

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/nn64: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
  });
  it(`what its factories make: ${formatBadInputCounts(made)}`, () => {
    expect(formatBadInputFindings(made), formatBadInputCounts(made)).toBe('');
    expect(made.acceptedAllowed).toBe(Object.keys(VALID_FLAG_VALUES).length);
  });
  it(`each option of every factory alone: ${formatBadInputCounts(options)}`, () => {
    expect(formatBadInputFindings(options), formatBadInputCounts(options)).toBe('');
    expect(options.acceptedAllowed).toBe(Object.keys(VALID_OPTION_VALUES).length); // the one valid value each, nothing else
  });
  it(`@phaseflow/nn64/tfjs, its trainer and each option: ${formatBadInputCounts(tfjsEntry)}`, () => {
    expect(formatBadInputFindings(tfjsEntry), formatBadInputCounts(tfjsEntry)).toBe('');
    expect(tfjsEntry.acceptedAllowed).toBe(Object.keys(VALID_TFJS_OPTION_VALUES).length);
  });
  it('the tfjs entry leaves no tensor alive on its error paths or its success paths', () => {
    expect(leaked).toBe(0);
    expect(successLeaked).toBe(0);
  });
});
