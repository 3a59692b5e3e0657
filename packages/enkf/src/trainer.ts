/**
 * Ensemble Kalman inversion as a core Trainer: training is the inverse problem y = G(θ) + η,
 * solved by moving an ensemble of parameter vectors with Kalman-type steps that use forward
 * passes only.
 */
import {
  createYielder,
  PhaseflowError,
  checkFinite,
  checkFiniteArray,
  checkFunction,
  checkInRange,
  checkInteger,
  checkNonNegative,
  checkOneOf,
  checkOptions,
  checkPositive,
  createRandom,
  createRunLifecycle,
  describeValue,
  invalid,
  requireParametric,
  type FitOptions,
  type Layer,
  type Trainer,
  type TrainingHistory,
} from '@phaseflow/core';
import './errors.js';
import './events.js';
import { classificationAccuracy } from './accuracy.js';
import type { Batch, EnKFData, EnKFXYData } from './batch.js';
import { choleskyFactor, choleskySolve } from '@phaseflow/linalg';
import type { MemberPool } from './pool.js';

/**
 * `eki`: ensemble Kalman inversion with perturbed observations (Kovachki & Stuart 2019);
 * `hlr`: the modified method of Haber, Lucka & Ruthotto (2018) — a fresh ensemble around the
 * mean every iteration, only the mean is kept;
 * `tikhonov`: Tikhonov-regularised EKI (Chada, Stuart & Tong 2020), the data augmented with
 * the prior mean.
 */
export type EnKFMethod = 'eki' | 'hlr' | 'tikhonov';

/** How the initial ensemble is drawn: θ_j ~ N(mean, std² I). */
export interface EnKFInit {
  /** `'model'` (default): around the model's current weights; a number or a vector: a prior mean. */
  readonly mean?: 'model' | number | ArrayLike<number>;
  /** Prior standard deviation per parameter (default 0.5). */
  readonly std?: number;
  /** An explicit initial ensemble, J rows of P numbers (overrides the draw; `mean` stays the prior mean). */
  readonly ensemble?: ArrayLike<number>;
}

/** Stopping rules checked after every iteration; the first one met ends the run. */
export interface EnKFStop {
  /** Stop when the mean member misfit (1/JM) Σ‖y − G(θ_j)‖² falls to this value. */
  readonly misfit?: number;
  /** Stop when the spread √(tr C / P) falls to this value (ensemble collapse). */
  readonly spread?: number;
  /** Discrepancy principle: stop when ‖y − Ḡ‖²/γ² ≤ τ² M (Iglesias 2016). */
  readonly discrepancy?: number;
}

/** Options of {@link createEnKFTrainer}. */
export interface EnKFTrainerOptions<I = Batch, O = unknown> {
  /** J, the number of ensemble members (≥ 2; default 32). */
  readonly ensembleSize?: number;
  /** Variant (default `eki`). */
  readonly method?: EnKFMethod;
  /** Perturb the observations of each member by N(0, Γ/Δt) (`eki`, `tikhonov`; default true). */
  readonly perturbObservations?: boolean;
  /** γ, the observation-noise standard deviation: Γ = γ² I (default 0.1). */
  readonly noise?: number;
  /** Δt: a fixed step, or `'data-misfit'` for the controller of Iglesias & Yang (2021) (default 1). */
  readonly step?: number | 'data-misfit';
  /** With `step: 'data-misfit'`, stop when the pseudo-time reaches 1 (default false). */
  readonly terminateAtUnitTime?: boolean;
  /** Passes over the data (default 10). */
  readonly epochs?: number;
  /** Upper bound on iterations (minibatch updates) across all epochs. */
  readonly maxIterations?: number;
  /** Samples per update (default: all samples). */
  readonly batchSize?: number;
  /** Initial ensemble (default: around the model's weights with std 0.5). */
  readonly init?: EnKFInit;
  /** `hlr` only: standard deviation of the fresh perturbations around the mean (default init.std). */
  readonly perturbation?: number;
  /** `tikhonov` only: λ, the weight of the prior term (default 1). */
  readonly tikhonov?: number;
  /** Multiplicative inflation α ≥ 1 after each update: θ_j ← θ̄ + α(θ_j − θ̄) (default 1). */
  readonly inflation?: number;
  /** Standard deviation of additive N(0, s² I) noise after each update (default 0). */
  readonly additiveNoise?: number;
  /** Nesterov momentum, λ_n = (n − 1)/(n + 2) (Kovachki & Stuart 2019, §3.3) (default false). */
  readonly nesterov?: boolean;
  /** Stopping rules. */
  readonly stop?: EnKFStop;
  /** Emit `enkf:collapse` when spread < ratio × initial spread (default 1e-3). */
  readonly collapseRatio?: number;
  /** Seed of every random draw (default 0). */
  readonly seed?: number;
  /**
   * Turn a batch of rows into the model's input type (default: the {@link Batch} itself). An
   * input with a `dispose()` method (a tensor) is disposed by the trainer once used.
   */
  readonly input?: (batch: Batch) => I;
  /** Read a model output as numbers (default: array-likes as is; tensors via dataSync + dispose). */
  readonly output?: (output: O) => ArrayLike<number>;
  /**
   * Evaluate the members on worker threads ({@link createMemberPool}): each iteration the J
   * rows of θ and the minibatch go to the pool, whose workers run the module's model; the
   * outputs come back in member order, so the run is the sequential one, bit for bit. The
   * model given to `fit` still supplies the initial weights, the validation passes and receives
   * the final mean. Not with `input` or `output` (the workers feed their model the {@link Batch}
   * and read its outputs themselves). The pool stays open after `fit`: close it when done.
   */
  readonly pool?: MemberPool;
}

