/**
 * The spiral benchmark of torchdiffeq's neural-ODE demo (Chen et al. 2018, `ode_demo.py`):
 * dy/dt = A y³ (cube taken elementwise), A = [[−0.1, 2], [−2, −0.1]], y(0) = (2, 0).
 */
import * as tf from '@tensorflow/tfjs';
import { checkFiniteArray, checkInteger, checkOptions, checkPositive, createRandom, integrate, invalid, odeProblem } from '@phaseflow/core';
import { NeuralODE } from './neural-ode.js';
import { dopri5 } from '@phaseflow/runge-kutta';

/** The true spiral field dy/dt = A y³, A = [[−0.1, 2], [−2, −0.1]], written into `out`. @example `spiralField(Float64Array.of(2, 0)); // [−0.8, −16]` */
export function spiralField(y: ArrayLike<number>, out: Float64Array = new Float64Array(2)): Float64Array {
  if (y === null || typeof y !== 'object' || y.length !== 2) invalid('y', 'a state of 2 numbers', y, 'SHAPE_MISMATCH');
  const a = y[0]! ** 3, b = y[1]! ** 3;
  out[0] = -0.1 * a + 2 * b;
  out[1] = -2 * a - 0.1 * b;
  return out;
}

/** Options of {@link spiralData}. */
export interface SpiralOptions {
  /** Number of samples (default 1000, as torchdiffeq). */
  readonly n?: number;
  /** Final time (default 25). */
  readonly tEnd?: number;
  /** Initial state (default (2, 0)). */
  readonly initial?: ArrayLike<number>;
}

/** Times and states of the true spiral. */
export interface SpiralData {
  /** n times in [0, tEnd]. */
  readonly t: Float64Array;
  /** n × 2 states (row-major). */
  readonly y: Float64Array;
}

/**
 * Sample the true spiral at n evenly spaced times on [0, tEnd], solved with dopri5 (rtol 1e-9).
 *
 * @example
 * ```ts
 * const { t, y } = spiralData({ n: 1000, tEnd: 25 });
 * ```
 */
export function spiralData(options: SpiralOptions = {}): SpiralData {
  const o = checkOptions('options', options, ['n', 'tEnd', 'initial']);
  const n = o.n === undefined ? 1000 : checkInteger('options.n', o.n, { min: 2 });
  const tEnd = o.tEnd === undefined ? 25 : checkPositive('options.tEnd', o.tEnd);
  const y0 = o.initial === undefined ? Float64Array.of(2, 0) : Float64Array.from(checkFiniteArray('options.initial', o.initial));
  if (y0.length !== 2) invalid('options.initial', 'a state of 2 numbers', o.initial, 'SHAPE_MISMATCH');
  const t = Float64Array.from({ length: n }, (_, i) => (i * tEnd) / (n - 1));
  const problem = odeProblem<Float64Array>((_t, y, out) => spiralField(y, out ?? new Float64Array(2)));
  const sol = integrate(dopri5<Float64Array>(), problem, y0, { tEnd, adaptive: { rtol: 1e-9, atol: 1e-10 }, save: { times: t } });
  const y = new Float64Array(2 * n);
  sol.y.forEach((s, i) => y.set(s, 2 * i));
  return { t, y };
}

/** Options of {@link fitSpiral}. */
export interface SpiralFitOptions {
  /** Gradient mode (default `backprop`). */
  readonly gradient?: 'backprop' | 'adjoint' | 'reversible';
  /** Training iterations (default 300), windows per batch (default 20), samples per window (default 10). */
  readonly iterations?: number;
  readonly batch?: number;
  readonly window?: number;
  /** Spiral samples (default 1000 on [0, 25]) and the fraction of them used for training (default 0.6). */
  readonly n?: number;
  readonly trainFraction?: number;
  /** Hidden widths (default [50]), Adam learning rate (default 0.01), seed (default 0). */
  readonly hidden?: number[];
  readonly learningRate?: number;
  readonly seed?: number;
}

