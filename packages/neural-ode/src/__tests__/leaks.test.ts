import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PhaseflowError } from '@phaseflow/core';
import { useBestBackend } from '@phaseflow/tfjs';
import { NeuralODE, type GradientMode } from '@phaseflow/neural-ode';

beforeAll(async () => {
  await useBestBackend();
});

const X = [
  [0.8, -0.3],
  [-0.5, 0.6],
  [0.2, 0.9],
];

// Each configuration and gradient mode, with a loss that throws after reading the output, and
// one whose field blows up (NON_FINITE_STATE inside the forward solve): the error path keeps
// nothing (the tape's saved tensors were 258 for backprop/rk4, 1146 for dopri5, 6–10 for the
// adjoint and reversible modes).
const cases: [string, Record<string, unknown>, GradientMode][] = [
  ['backprop/rk4', { integrator: 'rk4', h: 0.05 }, 'backprop'],
  ['backprop/dopri5', { integrator: 'dopri5', adaptive: true }, 'backprop'],
  ['adjoint/rk4', { integrator: 'rk4', h: 0.05 }, 'adjoint'],
  ['adjoint/dopri5', { integrator: 'dopri5', adaptive: true }, 'adjoint'],
  ['reversible/leapfrog', { integrator: 'leapfrog', structure: 'partitioned', h: 0.05 }, 'reversible'],
];

describe('NeuralODE.gradients: no tensor left on the error path', () => {
  it.each(cases)('%s: a loss that throws leaves nothing, and the next call still works', (_name, cfg, mode) => {
    const x = tf.tensor2d(X);
    const ode = new NeuralODE({ hidden: [8], times: [0.5, 1], seed: 3, ...cfg });
    ode.forward(x).dispose();
    const before = tf.memory().numTensors;
    const failing = (y: tf.Tensor): tf.Scalar => {
      tf.sum(y);
      throw new Error('loss failed');
    };
    expect(() => ode.gradients(x, failing, mode)).toThrow('loss failed');
    expect(tf.memory().numTensors).toBe(before);
    const ok = ode.gradients(x, (y) => tf.mean(tf.square(y)) as tf.Scalar, mode);
    expect(Number.isFinite(ok.loss)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    ode.dispose();
  });

  it('a forward solve that blows up (NON_FINITE_STATE) leaves nothing', () => {
    const x = tf.tensor2d([[1e30, -1e30]]);
    const ode = new NeuralODE({ hidden: [4], times: [1], seed: 1, integrator: 'rk4', h: 0.5, features: 'cube' });
    ode.forward(tf.tensor2d([[0, 0]])).dispose();
    const before = tf.memory().numTensors;
    let code: unknown;
    try {
      ode.gradients(x, (y) => tf.mean(y) as tf.Scalar);
    } catch (e) {
      code = (e as { code?: unknown }).code;
    }
    expect(code).toBe('NON_FINITE_STATE');
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    ode.dispose();
  });
});

// Every gradient mode on both engines, fixed and adaptive methods, with each way a loss can
// fail: a raw throw (CALLBACK_FAILED, the error as cause), a PhaseflowError (passed on), a
// value that is no scalar tensor (refused naming `loss`). Tensors are counted before and after
// every call, failed or not, and a good call follows each failure.
const modes: [string, Record<string, unknown>, GradientMode][] = [
  ['backprop/rk4', { integrator: 'rk4', h: 0.1 }, 'backprop'],
  ['backprop/dopri5 adaptive', { integrator: 'dopri5', adaptive: true }, 'backprop'],
  ['backprop/leapfrog', { integrator: 'leapfrog', structure: 'partitioned', h: 0.1 }, 'backprop'],
  ['adjoint/rk4', { integrator: 'rk4', h: 0.1 }, 'adjoint'],
  ['adjoint/dopri5 adaptive', { integrator: 'dopri5', adaptive: true }, 'adjoint'],
  ['adjoint/bs3 adaptive', { integrator: 'bs3', adaptive: { rtol: 1e-4 } }, 'adjoint'],
  ['reversible/leapfrog', { integrator: 'leapfrog', structure: 'partitioned', h: 0.1 }, 'reversible'],
  ['checkpoint/rk4', { integrator: 'rk4', h: 0.05 }, 'checkpoint'],
  ['checkpoint/leapfrog', { integrator: 'leapfrog', structure: 'partitioned', h: 0.05 }, 'checkpoint'],
];
const engines = ['tfjs', 'nn64'] as const;
const failures: [string, (y: tf.Tensor) => tf.Scalar, string][] = [
  [
    'throws',
    (y) => {
      tf.sum(y);
      throw new Error('loss failed');
    },
    'CALLBACK_FAILED',
  ],
  [
    'throws a PhaseflowError',
    (y) => {
      tf.sum(y);
      throw new PhaseflowError('INVALID_ARGUMENT', 'target: wrong', { argument: 'target' });
    },
    'INVALID_ARGUMENT',
  ],
  ['returns a vector', (y) => tf.sum(y, 1) as unknown as tf.Scalar, 'INVALID_ARGUMENT'],
  ['returns a number', () => 0 as unknown as tf.Scalar, 'INVALID_ARGUMENT'],
];

describe.each(engines)('NeuralODE.gradients on engine %s: no tensor left on any path', (engine) => {
  it.each(modes)('%s', (_name, cfg, mode) => {
    const x = tf.tensor2d(X);
    const ode = new NeuralODE({ hidden: [6], times: [0.5, 1], seed: 2, engine, ...cfg });
    ode.forward(x).dispose();
    const before = tf.memory().numTensors;
    const left: string[] = [];
    for (const [what, loss, code] of failures) {
      let caught: unknown;
      try {
        ode.gradients(x, loss, mode);
      } catch (e) {
        caught = e;
      }
      expect((caught as { code?: unknown })?.code, `${what}: ${String(caught)}`).toBe(code);
      if (tf.memory().numTensors !== before) left.push(`${what}: ${tf.memory().numTensors - before}`);
      const ok = ode.gradients(x, (y) => tf.mean(tf.square(y)) as tf.Scalar, mode);
      expect(Number.isFinite(ok.loss) && ok.gradient.every(Number.isFinite)).toBe(true);
      if (tf.memory().numTensors !== before) left.push(`${what}, then a good call: ${tf.memory().numTensors - before}`);
    }
    expect(left).toEqual([]);
    x.dispose();
    ode.dispose();
  });
});
