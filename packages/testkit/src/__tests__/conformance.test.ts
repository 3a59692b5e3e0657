import { describe, expect, it } from 'vitest';
import { type Integrator, type OdeProblem, type PartitionedProblem, type PhaseState } from '@phaseflow/core';
import { kepler } from '@phaseflow/problems';
import {
  explicitEuler,
  explicitMidpoint,
  fnv1a,
  measureOrder,
  referenceProblems,
  mislabel,
  runConformance,
  stormerVerletControl,
  symplecticEulerControl,
} from '@phaseflow/testkit';
import { integratorConformance } from '@phaseflow/testkit/vitest';

// The suite passes for honest integrators…
integratorConformance(explicitEuler);
integratorConformance(explicitMidpoint);
integratorConformance(stormerVerletControl);
integratorConformance(symplecticEulerControl);

const failed = (report: ReturnType<typeof runConformance>, check: string) => report.results.filter((r) => r.check === check && !r.ok);

describe('the suite fails on integrators that lie', () => {
  it('fails an order-1 method that declares order 2', () => {
    const report = runConformance(mislabel(explicitEuler, { order: 2 }));
    expect(report.ok).toBe(false);
    expect(failed(report, 'order').length).toBeGreaterThan(0);
    expect(failed(report, 'order')[0]!.message).toMatch(/measured order 1\.0\d*, declared 2/);
  });

  it('fails a non-symmetric method that claims time-reversibility', () => {
    const report = runConformance(mislabel(symplecticEulerControl, { properties: { timeReversible: true } }));
    expect(failed(report, 'reversibility')).toHaveLength(1);
  });

  it('fails a non-symplectic method that claims symplecticity', () => {
    const report = runConformance(mislabel(explicitMidpoint, { properties: { symplectic: true } }));
    const bad = failed(report, 'symplecticity');
    expect(bad).toHaveLength(1);
    expect(bad[0]!.measured!.defect as number).toBeGreaterThan(1e-6);
  });

  it('fails a method that mutates its input', () => {
    const mutating: Integrator<OdeProblem<Float64Array>, Float64Array> = {
      ...explicitEuler,
      name: 'mutating-euler',
      step(pr, t, y, h) {
        const k = pr.f(t, y);
        return pr.space.axpy(h, k, y, y);
      },
    };
    const report = runConformance(mutating, { order: false, badInput: false });
    expect(failed(report, 'no-mutation').length).toBeGreaterThan(0);
  });

  it('fails a method that accepts a zero step', () => {
    const lax: Integrator<OdeProblem<Float64Array>, Float64Array> = {
      ...explicitEuler,
      name: 'lax-euler',
      step: (pr, t, y, h, out) => pr.space.axpy(h, pr.f(t, y), y, out),
    };
    const report = runConformance(lax, { order: false });
    expect(failed(report, 'bad-input')[0]!.message).toMatch(/step\(h = 0\): accepted/);
  });
});

