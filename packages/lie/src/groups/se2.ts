/**
 * SE(2), rigid motions of the plane: elements are 3×3 homogeneous matrices [[R, t], [0, 1]]
 * (row-major); algebra coordinates ξ = (ρ₁, ρ₂, θ), translation first (as jaxlie and manif).
 */
import { checkFinite, type Random } from '@phaseflow/core';
import type { MatrixLieGroup } from '../group.js';
import { checkMember, checkRandom, need, needArrayLike, outOf } from '../internal/check.js';
import { cubicSinc, sinc, versinc } from '../internal/series.js';

type F = Float64Array;
const alloc = outOf;

function defect(m: ArrayLike<number>): number {
  const a = m[0]!,
    b = m[1]!,
    c = m[3]!,
    d = m[4]!;
  const e00 = a * a + c * c - 1,
    e01 = a * b + c * d,
    e11 = b * b + d * d - 1;
  const bottom = Math.abs(m[6]!) + Math.abs(m[7]!) + Math.abs(m[8]! - 1);
  return Math.sqrt(e00 * e00 + 2 * e01 * e01 + e11 * e11) + bottom + (a * d - b * c > 0 ? 0 : 2);
}

function element(c: number, s: number, x: number, y: number, out?: F): F {
  const o = alloc(9, out);
  o[0] = c;
  o[1] = -s;
  o[2] = x;
  o[3] = s;
  o[4] = c;
  o[5] = y;
  o[6] = 0;
  o[7] = 0;
  o[8] = 1;
  return o;
}

/**
 * J_r (sign = 1) or J_l (sign = −1) of SE(2) (Solà et al. 2018, eqs. 163–164), or their
 * inverses. With A = sin θ/θ, B = (1 − cos θ)/θ, C = (θ − sin θ)/θ², D = (1 − cos θ)/θ²:
 * J_r = [[A, B, ρ₁C − ρ₂D], [−B, A, ρ₁D + ρ₂C], [0, 0, 1]] and J_l = J_r(−ξ).
 */
function jacobian(xi: F, sign: 1 | -1, inverse: boolean, out?: F): F {
  need('xi', 'an se(2) vector', 3, xi);
  const r1 = sign * xi[0]!,
    r2 = sign * xi[1]!,
    t = sign * xi[2]!;
  const A = sinc(t),
    D = versinc(t),
    B = t * D,
    C = t * cubicSinc(t);
  let m00 = A,
    m01 = B,
    m10 = -B,
    m11 = A;
  let v0 = r1 * C - r2 * D,
    v1 = r1 * D + r2 * C;
  if (inverse) {
    // [[M, v], [0, 1]]⁻¹ = [[M⁻¹, −M⁻¹v], [0, 1]] with det M = A² + B² = 2D > 0 for |θ| < 2π.
    const k = 1 / (A * A + B * B);
    const i00 = k * A,
      i01 = -k * B,
      i10 = k * B,
      i11 = k * A;
    const w0 = -(i00 * v0 + i01 * v1),
      w1 = -(i10 * v0 + i11 * v1);
    m00 = i00;
    m01 = i01;
    m10 = i10;
    m11 = i11;
    v0 = w0;
    v1 = w1;
  }
  const o = alloc(9, out);
  o[0] = m00;
  o[1] = m01;
  o[2] = v0;
  o[3] = m10;
  o[4] = m11;
  o[5] = v1;
  o[6] = 0;
  o[7] = 0;
  o[8] = 1;
  return o;
}

/**
 * The rigid-motion group SE(2) in closed form (Solà et al. 2018, §C.2):
 * exp(ρ, θ) = [[R(θ), V(θ)ρ], [0, 1]] with V = [[A, −B], [B, A]], A = sin θ/θ,
 * B = (1 − cos θ)/θ; log inverts it (θ = atan2, ρ = V⁻¹t); Ad = [[R, (t₂, −t₁)ᵀ], [0, 1]];
 * [(ρ, θ), (σ, φ)] = (θ·Jσ − φ·Jρ, 0) with J the quarter turn; act(g, p) = R·p + t.
 *
 * @example
 * ```ts
 * import { SE2 } from '@phaseflow/lie';
 * const g = SE2.exp(Float64Array.of(1, 0, Math.PI / 2)); // drive 1 while turning a quarter
 * SE2.act(g, Float64Array.of(0, 0)); // the end point (2/π, 2/π)
 * ```
 */
