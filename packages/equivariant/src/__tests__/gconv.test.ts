import * as tf from '@tensorflow/tfjs';
import { createRandom } from '@phaseflow/core';
import { countWeights, createGradientTrainer, loadFromMemory, saveToMemory } from '@phaseflow/tfjs';
import { checkEquivariance } from '@phaseflow/testkit';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';
import {
  PhaseflowGroupBatchNorm,
  PhaseflowGroupConv,
  PhaseflowGroupPool,
  PhaseflowLiftingConv,
  createGroupBatchNorm64,
  createGroupConv64,
  createGroupPool64,
  createLiftingConv64,
  expandKernel,
  tensorMap,
  transformImages,
  type PlanarGroupName,
} from '@phaseflow/equivariant';

const GROUPS: PlanarGroupName[] = ['C4', 'D4'];

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  return m / s;
}

describe('Float64 reference of the planar group layers', () => {
  it.each(GROUPS)('%s: lifting, group conv, pooling and batch norm are equivariant to 1e-12 for every element', (group) => {
    const specs = [
      createLiftingConv64({ group, inChannels: 2, outChannels: 3, seed: 1, bias: [0.1, -0.2, 0.3] }).equivariance({ size: 7 }),
      createLiftingConv64({ group, inChannels: 1, outChannels: 2, kernelSize: 5, padding: 'same', seed: 2 }).equivariance({ size: 6, batch: 2 }),
      createGroupConv64({ group, inChannels: 2, outChannels: 2, seed: 3, bias: [0.5, -1] }).equivariance({ size: 6 }),
      createGroupConv64({ group, inChannels: 3, outChannels: 1, padding: 'same', seed: 4 }).equivariance({ size: 5 }),
      createGroupPool64({ group, mode: 'max' }).equivariance({ size: 4 }),
      createGroupPool64({ group, mode: 'mean' }).equivariance({ size: 5, channels: 3 }),
      createGroupBatchNorm64({ group, channels: 2, gamma: [2, 0.5], beta: [0.1, 0.2], movingMean: [0.3, -0.3], movingVariance: [1.5, 0.7] }).equivariance({
        size: 5,
      }),
      createGroupBatchNorm64({ group, channels: 2 }).equivariance({ size: 4, batch: 3, training: true }),
    ];
    for (const spec of specs) {
      const r = checkEquivariance(spec);
      expect(r.ok, r.message).toBe(true);
      expect(r.runs[0]!.relative).toBeLessThan(1e-12);
      expect(r.runs[0]!.elements).toHaveLength(group === 'C4' ? 4 : 8);
    }
  });

  it('has GrouPy parameter budgets: a p4 conv 10 → 10 holds the weights of a plain conv 20 → 20', () => {
    const p4 = createGroupConv64({ group: 'C4', inChannels: 10, outChannels: 10, useBias: false });
    expect(p4.kernel.length).toBe(3 * 3 * 20 * 20);
    expect(p4.parameters.size).toBe(3600);
    expect(p4.expandedKernel().length).toBe(3 * 3 * 40 * 40);
    const p4m = createGroupConv64({ group: 'D4', inChannels: 1, outChannels: 1 });
    expect(p4m.parameters.size).toBe(9 * 8 + 1);
  });

  it('lifting with a rotation-symmetric kernel gives four equal copies', () => {
    const k = Float64Array.of(1, 2, 1, 2, 4, 2, 1, 2, 1);
    const w = expandKernel('C4', 'lifting', k, 3, 1, 1);
    for (let y = 0; y < 9; y++) expect([...w.subarray(4 * y, 4 * y + 4)]).toEqual([k[y], k[y], k[y], k[y]]);
  });

  it('rejects input the group does not fit, with coded errors', () => {
    const lift = createLiftingConv64({ group: 'C4', inChannels: 1, outChannels: 1 });
    expectPhaseflowError(() => lift.forward({ data: new Float64Array(5 * 6), shape: [1, 5, 6, 1] }), 'NOT_SQUARE_GRID', 'x');
    const conv = createGroupConv64({ group: 'D4', inChannels: 2, outChannels: 1 });
    expectPhaseflowError(() => conv.forward({ data: new Float64Array(25 * 12), shape: [1, 5, 5, 12] }), 'WRONG_MULTIPLICITY', 'x.shape[3]');
    expectPhaseflowError(() => conv.forward({ data: new Float64Array(25 * 8), shape: [1, 5, 5, 8] }), 'WRONG_MULTIPLICITY', 'x.shape[3]');
    expectPhaseflowError(
      () => createGroupPool64({ group: 'C4' }).forward({ data: new Float64Array(6), shape: [1, 1, 1, 6] }),
      'WRONG_MULTIPLICITY',
      'x.shape[3]',
    );
    expectPhaseflowError(
      () => createGroupBatchNorm64({ group: 'C4', channels: 2 }).forward({ data: new Float64Array(4), shape: [1, 1, 1, 4] }),
      'WRONG_MULTIPLICITY',
      'x.shape[3]',
    );
    expectPhaseflowError(() => createLiftingConv64({ group: 'C4', inChannels: 1, outChannels: 1, kernelSize: 4 }), 'INVALID_ARGUMENT', 'options.kernelSize');
    expectPhaseflowError(() => createLiftingConv64({ group: 'C4', inChannels: 1, outChannels: 1, kernel: [1, 2] }), 'SHAPE_MISMATCH', 'options.kernel');
    expectPhaseflowError(() => createLiftingConv64({ group: 'C6' as never, inChannels: 1, outChannels: 1 }), 'INVALID_ARGUMENT', 'options.group');
    expectPhaseflowError(() => createGroupPool64({ group: 'C4', size: 2 } as never), 'UNKNOWN_OPTION');
  });
});

