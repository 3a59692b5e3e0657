/**
 * Bad input over @phaseflow/neural-ode (issue 13): the package entry (the NeuralODE
 * constructor), what it makes (a built layer's forward, trajectory, gradients and parametric
 * view on both engines, the Float64 twin's forward and gradients) and each option of the
 * constructor on its own inside an otherwise valid call (constructed and applied once) — each
 * answered with a coded PhaseflowError naming the argument, and no tensor left alive by any
 * probed call, failed or not.
 */
import * as tf from '@tensorflow/tfjs';
import { isPhaseflowError } from '@phaseflow/core';
import * as neuralOde from '@phaseflow/neural-ode';
import { NeuralODE, type NeuralODEArgs } from '@phaseflow/neural-ode';
import { formatBadInputCounts, formatBadInputFindings, probeBadInputs } from '@phaseflow/testkit';
import { describe, expect, it } from 'vitest';

await tf.setBackend('cpu');

const live = () => tf.memory().numTensors;

/** Tensor balance of every probed call: what a call returns is released, then nothing may be left. */
const leaks: string[] = [];
let probedCalls = 0;
function release(value: unknown): void {
  if (value instanceof tf.Tensor) value.dispose();
  else if (Array.isArray(value)) value.forEach(release);
  else if (value instanceof NeuralODE && value.built) value.dispose();
}
const counted = <F extends (...args: never[]) => unknown>(name: string, fn: F): F =>
  ((...args: never[]) => {
    const before = live();
    probedCalls++;
    const done = (value?: unknown) => {
      release(value);
      const left = live() - before;
      if (left !== 0) leaks.push(`${name}(${args.map((a) => (typeof a === 'function' ? 'fn' : String(a))).join(', ')}): ${left} tensors`);
    };
    try {
      const value = fn(...args);
      done(value);
      return value;
    } catch (e) {
      done();
      throw e;
    }
  }) as F;
const countedAll = (table: Record<string, (...args: never[]) => unknown>, prefix: string) =>
  Object.fromEntries(Object.entries(table).map(([k, fn]) => [k, counted(`${prefix}.${k}`, fn)]));

const X = [
  [0.8, -0.3],
  [-0.5, 0.6],
  [0.2, 0.9],
];
const x = tf.tensor2d(X);
const xFlat = Float64Array.from(X.flat());
const loss = (y: tf.Tensor) => tf.mean(tf.square(y)) as tf.Scalar;
const built = (args: NeuralODEArgs) => {
  const ode = new NeuralODE(args);
  ode.forward(x).dispose();
  return ode;
};
const base: NeuralODEArgs = { hidden: [4], times: [0.5, 1], h: 0.25, seed: 1 };
const layers = {
  tfjs: built({ ...base, engine: 'tfjs' }),
  nn64: built({ ...base, engine: 'nn64' }),
};

/** The entry: its one function-valued export is a class, probed through `new`. */
function probeMain() {
  return probeBadInputs({ ...(neuralOde as unknown as Record<string, unknown>), newNeuralODE: counted('new NeuralODE', (args: never) => new NeuralODE(args)) });
}

/** A built layer's methods and parametric view on both engines, and the Float64 twin. */
function probeMade() {
  const module: Record<string, unknown> = {};
  const valid: Record<string, readonly unknown[]> = {};
  for (const [engine, ode] of Object.entries(layers)) {
    module[engine] = countedAll(
      {
        forward: (v: never) => ode.forward(v),
        trajectory: (v: never, times: never) => ode.trajectory(v, times),
        gradients: (v: never, l: never, mode: never) => ode.gradients(v, l, mode),
      },
      engine,
    );
    const view = ode.parameters;
    module[`${engine}View`] = countedAll({ get: (out: never) => view.get(out), set: (theta: never) => view.set(theta) }, `${engine}View`);
    valid[`${engine}.trajectory`] = [x];
    valid[`${engine}.gradients`] = [x, loss];
  }
  const t32 = layers.nn64.toTrainable32();
  module.trainable32 = {
    forwardTape: (v: never, rows: never) => t32.forwardTape(v, rows),
    backwardTape: (gy: never, gTheta: never, gx: never) => t32.backwardTape(gy, gTheta, gx),
  };
  valid['trainable32.forwardTape'] = [Float32Array.from(xFlat)];
  t32.forwardTape(Float32Array.from(xFlat), 3);
  valid['trainable32.backwardTape'] = [new Float32Array(3 * t32.outputs), new Float32Array(t32.theta.length)];
  const twin = layers.tfjs.float64();
  module.twin = {
    forward: (v: never, rows: never) => twin.forward(v, rows),
    gradients: (v: never, rows: never, c: never, m: never) => twin.gradients(v, rows, c, m),
  };
  valid['twin.forward'] = [xFlat];
  valid['twin.gradients'] = [xFlat, 3, (_k: number, y: Float64Array) => y];
  return probeBadInputs(module, { valid });
}

