import { describe, expect, it } from 'vitest';
import { type PhaseflowError, integrate, separableHamiltonian, type PhaseState, type VectorSpace } from '@phaseflow/core';
import { kepler, outerSolarSystem } from '@phaseflow/problems';
import {
  compose,
  createGaussLegendre,
  createGaussLegendre4,
  createGaussLegendre6,
  createImplicitMidpoint,
  createSofroniouSpaletta10,
  createStormerVerlet,
  splittingMethods,
  tripleJump,
  withCompensatedSummation,
} from '@phaseflow/symplectic';

type F = Float64Array;
const relativeReturn = (y0: PhaseState<F>, y: PhaseState<F>) =>
  Math.max(...(['q', 'p'] as const).map((k) => Math.max(...y[k].map((v, i) => Math.abs(v - y0[k][i]!))) / Math.max(...y0[k].map(Math.abs))));

function forwardBack(method: Parameters<typeof integrate>[0], h: number, steps: number, frame: 'heliocentric' | 'barycentric') {
  const sys = outerSolarSystem({ frame });
  const y0 = sys.y0();
  const fwd = integrate(method, sys.problem as never, y0, { tEnd: steps * h, h });
  const back = integrate(method, sys.problem as never, fwd.yFinal as PhaseState<F>, { t0: steps * h, tEnd: 0, h });
  return relativeReturn(y0, back.yFinal as PhaseState<F>);
}

describe('reversibility on the outer solar system (≤ 1e-12 relative, every symmetric method)', () => {
  it('implicit midpoint and Gauss–Legendre 4 and 6 iterate to the fixed point (a fixed tolerance returned within 5e-9)', () => {
    for (const make of [createImplicitMidpoint, createGaussLegendre4, createGaussLegendre6]) {
      for (const frame of ['heliocentric', 'barycentric'] as const) {
        for (const h of [50, 200]) {
          const m = make();
          expect({ name: m.name, frame, h, ok: forwardBack(m as never, h, 100, frame) <= 1e-12 }).toEqual({ name: m.name, frame, h, ok: true });
        }
      }
    }
  });

  it('every symmetric splitting method, and compositions of them', () => {
    const methods = [
      ...Object.values(splittingMethods)
        .map((make) => make())
        .filter((m) => m.properties.timeReversible),
      tripleJump(createStormerVerlet()),
      compose(createStormerVerlet({ first: 'drift' }), [0.5, 0.5], { compensated: true }),
      withCompensatedSummation(createSofroniouSpaletta10()),
    ];
    expect(methods.length).toBeGreaterThan(8);
    for (const m of methods) expect({ name: m.name, e: forwardBack(m as never, 50, 100, 'barycentric') <= 1e-12 }).toEqual({ name: m.name, e: true });
  });

  it('a given tolerance still stops there (cheaper, symmetric only to that level)', () => {
    const k = kepler();
    const fixed = createGaussLegendre4();
    const loose = createGaussLegendre4({ tolerance: 1e-8 });
    fixed.step(k.problem, 0, k.y0(), 0.05);
    loose.step(k.problem, 0, k.y0(), 0.05);
    expect(fixed.tolerance).toBe(0);
    expect(loose.lastIterations).toBeLessThan(fixed.lastIterations);
    expect(createGaussLegendre({ stages: 3 }).tolerance).toBe(0);
  });
});

