import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PhaseflowError } from '@phaseflow/core';
import { createEsn, createNvar, createReservoir, createRidge, loadModel, matrix, randomVector, saveModel, type Esn } from '@phaseflow/reservoir';

const series = (T: number) => {
  const s = new Float64Array(T);
  s[0] = 0.3;
  for (let t = 1; t < T; t++) s[t] = 3.9 * s[t - 1]! * (1 - s[t - 1]!);
  return s;
};

const loadError = (json: unknown): PhaseflowError => {
  try {
    loadModel(json);
  } catch (e) {
    if (e instanceof PhaseflowError) return e;
    throw e;
  }
  throw new Error('loaded');
};

type Json = Record<string, unknown> & { reservoirs: Record<string, unknown>[]; readout: Record<string, unknown> };
const savedEsn = () => JSON.parse(JSON.stringify(saveModel(createEsn({ reservoir: { units: 6, inputDim: 1, seed: 2, leakRate: 0.5 } })))) as Json;

describe("loadModel holds a file to the constructors' rules", () => {
  it('an ESN edited to values createReservoir refuses is INVALID_MODEL_FILE naming the field', () => {
    // A leak rate of 7 loaded and predicted 373 instead of 0.66.
    const edits: [string, unknown][] = [
      ['leakRate', 7],
      ['leakRate', 0],
      ['leakRate', -0.5],
      ['noise', -1],
      ['units', 0],
      ['inputDim', 0],
      ['feedbackDim', -1],
      ['seed', 2 ** 32],
      ['units', 1.5],
    ];
    for (const [field, value] of edits) {
      const j = savedEsn();
      j.reservoirs[0]![field] = value;
      const e = loadError(j);
      expect({ field, code: e.code }).toEqual({ field, code: 'INVALID_MODEL_FILE' });
      expect(e.details.argument).toBe(`json.reservoirs[0].${field}`);
    }
  });

  it('any leak rate outside (0, 1] is refused, any inside loads', () => {
    fc.assert(
      fc.property(fc.double({ min: -10, max: 10, noNaN: true }), (leakRate) => {
        const j = savedEsn();
        j.reservoirs[0]!.leakRate = leakRate;
        if (leakRate > 0 && leakRate <= 1) expect((loadModel(j) as Esn).reservoirs[0]!.leakRate).toBe(leakRate);
        else expect(loadError(j).details.argument).toBe('json.reservoirs[0].leakRate');
      }),
      { numRuns: 80 },
    );
  });

  it("an NVAR edited past createNvar's rules is refused", () => {
    const saved = JSON.parse(JSON.stringify(saveModel(createNvar({ inputDim: 2, delay: 2, order: 2 })))) as Record<string, unknown>;
    for (const [field, value] of [
      ['order', 9],
      ['delay', 0],
      ['strides', 0],
      ['residual', 'yes'],
      ['outputDim', 0],
    ] as const) {
      const e = loadError({ ...saved, [field]: value });
      expect({ field, code: e.code }).toEqual({ field, code: 'INVALID_MODEL_FILE' });
      expect(e.details.argument).toBe(`json.${field}`);
    }
  });
});

describe('a noisy ESN continues identically after save and load', () => {
  it('the noise stream is saved with the model (it restarted from the seed)', async () => {
    const s = series(400);
    const esn = createEsn({ reservoir: { units: 30, inputDim: 1, leakRate: 0.4, noise: 0.05, seed: 5 } });
    await esn.fit(matrix(300, 1, s.slice(0, 300)), matrix(300, 1, s.slice(1, 301)), { trainer: createRidge({ ridge: 1e-6, warmup: 10 }) });
    esn.run(matrix(20, 1, s.slice(300, 320)));
    const copy = loadModel(JSON.parse(JSON.stringify(saveModel(esn)))) as Esn;
    const a = esn.run(matrix(50, 1, s.slice(320, 370)));
    const b = copy.run(matrix(50, 1, s.slice(320, 370)));
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    expect(Array.from(copy.generate(20).data)).toEqual(Array.from(esn.generate(20).data));
  });

  it('a damaged noise state is refused naming it', () => {
    const esn = createEsn({ reservoir: { units: 4, inputDim: 1, noise: 0.1, seed: 1 } });
    const j = JSON.parse(JSON.stringify(saveModel(esn))) as Json;
    (j.reservoirs[0]!.noiseState as { words: number[] }).words = [0, 0, 0, 0];
    const e = loadError(j);
    expect(e.code).toBe('INVALID_MODEL_FILE');
    expect(e.details.argument).toBe('json.reservoirs[0].noiseState.words');
  });
});

describe('randomVector and the bias', () => {
  it('randomVector is dense by default, as its name says; connectivity thins it', () => {
    const v = randomVector(1000, { distribution: 'uniform', scale: 0.5, seed: 3 });
    expect(v.every((x) => x !== 0 && x >= -0.5 && x < 0.5)).toBe(true);
    const sparse = randomVector(1000, { connectivity: 0.1, seed: 3 });
    const nnz = sparse.filter((x) => x !== 0).length;
    expect(nnz).toBeGreaterThan(60);
    expect(nnz).toBeLessThan(140);
  });

  it("a reservoir bias can be dense uniform (ReservoirPy's Lorenz bias); the default stays sparse ±biasScaling", () => {
    const dense = createReservoir({ units: 200, inputDim: 1, biasScaling: 0.2, biasDistribution: 'uniform', biasConnectivity: 1, seed: 1 });
    expect(Array.from(dense.bias).every((b) => b !== 0 && Math.abs(b) < 0.2)).toBe(true);
    const sparse = createReservoir({ units: 200, inputDim: 1, biasScaling: 0.2, seed: 1 });
    const nz = Array.from(sparse.bias).filter((b) => b !== 0);
    expect(nz.length).toBeLessThan(60);
    expect(nz.every((b) => Math.abs(b) === 0.2)).toBe(true);
  });
});