const KEYS = [
  'hidden',
  'activation',
  'structure',
  'integrator',
  'adjointIntegrator',
  'h',
  'adaptive',
  't0',
  'times',
  'gradient',
  'memory',
  'augment',
  'timeDependent',
  'features',
  'seed',
  'checkFinite',
  'engine',
] as const;

/** Each option alone, in a layer that is then applied once (errors of build count too). */
function probeOptions() {
  const make = (k: string, v: unknown) => built({ hidden: [4], h: 0.25, [k]: v } as NeuralODEArgs);
  const module = {
    options: countedAll(Object.fromEntries(KEYS.map((k) => [k, (v: never) => make(k, v)])), 'options'),
    adaptive: countedAll(
      Object.fromEntries(['rtol', 'atol'].map((k) => [k, (v: never) => built({ hidden: [4], integrator: 'dopri5', adaptive: { [k]: v } })])),
      'adaptive',
    ),
    memory: countedAll({ maxBytes: (v: never) => built({ hidden: [4], memory: { maxBytes: v } }) }, 'memory'),
  };
  return probeBadInputs(module, {
    accepts: {
      'options.timeDependent': 'true is a valid timeDependent',
      'options.checkFinite': 'true is a valid checkFinite',
    },
  });
}

const before = live();
const main = await probeMain();
const made = await probeMade();
const perOption = await probeOptions();
const leaked = live() - before;

describe('bad input gets a coded error naming the argument', () => {
  it(`@phaseflow/neural-ode: ${formatBadInputCounts(main)}`, () => {
    expect(formatBadInputFindings(main), formatBadInputCounts(main)).toBe('');
  });
  it(`what it makes (layer methods and parametric view on both engines, the Float64 twin, the float32 trainable): ${formatBadInputCounts(made)}`, () => {
    expect(formatBadInputFindings(made), formatBadInputCounts(made)).toBe('');
  });
  it(`each option of NeuralODE alone: ${formatBadInputCounts(perOption)}`, () => {
    expect(formatBadInputFindings(perOption), formatBadInputCounts(perOption)).toBe('');
    expect(perOption.acceptedAllowed).toBe(2); // `true` for the two booleans, nothing else
  });
  it(`no tensor left by any of the ${probedCalls} tensor calls probed, failed or not`, () => {
    expect(leaks).toEqual([]);
    expect(leaked).toBe(0);
  });
});

describe('the loss of NeuralODE.gradients', () => {
  it.each(Object.keys(layers))(
    '%s engine: a loss that returns no scalar tensor is refused naming it, one that throws is CALLBACK_FAILED with the cause',
    (engine) => {
      const ode = layers[engine as keyof typeof layers];
      const start = live();
      for (const bad of [() => 0, (y: tf.Tensor) => tf.sum(y, 1)]) {
        let caught: unknown;
        try {
          ode.gradients(x, bad as never);
        } catch (e) {
          caught = e;
        }
        expect(isPhaseflowError(caught) && caught.details.argument, String(caught)).toBe('loss');
      }
      const cause = new Error('loss failed');
      let caught: unknown;
      try {
        ode.gradients(x, () => {
          throw cause;
        });
      } catch (e) {
        caught = e;
      }
      expect(isPhaseflowError(caught, 'CALLBACK_FAILED'), String(caught)).toBe(true);
      expect((caught as Error).cause).toBe(cause);
      expect(live()).toBe(start);
    },
  );
});
