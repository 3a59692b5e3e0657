import {
  createJacobianGrowthObserver,
  createLayerEnergyObserver,
  forwardStability,
  lyapunovSpectrum,
  mapIterator,
  mapProblem,
  networkMap,
  residualLayer,
  resNetLayer,
  type DifferentiableLayer,
} from '@phaseflow/analysis';
import { createRandom, integrate } from '@phaseflow/core';
import { matrix, qr, svd, symmetricEigen } from '@phaseflow/linalg';
import { createMlp64 } from '@phaseflow/nn64';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';

type F = Float64Array;

const matMul = (A: F, B: F, n: number): F => {
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let m = 0; m < n; m++) for (let j = 0; j < n; j++) C[i * n + j] += A[i * n + m]! * B[m * n + j]!;
  return C;
};
const transpose = (A: F, n: number): F => {
  const T = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) T[j * n + i] = A[i * n + j]!;
  return T;
};
/** A linear layer x ↦ A x with its dense Jacobian. */
const linear = (A: F, n: number): DifferentiableLayer => ({
  name: 'linear',
  forward(x, out = new Float64Array(n)) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j]! * x[j]!;
      out[i] = s;
    }
    return out;
  },
  jacobian: (_x, out) => (out.set(A), out),
});
const randomOrthogonal = (n: number, seed: number): F => qr(matrix(n, n, createRandom(seed).fillNormal(new Float64Array(n * n)))).q.data;