/** What {@link fitSpiral} returns. */
export interface SpiralFit {
  /** The trained layer (the caller disposes it). */
  readonly ode: NeuralODE;
  /** Loss per iteration. */
  readonly losses: number[];
  /** Mean wall time of one training step (forward + gradient + Adam update), ms. */
  readonly msPerStep: number;
  /** The true spiral and the learned solution from y(0) over the whole span (n × 2 each). */
  readonly truth: SpiralData;
  readonly learned: Float64Array;
  /** MSE of the learned solution on the training span and on the held-out (extrapolated) span. */
  readonly trainMse: number;
  readonly extrapolationMse: number;
}

/**
 * Fit a {@link NeuralODE} to the spiral as torchdiffeq's demo does: every iteration draws
 * `batch` windows of `window` consecutive samples from the training span, solves from each
 * window's first state and minimises the mean squared error (Adam). Then solves the learned
 * field from y(0) over the whole span, including the held-out end (extrapolation).
 *
 * @example
 * ```ts
 * const fit = await fitSpiral({ iterations: 300 });
 * fit.extrapolationMse; fit.ode.dispose();
 * ```
 */
export async function fitSpiral(options: SpiralFitOptions = {}): Promise<SpiralFit> {
  const o = checkOptions('options', options, ['gradient', 'iterations', 'batch', 'window', 'n', 'trainFraction', 'hidden', 'learningRate', 'seed']);
  const iterations = o.iterations === undefined ? 300 : checkInteger('options.iterations', o.iterations, { min: 1 });
  const batch = o.batch === undefined ? 20 : checkInteger('options.batch', o.batch, { min: 1 });
  const window = o.window === undefined ? 10 : checkInteger('options.window', o.window, { min: 2 });
  const n = o.n === undefined ? 1000 : checkInteger('options.n', o.n, { min: 20 });
  const fraction = o.trainFraction === undefined ? 0.6 : checkPositive('options.trainFraction', o.trainFraction);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0 });
  const truth = spiralData({ n });
  const dt = truth.t[1]!;
  const nTrain = Math.floor(n * Math.min(1, fraction));
  if (nTrain <= window) invalid('options.trainFraction', `a training span longer than one window (${window} samples)`, fraction);
  const gradient = o.gradient ?? 'backprop';
  const reversible = gradient === 'reversible';
  const ode = new NeuralODE({
    hidden: o.hidden ?? [50],
    times: Array.from({ length: window - 1 }, (_, k) => (k + 1) * dt),
    h: dt,
    gradient,
    ...(reversible && { integrator: 'leapfrog', structure: 'partitioned' as const, adjointIntegrator: 'rk4' }),
    seed,
  });
  const rng = createRandom(seed);
  const opt = tf.train.adam(o.learningRate ?? 0.01);
  const losses: number[] = [];
  ode.forward(tf.tensor2d([[2, 0]])).dispose();
  const started = performance.now();
  for (let it = 0; it < iterations; it++) {
    const starts = Array.from({ length: batch }, () => rng.int(nTrain - window + 1));
    const x0 = tf.tensor2d(starts.map((s) => [truth.y[2 * s]!, truth.y[2 * s + 1]!]));
    const target = tf.tensor3d(starts.map((s) => Array.from({ length: window - 1 }, (_, k) => [truth.y[2 * (s + k + 1)]!, truth.y[2 * (s + k + 1) + 1]!])));
    const loss = opt.minimize(() => tf.mean(tf.abs(tf.sub(ode.apply(x0) as tf.Tensor, target))) as tf.Scalar, true)!;
    losses.push(loss.dataSync()[0]!);
    tf.dispose([loss, x0, target]);
  }
  const msPerStep = (performance.now() - started) / iterations;
  opt.dispose();
  const y0 = tf.tensor2d([[truth.y[0]!, truth.y[1]!]]);
  const path = ode.trajectory(y0, Array.from(truth.t.subarray(1)));
  const learned = new Float64Array(2 * n);
  learned.set([truth.y[0]!, truth.y[1]!]);
  learned.set(path.dataSync(), 2);
  tf.dispose([y0, path]);
  const mse = (from: number, to: number) => {
    let s = 0;
    for (let i = 2 * from; i < 2 * to; i++) s += (learned[i]! - truth.y[i]!) ** 2;
    return s / (2 * (to - from));
  };
  return { ode, losses, msPerStep, truth, learned, trainMse: mse(0, nTrain), extrapolationMse: mse(nTrain, n) };
}
