/**
 * The copying task (Hochreiter & Schmidhuber 1997; in the form of Arjovsky, Shah & Bengio 2016
 * and expRNN): read 10 symbols from an alphabet of 8, wait T steps, then write them back. An
 * orthogonal RNN can carry the symbols through T steps; a tanh RNN of the same size forgets
 * them and stays at the memoryless baseline. What the lie bench and the copying demo run.
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger, checkOneOf, checkOptions, checkPositive, createRandom, type Random } from '@phaseflow/core';
import { OrthogonalRnn, recurrence } from '@phaseflow/lie/tfjs';

/** Symbols: 0 blank, 1…8 data, 9 the marker "write now". Outputs: 0 blank, 1…8. */
const INPUTS = 10;
const CLASSES = 9;
const SEQUENCE = 10;
const ALPHABET = 8;

/** The models compared: expRNN, the Householder cell, and an unconstrained tanh RNN. */
export type CopyingModel = 'exprnn' | 'householder' | 'tanh';

/** Options of {@link runCopyingTask}. */
export interface CopyingTaskOptions {
  /** Memory length T (blanks between the last data symbol and the marker, plus one). */
  readonly memory: number;
  readonly model: CopyingModel;
  /** Hidden width n (default 32). */
  readonly units?: number;
  /** Sequences per batch (default 16). */
  readonly batchSize?: number;
  /** Training iterations, one fresh batch each (default 300). */
  readonly iterations?: number;
  /** RMSprop learning rate (default 1e-3). */
  readonly learningRate?: number;
  /** RMSprop learning rate of the orthogonal parameters θ (default: `learningRate`; expRNN uses a smaller one). */
  readonly orthogonalLearningRate?: number;
  /** Seed of the weights and of the data (default 1). */
  readonly seed?: number;
  /** Evaluate on a fixed held-out batch of 64 sequences every this many iterations (default 25). */
  readonly evaluateEvery?: number;
  /** Called after every iteration with its (0-based) index and batch loss. */
  readonly onIteration?: (iteration: number, loss: number) => void;
}

/** What {@link runCopyingTask} measured. */
export interface CopyingRun {
  readonly model: CopyingModel;
  readonly memory: number;
  readonly units: number;
  readonly batchSize: number;
  readonly iterations: number;
  readonly learningRate: number;
  readonly orthogonalLearningRate: number;
  /** 10·ln 8/(T + 20): the cross-entropy of blanks, then uniform guesses. */
  readonly baseline: number;
  /** Training cross-entropy per iteration (each on a fresh batch). */
  readonly loss: number[];
  /** Held-out cross-entropy at iterations 0, every, 2·every, …, and after the last. */
  readonly evaluation: { iteration: number; loss: number }[];
  /** The held-out cross-entropy after training. */
  readonly finalLoss: number;
  /** Fraction of the 10 written symbols the trained model gets right (held-out batch). */
  readonly accuracy: number;
  readonly trainableParameters: number;
  readonly msPerIteration: number;
}

/**
 * 10·ln 8/(T + 20): the cross-entropy per step of a model that outputs blanks until the marker
 * and then guesses uniformly among the 8 symbols — what a net without memory reaches.
 *
 * @example
 * ```ts
 * copyingBaseline(1000); // 0.0204
 * ```
 */
export function copyingBaseline(memory: number): number {
  checkInteger('memory', memory, { min: 1 });
  return (SEQUENCE * Math.log(ALPHABET)) / (memory + 2 * SEQUENCE);
}

/**
 * A batch of copying sequences of length T + 20: inputs are 10 symbols from 1…8, T − 1 blanks,
 * the marker 9, 10 blanks; targets are T + 10 blanks, then the 10 symbols.
 *
 * @example
 * ```ts
 * const { x, y } = copyingBatch(createRandom(1), 16, 100); // Int32Array of 16 × 120 each
 * ```
 */
export function copyingBatch(random: Random, batch: number, memory: number): { x: Int32Array; y: Int32Array } {
  const L = memory + 2 * SEQUENCE;
  const x = new Int32Array(batch * L),
    y = new Int32Array(batch * L);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < SEQUENCE; i++) {
      const s = 1 + random.int(ALPHABET);
      x[b * L + i] = s;
      y[b * L + memory + SEQUENCE + i] = s;
    }
    x[b * L + memory + SEQUENCE - 1] = ALPHABET + 1;
  }
  return { x, y };
}

