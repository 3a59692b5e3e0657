/**
 * The HNN paper's experiment as one call (Greydanus, Dzamba & Yosinski 2019, §3 and their
 * `experiment-spring` / `analyze-spring` code): train an HNN and a baseline MLP vector field on
 * the same noisy derivative data with a private full-batch Adam loop, roll both out from
 * held-out test states and compare the energy MSE along the rollouts. The loop runs on the
 * float32 engine of @phaseflow/nn64 (the HNN layer's default engine: its twin is nn64's
 * gradient field), or on tfjs ops with `engine: 'tfjs'`. An experiment runner, not library API.
 */
import * as tf from '@tensorflow/tfjs';
import { checkFiniteArray, checkInteger, checkOneOf, checkOptions, checkPositive, createRandom, invalid } from '@phaseflow/core';
import { hamiltonianSamples, hamiltonianTrajectory, type FlatHamiltonianSystem } from '@phaseflow/datasets';
import { HamiltonianNN, energyMse, rolloutHamiltonianBatch, rolloutVectorFieldBatch } from '@phaseflow/hamiltonian-nets';
import { createAdam, createMlp32, createMlp64, type Mlp64, type Trainable32 } from '@phaseflow/nn64';
import { mlpForward, mlpWeightShapes } from '@phaseflow/tfjs';

/** Options of {@link compareHamiltonianModels}. Defaults are the paper's mass-spring protocol in our time units. */
export interface HamiltonianComparisonOptions {
  /**
   * Training data, `hamiltonianSamples(system, …)`: trajectories (default 25 — the training half
   * of the paper's 50), points per trajectory (default 30), trajectory length (default 6: the
   * paper's t ∈ [0, 3] for H = q² + p², which runs twice as fast as our H = (q² + p²)/2),
   * Gaussian noise on q and p (default 0.1).
   */
  readonly trajectories?: number;
  readonly points?: number;
  readonly tEnd?: number;
  readonly noise?: number;
  /** Hidden widths of both models (default [200, 200], tanh, as the paper). */
  readonly hidden?: number[];
  /**
   * Full-batch Adam steps (default 2000), learning rate (default 1e-3) and weight decay added to
   * the gradient as PyTorch's Adam does (default 1e-4) — the paper's training loop.
   */
  readonly iterations?: number;
  readonly learningRate?: number;
  readonly weightDecay?: number;
  /** Minibatch size (default: the whole training set, as the paper). */
  readonly batchSize?: number;
  /** Training steps after which both models are rolled out and scored (default [iterations]). */
  readonly checkpoints?: number[];
  /** Number of test initial states drawn from `system.sampleInitial` with a separate stream (default 15, as the paper). */
  readonly tests?: number;
  /** Rollout: horizon (default 40: the paper's t ∈ [0, 20] in our time units), saved step (default 0.1), integrator substeps per saved step (default 1). */
  readonly horizon?: number;
  readonly dt?: number;
  readonly substeps?: number;
  readonly seed?: number;
  /** The engine of the training loop: `nn64` (default, the HNN layer's default) or `tfjs` (tensor ops, the loop before the float32 engine). */
  readonly engine?: 'nn64' | 'tfjs';
}

/** Energy MSE of both models after some training steps. */
interface HamiltonianCheckpoint {
  readonly iteration: number;
  /** Mean over the test states of the energy MSE along each rollout. */
  readonly hnnEnergyMse: number;
  readonly baselineEnergyMse: number;
  /** Per test state. */
  readonly hnnPerTest: Float64Array;
  readonly baselinePerTest: Float64Array;
}

/** What {@link compareHamiltonianModels} measured. */
export interface HamiltonianComparison {
  readonly system: string;
  /** Energy MSE (mean over the test states) at the last checkpoint: HNN (Gauss–Legendre 4) and baseline (rk4). */
  readonly hnnEnergyMse: number;
  readonly baselineEnergyMse: number;
  /** Every checkpoint, in training order. */
  readonly checkpoints: HamiltonianCheckpoint[];
  /** Final full-batch training loss (MSE of derivatives, without the weight decay) of each model. */
  readonly hnnLoss: number;
  readonly baselineLoss: number;
  /** The engine that trained both models. */
  readonly engine: 'nn64' | 'tfjs';
  /** Wall time of the training steps of both models, in ms (rollouts and scoring excluded). */
  readonly trainMs: number;
  /** The test initial states (tests × 2d). */
  readonly initials: Float64Array;
  /** Rollouts from the first test state at the last checkpoint, (steps + 1) × 2d: truth, HNN, baseline; and the time grid. */
  readonly t: Float64Array;
  readonly truth: Float64Array;
  readonly hnn: Float64Array;
  readonly baseline: Float64Array;
}

