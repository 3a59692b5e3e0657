import { integrate, odeProblem, separableHamiltonian, type Observer } from '@phaseflow/core';
import { kaplanYorkeDimension, lyapunovSpectrum, mapIterator, mapProblem, tangentProblem, type JacobianVectorProduct } from '@phaseflow/analysis';
import { lorenz63 } from '@phaseflow/problems';
import { createDop853, createDopri5, createRk4 } from '@phaseflow/runge-kutta';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const LORENZ = [0.9056, 0, -14.5723];
const LORENZ_TRACE = -(10 + 1 + 8 / 3);
const lorenzJvp: JacobianVectorProduct = (_t, y, v, out) => {
  out[0] = 10 * (v[1]! - v[0]!);
  out[1] = (28 - y[2]!) * v[0]! - v[1]! - y[0]! * v[2]!;
  out[2] = y[1]! * v[0]! + y[0]! * v[1]! - (8 / 3) * v[2]!;
  return out;
};
const henon = mapProblem(
  (_t, y, out = new Float64Array(2)) => {
    const x = y[0]!;
    out[0] = 1 - 1.4 * x * x + y[1]!;
    out[1] = 0.3 * x;
    return out;
  },
  { name: 'henon' },
);
/** y' = diag(a) y (flow) and y ← diag(a) y (map). */
const diagonalFlow = (a: number[]) =>
  odeProblem((_t, y, out = new Float64Array(a.length)) => {
    for (let i = 0; i < a.length; i++) out[i] = a[i]! * y[i]!;
    return out;
  });
const diagonalMap = (a: number[]) =>
  mapProblem((_t, y, out = new Float64Array(a.length)) => {
    for (let i = 0; i < a.length; i++) out[i] = a[i]! * y[i]!;
    return out;
  });

