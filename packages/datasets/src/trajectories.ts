/**
 * Trajectories and Hamiltonian samples. Every trajectory is integrated with a private
 * classical RK4 (through core's `integrate`) on a fine grid of `substeps` steps per sample
 * interval `dt`; defaults keep the integration error far below any noise a user adds.
 */
import { callbackFailed, checkAllocation, checkOptions, createRandom, invalid, isPhaseflowError, type Random } from '@phaseflow/core';
import { noiseArg, positiveArg, seedArg, sizeArg, vectorArg } from './internal/args.js';
import { sampleOde } from './internal/sample.js';
import type { FlatHamiltonianSystem } from './hamiltonian-systems.js';
import type { RegressionSet, TimeSeries } from './types.js';

function checkSystem(system: unknown): FlatHamiltonianSystem {
  const s = system as FlatHamiltonianSystem;
  if (s === null || typeof s !== 'object' || typeof s.vectorField !== 'function' || typeof s.energy !== 'function' || !s.problem) {
    invalid('system', 'a FlatHamiltonianSystem (massSpringSystem(), pendulumSystem(), fromReferenceProblem(…), …)', system);
  }
  return s;
}

/** Options of {@link hamiltonianTrajectory}. */
export interface TrajectoryOptions {
  /** Number of samples (default 1000), the first at t = 0. */
  readonly n?: number;
  /** Time between samples (default 0.05). */
  readonly dt?: number;
  /** RK4 steps per sample interval (default 10). */
  readonly substeps?: number;
  /** Initial state (q, p); the system's default when omitted. */
  readonly initial?: ArrayLike<number>;
}

/**
 * Sample one trajectory of a Hamiltonian system: y(t_i), t_i = i·dt, with H(y(t_i)) in
 * `energy` (whose drift measures the integration error: RK4 with h = dt/substeps).
 *
 * @example
 * ```ts
 * const s = hamiltonianTrajectory(keplerSystem(), { n: 500, dt: 0.02 });
 * s.labels; // ['q1', 'q2', 'p1', 'p2']
 * ```
 */
export function hamiltonianTrajectory(system: FlatHamiltonianSystem, options: TrajectoryOptions = {}): TimeSeries {
  const sys = checkSystem(system);
  const o = checkOptions('options', options, ['n', 'dt', 'substeps', 'initial']);
  const n = sizeArg('options.n', o.n, 1000, 1, 2 * sys.degrees + 2);
  const dt = positiveArg('options.dt', o.dt, 0.05);
  const substeps = sizeArg('options.substeps', o.substeps, 10);
  const dim = 2 * sys.degrees;
  const y0 = o.initial === undefined ? Float64Array.from(sys.initial) : vectorArg('options.initial', o.initial, dim);
  const { t, x } = sampleOde(sys.problem, y0, n, dt, substeps);
  const energy = new Float64Array(n);
  for (let i = 0; i < n; i++) energy[i] = sys.energy(x.subarray(i * dim, (i + 1) * dim));
  return { kind: 'time-series', name: sys.name, t, x, n, dim, labels: sys.labels, energy };
}

/** Hamiltonian samples: a {@link RegressionSet} x = (q, p) → y = (dq/dt, dp/dt), plus provenance. */
export interface HamiltonianSamples extends RegressionSet {
  /** Which trajectory each row came from (0 … trajectories−1). */
  readonly trajectory: Int32Array;
  /** Time of each row along its trajectory. */
  readonly t: Float64Array;
  /** H at the noise-free state of each row. */
  readonly energy: Float64Array;
}

