import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { PhaseflowError } from '@phaseflow/core';
import { FLOAT32_MAX, createMlp, ensembleWeights, toTensors, useBestBackend, writeWeights } from '@phaseflow/tfjs';

beforeAll(async () => {
  await useBestBackend();
});

const failure = (f: () => unknown): PhaseflowError | 'accepted' => {
  try {
    f();
  } catch (e) {
    if (e instanceof PhaseflowError) return e;
    throw e;
  }
  return 'accepted';
};

// Finite Float64 numbers that float32 cannot hold (they became ±Infinity in the tensor).
const beyond = fc.double({ min: 3.5e38, max: 1e308, noNaN: true }).chain((v) => fc.constantFrom(v, -v));

describe('numbers that overflow float32 are refused before they reach a tensor', () => {
  it('training rows, weight vectors and ensembles name the entry', () => {
    const model = createMlp({ inputs: 2, hidden: [3], outputs: 1 });
    model.predict(tf.zeros([1, 2]));
    const weights = model.trainableWeights;
    const p = weights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
    fc.assert(
      fc.property(beyond, fc.integer({ min: 0, max: 3 }), (v, i) => {
        const before = tf.memory().numTensors;
        const rows = [
          [0, 1],
          [2, 3],
        ];
        rows[i >> 1]![i & 1] = v;
        const e1 = failure(() => toTensors({ inputs: rows, targets: [[0], [1]] }, 'rows', () => 1));
        expect((e1 as PhaseflowError).code).toBe('INVALID_ARGUMENT');
        expect((e1 as PhaseflowError).details.argument).toBe(`data.inputs[${i >> 1}][${i & 1}]`);
        const theta = new Float64Array(p);
        theta[i] = v;
        expect((failure(() => writeWeights(weights, theta)) as PhaseflowError).details.argument).toBe(`theta[${i}]`);
        expect((failure(() => ensembleWeights(weights, theta, 1)) as PhaseflowError).details.argument).toBe(`thetas[${i}]`);
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: 40 },
    );
    // The largest float32 itself, and numbers that round to it, are accepted.
    const theta = new Float64Array(p).fill(FLOAT32_MAX);
    expect(failure(() => writeWeights(weights, theta))).toBe('accepted');
    model.dispose();
  });
});
