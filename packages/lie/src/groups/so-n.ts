/**
 * SO(n) for any n ≥ 2, on dense n×n matrices: exp by `expm` and log by `logm` from
 * @phaseflow/linalg (after square roots taken as polar factors, so every rotation with no
 * eigenvalue −1 is in reach), Jacobians as φ(±ad_ξ) through one `expm` of a block matrix.
 * For n = 2, 3 the closed forms {@link SO2} and {@link SO3} are faster and more accurate.
 */
import { checkFinite, checkInteger, PhaseflowError, type Random } from '@phaseflow/core';
import { createExpm, createLogm, luFactor, luSolve } from '@phaseflow/linalg';
import type { MatrixLieGroup } from '../group.js';
import { checkMember, checkRandom, need, needArrayLike, outOf } from '../internal/check.js';

type F = Float64Array;

/** C = A·B for n×n row-major matrices (C must not alias A or B). */
function matMul(a: F, b: F, n: number, c: F): F {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * b[k * n + j]!;
      c[i * n + j] = s;
    }
  }
  return c;
}

/** An SO(n) group object with its coordinate layout. */
export interface SpecialOrthogonalGroup extends MatrixLieGroup {
  /** The index pairs (i, j), i < j, of the algebra coordinates: ξ_k is the (j, i) entry of hat(ξ). */
  readonly pairs: readonly (readonly [number, number])[];
}

/**
 * The rotation group SO(n), n ≥ 2. Algebra coordinates ξ_k, one per pair i < j in
 * lexicographic order (0,1), (0,2), …, (n−2,n−1), with hat(ξ)_{ji} = ξ_k = −hat(ξ)_{ij}
 * (for n = 2 this is SO(2)'s angle).
 *
 * - exp(ξ) = expm(hat ξ) (Higham 2005 scaling and squaring, via linalg's `createExpm`).
 * - log(R): square roots R^{1/2} = polar factor of (I + R) (scaled Newton iteration
 *   X ← ½(γX + (γX)⁻ᵀ)) until ‖R^{1/2ᵏ} − I‖₁ ≤ ½, then 2ᵏ·logm (linalg's inverse scaling and
 *   squaring). Rotations by angles near π lose accuracy as ε/cos(θ/2); at exactly π the
 *   principal log is not unique and `log` throws CONVERGENCE_FAILURE.
 * - J_l(ξ) = Σ ad_ξᵏ/(k+1)! = φ₁(ad_ξ), J_r(ξ) = φ₁(−ad_ξ), read from
 *   expm([[ad, I], [0, 0]]) = [[e^ad, φ₁(ad)], [0, I]]; inverses by LU.
 * - Ad_R ξ = vee(R·hat(ξ)·Rᵀ); act(R, p) = R·p.
 *
 * @example
 * ```ts
 * import { createSO } from '@phaseflow/lie';
 * const SO4 = createSO(4); // dim 6
 * const R = SO4.exp(Float64Array.of(0.1, 0, 0, 0, 0, 0.2)); // rotations in planes (0,1) and (2,3)
 * SO4.log(R); // ≈ (0.1, 0, 0, 0, 0, 0.2)
 * ```
 */
