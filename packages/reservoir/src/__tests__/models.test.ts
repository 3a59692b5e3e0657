import { describe, expect, it } from 'vitest';
import { isPhaseflowError } from '@phaseflow/core';
import {
  createEsn,
  createNvar,
  createRidge,
  loadModel,
  matrix,
  nrmse,
  randomSearch,
  ridgeSweep,
  rmse,
  rsquare,
  saveModel,
  validPredictionTime,
  type Esn,
  type NvarModel,
} from '@phaseflow/reservoir';

// A logistic-map-driven series: cheap, deterministic, non-linear (no shared data needed).
function logistic(T: number): Float64Array {
  const s = new Float64Array(T);
  s[0] = 0.3;
  for (let t = 1; t < T; t++) s[t] = 3.9 * s[t - 1]! * (1 - s[t - 1]!);
  return s;
}

describe('NVAR', () => {
  it('is exact on a map inside its feature space (logistic map: linear + quadratic of u[t])', async () => {
    const s = logistic(600);
    const nvar = createNvar({ inputDim: 1, delay: 1, order: 2 });
    expect(nvar.featureDim).toBe(2);
    await nvar.fit(matrix(500, 1, s.slice(0, 500)), matrix(500, 1, s.slice(1, 501)), { trainer: createRidge({ ridge: 0 }) });
    expect(nvar.readout.weights[0]).toBeCloseTo(3.9, 9);
    expect(nvar.readout.weights[1]).toBeCloseTo(-3.9, 9);
    expect(Math.abs(nvar.readout.bias[0]!)).toBeLessThan(1e-9);
    // Closed loop follows the true orbit for a while (chaotic: errors double each step).
    const gen = nvar.generate(20);
    expect(rmse(matrix(20, 1, s.slice(501, 521)), gen)).toBeLessThan(1e-4);
  });

  it('builds delayed copies with strides and the unique monomials', () => {
    const nvar = createNvar({ inputDim: 2, delay: 3, order: 3, strides: 2 });
    // linear 6, quadratic C(7,2)=21, cubic C(8,3)=56
    expect(nvar.featureDim).toBe(6 + 21 + 56);
    const u = Float64Array.from([1, 10, 2, 20, 3, 30, 4, 40, 5, 50]);
    nvar.stream(matrix(5, 2, u), matrix(5, 2), 0, () => undefined);
    const f = nvar.getFeatures();
    expect(Array.from(f.slice(0, 6))).toEqual([5, 50, 3, 30, 1, 10]);
    expect(f[6]).toBe(25); // u0²
    expect(f[7]).toBe(250); // u0·u1
  });

  it('ridgeSweep picks the λ with the best validation error and leaves those weights', async () => {
    const s = logistic(900).map((v, i) => v + 1e-3 * Math.sin(37 * i));
    const nvar = createNvar({ inputDim: 1, delay: 2, order: 3 });
    const { best, table } = ridgeSweep(nvar, {
      train: { inputs: matrix(600, 1, s.slice(0, 600)), targets: matrix(600, 1, s.slice(1, 601)) },
      validation: { inputs: matrix(200, 1, s.slice(600, 800)), targets: matrix(200, 1, s.slice(601, 801)) },
      ridges: [1e-10, 1e-6, 1e-2, 10],
      warmup: 2,
    });
    expect(table).toHaveLength(4);
    expect(best.rmse).toBe(Math.min(...table.map((r) => r.rmse)));
    expect(best.ridge).not.toBe(10);
    expect(() => ridgeSweep(nvar, { train: { inputs: [1], targets: [1] }, validation: { inputs: [1], targets: [1] }, ridges: [-1] })).toThrow(/ridges\[0\]/);
  });

  it('ridgeSweep keeps what a throwing score said and rules that λ out', () => {
    const s = logistic(900).map((v, i) => v + 1e-3 * Math.sin(37 * i));
    const nvar = createNvar({ inputDim: 1, delay: 2, order: 3 });
    const { best, table } = ridgeSweep(nvar, {
      train: { inputs: matrix(600, 1, s.slice(0, 600)), targets: matrix(600, 1, s.slice(1, 601)) },
      validation: { inputs: matrix(200, 1, s.slice(600, 800)), targets: matrix(200, 1, s.slice(601, 801)) },
      ridges: [1e-10, 1e-6, 1e-2],
      warmup: 2,
      score: (_m, ridge) => {
        if (ridge === 1e-6) throw new Error('closed loop diverged');
        return ridge;
      },
    });
    expect(table.map((r) => r.error)).toEqual([undefined, 'closed loop diverged', undefined]);
    expect(Number.isNaN(table[1]!.score)).toBe(true);
    expect(best.ridge).toBe(1e-10);
  });
});

