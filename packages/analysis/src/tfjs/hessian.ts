/**
 * Second order through TensorFlow.js in float32: Hessian–vector products of a loss of weight
 * tensors by double backpropagation (Pearlmutter's R-operator as the gradient of ⟨∇L, v⟩),
 * the top of the Hessian spectrum by this package's Lanczos, and the sharpness Observer of a
 * tfjs training run. Vectors cross the boundary as Float64Array; inside, everything is float32
 * and every intermediate tensor is released, on success and on error.
 */
import * as tf from '@tensorflow/tfjs';
import {
  PhaseflowError,
  callbackFailed,
  checkFunction,
  checkInteger,
  checkOptions,
  checkPositive,
  invalid,
  isPhaseflowError,
  type Observer,
  type StepEvent,
} from '@phaseflow/core';
import { releaseTapeOnError } from '@phaseflow/tfjs';
import { checkControl, checkStepEvent } from '../args.js';
import { lanczos, type LanczosOptions, type LanczosResult } from '../lanczos.js';
import type { SharpnessRecord } from '../sharpness.js';

type F = Float64Array;

/** A scalar loss of a list of weight tensors, written with tf ops (differentiable twice). */
export type TensorLoss = (weights: readonly tf.Tensor[]) => tf.Scalar;

/** The Hessian of a tensor loss at fixed weights, from {@link createTensorHessian}. */
export interface TensorHessian {
  readonly name: 'tensor-hessian';
  /** Number of parameters n (all weights flattened in order). */
  readonly size: number;
  /** L(θ). */
  value(): number;
  /** out ← ∇L(θ) (flattened, float32 computed). */
  gradient(out?: F): F;
  /** out ← ∇²L(θ)·v by double backprop: one forward and two backward passes. */
  hessianVectorProduct(v: ArrayLike<number>, out?: F): F;
  /** The top-k eigenvalues by Lanczos on the products. */
  eigenvalues(options?: LanczosOptions): TensorHessianEigenvalues;
}

/** What {@link tensorHessianEigenvalues} returns. */
export interface TensorHessianEigenvalues extends LanczosResult {
  /** Hessian–vector products spent (each costs about two gradients). */
  readonly hessianVectorProducts: number;
}

function checkWeights(weights: unknown): readonly tf.Tensor[] {
  if (!Array.isArray(weights) || weights.length === 0 || !weights.every((w) => w instanceof tf.Tensor)) {
    invalid('weights', 'a non-empty array of tf.Tensor weights', weights);
  }
  for (const [i, w] of (weights as tf.Tensor[]).entries()) {
    if (w.isDisposed) invalid(`weights[${i}]`, 'a live tensor', 'a disposed tensor');
    if (w.dtype !== 'float32') invalid(`weights[${i}]`, 'a float32 tensor', w.dtype);
  }
  return weights as tf.Tensor[];
}

/** Read a list of tensors into one Float64Array, checking finiteness. */
function flatten(ts: readonly tf.Tensor[], out: F, what: string): F {
  let at = 0;
  for (const t of ts) {
    const d = t.dataSync();
    for (let i = 0; i < d.length; i++) {
      const x = d[i]!;
      if (!Number.isFinite(x)) {
        throw new PhaseflowError('NON_FINITE_STATE', `${what} became non-finite (entry ${at + i})`, { argument: 'loss' });
      }
      out[at + i] = x;
    }
    at += d.length;
  }
  return out;
}

/**
 * The Hessian of `loss` at the current values of `weights` as an operator: Hessian–vector
 * products ∇²L·v = ∇_θ⟨∇_θ L(θ), v⟩ by double backprop (`tf.grads` of `tf.grads`) in float32,
 * with Float64Array vectors at the boundary, so {@link lanczos} runs on it unchanged. The
 * weights are read, never modified or disposed; every call releases its tensors (a loss that
 * throws included: `tf.memory().numTensors` is the same before and after).
 *
 * The loss must be twice differentiable *by tfjs*: `tf.tanh` and `tf.sigmoid` save their
 * output detached from the tape, so nested gradients through them lose curvature (0.2 relative
 * error on a 1-8-8-1 tanh net); build losses with {@link twiceDifferentiable} activations or
 * {@link tensorMseLoss}.
 *
 * Sources: B. A. Pearlmutter, Fast exact multiplication by the Hessian, Neural Computation 6
 * (1994) 147–160; J. Cohen, S. Kaur, Y. Li, J. Z. Kolter, A. Talwalkar, Gradient descent on
 * neural networks typically occurs at the edge of stability, ICLR 2021.
 *
 * @example
 * ```ts
 * const H = createTensorHessian(tensorMseLoss({ inputs: xt, targets: yt }), weights);
 * H.eigenvalues({ k: 2 }).values; // the sharpness and the next eigenvalue
 * ```
 */
