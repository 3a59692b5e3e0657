/**
 * Riemannian gradient descent and Riemannian Adam on Stiefel manifolds (SO(n) and O(n) when
 * p = n), as core Trainers: any model whose weights are orthonormal frames and that returns its
 * loss with the Euclidean gradients trains on the manifold, its weights orthonormal to Float64
 * rounding at every step.
 */
import {
  checkFunction,
  checkInRange,
  checkInteger,
  checkOneOf,
  checkOptions,
  checkPositive,
  createRunLifecycle,
  invalid,
  type FitOptions,
  type Trainer,
  type TrainingHistory,
} from '@phaseflow/core';
import { RETRACTIONS, createStiefel, type Retraction, type Stiefel } from './stiefel.js';

type F = Float64Array;

/** A weight on St(rows, cols): an orthonormal frame the trainer updates in place. */
export interface StiefelWeight {
  /** For messages (default `weights[i]`). */
  readonly name?: string;
  /** n. */
  readonly rows: number;
  /** p ≤ n (p = n for SO(n)/O(n)). */
  readonly cols: number;
  /** X, row-major rows × cols, XᵀX = I; overwritten after every step. */
  readonly value: F;
}

/** What a Riemannian Trainer fits: manifold weights and a loss with its Euclidean gradient. */
export interface RiemannianModel<D> {
  readonly name: string;
  readonly weights: readonly StiefelWeight[];
  /**
   * f(X₁, …; batch) at the current weight values; writes the Euclidean gradient ∂f/∂Xᵢ of each
   * weight into `gradients[i]` (rows × cols) and returns f.
   */
  lossAndGradient(batch: D, gradients: readonly F[]): number;
  /** Called after every step, once the weights hold their new values (e.g. to copy them into a layer). */
  afterStep?(): void;
}

/** `sgd` (Riemannian gradient descent, optional momentum) or `adam` (Riemannian Adam). */
export type RiemannianOptimizerName = 'sgd' | 'adam';

/** Options of {@link createRiemannianTrainer}. */
export interface RiemannianTrainerOptions {
  /** `sgd` or `adam` (default). */
  readonly optimizer?: RiemannianOptimizerName;
  /** `exp`, `cayley` (default) or `qr`. */
  readonly retraction?: Retraction;
  /** Step size η (default 0.01). */
  readonly learningRate?: number;
  /** sgd: heavy-ball momentum β in [0, 1) (default 0). */
  readonly momentum?: number;
  /** adam: β₁ (default 0.9). */
  readonly beta1?: number;
  /** adam: β₂ (default 0.999). */
  readonly beta2?: number;
  /** adam: ε (default 1e-8). */
  readonly epsilon?: number;
  /** Epochs, each one pass over the batches (default 100). */
  readonly epochs?: number;
  /** Largest ‖XᵀX − I‖_F accepted for a starting weight (default 1e-9). */
  readonly tolerance?: number;
}

/** Options of one `fit`. */
export interface RiemannianFitOptions extends FitOptions {
  /** Overrides the trainer's epochs. */
  readonly epochs?: number;
}

/** What `fit` returns: per epoch the mean loss, the last ‖grad f‖, the largest ‖XᵀX − I‖_F and η. */
export interface RiemannianHistory extends TrainingHistory {
  readonly metrics: { gradientNorm: number[]; defect: number[]; learningRate: number[] };
  /** Steps taken (one per batch). */
  readonly steps: number;
}

const TRAINER_KEYS = ['optimizer', 'retraction', 'learningRate', 'momentum', 'beta1', 'beta2', 'epsilon', 'epochs', 'tolerance'];