describe('the suite checks negative steps and stage times', () => {
  it('fails a method that steps by |h| (negative steps silently go forward)', () => {
    const forwardOnly: Integrator<OdeProblem<Float64Array>, Float64Array> = {
      ...explicitMidpoint,
      name: 'abs-h-midpoint',
      step: (pr, t, y, h, out) => explicitMidpoint.step(pr, t, y, Math.abs(h), out),
    };
    const report = runConformance(forwardOnly, { badInput: false });
    expect(failed(report, 'backward').length).toBeGreaterThan(0);
    expect(failed(report, 'order')).toHaveLength(0);
  });

  it('passes negative steps for every honest control, symmetric or not', () => {
    for (const m of [explicitEuler, explicitMidpoint, stormerVerletControl, symplecticEulerControl] as unknown as Integrator<never, never>[]) {
      const r = runConformance(m).results.filter((x) => x.check === 'backward');
      expect(r.length).toBeGreaterThan(0);
      expect(r.every((x) => x.ok)).toBe(true);
    }
  });

  it('fails a Verlet that evaluates a time-dependent force at the step start (first order on the forced oscillator)', () => {
    // Drift–kick–drift whose kick reads the force at t instead of t + h/2: exact on autonomous
    // problems, first order once the force depends on t.
    const stale: Integrator<PartitionedProblem<Float64Array>, PhaseState<Float64Array>> = {
      name: 'stale-time-verlet',
      order: 2,
      problemKinds: ['partitioned'],
      properties: { explicit: true, symplectic: true, timeReversible: false, adaptive: false },
      step(pr, t, y, h) {
        const q = Float64Array.from(y.q, (v, i) => v + (h / 2) * pr.velocity(t, y.q, y.p)[i]!);
        const p = Float64Array.from(y.p, (v, i) => v + h * pr.force(t, q, y.p)[i]!);
        const q2 = Float64Array.from(q, (v, i) => v + (h / 2) * pr.velocity(t + h, q, p)[i]!);
        return { q: q2, p };
      },
    };
    const report = runConformance(stale, { badInput: false, mutation: false });
    expect(report.results.find((r) => r.check === 'order' && r.problem!.startsWith('kepler'))!.ok).toBe(true);
    const forced = report.results.find((r) => r.check === 'stage-times')!;
    expect(forced.problem).toBe('forced-oscillator(omega=1,drive=2)');
    expect(forced.ok).toBe(false);
    expect(forced.measured!.order as number).toBeLessThan(1.3);
    // The honest controls pass it.
    for (const m of [explicitEuler, explicitMidpoint] as unknown as Integrator<never, never>[]) {
      expect(runConformance(m).results.find((r) => r.check === 'stage-times')!.ok).toBe(true);
    }
  });
});

describe('reference problems', () => {
  it('the exact Kepler solution conserves energy and angular momentum', () => {
    const e = 0.5;
    const energy = (z: Float64Array) => 0.5 * (z[2]! ** 2 + z[3]! ** 2) - 1 / Math.hypot(z[0]!, z[1]!);
    const L = (z: Float64Array) => z[0]! * z[3]! - z[1]! * z[2]!;
    const k = kepler({ e });
    const z0 = k.exact(0);
    for (const t of [0.3, 1, 2.5, 6]) {
      const z = k.exact(t);
      expect(energy(z)).toBeCloseTo(energy(z0), 13);
      expect(L(z)).toBeCloseTo(L(z0), 13);
    }
    expect(energy(z0)).toBeCloseTo(-0.5, 14);
  });

  it('Verlet converges at order 2 on Kepler with the measured slope table', () => {
    const m = measureOrder(stormerVerletControl, { ...kepler({ e: 0.5 }), tEnd: 2 });
    expect(m.order).toBeGreaterThan(1.9);
    expect(m.order).toBeLessThan(2.1);
    expect(m.points.length).toBeGreaterThan(3);
  });
});

describe('the advance check', () => {
  it('fails an advance that drifts from repeated steps', () => {
    const sloppy = {
      ...explicitEuler,
      name: 'sloppy-advance',
      advance: (pr: OdeProblem<Float64Array>, t: number, y: Float64Array, h: number, n: number) => explicitEuler.step(pr, t, y, h * n), // one big step instead of n small ones
    };
    const report = runConformance(sloppy, { order: false });
    expect(failed(report, 'advance').length).toBeGreaterThan(0);
  });
});

