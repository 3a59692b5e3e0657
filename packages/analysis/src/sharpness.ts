/**
 * Sharpness as an Observer: every k steps of a run (a gradient Trainer, or gradient descent
 * written as the explicit Euler integration of the gradient flow θ′ = −∇L(θ)) it reads the
 * parameters and measures the top Hessian eigenvalues by Lanczos, next to the stability
 * threshold 2/η of the step η in force.
 */
import {
  callbackFailed,
  checkFunction,
  checkInteger,
  checkOptions,
  checkPositive,
  invalid,
  isParametric,
  isPhaseflowError,
  type Observer,
  type StepEvent,
} from '@phaseflow/core';
import { checkControl, checkStartEvent, checkStepEvent } from './args.js';
import { hessianEigenvalues, type GradientFunction } from './hessian.js';

type F = Float64Array;

/** One sharpness measurement. */
export interface SharpnessRecord {
  /** Step of the run (0 for the start). */
  readonly step: number;
  readonly t: number;
  /** Step size η (learning rate) of that step; 2/η is the edge of stability. */
  readonly eta: number | undefined;
  /** 2/η (undefined when η is unknown or 0). */
  readonly threshold: number | undefined;
  /** The loss the run reported, when it reported one. */
  readonly loss: number | undefined;
  /** The top-k Hessian eigenvalues, descending; `values[0]` is the sharpness. */
  readonly values: number[];
  /** Gradient evaluations the measurement cost. */
  readonly gradientEvaluations: number;
}

/** Options of {@link createSharpnessObserver}. */
export interface SharpnessObserverOptions {
  /** ∇L(θ) on the full batch (e.g. `mseLoss(net, batch, y).gradient`). */
  readonly gradient: GradientFunction;
  /** Measure every k steps (default 10), and at the start when the run hands its initial state. */
  readonly every?: number;
  /** Number of top eigenvalues (default 1). */
  readonly k?: number;
  /** Largest Lanczos dimension (default 20). */
  readonly iterations?: number;
  /** Lanczos tolerance (default 1e-4: sharpness to four digits). */
  readonly tolerance?: number;
  /** Relative difference step of the Hessian–vector products (default 1e-5). */
  readonly step?: number;
  /** Seed of the first Lanczos start; later ones warm-start from the previous top eigenvector. */
  readonly seed?: number;
  /** Called with every record as it is made. */
  readonly onMeasure?: (record: SharpnessRecord) => void;
  /** Ask the run to stop once the sharpness exceeds this many times 2/η (e.g. 1.5 to stop past the edge). */
  readonly stopAboveThreshold?: number;
}

/** The observer, with what it measured. */
export interface SharpnessObserver extends Observer {
  readonly name: 'sharpness';
  /** Every measurement so far, in step order. */
  readonly records: readonly SharpnessRecord[];
}

/** θ from a step event's state: a Float64Array (gradient flow) or a parametric model (a Trainer's model). */
function readTheta(state: unknown): F {
  if (state instanceof Float64Array) return state;
  if (isParametric(state as never)) return (state as { parameters: { get(): F } }).parameters.get();
  return invalid('event.state', 'a Float64Array of parameters or a model with a parametric view', state);
}

/**
 * An Observer that measures the sharpness λ_max(∇²L) (and the next k − 1 eigenvalues) every k
 * steps of a run, by Lanczos on Hessian–vector products from `gradient`; records carry the
 * threshold 2/η of the step size (`h` of the step event). Under full-batch gradient descent the
 * sharpness first rises (progressive sharpening), then hovers at 2/η (the edge of stability),
 * where quadratic theory says gradient descent should diverge. Works on integration runs
 * whose state is θ (gradient descent = explicit Euler on θ′ = −∇L(θ) with h = η) and on
 * Trainer runs whose state is a parametric model.
 *
 * Source: J. Cohen, S. Kaur, Y. Li, J. Z. Kolter, A. Talwalkar, Gradient descent on neural
 * networks typically occurs at the edge of stability, ICLR 2021.
 *
 * @example
 * ```ts
 * import { integrate, odeProblem } from '@phaseflow/core';
 * import { createEuler } from '@phaseflow/runge-kutta';
 * const loss = mseLoss(net, batch, y);
 * const flow = odeProblem((_t, th, out = new Float64Array(th.length)) => {
 *   loss.gradient(th, out);
 *   for (let i = 0; i < out.length; i++) out[i] = -out[i]!;
 *   return out;
 * });
 * const sharp = createSharpnessObserver({ gradient: loss.gradient, every: 20 });
 * integrate(createEuler(), flow, net.parameters.get(), { tEnd: 2000 * 0.05, h: 0.05, observers: [sharp] });
 * sharp.records.at(-1)!.values[0]; // ≈ 2/0.05 = 40 at the edge of stability
 * ```
 */
export function createSharpnessObserver(options: SharpnessObserverOptions): SharpnessObserver {
  const o = checkOptions('options', options, ['gradient', 'every', 'k', 'iterations', 'tolerance', 'step', 'seed', 'onMeasure', 'stopAboveThreshold']);
  if (o === undefined) invalid('options', 'an options object with a gradient', o);
  const gradient = checkFunction<GradientFunction>('options.gradient', o.gradient);
  const every = o.every === undefined ? 10 : checkInteger('options.every', o.every, { min: 1 });
  const k = o.k === undefined ? 1 : checkInteger('options.k', o.k, { min: 1 });
  const iterations = o.iterations === undefined ? 20 : checkInteger('options.iterations', o.iterations, { min: 1 });
  const tolerance = o.tolerance === undefined ? 1e-4 : checkPositive('options.tolerance', o.tolerance);
  const step = o.step === undefined ? 1e-5 : checkPositive('options.step', o.step);
  const seed = o.seed === undefined ? 0 : checkInteger('options.seed', o.seed, { min: 0, max: 2 ** 32 - 1 });
  const onMeasure = o.onMeasure === undefined ? undefined : checkFunction<(r: SharpnessRecord) => void>('options.onMeasure', o.onMeasure);
  const stopAbove = o.stopAboveThreshold === undefined ? undefined : checkPositive('options.stopAboveThreshold', o.stopAboveThreshold);
  const records: SharpnessRecord[] = [];
  let warm: F | undefined;
  const measure = (e: Pick<StepEvent, 'step' | 't' | 'state'> & { h?: number; loss?: number }): SharpnessRecord => {
    const theta = readTheta(e.state);
    const n = theta.length;
    const res = hessianEigenvalues(gradient, theta, {
      k: Math.min(k, n),
      iterations: Math.max(Math.min(k, n), Math.min(iterations, n)),
      tolerance,
      step,
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
      gradientEvaluations: res.gradientEvaluations,
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
    name: 'sharpness',
    records,
    on: {
      'run:start': (e) => {
        checkStartEvent(e);
        if (e.state !== undefined && e.state !== null) measure({ step: 0, t: e.t0 ?? 0, state: e.state });
      },
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