export function createTensorHessian(loss: TensorLoss, weights: readonly tf.Tensor[]): TensorHessian {
  checkFunction('loss', loss);
  const ws = checkWeights(weights);
  const shapes = ws.map((w) => w.shape.slice());
  const sizes = ws.map((w) => w.size);
  const n = sizes.reduce((a, b) => a + b, 0);
  const call = (u: readonly tf.Tensor[]): tf.Scalar => {
    const s = loss(u);
    if (!(s instanceof tf.Tensor) || s.size !== 1) invalid('loss', 'a function returning a scalar tf.Tensor', s);
    return s;
  };
  const gradOf = tf.grads((...u: tf.Tensor[]) => call(u));
  const split = (v: ArrayLike<number>): tf.Tensor[] => {
    let at = 0;
    return shapes.map((shape, i) => {
      const part = Float32Array.from({ length: sizes[i]! }, (_, j) => v[at + j]!);
      at += sizes[i]!;
      return tf.tensor(part, shape, 'float32');
    });
  };
  const run = <T extends tf.TensorContainer>(fn: () => T): T => releaseTapeOnError(() => tf.tidy(fn));
  const hvp = (v: ArrayLike<number>, out: F): F => {
    run(() => {
      const vs = split(v);
      const hv = tf.grads((...u: tf.Tensor[]) => {
        const g = gradOf(u);
        let s: tf.Tensor = tf.scalar(0);
        for (let i = 0; i < g.length; i++) s = tf.add(s, tf.sum(tf.mul(g[i]!, vs[i]!)));
        return s as tf.Scalar;
      })(ws as tf.Tensor[]);
      flatten(hv, out, 'the Hessian–vector product');
    });
    return out;
  };
  const H: TensorHessian = {
    name: 'tensor-hessian',
    size: n,
    value: () => run(() => call(ws).dataSync()[0]!),
    gradient(out = new Float64Array(n)) {
      if (!(out instanceof Float64Array) || out.length !== n)
        invalid('out', `a Float64Array of ${n} numbers`, out, out instanceof Float64Array ? 'SHAPE_MISMATCH' : 'INVALID_ARGUMENT');
      run(() => void flatten(gradOf(ws as tf.Tensor[]), out, 'the gradient'));
      return out;
    },
    hessianVectorProduct(v, out = new Float64Array(n)) {
      if (v === null || typeof v !== 'object' || v.length !== n) invalid('v', `a vector of ${n} numbers`, v, 'SHAPE_MISMATCH');
      for (let i = 0; i < n; i++)
        if (!Number.isFinite(v[i]!)) invalid(`v[${i}]`, 'a finite number', v[i], typeof v[i] === 'number' ? 'NON_FINITE_INPUT' : 'INVALID_ARGUMENT');
      if (!(out instanceof Float64Array) || out.length !== n)
        invalid('out', `a Float64Array of ${n} numbers`, out, out instanceof Float64Array ? 'SHAPE_MISMATCH' : 'INVALID_ARGUMENT');
      return hvp(v, out);
    },
    eigenvalues(options = {}) {
      const o = checkOptions('options', options, ['k', 'iterations', 'tolerance', 'start', 'seed', 'vectors']);
      // float32 products carry relative errors near 1e-6: ask Lanczos for 1e-4, not Float64's 1e-8
      const res = lanczos((v, out) => hvp(v, out), n, { tolerance: 1e-4, ...o });
      return { ...res, hessianVectorProducts: res.iterations };
    },
  };
  return H;
}

/**
 * The top-k eigenvalues of ∇²L at `weights` through tfjs in float32: Lanczos (full
 * re-orthogonalisation, Float64 recurrences) on double-backprop Hessian–vector products. The
 * sharpness λ_max is `values[0]`; agrees with the Float64 `hessianEigenvalues` of `@phaseflow/analysis` to float32
 * accuracy (relative 1e-5 on small nets).
 *
 * Source: J. Cohen et al., Gradient descent on neural networks typically occurs at the edge of
 * stability, ICLR 2021 (sharpness by Lanczos on Hessian–vector products).
 *
 * @example
 * ```ts
 * tensorHessianEigenvalues(loss, weights, { k: 3 }).values; // λ₁ ≥ λ₂ ≥ λ₃
 * ```
 */
export function tensorHessianEigenvalues(loss: TensorLoss, weights: readonly tf.Tensor[], options: LanczosOptions = {}): TensorHessianEigenvalues {
  return createTensorHessian(loss, weights).eigenvalues(options);
}

/** Options of {@link createTensorSharpnessObserver}. */
export interface TensorSharpnessObserverOptions {
  /** The full-batch loss as a function of the weights (e.g. {@link tensorMseLoss}). */
  readonly loss: TensorLoss;
  /** The weights in the run's state (default: a model's `trainableWeights`, or the state itself when it is an array of tensors). */
  readonly weights?: (state: unknown) => readonly tf.Tensor[];
  /** Measure every k steps (default 10). */
  readonly every?: number;
  /** Number of top eigenvalues (default 1). */
  readonly k?: number;
  /** Largest Lanczos dimension (default 20). */
  readonly iterations?: number;
  /** Lanczos tolerance (default 1e-4). */
  readonly tolerance?: number;
  /** Seed of the first Lanczos start; later ones warm-start from the previous top eigenvector. */
  readonly seed?: number;
  readonly onMeasure?: (record: SharpnessRecord) => void;
  /** Ask the run to stop once the sharpness exceeds this many times 2/η. */
  readonly stopAboveThreshold?: number;
}