describe('Lorenz-63 (σ 10, ρ 28, β 8/3)', () => {
  const l = lorenz63();
  // The tight figures (within 0.01, |λ₂| ≤ 1e-3 over T = 10⁴) are in bench/index.mjs.
  it('spectrum ≈ (0.9056, 0, −14.5723) over T = 200 (RK4, h = 0.01, central differences)', () => {
    const s = lyapunovSpectrum(createRk4(), l.problem, l.y0(), { tEnd: 210, transient: 10, h: 0.01, tau: 1 });
    expect(s.source).toBe('central-differences');
    expect(Math.abs(s.exponents[0]! - LORENZ[0]!)).toBeLessThan(0.05);
    expect(Math.abs(s.exponents[1]!)).toBeLessThan(0.02);
    expect(Math.abs(s.exponents[2]! - LORENZ[2]!)).toBeLessThan(0.05);
    // RK4's tangent map has det ≠ exp(h·tr J) at O(h⁵) per step: a few 1e-5 at h = 0.01.
    expect(Math.abs(s.sum - LORENZ_TRACE)).toBeLessThan(2e-4);
    expect(s.kaplanYorke).toBeCloseTo(2.062, 1);
    expect(s.time).toBe(200);
    expect(s.tMeasure).toBe(10);
    expect(s.renormalisations).toBe(200);
    expect(s.steps).toBe(21000);
    expect(s.zeroExponent?.index).toBe(1);
    expect(s.zeroExponent?.expected).toBe(true);
    expect(s.history.t.length).toBe(200);
    expect(s.history.t[s.history.t.length - 1]).toBe(210);
    expect(s.local.mean[0]).toBeCloseTo(s.exponents[0]!, 10);
    expect(s.local.std[0]).toBeGreaterThan(0);
  });

  it('sum of exponents = tr J = −13.6667 to 1e-6 (DOP853 fixed steps, exact jvp)', () => {
    const s = lyapunovSpectrum(createDop853(), { ...l.problem, jvp: lorenzJvp }, l.y0(), { tEnd: 30, transient: 5, h: 0.01, tau: 0.5 });
    expect(s.source).toBe('jvp');
    expect(Math.abs(s.sum - LORENZ_TRACE)).toBeLessThan(1e-6);
  });

  it('central differences are exact on a quadratic field: same spectrum as the exact jvp', () => {
    const opts = { tEnd: 20, h: 0.01, seed: 3 };
    const fd = lyapunovSpectrum(createRk4(), l.problem, l.y0(), opts);
    const ex = lyapunovSpectrum(createRk4(), l.problem, l.y0(), { ...opts, jvp: lorenzJvp });
    for (let j = 0; j < 3; j++) expect(Math.abs(fd.exponents[j]! - ex.exponents[j]!)).toBeLessThan(1e-5);
    const fw = lyapunovSpectrum(createRk4(), l.problem, l.y0(), { ...opts, finiteDifferences: 'forward' });
    expect(fw.source).toBe('forward-differences');
    // Forward differences err by O(√eps)·|v| in any direction; over τ = 1 the contracting q₃
    // (e^{−14.6}) is swamped by what leaks in along q₁ (e^{0.9}): λ₃ pays, a shorter τ fixes it.
    for (let j = 0; j < 2; j++) expect(Math.abs(fw.exponents[j]! - ex.exponents[j]!)).toBeLessThan(1e-5);
    expect(Math.abs(fw.exponents[2]! - ex.exponents[2]!)).toBeLessThan(1e-2);
    const fwShort = lyapunovSpectrum(createRk4(), l.problem, l.y0(), { ...opts, tau: 0.1, finiteDifferences: 'forward' });
    const exShort = lyapunovSpectrum(createRk4(), l.problem, l.y0(), { ...opts, tau: 0.1, jvp: lorenzJvp });
    expect(Math.abs(fwShort.exponents[2]! - exShort.exponents[2]!)).toBeLessThan(1e-4);
  });

  it('an adaptive integrator on the tangent bundle gives the same spectrum (dopri5, rtol 1e-9)', () => {
    // Short: the two trajectories part (chaos) after ~25 time units, and so do finite-time exponents.
    const opts = { tEnd: 15, transient: 2, tau: 1, jvp: lorenzJvp };
    const fixed = lyapunovSpectrum(createRk4(), l.problem, l.y0(), { ...opts, h: 0.002 });
    const adaptive = lyapunovSpectrum(createDopri5(), l.problem, l.y0(), { ...opts, adaptive: { rtol: 1e-9, atol: 1e-9 } });
    for (let j = 0; j < 3; j++) expect(Math.abs(adaptive.exponents[j]! - fixed.exponents[j]!)).toBeLessThan(1e-3);
    expect(Math.abs(adaptive.sum - LORENZ_TRACE)).toBeLessThan(1e-6);
  });

  it('ρ = 20 (stable fixed points): λ_max ≤ 1e-3, and no zero exponent is expected', () => {
    const l20 = lorenz63({ rho: 20 });
    const s = lyapunovSpectrum(createRk4(), l20.problem, l20.y0(), { tEnd: 200, transient: 20, h: 0.01 });
    expect(Math.max(...s.exponents)).toBeLessThan(1e-3);
    expect(s.zeroExponent?.expected).toBe(false);
    expect(s.zeroExponent?.passed).toBe(true);
    expect(s.zeroExponent?.flowGrowth).toBeLessThan(-0.05);
  });

  it('k < n vectors give the leading exponents', () => {
    const s = lyapunovSpectrum(createRk4(), l.problem, l.y0(), { tEnd: 110, transient: 10, h: 0.01, vectors: 1, jvp: lorenzJvp });
    expect(s.exponents.length).toBe(1);
    const kept = lyapunovSpectrum(createRk4(), l.problem, l.y0(), { tEnd: 30, transient: 10, h: 0.01, vectors: 2, jvp: lorenzJvp, keepLocal: true, tau: 0.5 });
    expect(kept.local.values?.length).toBe(40 * 2);
    const v = kept.local.values!;
    let m0 = 0;
    for (let i = 0; i < 40; i++) m0 += v[2 * i]! / 40;
    expect(m0).toBeCloseTo(kept.exponents[0]!, 10); // finite-time exponents average to the spectrum
    expect(Math.abs(s.exponents[0]! - LORENZ[0]!)).toBeLessThan(0.06);
    expect(s.frame.length).toBe(3);
  });
});