const nextTick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * A core {@link Trainer} on Stiefel manifolds St(n, p) (SO(n) for p = n from a start in
 * SO(n)), embedded metric. Each step, for each weight X with Euclidean gradient G:
 * grad f = G − X·sym(XᵀG); then
 *
 * - `sgd`: m ← β·m + grad f, X ← R_X(−η·m) (Absil, Mahony & Sepulchre 2008, §4.2);
 * - `adam`: m ← β₁m + (1 − β₁)grad f, v ← β₂v + (1 − β₂)‖grad f‖²_F (one second moment per
 *   weight: coordinate-wise moments are not intrinsic on a manifold), X ← R_X(−η·m̂/(√v̂ + ε))
 *   with bias corrections m̂ = m/(1 − β₁ᵏ), v̂ = v/(1 − β₂ᵏ) (Bécigneul & Ganea, ICLR 2019; the
 *   Stiefel form of Li, Li & Todorovic, ICLR 2020);
 *
 * and the momentum moves to the new tangent space by projection, m ← P_X(m). R is the
 * `exp`, `cayley` or `qr` retraction of {@link createStiefel}. Data is a list of batches; an
 * epoch is one pass. Observers get `run:start`, `step` and `batch:end` per batch (`t` = Σ η),
 * `epoch:end` (0-based epochs, metrics `gradientNorm`, `defect`, `learningRate`), `run:end`, and
 * may stop the run; an AbortSignal ends it with ABORTED, a non-finite loss with NON_FINITE_STATE,
 * a model callback that throws with CALLBACK_FAILED (all carrying the history so far as
 * `partial`), through core's run lifecycle.
 *
 * @example
 * ```ts
 * import { createRiemannianTrainer } from '@phaseflow/lie';
 * // Procrustes: min ‖AQ − B‖² over SO(n); ∂f/∂Q = 2Aᵀ(AQ − B).
 * const Q = { rows: n, cols: n, value: identity };
 * const model = { name: 'procrustes', weights: [Q], lossAndGradient: (d, [g]) => procrustes(d, Q.value, g) };
 * const history = await createRiemannianTrainer({ retraction: 'qr', learningRate: 0.05 }).fit(model, [{ A, B }], { epochs: 500 });
 * ```
 */