const KEYS = [
  'trajectories',
  'points',
  'tEnd',
  'noise',
  'hidden',
  'iterations',
  'learningRate',
  'weightDecay',
  'batchSize',
  'checkpoints',
  'tests',
  'horizon',
  'dt',
  'substeps',
  'seed',
  'engine',
];

/**
 * Greydanus et al.'s HNN experiment. Data: `hamiltonianSamples(system)` — `trajectories` initial
 * states from the system's distribution, `points` samples on [0, tEnd], exact derivatives as
 * targets, Gaussian noise of std `noise` on q and p. Models: an HNN (scalar H_θ, field
 * (∂H_θ/∂p, −∂H_θ/∂q)) and a baseline MLP ẏ = f_θ(y), both 200-200 tanh, trained full-batch
 * with Adam (lr 1e-3, weight decay 1e-4) for 2000 steps on the derivative MSE. Metric: from
 * `tests` held-out initial states, roll both out over `horizon` (HNN with Gauss–Legendre 4,
 * symplectic; baseline with rk4) and average (1/N) Σᵢ (H(ŷᵢ) − H(yᵢ))² — the true energy along
 * the prediction against the true trajectory — over the test states.
 *
 * @example
 * ```ts
 * const r = await compareHamiltonianModels(massSpringSystem(), { seed: 0 });
 * r.hnnEnergyMse < r.baselineEnergyMse; // true
 * ```
 */
export async function compareHamiltonianModels(system: FlatHamiltonianSystem, options: HamiltonianComparisonOptions = {}): Promise<HamiltonianComparison> {
  if (system === null || typeof system !== 'object' || typeof system.energy !== 'function')
    invalid('system', 'a FlatHamiltonianSystem from @phaseflow/datasets', system);
  const o = checkOptions('options', options, KEYS);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0 });
  const iterations = o.iterations === undefined ? 2000 : checkInteger('options.iterations', o.iterations, { min: 1 });
  const learningRate = o.learningRate === undefined ? 1e-3 : checkPositive('options.learningRate', o.learningRate);
  const weightDecay = o.weightDecay === undefined ? 1e-4 : o.weightDecay === 0 ? 0 : checkPositive('options.weightDecay', o.weightDecay);
  const checkpoints =
    o.checkpoints === undefined
      ? [iterations]
      : Array.from(checkFiniteArray<number[]>('options.checkpoints', o.checkpoints)).map((c, i) =>
          checkInteger(`options.checkpoints[${i}]`, c, { min: 1, max: iterations }),
        );
  for (let i = 1; i < checkpoints.length; i++)
    if (!(checkpoints[i]! > checkpoints[i - 1]!)) invalid(`options.checkpoints[${i}]`, 'increasing training steps', checkpoints[i]);
  const tests = o.tests === undefined ? 15 : checkInteger('options.tests', o.tests, { min: 1 });
  const dt = o.dt === undefined ? 0.1 : checkPositive('options.dt', o.dt);
  const horizon = o.horizon === undefined ? 40 : checkPositive('options.horizon', o.horizon);
  const substeps = o.substeps === undefined ? 1 : checkInteger('options.substeps', o.substeps, { min: 1 });
  const steps = Math.max(1, Math.round(horizon / dt));
  if (o.hidden !== undefined && (!Array.isArray(o.hidden) || o.hidden.length === 0))
    invalid('options.hidden', 'a non-empty array of hidden layer widths', o.hidden);
  const hidden = o.hidden === undefined ? [200, 200] : o.hidden.map((w, i) => checkInteger(`options.hidden[${i}]`, w, { min: 1 }));
  const data = hamiltonianSamples(system, {
    trajectories: o.trajectories ?? 25,
    points: o.points ?? 30,
    tEnd: o.tEnd ?? 6,
    noise: o.noise ?? 0.1,
    seed,
  });
  const dim = data.dim;
  const batchSize = o.batchSize === undefined ? data.n : checkInteger('options.batchSize', o.batchSize, { min: 1 });
  const engine = o.engine === undefined ? 'nn64' : checkOneOf('options.engine', o.engine, ['nn64', 'tfjs'] as const);

  // Test states and their true trajectories (a stream separate from the training data).
  const testRng = createRandom(seed).fork('test');
  const initials = Array.from({ length: tests }, () => Float64Array.from(system.sampleInitial(testRng)));
  const truths = initials.map((initial) => hamiltonianTrajectory(system, { n: steps + 1, dt, initial, substeps: 10 * substeps }).x);

  const H = (s: Float64Array) => system.energy(s);
  const setup = { data, dim, hidden, seed, learningRate, weightDecay, batchSize, checkpoints, iterations };
  const trained = engine === 'nn64' ? trainNn64(setup) : trainTfjs(setup);
  const results: HamiltonianCheckpoint[] = [];
  let last: { hnn: Float64Array[]; baseline: Float64Array[] } | undefined;
  for (const c of trained.checkpoints) {
    const rollout = { dt, steps, substeps };
    const hnnPaths = rolloutHamiltonianBatch(c.hnn, initials, rollout);
    const basePaths = rolloutVectorFieldBatch(c.baseline, initials, rollout);
    const hnnPerTest = Float64Array.from(hnnPaths, (p, i) => energyMse(H, p, truths[i]!, dim));
    const baselinePerTest = Float64Array.from(basePaths, (p, i) => energyMse(H, p, truths[i]!, dim));
    const mean = (v: Float64Array) => v.reduce((s, u) => s + u, 0) / v.length;
    results.push({ iteration: c.iteration, hnnEnergyMse: mean(hnnPerTest), baselineEnergyMse: mean(baselinePerTest), hnnPerTest, baselinePerTest });
    last = { hnn: hnnPaths, baseline: basePaths };
  }
  const end = results.at(-1)!;
  return {
    system: system.name,
    hnnEnergyMse: end.hnnEnergyMse,
    baselineEnergyMse: end.baselineEnergyMse,
    checkpoints: results,
    hnnLoss: trained.hnnLoss,
    baselineLoss: trained.baselineLoss,
    engine,
    trainMs: trained.trainMs,
    initials: Float64Array.from(initials.flatMap((s) => Array.from(s))),
    t: Float64Array.from({ length: steps + 1 }, (_, i) => i * dt),
    truth: truths[0]!,
    hnn: last!.hnn[0]!,
    baseline: last!.baseline[0]!,
  };
}