describe('tfjs planar group layers', () => {
  it.each(GROUPS)('%s: float32 layers match their Float64 twins and are equivariant to 1e-5 for every element; no tensor leaks', (group) => {
    const before = tf.memory().numTensors;
    const layers = [
      new PhaseflowLiftingConv({ group, filters: 3, seed: 1 }).equivariance({ size: 7, channels: 2 }),
      new PhaseflowGroupConv({ group, filters: 2, seed: 2, padding: 'same' }).equivariance({ size: 5, channels: 3 }),
      new PhaseflowGroupPool({ group, mode: 'mean' }).equivariance({ size: 4 }),
      new PhaseflowGroupBatchNorm({ group }).equivariance({ size: 5, channels: 2 }),
    ];
    const weights = tf.memory().numTensors;
    for (const spec of layers) {
      const r = checkEquivariance(spec);
      expect(r.ok, r.message).toBe(true);
      expect(r.runs.map((run) => run.dtype)).toEqual(['float64', 'float32']);
      expect(r.runs[1]!.relative).toBeLessThan(1e-5);
      const x = spec.sampleInput(createRandom(9));
      expect(relDiff(spec.layers!.float32!(x), spec.layer(x))).toBeLessThan(1e-5);
    }
    expect(tf.memory().numTensors).toBe(weights);
    expect(weights - before).toBe(2 + 2 + 0 + 4); // kernels and biases, γ, β and running statistics
  });

  it.each(GROUPS)('%s: the kernel gradient (one gather back per group element) is the exact derivative of the Float64 map', (group) => {
    // Without activation the layer is linear in ψ: ∂/∂ψ_j Σ r ⊙ f(x) = Σ r ⊙ f_{e_j}(x), f_{e_j} the conv with kernel e_j.
    for (const [Layer, channels] of [
      [PhaseflowLiftingConv, 2],
      [PhaseflowGroupConv, group === 'C4' ? 8 : 16],
    ] as const) {
      const layer = new Layer({ group, filters: 2, useBias: false, seed: 5 });
      const x = createRandom(1).fillNormal(new Float64Array(5 * 5 * channels));
      const xt = tf.tensor4d(Float32Array.from(x), [1, 5, 5, channels]);
      layer.apply(xt);
      const order = group === 'C4' ? 4 : 8;
      const r = createRandom(2).fillNormal(new Float64Array(3 * 3 * 2 * order));
      const rt = tf.tensor4d(Float32Array.from(r), [1, 3, 3, 2 * order]);
      const kernel = layer.trainableWeights[0]!.read() as tf.Variable;
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(xt) as tf.Tensor, rt)) as tf.Scalar, [kernel]);
      const g = Object.values(grads)[0]!.dataSync();
      const twin = layer.toFloat64();
      const make = Layer === PhaseflowLiftingConv ? createLiftingConv64 : createGroupConv64;
      for (const j of [0, 7, g.length - 1]) {
        const unit = new Float64Array(g.length);
        unit[j] = 1;
        const y = make({ group, inChannels: twin.inChannels, outChannels: 2, useBias: false, kernel: unit }).forward({
          data: x,
          shape: [1, 5, 5, channels],
        }).data;
        const exact = y.reduce((acc, v, i) => acc + v * r[i]!, 0);
        expect(Math.abs(g[j]! - exact)).toBeLessThan(1e-4 * (1 + Math.abs(exact)));
      }
      tf.dispose([xt, rt, ...Object.values(grads)]);
    }
  });

  function p4Model(group: PlanarGroupName) {
    return tf.sequential({
      layers: [
        new PhaseflowLiftingConv({ group, filters: 3, inputShape: [8, 8, 1], activation: 'relu', seed: 1 }),
        new PhaseflowGroupBatchNorm({ group }),
        new PhaseflowGroupConv({ group, filters: 3, activation: 'relu', seed: 2 }),
        new PhaseflowGroupPool({ group }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
  }

  it('a p4 CNN ending in group and global pooling is invariant to quarter turns (and p4m to mirrors)', () => {
    for (const group of GROUPS) {
      const model = p4Model(group);
      const r = checkEquivariance({
        name: `${group} CNN`,
        group: { name: group, elements: group === 'C4' ? [0, 1, 2, 3] : [0, 1, 2, 3, 4, 5, 6, 7] },
        actOnInput: (g, x) => transformImages(group, g, { data: x, shape: [2, 8, 8, 1] }).data,
        actOnOutput: (_g, y) => y,
        sampleInput: (rng) => rng.fillNormal(new Float64Array(128)),
        layer: tensorMap(model, [2, 8, 8, 1]),
        dtype: 'float32',
      });
      expect(r.ok, r.message).toBe(true);
      model.dispose();
    }
  });

  it('save and load with tfjs (registered class names), predicting the same numbers', async () => {
    const model = p4Model('D4');
    const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 3);
    const artifacts = await saveToMemory(model);
    const topology = artifacts.modelTopology as {
      model_config?: { config: { layers: { class_name: string }[] } };
      config?: { layers: { class_name: string }[] };
    };
    const names = (topology.model_config?.config ?? topology.config)!.layers.map((l) => l.class_name);
    expect(names.slice(0, 4)).toEqual(['PhaseflowLiftingConv', 'PhaseflowGroupBatchNorm', 'PhaseflowGroupConv', 'PhaseflowGroupPool']);
    const copy = await loadFromMemory(artifacts);
    const a = model.predict(x) as tf.Tensor;
    const b = copy.predict(x) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const lift = copy.layers[0] as PhaseflowLiftingConv;
    expect(lift.group.name).toBe('D4');
    expect(lift.filters).toBe(3);
    tf.dispose([x, a, b]);
    model.dispose();
    copy.dispose();
  });

  it('trains with the gradient Trainer (batch statistics in training, running averages updated), leaking nothing', async () => {
    const model = p4Model('C4');
    const x = tf.randomNormal([16, 8, 8, 1], 0, 1, 'float32', 4);
    const y = tf.tensor1d(
      Array.from({ length: 16 }, (_, i) => i % 2),
      'int32',
    );
    const bn = model.layers[1] as PhaseflowGroupBatchNorm;
    const meanBefore = bn.toFloat64().movingMean.slice();
    const before = tf.memory().numTensors;
    const history = await createGradientTrainer({ epochs: 2, batchSize: 8, learningRate: 0.01 }).fit(model, { x, y });
    expect(tf.memory().numTensors).toBe(before);
    expect(history.loss.every(Number.isFinite)).toBe(true);
    expect(bn.toFloat64().movingMean).not.toEqual(meanBefore);
    expect(countWeights(model.trainableWeights)).toBe(9 * 3 + 3 + 2 * 3 + 9 * 12 * 3 + 3 + 3 * 2 + 2);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('rejects non-square images, wrong channel multiplicity and even kernels with coded errors', () => {
    const lift = new PhaseflowLiftingConv({ group: 'C4', filters: 2 });
    expectPhaseflowError(() => lift.forward(tf.zeros([1, 5, 6, 1])), 'NOT_SQUARE_GRID', 'inputShape');
    const conv = new PhaseflowGroupConv({ group: 'D4', filters: 2 });
    expectPhaseflowError(() => conv.forward(tf.zeros([1, 5, 5, 12])), 'WRONG_MULTIPLICITY', 'inputShape[3]');
    conv.forward(tf.zeros([1, 5, 5, 16])).dispose();
    expectPhaseflowError(() => conv.forward(tf.zeros([1, 5, 5, 8])), 'WRONG_MULTIPLICITY', 'input[3]');
    expectPhaseflowError(() => new PhaseflowGroupPool({ group: 'C4' }).forward(tf.zeros([1, 3, 3, 6])), 'WRONG_MULTIPLICITY', 'inputShape[3]');
    expectPhaseflowError(() => new PhaseflowGroupBatchNorm({ group: 'C4' }).forward(tf.zeros([1, 3, 4, 8])), 'NOT_SQUARE_GRID', 'inputShape');
    expectPhaseflowError(() => new PhaseflowLiftingConv({ filters: 2, kernelSize: 2 }), 'INVALID_ARGUMENT', 'args.kernelSize');
    expectPhaseflowError(() => new PhaseflowLiftingConv({ filters: 2, strides: 2 } as never), 'UNKNOWN_OPTION');
    expectPhaseflowError(() => new PhaseflowLiftingConv({ filters: 2, activation: 'relu' }).equivariance({ size: 5 }), 'INVALID_STATE', 'layer.activation');
    expectPhaseflowError(() => new PhaseflowGroupConv({ filters: 2 }).toFloat64(), 'INVALID_STATE', 'layer');
  });
});
