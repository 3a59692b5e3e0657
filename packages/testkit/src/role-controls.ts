/**
 * Small, obviously correct plays of the Trainer, Layer and Observer roles, each with named
 * flaws that break one promise of its contract — to prove the conformance suites pass the
 * honest control and fail every flawed one (as {@link mislabel} does for integrators).
 */
import {
  PhaseflowError,
  checkFiniteArray,
  checkInteger,
  checkLength,
  checkOneOf,
  checkOptions,
  checkPositive,
  createEmitter,
  invalid,
  type FitOptions,
  type LabelledData,
  type Observer,
  type ParametricLayer,
  type Trainer,
  type TrainingHistory,
} from '@phaseflow/core';
import type { ResourceCounter } from './trainer-conformance.js';

// ——— Trainer ————————————————————————————————————————————————————————————————————————

/** The model of the control trainer: y = w·x + b elementwise, θ = [w, b]. */
export type ControlModel = ParametricLayer<Float64Array, Float64Array>;

/** Ways the control trainer can break the Trainer contract. */
export type TrainerFlaw =
  'one-based-epochs' | 'one-based-batches' | 'run-end-twice' | 'raw-errors' | 'no-partial' | 'ignores-abort' | 'leaks' | 'accepts-unknown-options';

let liveBuffers = 0;

/** Live buffers of the control trainer: the `leaks` flaw leaves one per fit. */
export const controlResources: ResourceCounter = { name: 'control buffers', count: () => liveBuffers };

/**
 * The control model y = w·x + b (θ = [w, b], initially [0, 0]); with `throws`, forward
 * throws (a model failing mid-run).
 *
 * @example
 * ```ts
 * const m = createControlModel();
 * m.forward(Float64Array.of(1, 2)); // [0, 0]
 * ```
 */
export function createControlModel(options: { readonly throws?: boolean } = {}): ControlModel {
  const o = checkOptions('options', options, ['throws']);
  const theta = new Float64Array(2);
  return {
    name: 'control-linear',
    forward(x) {
      if (o.throws) throw new Error('control model: forward failed');
      return x.map((v) => theta[0]! * v + theta[1]!);
    },
    parameters: {
      size: 2,
      get: (out) => {
        const r = out ?? new Float64Array(2);
        r.set(theta);
        return r;
      },
      set(t) {
        checkFiniteArray('theta', t);
        checkLength('theta', t, 2);
        theta.set(t);
      },
    },
  };
}

/** Options of {@link createControlTrainer}. */
export interface ControlTrainerOptions {
  /** Passes over the data (default 3). */
  readonly epochs?: number;
  /** Samples per batch (default 4). */
  readonly batchSize?: number;
  /** Step size η (default 0.1). */
  readonly learningRate?: number;
  /** The promise the trainer breaks (default none: an honest trainer). */
  readonly flaw?: TrainerFlaw;
}

const FLAWS: readonly TrainerFlaw[] = [
  'one-based-epochs',
  'one-based-batches',
  'run-end-twice',
  'raw-errors',
  'no-partial',
  'ignores-abort',
  'leaks',
  'accepts-unknown-options',
];

/**
 * Minibatch gradient descent on the squared error of {@link createControlModel}, written out
 * by hand (no lifecycle helper) so that each flaw breaks exactly one promise.
 *
 * @example
 * ```ts
 * const trainer = createControlTrainer({ flaw: 'one-based-epochs' });
 * (await runTrainerConformance(trainer, { model: () => createControlModel(), data })).ok; // false
 * ```
 */
