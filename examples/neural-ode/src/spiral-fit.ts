/**
 * torchdiffeq's neural-ODE spiral experiment (Chen et al. 2018, `ode_demo.py`) as one call:
 * fit a NeuralODE with field MLP(y³) to windows of the spiral dy/dt = A y³, with a private
 * RMSprop loop, and extrapolate to held-out times. An experiment runner, not library API.
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, checkOneOf, checkOptions, checkPositive, createRandom, invalid } from '@phaseflow/core';
import { spiralOdeData, type SpiralOdeData } from '@phaseflow/datasets';
import { NeuralODE } from '@phaseflow/neural-ode';

/** Options of {@link fitSpiral}. */
export interface SpiralFitOptions {
  /** Gradient mode (default `backprop`). */
  readonly gradient?: 'backprop' | 'adjoint' | 'reversible';
  /**
   * `float64` (default): train the layer's Float64 twin (hand reverse mode, no tensor-op
   * overhead on these 20 × 2 batches) and copy θ back into the layer; `tensor`: tfjs autodiff
   * through the float32 layer.
   */
  readonly engine?: 'float64' | 'tensor';
  /** Training iterations (default 2000), windows per batch (default 20), samples per window (default 10), as torchdiffeq. */
  readonly iterations?: number;
  readonly batch?: number;
  readonly window?: number;
  /** Spiral samples (default 1000 on [0, 25]) and the fraction of them used for training (default 0.6; the rest is held out). */
  readonly n?: number;
  readonly trainFraction?: number;
  /** Hidden widths (default [50]), RMSprop learning rate (default 1e-3), seed (default 0). */
  readonly hidden?: number[];
  readonly learningRate?: number;
  readonly seed?: number;
}

/** What {@link fitSpiral} returns. */
export interface SpiralFit {
  /** The trained layer (the caller disposes it). */
  readonly ode: NeuralODE;
  /** The forward integrator. */
  readonly integrator: string;
  /** Minibatch loss (mean |ŷ − y| over the window outputs) per iteration. */
  readonly losses: number[];
  /** The same loss over every window of the training span after training. */
  readonly finalLoss: number;
  /** Mean wall time of one training step (forward + gradient + update), ms. */
  readonly msPerStep: number;
  /** The true spiral and the learned solution from y(0) over the whole span (n × 2 each). */
  readonly truth: SpiralOdeData;
  readonly learned: Float64Array;
  /** MSE of the learned solution from y(0) on the training span and on the held-out (extrapolated) span. */
  readonly trainMse: number;
  readonly extrapolationMse: number;
  /** torchdiffeq's "total loss": mean |ŷ − y| of the solution from y(0) over the training span and over the held-out span. */
  readonly trainMae: number;
  readonly extrapolationMae: number;
  /**
   * MSE on the held-out span of the learned solution restarted from the last training sample
   * (the field's extrapolation without the phase error carried over from the training span).
   */
  readonly heldOutRestartMse: number;
  /** Largest |ŷ − y| (Euclidean) on the held-out span, solution from y(0). */
  readonly extrapolationMaxError: number;
  /** First held-out sample index. */
  readonly nTrain: number;
}

/**
 * Fit a {@link NeuralODE} to the spiral as torchdiffeq's `ode_demo.py` does: field f_θ(y) =
 * MLP(y³) with one tanh layer of 50 (`features: 'cube'`), every iteration 20 windows of 10
 * consecutive samples drawn from the training span, solved from each window's first state,
 * mean absolute error, RMSprop (lr 1e-3, α = 0.99), 2000 iterations. Differences: rk4 with the
 * sample spacing as step (torchdiffeq: dopri5; the windows are 0.225 long and rk4's error there
 * is ~1e-8) and the last 40% of the samples held out; kernels start N(0, 0.1²) as there. Then solves the learned field from y(0) over the whole span.
 *
 * @example
 * ```ts
 * const fit = await fitSpiral({ iterations: 2000 });
 * fit.extrapolationMse; fit.ode.dispose();
 * ```
 */
