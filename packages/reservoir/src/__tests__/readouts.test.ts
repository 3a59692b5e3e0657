import { describe, expect, it } from 'vitest';
import { Matrix as MlMatrix, solve } from 'ml-matrix';
import fc from 'fast-check';
import { isPhaseflowError, type Observer, type PhaseflowErrorCode } from '@phaseflow/core';
import { createEsn, createLms, createReadout, createRidge, createRls, matrix, nrmse } from '@phaseflow/reservoir';

async function code(f: () => Promise<unknown> | unknown): Promise<PhaseflowErrorCode | 'none'> {
  try {
    await f();
  } catch (e) {
    if (isPhaseflowError(e)) return e.code;
    throw e;
  }
  return 'none';
}

// A linear problem with a known answer: y = A x + c + small noise.
function problem(T: number, n: number, m: number, seed: number) {
  let s = seed;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const X = matrix(T, n),
    Y = matrix(T, m);
  const A = Array.from({ length: m * n }, rnd),
    c = Array.from({ length: m }, () => 3 * rnd());
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < n; i++) X.data[t * n + i] = 2 + rnd();
    for (let k = 0; k < m; k++) {
      let v = c[k]!;
      for (let i = 0; i < n; i++) v += A[k * n + i]! * X.data[t * n + i]!;
      Y.data[t * m + k] = v + 1e-3 * rnd();
    }
  }
  return { X, Y };
}

describe('ridge', () => {
  it('equals the centred normal equations solved densely (ml-matrix), bias unpenalised', async () => {
    const { X, Y } = problem(300, 6, 2, 7);
    const warmup = 10,
      ridge = 0.5;
    const r = createReadout({ inputDim: 6, outputDim: 2 });
    const h = await createRidge({ ridge, warmup }).fit(r, { inputs: X, targets: Y });
    expect(h.samples).toBe(290);
    // Dense reference.
    const T = 290,
      n = 6;
    const Xm = new MlMatrix(T, n),
      Ym = new MlMatrix(T, 2);
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < n; i++) Xm.set(t, i, X.data[(t + warmup) * n + i]!);
      for (let k = 0; k < 2; k++) Ym.set(t, k, Y.data[(t + warmup) * 2 + k]!);
    }
    const xm = Xm.mean('column'),
      ym = Ym.mean('column');
    const Xc = Xm.clone().subRowVector(xm),
      Yc = Ym.clone().subRowVector(ym);
    const G = Xc.transpose().mmul(Xc).add(MlMatrix.eye(n).mul(ridge));
    const W = solve(G, Xc.transpose().mmul(Yc)); // n × 2
    for (let k = 0; k < 2; k++) {
      let b = ym[k]!;
      for (let i = 0; i < n; i++) {
        expect(r.weights[k * n + i]).toBeCloseTo(W.get(i, k), 10);
        b -= W.get(i, k) * xm[i]!;
      }
      expect(r.bias[k]).toBeCloseTo(b, 10);
    }
    // The loss reported from the statistics is the mean squared training residual.
    let sse = 0;
    for (let t = warmup; t < 300; t++) {
      const y = r.forward(X.data.subarray(t * n, (t + 1) * n));
      for (let k = 0; k < 2; k++) sse += (y[k]! - Y.data[t * 2 + k]!) ** 2;
    }
    expect(h.loss[0]).toBeCloseTo(sse / (290 * 2), 9);
  });

  it('matches the dense solve for every feature count and sample count (all kernel remainders)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 11 }), fc.integer({ min: 13, max: 150 }), fc.integer({ min: 1, max: 1e6 }), async (n, T, seed) => {
        const { X, Y } = problem(T, n, 1, seed);
        const r = createReadout({ inputDim: n, outputDim: 1 });
        await createRidge({ ridge: 0.1 }).fit(r, { inputs: X, targets: Y });
        const Xm = new MlMatrix(T, n),
          Ym = new MlMatrix(T, 1);
        for (let t = 0; t < T; t++) {
          for (let i = 0; i < n; i++) Xm.set(t, i, X.data[t * n + i]!);
          Ym.set(t, 0, Y.data[t]!);
        }
        const xm = Xm.mean('column'),
          ym = Ym.mean('column');
        const Xc = Xm.clone().subRowVector(xm),
          Yc = Ym.clone().subRowVector(ym);
        const W = solve(Xc.transpose().mmul(Xc).add(MlMatrix.eye(n).mul(0.1)), Xc.transpose().mmul(Yc));
        for (let i = 0; i < n; i++) expect(r.weights[i]).toBeCloseTo(W.get(i, 0), 8);
      }),
      { numRuns: 30 },
    );
  });

  it('fits several sequences as one data set and emits observer events', async () => {
    const a = problem(100, 4, 1, 1),
      b = problem(100, 4, 1, 1);
    const seen: string[] = [];
    const obs: Observer = {
      name: 'log',
      on: {
        'run:start': () => seen.push('start'),
        step: () => seen.push('step'),
        'epoch:end': () => seen.push('epoch'),
        'run:end': (e) => seen.push(e.status),
      },
    };
    const r1 = createReadout({ inputDim: 4, outputDim: 1 }),
      r2 = createReadout({ inputDim: 4, outputDim: 1 });
    await createRidge({ ridge: 1e-3 }).fit(r1, { inputs: [a.X, b.X], targets: [a.Y, b.Y] }, { observers: [obs] });
    const both = matrix(200, 4, Float64Array.from([...a.X.data, ...b.X.data]));
    const yb = matrix(200, 1, Float64Array.from([...a.Y.data, ...b.Y.data]));
    await createRidge({ ridge: 1e-3 }).fit(r2, { inputs: both, targets: yb });
    for (let i = 0; i < 4; i++) expect(r1.weights[i]).toBeCloseTo(r2.weights[i]!, 12);
    expect(seen).toEqual(['start', 'step', 'step', 'epoch', 'completed']);
  });

  it('rejects bad input with coded errors', async () => {
    const r = createReadout({ inputDim: 3, outputDim: 1 });
    expect(await code(() => createRidge({ ridge: -1 }))).toBe('INVALID_ARGUMENT');
    expect(await code(() => createRidge({ ridge: 1, warmup: 5 }).fit(r, { inputs: [[1, 2, 3]], targets: [[1]] }))).toBe('INVALID_STATE');
    expect(await code(() => createRidge().fit(r, { inputs: [[1, 2]], targets: [[1]] }))).toBe('SHAPE_MISMATCH');
    expect(await code(() => createRidge().fit(r, { inputs: [[1, 2, NaN]], targets: [[1]] }))).toBe('NON_FINITE_INPUT');
    expect(await code(() => createRidge().fit(r, { inputs: [[1, 2, 3]], targets: [[1], [2]] }))).toBe('SHAPE_MISMATCH');
    expect(
      await code(() =>
        createRidge({ ridge: 0 }).fit(r, {
          inputs: [
            [1, 1, 1],
            [1, 1, 1],
          ],
          targets: [[1], [2]],
        }),
      ),
    ).toBe('NOT_POSITIVE_DEFINITE');
    const esn = createEsn({ reservoir: { units: 10, inputDim: 1, seed: 1 } });
    expect(await code(() => esn.run([[1]]))).toBe('INVALID_STATE');
    expect(await code(() => esn.fit([], []))).toBe('INVALID_ARGUMENT');
  });
});