describe('linear systems (ChaosTools: rtol 1e-3)', () => {
  it('diagonal flow y′ = diag(a) y: λ = sort(a)', () => {
    const a = [0.3, -0.1, -1, -2.5];
    // dense Jacobian path
    const jacobian = (_t: number, _y: Float64Array, out: Float64Array) => {
      out.fill(0);
      for (let i = 0; i < a.length; i++) out[i * a.length + i] = a[i]!;
      return out;
    };
    const s = lyapunovSpectrum(createRk4(), diagonalFlow(a), new Float64Array(4), { tEnd: 250, transient: 50, h: 0.01, jacobian });
    expect(s.source).toBe('jacobian');
    const want = [...a].sort((x, y) => y - x);
    for (let j = 0; j < 4; j++) expect(Math.abs(s.exponents[j]! - want[j]!)).toBeLessThan(1e-3 * Math.abs(want[j]!));
    expect(s.zeroExponent?.flowGrowth).toBeUndefined(); // f ≡ 0 at the equilibrium y = 0
  });

  it('diagonal maps y ← diag(a) y: λ = sort(ln |a|) (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.double({ min: 0.05, max: 3, noNaN: true }), {
          minLength: 2,
          maxLength: 4,
          comparator: (x, y) => Math.abs(Math.log(x) - Math.log(y)) < 0.2,
        }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        (mags, signs) => {
          const a = mags.map((m, i) => (signs[i] ? -m : m));
          const s = lyapunovSpectrum(mapIterator(), diagonalMap(a), new Float64Array(a.length), { tEnd: 400, transient: 100, tau: 2 });
          const want = mags.map(Math.log).sort((x, y) => y - x);
          for (let j = 0; j < a.length; j++) expect(Math.abs(s.exponents[j]! - want[j]!)).toBeLessThanOrEqual(1e-3 * Math.abs(want[j]!) + 1e-12);
        },
      ),
      { numRuns: 20, seed: 7 },
    );
  });
});

describe('Hénon map (a 1.4, b 0.3)', () => {
  it('λ₁ = 0.419 ± 0.005 and λ₁ + λ₂ = ln b exactly', () => {
    const s = lyapunovSpectrum(mapIterator(), henon, Float64Array.of(0.1, 0.1), { tEnd: 100_100, transient: 100, tau: 5 });
    expect(Math.abs(s.exponents[0]! - 0.419)).toBeLessThan(0.005);
    expect(Math.abs(s.sum - Math.log(0.3))).toBeLessThan(1e-9);
    expect(s.zeroExponent).toBeUndefined();
    expect(s.kaplanYorke).toBeCloseTo(1 + s.exponents[0]! / Math.abs(s.exponents[1]!), 12);
  });

  it('the map iterator runs through core integrate and its advance matches its steps', () => {
    const it1 = mapIterator();
    const sol = integrate(it1, henon, Float64Array.of(0.1, 0.1), { tEnd: 50, h: 1 });
    let y: Float64Array = Float64Array.of(0.1, 0.1);
    for (let i = 0; i < 50; i++) y = it1.step(henon, i, y, 1);
    expect(Array.from(sol.yFinal)).toEqual(Array.from(y));
    const out = new Float64Array(2);
    expect(Array.from(it1.advance!(henon, 0, Float64Array.of(0.1, 0.1), 1, 50, out))).toEqual(Array.from(y));
    const inPlace = Float64Array.of(0.1, 0.1);
    expect(Array.from(it1.advance!(henon, 0, inPlace, 1, 7, inPlace))).toEqual(
      Array.from(integrate(it1, henon, Float64Array.of(0.1, 0.1), { tEnd: 7, h: 1 }).yFinal),
    );
  });
});

