import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { PhaseflowError, checkStep, integrate, odeProblem, phaseSpace, withScope, type Integrator, type Observer, type OdeProblem } from '@phaseflow/core';
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
