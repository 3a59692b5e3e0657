import {
  erdosRenyiGraph,
  gaussianFrequencies,
  kuramoto,
  kuramotoCriticalCoupling,
  kuramotoOrderParameter,
  kuramotoSweep,
  lorentzianFrequencies,
  lyapunovSpectrum,
  orderParameter,
  randomPhases,
  tangentProblem,
} from '@phaseflow/analysis';
import { csrFromDense } from '@phaseflow/linalg';
import { createRk4 } from '@phaseflow/runge-kutta';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';

const N = 400;
const tol = 3 / Math.sqrt(N);

describe('Kuramoto model: the problem', () => {
  it('all-to-all through the mean field equals the complete graph; the jvp matches central differences', () => {
    const omega = gaussianFrequencies(30, { sampling: 'random', seed: 2 });
    const theta = randomPhases(30, 3);
    const mean = kuramoto({ frequencies: omega, coupling: 1.7 });
    const ones = csrFromDense(30, 30, new Float64Array(900).fill(1));
    const complete = kuramoto({ frequencies: omega, coupling: 1.7, graph: ones, normalization: 'size' });
    const a = mean.f(0, theta),
      b = complete.f(0, theta);
    for (let i = 0; i < 30; i++) expect(a[i]!).toBeCloseTo(b[i]!, 12);
    const v = Float64Array.from({ length: 30 }, (_, i) => Math.cos(3 * i));
    for (const p of [mean, kuramoto({ frequencies: omega, coupling: 1.7, graph: erdosRenyiGraph({ nodes: 30, probability: 0.3, seed: 1 }) })]) {
      const exact = tangentProblem(p, theta).jvp(0, theta, v, new Float64Array(30));
      const fd = tangentProblem({ ...p, jvp: undefined }, theta).jvp(0, theta, v, new Float64Array(30));
      for (let i = 0; i < 30; i++) expect(exact[i]!).toBeCloseTo(fd[i]!, 7);
    }
  });

  it('order parameter, frequencies and the N → ∞ theory', () => {
    expect(orderParameter([0.3, 0.3, 0.3]).r).toBeCloseTo(1, 14);
    expect(orderParameter([0.3, 0.3, 0.3]).psi).toBeCloseTo(0.3, 14);
    expect(orderParameter([0, Math.PI]).r).toBeLessThan(1e-15);
    const lq = lorentzianFrequencies(1001, { width: 0.5 });
    expect(lq[500]).toBeCloseTo(0, 12);
    expect(lq[750]!).toBeCloseTo(0.5 * Math.tan(Math.PI * (750.5 / 1001 - 0.5)), 12);
    const gq = gaussianFrequencies(1000);
    expect(gq[841]!).toBeCloseTo(1.0, 2); // Φ⁻¹(0.8415) ≈ 1
    expect(kuramotoCriticalCoupling({ kind: 'lorentzian', width: 0.5 })).toBeCloseTo(1, 14);
    expect(kuramotoCriticalCoupling({ kind: 'gaussian' })).toBeCloseTo(1.5958, 4);
    // the Simpson/bisection solver reproduces the Lorentzian closed form
    const gamma = 0.5;
    const density = (w: number) => gamma / (Math.PI * (w * w + gamma * gamma));
    for (const K of [1.2, 2, 4]) expect(kuramotoOrderParameter(K, { kind: 'density', density })).toBeCloseTo(Math.sqrt(1 - (2 * gamma) / K), 6);
    expect(kuramotoOrderParameter(1.5, { kind: 'gaussian' })).toBe(0);
    expect(kuramotoOrderParameter(1.6, { kind: 'gaussian' })).toBeLessThan(0.1);
  });
});