describe('compensated (Kahan) summation', () => {
  const sun5 = outerSolarSystem({ frame: 'barycentric' });
  const maxEnergyError = (m: ReturnType<typeof createSofroniouSpaletta10>, steps: number) => {
    const y = sun5.y0();
    const H0 = sun5.energy(y);
    let worst = 0;
    for (let c = 0; c < 10; c++) {
      m.advance!(sun5.problem as never, c * (steps / 10) * 50, y, 50, steps / 10, y);
      worst = Math.max(worst, Math.abs((sun5.energy(y) - H0) / H0));
    }
    return worst;
  };

  it('keeps the energy error of 2e4 Sofroniou–Spaletta 10 steps at rounding level (1e6 steps: see bench-long)', () => {
    const plain = maxEnergyError(createSofroniouSpaletta10(), 20_000);
    const kahan = maxEnergyError(withCompensatedSummation(createSofroniouSpaletta10()), 20_000);
    expect(kahan).toBeLessThan(1e-14);
    expect(plain).toBeGreaterThan(3 * kahan);
  });

  it('is the same method: name, order, sequence, properties; single steps and advance agree bit for bit', () => {
    const plain = createSofroniouSpaletta10();
    const kahan = withCompensatedSummation(plain);
    expect(kahan).toMatchObject({ name: plain.name, order: plain.order, sequence: plain.sequence, properties: plain.properties, compensated: true });
    expect(plain.compensated).toBe(false);
    // integrate with a step observer takes single steps into alternating buffers; without one it
    // runs `advance` in chunks in place: the compensation follows the trajectory in both.
    const observed = integrate(kahan, sun5.problem, sun5.y0(), { tEnd: 300 * 50, h: 50, observers: [{ name: 'x', on: { step: () => {} } }] });
    const chunked = integrate(withCompensatedSummation(plain), sun5.problem, sun5.y0(), { tEnd: 300 * 50, h: 50 });
    expect(Array.from(observed.yFinal.q)).toEqual(Array.from(chunked.yFinal.q));
    expect(Array.from(observed.yFinal.p)).toEqual(Array.from(chunked.yFinal.p));
  });

  it('compose(…, { compensated: true }) is the flat splitting method of the composition', () => {
    const w = 1 / (2 - Math.cbrt(2));
    const sub = compose(createStormerVerlet({ first: 'drift' }), [w, 1 - 2 * w, w]);
    const flat = compose(createStormerVerlet({ first: 'drift' }), [w, 1 - 2 * w, w], { compensated: true });
    expect(flat.order).toBe(4);
    expect(flat.properties.timeReversible).toBe(true);
    const k = kepler();
    const a = integrate(sub, k.problem, k.y0(), { tEnd: 10, h: 0.01 }).yFinal;
    const b = integrate(flat, k.problem, k.y0(), { tEnd: 10, h: 0.01 }).yFinal;
    for (let i = 0; i < 2; i++) expect(Math.abs(a.q[i]! - b.q[i]!)).toBeLessThan(1e-12);
    // A base without drift/kick sub-flows cannot be compensated.
    let code: unknown;
    try {
      compose(createGaussLegendre4(), [w, 1 - 2 * w, w], { compensated: true });
    } catch (e) {
      code = (e as PhaseflowError).code;
    }
    expect(code).toBe('INVALID_ARGUMENT');
  });

  it('states outside float64Space are NOT_AVAILABLE, not silently uncompensated', () => {
    const arraySpace = {
      name: 'number[]',
      mutable: false,
      zeros: (l: number[]) => l.map(() => 0),
      clone: (y: number[]) => y.slice(),
      copy: (y: number[]) => y.slice(),
      isFinite: (y: number[]) => y.every(Number.isFinite),
      size: (y: number[]) => y.length,
      toFloat64: (y: number[]) => Float64Array.from(y),
      axpy: (a: number, x: number[], y: number[]) => y.map((v, i) => v + a * x[i]!),
      scale: (a: number, x: number[]) => x.map((v) => a * v),
      combine: () => [],
      dot: () => 0,
      norm: () => 0,
      errorNorm: () => 0,
    } as unknown as VectorSpace<number[]>;
    const problem = separableHamiltonian<number[]>({ dTdp: (p) => p.slice(), dVdq: (q) => q.slice(), space: arraySpace });
    expect(problem.space.name).toBe('phase(number[])');
    let code: unknown;
    try {
      withCompensatedSummation(createStormerVerlet<number[]>()).step(problem, 0, { q: [1], p: [0] }, 0.1);
    } catch (e) {
      code = (e as PhaseflowError).code;
    }
    expect(code).toBe('NOT_AVAILABLE');
  });
});

describe('outerSolarSystem({ frame: "barycentric" })', () => {
  it('puts the centre of mass at rest at the origin; the heliocentric energy exceeds it by |P|²/2M', () => {
    const helio = outerSolarSystem();
    const bary = outerSolarSystem({ frame: 'barycentric' });
    const m = bary.masses;
    const M = m.reduce((a, b) => a + b, 0);
    const y = bary.y0();
    const yh = helio.y0();
    for (let k = 0; k < 3; k++) {
      let P = 0,
        Q = 0,
        Ph = 0;
      for (let i = 0; i < m.length; i++) {
        P += y.p[3 * i + k]!;
        Ph += yh.p[3 * i + k]!;
        Q += m[i]! * y.q[3 * i + k]!;
      }
      expect(Math.abs(P)).toBeLessThan(1e-19);
      expect(Math.abs(Q)).toBeLessThan(1e-15);
      expect(Math.abs(Ph)).toBeGreaterThan(1e-6);
    }
    let P2 = 0;
    for (let k = 0; k < 3; k++) {
      let Pk = 0;
      for (let i = 0; i < m.length; i++) Pk += yh.p[3 * i + k]!;
      P2 += Pk * Pk;
    }
    expect(helio.energy(yh) - bary.energy(y)).toBeCloseTo(P2 / (2 * M), 18);
    expect(bary.name).toBe('outer-solar-system-barycentric');
  });
});
