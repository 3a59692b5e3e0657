import * as tf from '@tensorflow/tfjs';
import type * as core from '@phaseflow/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PhaseflowError,
  checkStep,
  integrate,
  integrateAsync,
  odeProblem,
  partitionedProblem,
  phaseSpace,
  withScope,
  type Integrator,
  type Observer,
  type OdeProblem,
} from '@phaseflow/core';
import {
  ACTIVATIONS,
  activation,
  createGradientTrainer,
  createMlp,
  releaseTapeOnError,
  tensorSpace,
  useBestBackend,
  type OptimizerName,
} from '@phaseflow/tfjs';

beforeAll(async () => {
  await useBestBackend();
});

const live = () => tf.memory().numTensors;

/** Tensors left alive by `fn` (awaited), whether it resolves or throws. */
async function leftBy(fn: () => unknown): Promise<{ left: number; error: unknown }> {
  const before = live();
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  return { left: live() - before, error };
}

const rows = (n: number) => Array.from({ length: n }, (_, i) => [i / n, 1 - i / n]);
const labels = (n: number) => Array.from({ length: n }, (_, i) => i % 2);

describe('activations', () => {
  it('every activation allocates exactly its output, over shapes and values', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ACTIVATIONS), fc.array(fc.float({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 12 }), (name, values) => {
        const x = tf.tensor1d(values);
        const before = live();
        const y = activation(name)(x);
        expect(live() - before).toBe(1);
        y.dispose();
        expect(live() - before).toBe(0);
        x.dispose();
      }),
      { numRuns: 60 },
    );
  });

  it("activation('linear') returns a new tensor: disposing it leaves the input alive", () => {
    const x = tf.tensor1d([1, -2, 3]);
    const y = activation('linear')(x);
    expect(y).not.toBe(x);
    y.dispose();
    expect(x.isDisposed).toBe(false);
    expect(Array.from(x.dataSync())).toEqual([1, -2, 3]);
    x.dispose();
  });
});

describe('gradient Trainer: no tensor left on the success and the error paths', () => {
  const optimizers: OptimizerName[] = ['sgd', 'momentum', 'adam', 'rmsprop'];

  it('a fit leaves nothing behind, for every optimiser (momentum left its learning-rate scalar)', async () => {
    for (const optimizer of optimizers) {
      const model = createMlp({ inputs: 2, hidden: [4], outputs: 2 });
      const { left, error } = await leftBy(() => createGradientTrainer({ optimizer, epochs: 2, batchSize: 8 }).fit(model, { x: rows(20), y: labels(20) }));
      expect(error).toBeUndefined();
      expect({ optimizer, left }).toEqual({ optimizer, left: 0 });
      model.dispose();
    }
  });

  it('a loss that throws leaves nothing (the tape saved for the backward pass is released)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...optimizers),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 8 }),
        async (optimizer, throwAt, batchSize) => {
          const model = createMlp({ inputs: 2, hidden: [4], outputs: 2 });
          let calls = 0;
          const loss = (t: tf.Tensor, p: tf.Tensor) => {
            if (calls++ === throwAt) throw new Error('loss failed');
            return tf.losses.meanSquaredError(t, p) as tf.Scalar;
          };
          const { left, error } = await leftBy(() => createGradientTrainer({ optimizer, loss, epochs: 3, batchSize }).fit(model, { x: rows(12), y: rows(12) }));
          expect(error).toBeDefined();
          expect(left).toBe(0);
          model.dispose();
        },
      ),
      { numRuns: 12 },
    );
  });

  it('a batch:end or step observer that throws leaves nothing', async () => {
    for (const event of ['batch:end', 'step', 'epoch:end'] as const) {
      const model = createMlp({ inputs: 2, hidden: [4], outputs: 2 });
      const observer: Observer = {
        name: 'thrower',
        on: {
          [event]: () => {
            throw new Error('observer failed');
          },
        },
      };
      const { left, error } = await leftBy(() =>
        createGradientTrainer({ epochs: 2, batchSize: 8 }).fit(model, { x: rows(20), y: labels(20) }, { observers: [observer] }),
      );
      expect(error).toBeDefined();
      expect({ event, left }).toEqual({ event, left: 0 });
      model.dispose();
    }
  });
});