export async function fitSpiral(options: SpiralFitOptions = {}): Promise<SpiralFit> {
  const o = checkOptions('options', options, ['gradient', 'engine', 'iterations', 'batch', 'window', 'n', 'trainFraction', 'hidden', 'learningRate', 'seed']);
  const iterations = o.iterations === undefined ? 2000 : checkInteger('options.iterations', o.iterations, { min: 1 });
  const batch = o.batch === undefined ? 20 : checkInteger('options.batch', o.batch, { min: 1 });
  const window = o.window === undefined ? 10 : checkInteger('options.window', o.window, { min: 2 });
  const n = o.n === undefined ? 1000 : checkInteger('options.n', o.n, { min: 20 });
  const fraction = o.trainFraction === undefined ? 0.6 : checkPositive('options.trainFraction', o.trainFraction);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0 });
  const lr = o.learningRate === undefined ? 1e-3 : checkPositive('options.learningRate', o.learningRate);
  const engine = o.engine === undefined ? 'float64' : checkOneOf('options.engine', o.engine, ['float64', 'tensor'] as const);
  const truth = spiralOdeData({ n });
  const dt = truth.t[1]!;
  const nTrain = Math.floor(n * Math.min(1, fraction));
  if (nTrain <= window) invalid('options.trainFraction', `a training span longer than one window (${window} samples)`, fraction);
  const gradient = o.gradient ?? 'backprop';
  const reversible = gradient === 'reversible';
  const K = window - 1;
  const ode = new NeuralODE({
    hidden: o.hidden ?? [50],
    features: 'cube',
    times: Array.from({ length: K }, (_, k) => (k + 1) * dt),
    h: dt,
    gradient,
    ...(reversible && { integrator: 'leapfrog', structure: 'partitioned' as const, adjointIntegrator: 'rk4' }),
    seed,
  });
  const rng = createRandom(seed);
  const losses: number[] = [];
  tf.tidy(() => {
    ode.forward(tf.tensor2d([[2, 0]]));
    // torchdiffeq's initialisation: kernels N(0, 0.1²), zero biases.
    const initRng = createRandom(seed).fork('init');
    ode.setWeights(
      ode
        .getWeights()
        .map((w, i) => (i % 2 === 0 ? tf.tensor(Float32Array.from(initRng.fillNormal(new Float64Array(w.size), 0, 0.1)), w.shape) : tf.zerosLike(w))),
    );
  });
  const windowData = (starts: readonly number[]) => {
    const x0 = new Float64Array(2 * starts.length);
    const target = Array.from({ length: K }, () => new Float64Array(2 * starts.length));
    starts.forEach((s, b) => {
      x0[2 * b] = truth.y[2 * s]!;
      x0[2 * b + 1] = truth.y[2 * s + 1]!;
      for (let k = 0; k < K; k++) {
        target[k]![2 * b] = truth.y[2 * (s + k + 1)]!;
        target[k]![2 * b + 1] = truth.y[2 * (s + k + 1) + 1]!;
      }
    });
    return { x0, target };
  };
  const started = performance.now();
  if (engine === 'float64') {
    // RMSprop as PyTorch's defaults: v ← αv + (1 − α)g², θ ← θ − lr·g/(√v + ε).
    const ref = ode.float64();
    const v = new Float64Array(ref.theta.length);
    for (let it = 0; it < iterations; it++) {
      const starts = Array.from({ length: batch }, () => rng.int(nTrain - window + 1));
      const { x0, target } = windowData(starts);
      const scale = 1 / (K * 2 * batch);
      let loss = 0;
      const cot = (k: number, y: Float64Array) =>
        y.map((u, i) => {
          const e = u - target[k]![i]!;
          loss += Math.abs(e) * scale;
          return Math.sign(e) * scale;
        });
      const g = ref.gradients(x0, batch, cot, gradient).gradient;
      losses.push(loss);
      for (let j = 0; j < g.length; j++) {
        v[j] = 0.99 * v[j]! + 0.01 * g[j]! * g[j]!;
        ref.theta[j] -= (lr * g[j]!) / (Math.sqrt(v[j]!) + 1e-8);
      }
    }
    const shapes = ode.getWeights().map((w) => w.shape);
    let off = 0;
    const ws = shapes.map((shape) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const t = tf.tensor(Float32Array.from(ref.theta.subarray(off, off + size)), shape);
      off += size;
      return t;
    });
    ode.setWeights(ws);
    tf.dispose(ws);
  } else {
    const opt = tf.train.rmsprop(lr, 0.99, 0, 1e-8);
    for (let it = 0; it < iterations; it++) {
      const starts = Array.from({ length: batch }, () => rng.int(nTrain - window + 1));
      const { x0: x, target: tg } = windowData(starts);
      const x0 = tf.tensor2d(Float32Array.from(x), [batch, 2]);
      const target = tf.tidy(() =>
        tf.stack(
          tg.map((t) => tf.tensor2d(Float32Array.from(t), [batch, 2])),
          1,
        ),
      );
      const loss = opt.minimize(() => tf.mean(tf.abs(tf.sub(ode.apply(x0) as tf.Tensor, target))) as tf.Scalar, true)!;
      losses.push(loss.dataSync()[0]!);
      tf.dispose([loss, x0, target]);
    }
    opt.dispose();
  }
  const msPerStep = (performance.now() - started) / iterations;
  // Loss over every training window (Float64 twin of the trained layer).
  const all = Array.from({ length: nTrain - window + 1 }, (_, s) => s);
  const { x0: xa, target: ta } = windowData(all);
  const pred = ode.float64().forward(xa, all.length);
  let finalLoss = 0;
  pred.forEach((y, k) => y.forEach((u, i) => (finalLoss += Math.abs(u - ta[k]![i]!))));
  finalLoss /= K * 2 * all.length;
  const y0 = tf.tensor2d([[truth.y[0]!, truth.y[1]!]]);
  const path = ode.trajectory(y0, Array.from(truth.t.subarray(1)));
  const learned = new Float64Array(2 * n);
  learned.set([truth.y[0]!, truth.y[1]!]);
  learned.set(path.dataSync(), 2);
  tf.dispose([y0, path]);
  const yr = tf.tensor2d([[truth.y[2 * (nTrain - 1)]!, truth.y[2 * (nTrain - 1) + 1]!]]);
  const restart = ode.trajectory(
    yr,
    Array.from(truth.t.subarray(nTrain), (t) => t - truth.t[nTrain - 1]!),
  );
  const restarted = restart.dataSync();
  tf.dispose([yr, restart]);
  let heldOutRestartMse = 0;
  for (let i = 0; i < 2 * (n - nTrain); i++) heldOutRestartMse += (restarted[i]! - truth.y[2 * nTrain + i]!) ** 2;
  heldOutRestartMse /= 2 * (n - nTrain);
  const mse = (from: number, to: number) => {
    let s = 0;
    for (let i = 2 * from; i < 2 * to; i++) s += (learned[i]! - truth.y[i]!) ** 2;
    return s / (2 * (to - from));
  };
  const mae = (from: number, to: number) => {
    let s = 0;
    for (let i = 2 * from; i < 2 * to; i++) s += Math.abs(learned[i]! - truth.y[i]!);
    return s / (2 * (to - from));
  };
  let maxErr = 0;
  for (let i = nTrain; i < n; i++) maxErr = Math.max(maxErr, Math.hypot(learned[2 * i]! - truth.y[2 * i]!, learned[2 * i + 1]! - truth.y[2 * i + 1]!));
  return {
    ode,
    integrator: ode.integrator.name,
    losses,
    finalLoss,
    msPerStep,
    truth,
    learned,
    trainMse: mse(0, nTrain),
    extrapolationMse: mse(nTrain, n),
    trainMae: mae(0, nTrain),
    extrapolationMae: mae(nTrain, n),
    heldOutRestartMse,
    extrapolationMaxError: maxErr,
    nTrain,
  };
}
