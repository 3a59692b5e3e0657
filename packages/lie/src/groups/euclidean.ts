/**
 * ℝⁿ as an additive Lie group (translations): the factor that carries velocities and momenta
 * in product groups such as SO(3) × ℝ³ (the heavy top's state).
 */
import { checkFinite, checkInteger, type Random } from '@phaseflow/core';
import type { LieGroup } from '../group.js';
import { checkMember, checkRandom, need, needArrayLike, outOf } from '../internal/check.js';

type F = Float64Array;

/**
 * The translation group ℝⁿ: compose = addition, inverse = negation, exp = log = identity map
 * on coordinates, [u, v] = 0, Ad = J_r = J_l = I, act(g, p) = p + g. Every finite vector is an
 * element (`defect` is 0).
 *
 * @example
 * ```ts
 * import { createEuclideanGroup } from '@phaseflow/lie';
 * const R3 = createEuclideanGroup(3);
 * R3.compose(Float64Array.of(1, 2, 3), Float64Array.of(1, 1, 1)); // (2, 3, 4)
 * ```
 */
export function createEuclideanGroup(n: number): LieGroup {
  checkInteger('n', n, { min: 1 });
  const name = `R^${n}`;
  const what = `a vector of ${name}`;
  const alloc = (out?: F) => outOf(n, out);
  const eye = (xi: F, out?: F) => {
    need('xi', what, n, xi);
    const o = outOf(n * n, out);
    o.fill(0);
    for (let i = 0; i < n; i++) o[i * n + i] = 1;
    return o;
  };
  const copy = (argument: string) => (x: F, out?: F) => {
    need(argument, what, n, x);
    const o = alloc(out);
    if (o !== x) o.set(x);
    return o;
  };
  const group: LieGroup = {
    name,
    dim: n,
    size: n,
    pointDim: n,
    defectMeasure: 'non-finite entries',
    identity: (out) => alloc(out).fill(0),
    compose(a, b, out) {
      need('a', what, n, a);
      need('b', what, n, b);
      const o = alloc(out);
      for (let i = 0; i < n; i++) o[i] = a[i]! + b[i]!;
      return o;
    },
    inverse(g, out) {
      need('g', what, n, g);
      const o = alloc(out);
      for (let i = 0; i < n; i++) o[i] = -g[i]!;
      return o;
    },
    exp: copy('xi'),
    log: copy('g'),
    bracket(u, v, out) {
      need('u', what, n, u);
      need('v', what, n, v);
      const o = alloc(out);
      for (let i = 0; i < n; i++) o[i] = 0;
      return o;
    },
    adjoint: (g, out) => eye(g, out),
    act(g, p, out) {
      need('g', what, n, g);
      need('p', what, n, p);
      const o = alloc(out);
      for (let i = 0; i < n; i++) o[i] = p[i]! + g[i]!;
      return o;
    },
    rightJacobian: eye,
    leftJacobian: eye,
    rightJacobianInverse: eye,
    leftJacobianInverse: eye,
    interpolate(a, b, s, out) {
      checkFinite('s', s);
      need('a', what, n, a);
      need('b', what, n, b);
      const o = alloc(out);
      for (let i = 0; i < n; i++) o[i] = a[i]! + s * (b[i]! - a[i]!);
      return o;
    },
    expCompose(xi, g, out) {
      need('xi', what, n, xi);
      need('g', what, n, g);
      const o = alloc(out);
      for (let i = 0; i < n; i++) o[i] = g[i]! + xi[i]!;
      return o;
    },
    expAct(xi, p, out) {
      need('xi', what, n, xi);
      need('p', what, n, p);
      const o = alloc(out);
      for (let i = 0; i < n; i++) o[i] = p[i]! + xi[i]!;
      return o;
    },
    defect: (m) => (needArrayLike('m', what, n, m), 0),
    check: (argument, m, tolerance) => checkMember(argument, m, n, name, () => 0, group.defectMeasure, tolerance),
    sample(random: Random, out?: F) {
      checkRandom('random', random);
      const o = alloc(out);
      for (let i = 0; i < n; i++) o[i] = random.normal();
      return o;
    },
  };
  return group;
}
