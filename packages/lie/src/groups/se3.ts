/**
 * SE(3), rigid motions of space: elements are 4×4 homogeneous matrices [[R, t], [0, 1]]
 * (row-major); algebra coordinates ξ = (ρ, φ) ∈ ℝ⁶, translation first (as jaxlie and manif).
 * Built on the SO(3) closed forms.
 */
import { checkFinite, type Random } from '@phaseflow/core';
import type { MatrixLieGroup } from '../group.js';
import { checkMember, checkRandom, need, needArrayLike, outOf } from '../internal/check.js';
import { cubicSinc, quarticCos, quinticSin } from '../internal/series.js';
import { SO3 } from './so3.js';

type F = Float64Array;
const alloc = outOf;

// Scratch for the 3×3 blocks (the group functions are not re-entrant, and need not be).
const R = new Float64Array(9);
const W = new Float64Array(3);
const J = new Float64Array(9);
const Q = new Float64Array(9);
const T = new Float64Array(9);

function rotationOf(g: F, out: F): F {
  out[0] = g[0]!;
  out[1] = g[1]!;
  out[2] = g[2]!;
  out[3] = g[4]!;
  out[4] = g[5]!;
  out[5] = g[6]!;
  out[6] = g[8]!;
  out[7] = g[9]!;
  out[8] = g[10]!;
  return out;
}

function assemble(rot: F, x: number, y: number, z: number, out?: F): F {
  const o = alloc(16, out);
  o[0] = rot[0]!;
  o[1] = rot[1]!;
  o[2] = rot[2]!;
  o[3] = x;
  o[4] = rot[3]!;
  o[5] = rot[4]!;
  o[6] = rot[5]!;
  o[7] = y;
  o[8] = rot[6]!;
  o[9] = rot[7]!;
  o[10] = rot[8]!;
  o[11] = z;
  o[12] = 0;
  o[13] = 0;
  o[14] = 0;
  o[15] = 1;
  return o;
}

function mul3(a: ArrayLike<number>, b: ArrayLike<number>, out: F): F {
  const a0 = a[0]!,
    a1 = a[1]!,
    a2 = a[2]!,
    a3 = a[3]!,
    a4 = a[4]!,
    a5 = a[5]!,
    a6 = a[6]!,
    a7 = a[7]!,
    a8 = a[8]!;
  const b0 = b[0]!,
    b1 = b[1]!,
    b2 = b[2]!,
    b3 = b[3]!,
    b4 = b[4]!,
    b5 = b[5]!,
    b6 = b[6]!,
    b7 = b[7]!,
    b8 = b[8]!;
  out[0] = a0 * b0 + a1 * b3 + a2 * b6;
  out[1] = a0 * b1 + a1 * b4 + a2 * b7;
  out[2] = a0 * b2 + a1 * b5 + a2 * b8;
  out[3] = a3 * b0 + a4 * b3 + a5 * b6;
  out[4] = a3 * b1 + a4 * b4 + a5 * b7;
  out[5] = a3 * b2 + a4 * b5 + a5 * b8;
  out[6] = a6 * b0 + a7 * b3 + a8 * b6;
  out[7] = a6 * b1 + a7 * b4 + a8 * b7;
  out[8] = a6 * b2 + a7 * b5 + a8 * b8;
  return out;
}

const skew = (x: number, y: number, z: number) => [0, -z, y, z, 0, -x, -y, x, 0];

/**
 * Barfoot's Q(ρ, φ), the upper-right block of the left Jacobian of SE(3) (State Estimation
 * for Robotics, eq. 7.86b):
 * Q = ½ρ̂ + a(φ̂ρ̂ + ρ̂φ̂ + φ̂ρ̂φ̂) + b(φ̂²ρ̂ + ρ̂φ̂² − 3φ̂ρ̂φ̂) + c(φ̂ρ̂φ̂² + φ̂²ρ̂φ̂),
 * a = (θ − sin θ)/θ³, b = (θ² + 2cos θ − 2)/(2θ⁴), c = (2θ − 3 sin θ + θ cos θ)/(2θ⁵).
 */
function barfootQ(r0: number, r1: number, r2: number, p0: number, p1: number, p2: number, out: F): F {
  const t = Math.sqrt(p0 * p0 + p1 * p1 + p2 * p2);
  const a = cubicSinc(t),
    b = quarticCos(t),
    c = quinticSin(t);
  const P = skew(p0, p1, p2),
    Rh = skew(r0, r1, r2);
  const PR = mul3(P, Rh, new Float64Array(9));
  const RP = mul3(Rh, P, new Float64Array(9));
  const PRP = mul3(PR, P, new Float64Array(9));
  const PPR = mul3(P, PR, new Float64Array(9));
  const RPP = mul3(RP, P, new Float64Array(9));
  const PRPP = mul3(PRP, P, new Float64Array(9));
  const PPRP = mul3(P, PRP, new Float64Array(9));
  for (let i = 0; i < 9; i++) {
    out[i] = 0.5 * Rh[i]! + a * (PR[i]! + RP[i]! + PRP[i]!) + b * (PPR[i]! + RPP[i]! - 3 * PRP[i]!) + c * (PRPP[i]! + PPRP[i]!);
  }
  return out;
}

