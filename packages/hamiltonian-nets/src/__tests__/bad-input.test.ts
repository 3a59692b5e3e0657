/**
 * Bad input over the whole public API (issue 13): every export (energyMse and the four
 * rollouts at each of their arguments), the constructors of both layers and each of their
 * options alone, each rollout option alone, and what the layers make (their tf.layers methods,
 * `hamiltonian`, the Float64 Hamiltonian and SympNet map, the float32 twins' tapes), each
 * answered with a coded PhaseflowError naming the argument — and no tensor left alive on the
 * success or error paths of the layers.
 */
import * as tf from '@tensorflow/tfjs';
import * as hn from '@phaseflow/hamiltonian-nets';
import { createMlp64 } from '@phaseflow/nn64';
import { eachOption, formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { describe, expect, it } from 'vitest';

await tf.setBackend('cpu');

const { HamiltonianNN, SympNet } = hn;
const live = () => tf.memory().numTensors;
/** Fixtures: built layers (one of each kind), their Float64 and float32 forms, valid states. */
const x = tf.tensor2d([
  [0.1, 0.2],
  [0.3, -0.4],
]);
const hnn = new HamiltonianNN({ hidden: [4], seed: 1 });
const symG = new SympNet({ kind: 'G', layers: 2, width: 3, seed: 1 });
const symLA = new SympNet({ kind: 'LA', layers: 2, seed: 1 });
for (const layer of [hnn, symG, symLA]) layer.forward(x).dispose();
const H64 = hnn.toFloat64();
const mlp = hnn.toMlp64();
const flow = symG.toFloat64();
const field = hnn.toTrainable32();
const twin = symLA.toTrainable32();
const x32 = Float32Array.of(0.1, 0.2);
field.forwardTape(x32, 1);
twin.forwardTape(x32, 1);
const energy = (y: Float64Array) => 0.5 * (y[0]! ** 2 + y[1]! ** 2);
const velocity = (y: Float64Array) => Float64Array.of(y[1]!, -y[0]!);
const vfMlp = createMlp64({ sizes: [2, 3, 2], seed: 1 });
const y0 = [0.5, 0];
const rollout = { dt: 0.1, steps: 2 };

function probeMain() {
  return probeBadInputs(hn as unknown as Record<string, unknown>, {
    valid: {
      energyMse: [energy, [1, 0], [0, 1]],
      rolloutHamiltonian: [H64, y0],
      rolloutVectorField: [velocity, y0],
      rolloutHamiltonianBatch: [mlp, [y0]],
      rolloutVectorFieldBatch: [vfMlp, [y0]],
    },
  });
}

/** One function per argument position: fn with that argument bad and every other one valid. */
const eachArgument = (fn: (...args: never[]) => unknown, args: readonly unknown[]) =>
  Object.fromEntries(args.map((_, i) => [`arg${i}`, (v: unknown) => fn(...(args.map((a, j) => (j === i ? v : a)) as never[]))]));

/** The constructors, what the layers make, and each option alone. */
function probeMade() {
  const module = {
    construct: {
      HamiltonianNN: (args: never) => new HamiltonianNN(args),
      SympNet: (args: never) => new SympNet(args),
    },
    hnn: {
      call: (inputs: never) => hnn.call(inputs),
      hamiltonian: (input: never) => hnn.hamiltonian(input),
      forward: (input: never) => hnn.forward(input),
      build: (shape: never) => new HamiltonianNN({ hidden: [2] }).build(shape),
      computeOutputShape: (shape: never) => hnn.computeOutputShape(shape),
    },
    sympnet: {
      call: (inputs: never) => symG.call(inputs),
      callLA: (inputs: never) => symLA.call(inputs),
      forward: (input: never) => symG.forward(input),
      build: (shape: never) => new SympNet({ layers: 1 }).build(shape),
      computeOutputShape: (shape: never) => symG.computeOutputShape(shape),
    },
    H64: { energy: H64.energy, gradient: H64.gradient, vectorField: H64.vectorField },
    flow: { apply: flow },
    field: { forwardTape: field.forwardTape, backwardTape: field.backwardTape },
    twin: { forwardTape: twin.forwardTape, backwardTape: twin.backwardTape },
    hnnArgs: eachOption(['hidden', 'activation', 'seed', 'engine'], (k, v) => new HamiltonianNN({ [k]: v })),
    sympnetArgs: eachOption(['kind', 'layers', 'sublayers', 'width', 'activation', 'seed', 'engine'], (k, v) => new SympNet({ [k]: v })),
    rolloutHamiltonian: eachOption(['dt', 'steps', 'substeps', 'integrator'], (k, v) => hn.rolloutHamiltonian(H64, y0, { ...rollout, [k]: v })),
    rolloutVectorField: eachOption(['dt', 'steps', 'substeps', 'integrator'], (k, v) => hn.rolloutVectorField(velocity, y0, { ...rollout, [k]: v })),
    rolloutHamiltonianBatch: eachOption(['dt', 'steps', 'substeps', 'integrator'], (k, v) => hn.rolloutHamiltonianBatch(mlp, [y0], { ...rollout, [k]: v })),
    rolloutVectorFieldBatch: eachOption(['dt', 'steps', 'substeps', 'integrator'], (k, v) => hn.rolloutVectorFieldBatch(vfMlp, [y0], { ...rollout, [k]: v })),
    energyMse: eachArgument(hn.energyMse, [energy, [1, 0], [0, 1], 2]),
    rolloutHamiltonianArgs: eachArgument(hn.rolloutHamiltonian, [H64, y0, rollout]),
    rolloutVectorFieldArgs: eachArgument(hn.rolloutVectorField, [velocity, y0, rollout]),
    rolloutHamiltonianBatchArgs: eachArgument(hn.rolloutHamiltonianBatch, [mlp, [y0], rollout]),
    rolloutVectorFieldBatchArgs: eachArgument(hn.rolloutVectorFieldBatch, [vfMlp, [y0], rollout]),
    /** The user's callbacks returning bad values: the probe's value is what they return. */
    callbacks: {
      energyMse: (v: unknown) => hn.energyMse(() => v as number, [1, 0], [0, 1], 2),
      rolloutVectorField: (v: unknown) => hn.rolloutVectorField(() => v as Float64Array, y0, rollout),
      rolloutHamiltonianEnergy: (v: unknown) => hn.rolloutHamiltonian({ ...H64, gradient: () => v as Float64Array }, y0, rollout),
    },
  };
  return probeBadInputs(module as unknown as Record<string, unknown>, {
    accepts: VALID_PROBE_VALUES,
    valid: {
      'H64.vectorField': [y0],
      'field.forwardTape': [x32],
      'field.backwardTape': [Float32Array.of(1, 1)],
      'twin.forwardTape': [x32],
      'twin.backwardTape': [Float32Array.of(1, 1)],
    },
  });
}

/** Values of the probe that are valid here: each accepted exactly once. */
const VALID_PROBE_VALUES = { 'energyMse.arg0': "the probe's `() => 0` is a valid (constant) energy function" };

const before = live();
const main = await probeMain();
const made = await probeMade();
const leaked = live() - before;

/** Success paths of the layers, counted the same way. */
const successBefore = live();
tf.dispose([hnn.forward(x), hnn.hamiltonian(x), symG.forward(x), symLA.forward(x), tf.tidy(() => hnn.call(x)), tf.tidy(() => symG.call(x))]);
hnn.toFloat64();
hnn.toMlp64();
hnn.toTrainable32();
symG.toFloat64();
symLA.toTrainable32();
const successLeaked = live() - successBefore;

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/hamiltonian-nets: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
  });
  it(`the layers, what they make, and each option alone: ${formatBadInputCounts(made)}`, () => {
    expect(formatBadInputFindings(made), formatBadInputCounts(made)).toBe('');
    expect(made.acceptedAllowed).toBe(Object.keys(VALID_PROBE_VALUES).length);
  });
  it('leaves no tensor alive on its error paths or its success paths', () => {
    expect(leaked).toBe(0);
    expect(successLeaked).toBe(0);
  });
});
