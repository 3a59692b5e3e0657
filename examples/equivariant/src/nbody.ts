/**
 * N-body trajectories predicted by an EGNN: an EGNN_vel stack trained on one-frame steps of the
 * EGNN paper's charged particles (frame k → k + 1, 100 steps of dt = 0.001), with the last
 * frame's displacement as the velocity input, then rolled out on its own predictions from
 * frame 30 for `steps` frames and compared with the simulated truth and with the constant-
 * velocity extrapolation x_{k+1} = 2x_k − x_{k−1}. Every step of the rollout is E(3)-
 * equivariant, so the whole predicted trajectory of a rotated, reflected and shifted system is
 * the moved trajectory.
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, checkOptions, createRandom, type Observer } from '@phaseflow/core';
import { chargedParticles, type ChargedParticles } from '@phaseflow/datasets';
import { PhaseflowEgnn, euclideanGroup, packPointClouds } from '@phaseflow/equivariant';
import { createGradientTrainer } from '@phaseflow/tfjs';

/** Options of {@link runNbodyRollout}. */
export interface NbodyRolloutOptions {
  /** Seed of the simulations, the weights and the batch order (default 1). */
  readonly seed?: number;
  /** Training trajectories (default 100; each gives startFrame + steps − 1 one-frame pairs). */
  readonly train?: number;
  /** Test trajectories rolled out (default 20). */
  readonly test?: number;
  /** Training epochs (default 4). */
  readonly epochs?: number;
  /** EGNN layers (default 3) and their width (default 32). */
  readonly layers?: number;
  readonly hidden?: number;
  /** First frame of the rollout (default 30, the paper's input frame). */
  readonly startFrame?: number;
  /** Frames predicted (default 10: up to frame 40, the paper's target). */
  readonly steps?: number;
  readonly onProgress?: (fraction: number, message: string) => void;
}

/** What {@link runNbodyRollout} returns (positions [trajectory, frame, particle, xyz], frames startFrame − 1 … startFrame + steps). */
export interface NbodyRollout {
  readonly frames: readonly number[];
  readonly truth: Float64Array;
  readonly egnn: Float64Array;
  readonly constantVelocity: Float64Array;
  readonly charges: Float64Array;
  /** Mean squared position error over the test systems at each predicted frame. */
  readonly mse: { readonly egnn: number[]; readonly constantVelocity: number[] };
  readonly parameters: number;
  readonly trainSeconds: number;
  readonly trainMse: number;
  /** The model's rollout from a moved initial condition against the moved rollout, relative (float32). */
  readonly equivarianceError: number;
}

const N = 5;
const D = 3;

/** Packed EGNN_vel rows [B, 5, 12]: x, v = last displacement, h = |v|, edges q_i q_j. */
function packFrames(batch: number, x: Float64Array, prev: Float64Array, edges: Float64Array): tf.Tensor3D {
  const v = x.map((xi, i) => xi - prev[i]!);
  const h = Float64Array.from({ length: batch * N }, (_, i) => Math.hypot(v[3 * i]!, v[3 * i + 1]!, v[3 * i + 2]!));
  const p = packPointClouds({ batch, n: N, dim: D, x, v, h, edges });
  return tf.tensor3d(Float32Array.from(p.data), p.shape as [number, number, number]);
}

const positionLoss = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar =>
  tf.tidy(() => tf.mean(tf.square(tf.sub(tf.slice(yPred, [0, 0, 0], [-1, -1, D]), yTrue))) as tf.Scalar);

/** One frame's positions of trajectories `from … from + count` of a simulation, [count, 5, 3]. */
function frameOf(sim: ChargedParticles, from: number, count: number, frame: number): Float64Array {
  const block = N * D;
  const out = new Float64Array(count * block);
  for (let s = 0; s < count; s++)
    out.set(sim.loc.subarray(((from + s) * sim.frames + frame) * block, ((from + s) * sim.frames + frame + 1) * block), s * block);
  return out;
}

