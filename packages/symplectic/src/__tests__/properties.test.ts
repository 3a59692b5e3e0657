import { describe, expect, it } from 'vitest';
import { float64Space, integrate, isPhaseflowError, partitionedProblem, separableHamiltonian, type PhaseState, type VectorSpace } from '@phaseflow/core';
import { createEnergyObserver } from '@phaseflow/observers';
import {
  createGaussLegendre4,
  createGaussLegendre6,
  createImplicitMidpoint,
  createKahanLi8,
  createSplittingMethod,
  createStormerVerlet,
  splittingMethods,
} from '@phaseflow/symplectic';
import { doublePendulum, harmonicOscillator, henonHeiles, kepler, outerSolarSystem, pendulum } from '@phaseflow/problems';

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (isPhaseflowError(e)) return e.code;
    throw e;
  }
  return 'no error';
};

describe('Kepler e = 0.5', () => {
  it('Störmer–Verlet conserves angular momentum to rounding over 100 periods', () => {
    const k = kepler({ e: 0.5 });
    const verlet = createStormerVerlet();
    let y = k.y0();
    const L0 = k.invariants.angularMomentum(y);
    let worst = 0;
    const h = (2 * Math.PI) / 500;
    for (let i = 0; i < 100 * 500; i++) {
      y = verlet.step(k.problem, i * h, y, h, y);
      if (i % 50 === 0) worst = Math.max(worst, Math.abs(k.invariants.angularMomentum(y) - L0) / Math.abs(L0));
    }
    // 5e4 steps; rounding alone accumulates ~ √N·ε ≈ 5e-14.
    expect(worst).toBeLessThan(1e-12);
  });

  it('the exact solution solves Kepler’s equation and conserves H and L', () => {
    const k = kepler({ e: 0.5 });
    const H0 = k.energy(k.y0());
    expect(H0).toBeCloseTo(-0.5, 14); // H = −1/(2a), a = 1
    for (const t of [0.3, 1.7, 4.2, 100]) {
      const y = k.fromFlat(k.exact(t));
      expect(Math.abs(k.energy(y) - H0)).toBeLessThan(1e-14);
      expect(Math.abs(k.invariants.angularMomentum(y) - Math.sqrt(1 - 0.25))).toBeLessThan(1e-14);
    }
  });
});

describe('Hénon–Heiles, dt = 0.01 (shortened run; the 1e6-step run is in the bench)', () => {
  const hh = henonHeiles();
  for (const [name, method, bound] of [
    ['verlet', createStormerVerlet(), 1e-4],
    ['kahan-li8', createKahanLi8(), 1e-12],
  ] as const) {
    it(`${name}: energy error bounded, no secular drift over 2e4 steps`, () => {
      const energy = createEnergyObserver({ every: 10 });
      integrate(method, hh.problem, hh.y0(), { tEnd: 200, h: 0.01, observers: [energy] });
      const r = energy.report();
      expect(r.maxRelativeError).toBeLessThan(bound);
      // Drift over the whole run, as a fraction of the error band: a secular method (RK4 here)
      // shows |slope|·T comparable to the maximum; bounded symplectic error shows far less. At
      // the rounding level (Kahan–Li 8) rounding errors random-walk: allow 10·ε·√N for that.
      const roundingWalk = 10 * Number.EPSILON * Math.sqrt(2e4);
      expect(Math.abs(r.driftSlope) * 200).toBeLessThan(0.5 * r.maxRelativeError + roundingWalk);
    });
  }

  it('classical RK4 at the same step drifts (the check above can fail)', async () => {
    const { createRk4 } = await import('@phaseflow/runge-kutta');
    const { odeProblem } = await import('@phaseflow/core');
    const f = odeProblem<Float64Array>(
      (_t, z, out = new Float64Array(4)) => {
        const [x, y, px, py] = z as unknown as [number, number, number, number];
        out[0] = px;
        out[1] = py;
        out[2] = -(x + 2 * x * y);
        out[3] = -(y + x * x - y * y);
        return out;
      },
      { energy: (z) => hh.energy({ q: z.subarray(0, 2), p: z.subarray(2) }) },
    );
    const energy = createEnergyObserver({ every: 10 });
    integrate(createRk4<Float64Array>(), f, Float64Array.of(0.1, 0, 0, 0.5), { tEnd: 200, h: 0.05, observers: [energy] });
    const r = energy.report();
    expect(Math.abs(r.driftSlope) * 200).toBeGreaterThan(0.5 * r.maxRelativeError);
  });
});

