/**
 * The vector space of tf.Tensor: core integrators and `integrate` run on tensors unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import {
  PhaseflowError,
  checkFinite,
  checkFunction,
  checkNonNegative,
  integrate,
  invalid,
  type IntegrateOptions,
  type Integrator,
  type Keep,
  type PartialSolution,
  type Problem,
  type Solution,
  type VectorSpace,
} from '@phaseflow/core';
import { checkTensor } from './layer.js';

/** A tf.Tensor, live or already disposed (disposing twice is harmless). */
function checkAnyTensor(argument: string, value: unknown): tf.Tensor {
  if (!(value instanceof tf.Tensor)) checkTensor(argument, value);
  return value as tf.Tensor;
}

/** A tolerance of errorNorm: a number ≥ 0 or a tensor of per-component tolerances. */
function checkTolerance(argument: string, value: unknown): number | tf.Tensor {
  return value instanceof tf.Tensor ? checkTensor(argument, value) : checkNonNegative(argument, value);
}

const scalarOf = (t: tf.Tensor): number => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

/**
 * `VectorSpace<tf.Tensor>`: immutable (every operation ignores `out` and returns a new tensor),
 * float32 on every backend but cpu/tensorflow, no tensor left behind by `dot`, `norm`,
 * `isFinite`, `errorNorm`, `toFloat64`. Every operation checks its operands before any op
 * runs (INVALID_ARGUMENT naming `x`, `y`, `a`, `xs[j]`, … for what is not a live tensor or a
 * finite coefficient), so a bad call allocates nothing. Intermediate states an integrator drops are not
 * disposed by the integrator: `scope(fn)` (core's `StateOps.scope`, a `tf.tidy` that keeps
 * what `keep` marks, on success and on throw) releases them; drivers run inside it, and
 * {@link integrateTensors} is `integrate` inside a tidy.
 *
 * out ← y + a·x, out ← base + Σᵢ cᵢ·xᵢ, ⟨x, y⟩ = Σ xᵢyᵢ, all elementwise over any shape.
 *
 * @example
 * ```ts
 * const y = tensorSpace.axpy(0.1, tf.tensor([1, 2]), tf.tensor([0, 0])); // [0.1, 0.2]
 * tensorSpace.norm(y); // 0.2236…
 * ```
 */