export function createRiemannianTrainer<D>(
  options?: RiemannianTrainerOptions,
): Trainer<RiemannianModel<D>, readonly D[], RiemannianFitOptions, RiemannianHistory> {
  const o = checkOptions('options', options, TRAINER_KEYS);
  const optimizer = o.optimizer === undefined ? 'adam' : checkOneOf<RiemannianOptimizerName>('options.optimizer', o.optimizer, ['sgd', 'adam']);
  const retraction = o.retraction === undefined ? 'cayley' : checkOneOf<Retraction>('options.retraction', o.retraction, RETRACTIONS);
  const eta = o.learningRate === undefined ? 0.01 : checkPositive('options.learningRate', o.learningRate);
  const momentum = o.momentum === undefined ? 0 : checkInRange('options.momentum', o.momentum, 0, 1);
  if (momentum >= 1) invalid('options.momentum', 'a number in [0, 1)', momentum);
  if (optimizer === 'adam' && o.momentum !== undefined) invalid('options.momentum', 'no momentum with adam (use beta1)', o.momentum);
  const beta1 = o.beta1 === undefined ? 0.9 : checkInRange('options.beta1', o.beta1, 0, 1);
  const beta2 = o.beta2 === undefined ? 0.999 : checkInRange('options.beta2', o.beta2, 0, 1);
  if (beta1 >= 1) invalid('options.beta1', 'a number in [0, 1)', beta1);
  if (beta2 >= 1) invalid('options.beta2', 'a number in [0, 1)', beta2);
  const epsilon = o.epsilon === undefined ? 1e-8 : checkPositive('options.epsilon', o.epsilon);
  const defaultEpochs = o.epochs === undefined ? 100 : checkInteger('options.epochs', o.epochs, { min: 1 });
  const tolerance = o.tolerance === undefined ? 1e-9 : checkPositive('options.tolerance', o.tolerance);
  const name = `riemannian-${optimizer}(${retraction})`;

  async function fit(model: RiemannianModel<D>, data: readonly D[], fitOptions?: RiemannianFitOptions): Promise<RiemannianHistory> {
    if (model === null || typeof model !== 'object') invalid('model', 'a RiemannianModel { name, weights, lossAndGradient }', model);
    checkFunction('model.lossAndGradient', model.lossAndGradient);
    if (model.afterStep !== undefined) checkFunction('model.afterStep', model.afterStep);
    if (!Array.isArray(model.weights) || model.weights.length === 0)
      invalid('model.weights', 'a non-empty array of Stiefel weights { rows, cols, value }', model.weights);
    const manifolds: Stiefel[] = model.weights.map((w, i) => {
      const label = `model.weights[${i}]`;
      if (w === null || typeof w !== 'object') invalid(label, 'a Stiefel weight { rows, cols, value }', w);
      const rows = checkInteger(`${label}.rows`, w.rows, { min: 1 });
      const cols = checkInteger(`${label}.cols`, w.cols, { min: 1, max: rows });
      const M = createStiefel({ rows, cols });
      M.check(w.name !== undefined ? `${label} (${w.name}).value` : `${label}.value`, w.value, tolerance);
      return M;
    });
    if (!Array.isArray(data) || data.length === 0) invalid('data', 'a non-empty array of batches', data);
    const fo = checkOptions('options', fitOptions, ['observers', 'signal', 'epochs']);
    if (fo.observers === null) invalid('options.observers', 'an array of observers (or leave it out)', fo.observers);
    const epochs = fo.epochs === undefined ? defaultEpochs : checkInteger('options.epochs', fo.epochs, { min: 1 });
    if (fo.signal !== undefined && !(fo.signal instanceof AbortSignal)) invalid('options.signal', 'an AbortSignal', fo.signal);
    const weights = model.weights;
    const grads = weights.map((w) => new Float64Array(w.value.length));
    const moments = weights.map((w) => new Float64Array(w.value.length));
    const second = new Float64Array(weights.length);
    const step = weights.map((w) => new Float64Array(w.value.length));
    const lossHistory: number[] = [];
    const metrics = { gradientNorm: [] as number[], defect: [] as number[], learningRate: [] as number[] };
    let steps = 0;
    let flowTime = 0;
    let epochsDone = 0;
    const history = (status: RiemannianHistory['status'] | 'aborted' | 'failed'): RiemannianHistory => ({
      status: status as RiemannianHistory['status'],
      ...(run.stopReason !== undefined && { reason: run.stopReason }),
      epochs: epochsDone,
      loss: lossHistory,
      metrics,
      steps,
    });
    const run = createRunLifecycle({ run: 'training', name, observers: fo.observers, signal: fo.signal, partial: (status) => history(status) });
    const events = run.events;

    run.start({ total: epochs });
    try {
      run.checkAbort('training aborted before its first epoch');
      let lastYield = performance.now();
      for (let epoch = 0; epoch < epochs; epoch++) {
        let sum = 0;
        let gradientNorm = 0;
        let stop = false;
        for (let b = 0; b < data.length && !stop; b++) {
          for (const g of grads) g.fill(0);
          const loss = run.guard('model.lossAndGradient', () => model.lossAndGradient(data[b]!, grads));
          if (typeof loss !== 'number' || !Number.isFinite(loss)) {
            run.fail('NON_FINITE_STATE', `the loss became non-finite in epoch ${epoch}, batch ${b} (step ${steps + 1})`, { epoch, batch: b, loss });
          }
          steps++;
          let norm2 = 0;
          weights.forEach((w, i) => {
            const M = manifolds[i]!;
            const g = M.project(w.value, grads[i]!, grads[i]);
            let gg = 0;
            for (let k = 0; k < g.length; k++) gg += g[k]! * g[k]!;
            if (!Number.isFinite(gg))
              run.fail('NON_FINITE_STATE', `the gradient of ${w.name ?? `weights[${i}]`} became non-finite in epoch ${epoch}, batch ${b}`, { epoch, batch: b });
            norm2 += gg;
            const m = moments[i]!,
              xi = step[i]!;
            if (optimizer === 'sgd') {
              for (let k = 0; k < g.length; k++) {
                m[k] = momentum * m[k]! + g[k]!;
                xi[k] = -eta * m[k]!;
              }
            } else {
              second[i] = beta2 * second[i]! + (1 - beta2) * gg;
              const vHat = second[i]! / (1 - beta2 ** steps);
              const scale = -eta / (1 - beta1 ** steps) / (Math.sqrt(vHat) + epsilon);
              for (let k = 0; k < g.length; k++) {
                m[k] = beta1 * m[k]! + (1 - beta1) * g[k]!;
                xi[k] = scale * m[k]!;
              }
            }
            M.retract(w.value, xi, retraction, w.value);
            if (momentum > 0 || optimizer === 'adam') M.project(w.value, m, m);
          });
          if (model.afterStep) run.guard('model.afterStep', () => model.afterStep!());
          gradientNorm = Math.sqrt(norm2);
          sum += loss;
          flowTime += eta;
          stop = run.step({ step: steps, t: flowTime, h: eta, state: model, loss });
          if (events.has('batch:end')) events.emit('batch:end', { epoch, batch: b, loss });
          run.checkAbort(`training aborted in epoch ${epoch}, batch ${b}`);
        }
        epochsDone++;
        const defect = Math.max(...weights.map((w, i) => manifolds[i]!.defect(w.value)));
        const meanLoss = sum / data.length;
        lossHistory.push(meanLoss);
        metrics.gradientNorm.push(gradientNorm);
        metrics.defect.push(defect);
        metrics.learningRate.push(eta);
        events.emit('epoch:end', { epoch, total: epochs, loss: meanLoss, metrics: { gradientNorm, defect, learningRate: eta } });
        if (run.stopReason !== undefined) break;
        if (performance.now() - lastYield > 16) {
          await nextTick();
          lastYield = performance.now();
          run.checkAbort(`training aborted after epoch ${epoch}`);
        }
      }
    } catch (e) {
      run.failWith(e);
    }
    return history(run.finish({ t: flowTime }));
  }

  return { name, fit };
}