describe('outer solar system', () => {
  it('Kahan–Li 8 with h = 100 days keeps the relative energy error below 1e-9 over 100 Jupiter years', () => {
    const s = outerSolarSystem();
    const energy = createEnergyObserver({ every: 10 });
    integrate(createKahanLi8(), s.problem, s.y0(), { tEnd: 100 * s.tEnd, h: 100, observers: [energy] });
    expect(energy.report().maxRelativeError).toBeLessThan(1e-9);
    expect(s.energy(s.y0())).toBeLessThan(0); // bound system
  });
});

describe('Gauss–Legendre', () => {
  it('implicit midpoint, GL4, GL6 conserve the pendulum energy over 1000 steps without drift', () => {
    const pend = pendulum({ q0: 2 });
    for (const m of [createImplicitMidpoint(), createGaussLegendre4(), createGaussLegendre6()]) {
      const energy = createEnergyObserver();
      integrate(m, pend.problem, pend.y0(), { tEnd: 100, h: 0.1, observers: [energy] });
      const r = energy.report();
      expect(r.maxRelativeError).toBeLessThan(m.order === 2 ? 5e-3 : 1e-5);
      expect(Math.abs(r.driftSlope) * 100).toBeLessThan(0.5 * r.maxRelativeError + 1e-14);
    }
  });

  it('runs the non-separable double pendulum as a general Hamiltonian: energy bounded, no drift', () => {
    const dp = doublePendulum({ q0: [1, -0.5] });
    for (const m of [createImplicitMidpoint(), createGaussLegendre4()]) {
      const energy = createEnergyObserver();
      integrate(m, dp.problem, dp.y0(), { tEnd: 50, h: 0.01, observers: [energy] });
      const r = energy.report();
      expect(r.maxRelativeError).toBeLessThan(m.order === 2 ? 1e-4 : 1e-8); // measured 3.8e-5, 1.9e-9
      expect(Math.abs(r.driftSlope) * 50).toBeLessThan(0.5 * r.maxRelativeError + 1e-14);
    }
  });

  it('conserves quadratic invariants exactly (harmonic oscillator energy to ~1e-13)', () => {
    const ho = harmonicOscillator({ omega: 3 });
    const energy = createEnergyObserver();
    integrate(createGaussLegendre6(), ho.problem, ho.y0(), { tEnd: 50, h: 0.2, observers: [energy] });
    expect(energy.report().maxRelativeError).toBeLessThan(1e-13);
  });

  it('fails with CONVERGENCE_FAILURE when the fixed-point iteration cannot converge', () => {
    const stiff = harmonicOscillator({ omega: 100 });
    const gl = createGaussLegendre4({ maxIterations: 20 });
    const err = (() => {
      try {
        gl.step(stiff.problem, 0, stiff.y0(), 1);
      } catch (e) {
        return e;
      }
    })();
    expect(isPhaseflowError(err, 'CONVERGENCE_FAILURE')).toBe(true);
    expect((err as { details: { h: number } }).details.h).toBe(1);
  });

  it('reports how many iterations the last step took and stops at the tolerance', () => {
    const k = kepler();
    const loose = createGaussLegendre4({ tolerance: 1e-6 });
    const tight = createGaussLegendre4({ tolerance: 1e-14 });
    loose.step(k.problem, 0, k.y0(), 0.05);
    tight.step(k.problem, 0, k.y0(), 0.05);
    expect(loose.lastIterations).toBeLessThan(tight.lastIterations);
  });
});

