import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  PhaseflowError,
  float64Space,
  integrate,
  integrateAsync,
  hamiltonianProblem,
  odeProblem,
  partitionedProblem,
  separableHamiltonian,
  type Integrator,
  type OdeProblem,
  type Observer,
  type PartialSolution,
  type RunEndEvent,
} from '@phaseflow/core';

type F = Float64Array;
const euler: Integrator<OdeProblem<F>, F> = {
  name: 'euler',
  order: 1,
  problemKinds: ['ode'],
  properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
  step: (pr, t, y, h, out) => pr.space.axpy(h, pr.f(t, y), y, out),
};

function errorOf(fn: () => unknown): PhaseflowError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PhaseflowError) return e;
    throw e;
  }
  throw new Error('expected a PhaseflowError');
}

function ends(): { observer: Observer; list: RunEndEvent[]; starts: number } {
  const rec = { list: [] as RunEndEvent[], starts: 0 };
  return Object.assign(rec, { observer: { name: 'ends', on: { 'run:start': () => void rec.starts++, 'run:end': (e: RunEndEvent) => void rec.list.push(e) } } });
}

/** An integrator whose own step fails with a coded error from step `bad` on (a Newton solve that gives up). */
function failingAt(bad: number): Integrator<OdeProblem<F>, F> {
  let calls = 0;
  return {
    ...euler,
    name: 'gives-up',
    step(pr, t, y, h, out) {
      if (++calls >= bad) throw new PhaseflowError('CONVERGENCE_FAILURE', 'fixed-point iteration did not converge', { iterations: 50 });
      return euler.step(pr, t, y, h, out);
    },
  };
}

const decay = odeProblem((_t, y: F, out = new Float64Array(y.length)) => float64Space.scale(-1, y, out));

