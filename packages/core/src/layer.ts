/**
 * The Layer role: a map from input to output, optionally with a parametric view — a flat
 * Float64 parameter vector that can be read and written — through which derivative-free
 * trainers (EnKF) train any layer, differentiable or not.
 */
import { PhaseflowError } from './errors.js';
import { describeValue, invalid } from './validate.js';

/** Read/write access to a layer's parameters as one flat vector θ ∈ ℝᴾ. */
export interface ParametricView<I = unknown, O = unknown> {
  /** P, the length of θ. */
  readonly size: number;
  /** θ, copied into `out` when given. */
  get(out?: Float64Array): Float64Array;
  /** Overwrite θ. */
  set(theta: ArrayLike<number>): void;
  /**
   * Optional batched evaluation of J parameter sets at once: `thetas` holds J rows of P
   * numbers; returns one output per member. Trainers fall back to set + forward per member.
   */
  forwardEnsemble?(thetas: Float64Array, members: number, input: I): O[];
}

/**
 * A map input → output.
 *
 * @example
 * ```ts
 * const affine: Layer<Float64Array, Float64Array> = {
 *   name: 'affine', forward: (x) => x.map((v) => 2 * v + 1),
 * };
 * ```
 */
export interface Layer<I, O> {
  readonly name: string;
  forward(input: I): O;
  /** The parametric view, when the layer has parameters a trainer may set. */
  readonly parameters?: ParametricView<I, O>;
}

/** A layer whose parametric view is present. */
export interface ParametricLayer<I, O> extends Layer<I, O> {
  readonly parameters: ParametricView<I, O>;
}

/** True when `layer` exposes a parametric view. */
export function isParametric<I, O>(layer: Layer<I, O>): layer is ParametricLayer<I, O> {
  const v = layer?.parameters;
  return v !== undefined && v !== null && typeof v.size === 'number' && typeof v.get === 'function' && typeof v.set === 'function';
}

/** Return `layer` as parametric or throw NOT_PARAMETRIC naming the argument. */
export function requireParametric<I, O>(argument: string, layer: Layer<I, O>): ParametricLayer<I, O> {
  if (typeof argument !== 'string' || argument === '') invalid('argument', 'the name of the layer argument (a non-empty string, e.g. "model")', argument);
  if (layer === null || typeof layer !== 'object' || typeof (layer as Layer<I, O>).forward !== 'function') {
    throw new PhaseflowError('NOT_PARAMETRIC', `${argument}: expected a Layer with forward(), received ${describeValue(layer)}`, {
      argument,
      expected: 'a Layer with a parametric view',
      received: describeValue(layer),
    });
  }
  if (!isParametric(layer)) {
    throw new PhaseflowError('NOT_PARAMETRIC', `${argument}: layer ${JSON.stringify(layer.name)} has no parametric view (parameters: { size, get, set })`, {
      argument: `${argument}.parameters`,
      expected: 'a ParametricView { size, get, set }',
      received: describeValue(layer.parameters),
    });
  }
  return layer;
}