/** Per-run options of {@link EnKFTrainer.fit}. */
export interface EnKFFitOptions extends FitOptions {
  /** Held-out data: the ensemble mean's classification accuracy is reported on it (`validationAccuracy`). */
  readonly validation?: EnKFData | EnKFXYData;
  /** Evaluate the validation accuracy every n iterations (default: at the end of each epoch). */
  readonly validateEvery?: number;
}

/** What {@link EnKFTrainer.fit} returns. */
export interface EnKFHistory extends TrainingHistory {
  /** Iterations (ensemble updates) done. */
  readonly iterations: number;
  /** Model evaluations on single samples: Σ_iterations J × batch rows (validation excluded). */
  readonly forwardEvaluations: number;
  /** Per iteration: mean member misfit, spread, step, and (when evaluated) validation accuracy. */
  readonly trace: {
    readonly misfit: number[];
    readonly spread: number[];
    readonly step: number[];
    readonly validation: { readonly iteration: number; readonly accuracy: number }[];
  };
  /** Members dropped over the run (sum over iterations). */
  readonly dropped: number;
  /** The ensemble mean, also written into the model. */
  readonly mean: Float64Array;
  /** The final ensemble, J rows of P numbers (for `hlr`: the last evaluated ensemble). */
  readonly ensemble: Float64Array;
}

/** A Trainer that fits any parametric Layer by ensemble Kalman inversion. */
export interface EnKFTrainer<I = Batch, O = unknown> extends Trainer<Layer<I, O>, EnKFData | EnKFXYData, EnKFFitOptions, EnKFHistory> {
  readonly options: Readonly<Required<Pick<EnKFTrainerOptions<I, O>, 'ensembleSize' | 'method' | 'noise' | 'epochs'>>>;
}

const KNOWN = [
  'ensembleSize',
  'method',
  'perturbObservations',
  'noise',
  'step',
  'terminateAtUnitTime',
  'epochs',
  'maxIterations',
  'batchSize',
  'init',
  'perturbation',
  'tikhonov',
  'inflation',
  'additiveNoise',
  'nesterov',
  'stop',
  'collapseRatio',
  'seed',
  'input',
  'output',
  'pool',
];
const FIT_KNOWN = ['observers', 'signal', 'validation', 'validateEvery'];

interface Checked {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly samples: number;
  readonly cols: number;
  readonly outputs: number;
}

/**
 * Check a data set: `{ inputs, targets, samples }` (core's LabelledData), or the deprecated
 * `{ x, y, samples }`, whose errors keep naming `x` and `y`.
 */
function checkData(argument: string, data: EnKFData | EnKFXYData): Checked {
  if (data === null || typeof data !== 'object') invalid(argument, 'a data set { inputs, targets, samples }', data);
  const legacy = !('inputs' in data) && !('targets' in data) && ('x' in data || 'y' in data);
  const [xk, yk] = legacy ? (['x', 'y'] as const) : (['inputs', 'targets'] as const);
  checkOptions(argument, data, [xk, yk, 'samples']);
  const raw = data as unknown as Record<string, unknown>;
  const samples = checkInteger(`${argument}.samples`, data.samples, { min: 1 });
  const x = checkFiniteArray<ArrayLike<number>>(`${argument}.${xk}`, raw[xk]);
  const y = checkFiniteArray<ArrayLike<number>>(`${argument}.${yk}`, raw[yk]);
  for (const [name, a] of [
    [xk, x],
    [yk, y],
  ] as const) {
    if (a.length === 0 || a.length % samples !== 0) {
      throw new PhaseflowError('SHAPE_MISMATCH', `${argument}.${name}: length ${a.length} is not a positive multiple of samples = ${samples}`, {
        argument: `${argument}.${name}`,
        expected: `a positive multiple of ${samples} numbers`,
        received: `length ${a.length}`,
      });
    }
  }
  return { x: Float64Array.from(x), y: Float64Array.from(y), samples, cols: x.length / samples, outputs: y.length / samples };
}

function defaultOutput(o: unknown): ArrayLike<number> {
  if (o instanceof Float64Array || o instanceof Float32Array || Array.isArray(o)) return o as ArrayLike<number>;
  if (o !== null && typeof o === 'object' && typeof (o as { dataSync?: unknown }).dataSync === 'function') {
    const t = o as { dataSync(): ArrayLike<number>; dispose?(): void };
    const d = t.dataSync();
    t.dispose?.();
    return d;
  }
  if (ArrayBuffer.isView(o) && !(o instanceof DataView)) return o as unknown as ArrayLike<number>;
  return invalid('model output', 'an array of numbers or a tensor (dataSync)', o);
}

function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

