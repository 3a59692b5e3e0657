import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type PhaseState } from '@phaseflow/core';
import { eccentricAnomaly, kepler, type KeplerKind } from '@phaseflow/problems';
import { maxAbsDiff, timeDerivative } from './helpers.js';

type F = Float64Array;
const KINDS: KeplerKind[] = ['separable-hamiltonian', 'partitioned', 'hamiltonian', 'ode'];

/** z' for any Kepler kind, on the flat state z = (q, p). */
function flatField(kind: KeplerKind, e: number): (z: F) => F {
  const k = kepler({ e, kind });
  const pr = k.problem as never as Record<string, (...a: unknown[]) => F>;
  return (z) => {
    const q = z.slice(0, 2),
      p = z.slice(2);
    switch (kind) {
      case 'ode':
        return pr.f!(0, z.slice());
      case 'separable-hamiltonian': {
        const v = pr.dVdq!(q);
        return Float64Array.of(...pr.dTdp!(p), -v[0]!, -v[1]!);
      }
      case 'partitioned':
        return Float64Array.of(...pr.velocity!(0, q, p), ...pr.force!(0, q, p));
      case 'hamiltonian': {
        const v = pr.dHdq!(q, p);
        return Float64Array.of(...pr.dHdp!(q, p), -v[0]!, -v[1]!);
      }
    }
  };
}

describe("eccentricAnomaly solves Kepler's equation", () => {
  it('E − e sin E = M to rounding for every M and 0 ≤ e ≤ 0.99', () => {
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: 0, max: 0.99, noNaN: true }), (M, e) => {
        const E = eccentricAnomaly(M, e);
        expect(Math.abs(E - e * Math.sin(E) - M)).toBeLessThan(8 * Number.EPSILON * Math.max(1, Math.abs(M)));
      }),
    );
  });

  it('matches the published value E(1, 0.5) and is the identity for e = 0', () => {
    expect(eccentricAnomaly(1, 0.5)).toBeCloseTo(1.4987011335178482, 15);
    expect(eccentricAnomaly(2.5, 0)).toBe(2.5);
  });
});

describe('kepler in all four problem kinds', () => {
  it.each(KINDS)('%s: the kind, the name and the one exact solution', (kind) => {
    const k = kepler({ e: 0.5, kind });
    expect(k.problem.kind).toBe(kind);
    expect(k.name).toBe(kind === 'separable-hamiltonian' ? 'kepler(e=0.5)' : `kepler-${kind}(e=0.5)`);
    expect(k.parameters).toEqual({ e: 0.5 });
    expect(k.exact(1.3)).toEqual(kepler({ e: 0.5 }).exact(1.3));
    expect(k.problem.space.toFloat64(k.y0() as never)).toEqual(k.exact(0));
    expect(k.problem.space.toFloat64(k.fromFlat(k.exact(2)) as never)).toEqual(k.exact(2));
    expect(maxAbsDiff(k.exact(k.period), k.exact(0))).toBeLessThan(1e-14);
  });

  it.each(KINDS)('%s: the exact orbit solves the equations of motion (d/dt exact = f(exact))', (kind) => {
    for (const e of [0, 0.3, 0.7]) {
      const f = flatField(kind, e);
      const k = kepler({ e, kind });
      for (const t of [0.2, 1.7, 3.9, 5.5]) {
        expect(maxAbsDiff(timeDerivative(k.exact, t), f(k.exact(t)))).toBeLessThan(1e-7);
      }
    }
  });

  it('the four kinds give bitwise the same vector field', () => {
    const fields = KINDS.map((kind) => flatField(kind, 0.6));
    fc.assert(
      fc.property(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 4, maxLength: 4 }), (v) => {
        fc.pre(Math.hypot(v[0]!, v[1]!) > 0.05);
        const z = Float64Array.from(v);
        const ref = fields[0]!(z);
        for (const f of fields) expect(Array.from(f(z))).toEqual(Array.from(ref));
      }),
    );
  });

  it('energy and angular momentum are constant along the exact orbit; H = −1/2, L = √(1 − e²)', () => {
    for (const kind of KINDS) {
      const k = kepler({ e: 0.5, kind });
      const energy = k.energy as (y: unknown) => number;
      const L = k.invariants.angularMomentum as (y: unknown) => number;
      expect(energy(k.y0())).toBeCloseTo(-0.5, 14);
      for (const t of [0.3, 1.7, 4.2, 100]) {
        const y = k.fromFlat(k.exact(t));
        expect(Math.abs(energy(y) + 0.5)).toBeLessThan(1e-14);
        expect(Math.abs(L(y) - Math.sqrt(0.75))).toBeLessThan(1e-14);
      }
    }
  });

  it('starts at perihelion q = (1 − e, 0), p = (0, √((1 + e)/(1 − e)))', () => {
    const y = kepler({ e: 0.25 }).y0() as PhaseState<F>;
    expect(Array.from(y.q)).toEqual([0.75, 0]);
    expect(y.p[0]).toBeCloseTo(0, 15);
    expect(y.p[1]).toBeCloseTo(Math.sqrt(1.25 / 0.75), 14);
  });
});