describe('default reference problems', () => {
  it("are @phaseflow/problems' Kepler e = 0.5 over t = 2 in each kind, plus exp-sin for ode", () => {
    expect(referenceProblems('ode').map((r) => [r.name, r.tEnd])).toEqual([
      ['exp-sin', 3],
      ['kepler-ode(e=0.5)', 2],
    ]);
    for (const kind of ['separable-hamiltonian', 'partitioned', 'hamiltonian']) {
      const [ref, ...rest] = referenceProblems(kind);
      expect(rest).toHaveLength(0);
      expect(ref!.problem.kind).toBe(kind);
      expect(ref!.tEnd).toBe(2);
      expect(Array.from(ref!.exact!(1.5))).toEqual(Array.from(kepler({ e: 0.5 }).exact(1.5)));
    }
    expect(referenceProblems('lie-group')).toEqual([]);
  });

  it('a problem without an exact solution gets no order check; measureOrder on it is a coded error', async () => {
    const { lorenz63 } = await import('@phaseflow/problems');
    const report = runConformance(explicitEuler, { problems: [lorenz63() as never] });
    expect(report.results.map((r) => r.check)).not.toContain('order');
    expect(report.results.filter((r) => r.check === 'no-mutation')).toHaveLength(1);
    const err = (() => {
      try {
        measureOrder(explicitEuler, lorenz63());
      } catch (e) {
        return e as { code: string; details: { argument: string } };
      }
    })();
    expect(err?.code).toBe('INVALID_ARGUMENT');
    expect(err?.details.argument).toBe('ref.exact');
  });
});

describe('fnv1a', () => {
  it('is the standard 32-bit FNV-1a', () => {
    // Published test vectors: FNV-1a("") = 811c9dc5, FNV-1a("a") = e40c292c, ("foobar") = bf9cf968.
    expect(fnv1a(new Uint8Array(0))).toBe('811c9dc5');
    expect(fnv1a(Uint8Array.of(0x61))).toBe('e40c292c');
    expect(fnv1a(new TextEncoder().encode('foobar'))).toBe('bf9cf968');
  });

  it('hashes the little-endian bytes of each element, and rejects what is not a typed array', () => {
    expect(fnv1a(Uint32Array.of(0x64636261))).toBe(fnv1a(new TextEncoder().encode('abcd')));
    expect(fnv1a(Float64Array.of(1, 2))).toBe(fnv1a(new Uint8Array(Float64Array.of(1, 2).buffer)));
    expect(() => fnv1a([1, 2] as never)).toThrow(/array: expected a Float64Array/);
  });
});

describe('the integrator suite validates its own options', () => {
  it('refuses unknown and malformed options with coded errors naming them', async () => {
    const { expectPhaseflowError } = await import('@phaseflow/testkit/vitest');
    const { checkReversibility, checkSymplecticity, checkStaysOnManifold, lieIntegratorConformance } = await import('@phaseflow/testkit');
    const ref = referenceProblems('separable-hamiltonian')[0]!;
    expectPhaseflowError(() => runConformance(explicitEuler, { order: { flor: 1e-12 } } as never), 'UNKNOWN_OPTION', 'options.order.flor');
    expectPhaseflowError(() => runConformance(explicitEuler, { badinput: false } as never), 'UNKNOWN_OPTION', 'options.badinput');
    expectPhaseflowError(() => runConformance(explicitEuler, { mutation: 'no' } as never), 'INVALID_ARGUMENT', 'options.mutation');
    expectPhaseflowError(() => runConformance(explicitEuler, { problems: 'kepler' } as never), 'INVALID_ARGUMENT', 'options.problems');
    expectPhaseflowError(() => runConformance({ ...explicitEuler, order: 0 }), 'INVALID_ARGUMENT', 'integrator.order');
    expectPhaseflowError(() => runConformance(null as never), 'INVALID_ARGUMENT', 'integrator');
    expectPhaseflowError(() => measureOrder(explicitEuler, referenceProblems('ode')[0]! as never, { startSteps: 0 }), 'INVALID_ARGUMENT', 'options.startSteps');
    expectPhaseflowError(() => checkReversibility(stormerVerletControl as never, ref as never, { h: -1 }), 'INVALID_ARGUMENT', 'options.h');
    expectPhaseflowError(() => checkSymplecticity(stormerVerletControl as never, ref as never, { stepz: 3 } as never), 'UNKNOWN_OPTION', 'options.stepz');
    expectPhaseflowError(() => checkStaysOnManifold(stormerVerletControl as never, ref as never, { tolerance: -1 }), 'INVALID_ARGUMENT', 'options.tolerance');
    expectPhaseflowError(() => lieIntegratorConformance(stormerVerletControl as never, { problems: [] }), 'INVALID_ARGUMENT', 'options.problems');
  });
});
