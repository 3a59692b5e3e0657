/**
 * Bad input over the whole public API (issue 13): every export of the package's one entry,
 * the later arguments of the main verbs (weights and θ, MLP weights and activation, the
 * tensor space's operands, toTensors' kind and classesOf, integrateTensors' problem, y0 and
 * options), and what the factories make (a layer's forward pass and parametric view, a
 * Trainer's fit, a file-system handler's save, the schedules and activations), each answered
 * with a coded PhaseflowError naming the argument — and no tensor left alive by any of the
 * thousand-odd failed calls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { checkStep, odeProblem, type Integrator, type OdeProblem } from '@phaseflow/core';
import * as pf from '@phaseflow/tfjs';
import { formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { afterAll, describe, expect, it } from 'vitest';

await tf.setBackend('cpu');

const live = () => tf.memory().numTensors;
// Strings are folder paths for saveModel and fileSystem: the probe runs in a temporary working
// directory so that what a string path writes lands there (vitest's forks pool allows chdir).
const cwd = process.cwd();
const scratch = mkdtempSync(join(tmpdir(), 'phaseflow-tfjs-bad-input-'));
afterAll(() => {
  process.chdir(cwd);
  rmSync(scratch, { recursive: true, force: true });
});

const euler: Integrator<OdeProblem<tf.Tensor>, tf.Tensor> = {
  name: 'euler',
  order: 1,
  problemKinds: ['ode'],
  properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
  step(problem, t, y, h) {
    checkStep(this, problem, h);
    return problem.space.axpy(h, problem.f(t, y), y);
  },
};

/** Fixtures: a built MLP and its weights, tensors of the right shapes, valid data. */
const model = pf.createMlp({ inputs: 2, hidden: [3], outputs: 1, outputActivation: 'linear', seed: 1 });
const weights = model.trainableWeights;
const P = pf.countWeights(weights);
const x = tf.tensor2d([
  [0.1, 0.2],
  [0.3, -0.4],
]);
const v = tf.tensor1d([1, 2, 3]);
const mlpWeights = pf.mlpWeightShapes([2, 3, 1]).map((s) => tf.ones(s));
const data = { inputs: [[0.1, 0.2]], targets: [0] };
const rows = { inputs: [[0.1, 0.2]], targets: [[0.5]] };
const decay = odeProblem<tf.Tensor>((_t, y) => tf.neg(y), { space: pf.tensorSpace });
const dense = new pf.PhaseflowDense({ units: 2, activation: 'tanh', inputShape: [2], seed: 1 });
dense.forward(x).dispose();
const layer = pf.asLayer(model);
const fixtures = [x, v, ...mlpWeights];

/** The package entry, with valid prefixes reaching the later arguments of its main functions. */
function probeMain() {
  return probeBadInputs(pf as unknown as Record<string, unknown>, {
    accepts: {
      fileSystem: 'any non-empty string is a folder path (relative ones resolve against the working directory); nothing is read or written until save/load',
      saveModel: 'any non-empty string is a folder path: the model is saved there (here under a temporary working directory)',
      checkFloat32Array: "an empty array has no entry to check, and `format` is any function (the probe's `() => 0` is one; it only names a bad entry)",
      countWeights: 'an empty weight list is a model without weights: P = 0',
      readWeights: 'an empty weight list is a model without weights: θ is empty',
      releaseTapeOnError: "its argument is any function, and the probe's own `() => 0` is one (it returns 0)",
      'tensorSpace.scope': "its argument is any function, and the probe's own `() => 0` is one (it returns 0)",
    },
    valid: {
      checkFloat32: ['x'],
      checkFloat32Array: ['x', [1, 2]],
      checkTensor: ['x'],
      readWeights: [weights],
      writeWeights: [weights],
      ensembleWeights: [weights, new Float64Array(2 * P)],
      mlpForward: [x, mlpWeights],
      mlpInputGradient: [x, mlpWeights],
      toTensors: [data, 'labels'],
      integrateTensors: [euler, decay, v],
      saveModel: [model],
      'tensorSpace.axpy': [0.5, v],
      'tensorSpace.scale': [0.5],
      'tensorSpace.combine': [
        [1, 2],
        [v, v],
      ],
      'tensorSpace.dot': [v],
      'tensorSpace.errorNorm': [v, v, v, 1e-3],
      'tensorSpace.toFloat64': [v],
    },
  });
}