interface Net {
  readonly weights: tf.Variable[];
  /** The orthogonal parameters θ (none for the tanh RNN). */
  readonly orthogonal: tf.Variable[];
  /** Logits [L·B, 9], time-major, for one-hot inputs [B, L, 10]. */
  logits(x: tf.Tensor): tf.Tensor2D;
  dispose(): void;
}

function createNet(model: CopyingModel, n: number, seed: number, memory: number): Net {
  const normal = (rows: number, cols: number, std: number, r: Random) =>
    tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from(r.fillNormal(new Float64Array(rows * cols), 0, std)), [rows, cols])));
  // The readout starts at the target's marginal (V = 0, c = log class frequencies) for every
  // model, so training starts near the memoryless loss instead of far above it.
  const L = memory + 2 * SEQUENCE;
  const prior = [Math.log((memory + SEQUENCE) / L), ...Array.from({ length: ALPHABET }, () => Math.log(SEQUENCE / ALPHABET / L))];
  const V = tf.tidy(() => tf.variable(tf.zeros([n, CLASSES])));
  const c = tf.tidy(() => tf.variable(tf.tensor1d(prior)));
  const readout = (H: tf.Tensor) => {
    const [L, B] = H.shape as [number, number, number];
    return tf.add(tf.matMul(tf.reshape(H, [L * B, n]), V), c) as tf.Tensor2D;
  };
  if (model === 'tanh') {
    // The plain RNN of the same width: W and U unconstrained (N(0, 1/fan-in)), tanh, bias b.
    const r = createRandom(seed).fork('tanh');
    const W = normal(n, n, 1 / Math.sqrt(n), r);
    const U = normal(INPUTS, n, 1 / Math.sqrt(INPUTS), r);
    const b = tf.tidy(() => tf.variable(tf.zeros([n])));
    return {
      weights: [W, U, b, V, c],
      orthogonal: [],
      logits: (x) => {
        const [B, L] = x.shape as [number, number, number];
        const u = tf.transpose(tf.reshape(tf.matMul(tf.reshape(x, [B * L, INPUTS]), U), [B, L, n]), [1, 0, 2]);
        return readout(recurrence(W, u, b, { activation: 'tanh' }));
      },
      dispose: () => tf.dispose([W, U, b, V, c]),
    };
  }
  const rnn = new OrthogonalRnn({ units: n, map: model === 'exprnn' ? 'exponential' : 'householder', returnSequences: true, seed });
  tf.tidy(() => {
    rnn.apply(tf.zeros([1, 1, INPUTS]));
  });
  const [theta, ...rest] = rnn.trainableWeights.map((w) => w.read() as tf.Variable);
  return {
    weights: [theta!, ...rest, V, c],
    orthogonal: [theta!],
    logits: (x) => readout(tf.transpose(rnn.apply(x) as tf.Tensor, [1, 0, 2])),
    dispose: () => {
      rnn.dispose();
      tf.dispose([V, c]);
    },
  };
}

const tensors = (d: { x: Int32Array; y: Int32Array }, batch: number, L: number) =>
  tf.tidy(() => ({
    x: tf.oneHot(tf.tensor2d(d.x, [batch, L], 'int32'), INPUTS).toFloat(),
    // Targets time-major, as the logits.
    y: tf.reshape(tf.oneHot(tf.transpose(tf.tensor2d(d.y, [batch, L], 'int32')), CLASSES).toFloat(), [L * batch, CLASSES]),
  }));

/**
 * Train one model on the copying task with RMSprop (as expRNN) on fresh batches and report the
 * training and held-out cross-entropy against {@link copyingBaseline}. Output: a linear
 * readout of every hidden state to 9 logits; loss: the mean softmax cross-entropy over all
 * T + 20 steps. No tensor is left behind.
 *
 * @example
 * ```ts
 * const run = await runCopyingTask({ memory: 100, model: 'exprnn', iterations: 300 });
 * run.finalLoss < run.baseline; // true: it remembers
 * ```
 */
