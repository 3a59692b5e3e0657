import { describe, expect, it } from 'vitest';
import { type PhaseflowError, integrate, type OdeProblem } from '@phaseflow/core';
import { forcedOscillator } from '@phaseflow/problems';

describe('forcedOscillator', () => {
  it("its exact solution solves q' = p, p' = −ω²q + A cos νt in both forms", () => {
    for (const kind of ['partitioned', 'ode'] as const) {
      const f = forcedOscillator({ omega: 1.5, drive: 0.7, amplitude: 2, kind });
      expect(Array.from(f.exact(0))).toEqual([1, 0]);
      for (const t of [0.3, 1.1, 2.9]) {
        const d = 1e-5;
        const [q, p] = f.exact(t);
        const a = f.exact(t + d),
          b = f.exact(t - d);
        expect((a[0]! - b[0]!) / (2 * d)).toBeCloseTo(p!, 8);
        expect((a[1]! - b[1]!) / (2 * d)).toBeCloseTo(-2.25 * q! + 2 * Math.cos(0.7 * t), 8);
      }
    }
    const ode = forcedOscillator({ kind: 'ode' });
    const euler = {
      name: 'euler',
      order: 1,
      problemKinds: ['ode'],
      properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
      step: (pr: OdeProblem<Float64Array>, t: number, y: Float64Array, h: number) => pr.space.axpy(h, pr.f(t, y), y),
    } as never;
    const sol = integrate(euler, ode.problem as never, ode.y0() as never, { tEnd: 2, steps: 20_000 });
    expect(Math.abs((sol.yFinal as Float64Array)[0]! - ode.exact(2)[0]!)).toBeLessThan(1e-3);
  });

  it('refuses resonance and bad options with coded errors', () => {
    for (const [o, argument] of [
      [{ drive: 1 }, 'options.drive'],
      [{ omega: 0 }, 'options.omega'],
      [{ kind: 'x' }, 'options.kind'],
      [{ amplitude: NaN }, 'options.amplitude'],
    ] as const) {
      try {
        forcedOscillator(o as never);
        expect.unreachable();
      } catch (e) {
        expect((e as PhaseflowError).details.argument).toBe(argument);
      }
    }
  });
});