describe('metrics', () => {
  it('match their definitions on hand-computed cases', () => {
    expect(rmse([1, 2, 3], [1, 2, 4])).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(nrmse([0, 2, 4], [0, 2, 5])).toBeCloseTo(Math.sqrt(1 / 3) / 4, 15);
    expect(nrmse([0, 2, 4], [0, 2, 5], { norm: 'std' })).toBeCloseTo(Math.sqrt(1 / 3) / Math.sqrt(8 / 3), 15);
    expect(rsquare([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(rsquare([1, 2, 3], [2, 2, 2])).toBeCloseTo(0, 15);
    // VPT: error crosses 0.4·σ at step 3 → 3·dt·λ.
    const truth = [[0], [0], [0], [0], [0]];
    const pred = [[0], [0.1], [0.2], [0.5], [0.1]];
    expect(validPredictionTime(truth, pred, { dt: 0.5, lyapunovExponent: 2, scale: [1] })).toBe(3);
    expect(validPredictionTime(truth, truth, { dt: 0.5, lyapunovExponent: 2, scale: [1] })).toBe(5);
    expect(() => rmse([1, 2], [1])).toThrow(/rows/);
  });
});

describe('save / load', () => {
  it('round-trips an ESN and an NVAR exactly (same predictions bit for bit, state included)', async () => {
    const s = logistic(700);
    const esn = createEsn({
      reservoirs: [
        { units: 40, inputDim: 1, leakRate: 0.5, biasScaling: 0.3, seed: 3 },
        { units: 20, inputDim: 40, seed: 4 },
      ],
      inputToReadout: true,
    });
    await esn.fit(matrix(500, 1, s.slice(0, 500)), matrix(500, 1, s.slice(1, 501)), { trainer: createRidge({ ridge: 1e-6, warmup: 20 }) });
    esn.run(matrix(50, 1, s.slice(500, 550)));
    const copy = loadModel(JSON.parse(JSON.stringify(saveModel(esn)))) as Esn;
    const a = esn.run(matrix(100, 1, s.slice(550, 650)));
    const b = copy.run(matrix(100, 1, s.slice(550, 650)));
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    expect(Array.from(copy.generate(30).data)).toEqual(Array.from(esn.generate(30).data));

    const nvar = createNvar({ inputDim: 1, delay: 3, order: 2, residual: true });
    await nvar.fit(matrix(500, 1, s.slice(0, 500)), matrix(500, 1, s.slice(1, 501)), { trainer: createRidge({ ridge: 1e-9, warmup: 3 }) });
    nvar.run(matrix(10, 1, s.slice(500, 510)));
    const n2 = loadModel(JSON.parse(JSON.stringify(saveModel(nvar)))) as NvarModel;
    expect(Array.from(n2.generate(25).data)).toEqual(Array.from(nvar.generate(25).data));
  });

  it('refuses files that are not ours or are damaged', () => {
    const bad = (v: unknown) => {
      try {
        loadModel(v);
      } catch (e) {
        return isPhaseflowError(e, 'INVALID_MODEL_FILE');
      }
      return false;
    };
    expect(bad({ hello: 1 })).toBe(true);
    expect(bad(null)).toBe(true);
    const esn = createEsn({ reservoir: { units: 5, inputDim: 1, seed: 1 } });
    const j = saveModel(esn) as unknown as { readout: { weights: unknown[] } };
    j.readout.weights[0] = 'x';
    expect(bad(j)).toBe(true);
  });
});

describe('randomSearch', () => {
  it('is reproducible from its seed, sorts best first, reports a table and keeps failed trials', async () => {
    const space = { a: { low: -1, high: 1 }, b: { low: 1e-3, high: 1, log: true }, c: ['x', 'y'] as const, k: { low: 1, high: 5, integer: true } };
    const objective = (p: Record<string, number | string | boolean>) => {
      if (p['c'] === 'y' && (p['a'] as number) > 0.9) throw new Error('boom');
      return ((p['a'] as number) - 0.3) ** 2 + Math.log10(p['b'] as number) ** 2;
    };
    const r1 = await randomSearch({ space, trials: 25, seed: 7, objective });
    const r2 = await randomSearch({ space, trials: 25, seed: 7, objective });
    expect(r1.results.map((r) => r.params)).toEqual(r2.results.map((r) => r.params));
    for (const r of r1.results) {
      expect(r.params['b']).toBeGreaterThanOrEqual(1e-3);
      expect(Number.isInteger(r.params['k'])).toBe(true);
    }
    const scores = r1.results.map((r) => r.score).filter((x) => !Number.isNaN(x));
    expect(scores).toEqual([...scores].sort((x, y) => x - y));
    expect(r1.table.split('\n')).toHaveLength(27);
    expect(r1.best.score).toBe(scores[0]);
    await expect(randomSearch({ space, trials: 0, objective })).rejects.toThrow(/trials/);
  });
});
