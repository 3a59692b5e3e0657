import { describe, expect, it } from 'vitest';
import {
  asPartitioned,
  float64Space,
  hamiltonianProblem,
  integrate,
  odeProblem,
  partitionedProblem,
  separableHamiltonian,
  PhaseflowError,
} from '@phaseflow/core';

type F = Float64Array;
const id = (x: F, out: F = new Float64Array(x.length)) => (out.set(x), out);

describe('problem factories', () => {
  it('build problems whose energy and views agree', () => {
    const ho = separableHamiltonian<F>({ dTdp: id, dVdq: id, T: (p) => 0.5 * p[0]! ** 2, V: (q) => 0.5 * q[0]! ** 2, name: 'ho' });
    expect(ho.kind).toBe('separable-hamiltonian');
    expect(ho.energy!({ q: Float64Array.of(1), p: Float64Array.of(1) })).toBe(1);
    const part = asPartitioned(ho);
    expect(part.separable).toBe(true);
    expect([...part.force(0, Float64Array.of(2), Float64Array.of(0))]).toEqual([-2]);
    expect([...part.velocity(0, Float64Array.of(2), Float64Array.of(3))]).toEqual([3]);
    const h = hamiltonianProblem<F>({ dHdq: (q) => id(q), dHdp: (_q, p) => id(p), H: (q, p) => q[0]! * p[0]! });
    expect(h.energy!({ q: Float64Array.of(2), p: Float64Array.of(3) })).toBe(6);
    const pp = partitionedProblem<F>({ velocity: (_t, _q, p) => id(p), force: (_t, q) => id(q) });
    expect(pp.separable).toBe(false);
    expect(odeProblem((_t, y: F) => y).space).toBe(float64Space);
  });

  it('reject bad specifications with coded errors naming the field', () => {
    const cases: [() => unknown, string, string][] = [
      [() => odeProblem(3 as never), 'INVALID_ARGUMENT', 'f'],
      [() => odeProblem((_t, y: F) => y, { spaec: float64Space } as never), 'UNKNOWN_OPTION', 'options.spaec'],
      [() => separableHamiltonian({ dTdp: id } as never), 'INVALID_ARGUMENT', 'spec.dVdq'],
      [() => separableHamiltonian({ dTdp: id, dVdq: id, T: 1 } as never), 'INVALID_ARGUMENT', 'spec.T'],
      [() => partitionedProblem({ velocity: id, force: id, separable: 'yes' } as never), 'INVALID_ARGUMENT', 'spec.separable'],
      [() => hamiltonianProblem({ dHdq: id, dHdp: null } as never), 'INVALID_ARGUMENT', 'spec.dHdp'],
    ];
    for (const [fn, code, argument] of cases) {
      try {
        fn();
        expect.unreachable(argument);
      } catch (e) {
        expect(e).toBeInstanceOf(PhaseflowError);
        expect((e as PhaseflowError).code).toBe(code);
        expect((e as PhaseflowError).details.argument).toBe(argument);
      }
    }
  });

  it('integrate rejects a problem that is not one', () => {
    const euler = {
      name: 'e',
      order: 1,
      problemKinds: ['ode'],
      properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
      step: (_p: never, _t: number, y: F) => y,
    };
    expect(() => integrate(euler as never, null as never, Float64Array.of(1), { tEnd: 1, h: 0.1 })).toThrow(/problem: expected a problem/);
    expect(() => integrate({} as never, null as never, Float64Array.of(1), { tEnd: 1, h: 0.1 })).toThrow(/integrator: expected an Integrator/);
  });
});