/** J_l(ξ) (sign 1) or J_r(ξ) = J_l(−ξ) (sign −1), or their inverses, as 6×6 row-major. */
function jacobian(xi: F, sign: 1 | -1, inverse: boolean, out?: F): F {
  need('xi', 'an se(3) vector', 6, xi);
  const r0 = sign * xi[0]!,
    r1 = sign * xi[1]!,
    r2 = sign * xi[2]!;
  W[0] = sign * xi[3]!;
  W[1] = sign * xi[4]!;
  W[2] = sign * xi[5]!;
  barfootQ(r0, r1, r2, W[0], W[1], W[2], Q);
  if (inverse) {
    // [[J, Q], [0, J]]⁻¹ = [[J⁻¹, −J⁻¹QJ⁻¹], [0, J⁻¹]]
    SO3.leftJacobianInverse(W, J);
    mul3(mul3(J, Q, T), J, Q);
    for (let i = 0; i < 9; i++) Q[i] = -Q[i]!;
  } else SO3.leftJacobian(W, J);
  const o = alloc(36, out);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      o[6 * i + j] = J[3 * i + j]!;
      o[6 * i + j + 3] = Q[3 * i + j]!;
      o[6 * (i + 3) + j] = 0;
      o[6 * (i + 3) + j + 3] = J[3 * i + j]!;
    }
  }
  return o;
}

function defect(m: ArrayLike<number>): number {
  rotationOf(m as F, T);
  const bottom = Math.abs(m[12]!) + Math.abs(m[13]!) + Math.abs(m[14]!) + Math.abs(m[15]! - 1);
  return SO3.defect(T) + bottom;
}

/**
 * The rigid-motion group SE(3) in closed form (Solà et al. 2018, §D; Barfoot 2017, §7.1):
 * exp(ρ, φ) = [[exp φ, J_l(φ)ρ], [0, 1]] with J_l the left Jacobian of SO(3); log inverts it
 * (φ = log R with SO(3)'s near-π branch, ρ = J_l(φ)⁻¹t); Ad = [[R, t̂R], [0, R]];
 * [(ρ, φ), (σ, ψ)] = (φ × σ − ψ × ρ, φ × ψ); J_l(ξ) = [[J_l(φ), Q(ρ, φ)], [0, J_l(φ)]]
 * with Barfoot's Q, and J_r(ξ) = J_l(−ξ); act(g, p) = R·p + t.
 *
 * @example
 * ```ts
 * import { SE3 } from '@phaseflow/lie';
 * const g = SE3.exp(Float64Array.of(0, 0, 1, 0, 0, Math.PI)); // screw: half turn about z, 1 up
 * SE3.act(g, Float64Array.of(1, 0, 0)); // ≈ (−1, 0, 1)
 * ```
 */