describe('Kuramoto model: r(K) measured (N = 400, RK4)', () => {
  it('Lorentzian (γ = 0.5): K_c = 2γ = 1, r = √(1 − K_c/K) above it, within 3/√N', () => {
    const curve = kuramotoSweep(createRk4(), {
      frequencies: lorentzianFrequencies(N, { width: 0.5 }),
      couplings: [0.5, 2, 3],
      h: 0.1,
      transient: 40,
      duration: 40,
    });
    expect(curve[0]!.r).toBeLessThan(tol);
    for (const p of curve.slice(1)) expect(Math.abs(p.r - Math.sqrt(1 - 1 / p.coupling))).toBeLessThan(tol);
  });

  it('Gaussian N(0, 1): incoherent below K_c ≈ 1.596, the self-consistent r above it, within 3/√N', () => {
    const curve = kuramotoSweep(createRk4(), { frequencies: gaussianFrequencies(N), couplings: [1.2, 2.5], h: 0.1, transient: 40, duration: 40 });
    expect(curve[0]!.r).toBeLessThan(tol);
    expect(Math.abs(curve[1]!.r - kuramotoOrderParameter(2.5, { kind: 'gaussian' }))).toBeLessThan(tol);
  });

  it('on a dense Erdős–Rényi graph (normalised by the mean degree) the all-to-all curve holds', () => {
    const graph = erdosRenyiGraph({ nodes: 300, probability: 0.2, seed: 1 });
    const [p] = kuramotoSweep(createRk4(), {
      frequencies: lorentzianFrequencies(300, { width: 0.5 }),
      couplings: [2.5],
      graph,
      h: 0.1,
      transient: 40,
      duration: 30,
    });
    expect(Math.abs(p!.r - Math.sqrt(1 - 1 / 2.5))).toBeLessThan(3 / Math.sqrt(300));
  });

  it('a locked Kuramoto state has one zero Lyapunov exponent (the common phase) and the rest negative', () => {
    const n = 8;
    const p = kuramoto({ frequencies: lorentzianFrequencies(n, { width: 0.1 }), coupling: 3 });
    const s = lyapunovSpectrum(createRk4(), p, randomPhases(n, 1), { tEnd: 60, transient: 20, h: 0.05 });
    expect(Math.abs(s.exponents[0]!)).toBeLessThan(1e-6);
    for (let j = 1; j < n; j++) expect(s.exponents[j]!).toBeLessThan(-0.1);
  });
});

describe('Kuramoto: bad input', () => {
  it('names the argument', () => {
    expectPhaseflowError(() => kuramoto({ frequencies: [], coupling: 1 }), 'INVALID_ARGUMENT', 'options.frequencies');
    expectPhaseflowError(() => kuramoto({ frequencies: [0, NaN], coupling: 1 }), 'NON_FINITE_INPUT', 'options.frequencies[1]');
    expectPhaseflowError(() => kuramoto({ frequencies: [0, 1], coupling: -1 }), 'INVALID_ARGUMENT', 'options.coupling');
    expectPhaseflowError(() => kuramoto({ frequencies: [0, 1], coupling: 1, graph: erdosRenyiGraph({ nodes: 3, probability: 1 }) }), 'SHAPE_MISMATCH');
    expectPhaseflowError(
      () => kuramoto({ frequencies: [0, 1], coupling: 1, graph: erdosRenyiGraph({ nodes: 2, probability: 0 }) }),
      'INVALID_ARGUMENT',
      'options.graph',
    );
    expectPhaseflowError(() => lorentzianFrequencies(10, { width: 0 }), 'INVALID_ARGUMENT', 'options.width');
    expectPhaseflowError(() => gaussianFrequencies(10, { sampling: 'sobol' as never }), 'INVALID_ARGUMENT', 'options.sampling');
    expectPhaseflowError(() => kuramotoCriticalCoupling({ kind: 'uniform' } as never), 'INVALID_ARGUMENT', 'distribution.kind');
    expectPhaseflowError(() => kuramotoSweep(createRk4(), { frequencies: [0, 1], couplings: [1], h: 0 }), 'INVALID_ARGUMENT', 'options.h');
  });
});
