/**
 * integrateAsync on a state space with a scope, without tfjs: a toy resource space whose
 * values are Float64Arrays registered as live until disposed, and whose scope releases what
 * was allocated inside it unless kept (a tf.tidy in miniature, nested scopes included). The
 * run must leave exactly the saved states, on success, abort and failure, for a fixed-step
 * method and an adaptive stepper that lists what it carries in `retained`.
 */
import { describe, expect, it } from 'vitest';
import { PhaseflowError, integrateAsync, odeProblem, type AdaptiveStepper, type Integrator, type OdeProblem, type VectorSpace } from '@phaseflow/core';

// The tracked space is testkit's createResourceSpace; testkit peer-depends on core, so core
// cannot list it and loads it by name at run time (as its bad-input suite does).
const testkitName = '@phaseflow/testkit';
const { createResourceSpace } = (await import(testkitName)) as {
  createResourceSpace(): { space: VectorSpace<Float64Array>; live: ReadonlySet<Float64Array>; external(y: Float64Array): Float64Array };
};

const euler: Integrator<OdeProblem<Float64Array>, Float64Array> = {
  name: 'euler',
  order: 1,
  problemKinds: ['ode'],
  properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: true },
  step: (pr, t, y, h) => pr.space.axpy(h, pr.f(t, y), y),
  /** Fixed-size steps towards tStop, carrying y and f(t, y) (an FSAL-like stage) between calls. */
  adaptive(pr, t0, y0, tEnd): AdaptiveStepper<Float64Array> {
    let t = t0;
    let y = pr.space.clone(y0);
    let k = pr.f(t, y);
    const stats = { accepted: 0, rejected: 0, evaluations: 1 };
    return {
      stats,
      retained: () => [y, k],
      advance(tStop) {
        const h = Math.min(0.001, tStop - t) * Math.sign(tEnd - t0);
        y = pr.space.axpy(h, k, y);
        t = Math.abs(tStop - t - h) < 1e-15 ? tStop : t + h;
        k = pr.f(t, y);
        stats.accepted++;
        stats.evaluations++;
        return { t, y, h };
      },
    };
  },
};

describe('integrateAsync in the space scope, segment by segment', () => {
  for (const adaptive of [false, true]) {
    const mode = adaptive ? 'an adaptive stepper with retained' : 'fixed steps';
    const options = adaptive ? { adaptive: true } : { steps: 2000 };

    it(`${mode}: only the saved states are left, and none was used after dispose`, async () => {
      const { space, live, external } = createResourceSpace();
      const pr = odeProblem((_t, y: Float64Array) => space.scale(-1, y), { space });
      const sol = await integrateAsync(euler, pr, external(Float64Array.of(1)), { tEnd: 2, ...options, save: { every: 500 }, yieldEveryMs: 0.01 });
      expect(sol.yFinal[0]).toBeCloseTo(Math.exp(-2), 2);
      expect(sol.stats.steps).toBeGreaterThanOrEqual(2000); // many segments (an adaptive run may need one more step for rounding)
      expect(new Set(live)).toEqual(new Set([...sol.y, sol.yFinal]));
    });

    it(`${mode}: a field that throws mid-run leaves only the partial run`, async () => {
      const { space, live, external } = createResourceSpace();
      const pr = odeProblem(
        (t, y: Float64Array) => {
          if (t > 1) throw new Error('field failed');
          return space.scale(-1, y);
        },
        { space },
      );
      const e = await integrateAsync(euler, pr, external(Float64Array.of(1)), { tEnd: 2, ...options, save: 'steps', yieldEveryMs: 0.01 }).catch(
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(PhaseflowError);
      const partial = (e as PhaseflowError).partial as { y: Float64Array[]; yFinal: Float64Array };
      expect(partial.y.length).toBeGreaterThan(900);
      expect(new Set(live)).toEqual(new Set([...partial.y, partial.yFinal]));
    });

    it(`${mode}: an abort from a timer leaves only the partial run`, async () => {
      const { space, live, external } = createResourceSpace();
      const pr = odeProblem(
        (_t, y: Float64Array) => {
          const until = performance.now() + 0.02;
          while (performance.now() < until);
          return space.scale(-1, y);
        },
        { space },
      );
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 20);
      const e = await integrateAsync(euler, pr, external(Float64Array.of(1)), {
        tEnd: 1000,
        ...(adaptive ? options : { steps: 1e6 }),
        yieldEveryMs: 1,
        signal: controller.signal,
      }).catch((x: unknown) => x);
      expect((e as PhaseflowError).code).toBe('ABORTED');
      const partial = (e as PhaseflowError).partial as { y: Float64Array[]; yFinal: Float64Array };
      expect(new Set(live)).toEqual(new Set([...partial.y, partial.yFinal]));
    });
  }
});