export const SE2: MatrixLieGroup = {
  name: 'SE(2)',
  dim: 3,
  size: 9,
  pointDim: 2,
  matrixSize: 3,
  defectMeasure: '‖RᵀR − I‖_F + |last row − (0, 0, 1)|₁ (+2 when det R ≤ 0)',
  identity: (out) => element(1, 0, 0, 0, out),
  compose(a, b, out) {
    need('a', 'an SE(2) element', 9, a);
    need('b', 'an SE(2) element', 9, b);
    const a0 = a[0]!,
      a1 = a[1]!,
      a2 = a[2]!,
      a3 = a[3]!,
      a4 = a[4]!,
      a5 = a[5]!;
    const b0 = b[0]!,
      b1 = b[1]!,
      b2 = b[2]!,
      b3 = b[3]!,
      b4 = b[4]!,
      b5 = b[5]!;
    const o = alloc(9, out);
    o[0] = a0 * b0 + a1 * b3;
    o[1] = a0 * b1 + a1 * b4;
    o[2] = a0 * b2 + a1 * b5 + a2;
    o[3] = a3 * b0 + a4 * b3;
    o[4] = a3 * b1 + a4 * b4;
    o[5] = a3 * b2 + a4 * b5 + a5;
    o[6] = 0;
    o[7] = 0;
    o[8] = 1;
    return o;
  },
  inverse(g, out) {
    need('g', 'an SE(2) element', 9, g);
    const c = g[0]!,
      s = g[3]!,
      x = g[2]!,
      y = g[5]!,
      m1 = g[1]!,
      m4 = g[4]!;
    // Rᵀ and −Rᵀt, read from all four rotation entries so slightly non-orthogonal input is transposed exactly.
    const o = alloc(9, out);
    o[0] = c;
    o[1] = s;
    o[3] = m1;
    o[4] = m4;
    o[2] = -(c * x + s * y);
    o[5] = -(m1 * x + m4 * y);
    o[6] = 0;
    o[7] = 0;
    o[8] = 1;
    return o;
  },
  exp(xi, out) {
    need('xi', 'an se(2) vector', 3, xi);
    const r1 = xi[0]!,
      r2 = xi[1]!,
      t = xi[2]!;
    const A = sinc(t),
      B = t * versinc(t);
    return element(Math.cos(t), Math.sin(t), A * r1 - B * r2, B * r1 + A * r2, out);
  },
  log(g, out) {
    need('g', 'an SE(2) element', 9, g);
    const t = Math.atan2(g[3]! - g[1]!, g[0]! + g[4]!);
    const x = g[2]!,
      y = g[5]!;
    const A = sinc(t),
      B = t * versinc(t);
    const k = 1 / (A * A + B * B);
    const o = alloc(3, out);
    o[0] = k * (A * x + B * y);
    o[1] = k * (-B * x + A * y);
    o[2] = t;
    return o;
  },
  hat(xi, out) {
    need('xi', 'an se(2) vector', 3, xi);
    const o = alloc(9, out);
    o.fill(0);
    o[1] = -xi[2]!;
    o[3] = xi[2]!;
    o[2] = xi[0]!;
    o[5] = xi[1]!;
    return o;
  },
  vee(X, out) {
    need('X', 'a 3×3 matrix', 9, X);
    const x = X[2]!,
      y = X[5]!,
      t = 0.5 * (X[3]! - X[1]!);
    const o = alloc(3, out);
    o[0] = x;
    o[1] = y;
    o[2] = t;
    return o;
  },
  bracket(u, v, out) {
    need('u', 'an se(2) vector', 3, u);
    need('v', 'an se(2) vector', 3, v);
    const t = u[2]!,
      p = v[2]!;
    const x = -t * v[1]! + p * u[1]!,
      y = t * v[0]! - p * u[0]!;
    const o = alloc(3, out);
    o[0] = x;
    o[1] = y;
    o[2] = 0;
    return o;
  },
  adjoint(g, out) {
    need('g', 'an SE(2) element', 9, g);
    const c = g[0]!,
      m1 = g[1]!,
      s = g[3]!,
      m4 = g[4]!,
      x = g[2]!,
      y = g[5]!;
    const o = alloc(9, out);
    o[0] = c;
    o[1] = m1;
    o[2] = y;
    o[3] = s;
    o[4] = m4;
    o[5] = -x;
    o[6] = 0;
    o[7] = 0;
    o[8] = 1;
    return o;
  },
  act(g, p, out) {
    need('g', 'an SE(2) element', 9, g);
    need('p', 'a point of R^2', 2, p);
    const p0 = p[0]!,
      p1 = p[1]!;
    const o = alloc(2, out);
    o[0] = g[0]! * p0 + g[1]! * p1 + g[2]!;
    o[1] = g[3]! * p0 + g[4]! * p1 + g[5]!;
    return o;
  },
  rightJacobian: (xi, out) => jacobian(xi, 1, false, out),
  leftJacobian: (xi, out) => jacobian(xi, -1, false, out),
  rightJacobianInverse: (xi, out) => jacobian(xi, 1, true, out),
  leftJacobianInverse: (xi, out) => jacobian(xi, -1, true, out),
  interpolate(a, b, s, out) {
    checkFinite('s', s);
    const w = SE2.log(SE2.compose(SE2.inverse(a), b));
    w[0] *= s;
    w[1] *= s;
    w[2] *= s;
    return SE2.compose(a, SE2.exp(w), out);
  },
  defect: (m) => (needArrayLike('m', 'a 3×3 matrix', 9, m), defect(m)),
  check: (argument, m, tolerance) => checkMember(argument, m, 9, 'SE(2)', defect, SE2.defectMeasure, tolerance),
  sample(random: Random, out?: F) {
    checkRandom('random', random);
    const t = Math.PI * (2 * random.uniform() - 1);
    return element(Math.cos(t), Math.sin(t), random.normal(), random.normal(), out);
  },
};