describe('the tangent bundle', () => {
  it('q(t) of the lifted flow is the derivative of the flow map (checked by differencing trajectories)', () => {
    const l = lorenz63();
    const tp = tangentProblem(l.problem, l.y0(), { vectors: 1 });
    const m = createRk4();
    const frame = Float64Array.of(0.6, 0, 0.8);
    const z = integrate(m, tp.problem, tp.lift(l.y0(), frame), { tEnd: 0.5, h: 0.001 }).yFinal;
    const eps = 1e-6;
    const plus = integrate(
      m,
      l.problem,
      l.y0().map((v, i) => v + eps * frame[i]!),
      { tEnd: 0.5, h: 0.001 },
    ).yFinal;
    const minus = integrate(
      m,
      l.problem,
      l.y0().map((v, i) => v - eps * frame[i]!),
      { tEnd: 0.5, h: 0.001 },
    ).yFinal;
    const q = tp.tangent(z, 0);
    for (let i = 0; i < 3; i++) expect(q[i]!).toBeCloseTo((plus[i]! - minus[i]!) / (2 * eps), 4);
    expect(Array.from(tp.state(z))).toEqual(Array.from(integrate(m, l.problem, l.y0(), { tEnd: 0.5, h: 0.001 }).yFinal));
  });
});

describe('observers', () => {
  it('see one step and one renormalise event per segment and may stop the run', () => {
    const l = lorenz63();
    const seen: number[] = [];
    let ends = 0;
    const obs: Observer = {
      name: 'stop-after-5',
      on: {
        'lyapunov:renormalise': (e, control) => {
          seen.push(e.segment);
          if (e.measuring && e.segment >= 4) control.stop('enough');
        },
        'run:end': () => void ends++,
      },
    };
    const s = lyapunovSpectrum(createRk4(), l.problem, l.y0(), { tEnd: 100, transient: 2, h: 0.01, observers: [obs] });
    expect(s.status).toBe('stopped');
    expect(s.reason).toBe('enough');
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(s.renormalisations).toBe(3);
    expect(ends).toBe(1);
  });
});

