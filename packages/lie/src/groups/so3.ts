/**
 * SO(3), the rotations of ℝ³, in closed form: Rodrigues' exponential, a logarithm that stays
 * accurate (and finite, with finite Jacobians) up to θ = π, and the closed-form Jacobians.
 * Elements are 3×3 rotation matrices (row-major); ω ∈ ℝ³ is the rotation vector, θ = ‖ω‖.
 */
import { checkFinite, type Random } from '@phaseflow/core';
import type { MatrixLieGroup } from '../group.js';
import { checkMember, checkRandom, need, needArrayLike, outOf } from '../internal/check.js';
import { cubicSinc, inverseJacobianCoefficient, invSinc, sinc, versinc } from '../internal/series.js';

type F = Float64Array;

const alloc = outOf;

/** Write c₀·I + c₁·ŵ + c₂·wwᵀ into `o` (every SO(3) closed form has this shape). */
function fill(o: F, w0: number, w1: number, w2: number, c0: number, c1: number, c2: number): F {
  o[0] = c0 + c2 * w0 * w0;
  o[1] = -c1 * w2 + c2 * w0 * w1;
  o[2] = c1 * w1 + c2 * w0 * w2;
  o[3] = c1 * w2 + c2 * w1 * w0;
  o[4] = c0 + c2 * w1 * w1;
  o[5] = -c1 * w0 + c2 * w1 * w2;
  o[6] = -c1 * w1 + c2 * w2 * w0;
  o[7] = c1 * w0 + c2 * w2 * w1;
  o[8] = c0 + c2 * w2 * w2;
  return o;
}

/**
 * The Jacobian family I + a·ŵ + b·ŵ² written as (1 − bθ²)·I + a·ŵ + b·wwᵀ (ŵ² = wwᵀ − θ²I).
 */
function jac(xi: F, a: (t: number) => number, sign: number, b: (t: number) => number, out?: F): F {
  need('xi', 'an so(3) vector', 3, xi);
  const w0 = xi[0]!,
    w1 = xi[1]!,
    w2 = xi[2]!;
  const t2 = w0 * w0 + w1 * w1 + w2 * w2;
  const t = Math.sqrt(t2);
  const bb = b(t);
  return fill(alloc(9, out), w0, w1, w2, 1 - bb * t2, sign * a(t), bb);
}

const half = () => 0.5;

/** exp(ω) − I = sinc θ·ω̂ + ((1 − cos θ)/θ²)·ω̂², with ω̂²'s diagonal as −(ω_j² + ω_k²) (no cancellation). */
const M = new Float64Array(9);
function expMinusIdentity(xi: F): F {
  need('xi', 'an so(3) vector', 3, xi);
  const w0 = xi[0]!,
    w1 = xi[1]!,
    w2 = xi[2]!;
  const s0 = w0 * w0,
    s1 = w1 * w1,
    s2 = w2 * w2;
  const t = Math.sqrt(s0 + s1 + s2);
  const a = sinc(t),
    b = versinc(t);
  M[0] = -b * (s1 + s2);
  M[1] = -a * w2 + b * w0 * w1;
  M[2] = a * w1 + b * w0 * w2;
  M[3] = a * w2 + b * w1 * w0;
  M[4] = -b * (s0 + s2);
  M[5] = -a * w0 + b * w1 * w2;
  M[6] = -a * w1 + b * w2 * w0;
  M[7] = a * w0 + b * w2 * w1;
  M[8] = -b * (s0 + s1);
  return M;
}

function orthogonalityDefect(m: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let d = i === j ? -1 : 0;
      for (let k = 0; k < 3; k++) d += m[3 * k + i]! * m[3 * k + j]!;
      s += d * d;
    }
  }
  const det = m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) - m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) + m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
  // A reflection (det < 0) is at Frobenius distance ≥ 2 from every rotation.
  return Math.sqrt(s) + (det > 0 ? 0 : 2);
}

/**
 * The rotation group SO(3) with closed forms throughout (Solà et al. 2018, §A; Barfoot,
 * State Estimation for Robotics, §7.1).
 *
 * - exp: Rodrigues, R = cos θ·I + sinc θ·ω̂ + ((1 − cos θ)/θ²)·ωωᵀ.
 * - log: θ = atan2(‖vee(R − Rᵀ)‖/2, (tr R − 1)/2); for θ ≤ π/2 the axis comes from the skew
 *   part (Taylor branch θ/sin θ near 0), for θ > π/2 from the symmetric part
 *   (R + Rᵀ)/2 − cos θ·I = (1 − cos θ)·nnᵀ, so rotations within 1e-6 of π keep full accuracy
 *   (the skew part alone loses ε/sin θ there).
 * - J_r = I − ((1 − cos θ)/θ²)·ω̂ + ((θ − sin θ)/θ³)·ω̂², J_r⁻¹ = I + ½ω̂ + (1/θ² − (1 + cos θ)/(2θ sin θ))·ω̂²
 *   (finite at θ = π), J_l(ω) = J_r(−ω).
 * - bracket [u, v] = u × v, Ad_R = R, act(R, p) = R·p; `expCompose`/`expAct` apply exp(ω) as
 *   I + (sinc θ·ω̂ + ((1 − cos θ)/θ²)·ω̂²), rounding once per entry.
 *
 * @example
 * ```ts
 * import { SO3 } from '@phaseflow/lie';
 * const R = SO3.exp(Float64Array.of(0, 0, Math.PI / 2)); // quarter turn about z
 * SO3.act(R, Float64Array.of(1, 0, 0)); // ≈ (0, 1, 0)
 * SO3.log(R); // ≈ (0, 0, π/2)
 * ```
 */