export async function runCopyingTask(options: CopyingTaskOptions): Promise<CopyingRun> {
  const o = checkOptions('options', options, [
    'memory',
    'model',
    'units',
    'batchSize',
    'iterations',
    'learningRate',
    'orthogonalLearningRate',
    'seed',
    'evaluateEvery',
    'onIteration',
  ]);
  const memory = checkInteger('options.memory', o.memory, { min: 1 });
  const model = checkOneOf<CopyingModel>('options.model', o.model, ['exprnn', 'householder', 'tanh']);
  const n = o.units === undefined ? 32 : checkInteger('options.units', o.units, { min: 2 });
  const batch = o.batchSize === undefined ? 16 : checkInteger('options.batchSize', o.batchSize, { min: 1 });
  const iterations = o.iterations === undefined ? 300 : checkInteger('options.iterations', o.iterations, { min: 1 });
  const learningRate = o.learningRate === undefined ? 1e-3 : checkPositive('options.learningRate', o.learningRate);
  const orthogonalLearningRate =
    o.orthogonalLearningRate === undefined ? learningRate : checkPositive('options.orthogonalLearningRate', o.orthogonalLearningRate);
  const seed = o.seed === undefined ? 1 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  const every = o.evaluateEvery === undefined ? 25 : checkInteger('options.evaluateEvery', o.evaluateEvery, { min: 1 });
  const L = memory + 2 * SEQUENCE;
  const net = createNet(model, n, seed, memory);
  const data = createRandom(seed).fork('data');
  const heldOutSize = 64;
  const heldOut = tensors(copyingBatch(createRandom(seed).fork('held-out'), heldOutSize, memory), heldOutSize, L);
  const optimizer = tf.train.rmsprop(learningRate);
  const orthogonalOptimizer = tf.train.rmsprop(orthogonalLearningRate);
  const loss: number[] = [];
  const evaluation: { iteration: number; loss: number }[] = [];
  const evaluate = (iteration: number) => {
    const v = tf.tidy(() => tf.losses.softmaxCrossEntropy(heldOut.y, net.logits(heldOut.x)).dataSync()[0]!);
    evaluation.push({ iteration, loss: v });
  };
  const started = performance.now();
  try {
    evaluate(0);
    for (let it = 0; it < iterations; it++) {
      const d = tensors(copyingBatch(data, batch, memory), batch, L);
      const value = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(d.y, net.logits(d.x)), net.weights);
        const orthogonal = new Set(net.orthogonal.map((v) => v.name));
        optimizer.applyGradients(Object.fromEntries(Object.entries(grads).filter(([k]) => !orthogonal.has(k))));
        if (orthogonal.size > 0) orthogonalOptimizer.applyGradients(Object.fromEntries(Object.entries(grads).filter(([k]) => orthogonal.has(k))));
        return value;
      });
      const v = (await value.data())[0]!;
      tf.dispose([d.x, d.y, value]);
      loss.push(v);
      o.onIteration?.(it, v);
      if ((it + 1) % every === 0 || it === iterations - 1) evaluate(it + 1);
    }
    const msPerIteration = (performance.now() - started) / iterations;
    // Accuracy on the 10 written symbols of the held-out batch.
    const accuracy = tf.tidy(() => {
      const predicted = tf.reshape(tf.argMax(net.logits(heldOut.x), 1), [L, heldOutSize]);
      const truth = tf.reshape(tf.argMax(heldOut.y, 1), [L, heldOutSize]);
      const tail = (t: tf.Tensor) => tf.slice(t, [memory + SEQUENCE, 0], [SEQUENCE, heldOutSize]);
      return tf.mean(tf.cast(tf.equal(tail(predicted), tail(truth)), 'float32')).dataSync()[0]!;
    });
    const trainableParameters = net.weights.reduce((s, w) => s + w.size, 0);
    return {
      model,
      memory,
      units: n,
      batchSize: batch,
      iterations,
      learningRate,
      orthogonalLearningRate,
      baseline: copyingBaseline(memory),
      loss,
      evaluation,
      finalLoss: evaluation.at(-1)!.loss,
      accuracy,
      trainableParameters,
      msPerIteration,
    };
  } finally {
    optimizer.dispose();
    orthogonalOptimizer.dispose();
    tf.dispose([heldOut.x, heldOut.y]);
    net.dispose();
  }
}