/** Options of {@link hamiltonianSamples}. */
export interface HamiltonianSampleOptions {
  /** Number of trajectories (default 50). */
  readonly trajectories?: number;
  /** Points per trajectory, evenly spaced on [0, tEnd] inclusive (default 30). */
  readonly points?: number;
  /** Length of each trajectory (default 3). */
  readonly tEnd?: number;
  /** Std of Gaussian noise added to q and p, not to the derivatives (default 0.1). */
  readonly noise?: number;
  /** RK4 steps between consecutive points (default 20). */
  readonly substeps?: number;
  readonly seed?: number;
  /** Draw initial states yourself (default `system.sampleInitial`). */
  readonly sampleInitial?: (rng: Random) => ArrayLike<number>;
}

/**
 * Data for learning a Hamiltonian, as in Greydanus, Dzamba & Yosinski (2019), "Hamiltonian
 * Neural Networks": `trajectories` initial states drawn from the system's distribution, each
 * integrated over [0, tEnd] and sampled at `points` times; the targets are the exact
 * derivatives (dq/dt, dp/dt) = (∂H/∂p, −∂H/∂q) at the clean states, and Gaussian noise of std
 * `noise` is then added to q and p (their spring/pendulum data: 50 trajectories, tEnd = 3,
 * noise 0.1; 30 points for the spring, 45 for the pendulum).
 *
 * @example
 * ```ts
 * const data = hamiltonianSamples(massSpringSystem(), { trajectories: 25, seed: 1 });
 * data.x; // n × 2 noisy (q, p);  data.y; // n × 2 exact (dq/dt, dp/dt)
 * ```
 */
export function hamiltonianSamples(system: FlatHamiltonianSystem, options: HamiltonianSampleOptions = {}): HamiltonianSamples {
  const sys = checkSystem(system);
  const o = checkOptions('options', options, ['trajectories', 'points', 'tEnd', 'noise', 'substeps', 'seed', 'sampleInitial']);
  const trajectories = sizeArg('options.trajectories', o.trajectories, 50);
  const points = sizeArg('options.points', o.points, 30, 2);
  const tEnd = positiveArg('options.tEnd', o.tEnd, 3);
  const noise = noiseArg(o.noise, 0.1);
  const substeps = sizeArg('options.substeps', o.substeps, 20);
  const rng = createRandom(seedArg(o.seed));
  const draw = o.sampleInitial === undefined ? sys.sampleInitial : o.sampleInitial;
  if (typeof draw !== 'function') invalid('options.sampleInitial', 'a function (rng) => initial state', draw);
  const dim = 2 * sys.degrees;
  const n = trajectories * points;
  checkAllocation(o.points !== undefined ? 'options.points' : 'options.trajectories', n * (2 * dim + 3), 8);
  const x = new Float64Array(n * dim);
  const y = new Float64Array(n * dim);
  const traj = new Int32Array(n);
  const t = new Float64Array(n);
  const energy = new Float64Array(n);
  const dt = tEnd / (points - 1);
  for (let k = 0; k < trajectories; k++) {
    let drawn: ArrayLike<number>;
    try {
      drawn = draw(rng);
    } catch (e) {
      if (o.sampleInitial === undefined && isPhaseflowError(e)) throw e;
      throw callbackFailed(o.sampleInitial === undefined ? 'system.sampleInitial' : 'options.sampleInitial', e, { trajectory: k });
    }
    const y0 = vectorArg(`options.sampleInitial(rng) (trajectory ${k})`, drawn, dim);
    const s = sampleOde(sys.problem, y0, points, dt, substeps);
    for (let i = 0; i < points; i++) {
      const row = k * points + i;
      const state = s.x.subarray(i * dim, (i + 1) * dim);
      sys.vectorField(state, y.subarray(row * dim, (row + 1) * dim));
      x.set(state, row * dim);
      traj[row] = k;
      t[row] = s.t[i]!;
      energy[row] = sys.energy(state);
    }
  }
  if (noise > 0) for (let j = 0; j < x.length; j++) x[j]! += noise * rng.normal();
  return { kind: 'regression', name: `${sys.name}-samples`, x, y, n, dim, outDim: dim, trajectory: traj, t, energy };
}
