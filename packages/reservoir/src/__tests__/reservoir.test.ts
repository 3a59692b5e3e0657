import { describe, expect, it } from 'vitest';
import { isPhaseflowError, type PhaseflowErrorCode } from '@phaseflow/core';
import { csrToDense } from '@phaseflow/linalg';
import { createEsn, createReservoir, matrix, randomSparse } from '@phaseflow/reservoir';

function code(f: () => unknown): PhaseflowErrorCode | 'none' {
  try {
    f();
  } catch (e) {
    if (isPhaseflowError(e)) return e.code;
    throw e;
  }
  return 'none';
}

describe('randomSparse', () => {
  it('is reproducible from its seed and has the requested density', () => {
    const a = randomSparse({ rows: 200, cols: 200, connectivity: 0.1, seed: 5 });
    const b = randomSparse({ rows: 200, cols: 200, connectivity: 0.1, seed: 5 });
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(Array.from(a.colIdx)).toEqual(Array.from(b.colIdx));
    // 4000 expected non-zeros, binomial std ≈ 60.
    expect(Math.abs(a.values.length - 4000)).toBeLessThan(300);
    const c = randomSparse({ rows: 50, cols: 50, connectivity: 0.5, distribution: 'bernoulli', scale: 0.5, seed: 1 });
    expect(new Set(c.values).size).toBe(2);
    expect([...new Set(c.values)].sort()).toEqual([-0.5, 0.5]);
    const u = randomSparse({ rows: 50, cols: 50, connectivity: 1, distribution: 'uniform', seed: 1 });
    expect(u.values.length).toBe(2500);
    expect(Math.max(...u.values)).toBeLessThan(1);
    expect(Math.min(...u.values)).toBeGreaterThanOrEqual(-1);
  });
});

describe('reservoir', () => {
  it('follows x[t+1] = (1−lr)x[t] + lr·tanh(W x[t] + Win u[t+1] + Wfb y[t] + b) (dense reference)', () => {
    const n = 20;
    const res = createReservoir({
      units: n,
      inputDim: 2,
      leakRate: 0.3,
      spectralRadius: 1.1,
      inputConnectivity: 0.5,
      biasScaling: 0.2,
      feedbackDim: 1,
      feedbackConnectivity: 0.5,
      seed: 3,
    });
    const W = csrToDense(res.W),
      Win = csrToDense(res.Win),
      Wfb = csrToDense(res.Wfb!);
    const U = matrix(
      30,
      2,
      Float64Array.from({ length: 60 }, (_, i) => Math.sin(0.3 * i)),
    );
    const Y = matrix(
      30,
      1,
      Float64Array.from({ length: 30 }, (_, i) => Math.cos(0.2 * i)),
    );
    const S = res.run(U, { feedback: Y });
    const x = new Float64Array(n);
    for (let t = 0; t < 30; t++) {
      const nx = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = res.bias[i]! + Wfb[i]! * Y.data[t]!;
        for (let j = 0; j < n; j++) s += W[i * n + j]! * x[j]!;
        for (let j = 0; j < 2; j++) s += Win[i * 2 + j]! * U.data[t * 2 + j]!;
        nx[i] = 0.7 * x[i]! + 0.3 * Math.tanh(s);
      }
      x.set(nx);
      for (let i = 0; i < n; i++) expect(S.data[t * n + i]).toBeCloseTo(x[i]!, 13);
    }
  });

  it('writes into a caller buffer and keeps only the last state on request', () => {
    const res = createReservoir({ units: 30, inputDim: 1, seed: 1 });
    const U = matrix(
      50,
      1,
      Float64Array.from({ length: 50 }, (_, i) => Math.sin(i)),
    );
    const out = matrix(50, 30);
    expect(res.run(U, { out })).toBe(out);
    const all = out.data.slice(49 * 30);
    res.reset();
    const last = res.run(U, { keep: 'last' });
    expect(last.rows).toBe(1);
    expect(Array.from(last.data)).toEqual(Array.from(all));
  });

  it('rejects bad input with coded errors', () => {
    const res = createReservoir({ units: 10, inputDim: 2, seed: 1 });
    expect(code(() => res.run([[1], [2]]))).toBe('SHAPE_MISMATCH');
    expect(code(() => res.run([[1, NaN]]))).toBe('NON_FINITE_INPUT');
    expect(code(() => res.run([]))).toBe('INVALID_ARGUMENT');
    expect(code(() => createReservoir({ units: 10, inputDim: 1, spectralRadius: 0 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => createReservoir({ units: 10, inputDim: 1, spectralRadius: -1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => createReservoir({ units: 10, inputDim: 1, leakRate: 1.5 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => createReservoir({ units: 10, inputDim: 1, unknown: 1 } as never))).toBe('UNKNOWN_OPTION');
    expect(code(() => createReservoir({ units: 0, inputDim: 1 }))).toBe('INVALID_ARGUMENT');
    expect(
      code(() =>
        createEsn({
          reservoirs: [
            { units: 10, inputDim: 1 },
            { units: 5, inputDim: 9 },
          ],
        }),
      ),
    ).toBe('SHAPE_MISMATCH');
  });

  it('the echo state property: two initial states forget their difference (ρ < 1)', () => {
    const res = createReservoir({ units: 100, inputDim: 1, spectralRadius: 0.8, seed: 2 });
    const U = matrix(
      300,
      1,
      Float64Array.from({ length: 300 }, (_, i) => Math.sin(0.1 * i)),
    );
    res.setState(Float64Array.from({ length: 100 }, (_, i) => Math.cos(i)));
    const a = res.run(U, { keep: 'last' });
    res.reset();
    const b = res.run(U, { keep: 'last' });
    let d = 0;
    for (let i = 0; i < 100; i++) d = Math.max(d, Math.abs(a.data[i]! - b.data[i]!));
    expect(d).toBeLessThan(1e-10);
  });
});
