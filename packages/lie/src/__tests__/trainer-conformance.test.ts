/**
 * The Trainer contract (issue 13) on lie's Riemannian trainers, checked by the testkit's
 * `trainerConformance`: run:start and run:end exactly once, 0-based epoch and batch indices,
 * a history that agrees with the events, the observer's stop reason, ABORTED with a partial
 * history (before the start, from an observer, from a timer), coded errors for a throwing
 * observer, a throwing loss or `afterStep` hook, and bad fit options — for both optimizers.
 */
import { createRandom } from '@phaseflow/core';
import { createRiemannianTrainer, createSO, type RiemannianModel } from '@phaseflow/lie';
import { trainerConformance } from '@phaseflow/testkit/vitest';

type F = Float64Array;
type Batch = { readonly target: F };

const n = 3;
/** Batches of targets on SO(3): f(Q) = ‖Q − T‖²_F, ∂f/∂Q = 2(Q − T). */
function batches(count: number, seed: number): Batch[] {
  const rng = createRandom(seed);
  const so3 = createSO(n);
  return Array.from({ length: count }, () => ({ target: so3.sample(rng) }));
}

/** A fresh model on SO(3) from the identity (the suite fits several times). */
const model = (): RiemannianModel<Batch> => {
  const value = new Float64Array(n * n);
  for (let i = 0; i < n; i++) value[i * n + i] = 1;
  return {
    name: 'nearest-rotation',
    weights: [{ name: 'Q', rows: n, cols: n, value }],
    lossAndGradient(batch, [g]) {
      let loss = 0;
      for (let k = 0; k < value.length; k++) {
        const r = value[k]! - batch.target[k]!;
        loss += r * r;
        g![k] = 2 * r;
      }
      return loss;
    },
  };
};

/** The same model whose loss callback throws: the error path. */
const failingModel = (): RiemannianModel<Batch> => ({
  ...model(),
  lossAndGradient() {
    throw new Error('loss failed');
  },
});

/** A model whose `afterStep` hook throws: the error path after the weights moved. */
const failingAfterStep = (): RiemannianModel<Batch> => ({
  ...model(),
  afterStep() {
    throw new Error('afterStep failed');
  },
});

const data = batches(4, 1);

trainerConformance(createRiemannianTrainer<Batch>({ optimizer: 'adam', epochs: 3, learningRate: 0.05 }), {
  model,
  data,
  failingModel,
  // 10⁸ epochs of 4 steps: hours, unless the abort lands.
  long: { trainer: createRiemannianTrainer<Batch>({ epochs: 100_000_000 }) },
});

trainerConformance(createRiemannianTrainer<Batch>({ optimizer: 'sgd', momentum: 0.5, retraction: 'qr', epochs: 2 }), {
  model,
  data,
  failingModel: failingAfterStep,
  long: { trainer: createRiemannianTrainer<Batch>({ optimizer: 'sgd', retraction: 'exp', epochs: 100_000_000 }) },
});