export const tensorSpace: VectorSpace<tf.Tensor> = {
  name: 'tensor',
  mutable: false,
  zeros: (like) => tf.zerosLike(checkTensor('like', like)),
  clone: (y) => checkTensor('y', y).clone(),
  copy: (src) => checkTensor('src', src).clone(),
  size: (y) => checkTensor('y', y).size,
  isFinite: (y) => (checkTensor('y', y).size === 0 ? true : scalarOf(tf.tidy(() => tf.all(tf.isFinite(y))))) !== 0,
  toFloat64(y, out) {
    const data = checkTensor('y', y).dataSync();
    if (out !== undefined) {
      if (!(out instanceof Float64Array)) invalid('out', `a Float64Array of ${data.length} numbers`, out);
      if (out.length !== data.length) {
        throw new PhaseflowError('SHAPE_MISMATCH', `out: expected length ${data.length} (the size of y), received length ${out.length}`, {
          argument: 'out',
          expected: `length ${data.length}`,
          received: `length ${out.length}`,
        });
      }
    }
    const o = out ?? new Float64Array(data.length);
    o.set(data);
    return o;
  },
  dispose: (y) => checkAnyTensor('y', y).dispose(),
  scope<T>(fn: (keep: Keep<tf.Tensor>) => T): T {
    checkFunction('fn', fn);
    // tf.tidy releases what `fn` allocated and hands the kept tensors to the enclosing scope;
    // the throw is caught inside so that kept tensors (a failed run's partial) survive it too.
    const kept: tf.Tensor[] = [];
    const keep = (y: tf.Tensor) => {
      kept.push(y);
      return y;
    };
    let result: T | undefined;
    let failed = false;
    let failure: unknown;
    tf.tidy(() => {
      try {
        result = fn(keep);
      } catch (e) {
        failed = true;
        failure = e;
      }
      return kept;
    });
    if (failed) throw failure;
    return result as T;
  },
  axpy(a, x, y) {
    // With a = 0, x is not read (as in combine): integrators may pass a released stage there.
    if (checkFinite('a', a) !== 0) checkTensor('x', x);
    checkTensor('y', y);
    return tf.tidy(() => (a === 0 ? y.clone() : tf.add(y, tf.mul(x, a))));
  },
  scale(a, x) {
    checkFinite('a', a);
    checkTensor('x', x);
    return tf.tidy(() => tf.mul(x, a));
  },
  combine(c, xs, base) {
    if (c === null || typeof c !== 'object' || !(Array.isArray(c) || ArrayBuffer.isView(c))) {
      invalid('coefficients', 'an array or typed array of finite numbers', c);
    }
    if (!Array.isArray(xs)) invalid('xs', 'an array of tensors', xs);
    if (c.length < xs.length) invalid('coefficients', `at least ${xs.length} coefficients (one per tensor of xs)`, c);
    for (let j = 0; j < xs.length; j++) {
      // A term with coefficient 0 is skipped unread: integrators may pass a stage already released there.
      if (checkFinite(`coefficients[${j}]`, c[j]) !== 0) checkTensor(`xs[${j}]`, xs[j]);
    }
    if (base !== undefined) checkTensor('base', base);
    else if (xs.length === 0) invalid('xs', 'at least one tensor when base is omitted', xs);
    return tf.tidy(() => {
      let acc: tf.Tensor | undefined = base?.clone();
      for (let j = 0; j < xs.length; j++) {
        const cj = c[j]!;
        if (cj === 0) continue;
        const term = tf.mul(xs[j]!, cj);
        acc = acc ? tf.add(acc, term) : term;
      }
      return acc ?? tf.zerosLike((base ?? xs[0])!);
    });
  },
  dot: (x, y) => {
    checkTensor('x', x);
    checkTensor('y', y);
    return scalarOf(tf.tidy(() => tf.sum(tf.mul(x, y))));
  },
  norm: (x) => scalarOf(tf.tidy(() => tf.norm(checkTensor('x', x)))),
  errorNorm(err, a, b, atol, rtol) {
    checkTensor('err', err);
    checkTensor('a', a);
    checkTensor('b', b);
    checkTolerance('atol', atol);
    checkTolerance('rtol', rtol);
    if (err.size === 0) return 0;
    return scalarOf(
      tf.tidy(() => {
        const w = tf.add(atol, tf.mul(rtol, tf.maximum(tf.abs(a), tf.abs(b))));
        return tf.sqrt(tf.mean(tf.square(tf.div(err, w))));
      }),
    );
  },
};

/**
 * {@link integrate} for problems whose state is a tensor (or holds tensors, like a phase
 * state over {@link tensorSpace}): runs the driver inside `tf.tidy`, so every intermediate
 * stage tensor is released and only the saved states (`y`, `yFinal`) survive. The caller owns
 * those; dispose them with `tf.dispose(sol.y)` (yFinal is one of them unless saving skipped it).
 * On failure the error's `partial` keeps its tensors too.
 *
 * @example
 * ```ts
 * const decay = odeProblem<tf.Tensor>((_t, y) => tf.neg(y), { space: tensorSpace });
 * const sol = integrateTensors(rk4, decay, tf.ones([3]), { tEnd: 1, steps: 20 });
 * ```
 */
export function integrateTensors<P extends Problem<Y>, Y>(integrator: Integrator<P, Y>, problem: P, y0: Y, options: IntegrateOptions): Solution<Y> {
  let solution: Solution<Y> | undefined;
  let failure: unknown;
  tf.tidy(() => {
    try {
      solution = integrate(integrator, problem, y0, options);
      return [solution.y, solution.yFinal] as unknown as tf.TensorContainer;
    } catch (e) {
      failure = e;
      const partial = e instanceof PhaseflowError ? (e.partial as PartialSolution<Y> | undefined) : undefined;
      return (partial ? [partial.y, partial.yFinal] : []) as unknown as tf.TensorContainer;
    }
  });
  if (failure !== undefined) throw failure;
  return solution!;
}