describe('generic over the VectorSpace', () => {
  // An immutable space over plain number arrays: ignores `out`, returns new values.
  const arraySpace: VectorSpace<number[]> = {
    name: 'number[]',
    mutable: false,
    zeros: (like) => like.map(() => 0),
    clone: (y) => y.slice(),
    copy: (src) => src.slice(),
    isFinite: (y) => y.every(Number.isFinite),
    size: (y) => y.length,
    toFloat64: (y, out) => (out ? (out.set(y), out) : Float64Array.from(y)),
    axpy: (a, x, y) => y.map((v, i) => v + a * x[i]!),
    scale: (a, x) => x.map((v) => a * v),
    combine: (c, xs, base) => {
      const r = base ? base.slice() : xs[0]!.map(() => 0);
      xs.forEach((x, j) => x.forEach((v, i) => (r[i]! += c[j]! * v)));
      return r;
    },
    dot: (x, y) => x.reduce((s, v, i) => s + v * y[i]!, 0),
    norm: (x) => Math.hypot(...x),
    errorNorm: () => 0,
  };
  it('Kahan–Li 8 and GL4 on number[] states agree with Float64Array to rounding', async () => {
    const core = await import('@phaseflow/core');
    const k = kepler();
    const pr = core.separableHamiltonian<number[]>({
      space: arraySpace,
      dTdp: (p) => p.slice(),
      dVdq: (q) => {
        const r3 = Math.hypot(q[0]!, q[1]!) ** 3;
        return [q[0]! / r3, q[1]! / r3];
      },
    });
    for (const m of [createKahanLi8<number[]>(), createGaussLegendre4<number[]>()]) {
      const ref = integrate(m.name.startsWith('kahan') ? createKahanLi8() : createGaussLegendre4(), k.problem, k.y0(), { tEnd: 3, h: 0.05 });
      const y0 = k.y0();
      const sol = integrate(m as never, pr as never, { q: Array.from(y0.q), p: Array.from(y0.p) } as never, { tEnd: 3, h: 0.05 });
      const a = sol.yFinal as PhaseState<number[]>;
      const b = ref.yFinal as PhaseState<Float64Array>;
      for (let i = 0; i < 2; i++) {
        expect(Math.abs(a.q[i]! - b.q[i]!)).toBeLessThan(1e-13);
        expect(Math.abs(a.p[i]! - b.p[i]!)).toBeLessThan(1e-13);
      }
    }
  });
});

describe('Float64Array fast path', () => {
  // A copy of float64Space is not core's float64Space, so it takes the generic axpy path:
  // the same arithmetic, hence bitwise the same states.
  const genericF64: VectorSpace<Float64Array> = { ...float64Space, name: 'float64-generic' };
  const hh = henonHeiles();
  const slow = separableHamiltonian<Float64Array>({ space: genericF64, dTdp: hh.problem.dTdp, dVdq: hh.problem.dVdq });
  const bits = (a: PhaseState<Float64Array>) => [...a.q, ...a.p];
  const methods = Object.entries(splittingMethods);

  it('every method gives bitwise the states of the generic path, into y, into a separate out, and without out', () => {
    for (const [name, make] of methods) {
      const m = make();
      const ref = make();
      let y = hh.y0();
      let z = hh.y0();
      let spare = hh.y0();
      let r = hh.y0();
      for (let i = 0; i < 20; i++) {
        const h = i % 3 === 0 ? 0.05 : -0.03 + 1e-3 * i; // h changes, including sign
        const a = m.step(hh.problem, 0, y, h); // fresh output
        const b = m.step(hh.problem, 0, y, h, y); // in place
        const zNew = m.step(hh.problem, 0, z, h, spare); // alternating buffers, as integrate does
        spare = z;
        z = zNew;
        r = ref.step(slow, 0, r, h);
        expect(bits(a), name).toEqual(bits(b));
        expect(bits(b), name).toEqual(bits(r));
        expect(bits(z), name).toEqual(bits(r));
        expect(b).toBe(y);
        expect(zNew).not.toBe(spare);
        y = b;
      }
    }
  });

  it('separable partitioned problems with a time-dependent force match the generic path', () => {
    const force = (t: number, q: Float64Array, _p: Float64Array, out: Float64Array = new Float64Array(q.length)): Float64Array => {
      for (let i = 0; i < q.length; i++) out[i] = -q[i]! + Math.cos(t + i);
      return out;
    };
    const velocity = (_t: number, _q: Float64Array, p: Float64Array, out: Float64Array = new Float64Array(p.length)): Float64Array => (out.set(p), out);
    const fast = partitionedProblem<Float64Array>({ velocity, force, separable: true });
    const gen = partitionedProblem<Float64Array>({ velocity, force, separable: true, space: genericF64 });
    for (const [name, make] of methods) {
      const a = integrate(make(), fast, { q: Float64Array.of(1, 0, -1), p: Float64Array.of(0, 0.5, 0) }, { t0: 0.3, tEnd: 2, steps: 17 });
      const b = integrate(make(), gen, { q: Float64Array.of(1, 0, -1), p: Float64Array.of(0, 0.5, 0) }, { t0: 0.3, tEnd: 2, steps: 17 });
      expect(bits(a.yFinal), name).toEqual(bits(b.yFinal));
    }
  });

  it('reuses out buffers of the right size and replaces wrong ones; q and p sizes still checked', () => {
    const verlet = createStormerVerlet();
    const y = hh.y0();
    const out = { q: new Float64Array(2), p: new Float64Array(2) };
    const keepQ = out.q;
    expect(verlet.step(hh.problem, 0, y, 0.1, out).q).toBe(keepQ);
    const odd = { q: new Float64Array(5), p: [0, 0] as unknown as Float64Array };
    const r = verlet.step(hh.problem, 0, y, 0.1, odd);
    expect(r.q.length).toBe(2);
    expect(r.p).toBeInstanceOf(Float64Array);
    expect(bits(r)).toEqual(bits(verlet.step(hh.problem, 0, y, 0.1)));
    expect(bits(y)).toEqual(bits(hh.y0())); // input untouched
    expect(code(() => verlet.step(hh.problem, 0, { q: new Float64Array(2), p: new Float64Array(3) }, 0.1))).toBe('SHAPE_MISMATCH');
  });
});