/** What both training loops share. */
interface TrainSetup {
  readonly data: { readonly x: Float64Array; readonly y: Float64Array; readonly n: number };
  readonly dim: number;
  readonly hidden: number[];
  readonly seed: number;
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly batchSize: number;
  readonly checkpoints: number[];
  readonly iterations: number;
}

/** The models at each checkpoint (Float64 copies for the rollouts) and the final losses. */
interface Trained {
  readonly checkpoints: { readonly iteration: number; readonly hnn: Mlp64; readonly baseline: Mlp64 }[];
  readonly hnnLoss: number;
  readonly baselineLoss: number;
  readonly trainMs: number;
}

/**
 * The paper's loop on the float32 engine: the HNN is its layer's twin (nn64's gradient field
 * J∇H_θ), the baseline createMlp32; both start from nn64's Glorot weights for the seed, and
 * each takes Adam steps (PyTorch's weight decay) on the derivative MSE.
 */
function trainNn64(s: TrainSetup): Trained {
  const { data, dim, hidden, seed } = s;
  const hnnLayer = new HamiltonianNN({ hidden, seed });
  tf.tidy(() => {
    hnnLayer.forward(tf.zeros([1, dim]));
  });
  const hnn = hnnLayer.toTrainable32();
  hnnLayer.dispose();
  const baseline = createMlp32({ sizes: [dim, ...hidden, dim], seed });
  const x = Float32Array.from(data.x),
    y = Float32Array.from(data.y);
  const models: { net: Trainable32; adam: ReturnType<typeof createAdam>; grad: Float32Array }[] = [hnn, baseline].map((net) => ({
    net,
    adam: createAdam({ size: net.theta.length, learningRate: s.learningRate, weightDecay: s.weightDecay }),
    grad: new Float32Array(net.theta.length),
  }));
  const rows = Math.min(s.batchSize, data.n);
  const xb = new Float32Array(rows * dim),
    yb = new Float32Array(rows * dim),
    gy = new Float32Array(Math.max(rows, data.n) * dim);
  const rng = createRandom(seed).fork('batches');
  const order = Int32Array.from({ length: data.n }, (_, i) => i);
  let cursor = data.n;
  const mse = (out: Float32Array, target: Float32Array, count: number): number => {
    let sum = 0;
    for (let i = 0; i < count * dim; i++) {
      const e = out[i]! - target[i]!;
      sum += e * e;
      gy[i] = (2 * e) / (count * dim);
    }
    return sum / (count * dim);
  };
  const checkpoints: Trained['checkpoints'] = [];
  let done = 0;
  let trainMs = 0;
  for (const stop of s.checkpoints) {
    const started = performance.now();
    for (; done < stop; done++) {
      let xs = x,
        ys = y,
        count = data.n;
      if (rows < data.n) {
        if (cursor + rows > data.n) {
          rng.shuffle(order);
          cursor = 0;
        }
        for (let r = 0; r < rows; r++) {
          const i = order[cursor + r]!;
          xb.set(x.subarray(i * dim, (i + 1) * dim), r * dim);
          yb.set(y.subarray(i * dim, (i + 1) * dim), r * dim);
        }
        cursor += rows;
        xs = xb;
        ys = yb;
        count = rows;
      }
      for (const m of models) {
        mse(m.net.forwardTape(xs, count), ys, count);
        m.grad.fill(0);
        m.net.backwardTape(gy, m.grad);
        m.adam.step(m.net.theta, m.grad);
      }
    }
    trainMs += performance.now() - started;
    checkpoints.push({
      iteration: stop,
      hnn: createMlp64({ sizes: [dim, ...hidden, 1], activation: 'tanh', theta: Float64Array.from(hnn.theta) }),
      baseline: createMlp64({ sizes: [dim, ...hidden, dim], activation: 'tanh', theta: Float64Array.from(baseline.theta) }),
    });
  }
  return { checkpoints, hnnLoss: mse(hnn.forwardTape(x, data.n), y, data.n), baselineLoss: mse(baseline.forwardTape(x, data.n), y, data.n), trainMs };
}

