/**
 * The batched dense kernels against their Float64 references: nn64's forwardEnsemble,
 * @phaseflow/reservoir's run, @phaseflow/linalg's Gram kernel. Tolerances are stated in
 * ε₃₂ = 2⁻²³ next to each check.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom } from '@phaseflow/core';
import { createGramKernel } from '@phaseflow/linalg';
import { createMlp64 } from '@phaseflow/nn64';
import { createReservoir } from '@phaseflow/reservoir';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import {
  FLOAT32_EPSILON,
  chooseGpuBackend,
  createBatchedGram,
  createBatchedReservoir,
  createEnsembleMlp,
  type EnsembleActivation,
  type EnsembleOutput,
} from '@phaseflow/gpu';

const EPS = FLOAT32_EPSILON;

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i]! - b[i]!));
  return e;
}

describe.each(['webasm', 'cpu'] as const)('dense kernels on %s', (name) => {
  const backend = chooseGpuBackend({ prefer: name });
  afterAll(() => backend.destroy());

  const rng = createRandom(7);
  const cases: [EnsembleActivation, EnsembleOutput][] = [
    ['tanh', 'softmax'],
    ['relu', 'linear'],
    ['sigmoid', 'sigmoid'],
    ['softplus', 'linear'],
    ['linear', 'softmax'],
    ['heaviside', 'linear'],
    ['sign', 'sigmoid'],
  ];
  it.each(cases)('ensemble MLP (%s hidden, %s output) agrees with nn64’s Float64 forwardEnsemble within 64·ε₃₂', (activation, output) => {
    const net = createMlp64({ sizes: [6, 8, 5, 3], activation, output, seed: 3 });
    const J = 5;
    const rows = 7;
    const thetas = new Float64Array(J * net.parameters.size).map(() => rng.normal() * 0.7);
    const x = new Float64Array(rows * 6).map(() => rng.uniform() * 2 - 1);
    const ens = createEnsembleMlp({ sizes: net.sizes, activation: net.activation, output: net.output, members: J, rows, backend });
    expect(ens.parameterCount).toBe(net.parameters.size);
    const got = ens.forward(thetas, x);
    const want = net.parameters.forwardEnsemble!(thetas, J, { x, rows, cols: 6 });
    for (let e = 0; e < J; e++) {
      // Step activations (heaviside, sign) flip where a pre-activation rounds across 0; these inputs keep away from it.
      expect(maxAbs(got[e]!, want[e]!)).toBeLessThan(64 * EPS);
    }
    ens.destroy();
  });

  it('the MNIST-shaped 784-32-10 ensemble forward (sparse images, fan-in 784) within 64·ε₃₂ of nn64', () => {
    const net = createMlp64({ sizes: [784, 32, 10], output: 'softmax', seed: 0 });
    const J = 3;
    const rows = 4;
    const thetas = new Float64Array(J * net.parameters.size);
    for (let e = 0; e < J; e++)
      thetas.set(
        net.theta.map((v) => v * (1 + 0.1 * rng.normal())),
        e * net.parameters.size,
      );
    const x = new Float64Array(rows * 784).map(() => (rng.uniform() < 0.2 ? rng.uniform() : 0));
    const ens = createEnsembleMlp({ sizes: net.sizes, activation: net.activation, output: net.output, members: J, rows, backend });
    const got = ens.forward(thetas, x);
    const want = net.parameters.forwardEnsemble!(thetas, J, { x, rows, cols: 784 });
    for (let e = 0; e < J; e++) expect(maxAbs(got[e]!, want[e]!)).toBeLessThan(64 * EPS);
    ens.destroy();
  });

  it('batched reservoirs (spectral radius and leak-rate sweep) follow @phaseflow/reservoir’s Float64 run within 64·ε₃₂ over 300 steps', () => {
    const reservoirs = [
      [0.8, 0.3],
      [0.95, 0.6],
      [1.1, 1],
    ].map(([spectralRadius, leakRate], r) => createReservoir({ units: 40, inputDim: 2, spectralRadius, leakRate, biasScaling: 0.2, seed: 10 + r }));
    const T = 300;
    const series = new Float64Array(T * 2).map((_, k) => (k % 2 === 0 ? Math.sin(0.1 * (k >> 1)) : Math.cos(0.037 * (k >> 1))));
    const batch = createBatchedReservoir({ reservoirs, backend });
    expect([batch.reservoirs, batch.units, batch.inputDim]).toEqual([3, 40, 2]);
    const got = batch.run(series);
    reservoirs.forEach((res, r) =>
      expect(maxAbs(got[r]!, res.run(Array.from({ length: T }, (_, t) => [series[2 * t]!, series[2 * t + 1]!])).data)).toBeLessThan(64 * EPS),
    );
    // The states carry on from where the run ended; `last` keeps only the final state.
    const more = batch.run(series.subarray(0, 20), { keep: 'last' });
    reservoirs.forEach((res, r) =>
      expect(
        maxAbs(
          more[r]!,
          res.run(
            Array.from({ length: 10 }, (_, t) => [series[2 * t]!, series[2 * t + 1]!]),
            { keep: 'last' },
          ).data,
        ),
      ).toBeLessThan(64 * EPS),
    );
    batch.reset();
    expect(batch.getStates().every((v) => v === 0)).toBe(true);
    batch.destroy();
  });

  it('one reservoir on several input streams at once', () => {
    const res = createReservoir({ units: 30, inputDim: 1, spectralRadius: 0.9, leakRate: 0.5, seed: 2 });
    const streams = [0.05, 0.11, 0.2].map((f) => Float64Array.from({ length: 100 }, (_, t) => Math.sin(f * t)));
    const batch = createBatchedReservoir({ reservoirs: [res, res, res], backend });
    const got = batch.run(streams);
    streams.forEach((s, r) => {
      res.reset();
      expect(maxAbs(got[r]!, res.run(Array.from(s, (v) => [v])).data)).toBeLessThan(64 * EPS);
    });
    batch.destroy();
  });

  it('Gram sums XᵀX and XᵀY of 3 data sets over 2500 samples (3 launches) agree with linalg’s Float64 Gram within 4·ε₃₂·Σ|xᵢxⱼ|', () => {
    const n = 5;
    const m = 2;
    const R = 3;
    const T = 2500;
    const xs = Array.from({ length: R }, () => new Float64Array(T * n).map(() => rng.normal() + 0.5));
    const ys = Array.from({ length: R }, () => new Float64Array(T * m).map(() => rng.normal()));
    const gram = createBatchedGram({ features: n, outputs: m, batch: R, backend });
    gram.accumulate(xs, ys);
    expect(gram.samples).toBe(T);
    for (let r = 0; r < R; r++) {
      // Reference: linalg's kernel on the samples rounded to float32 (what the backend sees), and on [x, y] for XᵀY.
      const ref = createGramKernel({ features: n + m, block: T });
      const abs = new Float64Array((n + m) * (n + m));
      for (let t = 0; t < T; t++) {
        const row = [...Array.from(xs[r]!.subarray(t * n, t * n + n), Math.fround), ...Array.from(ys[r]!.subarray(t * m, t * m + m), Math.fround)];
        row.forEach((v, k) => (ref.panels[(k >> 2) * 4 * T + 4 * t + (k & 3)] = v));
        for (let i = 0; i < n + m; i++) for (let j = 0; j < n + m; j++) abs[i * (n + m) + j] += Math.abs(row[i]! * row[j]!);
      }
      ref.accumulate(T);
      const S = gram.xtx(r);
      const Z = gram.xty(r);
      const at = (i: number, j: number) => ref.sums[Math.min(i, j) * ref.stride + Math.max(i, j)]!;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          expect(S[i * n + j]).toBe(S[j * n + i]);
          expect(Math.abs(S[i * n + j]! - at(i, j))).toBeLessThan(4 * EPS * abs[i * (n + m) + j]!);
        }
        for (let j = 0; j < m; j++) expect(Math.abs(Z[i * m + j]! - at(i, n + j))).toBeLessThan(4 * EPS * abs[i * (n + m) + n + j]!);
      }
    }
    gram.reset();
    expect(gram.samples).toBe(0);
    expect(gram.xtx(0).every((v) => v === 0)).toBe(true);
    gram.destroy();
  });
});

describe('dense kernels: bad input', () => {
  const backend = chooseGpuBackend({ prefer: 'cpu' });
  afterAll(() => backend.destroy());

  it('ensemble MLP', () => {
    const ok = { sizes: [2, 3, 1], members: 2, rows: 2, backend };
    expectPhaseflowError(() => createEnsembleMlp({ ...ok, sizes: [2] }), 'INVALID_ARGUMENT', 'options.sizes');
    expectPhaseflowError(() => createEnsembleMlp({ ...ok, activation: 'gelu' as never }), 'INVALID_ARGUMENT', 'options.activation');
    expectPhaseflowError(() => createEnsembleMlp({ ...ok, members: 0 }), 'INVALID_ARGUMENT', 'options.members');
    expectPhaseflowError(() => createEnsembleMlp({ ...ok, members: 2 ** 26, sizes: [2, 3, 1] }), 'GPU_LIMIT_EXCEEDED', 'options.members');
    const ens = createEnsembleMlp(ok);
    expectPhaseflowError(() => ens.forward(new Float64Array(5), new Float64Array(4)), 'SHAPE_MISMATCH', 'thetas');
    expectPhaseflowError(() => ens.forward(new Float64Array(26), new Float64Array(3)), 'SHAPE_MISMATCH', 'x');
    expectPhaseflowError(() => ens.forward(new Float64Array(26).fill(NaN), new Float64Array(4)), 'NON_FINITE_INPUT', 'thetas[0]');
    ens.destroy();
  });

  it('batched reservoir and Gram', () => {
    const a = createReservoir({ units: 10, inputDim: 1, seed: 1 });
    const b = createReservoir({ units: 12, inputDim: 1, seed: 1 });
    const fb = createReservoir({ units: 10, inputDim: 1, feedbackDim: 1, seed: 1 });
    expectPhaseflowError(() => createBatchedReservoir({ reservoirs: [], backend }), 'INVALID_ARGUMENT', 'options.reservoirs');
    expectPhaseflowError(() => createBatchedReservoir({ reservoirs: [a, b], backend }), 'SHAPE_MISMATCH', 'options.reservoirs[1].units');
    expectPhaseflowError(() => createBatchedReservoir({ reservoirs: [a, fb], backend }), 'NOT_AVAILABLE', 'options.reservoirs[1]');
    const batch = createBatchedReservoir({ reservoirs: [a, a], backend });
    expectPhaseflowError(
      () =>
        batch.run([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
      'SHAPE_MISMATCH',
      'inputs',
    );
    expectPhaseflowError(() => batch.run([1, NaN]), 'NON_FINITE_INPUT', 'inputs[1]');
    expectPhaseflowError(() => batch.run([1], { keep: 'some' as never }), 'INVALID_ARGUMENT', 'options.keep');
    expectPhaseflowError(() => batch.setStates([1]), 'SHAPE_MISMATCH', 'x');
    batch.destroy();
    const gram = createBatchedGram({ features: 2, outputs: 1, batch: 2, backend });
    expectPhaseflowError(() => gram.accumulate([1, 2]), 'INVALID_ARGUMENT', 'x');
    expectPhaseflowError(
      () =>
        gram.accumulate(
          [
            [1, 2],
            [3, 4, 5],
          ],
          [[1], [2]],
        ),
      'SHAPE_MISMATCH',
      'x[1]',
    );
    expectPhaseflowError(
      () =>
        gram.accumulate(
          [
            [1, 2],
            [3, 4],
          ],
          [
            [1, 2],
            [3, 4],
          ],
        ),
      'SHAPE_MISMATCH',
      'y',
    );
    expectPhaseflowError(() => gram.xtx(2), 'INVALID_ARGUMENT', 'r');
    expectPhaseflowError(() => createBatchedGram({ features: 0, backend }), 'INVALID_ARGUMENT', 'options.features');
    gram.destroy();
  });
});