export function createControlTrainer(
  options: ControlTrainerOptions = {},
): Trainer<ControlModel, LabelledData<Float64Array, Float64Array>, FitOptions, TrainingHistory> {
  const o = checkOptions('options', options, ['epochs', 'batchSize', 'learningRate', 'flaw']);
  const epochs = o.epochs === undefined ? 3 : checkInteger('options.epochs', o.epochs, { min: 1 });
  const batchSize = o.batchSize === undefined ? 4 : checkInteger('options.batchSize', o.batchSize, { min: 1 });
  const eta = o.learningRate === undefined ? 0.1 : checkPositive('options.learningRate', o.learningRate);
  const flaw = o.flaw === undefined ? undefined : checkOneOf('options.flaw', o.flaw, FLAWS);
  const name = `control-trainer${flaw ? `(${flaw})` : ''}`;
  return {
    name,
    async fit(model, data, fitOptions) {
      const f = flaw === 'accepts-unknown-options' ? ((fitOptions ?? {}) as FitOptions) : checkOptions('options', fitOptions, ['observers', 'signal']);
      if (f.signal !== undefined && !(f.signal instanceof AbortSignal)) invalid('options.signal', 'an AbortSignal', f.signal);
      const events = createEmitter(f.observers);
      const x = checkFiniteArray<Float64Array>('data.inputs', data?.inputs);
      const y = checkFiniteArray<Float64Array>('data.targets', data?.targets);
      checkLength('data.targets', y, x.length);
      const loss: number[] = [];
      let epochsDone = 0;
      let step = 0;
      const history = (status: string): TrainingHistory => ({ status, epochs: epochsDone, loss: [...loss], metrics: {} }) as TrainingHistory;
      const end = (status: 'completed' | 'stopped' | 'aborted' | 'failed', error?: PhaseflowError) => {
        events.emit('run:end', {
          status,
          steps: step,
          ...(error && { error }),
          ...(events.stopReason !== undefined && status === 'stopped' && { reason: events.stopReason }),
        });
      };
      const abort = (): never => {
        const err = new PhaseflowError(
          'ABORTED',
          `${name}: aborted at step ${step}`,
          { step },
          flaw === 'no-partial' ? {} : { partial: history('aborted'), cause: f.signal?.reason },
        );
        end('aborted', err);
        throw err;
      };
      if (flaw === 'leaks') liveBuffers++;
      events.emit('run:start', { run: 'training', name, total: epochs });
      try {
        if (f.signal?.aborted && flaw !== 'ignores-abort') abort();
        for (let epoch = 0; epoch < epochs; epoch++) {
          let sum = 0;
          for (let start = 0, b = 0; start < x.length; start += batchSize, b++) {
            const xb = x.subarray(start, start + batchSize);
            const yb = y.subarray(start, start + batchSize);
            const pred = model.forward(xb);
            const theta = model.parameters.get();
            let gw = 0,
              gb = 0,
              l = 0;
            for (let i = 0; i < xb.length; i++) {
              const r = pred[i]! - yb[i]!;
              l += r * r;
              gw += 2 * r * xb[i]!;
              gb += 2 * r;
            }
            model.parameters.set([theta[0]! - (eta * gw) / xb.length, theta[1]! - (eta * gb) / xb.length]);
            sum += l;
            step++;
            events.emit('step', { step, t: step * eta, h: eta, state: model, loss: l / xb.length });
            events.emit('batch:end', { epoch, batch: flaw === 'one-based-batches' ? b + 1 : b, loss: l / xb.length });
            await new Promise<void>((resolve) => setTimeout(resolve, 0));
            if (f.signal?.aborted && flaw !== 'ignores-abort') abort();
            if (events.stopReason !== undefined) break;
          }
          loss.push(sum / x.length);
          epochsDone++;
          events.emit('epoch:end', { epoch: flaw === 'one-based-epochs' ? epoch + 1 : epoch, total: epochs, loss: sum / x.length, metrics: {} });
          if (events.stopReason !== undefined) break;
        }
        if (f.signal?.aborted && flaw !== 'ignores-abort') abort();
      } catch (e) {
        if (e instanceof PhaseflowError && e.code === 'ABORTED') throw e;
        if (flaw === 'raw-errors') throw e;
        const err =
          e instanceof PhaseflowError
            ? e
            : new PhaseflowError(
                'CALLBACK_FAILED',
                `${name}: ${e instanceof Error ? e.message : String(e)}`,
                { step },
                { cause: e, partial: history('failed') },
              );
        end('failed', err);
        throw err;
      }
      const status = events.stopReason === undefined ? 'completed' : 'stopped';
      end(status);
      if (flaw === 'run-end-twice') end(status);
      return { ...history(status), ...(events.stopReason !== undefined && { reason: events.stopReason }) };
    },
  };
}

// ——— Layer ——————————————————————————————————————————————————————————————————————————

/** Ways the control layer can break the Layer contract. */
export type LayerFlaw = 'get-set' | 'ensemble' | 'ensemble-moves-theta' | 'inverse' | 'mutates-input' | 'accepts-bad-theta' | 'not-deterministic';

/** The control layer: y = A x + b on ℝ², invertible, with a parametric view, forwardEnsemble and inverse. */
export interface ControlLayer extends ParametricLayer<Float64Array, Float64Array> {
  inverse(y: Float64Array): Float64Array;
}

const LAYER_FLAWS: readonly LayerFlaw[] = ['get-set', 'ensemble', 'ensemble-moves-theta', 'inverse', 'mutates-input', 'accepts-bad-theta', 'not-deterministic'];