/**
 * Create an ensemble Kalman trainer. Each iteration draws a minibatch (x_B, y_B), evaluates
 * the J members G_j = G(θ_j; x_B) — in one call when the model has
 * `parameters.forwardEnsemble`, else by set + forward per member — and moves every member by
 *
 *   θ_j ← θ_j + C^{θG} (C^{GG} + Γ/Δt)⁻¹ (y_B + η_j − G_j),   η_j ~ N(0, Γ/Δt),
 *
 * computed in ensemble space (Woodbury): with A, D the scaled deviations of θ and G,
 * Δθ_j = A (I + Δt DᵀΓ⁻¹D)⁻¹ Δt DᵀΓ⁻¹ r_j — a J×J Float64 Cholesky solve. Memory is J×P
 * parameters (two or three such buffers) plus J×(batch×outputs) outputs, never J×P×batch.
 *
 * Sources: Iglesias, Law & Stuart (2013); Kovachki & Stuart (2019) "Ensemble Kalman inversion:
 * a derivative-free technique for machine learning tasks"; Haber, Lucka & Ruthotto (2018)
 * "Never look back"; Chada, Stuart & Tong (2020) Tikhonov EKI; Iglesias & Yang (2021) the
 * data-misfit step controller; EnsembleKalmanProcesses.jl (failure handling: failed members
 * are dropped from the update and resampled from the successful ensemble's Gaussian).
 *
 * @example
 * ```ts
 * const net = createMlp64({ sizes: [2, 16, 2], output: 'softmax', seed: 1 }); // @phaseflow/nn64
 * const trainer = createEnKFTrainer({ ensembleSize: 64, epochs: 20, batchSize: 100, seed: 1 });
 * const history = await trainer.fit(net, { inputs: x, targets: y, samples: 400 });
 * console.log(history.loss.at(-1));
 * ```
 */
/** An option's value, or `fallback` when it is left out (undefined only: null is a value, and refused by the option's check). */
const orDefault = <T>(value: T | undefined, fallback: T): T => (value === undefined ? fallback : value);