describe('online readouts', () => {
  it('RLS converges to the ridge solution (its α is the ridge on a stationary problem)', async () => {
    const { X, Y } = problem(400, 5, 1, 3);
    const rr = createReadout({ inputDim: 5, outputDim: 1 }),
      rl = createReadout({ inputDim: 5, outputDim: 1 });
    await createRidge({ ridge: 1e-6 }).fit(rr, { inputs: X, targets: Y });
    const h = await createRls({ alpha: 1e-6 }).fit(rl, { inputs: X, targets: Y });
    for (let i = 0; i < 5; i++) expect(rl.weights[i]).toBeCloseTo(rr.weights[i]!, 5);
    expect(rl.bias[0]).toBeCloseTo(rr.bias[0]!, 4);
    expect(h.samples).toBe(400);
  });

  it('LMS learns a linear map and its per-step loss falls; an observer can stop it', async () => {
    const { X, Y } = problem(3000, 3, 1, 11);
    const r = createReadout({ inputDim: 3, outputDim: 1 });
    const losses: number[] = [];
    await createLms({ learningRate: 0.02 }).fit(r, { inputs: X, targets: Y }, { observers: [{ name: 'l', on: { step: (e) => void losses.push(e.loss!) } }] });
    const early = losses.slice(0, 100).reduce((a, b) => a + b) / 100;
    const late = losses.slice(-100).reduce((a, b) => a + b) / 100;
    expect(late).toBeLessThan(early * 1e-2);
    const r2 = createReadout({ inputDim: 3, outputDim: 1 });
    const h = await createLms({ learningRate: 0.02 }).fit(
      r2,
      { inputs: X, targets: Y },
      { observers: [{ name: 's', on: { step: (e, c) => e.step >= 50 && c.stop('enough') } }] },
    );
    expect(h.status).toBe('stopped');
    expect(h.samples).toBe(50);
  });

  it('LMS with too large a step reports divergence with a coded error', async () => {
    const { X, Y } = problem(500, 3, 1, 2);
    expect(await code(() => createLms({ learningRate: 5 }).fit(createReadout({ inputDim: 3, outputDim: 1 }), { inputs: X, targets: Y }))).toBe(
      'NON_FINITE_STATE',
    );
  });
});

describe('ESN on a sine (no shared data needed)', () => {
  it('learns one-step-ahead prediction and generates a sine in closed loop', async () => {
    const T = 1200;
    const s = Float64Array.from({ length: T + 1 }, (_, i) => Math.sin(0.2 * i));
    const esn = createEsn({ reservoir: { units: 100, inputDim: 1, spectralRadius: 0.9, leakRate: 0.5, seed: 4 } });
    await esn.fit(matrix(1000, 1, s.slice(0, 1000)), matrix(1000, 1, s.slice(1, 1001)), { trainer: createRidge({ ridge: 1e-8, warmup: 100 }) });
    const gen = esn.generate(100);
    expect(nrmse(matrix(100, 1, s.slice(1001, 1101)), gen)).toBeLessThan(1e-2);
    // A deep ESN runs and its features concatenate the layers.
    const deep = createEsn({
      reservoirs: [
        { units: 40, inputDim: 1, seed: 1 },
        { units: 30, inputDim: 40, seed: 2 },
      ],
      inputToReadout: true,
    });
    expect(deep.featureDim).toBe(71);
    await deep.fit(matrix(1000, 1, s.slice(0, 1000)), matrix(1000, 1, s.slice(1, 1001)), { trainer: createRidge({ ridge: 1e-8, warmup: 100 }) });
    expect(nrmse(matrix(200, 1, s.slice(1001, 1201)), deep.run(matrix(200, 1, s.slice(1000, 1200))))).toBeLessThan(1e-3);
  });
});
