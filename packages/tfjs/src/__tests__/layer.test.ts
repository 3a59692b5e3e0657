import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom, isParametric, requireParametric } from '@phaseflow/core';
import { PhaseflowDense, PhaseflowLayer, asLayer, createMlp, loadFromMemory, registerPhaseflowLayer, saveToMemory, useBestBackend } from '@phaseflow/tfjs';

beforeAll(async () => {
  await useBestBackend();
});

const input = () =>
  tf.tensor2d(
    Float32Array.from({ length: 10 }, (_, i) => Math.sin(i + 1)),
    [5, 2],
  );
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

function phaseflowModel(seed = 1) {
  return tf.sequential({
    layers: [
      new PhaseflowDense({ units: 8, activation: 'tanh', inputShape: [2], seed }),
      tf.layers.dense({ units: 6, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
      new PhaseflowDense({ units: 3, activation: 'softmax', seed: seed + 2 }),
    ],
  });
}

describe('PhaseflowLayer / PhaseflowDense', () => {
  it('is a core parametric Layer and a tf layer at once; forward leaks nothing', () => {
    const layer = new PhaseflowDense({ units: 3, activation: 'tanh', seed: 5 });
    expect(isParametric(requireParametric('layer', layer))).toBe(true);
    const x = input();
    const before = tf.memory().numTensors;
    const y = layer.forward(x); // builds on first use: adds 2 weights
    expect(y.shape).toEqual([5, 3]);
    y.dispose();
    const afterBuild = tf.memory().numTensors;
    expect(afterBuild).toBe(before + 2);
    for (let i = 0; i < 3; i++) layer.forward(x).dispose();
    expect(tf.memory().numTensors).toBe(afterBuild);
    expect(layer.parameters.size).toBe(2 * 3 + 3);
    x.dispose();
  });

  it('seeds its kernel from createRandom: the same seed gives the same weights', () => {
    const a = new PhaseflowDense({ units: 4, seed: 9, inputShape: [3] });
    const b = new PhaseflowDense({ units: 4, seed: 9, inputShape: [3] });
    const c = new PhaseflowDense({ units: 4, seed: 10, inputShape: [3] });
    for (const l of [a, b, c]) l.build([null, 3]);
    expect(Array.from(a.parameters.get())).toEqual(Array.from(b.parameters.get()));
    expect(Array.from(a.parameters.get())).not.toEqual(Array.from(c.parameters.get()));
    const limit = Math.sqrt(6 / 7);
    expect(
      a.parameters
        .get()
        .slice(0, 12)
        .every((v) => Math.abs(v) <= limit),
    ).toBe(true);
  });

  it('parameters.get/set round-trip θ and change the output; no leak', () => {
    const model = asLayer(phaseflowModel());
    const x = input();
    const theta = model.parameters.get();
    expect(theta.length).toBe(2 * 8 + 8 + 8 * 6 + 6 + 6 * 3 + 3);
    const y0 = model.forward(x);
    const before = tf.memory().numTensors;
    const shifted = theta.map((v, i) => v + 0.01 * Math.cos(i));
    model.parameters.set(shifted);
    const back = model.parameters.get();
    for (let i = 0; i < theta.length; i++) expect(back[i]).toBeCloseTo(shifted[i]!, 6);
    const y1 = model.forward(x);
    expect(maxDiff(y0, y1)).toBeGreaterThan(1e-4);
    model.parameters.set(theta);
    const y2 = model.forward(x);
    expect(maxDiff(y0, y2)).toBe(0);
    tf.dispose([y1, y2]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => model.parameters.set(theta.subarray(1))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => model.parameters.set(theta.map((v, i) => (i === 3 ? NaN : v)))).toThrow(expect.objectContaining({ code: 'NON_FINITE_INPUT' }));
    tf.dispose([x, y0]);
  });

  it('forwardEnsemble equals set + forward for every member (mixed tf Dense and PhaseflowDense, and a single layer)', () => {
    const x = input();
    for (const layer of [
      asLayer(phaseflowModel(3)),
      asLayer(createMlp({ inputs: 2, hidden: [7, 5], outputs: 3, seed: 4 })),
      (() => {
        const l = new PhaseflowDense({ units: 4, activation: 'swish', seed: 2 });
        l.forward(x).dispose();
        return l;
      })(),
    ]) {
      const ens = layer.parameters.forwardEnsemble;
      expect(ens).toBeTypeOf('function');
      const p = layer.parameters.size;
      const members = 4;
      const thetas = createRandom(11).fillNormal(new Float64Array(members * p), 0, 0.5);
      const keep = layer.parameters.get();
      const before = tf.memory().numTensors;
      const outs = ens!(thetas, members, x);
      expect(outs).toHaveLength(members);
      for (let j = 0; j < members; j++) {
        layer.parameters.set(thetas.subarray(j * p, (j + 1) * p));
        const y = layer.forward(x);
        expect(maxDiff(outs[j]!, y)).toBeLessThan(1e-5);
        y.dispose();
      }
      tf.dispose(outs);
      expect(tf.memory().numTensors).toBe(before);
      layer.parameters.set(keep);
      expect(() => ens!(thetas.subarray(1), members, x)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    }
    x.dispose();
  });

  it('has no forwardEnsemble for layers it cannot batch', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [2] }), tf.layers.batchNormalization()] });
    expect(asLayer(model).parameters.forwardEnsemble).toBeUndefined();
  });

  it('save → tf.loadLayersModel round-trips with identical outputs, and leaks nothing', async () => {
    const model = phaseflowModel(7);
    const x = input();
    const before = tf.memory().numTensors;
    const artifacts = await saveToMemory(model);
    const topology = JSON.stringify(artifacts.modelTopology);
    expect(topology).toContain('"class_name":"PhaseflowDense"');
    expect(topology).toContain('"seed":9');
    const copy = await loadFromMemory(artifacts);
    expect(copy.layers[0]).toBeInstanceOf(PhaseflowDense);
    const a = model.predict(x) as tf.Tensor;
    const b = copy.predict(x) as tf.Tensor;
    expect(maxDiff(a, b)).toBe(0);
    tf.dispose([a, b]);
    copy.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('rejects foreign model files and badly named classes with coded errors', async () => {
    await expect(loadFromMemory({} as never)).rejects.toMatchObject({ code: 'INVALID_MODEL_FILE' });
    const artifacts = await saveToMemory(phaseflowModel(1));
    const forged = JSON.parse(JSON.stringify(artifacts.modelTopology).replaceAll('PhaseflowDense', 'PhaseflowUnknown'));
    await expect(loadFromMemory({ ...artifacts, modelTopology: forged })).rejects.toMatchObject({ code: 'INVALID_MODEL_FILE' });
    class Unprefixed extends PhaseflowLayer {
      static override className = 'MyLayer';
    }
    expect(() => registerPhaseflowLayer(Unprefixed)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ argument: 'cls.className' }) }),
    );
    expect(() => registerPhaseflowLayer(tf.layers.Layer as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new PhaseflowDense({ units: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new PhaseflowDense({ units: 2, activation: 'gelu' as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new PhaseflowDense({ units: 2, colour: 'red' } as never)).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION' }));
    expect(() => asLayer({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => asLayer(phaseflowModel()).forward([1, 2] as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const before = tf.memory().numTensors;
    const wrong = tf.ones([3, 5]);
    expect(() => asLayer(phaseflowModel()).forward(wrong)).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH', details: expect.objectContaining({ argument: 'input' }) }),
    );
    wrong.dispose();
    expect(tf.memory().numTensors).toBe(before + 6); // the model's own weights only
  });
});