describe('bad input', () => {
  const l = lorenz63();
  it('k > n, τ ≤ 0, τ not a multiple of h, too short a run', () => {
    expectPhaseflowError(() => lyapunovSpectrum(createRk4(), l.problem, l.y0(), { tEnd: 10, h: 0.01, vectors: 4 }), 'INVALID_ARGUMENT', 'options.vectors');
    expectPhaseflowError(() => lyapunovSpectrum(createRk4(), l.problem, l.y0(), { tEnd: 10, h: 0.01, tau: 0 }), 'INVALID_ARGUMENT', 'options.tau');
    expectPhaseflowError(() => lyapunovSpectrum(createRk4(), l.problem, l.y0(), { tEnd: 10, h: 0.01, tau: -1 }), 'INVALID_ARGUMENT', 'options.tau');
    expectPhaseflowError(() => lyapunovSpectrum(createRk4(), l.problem, l.y0(), { tEnd: 10, h: 0.03, tau: 0.1 }), 'INVALID_ARGUMENT', 'options.tau');
    expectPhaseflowError(() => lyapunovSpectrum(createRk4(), l.problem, l.y0(), { tEnd: 10, h: 0.01, transient: 10 }), 'INVALID_ARGUMENT', 'options.tEnd');
    expectPhaseflowError(() => lyapunovSpectrum(createRk4(), l.problem, l.y0(), { tEnd: 10 }), 'INVALID_ARGUMENT', 'options.h');
    expectPhaseflowError(() => lyapunovSpectrum(createRk4(), l.problem, l.y0(), { tEnd: 10, h: 0.01, frame: [1, 0, 0] }), 'SHAPE_MISMATCH', 'options.frame');
    expectPhaseflowError(() => lyapunovSpectrum(createRk4(), l.problem, l.y0(), { tEnd: 10, h: 0.01, bogus: 1 } as never), 'UNKNOWN_OPTION');
    expectPhaseflowError(() => lyapunovSpectrum(mapIterator() as never, l.problem, l.y0(), { tEnd: 10, h: 0.01 }), 'UNSUPPORTED_PROBLEM', 'problem');
    expectPhaseflowError(() => lyapunovSpectrum(createRk4(), l.problem, l.y0(), { tEnd: 10, h: 0.01, adaptive: true }), 'NOT_AVAILABLE', 'options.adaptive');
  });

  it('no Jacobian and no way to form one', () => {
    expectPhaseflowError(
      () => lyapunovSpectrum(createRk4(), l.problem, l.y0(), { tEnd: 10, h: 0.01, finiteDifferences: false }),
      'JACOBIAN_UNAVAILABLE',
      'options.finiteDifferences',
    );
    const ho = separableHamiltonian({ dTdp: (p, out = new Float64Array(1)) => (out.set(p), out), dVdq: (q, out = new Float64Array(1)) => (out.set(q), out) });
    expectPhaseflowError(
      () => lyapunovSpectrum(createRk4() as never, ho as never, Float64Array.of(1, 0), { tEnd: 10, h: 0.01 }),
      'JACOBIAN_UNAVAILABLE',
      'problem',
    );
    expectPhaseflowError(() => lyapunovSpectrum(createRk4(), l.problem, [1, 1, 1] as never, { tEnd: 10, h: 0.01 }), 'JACOBIAN_UNAVAILABLE', 'y0');
  });

  it('a non-finite tangent vector stops with the step and time, keeping the spectrum measured so far', () => {
    const badJvp: JacobianVectorProduct = (t, y, v, out) => (t > 3.004 ? out.fill(NaN) : lorenzJvp(t, y, v, out));
    const err = expectPhaseflowError(() => lyapunovSpectrum(createRk4(), l.problem, l.y0(), { tEnd: 10, h: 0.01, jvp: badJvp }), 'NON_FINITE_TANGENT');
    expect(err.details.step).toBe(301);
    expect(err.details.t).toBeCloseTo(3.01, 12);
    const partial = err.partial as { exponents: Float64Array; renormalisations: number; status: string };
    expect(partial.status).toBe('failed');
    expect(partial.renormalisations).toBe(3);
    expect(Number.isFinite(partial.exponents[0]!)).toBe(true);
  });

  it('a blow-up of the state itself is NON_FINITE_STATE', () => {
    const blowUp = odeProblem((_t, y, out = new Float64Array(1)) => ((out[0] = y[0]! * y[0]! * y[0]!), out));
    const err = expectPhaseflowError(() => lyapunovSpectrum(createRk4(), blowUp, Float64Array.of(1), { tEnd: 10, h: 0.01, tau: 0.1 }), 'NON_FINITE_STATE');
    expect(err.details.t).toBeGreaterThan(0.4);
    expect(err.details.t).toBeLessThan(0.6);
  });

  it('an aborted signal stops the run', () => {
    const ac = new AbortController();
    ac.abort();
    expectPhaseflowError(() => lyapunovSpectrum(createRk4(), l.problem, l.y0(), { tEnd: 10, h: 0.01, signal: ac.signal }), 'ABORTED');
  });
});

describe('kaplanYorkeDimension', () => {
  it('Lorenz, a stable point, a truncated spectrum, a singular map', () => {
    expect(kaplanYorkeDimension(LORENZ)).toBeCloseTo(2 + 0.9056 / 14.5723, 12);
    expect(kaplanYorkeDimension([-0.1, -2])).toBe(0);
    expect(kaplanYorkeDimension([0.5, 0.1])).toBe(2);
    expect(kaplanYorkeDimension([0.4, -Infinity])).toBe(1);
    expectPhaseflowError(() => kaplanYorkeDimension([]), 'INVALID_ARGUMENT', 'exponents');
    expectPhaseflowError(() => kaplanYorkeDimension([0.1, NaN]), 'NON_FINITE_INPUT', 'exponents[1]');
  });
});