/** The same loop on tfjs ops (tf.train.adam, the HNN layer's own call), as before the float32 engine. */
function trainTfjs(s: TrainSetup): Trained {
  const { data, dim, hidden, seed, learningRate, weightDecay, batchSize } = s;
  const x = tf.tensor2d(Float32Array.from(data.x), [data.n, dim]);
  const y = tf.tensor2d(Float32Array.from(data.y), [data.n, dim]);
  const hnn = new HamiltonianNN({ hidden, seed });
  const widths = [dim, ...hidden, dim];
  // The baseline starts from nn64's Glorot-uniform weights for the seed, as the HNN does.
  const init = createMlp64({ sizes: widths, seed }).theta;
  let offset = 0;
  const base = mlpWeightShapes(widths).map((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = Float32Array.from(init.subarray(offset, offset + n));
    offset += n;
    return tf.tidy(() => tf.variable(tf.tensor(values, shape), true));
  });
  const optimizers = [tf.train.adam(learningRate), tf.train.adam(learningRate)];
  const checkpoints: Trained['checkpoints'] = [];
  let trainMs = 0;
  try {
    tf.tidy(() => {
      hnn.forward(tf.slice(x, 0, 1));
    });
    const hnnVars = hnn.trainableWeights.map((w) => w.read() as tf.Variable);
    const models: { vars: tf.Variable[]; predict: (xb: tf.Tensor) => tf.Tensor }[] = [
      { vars: hnnVars, predict: (xb) => hnn.apply(xb) as tf.Tensor },
      { vars: base, predict: (xb) => mlpForward(xb, base, 'tanh') },
    ];
    const rng = createRandom(seed).fork('batches');
    const order = Int32Array.from({ length: data.n }, (_, i) => i);
    let cursor = data.n;
    let done = 0;
    for (const stop of s.checkpoints) {
      const started = performance.now();
      for (; done < stop; done++) {
        let xb = x,
          yb = y;
        if (batchSize < data.n) {
          if (cursor + batchSize > data.n) {
            rng.shuffle(order);
            cursor = 0;
          }
          const idx = tf.tensor1d(order.subarray(cursor, cursor + batchSize), 'int32');
          xb = tf.gather(x, idx);
          yb = tf.gather(y, idx);
          idx.dispose();
          cursor += batchSize;
        }
        models.forEach((m, k) => {
          const loss = optimizers[k]!.minimize(
            () => {
              const mse = tf.mean(tf.square(tf.sub(m.predict(xb), yb)));
              if (weightDecay === 0) return mse as tf.Scalar;
              // PyTorch's Adam(weight_decay=λ) adds λθ to the gradient: the gradient of (λ/2)‖θ‖².
              return tf.add(mse, tf.mul(weightDecay / 2, tf.addN(m.vars.map((v) => tf.sum(tf.square(v)))))) as tf.Scalar;
            },
            false,
            m.vars,
          );
          loss?.dispose();
        });
        if (xb !== x) tf.dispose([xb, yb]);
      }
      trainMs += performance.now() - started;
      const baseTheta = new Float64Array(base.reduce((n, v) => n + v.size, 0));
      base.reduce((off, v) => (baseTheta.set(v.dataSync(), off), off + v.size), 0);
      checkpoints.push({ iteration: stop, hnn: hnn.toMlp64(), baseline: createMlp64({ sizes: widths, activation: 'tanh', theta: baseTheta }) });
    }
    const finalLoss = (m: (typeof models)[number]) => tf.tidy(() => tf.mean(tf.square(tf.sub(m.predict(x), y))).dataSync()[0]!);
    return { checkpoints, hnnLoss: finalLoss(models[0]!), baselineLoss: finalLoss(models[1]!), trainMs };
  } finally {
    tf.dispose([x, y, ...base]);
    optimizers.forEach((opt) => opt.dispose());
    if (hnn.built) hnn.dispose();
  }
}