export const SE3: MatrixLieGroup = {
  name: 'SE(3)',
  dim: 6,
  size: 16,
  pointDim: 3,
  matrixSize: 4,
  defectMeasure: '‖RᵀR − I‖_F + |last row − (0, 0, 0, 1)|₁ (+2 when det R ≤ 0)',
  identity: (out) => assemble(SO3.identity(R), 0, 0, 0, out),
  compose(a, b, out) {
    need('a', 'an SE(3) element', 16, a);
    need('b', 'an SE(3) element', 16, b);
    const tx = a[0]! * b[3]! + a[1]! * b[7]! + a[2]! * b[11]! + a[3]!;
    const ty = a[4]! * b[3]! + a[5]! * b[7]! + a[6]! * b[11]! + a[7]!;
    const tz = a[8]! * b[3]! + a[9]! * b[7]! + a[10]! * b[11]! + a[11]!;
    mul3(rotationOf(a, R), rotationOf(b, T), J);
    return assemble(J, tx, ty, tz, out);
  },
  inverse(g, out) {
    need('g', 'an SE(3) element', 16, g);
    const x = g[3]!,
      y = g[7]!,
      z = g[11]!;
    SO3.inverse(rotationOf(g, R), R);
    return assemble(R, -(R[0]! * x + R[1]! * y + R[2]! * z), -(R[3]! * x + R[4]! * y + R[5]! * z), -(R[6]! * x + R[7]! * y + R[8]! * z), out);
  },
  exp(xi, out) {
    need('xi', 'an se(3) vector', 6, xi);
    const r0 = xi[0]!,
      r1 = xi[1]!,
      r2 = xi[2]!;
    W[0] = xi[3]!;
    W[1] = xi[4]!;
    W[2] = xi[5]!;
    SO3.exp(W, R);
    SO3.leftJacobian(W, J);
    return assemble(R, J[0]! * r0 + J[1]! * r1 + J[2]! * r2, J[3]! * r0 + J[4]! * r1 + J[5]! * r2, J[6]! * r0 + J[7]! * r1 + J[8]! * r2, out);
  },
  log(g, out) {
    need('g', 'an SE(3) element', 16, g);
    const x = g[3]!,
      y = g[7]!,
      z = g[11]!;
    SO3.log(rotationOf(g, R), W);
    SO3.leftJacobianInverse(W, J);
    const o = alloc(6, out);
    o[0] = J[0]! * x + J[1]! * y + J[2]! * z;
    o[1] = J[3]! * x + J[4]! * y + J[5]! * z;
    o[2] = J[6]! * x + J[7]! * y + J[8]! * z;
    o[3] = W[0]!;
    o[4] = W[1]!;
    o[5] = W[2]!;
    return o;
  },
  hat(xi, out) {
    need('xi', 'an se(3) vector', 6, xi);
    W[0] = xi[3]!;
    W[1] = xi[4]!;
    W[2] = xi[5]!;
    const o = assemble(SO3.hat(W, R), xi[0]!, xi[1]!, xi[2]!, out);
    o[15] = 0;
    return o;
  },
  vee(X, out) {
    need('X', 'a 4×4 matrix', 16, X);
    const x = X[3]!,
      y = X[7]!,
      z = X[11]!;
    SO3.vee(rotationOf(X, R), W);
    const o = alloc(6, out);
    o[0] = x;
    o[1] = y;
    o[2] = z;
    o[3] = W[0]!;
    o[4] = W[1]!;
    o[5] = W[2]!;
    return o;
  },
  bracket(u, v, out) {
    need('u', 'an se(3) vector', 6, u);
    need('v', 'an se(3) vector', 6, v);
    const r0 = u[0]!,
      r1 = u[1]!,
      r2 = u[2]!,
      p0 = u[3]!,
      p1 = u[4]!,
      p2 = u[5]!;
    const s0 = v[0]!,
      s1 = v[1]!,
      s2 = v[2]!,
      q0 = v[3]!,
      q1 = v[4]!,
      q2 = v[5]!;
    const o = alloc(6, out);
    o[0] = p1 * s2 - p2 * s1 - (q1 * r2 - q2 * r1);
    o[1] = p2 * s0 - p0 * s2 - (q2 * r0 - q0 * r2);
    o[2] = p0 * s1 - p1 * s0 - (q0 * r1 - q1 * r0);
    o[3] = p1 * q2 - p2 * q1;
    o[4] = p2 * q0 - p0 * q2;
    o[5] = p0 * q1 - p1 * q0;
    return o;
  },
  adjoint(g, out) {
    need('g', 'an SE(3) element', 16, g);
    rotationOf(g, R);
    mul3(skew(g[3]!, g[7]!, g[11]!), R, T);
    const o = alloc(36, out);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        o[6 * i + j] = R[3 * i + j]!;
        o[6 * i + j + 3] = T[3 * i + j]!;
        o[6 * (i + 3) + j] = 0;
        o[6 * (i + 3) + j + 3] = R[3 * i + j]!;
      }
    }
    return o;
  },
  act(g, p, out) {
    need('g', 'an SE(3) element', 16, g);
    need('p', 'a point of R^3', 3, p);
    const p0 = p[0]!,
      p1 = p[1]!,
      p2 = p[2]!;
    const o = alloc(3, out);
    o[0] = g[0]! * p0 + g[1]! * p1 + g[2]! * p2 + g[3]!;
    o[1] = g[4]! * p0 + g[5]! * p1 + g[6]! * p2 + g[7]!;
    o[2] = g[8]! * p0 + g[9]! * p1 + g[10]! * p2 + g[11]!;
    return o;
  },
  rightJacobian: (xi, out) => jacobian(xi, -1, false, out),
  leftJacobian: (xi, out) => jacobian(xi, 1, false, out),
  rightJacobianInverse: (xi, out) => jacobian(xi, -1, true, out),
  leftJacobianInverse: (xi, out) => jacobian(xi, 1, true, out),
  interpolate(a, b, s, out) {
    checkFinite('s', s);
    const w = SE3.log(SE3.compose(SE3.inverse(a), b));
    for (let i = 0; i < 6; i++) w[i] *= s;
    return SE3.compose(a, SE3.exp(w), out);
  },
  defect: (m) => (needArrayLike('m', 'a 4×4 matrix', 16, m), defect(m)),
  check: (argument, m, tolerance) => checkMember(argument, m, 16, 'SE(3)', defect, SE3.defectMeasure, tolerance),
  sample(random: Random, out?: F) {
    checkRandom('random', random);
    SO3.sample(random, R);
    return assemble(R, random.normal(), random.normal(), random.normal(), out);
  },
};