describe('integrate: every failure carries the step and the partial run', () => {
  it("an integrator's own coded error keeps its code, gains step and t, and keeps the partial run", () => {
    const rec = ends();
    const e = errorOf(() => integrate(failingAt(4), decay, Float64Array.of(1), { tEnd: 1, steps: 10, save: 'steps', observers: [rec.observer] }));
    expect(e.code).toBe('CONVERGENCE_FAILURE');
    expect(e.message).toBe('[CONVERGENCE_FAILURE] fixed-point iteration did not converge');
    expect(e.details).toMatchObject({ step: 4, iterations: 50 });
    expect(e.details.t).toBeCloseTo(0.3, 14);
    const partial = e.partial as PartialSolution<F>;
    expect(partial.status).toBe('failed');
    expect(partial.t).toHaveLength(4);
    expect(partial.stats.steps).toBe(3);
    expect((e.cause as PhaseflowError).code).toBe('CONVERGENCE_FAILURE');
    expect(rec.list).toHaveLength(1);
    expect(rec.list[0]!.error).toBe(e);
  });

  it('a vector field of the wrong length is a SHAPE_MISMATCH naming it, for ode and phase-space kinds', () => {
    const short = odeProblem((_t, y: F) => new Float64Array(y.length - 1));
    const e = errorOf(() => integrate(euler, short, Float64Array.of(1, 2, 3), { tEnd: 1, steps: 10 }));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.details).toMatchObject({ argument: 'problem.f', expected: '3 components', received: '2 components', step: 1 });
    expect((e.partial as PartialSolution<F>).stats.steps).toBe(0);

    const leapfrogLike: Integrator<ReturnType<typeof separableHamiltonian<F>>, { q: F; p: F }> = {
      name: 'kick',
      order: 1,
      problemKinds: ['separable-hamiltonian'],
      properties: { explicit: true, symplectic: true, timeReversible: false, adaptive: false },
      step: (pr, _t, y, h) => {
        const g = pr.dVdq(y.q);
        return { q: y.q.map((v, i) => v + h * y.p[i]!), p: y.p.map((v, i) => v - h * g[i]!) };
      },
    };
    const ho = separableHamiltonian({ dTdp: (p: F) => p.slice(), dVdq: () => new Float64Array(5) });
    const e2 = errorOf(() => integrate(leapfrogLike, ho, { q: Float64Array.of(1, 0), p: Float64Array.of(0, 1) }, { tEnd: 1, steps: 4 }));
    expect(e2.code).toBe('SHAPE_MISMATCH');
    expect(e2.details.argument).toBe('problem.dVdq');

    const osc = partitionedProblem({ velocity: (_t, _q, p: F) => p.slice(), force: () => undefined as unknown as F });
    const stepPart: Integrator<typeof osc, { q: F; p: F }> = {
      name: 'part',
      order: 1,
      problemKinds: ['partitioned'],
      properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
      step: (pr, t, y) => ({ q: pr.velocity(t, y.q, y.p), p: pr.force(t, y.q, y.p) }),
    };
    const e3 = errorOf(() => integrate(stepPart, osc, { q: Float64Array.of(1), p: Float64Array.of(0) }, { tEnd: 1, steps: 4 }));
    expect(e3.code).toBe('SHAPE_MISMATCH');
    expect(e3.details).toMatchObject({ argument: 'problem.force', received: 'undefined' });
  });

  it('checks the size once per run, not on every call', () => {
    let calls = 0;
    const tricky = odeProblem((_t, y: F, out = new Float64Array(y.length)) => {
      calls++;
      out[0] = -y[0]!;
      return out;
    });
    const sol = integrate(euler, tricky, Float64Array.of(1), { tEnd: 1, steps: 100 });
    expect(calls).toBe(100);
    expect(sol.yFinal[0]).toBeCloseTo(0.99 ** 100, 14);
  });

  it('property: a vector field of any kind returning the wrong number of components is SHAPE_MISMATCH naming it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom('ode', 'dTdp', 'dVdq', 'velocity', 'force', 'dHdq', 'dHdp'),
        (n, mRaw, which) => {
          const m = mRaw === n ? n + 1 : mRaw;
          const sized = (k: number): F => new Float64Array(k);
          const right = (x: F): F => x.slice();
          const pick = (name: string) => (name === which ? () => sized(m) : undefined);
          type PS = { q: F; p: F };
          let run: () => unknown;
          const phase: PS = { q: new Float64Array(n).fill(0.5), p: new Float64Array(n).fill(0.25) };
          const phaseStep = (call: (pr: never, y: PS) => void) =>
            ({
              name: 'calls',
              order: 1,
              problemKinds: ['separable-hamiltonian', 'partitioned', 'hamiltonian'],
              properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
              step: (pr: never, _t: number, y: PS) => (call(pr, y), { q: y.q.slice(), p: y.p.slice() }),
            }) as unknown as Integrator<never, PS>;
          if (which === 'ode') {
            run = () =>
              integrate(
                euler,
                odeProblem<F>(() => sized(m)),
                new Float64Array(n).fill(1),
                { tEnd: 1, steps: 3 },
              );
          } else if (which === 'dTdp' || which === 'dVdq') {
            const pr = separableHamiltonian<F>({ dTdp: pick('dTdp') ?? right, dVdq: pick('dVdq') ?? right });
            const integ = phaseStep((p: never, y) => {
              const q = p as unknown as typeof pr;
              q.dTdp(y.p);
              q.dVdq(y.q);
            });
            run = () => integrate(integ, pr as never, phase, { tEnd: 1, steps: 3 });
          } else if (which === 'velocity' || which === 'force') {
            const pr = partitionedProblem<F>({
              velocity: pick('velocity') ?? ((_t, _q, p: F) => p.slice()),
              force: pick('force') ?? ((_t, q: F) => q.slice()),
            });
            const integ = phaseStep((p: never, y) => {
              const q = p as unknown as typeof pr;
              q.velocity(0, y.q, y.p);
              q.force(0, y.q, y.p);
            });
            run = () => integrate(integ, pr as never, phase, { tEnd: 1, steps: 3 });
          } else {
            const pr = hamiltonianProblem<F>({ dHdq: pick('dHdq') ?? ((q: F) => q.slice()), dHdp: pick('dHdp') ?? ((_q, p: F) => p.slice()) });
            const integ = phaseStep((p: never, y) => {
              const q = p as unknown as typeof pr;
              q.dHdq(y.q, y.p);
              q.dHdp(y.q, y.p);
            });
            run = () => integrate(integ, pr as never, phase, { tEnd: 1, steps: 3 });
          }
          const e = errorOf(run);
          expect(e.code).toBe('SHAPE_MISMATCH');
          expect(e.details.argument).toBe(which === 'ode' ? 'problem.f' : `problem.${which}`);
          expect(e.details).toMatchObject({ expected: `${n} components`, received: `${m} components`, step: 1 });
        },
      ),
      { seed: 1305, numRuns: 200 },
    );
  });

  it('an observer that throws is CALLBACK_FAILED naming it, with the partial run', () => {
    const bad: Observer = {
      name: 'flaky',
      on: {
        step: (e) => {
          if (e.step === 5) throw new Error('observer bug');
        },
      },
    };
    const e = errorOf(() => integrate(euler, decay, Float64Array.of(1), { tEnd: 1, steps: 10, observers: [bad] }));
    expect(e.code).toBe('CALLBACK_FAILED');
    expect(e.details.callback).toBe('options.observers[0].on["step"] (observer "flaky")');
    expect(e.details.step).toBe(5);
    expect((e.cause as Error).message).toBe('observer bug');
    expect((e.partial as PartialSolution<F>).stats.steps).toBe(5);
  });

  it('integrateAsync carries the same failures', async () => {
    const e = (await integrateAsync(failingAt(2), decay, Float64Array.of(1), { tEnd: 1, steps: 10 }).then(
      () => undefined,
      (x: unknown) => x,
    )) as PhaseflowError;
    expect(e.code).toBe('CONVERGENCE_FAILURE');
    expect(e.details.step).toBe(2);
    expect((e.partial as PartialSolution<F>).stats.steps).toBe(1);
  });

  it('property: a failure at step k (field, integrator, observer, blow-up) names k and keeps k − 1 or k steps, run:end once', () => {
    const kinds = ['field', 'integrator', 'observer', 'nonfinite'] as const;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.constantFrom(...kinds), (n, kRaw, kind) => {
        const k = Math.min(kRaw, n);
        const h = 1 / n;
        const stepTime = (i: number) => (i >= n ? 1 : i * h);
        let step = 0;
        const field = odeProblem((t: number, y: F, out = new Float64Array(y.length)) => {
          if (kind === 'field' && step === k) throw new TypeError('user field');
          out[0] = kind === 'nonfinite' && step === k ? Infinity : -y[0]!;
          return out;
        });
        const integ: Integrator<OdeProblem<F>, F> = {
          ...euler,
          step(pr, t, y, hh, out) {
            step++;
            if (kind === 'integrator' && step === k) throw new PhaseflowError('CONVERGENCE_FAILURE', 'gave up');
            return euler.step(pr, t, y, hh, out);
          },
        };
        const rec = ends();
        const observers: Observer[] = [rec.observer];
        if (kind === 'observer')
          observers.push({
            name: 'o',
            on: {
              step: (e) => {
                if (e.step === k) throw new Error('obs');
              },
            },
          });
        const e = errorOf(() => integrate(integ, field, Float64Array.of(1), { tEnd: 1, steps: n, observers }));
        expect(e.details.step).toBe(k);
        const partial = e.partial as PartialSolution<F>;
        expect(partial.status).toBe('failed');
        const done = kind === 'field' || kind === 'integrator' ? k - 1 : k;
        expect(partial.stats.steps).toBe(done);
        expect(e.details.t).toBeCloseTo(kind === 'field' || kind === 'integrator' ? stepTime(k - 1) : stepTime(k), 12);
        expect(e.code).toBe({ field: 'CALLBACK_FAILED', integrator: 'CONVERGENCE_FAILURE', observer: 'CALLBACK_FAILED', nonfinite: 'NON_FINITE_STATE' }[kind]);
        if (kind === 'field') expect(e.cause).toBeInstanceOf(TypeError);
        expect(rec.starts).toBe(1);
        expect(rec.list).toHaveLength(1);
        expect(rec.list[0]!.status).toBe('failed');
      }),
      { seed: 1301, numRuns: 200 },
    );
  });
});
