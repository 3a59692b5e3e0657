/**
 * Discrete-time systems as core problems: y_{n+1} = F(t_n, y_n), a `map` problem kind, and the
 * Integrator that iterates it. With them a map (the Hénon map, a recurrent network, an echo
 * state network) runs through the same `integrate` driver, observers and Lyapunov machinery as
 * a flow.
 */
import { checkFunction, checkOptions, checkStep, checkInteger, float64Space, type Integrator, type Problem, type VectorSpace } from '@phaseflow/core';
import { checkName } from './args.js';

type F = Float64Array;

/** A Jacobian–vector product: out ← (∂F/∂y)(t, y)·v; returns `out`. */
export type JacobianVectorProduct = (t: number, y: F, v: F, out: F) => F;

/** A dense Jacobian: out ← ∂F/∂y (t, y), n × n row-major (entry (i, j) = ∂Fᵢ/∂yⱼ); returns `out`. */
export type JacobianMatrix = (t: number, y: F, out: F) => F;

/**
 * A discrete-time system y_{n+1} = F(t_n, y_n) over Float64Array. `map` writes into `out` when
 * given. `jvp` or `jacobian`, when present, are used by tangent-space tools (Lyapunov spectra)
 * instead of finite differences.
 */
export interface MapProblem extends Problem<F> {
  readonly kind: 'map';
  readonly space: VectorSpace<F>;
  map(t: number, y: F, out?: F): F;
  readonly jvp?: JacobianVectorProduct;
  readonly jacobian?: JacobianMatrix;
}

/**
 * Build a `map` problem y_{n+1} = F(t_n, y_n).
 *
 * @example
 * ```ts
 * // the Hénon map (a = 1.4, b = 0.3)
 * const henon = mapProblem((_t, y, out = new Float64Array(2)) => {
 *   const x = y[0]!;
 *   out[0] = 1 - 1.4 * x * x + y[1]!;
 *   out[1] = 0.3 * x;
 *   return out;
 * }, { name: 'henon' });
 * ```
 */
export function mapProblem(
  map: (t: number, y: F, out?: F) => F,
  options: { name?: string; jvp?: JacobianVectorProduct; jacobian?: JacobianMatrix; energy?: (y: F) => number } = {},
): MapProblem {
  checkFunction('map', map);
  const o = checkOptions('options', options, ['name', 'jvp', 'jacobian', 'energy']);
  if (o.jvp !== undefined) checkFunction('options.jvp', o.jvp);
  if (o.jacobian !== undefined) checkFunction('options.jacobian', o.jacobian);
  if (o.energy !== undefined) checkFunction('options.energy', o.energy);
  return {
    kind: 'map',
    space: float64Space,
    map,
    ...(o.name !== undefined && { name: checkName('options.name', o.name) }),
    ...(o.jvp !== undefined && { jvp: o.jvp }),
    ...(o.jacobian !== undefined && { jacobian: o.jacobian }),
    ...(o.energy !== undefined && { energy: o.energy }),
  };
}

/** The Integrator of `map` problems, from {@link mapIterator}. */
export type MapIterator = Integrator<MapProblem, F>;

/**
 * The Integrator of `map` problems: one step is one application of F, y ← F(t, y). The step
 * size h is the time one iteration stands for (1 for a plain map, dt for a discretised rate
 * network), so `t` counts time and exponents measured by the Lyapunov tools are per unit time.
 *
 * @example
 * ```ts
 * import { integrate } from '@phaseflow/core';
 * const sol = integrate(mapIterator(), henon, Float64Array.of(0, 0), { tEnd: 1000, h: 1 });
 * ```
 */
export function mapIterator(): MapIterator {
  // One scratch buffer per iterator, so `advance` allocates at most its result.
  let scratch = new Float64Array(0);
  const spare = (n: number): F => (scratch.length === n ? scratch : (scratch = new Float64Array(n)));
  const apply = (problem: MapProblem, t: number, y: F, out: F): void => {
    const r = problem.map(t, y, out);
    if (r !== out) out.set(r);
  };
  const it: MapIterator = {
    name: 'map-iterator',
    order: 1,
    problemKinds: ['map'],
    properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
    reference: 'iteration of a discrete-time map',
    step(problem, t, y, h, out) {
      checkStep(it, problem, h);
      if (out !== undefined && out !== y) {
        apply(problem, t, y, out);
        return out;
      }
      // F reads y while it writes: never hand it the same buffer twice.
      const o = new Float64Array(y.length);
      apply(problem, t, y, o);
      if (out === y) {
        y.set(o);
        return y;
      }
      return o;
    },
    advance(problem, t, y, h, n, out) {
      checkStep(it, problem, h);
      checkInteger('n', n, { min: 0 });
      const result = out ?? new Float64Array(y.length);
      if (n === 0) {
        if (result !== y) result.set(y);
        return result;
      }
      // Ping-pong between `result` and the scratch so that the last write lands in `result`.
      const tmp = spare(y.length);
      let src = y;
      for (let j = 0; j < n; j++) {
        const dst = (n - j) % 2 === 1 ? result : tmp;
        if (dst === src) {
          // only when out aliases y: go through a fresh buffer for this one step
          const o = new Float64Array(y.length);
          apply(problem, t + j * h, src, o);
          dst.set(o);
        } else apply(problem, t + j * h, src, dst);
        src = dst;
      }
      return result;
    },
  };
  return it;
}