export function createSO(n: number): SpecialOrthogonalGroup {
  checkInteger('n', n, { min: 2 });
  const nn = n * n;
  const d = (n * (n - 1)) / 2;
  const name = `SO(${n})`;
  const pairs: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([i, j]);
  const expN = createExpm({ n });
  const logN = createLogm({ n });
  const expBlock = createExpm({ n: 2 * d });
  const X = new Float64Array(nn),
    Y = new Float64Array(nn),
    Z = new Float64Array(nn);
  const block = new Float64Array(4 * d * d),
    blockExp = new Float64Array(4 * d * d);
  const elem = `an ${name} element`,
    alg = `an so(${n}) vector`;
  const alloc = outOf;

  const hat = (xi: F, out?: F): F => {
    need('xi', alg, d, xi);
    const o = alloc(nn, out);
    o.fill(0);
    for (let k = 0; k < d; k++) {
      const [i, j] = pairs[k]!;
      o[j * n + i] = xi[k]!;
      o[i * n + j] = -xi[k]!;
    }
    return o;
  };
  const vee = (M: F, out?: F): F => {
    need('X', `an ${n}×${n} matrix`, nn, M);
    const o = alloc(d, out);
    for (let k = 0; k < d; k++) {
      const [i, j] = pairs[k]!;
      o[k] = 0.5 * (M[j * n + i]! - M[i * n + j]!);
    }
    return o;
  };
  const transposeInto = (a: F, out: F) => {
    for (let i = 0; i < n; i++)
      for (let j = i; j < n; j++) {
        const x = a[i * n + j]!,
          y = a[j * n + i]!;
        out[i * n + j] = y;
        out[j * n + i] = x;
      }
    return out;
  };
  const frob = (a: F) => Math.sqrt(a.reduce((s, x) => s + x * x, 0));
  /** The orthogonal polar factor of `a` (nonsingular), by Higham's scaled Newton iteration. */
  const polar = (a: F): F => {
    let x: F = a.slice();
    let done = false;
    for (let it = 0; it < 100; it++) {
      const inv = luSolve(luFactor(x, n), identity(new Float64Array(nn)), { columns: n });
      const g = Math.sqrt(frob(inv) / frob(x));
      const next = new Float64Array(nn);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) next[i * n + j] = 0.5 * (g * x[i * n + j]! + inv[j * n + i]! / g);
      let change = 0;
      for (let i = 0; i < nn; i++) change = Math.max(change, Math.abs(next[i]! - x[i]!));
      x = next;
      // Quadratic convergence: after a change of 1e-8 one more iteration reaches rounding.
      if (done) break;
      if (change <= 1e-8) done = true;
    }
    return x;
  };
  const identity = (out?: F): F => {
    const o = alloc(nn, out);
    o.fill(0);
    for (let i = 0; i < n; i++) o[i * n + i] = 1;
    return o;
  };
  /** ad_ξ as a d×d matrix: column k is vee([hat ξ, E_k]). */
  const adMatrix = (xi: F, sign: number, out: F, stride: number) => {
    hat(xi, X);
    for (let k = 0; k < d; k++) {
      const [i, j] = pairs[k]!;
      // [X, E] with E = e_j e_iᵀ − e_i e_jᵀ: (XE)_{ab} = X_{aj}δ_{bi} − X_{ai}δ_{bj}, (EX) likewise.
      Y.fill(0);
      for (let a = 0; a < n; a++) {
        Y[a * n + i] += X[a * n + j]!;
        Y[a * n + j] -= X[a * n + i]!;
        Y[j * n + a] -= X[i * n + a]!;
        Y[i * n + a] += X[j * n + a]!;
      }
      for (let m = 0; m < d; m++) {
        const [p, q] = pairs[m]!;
        out[m * stride + k] = sign * 0.5 * (Y[q * n + p]! - Y[p * n + q]!);
      }
    }
  };
  /** φ₁(sign·ad_ξ) into out (d×d). */
  const phi1 = (xi: F, sign: number, out: F): F => {
    block.fill(0);
    adMatrix(xi, sign, block, 2 * d);
    for (let i = 0; i < d; i++) block[i * 2 * d + d + i] = 1;
    expBlock.apply(block, blockExp);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i * d + j] = blockExp[i * 2 * d + d + j]!;
    return out;
  };
  const invert = (m: F, out: F): F => {
    const eye = new Float64Array(d * d);
    for (let i = 0; i < d; i++) eye[i * d + i] = 1;
    return luSolve(luFactor(m, d), eye, { columns: d, out });
  };
  const defect = (m: ArrayLike<number>): number => {
    const a = Float64Array.from({ length: nn }, (_, i) => m[i]!);
    let s = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let e = i === j ? -1 : 0;
        for (let k = 0; k < n; k++) e += a[k * n + i]! * a[k * n + j]!;
        s += e * e;
      }
    const lu = luFactor(a, n);
    let det: number = lu.sign;
    for (let i = 0; i < n; i++) det *= lu.lu[i * n + i]!;
    return Math.sqrt(s) + (det > 0 ? 0 : 2);
  };
  const log = (g: F, out?: F): F => {
    need('g', elem, nn, g);
    let y: F = g.slice();
    let roots = 0;
    const dist = (a: F) => {
      let worst = 0;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]! - (i === j ? 1 : 0));
        worst = Math.max(worst, s);
      }
      return worst;
    };
    while (dist(y) > 0.5) {
      if (roots >= 60)
        throw new PhaseflowError('CONVERGENCE_FAILURE', `${name}.log: no principal logarithm (an eigenvalue at −1: a rotation by π)`, { argument: 'g' });
      const sum = y.slice();
      for (let i = 0; i < n; i++) sum[i * n + i] += 1;
      y = polar(sum);
      if (!y.every(Number.isFinite))
        throw new PhaseflowError('CONVERGENCE_FAILURE', `${name}.log: no principal logarithm (an eigenvalue at −1: a rotation by π)`, { argument: 'g' });
      roots++;
    }
    logN.apply(y, Z);
    const o = vee(Z, out);
    const scale = 2 ** roots;
    for (let k = 0; k < d; k++) o[k] *= scale;
    return o;
  };
  const exp = (xi: F, out?: F): F => expN.apply(hat(xi, X), alloc(nn, out));

  const group: SpecialOrthogonalGroup = {
    name,
    dim: d,
    size: nn,
    pointDim: n,
    matrixSize: n,
    pairs,
    defectMeasure: '‖RᵀR − I‖_F (+2 when det R ≤ 0)',
    identity,
    compose(a, b, out) {
      need('a', elem, nn, a);
      need('b', elem, nn, b);
      matMul(a, b, n, Z);
      const o = alloc(nn, out);
      o.set(Z);
      return o;
    },
    inverse(g, out) {
      need('g', elem, nn, g);
      return transposeInto(g, alloc(nn, out));
    },
    exp,
    log,
    hat,
    vee,
    bracket(u, v, out) {
      hat(u, X);
      hat(v, Y);
      matMul(X, Y, n, Z);
      const o = alloc(d, out);
      for (let k = 0; k < d; k++) {
        const [i, j] = pairs[k]!;
        // [U, V]_{ji} = (UV)_{ji} − (VU)_{ji} = (UV)_{ji} − (UV)_{ij} (both skew: VU = (UV)ᵀ).
        o[k] = Z[j * n + i]! - Z[i * n + j]!;
      }
      return o;
    },
    adjoint(g, out) {
      need('g', elem, nn, g);
      const o = alloc(d * d, out);
      // R·E_k·Rᵀ = r_j r_iᵀ − r_i r_jᵀ with r_i the i-th column of R; read its (q, p) entry.
      for (let k = 0; k < d; k++) {
        const [i, j] = pairs[k]!;
        for (let m = 0; m < d; m++) {
          const [p, q] = pairs[m]!;
          o[m * d + k] = g[q * n + j]! * g[p * n + i]! - g[q * n + i]! * g[p * n + j]!;
        }
      }
      return o;
    },
    act(g, p, out) {
      need('g', elem, nn, g);
      need('p', `a point of R^${n}`, n, p);
      const tmp = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += g[i * n + j]! * p[j]!;
        tmp[i] = s;
      }
      const o = alloc(n, out);
      o.set(tmp);
      return o;
    },
    rightJacobian: (xi, out) => phi1(xi, -1, alloc(d * d, out)),
    leftJacobian: (xi, out) => phi1(xi, 1, alloc(d * d, out)),
    rightJacobianInverse: (xi, out) => invert(phi1(xi, -1, new Float64Array(d * d)), alloc(d * d, out)),
    leftJacobianInverse: (xi, out) => invert(phi1(xi, 1, new Float64Array(d * d)), alloc(d * d, out)),
    interpolate(a, b, s, out) {
      checkFinite('s', s);
      const w = log(group.compose(group.inverse(a), b));
      for (let k = 0; k < d; k++) w[k] *= s;
      return group.compose(a, exp(w), out);
    },
    defect: (m) => (needArrayLike('m', `an ${n}×${n} matrix`, nn, m), defect(m)),
    check: (argument, m, tolerance) => checkMember(argument, m, nn, name, defect, group.defectMeasure, tolerance),
    sample(random: Random, out?: F) {
      checkRandom('random', random);
      // Gram–Schmidt on Gaussian columns (QR with a positive diagonal: Haar on O(n)), then a
      // column sign flip when det = −1 (Haar on SO(n)); Mezzadri (2007).
      const q = new Float64Array(nn);
      for (let i = 0; i < nn; i++) q[i] = random.normal();
      for (let j = 0; j < n; j++) {
        for (let pass = 0; pass < 2; pass++) {
          for (let k = 0; k < j; k++) {
            let dot = 0;
            for (let i = 0; i < n; i++) dot += q[i * n + k]! * q[i * n + j]!;
            for (let i = 0; i < n; i++) q[i * n + j] -= dot * q[i * n + k]!;
          }
        }
        let norm = 0;
        for (let i = 0; i < n; i++) norm += q[i * n + j]! ** 2;
        norm = Math.sqrt(norm);
        for (let i = 0; i < n; i++) q[i * n + j] /= norm;
      }
      if (defect(q) > 1) for (let i = 0; i < n; i++) q[i * n] = -q[i * n]!;
      const o = alloc(nn, out);
      o.set(q);
      return o;
    },
  };
  return group;
}