/**
 * y = A x + b on ℝ² with θ = [A (row-major), b] = [2, 1, 0, 1, 0.5, −0.5] (det A = 2), its
 * batched `forwardEnsemble` and its `inverse` x = A⁻¹(y − b); a `flaw` breaks one promise.
 *
 * @example
 * ```ts
 * (await runLayerConformance(createControlLayer({ flaw: 'inverse' }), { input: Float64Array.of(1, 2) })).ok; // false
 * ```
 */
export function createControlLayer(options: { readonly flaw?: LayerFlaw } = {}): ControlLayer {
  const o = checkOptions('options', options, ['flaw']);
  const flaw = o.flaw === undefined ? undefined : checkOneOf('options.flaw', o.flaw, LAYER_FLAWS);
  const theta = Float64Array.of(2, 1, 0, 1, 0.5, -0.5);
  let calls = 0;
  const affine = (t: ArrayLike<number>, x: Float64Array) => Float64Array.of(t[0]! * x[0]! + t[1]! * x[1]! + t[4]!, t[2]! * x[0]! + t[3]! * x[1]! + t[5]!);
  const layer: ControlLayer = {
    name: `control-affine${flaw ? `(${flaw})` : ''}`,
    forward(x) {
      checkLength('x', x, 2);
      const y = affine(theta, x);
      if (flaw === 'mutates-input') x[0] = 0;
      if (flaw === 'not-deterministic') y[0]! += 1e-6 * ++calls;
      return y;
    },
    inverse(y) {
      const [a, b, c, d] = theta;
      const det = a! * d! - b! * c!;
      const u = y[0]! - (flaw === 'inverse' ? 0 : theta[4]!);
      const v = y[1]! - (flaw === 'inverse' ? 0 : theta[5]!);
      return Float64Array.of((d! * u - b! * v) / det, (a! * v - c! * u) / det);
    },
    parameters: {
      size: 6,
      get(out) {
        const r = out ?? new Float64Array(6);
        r.set(theta);
        return r;
      },
      set(t) {
        if (flaw !== 'accepts-bad-theta') {
          checkFiniteArray('theta', t);
          checkLength('theta', t, 6);
        }
        for (let i = 0; i < 6; i++) theta[i] = flaw === 'get-set' && i === 5 ? theta[i]! : t[i]!;
      },
      forwardEnsemble(thetas, members, x) {
        const outs: Float64Array[] = [];
        for (let j = 0; j < members; j++) {
          const tj = thetas.subarray(j * 6, (j + 1) * 6);
          outs.push(affine(flaw === 'ensemble' ? thetas.subarray(0, 6) : tj, x));
          if (flaw === 'ensemble-moves-theta') theta.set(tj);
        }
        return outs;
      },
    },
  };
  return layer;
}

// ——— Observer ——————————————————————————————————————————————————————————————————————

/** Ways the control observer can break the Observer contract. */
export type ObserverFlaw = 'mutates-state' | 'throws' | 'bad-handler' | 'stop-without-reason' | 'no-name';

const OBSERVER_FLAWS: readonly ObserverFlaw[] = ['mutates-state', 'throws', 'bad-handler', 'stop-without-reason', 'no-name'];

/**
 * An observer that counts steps and epochs; a `flaw` breaks one promise of the contract.
 *
 * @example
 * ```ts
 * (await runObserverConformance(createControlObserver({ flaw: 'mutates-state' }))).ok; // false
 * ```
 */
export function createControlObserver(options: { readonly flaw?: ObserverFlaw } = {}): Observer & { readonly counts: { steps: number; epochs: number } } {
  const o = checkOptions('options', options, ['flaw']);
  const flaw = o.flaw === undefined ? undefined : checkOneOf('options.flaw', o.flaw, OBSERVER_FLAWS);
  const counts = { steps: 0, epochs: 0 };
  return {
    name: flaw === 'no-name' ? '' : `control-observer${flaw ? `(${flaw})` : ''}`,
    counts,
    on: {
      'run:start': () => {
        counts.steps = 0;
        counts.epochs = 0;
      },
      step:
        flaw === 'bad-handler'
          ? (42 as never)
          : (e, control) => {
              counts.steps++;
              if (flaw === 'mutates-state') {
                const s = e.state as { q?: Float64Array; weights?: Float64Array };
                (s.q ?? s.weights)?.fill(0);
              }
              if (flaw === 'stop-without-reason' && counts.steps === 3) control.stop('');
            },
      'epoch:end': () => {
        counts.epochs++;
        if (flaw === 'throws') throw new Error('control observer: failed on epoch:end');
      },
    },
  };
}
