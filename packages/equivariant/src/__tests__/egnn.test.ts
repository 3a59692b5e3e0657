import * as tf from '@tensorflow/tfjs';
import { createRandom } from '@phaseflow/core';
import { loadFromMemory, saveToMemory } from '@phaseflow/tfjs';
import { checkEquivariance } from '@phaseflow/testkit';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';
import {
  PhaseflowEgnn,
  createEgnn64,
  egnnParameterCount,
  euclideanGroup,
  nodeWidth,
  packPointClouds,
  tensorMap,
  unpackPointClouds,
} from '@phaseflow/equivariant';

describe('E(n)', () => {
  it('samples orthogonal Q with both determinants and acts as Qx + t', () => {
    for (const dim of [2, 3] as const) {
      const E = euclideanGroup(dim);
      const rng = createRandom(dim);
      const dets = new Set<number>();
      for (let s = 0; s < 40; s++) {
        const g = E.sample(rng);
        const Q = g.rotation;
        for (let i = 0; i < dim; i++)
          for (let j = 0; j < dim; j++) {
            let dot = 0;
            for (let k = 0; k < dim; k++) dot += Q[k * dim + i]! * Q[k * dim + j]!;
            expect(dot).toBeCloseTo(i === j ? 1 : 0, 12);
          }
        const det =
          dim === 2
            ? Q[0]! * Q[3]! - Q[1]! * Q[2]!
            : Q[0]! * (Q[4]! * Q[8]! - Q[5]! * Q[7]!) - Q[1]! * (Q[3]! * Q[8]! - Q[5]! * Q[6]!) + Q[2]! * (Q[3]! * Q[7]! - Q[4]! * Q[6]!);
        dets.add(Math.round(det));
        expect(det < 0).toBe(g.reflection);
      }
      expect([...dets].sort()).toEqual([-1, 1]);
    }
  });

  it('above n = 3 too: Haar O(n) from @phaseflow/lie, both determinants, N(0, 1) translations', () => {
    const det = (q: Float64Array, n: number) => {
      const a = Array.from({ length: n }, (_, i) => Array.from(q.subarray(i * n, (i + 1) * n)));
      let d = 1;
      for (let c = 0; c < n; c++) {
        let p = c;
        for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
        if (p !== c) [a[p], a[c], d] = [a[c]!, a[p]!, -d];
        d *= a[c]![c]!;
        for (let r = c + 1; r < n; r++) {
          const f = a[r]![c]! / a[c]![c]!;
          for (let k = c; k < n; k++) a[r]![k]! -= f * a[c]![k]!;
        }
      }
      return d;
    };
    for (const dim of [4, 5]) {
      const E = euclideanGroup(dim);
      expect([E.name, E.dim]).toEqual([`E(${dim})`, dim]);
      const rng = createRandom(dim);
      const dets = new Set<number>();
      let t2 = 0;
      for (let s = 0; s < 40; s++) {
        const g = E.sample(rng);
        const Q = g.rotation;
        for (let i = 0; i < dim; i++)
          for (let j = 0; j < dim; j++) {
            let dot = 0;
            for (let k = 0; k < dim; k++) dot += Q[k * dim + i]! * Q[k * dim + j]!;
            expect(dot).toBeCloseTo(i === j ? 1 : 0, 12);
          }
        const d = det(Q, dim);
        expect(Math.abs(Math.abs(d) - 1)).toBeLessThan(1e-12);
        expect(d < 0).toBe(g.reflection);
        dets.add(Math.round(d));
        t2 += g.translation.reduce((a, v) => a + v * v, 0) / dim;
      }
      expect([...dets].sort()).toEqual([-1, 1]);
      expect(Math.abs(t2 / 40 - 1)).toBeLessThan(0.35);
      expect(E.act(E.sample(createRandom(1)), new Float64Array(dim))).toHaveLength(dim);
    }
    expectPhaseflowError(() => euclideanGroup(1), 'INVALID_ARGUMENT', 'dim');
  });
});

