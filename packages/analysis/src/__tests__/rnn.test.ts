import { echoStateMap, lyapunovSpectrum, mapIterator, rateRnn, tangentProblem } from '@phaseflow/analysis';
import { createReservoir, matrix } from '@phaseflow/reservoir';
import { createRk4 } from '@phaseflow/runge-kutta';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';

describe('rate RNN h ← (1 − dt)h + dt·J·tanh(h) (Engelken, Wolf & Abbott)', () => {
  it('the exact jvp of the map and of the flow match central differences', () => {
    const net = rateRnn({ units: 20, gain: 3, dt: 0.1, seed: 4 });
    const y = net.y0();
    const v = Float64Array.from({ length: 20 }, (_, i) => Math.sin(i + 1));
    for (const p of [net.map, net.flow]) {
      const exact = tangentProblem(p, y).jvp(0, y, v, new Float64Array(20));
      const fd = tangentProblem({ ...p, jvp: undefined } as typeof p, y).jvp(0, y, v, new Float64Array(20));
      for (let i = 0; i < 20; i++) expect(exact[i]!).toBeCloseTo(fd[i]!, 8);
    }
    expect(net.coupling.data[0]).toBe(0); // no autapses
    expect(rateRnn({ units: 20, autapses: true, seed: 4 }).coupling.data[0]).not.toBe(0);
  });

  it('mean exponent = ln(1 − dt)/dt + O(dt) → −1 as dt → 0 (full spectrum, N = 30, g = 4)', () => {
    const means = [0.1, 0.02].map((dt) => {
      const net = rateRnn({ units: 30, gain: 4, dt, seed: 1 });
      const s = lyapunovSpectrum(mapIterator(), net.map, net.y0(), { h: dt, tau: 1, transient: 10, tEnd: 40 });
      const mean = s.sum / 30;
      expect(Math.abs(mean - Math.log(1 - dt) / dt)).toBeLessThan(0.01);
      return mean;
    });
    expect(Math.abs(means[1]! + 1)).toBeLessThan(0.015);
    expect(Math.abs(means[1]! + 1)).toBeLessThan(Math.abs(means[0]! + 1));
  });

  it('below g = 1 the zero state is stable, λ_max ≈ ln(1 − dt + dt·g)/dt < 0; at g = 3 it is chaotic, λ_max > 0 (N = 100)', () => {
    const lmax = (gain: number) => {
      const net = rateRnn({ units: 100, gain, dt: 0.1, seed: 1 });
      return lyapunovSpectrum(mapIterator(), net.map, net.y0(), { h: 0.1, tau: 1, transient: 50, tEnd: 200, vectors: 1 }).exponents[0]!;
    };
    const stable = lmax(0.5);
    expect(stable).toBeLessThan(0);
    expect(Math.abs(stable - Math.log(1 - 0.1 + 0.1 * 0.5) / 0.1)).toBeLessThan(0.1);
    expect(lmax(3)).toBeGreaterThan(0.05);
  });

  it('the flow and the map at small dt give the same leading exponent', () => {
    const dt = 0.01;
    const net = rateRnn({ units: 40, gain: 0.6, dt, seed: 2 });
    const opts = { tau: 1, transient: 20, tEnd: 60, vectors: 2 };
    const flow = lyapunovSpectrum(createRk4(), net.flow, net.y0(), { ...opts, h: 0.05 });
    const map = lyapunovSpectrum(mapIterator(), net.map, net.y0(), { ...opts, h: dt });
    expect(Math.abs(flow.exponents[0]! - map.exponents[0]!)).toBeLessThan(0.01);
  });
});

describe('echo state networks: the echo state property measured', () => {
  const T = 1500;
  const u = matrix(
    T,
    1,
    Float64Array.from({ length: T }, (_, t) => Math.sin(t / 5) + 0.5 * Math.sin(t / 13)),
  );
  const lmax = (spectralRadius: number, inputScaling: number) => {
    const res = createReservoir({ units: 100, inputDim: 1, spectralRadius, inputScaling, connectivity: 0.2, seed: 0 });
    return lyapunovSpectrum(mapIterator(), echoStateMap(res, { inputs: u }), new Float64Array(100).fill(0.1), { tEnd: T, transient: 300, vectors: 1, tau: 5 })
      .exponents[0]!;
  };
  it('λ_max < 0 for ρ(W) < 1, ≈ ln ρ under a weak input; > 0 for ρ(W) = 3', () => {
    expect(Math.abs(lmax(0.5, 0.1) - Math.log(0.5))).toBeLessThan(0.1);
    expect(lmax(0.9, 1)).toBeLessThan(0);
    expect(lmax(3, 1)).toBeGreaterThan(0.1);
  });
  it('the spectral radius only hints: ρ(W) = 1.1 with a strong input still has λ_max < 0', () => {
    expect(lmax(1.1, 1)).toBeLessThan(0);
  });
  it('bad input', () => {
    const fb = createReservoir({ units: 10, inputDim: 1, feedbackDim: 1, seed: 0 });
    expectPhaseflowError(() => echoStateMap(fb), 'INVALID_ARGUMENT', 'reservoir.feedbackDim');
    const res = createReservoir({ units: 10, inputDim: 1, seed: 0 });
    expectPhaseflowError(() => echoStateMap(res, { inputs: matrix(5, 2) }), 'SHAPE_MISMATCH', 'options.inputs');
    const short = echoStateMap(res, { inputs: matrix(5, 1) });
    expectPhaseflowError(() => lyapunovSpectrum(mapIterator(), short, new Float64Array(10), { tEnd: 20, vectors: 1 }), 'INVALID_ARGUMENT', 'options.inputs');
    expectPhaseflowError(() => rateRnn({ dt: 2 }), 'INVALID_ARGUMENT', 'options.dt');
    expectPhaseflowError(() => rateRnn({ gain: -1 }), 'INVALID_ARGUMENT', 'options.gain');
  });
});