/** Roll the model out from (prev, cur) for `steps` frames; returns the predicted frames, [steps, B, 5, 3] flattened per frame. */
function rollout(model: tf.LayersModel, batch: number, prev: Float64Array, cur: Float64Array, edges: Float64Array, steps: number): Float64Array[] {
  const out: Float64Array[] = [];
  let [a, b] = [prev, cur];
  for (let k = 0; k < steps; k++) {
    const input = packFrames(batch, b, a, edges);
    const y = tf.tidy(() => tf.slice(model.predict(input) as tf.Tensor, [0, 0, 0], [-1, -1, D]));
    const next = Float64Array.from(y.dataSync());
    tf.dispose([input, y]);
    out.push(next);
    [a, b] = [b, next];
  }
  return out;
}

/** Train the EGNN on one-frame steps and roll it out on test systems. */
export async function runNbodyRollout(options: NbodyRolloutOptions = {}): Promise<NbodyRollout> {
  const o = checkOptions('options', options, ['seed', 'train', 'test', 'epochs', 'layers', 'hidden', 'startFrame', 'steps', 'onProgress']);
  const seed = o.seed === undefined ? 1 : checkInteger('options.seed', o.seed, { min: 0 });
  const nTrain = o.train === undefined ? 100 : checkInteger('options.train', o.train, { min: 1 });
  const nTest = o.test === undefined ? 20 : checkInteger('options.test', o.test, { min: 1 });
  const epochs = o.epochs === undefined ? 4 : checkInteger('options.epochs', o.epochs, { min: 1 });
  const layers = o.layers === undefined ? 3 : checkInteger('options.layers', o.layers, { min: 1 });
  const hidden = o.hidden === undefined ? 32 : checkInteger('options.hidden', o.hidden, { min: 1 });
  const start = o.startFrame === undefined ? 30 : checkInteger('options.startFrame', o.startFrame, { min: 1 });
  const steps = o.steps === undefined ? 10 : checkInteger('options.steps', o.steps, { min: 1 });
  const last = start + steps;
  const every = 100;
  const sim = chargedParticles({ samples: nTrain + nTest, seed, steps: (last + 2) * every, every });
  const block = N * D;

  // One-frame pairs of the training systems: frames k − 1, k → k + 1 for k = 1 … last − 1.
  const pairs = nTrain * (last - 1);
  const x = new Float64Array(pairs * block);
  const prev = new Float64Array(pairs * block);
  const target = new Float32Array(pairs * block);
  const edges = new Float64Array(pairs * N * N);
  let r = 0;
  for (let s = 0; s < nTrain; s++) {
    for (let k = 1; k < last; k++, r++) {
      x.set(frameOf(sim, s, 1, k), r * block);
      prev.set(frameOf(sim, s, 1, k - 1), r * block);
      target.set(frameOf(sim, s, 1, k + 1), r * block);
      edges.set(sim.edges.subarray(s * N * N, (s + 1) * N * N), r * N * N);
    }
  }
  const model = tf.sequential({
    layers: Array.from(
      { length: layers },
      (_, l) =>
        new PhaseflowEgnn({
          dim: D,
          features: l === 0 ? 1 : hidden,
          outFeatures: hidden,
          edgeFeatures: 1,
          hidden,
          velocity: true,
          seed: seed + l,
          ...(l === 0 && { inputShape: [N, 2 * D + 1 + N] }),
        }),
    ),
  });
  try {
    return await trainAndRollOut(model, sim, { nTrain, nTest, epochs, seed, start, steps, onProgress: o.onProgress }, { x, prev, target, edges, pairs });
  } finally {
    model.dispose();
  }
}

