/**
 * The spiral benchmark of torchdiffeq's neural-ODE demo (Chen et al. 2018, `ode_demo.py`):
 * dy/dt = A y³ (cube taken elementwise), A = [[−0.1, 2], [−2, −0.1]], y(0) = (2, 0). Not the
 * `spirals` classification toy: this is a trajectory of an ODE.
 */
import { checkAllocation, checkFiniteArray, checkInteger, checkOptions, checkPositive, integrate, invalid, odeProblem } from '@phaseflow/core';
import { createDopri5 } from '@phaseflow/runge-kutta';

/**
 * The true spiral field dy/dt = A y³, A = [[−0.1, 2], [−2, −0.1]], written into `out`.
 *
 * @example
 * ```ts
 * spiralOdeField(Float64Array.of(2, 0)); // [−0.8, −16]
 * ```
 */
export function spiralOdeField(y: ArrayLike<number>, out?: Float64Array): Float64Array {
  checkFiniteArray('y', y);
  if (y.length !== 2) invalid('y', 'a state of 2 numbers', y, 'SHAPE_MISMATCH');
  if (out === undefined) return field(y, new Float64Array(2));
  if (!(out instanceof Float64Array) || out.length !== 2)
    invalid('out', 'a Float64Array of 2 numbers', out, out instanceof Float64Array ? 'SHAPE_MISMATCH' : 'INVALID_ARGUMENT');
  return field(y, out);
}

/** The field without the checks (the integrator's hot path). */
function field(y: ArrayLike<number>, out: Float64Array): Float64Array {
  const a = y[0]! ** 3,
    b = y[1]! ** 3;
  out[0] = -0.1 * a + 2 * b;
  out[1] = -2 * a - 0.1 * b;
  return out;
}

/** Options of {@link spiralOdeData}. */
export interface SpiralOdeOptions {
  /** Number of samples (default 1000, as torchdiffeq). */
  readonly n?: number;
  /** Final time (default 25). */
  readonly tEnd?: number;
  /** Initial state (default (2, 0)). */
  readonly initial?: ArrayLike<number>;
}

/** Times and states of the true spiral. */
export interface SpiralOdeData {
  /** n times in [0, tEnd]. */
  readonly t: Float64Array;
  /** n × 2 states (row-major). */
  readonly y: Float64Array;
}

/**
 * Sample the true spiral dy/dt = A y³ at n evenly spaced times on [0, tEnd], solved with
 * dopri5 (rtol 1e-9, atol 1e-10): the data of torchdiffeq's `ode_demo.py`.
 *
 * @example
 * ```ts
 * const { t, y } = spiralOdeData({ n: 1000, tEnd: 25 });
 * ```
 */
export function spiralOdeData(options: SpiralOdeOptions = {}): SpiralOdeData {
  const o = checkOptions('options', options, ['n', 'tEnd', 'initial']);
  const n = o.n === undefined ? 1000 : checkInteger('options.n', o.n, { min: 2 });
  checkAllocation('options.n', 3 * n, 8);
  const tEnd = o.tEnd === undefined ? 25 : checkPositive('options.tEnd', o.tEnd);
  const y0 = o.initial === undefined ? Float64Array.of(2, 0) : Float64Array.from(checkFiniteArray('options.initial', o.initial));
  if (y0.length !== 2) invalid('options.initial', 'a state of 2 numbers', o.initial, 'SHAPE_MISMATCH');
  const t = Float64Array.from({ length: n }, (_, i) => (i * tEnd) / (n - 1));
  const problem = odeProblem<Float64Array>((_t, y, out) => field(y, out ?? new Float64Array(2)));
  const sol = integrate(createDopri5<Float64Array>(), problem, y0, { tEnd, adaptive: { rtol: 1e-9, atol: 1e-10 }, save: { times: t } });
  const y = new Float64Array(2 * n);
  sol.y.forEach((s, i) => y.set(s, 2 * i));
  return { t, y };
}
