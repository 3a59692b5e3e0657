import { describe, expect, it } from 'vitest';
import { csrFromTriplets } from '@phaseflow/linalg';
import { createEsn, createReservoir, createRidge, matrix, nrmse, rmse, rsquare, validPredictionTime } from '@phaseflow/reservoir';
import { hasSharedData, loadShared } from './shared-data.js';

interface Coo {
  shape: [number, number];
  row: number[];
  col: number[];
  val: number[];
}
interface Fixture {
  lr: number;
  ridge: number;
  W: Coo;
  Win: Coo;
  reservoir_bias: number;
  Wout: number[][];
  readout_bias: number[];
  test_predictions: number[];
  metrics: { rmse: number; nrmse_ptp: number; nrmse_std: number; rsquare: number };
}

describe.skipIf(!hasSharedData)('ReservoirPy 0.4.2 fixture (mg_esn500_seed0)', () => {
  const fx = hasSharedData ? loadShared<Fixture>('mg_esn500_seed0_fixture.json') : (undefined as never);
  const mg = hasSharedData ? loadShared<{ series: number[] }>('mackey_glass_tau17.json') : (undefined as never);
  const csr = (c: Coo) => csrFromTriplets(c.shape[0], c.shape[1], c.row, c.col, c.val);
  const s = hasSharedData ? Float64Array.from(mg.series) : new Float64Array(0);
  const col = (a: number, b: number) => matrix(b - a, 1, s.slice(a, b));

  it('reproduces its test predictions from its W and Win with our own ridge fit (to 5e-9; measured 3.4e-9)', async () => {
    const reservoir = createReservoir({
      units: 500,
      inputDim: 1,
      leakRate: fx.lr,
      W: csr(fx.W),
      Win: csr(fx.Win),
      bias: new Float64Array(500).fill(fx.reservoir_bias),
    });
    const esn = createEsn({ reservoir });
    await esn.fit(col(0, 10000), col(1, 10001), { trainer: createRidge({ ridge: fx.ridge, warmup: 100 }) });
    const pred = esn.run(col(10000, 12000));
    let worst = 0;
    for (let t = 0; t < 2000; t++) worst = Math.max(worst, Math.abs(pred.data[t]! - fx.test_predictions[t]!));
    // ReservoirPy sums the Gram with BLAS; an exactly summed Gram (80-bit, checked in Python)
    // differs from its predictions by 2.8e-9 — the floor set by κ(XᵀX + λI) ≈ 1.6e10.
    expect(worst).toBeLessThan(5e-9);
    // The metrics with ReservoirPy's definitions agree with the ones it reported.
    const truth = col(10001, 12001);
    expect(rmse(truth, fx.test_predictions)).toBeCloseTo(fx.metrics.rmse, 14);
    expect(nrmse(truth, fx.test_predictions)).toBeCloseTo(fx.metrics.nrmse_ptp, 14);
    expect(nrmse(truth, fx.test_predictions, { norm: 'std' })).toBeCloseTo(fx.metrics.nrmse_std, 13);
    expect(rsquare(truth, fx.test_predictions)).toBeCloseTo(fx.metrics.rsquare, 12);
    expect(nrmse(truth, pred)).toBeLessThan(4.0e-4);
  });

  it('its readout on our states reproduces its predictions (the reservoir update alone, to 1e-11)', () => {
    const reservoir = createReservoir({ units: 500, inputDim: 1, leakRate: fx.lr, W: csr(fx.W), Win: csr(fx.Win) });
    reservoir.run(col(0, 10000), { keep: 'last' });
    const states = reservoir.run(col(10000, 12000));
    let worst = 0;
    for (let t = 0; t < 2000; t++) {
      let y = fx.readout_bias[0]!;
      for (let i = 0; i < 500; i++) y += fx.Wout[i]![0]! * states.data[t * 500 + i]!;
      worst = Math.max(worst, Math.abs(y - fx.test_predictions[t]!));
    }
    expect(worst).toBeLessThan(1e-11);
  });
});

describe.skipIf(!hasSharedData)('Lorenz-63 closed loop (cheap version of the bench)', () => {
  it('a 300-unit ESN with the issue hyper-parameters stays valid for > 6 Lyapunov times on average', async () => {
    const lz = loadShared<{ data: number[][]; lyapunov_exponent: number; params: { dt: number } }>('lorenz63_dop853_dt0.025.json');
    const raw = Float64Array.from(lz.data.slice(0, 9000).flat());
    const TR = 5000;
    // Standardise each component with the training rows' statistics (see bench/index.mjs).
    const L = raw.slice();
    for (let j = 0; j < 3; j++) {
      let m = 0,
        v = 0;
      for (let t = 0; t < TR; t++) m += raw[3 * t + j]! / TR;
      for (let t = 0; t < TR; t++) v += (raw[3 * t + j]! - m) ** 2 / TR;
      for (let t = 0; t < raw.length / 3; t++) L[3 * t + j] = (raw[3 * t + j]! - m) / Math.sqrt(v);
    }
    const rows = (a: number, b: number) => matrix(b - a, 3, L.slice(3 * a, 3 * b));
    const esn = createEsn({
      reservoir: { units: 300, inputDim: 3, spectralRadius: 0.9, leakRate: 1, inputScaling: 0.1, inputConnectivity: 1, biasScaling: 0.5, seed: 0 },
    });
    await esn.fit(rows(0, TR), rows(1, TR + 1), { trainer: createRidge({ ridge: 1e-8, warmup: 100 }) });
    const vpts = [6000, 7000, 8000].map((s) => {
      esn.reset();
      esn.run(rows(s - 100, s + 1));
      return validPredictionTime(rows(s + 2, s + 802), esn.generate(800), { dt: lz.params.dt, lyapunovExponent: lz.lyapunov_exponent, scale: [1, 1, 1] });
    });
    expect(vpts.reduce((a, b) => a + b) / 3).toBeGreaterThan(6);
  });
});
