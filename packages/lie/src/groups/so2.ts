/**
 * SO(2), the rotations of the plane: elements are 2×2 rotation matrices (row-major), the
 * algebra coordinate is the angle θ. Abelian, so every Jacobian and the adjoint are 1.
 */
import { checkFinite, type Random } from '@phaseflow/core';
import type { MatrixLieGroup } from '../group.js';
import { checkMember, checkRandom, need, needArrayLike, outOf } from '../internal/check.js';

type F = Float64Array;
const alloc = outOf;

function rotation(t: number, out?: F): F {
  const o = alloc(4, out);
  const c = Math.cos(t),
    s = Math.sin(t);
  o[0] = c;
  o[1] = -s;
  o[2] = s;
  o[3] = c;
  return o;
}

function defect(m: ArrayLike<number>): number {
  const a = m[0]!,
    b = m[1]!,
    c = m[2]!,
    d = m[3]!;
  const e00 = a * a + c * c - 1,
    e01 = a * b + c * d,
    e11 = b * b + d * d - 1;
  return Math.sqrt(e00 * e00 + 2 * e01 * e01 + e11 * e11) + (a * d - b * c > 0 ? 0 : 2);
}

const one = (out?: F) => {
  const o = alloc(1, out);
  o[0] = 1;
  return o;
};

/**
 * The rotation group SO(2): exp(θ) = [[cos θ, −sin θ], [sin θ, cos θ]], log = atan2(R₁₀, R₀₀)
 * ∈ (−π, π], [u, v] = 0, Ad = J_r = J_l = 1 (Solà et al. 2018, §C.1).
 *
 * @example
 * ```ts
 * import { SO2 } from '@phaseflow/lie';
 * const R = SO2.exp(Float64Array.of(Math.PI / 2));
 * SO2.act(R, Float64Array.of(1, 0)); // ≈ (0, 1)
 * SO2.log(SO2.compose(R, R)); // ≈ [π]
 * ```
 */
export const SO2: MatrixLieGroup = {
  name: 'SO(2)',
  dim: 1,
  size: 4,
  pointDim: 2,
  matrixSize: 2,
  defectMeasure: '‖RᵀR − I‖_F (+2 when det R ≤ 0)',
  identity: (out) => rotation(0, out),
  compose(a, b, out) {
    need('a', 'an SO(2) element', 4, a);
    need('b', 'an SO(2) element', 4, b);
    const a0 = a[0]!,
      a1 = a[1]!,
      a2 = a[2]!,
      a3 = a[3]!,
      b0 = b[0]!,
      b1 = b[1]!,
      b2 = b[2]!,
      b3 = b[3]!;
    const o = alloc(4, out);
    o[0] = a0 * b0 + a1 * b2;
    o[1] = a0 * b1 + a1 * b3;
    o[2] = a2 * b0 + a3 * b2;
    o[3] = a2 * b1 + a3 * b3;
    return o;
  },
  inverse(g, out) {
    need('g', 'an SO(2) element', 4, g);
    const g1 = g[1]!,
      g2 = g[2]!;
    const o = alloc(4, out);
    o[0] = g[0]!;
    o[3] = g[3]!;
    o[1] = g2;
    o[2] = g1;
    return o;
  },
  exp(xi, out) {
    need('xi', 'an so(2) vector', 1, xi);
    return rotation(xi[0]!, out);
  },
  log(g, out) {
    need('g', 'an SO(2) element', 4, g);
    const o = alloc(1, out);
    o[0] = Math.atan2(g[2]! - g[1]!, g[0]! + g[3]!);
    return o;
  },
  hat(xi, out) {
    need('xi', 'an so(2) vector', 1, xi);
    const o = alloc(4, out);
    o[0] = o[3] = 0;
    o[1] = -xi[0]!;
    o[2] = xi[0]!;
    return o;
  },
  vee(X, out) {
    need('X', 'a 2×2 matrix', 4, X);
    const o = alloc(1, out);
    o[0] = 0.5 * (X[2]! - X[1]!);
    return o;
  },
  bracket(u, v, out) {
    need('u', 'an so(2) vector', 1, u);
    need('v', 'an so(2) vector', 1, v);
    const o = alloc(1, out);
    o[0] = 0;
    return o;
  },
  adjoint(g, out) {
    need('g', 'an SO(2) element', 4, g);
    return one(out);
  },
  act(g, p, out) {
    need('g', 'an SO(2) element', 4, g);
    need('p', 'a point of R^2', 2, p);
    const p0 = p[0]!,
      p1 = p[1]!;
    const o = alloc(2, out);
    o[0] = g[0]! * p0 + g[1]! * p1;
    o[1] = g[2]! * p0 + g[3]! * p1;
    return o;
  },
  rightJacobian: (xi, out) => (need('xi', 'an so(2) vector', 1, xi), one(out)),
  leftJacobian: (xi, out) => (need('xi', 'an so(2) vector', 1, xi), one(out)),
  rightJacobianInverse: (xi, out) => (need('xi', 'an so(2) vector', 1, xi), one(out)),
  leftJacobianInverse: (xi, out) => (need('xi', 'an so(2) vector', 1, xi), one(out)),
  interpolate(a, b, s, out) {
    checkFinite('s', s);
    need('a', 'an SO(2) element', 4, a);
    need('b', 'an SO(2) element', 4, b);
    const ta = Math.atan2(a[2]!, a[0]!);
    const d = Math.atan2(a[0]! * b[2]! - a[2]! * b[0]!, a[0]! * b[0]! + a[2]! * b[2]!);
    return rotation(ta + s * d, out);
  },
  expCompose(xi, g, out) {
    need('xi', 'an so(2) vector', 1, xi);
    need('g', 'an SO(2) element', 4, g);
    const t = xi[0]!;
    const h = Math.sin(t / 2);
    const c = -2 * h * h,
      s = Math.sin(t); // cos t − 1 without cancellation
    const g0 = g[0]!,
      g1 = g[1]!,
      g2 = g[2]!,
      g3 = g[3]!;
    const o = alloc(4, out);
    o[0] = g0 + (c * g0 - s * g2);
    o[1] = g1 + (c * g1 - s * g3);
    o[2] = g2 + (s * g0 + c * g2);
    o[3] = g3 + (s * g1 + c * g3);
    return o;
  },
  expAct(xi, p, out) {
    need('xi', 'an so(2) vector', 1, xi);
    need('p', 'a point of R^2', 2, p);
    const t = xi[0]!;
    const h = Math.sin(t / 2);
    const c = -2 * h * h,
      s = Math.sin(t);
    const p0 = p[0]!,
      p1 = p[1]!;
    const o = alloc(2, out);
    o[0] = p0 + (c * p0 - s * p1);
    o[1] = p1 + (s * p0 + c * p1);
    return o;
  },
  defect: (m) => (needArrayLike('m', 'a 2×2 matrix', 4, m), defect(m)),
  check: (argument, m, tolerance) => checkMember(argument, m, 4, 'SO(2)', defect, SO2.defectMeasure, tolerance),
  sample: (random: Random, out?: F) => rotation(Math.PI * (2 * checkRandom('random', random).uniform() - 1), out),
};
