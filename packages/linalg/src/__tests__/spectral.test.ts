import { describe, expect, it } from 'vitest';
import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { csrToDense, rescaleSpectralRadius, spectralRadius, csrFromDense } from '@phaseflow/linalg';
import { randomCsr } from './helpers.js';
import { isPhaseflowError } from '@phaseflow/core';

function denseRadius(n: number, d: Float64Array): number {
  const M = new MlMatrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M.set(i, j, d[i * n + j]!);
  const e = new EigenvalueDecomposition(M);
  let r = 0;
  for (let i = 0; i < n; i++) r = Math.max(r, Math.hypot(e.realEigenvalues[i]!, e.imaginaryEigenvalues[i]!));
  return r;
}

describe('spectralRadius', () => {
  it.each([
    [50, 0.2, 'normal', 1],
    [120, 0.1, 'normal', 2],
    [200, 0.05, 'uniform', 3],
    [300, 0.1, 'bernoulli', 4],
  ] as const)('matches a dense eigen-solve (n=%i, p=%f, %s)', (n, p, distribution, seed) => {
    const W = randomCsr(n, n, p, distribution, seed);
    const exact = denseRadius(n, csrToDense(W));
    const rho = spectralRadius(W, { tol: 1e-10 });
    expect(Math.abs(rho - exact) / exact).toBeLessThan(1e-8);
    // The default tolerance (1e-6 on the residual) gives ρ to better than 1e-6.
    expect(Math.abs(spectralRadius(W) - exact) / exact).toBeLessThan(1e-6);
  });

  it('is right where power iteration fails: a rotation-dominated matrix', () => {
    // Eigenvalues ±2i (a rotation block) and 1: power iteration never converges.
    const A = csrFromDense(3, 3, [0, -2, 0, 2, 0, 0, 0, 0, 1]);
    expect(spectralRadius(A)).toBeCloseTo(2, 12);
  });

  it('rescales to the requested radius', () => {
    const W = rescaleSpectralRadius(randomCsr(150, 150, 0.1, 'normal', 9), 1.25, { tol: 1e-10 });
    expect(denseRadius(150, csrToDense(W))).toBeCloseTo(1.25, 8);
  });

  it('rejects non-positive targets and non-square matrices with coded errors', () => {
    const W = randomCsr(10, 10, 0.5, 'normal', 1);
    expect(() => rescaleSpectralRadius(W, 0)).toThrow(/target/);
    try {
      rescaleSpectralRadius(W, -1);
    } catch (e) {
      expect(isPhaseflowError(e, 'INVALID_ARGUMENT')).toBe(true);
    }
    expect(() => spectralRadius(randomCsr(3, 4, 1, 'normal', 1))).toThrow(/square/);
  });
});