describe('bad input gets coded errors', () => {
  const k = kepler();
  const verlet = createStormerVerlet();
  it('zero, negative, non-finite steps in integrate', () => {
    expect(code(() => integrate(verlet, k.problem, k.y0(), { tEnd: 1, h: 0 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => integrate(verlet, k.problem, k.y0(), { tEnd: 1, h: -0.1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => integrate(verlet, k.problem, k.y0(), { tEnd: 1, h: NaN }))).toBe('NON_FINITE_INPUT');
    expect(code(() => integrate(verlet, k.problem, k.y0(), { tEnd: 1, h: Infinity }))).toBe('NON_FINITE_INPUT');
    expect(code(() => verlet.step(k.problem, 0, k.y0(), 0))).toBe('INVALID_ARGUMENT');
  });
  it('mismatched q/p sizes, for explicit and implicit methods', () => {
    const bad = { q: Float64Array.of(1, 0), p: Float64Array.of(0, 1, 2) };
    expect(code(() => verlet.step(k.problem, 0, bad, 0.1))).toBe('SHAPE_MISMATCH');
    expect(code(() => createGaussLegendre4().step(k.problem, 0, bad, 0.1))).toBe('SHAPE_MISMATCH');
    expect(code(() => integrate(verlet, k.problem, bad, { tEnd: 1, h: 0.1 }))).toBe('SHAPE_MISMATCH');
    expect(code(() => verlet.step(k.problem, 0, Float64Array.of(1, 2) as never, 0.1))).toBe('INVALID_ARGUMENT');
  });
  it('non-finite initial state, and a blow-up names the step', () => {
    expect(code(() => integrate(verlet, k.problem, { q: Float64Array.of(NaN, 0), p: Float64Array.of(0, 1) }, { tEnd: 1, h: 0.1 }))).toBe('NON_FINITE_INPUT');
    // q = 0 is the Kepler singularity: the force is 0/0.
    expect(code(() => integrate(verlet, k.problem, { q: Float64Array.of(0, 0), p: Float64Array.of(0, 0) }, { tEnd: 1, h: 0.1 }))).toBe('NON_FINITE_STATE');
  });
  it('non-separable partitioned problems are refused by splitting methods', async () => {
    const { partitionedProblem } = await import('@phaseflow/core');
    const pr = partitionedProblem({ velocity: (_t, _q, p) => p, force: (_t, q) => q, separable: false });
    expect(code(() => verlet.step(pr, 0, { q: Float64Array.of(1), p: Float64Array.of(0) }, 0.1))).toBe('UNSUPPORTED_PROBLEM');
  });
  it('invalid method specs and problem options', () => {
    expect(code(() => createSplittingMethod({ name: 'x', order: 2, a: [0.5, 0.4], b: [1, 0] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => createSplittingMethod({ name: 'x', order: 2, a: [0.5, 0.5], b: [1] }))).toBe('SHAPE_MISMATCH');
    expect(code(() => createSplittingMethod({ name: 'x', order: 2, a: [0.5, NaN], b: [1, 0] }))).toBe('NON_FINITE_INPUT');
    expect(code(() => createStormerVerlet({ form: 'sideways' as never }))).toBe('INVALID_ARGUMENT');
    expect(code(() => createStormerVerlet({ fom: 'velocity' } as never))).toBe('UNKNOWN_OPTION');
    expect(code(() => kepler({ e: 1.2 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => harmonicOscillator({ omega: -1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => henonHeiles({ q0: [0.1] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => createGaussLegendre4({ tolerance: 0 }))).toBe('INVALID_ARGUMENT');
  });
});