/** What the factories make, and the constructor of the dense layer. */
function probeMade() {
  const module = {
    newPhaseflowDense: (args: never) => new pf.PhaseflowDense(args),
    dense: { forward: (input: never) => dense.forward(input) },
    denseView: dense.parameters,
    layer: { forward: layer.forward },
    view: layer.parameters,
    viewWithEnsemble: (ensemble: never) => pf.weightsView(() => weights, 'model', ensemble),
    trainer: createTrainer(),
    handler: pf.fileSystem(join(scratch, 'handler')),
    stepDecay: pf.stepDecay({ every: 2, factor: 0.5 }),
    exponentialDecay: pf.exponentialDecay({ rate: 0.1 }),
    cosineDecay: pf.cosineDecay({ epochs: 10 }),
    activations: Object.fromEntries(pf.ACTIVATIONS.map((name) => [name, pf.activation(name)])),
  };
  return probeBadInputs(module, {
    accepts: { viewWithEnsemble: "ensemble is any function (the probe's `() => 0` is one; only forwardEnsemble calls it)" },
    valid: {
      'view.forwardEnsemble': [new Float64Array(2 * P), 2],
      'denseView.forwardEnsemble': [new Float64Array(2 * dense.parameters.size), 2],
      'trainer.fit': [model, rows],
      stepDecay: [0],
      exponentialDecay: [0],
      cosineDecay: [0],
    },
  });
}

function createTrainer() {
  return pf.createGradientTrainer({ loss: 'mse', epochs: 1, batchSize: 4 });
}

process.chdir(scratch);
const before = live();
const main = await probeMain();
const made = await probeMade();
const leaked = live() - before;
process.chdir(cwd);
tf.dispose(fixtures);
dense.dispose();

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/tfjs: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
  });
  it(`what its factories make: ${formatBadInputCounts(made)}`, () => {
    expect(formatBadInputFindings(made), formatBadInputCounts(made)).toBe('');
  });
  it('leaves no tensor alive on any of those error paths', () => {
    expect(leaked).toBe(0);
  });
});

describe('checks the probe cannot generate: shapes that do not chain', () => {
  it('mlpForward and mlpInputGradient name the weight whose shape breaks the chain, making no tensor', () => {
    const xs = tf.ones([2, 2]);
    const ws = pf.mlpWeightShapes([2, 3, 1]).map((s) => tf.ones(s));
    const wide = pf.mlpWeightShapes([2, 3, 2]).map((s) => tf.ones(s));
    const flat = tf.ones([2]);
    const start = live();
    expectPhaseflowError(() => pf.mlpForward(xs, [ws[0]!, ws[1]!, ws[2]!, ws[0]!], 'tanh'), 'SHAPE_MISMATCH', 'weights[3]');
    expectPhaseflowError(() => pf.mlpForward(xs, [ws[2]!, ws[3]!], 'tanh'), 'SHAPE_MISMATCH', 'weights[0]');
    expectPhaseflowError(() => pf.mlpForward(flat, ws, 'tanh'), 'SHAPE_MISMATCH', 'x');
    expectPhaseflowError(() => pf.mlpForward(xs, ws.slice(0, 3), 'tanh'), 'INVALID_ARGUMENT', 'weights');
    expectPhaseflowError(() => pf.mlpInputGradient(xs, wide, 'tanh'), 'SHAPE_MISMATCH', 'weights[2]');
    expectPhaseflowError(() => pf.mlpInputGradient(xs, ws, 'relu' as never), 'INVALID_ARGUMENT', 'hidden');
    expect(live() - start).toBe(0);
    tf.dispose([xs, flat, ...ws, ...wide]);
  });

  it('tensorSpace.combine and axpy leave a term with coefficient 0 unread (a released stage may sit there)', () => {
    const a = tf.ones([2]);
    const gone = tf.ones([2]);
    gone.dispose();
    const y = pf.tensorSpace.combine([1, 0], [a, gone]);
    const z = pf.tensorSpace.axpy(0, gone, a);
    expect(Array.from(y.dataSync())).toEqual([1, 1]);
    expect(Array.from(z.dataSync())).toEqual([1, 1]);
    expectPhaseflowError(() => pf.tensorSpace.combine([1, 2], [a, gone]), 'INVALID_ARGUMENT', 'xs[1]');
    tf.dispose([a, y, z]);
  });
});