export const SO3: MatrixLieGroup = {
  name: 'SO(3)',
  dim: 3,
  size: 9,
  pointDim: 3,
  matrixSize: 3,
  defectMeasure: '‖RᵀR − I‖_F (+2 when det R ≤ 0)',
  identity(out) {
    const o = alloc(9, out);
    o.fill(0);
    o[0] = o[4] = o[8] = 1;
    return o;
  },
  compose(a, b, out) {
    need('a', 'an SO(3) element', 9, a);
    need('b', 'an SO(3) element', 9, b);
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
    const o = alloc(9, out);
    o[0] = a0 * b0 + a1 * b3 + a2 * b6;
    o[1] = a0 * b1 + a1 * b4 + a2 * b7;
    o[2] = a0 * b2 + a1 * b5 + a2 * b8;
    o[3] = a3 * b0 + a4 * b3 + a5 * b6;
    o[4] = a3 * b1 + a4 * b4 + a5 * b7;
    o[5] = a3 * b2 + a4 * b5 + a5 * b8;
    o[6] = a6 * b0 + a7 * b3 + a8 * b6;
    o[7] = a6 * b1 + a7 * b4 + a8 * b7;
    o[8] = a6 * b2 + a7 * b5 + a8 * b8;
    return o;
  },
  inverse(g, out) {
    need('g', 'an SO(3) element', 9, g);
    const g1 = g[1]!,
      g2 = g[2]!,
      g3 = g[3]!,
      g5 = g[5]!,
      g6 = g[6]!,
      g7 = g[7]!;
    const o = alloc(9, out);
    o[0] = g[0]!;
    o[4] = g[4]!;
    o[8] = g[8]!;
    o[1] = g3;
    o[3] = g1;
    o[2] = g6;
    o[6] = g2;
    o[5] = g7;
    o[7] = g5;
    return o;
  },
  exp(xi, out) {
    need('xi', 'an so(3) vector', 3, xi);
    const w0 = xi[0]!,
      w1 = xi[1]!,
      w2 = xi[2]!;
    const t = Math.sqrt(w0 * w0 + w1 * w1 + w2 * w2);
    return fill(alloc(9, out), w0, w1, w2, Math.cos(t), sinc(t), versinc(t));
  },
  log(g, out) {
    need('g', 'an SO(3) element', 9, g);
    const r0 = g[0]!,
      r1 = g[1]!,
      r2 = g[2]!,
      r3 = g[3]!,
      r4 = g[4]!,
      r5 = g[5]!,
      r6 = g[6]!,
      r7 = g[7]!,
      r8 = g[8]!;
    // sin θ · n from the skew part, cos θ from the trace.
    const a0 = 0.5 * (r7 - r5),
      a1 = 0.5 * (r2 - r6),
      a2 = 0.5 * (r3 - r1);
    const s = Math.sqrt(a0 * a0 + a1 * a1 + a2 * a2);
    const c = 0.5 * (r0 + r4 + r8 - 1);
    const t = Math.atan2(s, c);
    const o = alloc(3, out);
    if (c >= 0) {
      // Skew branch (θ ≤ π/2), Taylor in θ/sin θ near the identity.
      const k = invSinc(t);
      o[0] = k * a0;
      o[1] = k * a1;
      o[2] = k * a2;
      return o;
    }
    // Near-π branch: the column of S = (R + Rᵀ)/2 − cos θ·I = (1 − cos θ)nnᵀ with the
    // largest diagonal entry gives ±n; the skew part fixes the sign.
    const d0 = r0 - c,
      d1 = r4 - c,
      d2 = r8 - c;
    let n0: number, n1: number, n2: number, dk: number;
    if (d0 >= d1 && d0 >= d2) {
      n0 = d0;
      n1 = 0.5 * (r1 + r3);
      n2 = 0.5 * (r2 + r6);
      dk = d0;
    } else if (d1 >= d2) {
      n0 = 0.5 * (r1 + r3);
      n1 = d1;
      n2 = 0.5 * (r5 + r7);
      dk = d1;
    } else {
      n0 = 0.5 * (r2 + r6);
      n1 = 0.5 * (r5 + r7);
      n2 = d2;
      dk = d2;
    }
    let scale = t / Math.sqrt(dk * (1 - c));
    if (n0 * a0 + n1 * a1 + n2 * a2 < 0) scale = -scale;
    o[0] = scale * n0;
    o[1] = scale * n1;
    o[2] = scale * n2;
    return o;
  },
  hat(xi, out) {
    need('xi', 'an so(3) vector', 3, xi);
    const w0 = xi[0]!,
      w1 = xi[1]!,
      w2 = xi[2]!;
    return fill(alloc(9, out), w0, w1, w2, 0, 1, 0);
  },
  vee(X, out) {
    need('X', 'a 3×3 matrix', 9, X);
    const o = alloc(3, out);
    const x0 = 0.5 * (X[7]! - X[5]!),
      x1 = 0.5 * (X[2]! - X[6]!),
      x2 = 0.5 * (X[3]! - X[1]!);
    o[0] = x0;
    o[1] = x1;
    o[2] = x2;
    return o;
  },
  bracket(u, v, out) {
    need('u', 'an so(3) vector', 3, u);
    need('v', 'an so(3) vector', 3, v);
    const u0 = u[0]!,
      u1 = u[1]!,
      u2 = u[2]!,
      v0 = v[0]!,
      v1 = v[1]!,
      v2 = v[2]!;
    const o = alloc(3, out);
    o[0] = u1 * v2 - u2 * v1;
    o[1] = u2 * v0 - u0 * v2;
    o[2] = u0 * v1 - u1 * v0;
    return o;
  },
  adjoint(g, out) {
    need('g', 'an SO(3) element', 9, g);
    const o = alloc(9, out);
    if (o !== g) o.set(g);
    return o;
  },
  act(g, p, out) {
    need('g', 'an SO(3) element', 9, g);
    need('p', 'a point of R^3', 3, p);
    const p0 = p[0]!,
      p1 = p[1]!,
      p2 = p[2]!;
    const o = alloc(3, out);
    o[0] = g[0]! * p0 + g[1]! * p1 + g[2]! * p2;
    o[1] = g[3]! * p0 + g[4]! * p1 + g[5]! * p2;
    o[2] = g[6]! * p0 + g[7]! * p1 + g[8]! * p2;
    return o;
  },
  rightJacobian: (xi, out) => jac(xi, versinc, -1, cubicSinc, out),
  leftJacobian: (xi, out) => jac(xi, versinc, 1, cubicSinc, out),
  rightJacobianInverse: (xi, out) => jac(xi, half, 1, inverseJacobianCoefficient, out),
  leftJacobianInverse: (xi, out) => jac(xi, half, -1, inverseJacobianCoefficient, out),
  interpolate(a, b, s, out) {
    checkFinite('s', s);
    const d = SO3.compose(SO3.inverse(a), b);
    const w = SO3.log(d);
    w[0] *= s;
    w[1] *= s;
    w[2] *= s;
    return SO3.compose(a, SO3.exp(w, d), out);
  },
  expCompose(xi, g, out) {
    const m = expMinusIdentity(xi);
    need('g', 'an SO(3) element', 9, g);
    const o = alloc(9, out);
    for (let j = 0; j < 3; j++) {
      const g0 = g[j]!,
        g1 = g[3 + j]!,
        g2 = g[6 + j]!;
      o[j] = g0 + (m[0]! * g0 + m[1]! * g1 + m[2]! * g2);
      o[3 + j] = g1 + (m[3]! * g0 + m[4]! * g1 + m[5]! * g2);
      o[6 + j] = g2 + (m[6]! * g0 + m[7]! * g1 + m[8]! * g2);
    }
    return o;
  },
  expAct(xi, p, out) {
    const m = expMinusIdentity(xi);
    need('p', 'a point of R^3', 3, p);
    const p0 = p[0]!,
      p1 = p[1]!,
      p2 = p[2]!;
    const o = alloc(3, out);
    o[0] = p0 + (m[0]! * p0 + m[1]! * p1 + m[2]! * p2);
    o[1] = p1 + (m[3]! * p0 + m[4]! * p1 + m[5]! * p2);
    o[2] = p2 + (m[6]! * p0 + m[7]! * p1 + m[8]! * p2);
    return o;
  },
  defect: (m) => (needArrayLike('m', 'a 3×3 matrix', 9, m), orthogonalityDefect(m)),
  check: (argument, m, tolerance) => checkMember(argument, m, 9, 'SO(3)', orthogonalityDefect, SO3.defectMeasure, tolerance),
  sample(random: Random, out?: F) {
    checkRandom('random', random);
    // A unit quaternion from four normals is uniform on S³, hence Haar on SO(3).
    let w = random.normal(),
      x = random.normal(),
      y = random.normal(),
      z = random.normal();
    const n = Math.hypot(w, x, y, z);
    w /= n;
    x /= n;
    y /= n;
    z /= n;
    const o = alloc(9, out);
    o[0] = 1 - 2 * (y * y + z * z);
    o[1] = 2 * (x * y - w * z);
    o[2] = 2 * (x * z + w * y);
    o[3] = 2 * (x * y + w * z);
    o[4] = 1 - 2 * (x * x + z * z);
    o[5] = 2 * (y * z - w * x);
    o[6] = 2 * (x * z - w * y);
    o[7] = 2 * (y * z + w * x);
    o[8] = 1 - 2 * (x * x + y * y);
    return o;
  },
};