export function createEnKFTrainer<I = Batch, O = unknown>(options: EnKFTrainerOptions<I, O> = {}): EnKFTrainer<I, O> {
  const o = checkOptions('options', options, KNOWN);
  const J = checkInteger('options.ensembleSize', orDefault(o.ensembleSize, 32), { min: 2 });
  const method = checkOneOf('options.method', orDefault(o.method, 'eki'), ['eki', 'hlr', 'tikhonov'] as const);
  const perturb = orDefault(o.perturbObservations, true);
  if (typeof perturb !== 'boolean') invalid('options.perturbObservations', 'a boolean', perturb);
  const gamma = checkPositive('options.noise', orDefault(o.noise, 0.1));
  const stepOption = orDefault(o.step, 1);
  const adaptive = stepOption === 'data-misfit';
  const fixedStep = adaptive ? 1 : checkPositive('options.step', stepOption);
  const terminate = orDefault(o.terminateAtUnitTime, false);
  if (typeof terminate !== 'boolean') invalid('options.terminateAtUnitTime', 'a boolean', terminate);
  const epochs = checkInteger('options.epochs', orDefault(o.epochs, 10), { min: 1 });
  const maxIterations = o.maxIterations === undefined ? Infinity : checkInteger('options.maxIterations', o.maxIterations, { min: 1 });
  const batchSize = o.batchSize === undefined ? undefined : checkInteger('options.batchSize', o.batchSize, { min: 1 });
  const init = checkOptions('options.init', o.init, ['mean', 'std', 'ensemble']);
  const initStd = checkPositive('options.init.std', orDefault(init.std, 0.5));
  const perturbation = checkPositive('options.perturbation', orDefault(o.perturbation, initStd));
  const lambda = checkPositive('options.tikhonov', orDefault(o.tikhonov, 1));
  const inflation = checkInRange('options.inflation', orDefault(o.inflation, 1), 1, Infinity);
  const additive = checkNonNegative('options.additiveNoise', orDefault(o.additiveNoise, 0));
  if (method === 'hlr' && (inflation !== 1 || additive !== 0)) {
    invalid('options.inflation', "1 and additiveNoise 0 with method 'hlr' (its ensemble is redrawn every iteration)", inflation);
  }
  const nesterov = orDefault(o.nesterov, false);
  if (typeof nesterov !== 'boolean') invalid('options.nesterov', 'a boolean', nesterov);
  const stop = checkOptions('options.stop', o.stop, ['misfit', 'spread', 'discrepancy']);
  if (stop.misfit !== undefined) checkNonNegative('options.stop.misfit', stop.misfit);
  if (stop.spread !== undefined) checkNonNegative('options.stop.spread', stop.spread);
  if (stop.discrepancy !== undefined) checkPositive('options.stop.discrepancy', stop.discrepancy);
  const collapseRatio = checkInRange('options.collapseRatio', orDefault(o.collapseRatio, 1e-3), 0, 1);
  const seed = checkInteger('options.seed', orDefault(o.seed, 0), { min: 0, max: 2 ** 32 - 1 });
  const toInput = (o.input === undefined ? (b: Batch) => b as unknown as I : checkFunction('options.input', o.input)) as (b: Batch) => I;
  const readOutput = (o.output === undefined ? defaultOutput : checkFunction('options.output', o.output)) as (out: O) => ArrayLike<number>;
  const pool = o.pool;
  if (pool !== undefined) {
    const p = pool as unknown as { name?: unknown; evaluate?: unknown } | null;
    if (p === null || typeof p !== 'object' || p.name !== 'member-pool' || typeof p.evaluate !== 'function') {
      invalid('options.pool', 'a member pool from createMemberPool (or leave it out)', pool);
    }
    if (o.input !== undefined || o.output !== undefined) {
      invalid('options.pool', 'no pool together with options.input or options.output (the workers feed their model the Batch and read its outputs)', pool);
    }
  }
  if (init.mean !== undefined && init.mean !== 'model' && typeof init.mean !== 'number') {
    checkFiniteArray('options.init.mean', init.mean);
    if (init.mean.length === 0) invalid('options.init.mean', "'model', a number or a non-empty vector (one number per parameter)", init.mean);
  } else if (typeof init.mean === 'number') checkFinite('options.init.mean', init.mean);
  if (init.ensemble !== undefined) {
    checkFiniteArray('options.init.ensemble', init.ensemble);
    if (init.ensemble.length === 0) invalid('options.init.ensemble', 'a non-empty ensemble (J rows of one number per parameter)', init.ensemble);
  }

  async function fit(model: Layer<I, O>, data: EnKFData | EnKFXYData, fitOptions?: EnKFFitOptions): Promise<EnKFHistory> {
    const layer = requireParametric('model', model);
    const view = layer.parameters;
    const P = checkInteger('model.parameters.size', view.size, { min: 1 });
    const d = checkData('data', data);
    const f = checkOptions('fitOptions', fitOptions, FIT_KNOWN);
    if (f.observers === null) invalid('fitOptions.observers', 'an array of observers (or leave it out)', f.observers);
    const val = f.validation === undefined ? undefined : checkData('fitOptions.validation', f.validation);
    if (val && (val.cols !== d.cols || val.outputs !== d.outputs)) {
      throw new PhaseflowError(
        'SHAPE_MISMATCH',
        `fitOptions.validation: rows of ${val.cols} inputs and ${val.outputs} targets, training data has ${d.cols} and ${d.outputs}`,
        {
          argument: 'fitOptions.validation',
          expected: `${d.cols} inputs and ${d.outputs} targets per row`,
          received: `${val.cols} and ${val.outputs}`,
        },
      );
    }
    const validateEvery = f.validateEvery === undefined ? undefined : checkInteger('fitOptions.validateEvery', f.validateEvery, { min: 1 });
    // The run's lifecycle: run:start/run:end once, ABORTED and failures carry the history so far.
    const run = createRunLifecycle<EnKFHistory>({
      run: 'training',
      name: `enkf(${method})`,
      observers: f.observers,
      signal: f.signal,
      argument: 'fitOptions',
      partial: (status) => {
        view.set(mean);
        return { ...snapshot('stopped'), status } as unknown as EnKFHistory;
      },
    });
    const events = run.events;

    const rng = createRandom(seed);
    const rngInit = rng.fork('init');
    const rngBatch = rng.fork('batches');
    const rngNoise = rng.fork('noise');

    // Prior mean m0 and the initial ensemble.
    const m0 = new Float64Array(P);
    if (init.mean === undefined || init.mean === 'model') view.get(m0);
    else if (typeof init.mean === 'number') m0.fill(init.mean);
    else {
      if (init.mean.length !== P) {
        throw new PhaseflowError('SHAPE_MISMATCH', `options.init.mean: expected ${P} numbers (model.parameters.size), received ${init.mean.length}`, {
          argument: 'options.init.mean',
          expected: `length ${P}`,
          received: `length ${init.mean.length}`,
        });
      }
      m0.set(init.mean);
    }
    checkFiniteArray('initial parameters', m0);
    let theta = new Float64Array(J * P);
    let next = new Float64Array(J * P);
    const prev = nesterov && method !== 'hlr' ? new Float64Array(J * P) : undefined;
    const mean = Float64Array.from(m0);
    let initialSpread = NaN;
    const meanPrev = nesterov && method === 'hlr' ? Float64Array.from(m0) : undefined;
    if (init.ensemble !== undefined) {
      if (init.ensemble.length !== J * P) {
        throw new PhaseflowError('SHAPE_MISMATCH', `options.init.ensemble: expected ${J} × ${P} = ${J * P} numbers, received ${init.ensemble.length}`, {
          argument: 'options.init.ensemble',
          expected: `length ${J * P}`,
          received: `length ${init.ensemble.length}`,
        });
      }
      if (method === 'hlr') invalid('options.init.ensemble', "no explicit ensemble with method 'hlr' (it redraws around the mean)", init.ensemble);
      theta.set(init.ensemble);
      ensembleMean(
        theta,
        Array.from({ length: J }, (_, j) => j),
        mean,
      );
      prev?.set(theta);
    } else if (method !== 'hlr') {
      for (let j = 0; j < J; j++) {
        const row = theta.subarray(j * P, (j + 1) * P);
        rngInit.fillNormal(row, 0, initStd);
        for (let p = 0; p < P; p++) row[p] += m0[p]!;
      }
      prev?.set(theta);
    }
    const ebar = new Float64Array(P);
    if (method !== 'hlr') {
      ensembleMean(
        theta,
        Array.from({ length: J }, (_, j) => j),
        mean,
      );
      initialSpread = spreadOf(
        theta,
        Array.from({ length: J }, (_, j) => j),
        mean,
      );
    }

    const history = {
      loss: [] as number[],
      metrics: { spread: [] as number[], ...(val ? { validationAccuracy: [] as number[] } : {}) } as Record<string, number[]>,
      trace: { misfit: [] as number[], spread: [] as number[], step: [] as number[], validation: [] as { iteration: number; accuracy: number }[] },
    };
    let iteration = 0;
    let epochDone = 0;
    let forwardEvaluations = 0;
    let dropped = 0;
    let t = 0;
    let collapseWarned = false;
    let status: 'completed' | 'stopped' = 'completed';
    let reason: string | undefined;

    function ensembleMean(src: Float64Array, rows: readonly number[], out: Float64Array): void {
      out.fill(0);
      for (const j of rows) {
        const o2 = j * P;
        for (let p = 0; p < P; p++) out[p] += src[o2 + p]!;
      }
      const inv = 1 / rows.length;
      for (let p = 0; p < P; p++) out[p] *= inv;
    }
    function spreadOf(src: Float64Array, rows: readonly number[], c: Float64Array): number {
      let s = 0;
      for (const j of rows) {
        const o2 = j * P;
        for (let p = 0; p < P; p++) {
          const dv = src[o2 + p]! - c[p]!;
          s += dv * dv;
        }
      }
      return Math.sqrt(s / ((rows.length - 1) * P));
    }

    // Yield to the event loop every ~20 ms of work, so a timer's abort lands; members are
    // evaluated in groups of ~4 ms of work (sized from the measured time per member), and the
    // signal is checked between groups, so one slow iteration does not delay an abort either.
    const yielder = createYielder();
    let group = Math.min(J, 4);
    const evaluateMembers = async (thetas: Float64Array, input: I, rows: number): Promise<(ArrayLike<number> | undefined)[]> => {
      const expected = rows * d.outputs;
      const outs: ArrayLike<number>[] = [];
      if (pool !== undefined) {
        // The pool hands the members over in runs and checks the signal before each one; its
        // errors are already coded (CALLBACK_FAILED naming the module's model, SHAPE_MISMATCH).
        const batch = input as unknown as Batch;
        const flat = await run.guard('options.pool', () =>
          pool.evaluate({
            thetas,
            members: J,
            batch,
            outputs: expected,
            between: (handed) => run.checkAbort(`training aborted in iteration ${iteration}, after ${handed} of ${J} members were handed to the pool`),
          }),
        );
        for (let j = 0; j < J; j++) outs.push(flat.subarray(j * expected, (j + 1) * expected));
      }
      for (let j0 = pool === undefined ? 0 : J; j0 < J;) {
        const k = Math.min(group, J - j0);
        const started = performance.now();
        if (typeof view.forwardEnsemble === 'function') {
          const members = k === J ? thetas : thetas.subarray(j0 * P, (j0 + k) * P);
          const raw = run.guard('model.parameters.forwardEnsemble', () => view.forwardEnsemble!(members, k, input));
          if (!Array.isArray(raw) || raw.length !== k) invalid('model.parameters.forwardEnsemble(...)', `an array of ${k} outputs`, raw, 'SHAPE_MISMATCH');
          for (const r of raw) outs.push(read(r));
        } else {
          for (let j = j0; j < j0 + k; j++) {
            run.guard('model.parameters.set', () => view.set(thetas.subarray(j * P, (j + 1) * P)));
            outs.push(read(run.guard('model.forward', () => layer.forward(input))));
          }
        }
        const ms = performance.now() - started;
        group = Math.max(1, Math.min(J, Math.round(ms > 0 ? (k * 4) / ms : 2 * k)));
        j0 += k;
        if (yielder.due()) await yielder.pause();
        run.checkAbort(`training aborted in iteration ${iteration}, after ${j0} of ${J} members`);
      }
      forwardEvaluations += J * rows;
      return outs.map((g, j) => {
        if (g === null || typeof g !== 'object' || g.length !== expected) {
          throw new PhaseflowError(
            'SHAPE_MISMATCH',
            `model output of member ${j}: expected ${expected} numbers (${rows} rows × ${d.outputs} targets), received ${describeValue(g)}`,
            {
              argument: 'model output',
              expected: `length ${expected}`,
              received: describeValue(g),
            },
          );
        }
        return allFinite(g) ? g : undefined;
      });
    };

    // User callbacks that throw end the run as CALLBACK_FAILED naming them (coded errors pass).
    const read = (out: O): ArrayLike<number> => (o.output === undefined ? readOutput(out) : run.guard('options.output', () => readOutput(out)));
    const makeInput = (b: Batch): I => (o.input === undefined ? toInput(b) : run.guard('options.input', () => toInput(b)));
    const release = (input: I): void => {
      if (o.input !== undefined && input !== null && typeof input === 'object') (input as { dispose?: () => void }).dispose?.();
    };
    const validate = (): number => {
      if (!val) return NaN;
      run.guard('model.parameters.set', () => view.set(mean));
      const vin = makeInput({ x: val.x, rows: val.samples, cols: val.cols });
      let pred: ArrayLike<number>;
      try {
        pred = read(run.guard('model.forward', () => layer.forward(vin)));
      } finally {
        release(vin);
      }
      const acc = classificationAccuracy(pred, val.y, val.samples);
      history.trace.validation.push({ iteration, accuracy: acc });
      return acc;
    };

    const snapshot = (s: 'completed' | 'stopped'): EnKFHistory => ({
      status: s,
      ...(reason === undefined ? {} : { reason }),
      epochs: epochDone,
      loss: history.loss,
      metrics: history.metrics,
      iterations: iteration,
      forwardEvaluations,
      trace: history.trace,
      dropped,
      mean: Float64Array.from(mean),
      ensemble: method === 'hlr' ? next : theta,
    });

    run.start({ total: epochs });
    try {
      run.checkAbort('training aborted before its first iteration');

      const bsFull = Math.min(batchSize ?? d.samples, d.samples);
      const xb = new Float64Array(bsFull * d.cols);
      const yb = new Float64Array(bsFull * d.outputs);
      const coeff = new Float64Array(J * J);
      const S = new Float64Array(J * J);
      const rhs = new Float64Array(J);

      outer: for (let epoch = 0; epoch < epochs; epoch++) {
        const order = rngBatch.permutation(d.samples);
        let epochLoss = 0;
        let epochIterations = 0;
        for (let start = 0; start < d.samples; start += bsFull) {
          if (iteration >= maxIterations) break outer;
          run.checkAbort(`training aborted at iteration ${iteration}`);
          iteration++;
          const rows = Math.min(bsFull, d.samples - start);
          for (let r = 0; r < rows; r++) {
            const i = order[start + r]!;
            xb.set(d.x.subarray(i * d.cols, (i + 1) * d.cols), r * d.cols);
            yb.set(d.y.subarray(i * d.outputs, (i + 1) * d.outputs), r * d.outputs);
          }
          const M = rows * d.outputs;
          const xv = rows === bsFull ? xb : xb.subarray(0, rows * d.cols);
          const yv = rows === bsFull ? yb : yb.subarray(0, M);
          const input = makeInput({ x: xv, rows, cols: d.cols });

          // The ensemble E to evaluate: the members (eki/tikhonov, Nesterov-extrapolated when
          // asked) or a fresh draw around the mean (hlr).
          const lam = (iteration - 1) / (iteration + 2);
          const E = next;
          if (method === 'hlr') {
            if (meanPrev) {
              for (let p = 0; p < P; p++) {
                const u = mean[p]! + lam * (mean[p]! - meanPrev[p]!);
                meanPrev[p] = mean[p]!;
                mean[p] = u;
              }
            }
            for (let j = 0; j < J; j++) rngNoise.fillNormal(E.subarray(j * P, (j + 1) * P), 0, perturbation);
            // Centre the perturbations so that the ensemble mean is exactly the current mean.
            const all = Array.from({ length: J }, (_, j) => j);
            ensembleMean(E, all, ebar);
            for (let j = 0; j < J; j++) {
              const o2 = j * P;
              for (let p = 0; p < P; p++) E[o2 + p] += mean[p]! - ebar[p]!;
            }
          } else if (prev) {
            for (let i = 0; i < J * P; i++) {
              E[i] = theta[i]! + lam * (theta[i]! - prev[i]!);
            }
            prev.set(theta);
          } else E.set(theta);

          let outs: (ArrayLike<number> | undefined)[];
          try {
            outs = await evaluateMembers(E, input, rows);
          } finally {
            release(input);
          }
          const ok: number[] = [];
          const failed: number[] = [];
          outs.forEach((g, j) => (g ? ok : failed).push(j));
          if (ok.length < 2) {
            run.fail(
              'ENSEMBLE_FAILURE',
              `iteration ${iteration}: only ${ok.length} of ${J} ensemble members gave a finite forward pass; at least 2 are needed`,
              { step: iteration, t },
            );
          }
          if (failed.length > 0) {
            dropped += failed.length;
            if (events.has('enkf:dropped')) events.emit('enkf:dropped', { iteration, members: failed, remaining: ok.length });
          }
          const Js = ok.length;
          const sq = 1 / Math.sqrt(Js - 1);

          // Output mean and scaled deviations Dt_k = (G_k − Ḡ) / (γ √(Js − 1)).
          const gbar = new Float64Array(M);
          for (const j of ok) {
            const g = outs[j]!;
            for (let m = 0; m < M; m++) gbar[m] += g[m]!;
          }
          for (let m = 0; m < M; m++) gbar[m] /= Js;
          const Dt = new Float64Array(Js * M);
          const phi = new Float64Array(Js);
          let misfit = 0;
          ok.forEach((j, k) => {
            const g = outs[j]!;
            let s = 0;
            for (let m = 0; m < M; m++) {
              Dt[k * M + m] = ((g[m]! - gbar[m]!) / gamma) * sq;
              const r = yv[m]! - g[m]!;
              s += r * r;
            }
            misfit += s / M;
            phi[k] = s / (2 * gamma * gamma);
          });
          misfit /= Js;
          let meanMisfit = 0;
          for (let m = 0; m < M; m++) meanMisfit += (yv[m]! - gbar[m]!) ** 2;
          meanMisfit /= M;

          // Step size: fixed, or the data-misfit controller (Iglesias & Yang 2021).
          let h = fixedStep;
          if (adaptive) {
            let pm = 0;
            for (let k = 0; k < Js; k++) pm += phi[k]!;
            pm /= Js;
            let pv = 0;
            for (let k = 0; k < Js; k++) pv += (phi[k]! - pm) ** 2;
            pv /= Js - 1;
            const cands = [M / (2 * pm), Math.sqrt(M / (2 * pv))].filter((c) => Number.isFinite(c));
            h = cands.length > 0 ? Math.max(...cands) : 1;
            if (terminate) h = Math.min(h, 1 - t);
          }

          // Ensemble-space system S = I + Δt DtᵀDt (+ Δt λ/σ0² AᵀA for Tikhonov).
          for (let a = 0; a < Js; a++) {
            for (let b = 0; b <= a; b++) {
              let s = 0;
              const oa = a * M;
              const ob = b * M;
              for (let m = 0; m < M; m++) s += Dt[oa + m]! * Dt[ob + m]!;
              S[a * Js + b] = h * s;
              S[b * Js + a] = h * s;
            }
          }
          const sub = method === 'hlr' ? [] : ok;
          ensembleMean(E, ok, ebar);
          // Tikhonov terms in ensemble space: F_kj = (E_k − Ē)·E_j, d_k = (E_k − Ē)·Ē, c_k = (E_k − Ē)·m0.
          let F: Float64Array | undefined;
          let cvec: Float64Array | undefined;
          const tw = method === 'tikhonov' ? (h * lambda) / (initStd * initStd) : 0;
          if (method === 'tikhonov') {
            F = new Float64Array(Js * Js);
            cvec = new Float64Array(Js);
            const dvec = new Float64Array(Js);
            for (let a = 0; a < Js; a++) {
              const oa = ok[a]! * P;
              let sd = 0;
              let sc = 0;
              for (let p = 0; p < P; p++) {
                const dev = E[oa + p]! - ebar[p]!;
                sd += dev * ebar[p]!;
                sc += dev * m0[p]!;
              }
              dvec[a] = sd;
              cvec[a] = sc;
              for (let b = 0; b < Js; b++) {
                const ob = ok[b]! * P;
                let s = 0;
                for (let p = 0; p < P; p++) s += (E[oa + p]! - ebar[p]!) * E[ob + p]!;
                F[a * Js + b] = s;
              }
            }
            for (let a = 0; a < Js; a++) {
              for (let b = 0; b < Js; b++) S[a * Js + b] += (tw * (F[a * Js + b]! - dvec[a]!)) / (Js - 1);
            }
            // Symmetrise against round-off.
            for (let a = 0; a < Js; a++) {
              for (let b = 0; b < a; b++) {
                const v = 0.5 * (S[a * Js + b]! + S[b * Js + a]!);
                S[a * Js + b] = v;
                S[b * Js + a] = v;
              }
            }
          }
          for (let a = 0; a < Js; a++) S[a * Js + a] += 1;
          const L = choleskyFactor(S.subarray(0, Js * Js), Js);

          // Right-hand sides and weights: coeff[k, col] = (S⁻¹ b_col)_k, one column per member (or one for hlr).
          const cols = method === 'hlr' ? 1 : Js;
          const res = new Float64Array(M);
          const noiseScale = perturb && method !== 'hlr' ? 1 / Math.sqrt(h) : 0;
          for (let c = 0; c < cols; c++) {
            if (method === 'hlr') for (let m = 0; m < M; m++) res[m] = (yv[m]! - gbar[m]!) / gamma;
            else {
              const g = outs[ok[c]!]!;
              for (let m = 0; m < M; m++) res[m] = (yv[m]! - g[m]!) / gamma + (noiseScale > 0 ? noiseScale * rngNoise.normal() : 0);
            }
            for (let k = 0; k < Js; k++) {
              let s = 0;
              const ok2 = k * M;
              for (let m = 0; m < M; m++) s += Dt[ok2 + m]! * res[m]!;
              rhs[k] = h * s;
              if (F && cvec) rhs[k] += tw * (cvec[k]! - F[k * Js + c]!) * sq;
            }
            choleskySolve(L, Js, rhs.subarray(0, Js));
            for (let k = 0; k < Js; k++) coeff[k * cols + c] = rhs[k]! * sq;
          }

          // Apply: Δθ_col = Σ_k coeff[k, col] (E_k − Ē).
          if (method === 'hlr') {
            let wsum = 0;
            for (let k = 0; k < Js; k++) wsum += coeff[k]!;
            for (let p = 0; p < P; p++) mean[p] -= wsum * ebar[p]!;
            for (let k = 0; k < Js; k++) {
              const w = coeff[k]!;
              const ok2 = ok[k]! * P;
              for (let p = 0; p < P; p++) mean[p] += w * E[ok2 + p]!;
            }
          } else {
            const out = theta;
            for (let c = 0; c < Js; c++) {
              const j = sub[c]!;
              const oj = j * P;
              let wsum = 0;
              for (let k = 0; k < Js; k++) wsum += coeff[k * Js + c]!;
              for (let p = 0; p < P; p++) out[oj + p] = E[oj + p]! - wsum * ebar[p]!;
              for (let k = 0; k < Js; k++) {
                const w = coeff[k * Js + c]!;
                if (w === 0) continue;
                const ok2 = ok[k]! * P;
                for (let p = 0; p < P; p++) out[oj + p] += w * E[ok2 + p]!;
              }
            }
            // Failed members: resample from N(θ̄_ok, C_ok) of the updated successful ensemble.
            ensembleMean(out, ok, mean);
            for (const j of failed) {
              const oj = j * P;
              for (let p = 0; p < P; p++) out[oj + p] = mean[p]!;
              for (const k of ok) {
                const z = rngNoise.normal() * sq;
                const ok2 = k * P;
                for (let p = 0; p < P; p++) out[oj + p] += z * (out[ok2 + p]! - mean[p]!);
              }
            }
            if (inflation !== 1 || additive > 0) {
              for (let j = 0; j < J; j++) {
                const oj = j * P;
                for (let p = 0; p < P; p++) {
                  out[oj + p] = mean[p]! + inflation * (out[oj + p]! - mean[p]!) + (additive > 0 ? additive * rngNoise.normal() : 0);
                }
              }
            }
            ensembleMean(
              out,
              Array.from({ length: J }, (_, j) => j),
              mean,
            );
            // theta now holds the new ensemble; E (= next) is scratch for the next iteration.
            theta = out;
            next = E;
          }
          const spread =
            method === 'hlr'
              ? spreadOf(E, ok, ebar)
              : spreadOf(
                  theta,
                  Array.from({ length: J }, (_, j) => j),
                  mean,
                );
          if (Number.isNaN(initialSpread)) initialSpread = spread;
          t += h;
          epochLoss += misfit;
          epochIterations++;
          history.trace.misfit.push(misfit);
          history.trace.spread.push(spread);
          history.trace.step.push(h);

          let accuracy: number | undefined;
          if (val && validateEvery !== undefined && iteration % validateEvery === 0) accuracy = validate();
          if (events.has('enkf:iteration')) {
            events.emit('enkf:iteration', {
              iteration,
              epoch,
              misfit,
              meanMisfit,
              spread,
              step: h,
              t,
              members: Js,
              ...(accuracy === undefined ? {} : { validationAccuracy: accuracy }),
            });
          }
          if (!collapseWarned && method !== 'hlr' && spread < collapseRatio * initialSpread) {
            collapseWarned = true;
            if (events.has('enkf:collapse')) {
              events.emit('enkf:collapse', {
                iteration,
                spread,
                initialSpread,
                message: `ensemble spread ${spread.toExponential(3)} fell below ${collapseRatio} × its initial value ${initialSpread.toExponential(3)}; the ensemble has collapsed and updates will stall (use inflation, additiveNoise or method 'hlr')`,
              });
            }
          }
          run.step({ step: iteration, t, h, state: mean, loss: misfit });
          if (events.has('batch:end')) events.emit('batch:end', { epoch, batch: epochIterations - 1, loss: misfit });

          if (stop.misfit !== undefined && misfit <= stop.misfit) reason = `misfit ${misfit} <= ${stop.misfit}`;
          else if (stop.spread !== undefined && spread <= stop.spread) reason = `spread ${spread} <= ${stop.spread}`;
          else if (stop.discrepancy !== undefined && (meanMisfit * M) / (gamma * gamma) <= stop.discrepancy ** 2 * M) {
            reason = `discrepancy principle: ‖y − Ḡ‖²/γ² <= τ²M with τ = ${stop.discrepancy}`;
          } else if (events.stopReason !== undefined) reason = events.stopReason;
          if (reason !== undefined) status = 'stopped';
          if (adaptive && terminate && t >= 1 - 1e-12) {
            reason ??= 'pseudo-time reached 1 (data-misfit controller)';
          }
          if (reason !== undefined) {
            closeEpoch(epoch, epochLoss / epochIterations);
            break outer;
          }
          if (yielder.due()) await yielder.pause();
        }
        closeEpoch(epoch, epochLoss / Math.max(epochIterations, 1));
      }
      // A signal fired during the last iteration (or its observers) still lands.
      run.checkAbort(`training aborted at iteration ${iteration}`);
      run.guard('model.parameters.set', () => view.set(mean));
    } catch (e) {
      run.failWith(e);
    }

    function closeEpoch(epoch: number, loss: number): void {
      if (epochDone === epoch + 1) return;
      epochDone = epoch + 1;
      history.loss.push(loss);
      history.metrics.spread!.push(history.trace.spread.at(-1) ?? NaN);
      const metrics: Record<string, number> = { spread: history.trace.spread.at(-1) ?? NaN };
      if (val) {
        const last = history.trace.validation.at(-1);
        const acc = last && last.iteration === iteration ? last.accuracy : validate();
        history.metrics.validationAccuracy!.push(acc);
        metrics.validationAccuracy = acc;
      }
      if (events.has('epoch:end')) events.emit('epoch:end', { epoch, total: epochs, loss, metrics });
    }

    const result = snapshot(status);
    run.finish({ t, ...(status === 'stopped' && reason !== undefined && { reason }) });
    return result;
  }

  return {
    name: `enkf(${method})`,
    options: { ensembleSize: J, method, noise: gamma, epochs },
    fit,
  };
}