describe('releaseTapeOnError', () => {
  it('releases the saved tensors of a gradient computation whose function throws', async () => {
    const w = tf.variable(tf.tensor1d([1, 2, 3]));
    const { left, error } = await leftBy(() =>
      releaseTapeOnError(() =>
        tf.tidy(() =>
          tf.variableGrads(() => {
            const y = tf.sum(tf.square(tf.tanh(tf.mul(w, 2))));
            if (y) throw new Error('after the forward pass');
            return y as tf.Scalar;
          }, [w]),
        ),
      ),
    );
    expect((error as Error).message).toBe('after the forward pass');
    expect(left).toBe(0);
    // The tape is usable afterwards.
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(w)) as tf.Scalar, [w]);
    expect(Array.from(grads[w.name]!.dataSync())).toEqual([2, 4, 6]);
    tf.dispose([value, ...Object.values(grads)]);
    w.dispose();
  });
});

describe('tensorSpace.scope (core StateOps.scope)', () => {
  it('releases everything but what keep marks, when fn returns and when it throws', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.boolean(), (n, fail) => {
        const y0 = tf.ones([3]);
        const before = live();
        let kept: tf.Tensor | undefined;
        try {
          withScope(tensorSpace, (keep) => {
            let y = y0;
            for (let i = 0; i < n; i++) y = tensorSpace.axpy(0.5, y, y);
            kept = keep(tensorSpace.clone(y));
            if (fail) throw new Error('inside the scope');
          });
        } catch (e) {
          expect(fail).toBe(true);
          expect((e as Error).message).toBe('inside the scope');
        }
        expect(live() - before).toBe(1);
        expect(kept!.isDisposed).toBe(false);
        expect(kept!.dataSync()[0]).toBeCloseTo(1.5 ** n, 2);
        tf.dispose([kept!, y0]);
      }),
      { numRuns: 40 },
    );
  });

  it('nested scopes hand kept values outward; the phase space keeps both halves', () => {
    const phase = phaseSpace(tensorSpace);
    const before = live();
    const out = withScope(phase, (keepOuter) => {
      const inner = withScope(phase, (keep) => keep(phase.scale(2, { q: tf.ones([2]), p: tf.zeros([2]) })));
      phase.axpy(1, inner, inner); // dropped: released by the outer scope
      return keepOuter(inner);
    });
    expect(live() - before).toBe(2);
    expect(Array.from(out.q.dataSync())).toEqual([2, 2]);
    phase.dispose!(out);
    expect(live()).toBe(before);
  });
});

/** Classical RK4 against VectorSpace, using return values only (so it runs on tensors). */
const rk4: Integrator<OdeProblem<tf.Tensor>, tf.Tensor> = {
  name: 'rk4',
  order: 4,
  problemKinds: ['ode'],
  properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
  step(pr, t, y, h) {
    checkStep(this, pr, h);
    const s = pr.space;
    const k1 = pr.f(t, y);
    const k2 = pr.f(t + h / 2, s.axpy(h / 2, k1, y));
    const k3 = pr.f(t + h / 2, s.axpy(h / 2, k2, y));
    const k4 = pr.f(t + h, s.axpy(h, k3, y));
    return s.combine([h / 6, h / 3, h / 3, h / 6], [k1, k2, k3, k4], y);
  },
};

