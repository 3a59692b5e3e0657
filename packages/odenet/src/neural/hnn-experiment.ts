/**
 * The HNN paper's experiment as one call: train an HNN and a baseline MLP vector field on the
 * same noisy derivative data, roll both out from a test state and compare the energy MSE.
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, checkOptions, checkPositive, createRandom, invalid } from '@phaseflow/core';
import { createGradientTrainer, createMlp } from '@phaseflow/tfjs';
import { hamiltonianSamples, hamiltonianTrajectory, type FlatHamiltonianSystem } from '@phaseflow/datasets';
import { HamiltonianNN, energyMse, rolloutHamiltonian, rolloutVectorField } from './hnn.js';
import { createMlp64 } from './mlp.js';

/** Options of {@link compareHamiltonianModels}. */
export interface HamiltonianComparisonOptions {
  /** Training trajectories (default 50) and points per trajectory (default 30), noise (default 0.1). */
  readonly trajectories?: number;
  readonly points?: number;
  readonly noise?: number;
  /** Hidden widths of both models (default [64, 64]). */
  readonly hidden?: number[];
  /** Training epochs (default 300), minibatch (default 64), Adam learning rate (default 3e-3). */
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  /** Rollout: step (default 0.1) and number of steps (default 200). */
  readonly dt?: number;
  readonly steps?: number;
  /** Test initial state (default: drawn from the system's distribution with the seed). */
  readonly initial?: ArrayLike<number>;
  readonly seed?: number;
}

/** What {@link compareHamiltonianModels} measured. */
export interface HamiltonianComparison {
  readonly system: string;
  /** Energy MSE along the rollout: HNN (symplectic Gauss–Legendre 4) and baseline (rk4). */
  readonly hnnEnergyMse: number;
  readonly baselineEnergyMse: number;
  /** Final training loss (MSE of derivatives) of each model. */
  readonly hnnLoss: number;
  readonly baselineLoss: number;
  /** Rollouts, (steps + 1) × 2d: truth, HNN, baseline; and the time grid. */
  readonly t: Float64Array;
  readonly truth: Float64Array;
  readonly hnn: Float64Array;
  readonly baseline: Float64Array;
}

/**
 * Train an HNN and a baseline MLP ẏ = f_θ(y) on `hamiltonianSamples(system)` (Greydanus et
 * al.'s data recipe), roll both out from one test state over `steps` × `dt`, and return the
 * energy MSE (1/N) Σ (H(ŷᵢ) − H(yᵢ))² of each against the true trajectory.
 *
 * @example
 * ```ts
 * const r = await compareHamiltonianModels(massSpringSystem(), { epochs: 300, seed: 0 });
 * r.hnnEnergyMse < r.baselineEnergyMse; // true
 * ```
 */
export async function compareHamiltonianModels(system: FlatHamiltonianSystem, options: HamiltonianComparisonOptions = {}): Promise<HamiltonianComparison> {
  if (system === null || typeof system !== 'object' || typeof system.energy !== 'function') invalid('system', 'a FlatHamiltonianSystem from @phaseflow/datasets', system);
  const o = checkOptions('options', options, ['trajectories', 'points', 'noise', 'hidden', 'epochs', 'batchSize', 'learningRate', 'dt', 'steps', 'initial', 'seed']);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0 });
  const epochs = o.epochs === undefined ? 300 : checkInteger('options.epochs', o.epochs, { min: 1 });
  const dt = o.dt === undefined ? 0.1 : checkPositive('options.dt', o.dt);
  const steps = o.steps === undefined ? 200 : checkInteger('options.steps', o.steps, { min: 1 });
  const hidden = o.hidden ?? [64, 64];
  const data = hamiltonianSamples(system, {
    trajectories: o.trajectories ?? 50,
    points: o.points ?? 30,
    noise: o.noise ?? 0.1,
    seed,
  });
  const dim = data.dim;
  const x = tf.tensor2d(Float32Array.from(data.x), [data.n, dim]);
  const y = tf.tensor2d(Float32Array.from(data.y), [data.n, dim]);
  const trainer = createGradientTrainer({ optimizer: 'adam', loss: 'mse', learningRate: o.learningRate ?? 3e-3, epochs, batchSize: o.batchSize ?? 64, seed });
  const hnn = new HamiltonianNN({ hidden, seed });
  const baseline = createMlp({ inputs: dim, hidden, outputs: dim, outputActivation: 'linear', seed });
  try {
    hnn.forward(tf.slice(x, 0, 1)).dispose(); // the trainer reads the weights before its first batch
    const hh = await trainer.fit(hnn, { x, y });
    const bh = await trainer.fit(baseline, { x, y });
    const initial = o.initial === undefined ? system.sampleInitial(createRandom(seed).fork('test')) : Float64Array.from(o.initial);
    const truth = hamiltonianTrajectory(system, { n: steps + 1, dt, initial }).x;
    const hnnPath = rolloutHamiltonian(hnn.toFloat64(), initial, { dt, steps });
    const layers = baseline.layers.map((l) => l.getWeights().map((w) => Float64Array.from(w.dataSync())));
    const mlp = createMlp64([dim, ...hidden, dim], layers.flat(), 'tanh');
    const basePath = rolloutVectorField((s) => mlp.forward(s, 1), initial, { dt, steps });
    const H = (s: Float64Array) => system.energy(s);
    return {
      system: system.name,
      hnnEnergyMse: energyMse(H, hnnPath, truth, dim),
      baselineEnergyMse: energyMse(H, basePath, truth, dim),
      hnnLoss: hh.loss.at(-1)!,
      baselineLoss: bh.loss.at(-1)!,
      t: Float64Array.from({ length: steps + 1 }, (_, i) => i * dt),
      truth,
      hnn: hnnPath,
      baseline: basePath,
    };
  } finally {
    tf.dispose([x, y]);
    if (hnn.built) hnn.dispose();
    baseline.dispose();
  }
}