describe('networks as maps: the growth of the product of layer Jacobians', () => {
  it('a linear network A_l = U_l D_l U_{l−1}ᵀ: ln σ(J_L ⋯ J_1) = Σ_l ln |D_l| exactly, over a spread of e^{±40}', () => {
    const n = 6;
    const L = 40;
    const U = Array.from({ length: L + 1 }, (_, l) => randomOrthogonal(n, 100 + l));
    const rng = createRandom(1);
    const expected = new Float64Array(n);
    const layers = Array.from({ length: L }, (_, l) => {
      // |D_l,i| = e^{c_i + noise}, c from +1 to −1: the singular values of the product spread as e^{±40}.
      const d = Float64Array.from({ length: n }, (_, i) => (rng.uniform() < 0.5 ? -1 : 1) * Math.exp(1 - (2 * i) / (n - 1) + 0.3 * rng.normal()));
      d.forEach((v, i) => (expected[i]! += Math.log(Math.abs(v))));
      const UD = U[l + 1]!.map((v, idx) => v * d[idx % n]!);
      return linear(matMul(UD, transpose(U[l]!, n), n), n);
    });
    const net = networkMap(layers);
    expect(net.depth).toBe(L);
    expect(net.sources.every((s) => s === 'jacobian')).toBe(true);
    const x0 = createRandom(2).fillNormal(new Float64Array(n));
    const r = forwardStability(net, x0);
    const want = Array.from(expected).sort((a, b) => b - a);
    expect(want[0]).toBeGreaterThan(30);
    expect(want[n - 1]).toBeLessThan(-30);
    for (let j = 0; j < n; j++) expect(Math.abs(r.logSingularValues[j]! - want[j]!)).toBeLessThan(1e-9 * 40);
    // Σ ln R_jj = ln |det(J_L ⋯ J_1)|
    const logDet = want.reduce((a, b) => a + b, 0);
    expect(r.logGrowth.reduce((a, b) => a + b, 0)).toBeCloseTo(logDet, 9);
    expect(r.logGrowthByLayer.length).toBe(L);
    expect(r.exponents[0]).toBeCloseTo(r.logGrowth[0]! / L, 14);
  });

  it('a generic linear network: the log-growth is ln diag R of QR(J_L ⋯ J_1·Q₀) and the singular values those of the product', () => {
    const n = 5;
    const L = 12;
    const rng = createRandom(9);
    const mats = Array.from({ length: L }, () => rng.fillNormal(new Float64Array(n * n), 0, 1 / Math.sqrt(n)));
    let P: F = new Float64Array(n * n);
    for (let i = 0; i < n; i++) P[i * n + i] = 1;
    for (const A of mats) P = matMul(A, P, n);
    const growth = createJacobianGrowthObserver({ problem: networkMap(mats.map((A) => linear(A, n))), frame: 'identity' });
    const net = networkMap(mats.map((A) => linear(A, n)));
    integrate(mapIterator(), net, Float64Array.of(1, 2, 3, 4, 5), { tEnd: L, h: 1, observers: [growth] });
    const R = qr(matrix(n, n, P)).r.data;
    for (let j = 0; j < n; j++) expect(growth.logGrowth[j]!).toBeCloseTo(Math.log(R[j * n + j]!), 10);
    const s = svd(matrix(n, n, P)).s;
    const ls = growth.logSingularValues();
    for (let j = 0; j < n; j++) expect(ls[j]!).toBeCloseTo(Math.log(s[j]!), 9);
    expect(growth.records.map((r) => r.layer)).toEqual(Array.from({ length: L }, (_, i) => i));
    // k < n vectors: the top of the same triangular factor
    const two = createJacobianGrowthObserver({ problem: net, vectors: 2, frame: 'identity' });
    integrate(mapIterator(), net, Float64Array.of(1, 2, 3, 4, 5), { tEnd: L, h: 1, observers: [two] });
    expect(two.logGrowth[0]!).toBeCloseTo(Math.log(R[0]!), 10);
    expect(two.logGrowth[1]!).toBeCloseTo(Math.log(R[n + 1]!), 10);
  });

  it('a linear antisymmetric ResNet x + hKx: (I + hK)^L is normal, ln σ = (L/2) ln(1 + h²μ²) for the eigenvalues ±iμ of K', () => {
    const n = 8;
    const L = 50;
    const h = 0.1;
    const raw = createRandom(4).fillNormal(new Float64Array(n * n), 0, 2 / Math.sqrt(n));
    const K = raw.map((_, idx) => 0.5 * (raw[idx]! - raw[(idx % n) * n + Math.floor(idx / n)]!));
    const layer = resNetLayer({ kernel: raw, step: h, activation: 'identity', antisymmetric: true });
    const r = forwardStability(networkMap(Array.from({ length: L }, () => layer)), createRandom(5).fillNormal(new Float64Array(n)));
    const mu2 = symmetricEigen(matMul(transpose(K, n), K, n), n).values; // μ², ascending
    const want = Array.from(mu2, (m) => (L / 2) * Math.log(1 + h * h * Math.max(0, m))).sort((a, b) => b - a);
    for (let j = 0; j < n; j++) expect(r.logSingularValues[j]!).toBeCloseTo(want[j]!, 9);
    // per layer: growth ≤ ½ ln(1 + h² μ_max²), nothing contracts
    for (const e of r.exponents) expect(Math.abs(e)).toBeLessThanOrEqual(0.5 * Math.log(1 + h * h * mu2[n - 1]!) + 1e-12);
  });

  it('tanh ResNet, 100 layers: the plain block amplifies and kills directions, the antisymmetric block stays near 0 growth', () => {
    const n = 16;
    const L = 100;
    const h = 0.1;
    const rng = createRandom(7);
    const K = rng.fillNormal(new Float64Array(n * n), 0, 1 / Math.sqrt(n));
    // weights that vary slowly with depth around one K (the discretised flow of Haber & Ruthotto)
    const kernels = Array.from({ length: L }, () => rng.fillNormal(new Float64Array(n * n), 0, 0.1 / Math.sqrt(n)).map((e, i) => e + K[i]!));
    const plain = networkMap(kernels.map((k) => resNetLayer({ kernel: k, step: h })));
    const anti = networkMap(kernels.map((k) => resNetLayer({ kernel: k, step: h, antisymmetric: true })));
    expect(plain.sources[0]).toBe('tangent');
    const x0 = createRandom(3).fillNormal(new Float64Array(n), 0, 0.1);
    const p = forwardStability(plain, x0);
    const a = forwardStability(anti, x0);
    const perLayer = (r: { logSingularValues: F }) => Array.from(r.logSingularValues, (x) => x / L);
    // measured: plain ln σ/L from 0.056 to −0.080, energy ×5000; antisymmetric from 0.0073 to 0.0000, energy ×2.4
    for (const g of perLayer(a)) expect(Math.abs(g)).toBeLessThan(0.01);
    expect(perLayer(p)[0]!).toBeGreaterThan(0.04);
    expect(perLayer(p)[n - 1]!).toBeLessThan(-0.06);
    expect(p.energyRatio.at(-1)!).toBeGreaterThan(1000);
    expect(a.energyRatio.at(-1)!).toBeLessThan(4);
    expect(a.energy.length).toBe(L + 1);
    expect(a.energyRatio[0]).toBe(1);
    // the same numbers as lyapunovSpectrum on the same map (τ = 1 layer, same seeded frame)
    const s = lyapunovSpectrum(mapIterator(), anti, x0, { tEnd: L, tau: 1, vectors: 3 });
    const a3 = forwardStability(anti, x0, { vectors: 3 });
    for (let j = 0; j < 3; j++) expect(a3.exponents[j]!).toBeCloseTo(s.exponents[j]!, 10);
  });

  it('log singular values after every layer of a nearly orthogonal product (clustered σ, where one Jacobi orientation cycles)', () => {
    const n = 16;
    const rng = createRandom(1);
    const K = rng.fillNormal(new Float64Array(n * n), 0, 1 / Math.sqrt(n));
    const kernels = Array.from({ length: 30 }, () => rng.fillNormal(new Float64Array(n * n), 0, 0.1 / Math.sqrt(n)).map((e, i) => e + K[i]!));
    const net = networkMap(kernels.map((k) => resNetLayer({ kernel: k, step: 0.1, antisymmetric: true })));
    const growth = createJacobianGrowthObserver({ problem: net, seed: 1 });
    const seen: number[] = [];
    const probe = { name: 'probe', on: { step: () => void seen.push(growth.logSingularValues()[0]!) } };
    integrate(mapIterator(), net, createRandom(2).fillNormal(new Float64Array(n), 0, 0.1), { tEnd: 30, h: 1, observers: [growth, probe] });
    expect(seen.length).toBe(30);
    for (const v of seen) expect(Number.isFinite(v)).toBe(true);
    expect(seen.at(-1)!).toBeGreaterThan(0);
    expect(seen.at(-1)!).toBeLessThan(0.5);
  });

  it('nn64 layers (Jacobian from one batched vjp), functions (central differences) and residual blocks agree', () => {
    const n = 4;
    const mlp = createMlp64({ sizes: [n, 8, n], seed: 3 });
    const fn = (x: F) => mlp.forward({ x, rows: 1, cols: n });
    const byVjp = networkMap([residualLayer(mlp, { step: 0.5 }), mlp]);
    const byFd = networkMap([residualLayer(fn, { step: 0.5 }), fn]);
    expect(byVjp.sources).toEqual(['tangent', 'vjp']);
    expect(byFd.sources).toEqual(['tangent', 'central-differences']);
    const x0 = Float64Array.of(0.3, -0.2, 0.5, 0.1);
    const frame = createRandom(1).fillNormal(new Float64Array(n * 2));
    for (let l = 0; l < 2; l++) {
      const a = byVjp.tangent(l, x0, frame, 2, new Float64Array(n * 2));
      const b = byFd.tangent(l, x0, frame, 2, new Float64Array(n * 2));
      for (let i = 0; i < n * 2; i++) expect(a[i]!).toBeCloseTo(b[i]!, 7);
    }
    expect(Array.from(byVjp.output(x0))).toEqual(Array.from(byFd.output(x0)));
    const r1 = forwardStability(byVjp, x0);
    const r2 = forwardStability(byFd, x0);
    for (let j = 0; j < n; j++) expect(r1.logSingularValues[j]!).toBeCloseTo(r2.logSingularValues[j]!, 6);
    // any map problem, with the depth given
    const r3 = forwardStability(
      mapProblem((t, y, out) => byVjp.layer(t, y, out)),
      x0,
      { depth: 2 },
    );
    for (let j = 0; j < n; j++) expect(r3.logSingularValues[j]!).toBeCloseTo(r1.logSingularValues[j]!, 6);
  });

  it('the energy observer sees every layer; bad input gives coded errors', () => {
    const energy = createLayerEnergyObserver();
    const net = networkMap([(x) => x.map((v) => 2 * v), (x) => x.map((v) => v / 4)]);
    integrate(mapIterator(), net, Float64Array.of(1, 1), { tEnd: 2, h: 1, observers: [energy] });
    expect(energy.records.map((r) => r.energy)).toEqual([2, 8, 0.5]);
    expect(energy.records.map((r) => r.ratio)).toEqual([1, 4, 0.25]);
    expectPhaseflowError(() => networkMap([]), 'INVALID_ARGUMENT', 'layers');
    expectPhaseflowError(() => networkMap([42 as never]), 'INVALID_ARGUMENT', 'layers[0]');
    expectPhaseflowError(() => net.layer(2, Float64Array.of(1, 1)), 'INVALID_ARGUMENT', 't');
    expectPhaseflowError(() => net.layer(0.5, Float64Array.of(1, 1)), 'INVALID_ARGUMENT', 't');
    expectPhaseflowError(() => networkMap([() => Float64Array.of(1, 2, 3)]).layer(0, Float64Array.of(1, 1)), 'SHAPE_MISMATCH', 'layers[0]');
    expectPhaseflowError(() => forwardStability(net, Float64Array.of(1, 1), { vectors: 3 }), 'INVALID_ARGUMENT', 'options.vectors');
    expectPhaseflowError(
      () =>
        forwardStability(
          mapProblem((_t, y) => y),
          Float64Array.of(1),
        ),
      'INVALID_ARGUMENT',
      'options.depth',
    );
    expectPhaseflowError(() => createJacobianGrowthObserver({ problem: {} as never }), 'INVALID_ARGUMENT', 'options.problem');
    expectPhaseflowError(() => resNetLayer({ kernel: [1, 2, 3] }), 'SHAPE_MISMATCH', 'options.kernel');
    expectPhaseflowError(() => resNetLayer({ kernel: [1], damping: 0.1 }), 'INVALID_ARGUMENT', 'options.damping');
    const blowUp = networkMap([{ forward: (x: F) => x, jvp: (_x: F, _v: F, out: F) => out.fill(NaN) }]);
    expectPhaseflowError(() => forwardStability(blowUp, Float64Array.of(1)), 'NON_FINITE_TANGENT');
  });
});
