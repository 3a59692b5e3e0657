import * as tf from '@tensorflow/tfjs';
import { createRandom } from '@phaseflow/core';
import { loadFromMemory, saveToMemory } from '@phaseflow/tfjs';
import { checkEquivariance } from '@phaseflow/testkit';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';
import { PhaseflowDeepSets, PhaseflowSetPool, createDeepSets64, createSetPool64, permuteRows, symmetricGroup, tensorMap } from '@phaseflow/equivariant';

describe('S_n', () => {
  it('lists all n! permutations for small n and composes them as a group', () => {
    const S4 = symmetricGroup(4);
    expect(S4.elements).toHaveLength(24);
    expect(new Set(S4.elements!.map(S4.label)).size).toBe(24);
    for (const a of S4.elements!) {
      expect(S4.compose(a, S4.inverse(a))).toEqual([0, 1, 2, 3]);
      for (const b of S4.elements!) {
        const x = Float64Array.from({ length: 8 }, (_, i) => i);
        expect(permuteRows(a, permuteRows(b, x, 2), 2)).toEqual(permuteRows(S4.compose(a, b), x, 2));
      }
    }
    expect(symmetricGroup(7).elements).toBeUndefined();
    expect(symmetricGroup(7).order).toBe(5040);
    const p = symmetricGroup(9).sample(createRandom(1));
    expect([...p].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...permuteRows([1, 0], Float64Array.of(1, 2, 3, 4), 2)]).toEqual([3, 4, 1, 2]);
  });
});

describe('DeepSets', () => {
  it('the Float64 layers are equivariant / invariant to all 120 permutations of 5 elements, to rounding', () => {
    for (const pool of ['sum', 'mean', 'max'] as const) {
      const eq = checkEquivariance(createDeepSets64({ inputs: 3, outputs: 4, pool, seed: 1, bias: [0.1, 0.2, 0.3, 0.4] }).equivariance({ n: 5, batch: 2 }));
      expect(eq.ok, eq.message).toBe(true);
      expect(eq.runs[0]!.elements).toHaveLength(120);
      expect(eq.runs[0]!.epsilons).toBeLessThan(16);
      const inv = checkEquivariance(createSetPool64({ pool }).equivariance({ n: 5, width: 3 }));
      expect(inv.ok, inv.message).toBe(true);
      expect(inv.runs[0]!.epsilons).toBeLessThan(16);
    }
  });

  it('the tf layers match their Float64 twins and are equivariant in float32 for every permutation; no leaks', () => {
    const before = tf.memory().numTensors;
    const ds = new PhaseflowDeepSets({ units: 4, pool: 'max', seed: 2 });
    const pool = new PhaseflowSetPool({ pool: 'sum' });
    for (const spec of [ds.equivariance({ n: 5, width: 3 }), pool.equivariance({ n: 5, width: 3 })]) {
      const r = checkEquivariance(spec);
      expect(r.ok, r.message).toBe(true);
      expect(r.runs[1]!.dtype).toBe('float32');
      expect(r.runs[1]!.relative).toBeLessThan(1e-5);
      const x = spec.sampleInput(createRandom(3));
      const a = spec.layers!.float32!(x);
      const b = spec.layer(x);
      for (let i = 0; i < b.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(b[i]!)));
    }
    expect(tf.memory().numTensors).toBe(before + 3); // Λ, Γ, b
    // The same seed draws the same weights in both.
    expect(Array.from(ds.toFloat64().lambda)).toEqual(Array.from(Float32Array.from(createDeepSets64({ inputs: 3, outputs: 4, seed: 2 }).lambda)));
  });

  it('an invariant DeepSets model saves, loads and gives one answer for every order of its input', async () => {
    const model = tf.sequential({
      layers: [
        new PhaseflowDeepSets({ units: 8, inputShape: [4, 2], seed: 1 }),
        new PhaseflowDeepSets({ units: 8, pool: 'sum', seed: 2 }),
        new PhaseflowSetPool({ pool: 'mean' }),
        tf.layers.dense({ units: 1 }),
      ],
    });
    const copy = await loadFromMemory(await saveToMemory(model));
    const S4 = symmetricGroup(4);
    const r = checkEquivariance({
      group: { name: S4.name, elements: S4.elements! },
      actOnInput: (p, x) => permuteRows(p, x, 2),
      actOnOutput: (_p, y) => y,
      sampleInput: (rng) => rng.fillNormal(new Float64Array(3 * 4 * 2)),
      layer: tensorMap(copy, [3, 4, 2]),
      dtype: 'float32',
    });
    expect(r.ok, r.message).toBe(true);
    const x = tf.randomNormal([3, 4, 2], 0, 1, 'float32', 1);
    const [a, b] = [model.predict(x) as tf.Tensor, copy.predict(x) as tf.Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    copy.dispose();
  });

  it('rejects bad input with coded errors', () => {
    const layer = createDeepSets64({ inputs: 3, outputs: 2 });
    expectPhaseflowError(() => layer.forward({ data: new Float64Array(8), shape: [1, 4, 2] }), 'SHAPE_MISMATCH', 'x.shape[2]');
    expectPhaseflowError(() => layer.forward({ data: new Float64Array(5), shape: [1, 2, 3] }), 'SHAPE_MISMATCH', 'x.data');
    expectPhaseflowError(() => createDeepSets64({ inputs: 3, outputs: 2, pool: 'median' as never }), 'INVALID_ARGUMENT', 'options.pool');
    expectPhaseflowError(() => createDeepSets64({ inputs: 3, outputs: 2, activation: 'swish' as never }), 'INVALID_ARGUMENT', 'options.activation');
    expectPhaseflowError(() => new PhaseflowDeepSets({ units: 2 }).forward(tf.zeros([2, 3])), 'SHAPE_MISMATCH', 'inputShape');
    expectPhaseflowError(() => permuteRows([1, 0], new Float64Array(3), 1), 'SHAPE_MISMATCH', 'data');
    expectPhaseflowError(() => symmetricGroup(3).compose([0, 0, 1], [0, 1, 2]), 'INVALID_ARGUMENT', 'a');
  });
});