/** The observer, with what it measured. */
export interface TensorSharpnessObserver extends Observer {
  readonly name: 'tensor-sharpness';
  readonly records: readonly SharpnessRecord[];
}

function defaultWeights(state: unknown): readonly tf.Tensor[] {
  if (Array.isArray(state) && state.every((t) => t instanceof tf.Tensor)) return state as tf.Tensor[];
  const tw = (state as { trainableWeights?: { read(): tf.Tensor }[] } | null)?.trainableWeights;
  if (Array.isArray(tw) && tw.length > 0) return tw.map((w) => w.read());
  return invalid('event.state', 'a tf model with trainableWeights or an array of weight tensors', state);
}

/**
 * An Observer of a tfjs training run (the @phaseflow/tfjs gradient Trainer, whose step events
 * carry the model) that measures the sharpness λ_max(∇²L) every k steps through tfjs, by
 * Lanczos on double-backprop Hessian–vector products, with the threshold 2/η of the step's
 * learning rate: the edge of stability of Cohen et al. measured in the same float32 engine
 * that trains. Leaves no tensor behind.
 *
 * Source: J. Cohen, S. Kaur, Y. Li, J. Z. Kolter, A. Talwalkar, ICLR 2021.
 *
 * @example
 * ```ts
 * const sharp = createTensorSharpnessObserver({ loss: tensorMseLoss({ inputs: xt, targets: yt }), every: 20 });
 * await trainer.fit(model, data, { epochs: 500, observers: [sharp] });
 * sharp.records.map((r) => r.values[0] / r.threshold!); // → 1 at the edge of stability
 * ```
 */
export function createTensorSharpnessObserver(options: TensorSharpnessObserverOptions): TensorSharpnessObserver {
  const o = checkOptions('options', options, ['loss', 'weights', 'every', 'k', 'iterations', 'tolerance', 'seed', 'onMeasure', 'stopAboveThreshold']);
  if (o === undefined) invalid('options', 'an options object with a loss', o);
  const loss = checkFunction<TensorLoss>('options.loss', o.loss);
  const read = o.weights === undefined ? defaultWeights : checkFunction<(s: unknown) => readonly tf.Tensor[]>('options.weights', o.weights);
  const every = o.every === undefined ? 10 : checkInteger('options.every', o.every, { min: 1 });
  const k = o.k === undefined ? 1 : checkInteger('options.k', o.k, { min: 1 });
  const iterations = o.iterations === undefined ? 20 : checkInteger('options.iterations', o.iterations, { min: 1 });
  const tolerance = o.tolerance === undefined ? 1e-4 : checkPositive('options.tolerance', o.tolerance);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  const onMeasure = o.onMeasure === undefined ? undefined : checkFunction<(r: SharpnessRecord) => void>('options.onMeasure', o.onMeasure);
  const stopAbove = o.stopAboveThreshold === undefined ? undefined : checkPositive('options.stopAboveThreshold', o.stopAboveThreshold);
  const records: SharpnessRecord[] = [];
  let warm: F | undefined;
  const measure = (e: Pick<StepEvent, 'step' | 't' | 'state'> & { h?: number; loss?: number }): SharpnessRecord => {
    const H = createTensorHessian(loss, read(e.state));
    const n = H.size;
    const kk = Math.min(k, n);
    const res = H.eigenvalues({
      k: kk,
      iterations: Math.max(kk, Math.min(iterations, n)),
      tolerance,
      ...(warm && warm.length === n ? { start: warm } : { seed }),
    });
    warm = res.vectors[0];
    const eta = e.h;
    const record: SharpnessRecord = {
      step: e.step,
      t: e.t,
      eta,
      threshold: eta !== undefined && eta !== 0 ? 2 / Math.abs(eta) : undefined,
      loss: e.loss,
      values: Array.from(res.values),
      gradientEvaluations: 2 * res.hessianVectorProducts,
    };
    records.push(record);
    if (onMeasure !== undefined) {
      try {
        onMeasure(record);
      } catch (err) {
        if (isPhaseflowError(err)) throw err;
        throw callbackFailed('options.onMeasure', err, { step: e.step, t: e.t });
      }
    }
    return record;
  };
  return {
    name: 'tensor-sharpness',
    records,
    on: {
      step: (e, control) => {
        checkStepEvent(e);
        checkControl(control);
        if (e.step % every !== 0) return;
        const r = measure(e);
        if (stopAbove !== undefined && r.threshold !== undefined && r.values[0]! > stopAbove * r.threshold) {
          control.stop(`sharpness ${r.values[0]} exceeds ${stopAbove} × 2/η = ${stopAbove * r.threshold}`);
        }
      },
    },
  };
}
