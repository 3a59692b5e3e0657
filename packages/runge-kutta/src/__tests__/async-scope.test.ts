/**
 * integrateAsync over a state space with a scope (a tf.tidy in miniature, as core's own test
 * of the driver): the adaptive Runge–Kutta steppers list what they carry between advances in
 * `retained`, so each segment between awaits releases the rest, and a run leaves exactly its
 * saved states — also with dense output (output times, events) and after a failure or abort.
 */
import { describe, expect, it } from 'vitest';
import { PhaseflowError, integrateAsync, odeProblem } from '@phaseflow/core';
import { createResourceSpace } from '@phaseflow/testkit';
import { bs3, dop853, dopri5, tsit5 } from '@phaseflow/runge-kutta';

describe('integrateAsync with the adaptive steppers, segment by segment in the space scope', () => {
  for (const method of [dopri5<Float64Array>(), tsit5<Float64Array>(), dop853<Float64Array>(), bs3<Float64Array>()]) {
    it(`${method.name}: only the saved states are left (output times and an event on dense output), none used after dispose`, async () => {
      const { space, live, external } = createResourceSpace();
      const pr = odeProblem((_t, y: Float64Array) => space.scale(-1, y), { space });
      const times = Array.from({ length: 21 }, (_, i) => i / 10);
      const sol = await integrateAsync(method, pr, external(Float64Array.of(1)), {
        tEnd: 2,
        adaptive: { rtol: 1e-9, atol: 1e-12 },
        save: { times },
        events: [{ name: 'half', g: (_t: number, y: Float64Array) => y[0]! - 0.5 }],
        yieldEveryMs: 0.01,
      });
      expect(sol.yFinal[0]).toBeCloseTo(Math.exp(-2), 7);
      expect(sol.t).toEqual(times);
      expect(sol.events?.[0]?.t).toBeCloseTo(Math.LN2, 7);
      const kept = new Set<Float64Array>([...sol.y, sol.yFinal, ...(sol.events ?? []).map((e) => e.y)]);
      expect(new Set(live)).toEqual(kept);
    });
  }

  it('dopri5: a field that throws mid-run leaves only the partial run', async () => {
    const { space, live, external } = createResourceSpace();
    const pr = odeProblem(
      (t, y: Float64Array) => {
        if (t > 1) throw new Error('field failed');
        return space.scale(-1, y);
      },
      { space },
    );
    const e = await integrateAsync(dopri5<Float64Array>(), pr, external(Float64Array.of(1)), {
      tEnd: 2,
      adaptive: { rtol: 1e-10, atol: 1e-12 },
      save: 'steps',
      yieldEveryMs: 0.01,
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PhaseflowError);
    const partial = (e as PhaseflowError).partial as { y: Float64Array[]; yFinal: Float64Array };
    expect(partial.y.length).toBeGreaterThan(5);
    expect(new Set(live)).toEqual(new Set([...partial.y, partial.yFinal]));
  });
});