describe('integrate over tensors (core runs the driver in tensorSpace.scope)', () => {
  it('leaves only the saved states, whatever is saved (it left 14+ tensors per run)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom<'endpoints' | 'steps' | { every: number }>('endpoints', 'steps', { every: 3 }),
        (steps, save) => {
          const decay = odeProblem<tf.Tensor>((_t, y) => tf.neg(y), { space: tensorSpace });
          const y0 = tf.ones([3]);
          const before = live();
          const sol = integrate(rk4, decay, y0, { tEnd: 1, steps, save });
          const distinct = new Set([...sol.y, sol.yFinal]);
          expect(live() - before).toBe(distinct.size);
          expect(Math.abs(sol.yFinal.dataSync()[0]! - Math.exp(-1))).toBeLessThan(0.01);
          tf.dispose([...distinct, y0]);
          expect(live()).toBe(before - 1);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('on failure (a field that throws, a blow-up) leaves only the partial run', () => {
    for (const field of [
      (t: number, y: tf.Tensor) => {
        if (t > 0.5) throw new Error('field failed');
        return tf.neg(y);
      },
      (_t: number, y: tf.Tensor) => tf.mul(y, tf.mul(y, 1e30)),
    ]) {
      const problem = odeProblem<tf.Tensor>(field, { space: tensorSpace });
      const y0 = tf.ones([2]);
      const before = live();
      let partial: { y: tf.Tensor[]; yFinal: tf.Tensor } | undefined;
      try {
        integrate(rk4, problem, y0, { tEnd: 1, steps: 20, save: 'steps' });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(PhaseflowError);
        partial = (e as PhaseflowError).partial as typeof partial;
      }
      const distinct = new Set([...partial!.y, partial!.yFinal]);
      expect(live() - before).toBe(distinct.size);
      tf.dispose([...distinct, y0]);
    }
  });
});

/**
 * Bogacki–Shampine 3(2), FSAL, with the cubic Hermite interpolant, against VectorSpace (runs
 * on tensors): the adaptive stepper carries y, f(t, y) (the FSAL stage) and the previous
 * step's start and stage (for dense output) from one `advance` to the next and lists them in
 * `retained`, so integrateAsync can release everything else between awaits.
 */
const bs3: Integrator<OdeProblem<tf.Tensor>, tf.Tensor> = {
  name: 'bs3',
  order: 3,
  problemKinds: ['ode'],
  properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: true, denseOutput: true },
  step(pr, t, y, h) {
    checkStep(this, pr, h);
    const s = pr.space;
    const k1 = pr.f(t, y);
    const k2 = pr.f(t + h / 2, s.axpy(h / 2, k1, y));
    const k3 = pr.f(t + (3 * h) / 4, s.axpy((3 * h) / 4, k2, y));
    return s.combine([(2 * h) / 9, h / 3, (4 * h) / 9], [k1, k2, k3], y);
  },
  adaptive(pr, t0, y0, tEnd, options) {
    const s = pr.space;
    const rtol = (options.rtol as number | undefined) ?? 1e-4;
    const atol = (options.atol as number | undefined) ?? 1e-7;
    const dir = tEnd > t0 ? 1 : -1;
    let t = t0;
    let y = s.clone(y0);
    let k = pr.f(t0, y); // the FSAL stage f(t, y)
    let tOld = t0;
    let yOld = y;
    let kOld = k;
    let h = dir * (options.h0 ?? 0.05);
    const stats = { accepted: 0, rejected: 0, evaluations: 1 };
    return {
      stats,
      retained: () => [y, k, yOld, kOld],
      advance(tStop) {
        for (;;) {
          const landing = (t + h - tStop) * dir >= 0;
          const hh = landing ? tStop - t : h;
          const k2 = pr.f(t + hh / 2, s.axpy(hh / 2, k, y));
          const k3 = pr.f(t + (3 * hh) / 4, s.axpy((3 * hh) / 4, k2, y));
          const y1 = s.combine([(2 * hh) / 9, hh / 3, (4 * hh) / 9], [k, k2, k3], y);
          const k4 = pr.f(t + hh, y1);
          stats.evaluations += 3;
          const err = s.combine([(-5 * hh) / 72, hh / 12, hh / 9, -hh / 8], [k, k2, k3, k4], undefined);
          const e = s.errorNorm(err, y, y1, atol, rtol);
          const factor = Math.min(5, Math.max(0.2, 0.9 * (e === 0 ? 5 : e ** (-1 / 3))));
          if (e <= 1) {
            [tOld, yOld, kOld] = [t, y, k];
            t = landing ? tStop : t + hh;
            y = y1;
            k = k4;
            h = hh * factor;
            stats.accepted++;
            return { t, y, h: hh };
          }
          h = hh * factor;
          stats.rejected++;
        }
      },
      interpolate(tq) {
        // Cubic Hermite on [tOld, t] from the two states and their slopes.
        const hh = t - tOld;
        const x = (tq - tOld) / hh;
        const h00 = 2 * x ** 3 - 3 * x ** 2 + 1;
        const h10 = x ** 3 - 2 * x ** 2 + x;
        const h01 = -2 * x ** 3 + 3 * x ** 2;
        const h11 = x ** 3 - x ** 2;
        return s.combine([h00, h10 * hh, h01, h11 * hh], [yOld, kOld, y, k], undefined);
      },
    };
  },
};

describe('integrateAsync over tensors: each segment between awaits in tensorSpace.scope', () => {
  const decay = odeProblem<tf.Tensor>((_t, y) => tf.neg(y), { space: tensorSpace });
  /** Runs long enough to cross many awaits (yieldEveryMs: 0.01 yields at every check). */
  const cases = [
    { name: 'rk4, fixed steps', integrator: rk4, options: { tEnd: 2, steps: 600 } },
    { name: 'rk4, fixed steps, chunked saves', integrator: rk4, options: { tEnd: 2, steps: 600, save: { every: 50 } } },
    { name: 'bs3 (FSAL), adaptive', integrator: bs3, options: { tEnd: 2, adaptive: { rtol: 1e-9, atol: 1e-9 } } },
    {
      name: 'bs3 (FSAL), adaptive, dense save times',
      integrator: bs3,
      options: { tEnd: 2, adaptive: { rtol: 1e-9, atol: 1e-9 }, save: { times: [0.5, 1, 1.5, 2] } },
    },
  ] as const;

  for (const c of cases) {
    it(`${c.name}: leaves only the saved states on success (it left every stage of the run)`, async () => {
      const y0 = tf.ones([3]);
      const before = live();
      const sol = await integrateAsync(c.integrator, decay, y0, { ...c.options, yieldEveryMs: 0.01 } as never);
      const distinct = new Set([...sol.y, sol.yFinal]);
      expect(sol.stats.steps).toBeGreaterThan(100); // many segments, many awaits
      expect(live() - before).toBe(distinct.size);
      expect(Math.abs(sol.yFinal.dataSync()[0]! - Math.exp(-2))).toBeLessThan(1e-4);
      tf.dispose([...distinct]);
      expect(live()).toBe(before);
      expect(y0.isDisposed).toBe(false);
      y0.dispose();
    });

    it(`${c.name}: leaves only the partial run when aborted from a timer`, async () => {
      const y0 = tf.ones([3]);
      const before = live();
      const controller = new AbortController();
      // Slow the field down so the timer fires mid-run.
      const slow = odeProblem<tf.Tensor>(
        (_t, y) => {
          const until = performance.now() + 0.05;
          while (performance.now() < until);
          return tf.neg(y);
        },
        { space: tensorSpace },
      );
      setTimeout(() => controller.abort(), 30);
      let partial: { y: tf.Tensor[]; yFinal: tf.Tensor; stats: { steps: number } } | undefined;
      try {
        await integrateAsync(c.integrator, slow, y0, {
          ...c.options,
          ...('steps' in c.options ? { steps: 1e5 } : {}),
          tEnd: 1e3,
          yieldEveryMs: 1,
          signal: controller.signal,
        } as never);
        expect.unreachable();
      } catch (e) {
        expect((e as PhaseflowError).code).toBe('ABORTED');
        partial = (e as PhaseflowError).partial as typeof partial;
      }
      expect(partial!.stats.steps).toBeGreaterThan(0);
      const distinct = new Set([...partial!.y, partial!.yFinal]);
      expect(live() - before).toBe(distinct.size);
      tf.dispose([...distinct]);
      expect(live()).toBe(before);
      y0.dispose();
    });

    it(`${c.name}: leaves only the partial run when the vector field throws mid-run`, async () => {
      const y0 = tf.ones([3]);
      const before = live();
      const failing = odeProblem<tf.Tensor>(
        (t, y) => {
          if (t > 1.2) throw new Error('field failed');
          return tf.neg(y);
        },
        { space: tensorSpace },
      );
      let partial: { y: tf.Tensor[]; yFinal: tf.Tensor; stats: { steps: number } } | undefined;
      try {
        await integrateAsync(c.integrator, failing, y0, { ...c.options, yieldEveryMs: 0.01 } as never);
        expect.unreachable();
      } catch (e) {
        expect((e as PhaseflowError).code).toBe('CALLBACK_FAILED');
        expect((e as PhaseflowError).details.step).toBeGreaterThan(50);
        partial = (e as PhaseflowError).partial as typeof partial;
      }
      const distinct = new Set([...partial!.y, partial!.yFinal]);
      expect(live() - before).toBe(distinct.size);
      tf.dispose([...distinct]);
      expect(live()).toBe(before);
      y0.dispose();
    });
  }

  it('a phase state over tensors whose p a step hands on unchanged: parts still held are not disposed, nothing leaks', async () => {
    // A drift: q ← q + h·p, and the very same p tensor in the new state.
    const drift: Integrator<core.PartitionedProblem<tf.Tensor>, core.PhaseState<tf.Tensor>> = {
      name: 'drift',
      order: 1,
      problemKinds: ['partitioned'],
      properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
      step(pr, _t, y, h) {
        checkStep(this, pr, h);
        return { q: pr.space.component.axpy(h, y.p, y.q), p: y.p };
      },
    };
    const free = partitionedProblem<tf.Tensor>({ velocity: (_t, _q, p) => p, force: (_t, q) => tf.zerosLike(q), space: tensorSpace });
    const y0 = { q: tf.zeros([2]), p: tf.ones([2]) };
    const before = live();
    const sol = await integrateAsync(drift, free, y0, { tEnd: 1, steps: 3000, save: { every: 1000 }, yieldEveryMs: 0.01 });
    expect(Array.from(sol.yFinal.q.dataSync())).toEqual([expect.closeTo(1, 3), expect.closeTo(1, 3)]); // float32 on the fastest backend
    const parts = new Set([...sol.y, sol.yFinal].flatMap((y) => [y.q, y.p]));
    expect(live() - before).toBe(parts.size);
    tf.dispose([...parts, y0.q, y0.p]);
  });

  it('an adaptive stepper without `retained` still runs correctly (no segment scopes: it cannot say what it holds)', async () => {
    const plain: Integrator<OdeProblem<tf.Tensor>, tf.Tensor> = {
      ...bs3,
      name: 'bs3-unlisted',
      adaptive: (...args) => {
        const { retained: _unlisted, ...stepper } = bs3.adaptive!(...args);
        return stepper;
      },
    };
    const y0 = tf.ones([2]);
    const sol = await integrateAsync(plain, decay, y0, { tEnd: 2, adaptive: { rtol: 1e-8, atol: 1e-8 }, yieldEveryMs: 0.01 });
    expect(Math.abs(sol.yFinal.dataSync()[0]! - Math.exp(-2))).toBeLessThan(1e-5);
    tf.dispose([...sol.y, sol.yFinal, y0]);
  });
});