async function trainAndRollOut(
  model: tf.Sequential,
  sim: ChargedParticles,
  o: { nTrain: number; nTest: number; epochs: number; seed: number; start: number; steps: number; onProgress?: (fraction: number, message: string) => void },
  data: { x: Float64Array; prev: Float64Array; target: Float32Array; edges: Float64Array; pairs: number },
): Promise<NbodyRollout> {
  const { nTrain, nTest, epochs, seed, start, steps } = o;
  const block = N * D;
  const xs = packFrames(data.pairs, data.x, data.prev, data.edges);
  const ys = tf.tensor3d(data.target, [data.pairs, N, D]);
  const t0 = performance.now();
  const progress: Observer = {
    name: 'progress',
    on: { 'epoch:end': (e) => o.onProgress?.((e.epoch + 1) / (epochs + 1), `epoch ${e.epoch + 1} of ${epochs}`) },
  };
  const trainer = createGradientTrainer({ epochs, batchSize: 100, learningRate: 0.001, clipNorm: 1, loss: positionLoss, seed });
  const history = await trainer.fit(model, { inputs: xs, targets: ys }, { observers: [progress] }).finally(() => tf.dispose([xs, ys]));
  const trainSeconds = +((performance.now() - t0) / 1000).toFixed(1);
  const trainMse = history.loss.at(-1)!;

  // Rollouts of the test systems from (start − 1, start).
  const testEdges = sim.edges.subarray(nTrain * N * N);
  const p0 = frameOf(sim, nTrain, nTest, start - 1);
  const p1 = frameOf(sim, nTrain, nTest, start);
  const predicted = rollout(model, nTest, p0, p1, testEdges, steps);
  const cv: Float64Array[] = [];
  {
    let [a, b] = [p0, p1];
    for (let k = 0; k < steps; k++) {
      const next = b.map((v, i) => 2 * v - a[i]!);
      cv.push(next);
      [a, b] = [b, next];
    }
  }
  const mse = { egnn: [] as number[], constantVelocity: [] as number[] };
  for (let k = 0; k < steps; k++) {
    const truth = frameOf(sim, nTrain, nTest, start + 1 + k);
    const err = (p: Float64Array) => p.reduce((s, v, i) => s + (v - truth[i]!) ** 2, 0) / p.length;
    mse.egnn.push(err(predicted[k]!));
    mse.constantVelocity.push(err(cv[k]!));
  }

  // Equivariance of the whole rollout: move every test system by its own g ∈ E(3).
  const E3 = euclideanGroup(3);
  const rng = createRandom(seed + 99);
  const m0 = new Float64Array(p0.length);
  const m1 = new Float64Array(p1.length);
  const gs = Array.from({ length: nTest }, () => E3.sample(rng));
  for (let s = 0; s < nTest; s++)
    for (let i = 0; i < N; i++) {
      const at = (s * N + i) * D;
      m0.set(E3.act(gs[s]!, p0.subarray(at, at + D)), at);
      m1.set(E3.act(gs[s]!, p1.subarray(at, at + D)), at);
    }
  const moved = rollout(model, nTest, m0, m1, testEdges, steps);
  let num = 0;
  let den = 0;
  for (let k = 0; k < steps; k++)
    for (let s = 0; s < nTest; s++)
      for (let i = 0; i < N; i++) {
        const at = (s * N + i) * D;
        const want = E3.act(gs[s]!, predicted[k]!.subarray(at, at + D));
        for (let c = 0; c < D; c++) {
          num = Math.max(num, Math.abs(moved[k]![at + c]! - want[c]!));
          den = Math.max(den, Math.abs(want[c]!));
        }
      }
  const parameters = model.countParams();

  // Frames start − 1 … last of every test system, for plotting.
  const frames = Array.from({ length: steps + 2 }, (_, i) => start - 1 + i);
  const gather = (series: Float64Array[]) => {
    const out = new Float64Array(nTest * frames.length * block);
    frames.forEach((_, f) => {
      const frame = f < 2 ? (f === 0 ? p0 : p1) : series[f - 2]!;
      for (let s = 0; s < nTest; s++) out.set(frame.subarray(s * block, (s + 1) * block), (s * frames.length + f) * block);
    });
    return out;
  };
  const truthFrames = frames.slice(2).map((f) => frameOf(sim, nTrain, nTest, f));
  return {
    frames,
    truth: gather(truthFrames),
    egnn: gather(predicted),
    constantVelocity: gather(cv),
    charges: sim.charges.slice(nTrain * N),
    mse,
    parameters,
    trainSeconds,
    trainMse,
    equivarianceError: num / den,
  };
}
