import * as tf from '@tensorflow/tfjs';
import { createRandom } from '@phaseflow/core';
import { createSO } from '@phaseflow/lie';
import { createTensorParametrization, expmTensor, type OrthogonalMapName } from '@phaseflow/lie/tfjs';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { orthogonality } from './tfjs-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const maxAbs = (a: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
};

const cases: [OrthogonalMapName, number, number | undefined][] = [
  ['exponential', 3, undefined],
  ['exponential', 12, undefined],
  ['cayley', 5, undefined],
  ['cayley', 12, undefined],
  ['householder', 6, undefined],
  ['householder', 12, 4],
];

describe.each(cases)('%s map, n = %i, reflections %s (float32 against the Float64 reference)', (map, n, reflections) => {
  const p = createTensorParametrization({ map, n, ...(reflections !== undefined && { reflections }) });
  const r = createRandom(5);
  it('matrix(θ) rounds reference.forward(θ) and is orthogonal to float32 rounding', () => {
    for (let trial = 0; trial < 3; trial++) {
      const theta = r.fillNormal(new Float64Array(p.size), 0, 0.7);
      const before = tf.memory().numTensors;
      const w = tf.tidy(() => p.matrix(tf.tensor(Float32Array.from(theta), [...p.shape])).dataSync());
      expect(tf.memory().numTensors).toBe(before);
      const ref = p.reference.forward(theta);
      expect(maxAbs(Float64Array.from(w, (x, i) => x - ref[i]!))).toBeLessThan(2e-6);
      const d = orthogonality(w, n);
      expect(d.max).toBeLessThan(1e-6);
      expect(d.frobenius).toBeLessThan(1e-5);
    }
  });
  it('its gradient is the reference vector–Jacobian product', () => {
    const theta = r.fillNormal(new Float64Array(p.size), 0, 0.7);
    const C = r.fillNormal(new Float64Array(n * n));
    const before = tf.memory().numTensors;
    const g = tf.tidy(() => {
      const c = tf.tensor2d(Float32Array.from(C), [n, n]);
      return tf
        .grad((t: tf.Tensor) => tf.sum(tf.mul(p.matrix(t), c)))(tf.tensor(Float32Array.from(theta), [...p.shape]))
        .dataSync();
    });
    expect(tf.memory().numTensors).toBe(before);
    const ref = p.reference.backward(theta, C);
    expect(maxAbs(Float64Array.from(g, (x, i) => x - ref[i]!)) / maxAbs(ref)).toBeLessThan(1e-5);
  });
});

describe('tensor parametrisations', () => {
  it('initialisations: identity gives I, henaff 2×2 rotation blocks, haar a uniform rotation (det +1)', () => {
    const r = createRandom(2);
    const exp = createTensorParametrization({ map: 'exponential', n: 6 });
    const cay = createTensorParametrization({ map: 'cayley', n: 6 });
    expect(Array.from(exp.reference.forward(exp.initial('identity', r)))).toEqual(Array.from(createSO(6).identity()));
    for (const p of [exp, cay]) {
      const W = p.reference.forward(p.initial('henaff', r));
      for (let i = 0; i < 6; i++) {
        for (let j = 0; j < 6; j++) if (Math.floor(i / 2) !== Math.floor(j / 2)) expect(Math.abs(W[i * 6 + j]!)).toBe(0);
      }
      const Q = p.reference.forward(p.initial('haar', r));
      expect(createSO(6).defect(Q)).toBeLessThan(1e-12);
    }
    const hh = createTensorParametrization({ map: 'householder', n: 4 });
    expect(hh.initial('random', r)).toHaveLength(16);
  });
  it('expmTensor is the rotation for a 2×2 skew matrix and exact at zero', () => {
    const out = tf.tidy(() =>
      expmTensor(
        tf.tensor2d([
          [0, -2.5],
          [2.5, 0],
        ]),
      ).dataSync(),
    );
    expect(out[0]).toBeCloseTo(Math.cos(2.5), 6);
    expect(out[2]).toBeCloseTo(Math.sin(2.5), 6);
    expect(Array.from(tf.tidy(() => expmTensor(tf.zeros([3, 3])).dataSync()))).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });
  it('rejects bad options, initialisations and input', () => {
    expectPhaseflowError(() => createTensorParametrization({ map: 'polar' as OrthogonalMapName, n: 3 }), 'INVALID_ARGUMENT', 'options.map');
    expectPhaseflowError(() => createTensorParametrization({ map: 'cayley', n: 1 }), 'INVALID_ARGUMENT', 'options.n');
    expectPhaseflowError(() => createTensorParametrization({ map: 'cayley', n: 3, reflections: 2 }), 'INVALID_ARGUMENT', 'options.reflections');
    expectPhaseflowError(() => createTensorParametrization({ map: 'householder', n: 3 }).initial('identity', createRandom(1)), 'INVALID_ARGUMENT', 'init');
    expectPhaseflowError(() => createTensorParametrization({ map: 'exponential', n: 3 }).initial('random', createRandom(1)), 'INVALID_ARGUMENT', 'init');
    tf.tidy(() => {
      expectPhaseflowError(() => expmTensor(tf.zeros([2, 3]) as tf.Tensor2D), 'SHAPE_MISMATCH', 'a');
      expectPhaseflowError(
        () =>
          expmTensor(
            tf.tensor2d([
              [0, NaN],
              [0, 0],
            ]),
          ),
        'NON_FINITE_INPUT',
        'a',
      );
    });
  });
});