describe('EGNN', () => {
  const cases = [
    { dim: 2, velocity: false, edgeFeatures: 0 },
    { dim: 3, velocity: false, edgeFeatures: 2 },
    { dim: 2, velocity: true, edgeFeatures: 1 },
    { dim: 3, velocity: true, edgeFeatures: 1 },
    { dim: 5, velocity: false, edgeFeatures: 1 },
  ] as const;

  it.each(cases)('Float64, n = $dim, velocity $velocity, $edgeFeatures edge features: E(n)- and S_n-equivariant to 1e-12', (c) => {
    const egnn = createEgnn64({ ...c, features: 2, outFeatures: c.velocity ? 2 : 3, hidden: 8, coordinateGain: 1, seed: 1 });
    const r = checkEquivariance({ ...egnn.equivariance({ n: 4, batch: 2 }), samples: 6 });
    expect(r.ok, r.message).toBe(true);
    expect(r.runs[0]!.relative).toBeLessThan(1e-12);
    expect(r.runs[0]!.elements.some((e) => e.element.startsWith('reflection'))).toBe(true);
    const p = checkEquivariance(egnn.permutationEquivariance({ n: 4 }));
    expect(p.ok, p.message).toBe(true);
    expect(p.runs[0]!.elements).toHaveLength(24);
  });

  it.each(cases)('tf, n = $dim, velocity $velocity: matches the Float64 twin and is equivariant in float32; no leaks', (c) => {
    const layer = new PhaseflowEgnn({ ...c, features: 2, hidden: 8, coordinateGain: 1, seed: 2 });
    const before = tf.memory().numTensors;
    const spec = layer.equivariance({ n: 5, batch: 2 });
    const built = tf.memory().numTensors;
    const r = checkEquivariance({ ...spec, samples: 4 });
    expect(r.ok, r.message).toBe(true);
    expect(r.runs[1]!.dtype).toBe('float32');
    expect(r.runs[1]!.relative).toBeLessThan(1e-5);
    const x = spec.sampleInput(createRandom(7));
    const a = spec.layers!.float32!(x);
    const b = spec.layer(x);
    let err = 0;
    let scale = 0;
    for (let i = 0; i < b.length; i++) {
      err = Math.max(err, Math.abs(a[i]! - b[i]!));
      scale = Math.max(scale, Math.abs(b[i]!));
    }
    expect(err / scale).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(built);
    expect(built - before).toBe(c.velocity ? 16 : 12);
    expect(layer.parameters.size).toBe(egnnParameterCount({ ...c, features: 2, hidden: 8 }));
  });

  it('packs and unpacks point clouds, and rejects mismatched dimensions with DIMENSION_MISMATCH', () => {
    const cloud = {
      batch: 2,
      n: 3,
      dim: 3,
      x: Float64Array.from({ length: 18 }, (_, i) => i),
      v: new Float64Array(18).fill(1),
      h: new Float64Array(6).fill(2),
      edges: new Float64Array(18).fill(3),
    };
    const packed = packPointClouds(cloud);
    expect(packed.shape).toEqual([2, 3, nodeWidth(packed.layout, 3)]);
    expect(packed.shape[2]).toBe(3 + 3 + 1 + 3);
    const back = unpackPointClouds(packed, packed.layout);
    expect(back.x).toEqual(cloud.x);
    expect(back.v).toEqual(cloud.v);
    expect(back.edges).toEqual(cloud.edges);
    expectPhaseflowError(() => packPointClouds({ ...cloud, v: new Float64Array(12) }), 'DIMENSION_MISMATCH', 'cloud.v');
    expectPhaseflowError(() => packPointClouds({ ...cloud, x: new Float64Array(17) }), 'DIMENSION_MISMATCH', 'cloud.x');
    expectPhaseflowError(() => packPointClouds({ ...cloud, h: new Float64Array(7) }), 'DIMENSION_MISMATCH', 'cloud.h');
    expectPhaseflowError(() => packPointClouds({ ...cloud, edges: new Float64Array(12), edgeFeatures: 1 }), 'DIMENSION_MISMATCH', 'cloud.edges');
    expectPhaseflowError(() => packPointClouds({ ...cloud, dim: 1 }), 'INVALID_ARGUMENT', 'cloud.dim');
    const egnn = createEgnn64({ dim: 3, features: 1, edgeFeatures: 1, velocity: true, hidden: 4 });
    expect(egnn.forward(packed).shape).toEqual([2, 3, 10]);
    const flat = createEgnn64({ dim: 2, features: 1, edgeFeatures: 1, velocity: true, hidden: 4 });
    expectPhaseflowError(() => flat.forward(packed), 'DIMENSION_MISMATCH', 'x.shape[2]');
    const layer = new PhaseflowEgnn({ dim: 2, features: 1, hidden: 4 });
    expectPhaseflowError(() => layer.forward(tf.zeros([1, 4, 5])), 'DIMENSION_MISMATCH', 'inputShape[2]');
    expectPhaseflowError(() => createEgnn64({ dim: 3, features: 2, outFeatures: 3, residual: true }), 'INVALID_ARGUMENT', 'options.residual');
  });

  it('an EGNN_vel stack saves and loads, and predicts rotated, translated and reflected inputs alike', async () => {
    const model = tf.sequential({
      layers: [
        new PhaseflowEgnn({ dim: 3, features: 1, outFeatures: 8, edgeFeatures: 1, hidden: 8, velocity: true, inputShape: [5, 12], seed: 1, coordinateGain: 1 }),
        new PhaseflowEgnn({ dim: 3, features: 8, edgeFeatures: 1, hidden: 8, velocity: true, seed: 2, coordinateGain: 1 }),
      ],
    });
    const copy = await loadFromMemory(await saveToMemory(model));
    const x = tf.randomNormal([2, 5, 12], 0, 1, 'float32', 5);
    const [a, b] = [model.predict(x) as tf.Tensor, copy.predict(x) as tf.Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    const first = copy.layers[0] as PhaseflowEgnn;
    const spec = first.equivariance({ n: 5 });
    const E3 = euclideanGroup(3);
    const act = (g: ReturnType<typeof E3.sample>, data: Float64Array, width: number) => {
      const out = data.slice();
      for (let r = 0; r < data.length / width; r++) {
        out.set(E3.act(g, data.subarray(r * width, r * width + 3)), r * width);
        out.set(E3.rotate(g, data.subarray(r * width + 3, r * width + 6)), r * width + 3);
      }
      return out;
    };
    const r = checkEquivariance({
      name: 'EGNN_vel stack',
      group: spec.group,
      actOnInput: (g, d) => act(g, d, 12),
      actOnOutput: (g, d) => act(g, d, 19),
      sampleInput: spec.sampleInput,
      layer: tensorMap(copy, [1, 5, 12]),
      dtype: 'float32',
      samples: 8,
    });
    expect(r.ok, r.message).toBe(true);
    model.dispose();
    copy.dispose();
  });
});
