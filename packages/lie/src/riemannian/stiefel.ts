/**
 * The Stiefel manifold St(n, p) = { X ∈ ℝ^{n×p} : XᵀX = I } (p = n: the orthogonal group O(n),
 * whose component SO(n) every retraction here preserves) with the embedded metric: tangent
 * projection, Riemannian gradient and three retractions (Absil, Mahony & Sepulchre 2008,
 * §3.6, §4.1; Edelman, Arias & Smith 1998; Wen & Yin 2013).
 */
import { checkInteger, checkOneOf, checkOptions, type Random } from '@phaseflow/core';
import { createExpm, luFactor, luSolve, matrix, qr } from '@phaseflow/linalg';
import { checkMember, checkRandom, need, needArrayLike, outOf } from '../internal/check.js';

type F = Float64Array;

/** The retractions: `exp` (expm(W)·X), `cayley` ((I − W/2)⁻¹(I + W/2)·X), `qr` (the Q factor of X + ξ). */
export type Retraction = 'exp' | 'cayley' | 'qr';

/** The retraction names. */
export const RETRACTIONS: readonly Retraction[] = ['exp', 'cayley', 'qr'];

/** St(n, p) with its operations; matrices are row-major n×p Float64Arrays. */
export interface Stiefel {
  /** `St(n, p)`. */
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  /** Manifold dimension np − p(p+1)/2. */
  readonly dim: number;
  /** The tangent projection P_X(Z) = Z − X·sym(XᵀZ), sym(M) = (M + Mᵀ)/2. */
  project(x: F, z: F, out?: F): F;
  /**
   * R_X(ξ) for a tangent ξ at X. With W = P̃ξXᵀ − Xξᵀ P̃, P̃ = I − XXᵀ/2 (skew, W·X = ξ):
   * `exp` gives expm(W)·X (for p = n: X·expm(Xᵀξ), the geodesic of SO(n)), `cayley`
   * (I − W/2)⁻¹(I + W/2)·X (Wen & Yin 2013), `qr` the Q factor (R_ii ≥ 0) of X + ξ
   * (Absil et al. 2008, Example 4.1.3). `out` may alias `x`.
   */
  retract(x: F, xi: F, retraction: Retraction, out?: F): F;
  /** ‖XᵀX − I‖_F. */
  defect(x: F): number;
  /** X itself, or NOT_ON_MANIFOLD naming `argument` when ‖XᵀX − I‖_F exceeds `tolerance` (default 1e-9). */
  check(argument: string, x: unknown, tolerance?: number): F;
  /** A Haar-distributed point (QR of a Gaussian matrix). */
  sample(random: Random, out?: F): F;
}

/**
 * The Stiefel manifold St(n, p), 1 ≤ p ≤ n: orthonormal p-frames in ℝⁿ (rows = n, cols = p).
 * St(n, n) = O(n); a run started in SO(n) stays there, since every retraction moves
 * continuously. QR comes from @phaseflow/linalg, as do the expm and LU of the other two.
 *
 * @example
 * ```ts
 * import { createStiefel } from '@phaseflow/lie';
 * const St = createStiefel({ rows: 5, cols: 2 });
 * const X = St.sample(createRandom(1));
 * const Y = St.retract(X, St.project(X, G), 'cayley'); // a step along the projected G
 * St.defect(Y); // ≈ 1e-16
 * ```
 */
export function createStiefel(options: { rows: number; cols: number }): Stiefel {
  const o = checkOptions('options', options, ['rows', 'cols']);
  const n = checkInteger('options.rows', o.rows, { min: 1 });
  const p = checkInteger('options.cols', o.cols, { min: 1, max: n });
  const size = n * p;
  const name = `St(${n}, ${p})`;
  const what = `an ${n}×${p} matrix`;
  const expN = createExpm({ n });
  const W = new Float64Array(n * n),
    E = new Float64Array(n * n),
    A = new Float64Array(size),
    S = new Float64Array(p * p);
  const alloc = (out?: F) => outOf(size, out);

  /** S = XᵀZ (p×p). */
  const gram = (x: F, z: F) => {
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += x[k * p + a]! * z[k * p + b]!;
        S[a * p + b] = s;
      }
    }
  };
  const project = (x: F, z: F, out?: F): F => {
    need('x', what, size, x);
    need('z', what, size, z);
    gram(x, z);
    const res = new Float64Array(size);
    for (let i = 0; i < n; i++) {
      for (let b = 0; b < p; b++) {
        let s = 0;
        for (let a = 0; a < p; a++) s += x[i * p + a]! * 0.5 * (S[a * p + b]! + S[b * p + a]!);
        res[i * p + b] = z[i * p + b]! - s;
      }
    }
    const o2 = alloc(out);
    o2.set(res);
    return o2;
  };
  /** W = AXᵀ − XAᵀ with A = ξ − X(Xᵀξ)/2. */
  const generator = (x: F, xi: F) => {
    gram(x, xi);
    for (let i = 0; i < n; i++) {
      for (let b = 0; b < p; b++) {
        let s = 0;
        for (let a = 0; a < p; a++) s += x[i * p + a]! * S[a * p + b]!;
        A[i * p + b] = xi[i * p + b]! - 0.5 * s;
      }
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let a = 0; a < p; a++) s += A[i * p + a]! * x[j * p + a]! - x[i * p + a]! * A[j * p + a]!;
        W[i * n + j] = s;
      }
    }
  };
  const timesX = (m: F, x: F, out: F) => {
    const res = new Float64Array(size);
    for (let i = 0; i < n; i++) {
      for (let b = 0; b < p; b++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += m[i * n + k]! * x[k * p + b]!;
        res[i * p + b] = s;
      }
    }
    out.set(res);
    return out;
  };
  const defect = (x: F) => {
    let f = 0;
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += x[k * p + a]! * x[k * p + b]!;
        f += (s - (a === b ? 1 : 0)) ** 2;
      }
    }
    return Math.sqrt(f);
  };
  return {
    name,
    rows: n,
    cols: p,
    dim: n * p - (p * (p + 1)) / 2,
    project,
    retract(x, xi, retraction, out) {
      need('x', what, size, x);
      need('xi', what, size, xi);
      const kind = checkOneOf<Retraction>('retraction', retraction, RETRACTIONS);
      const o2 = alloc(out);
      if (kind === 'qr') {
        const sum = Float64Array.from(x, (v, i) => v + xi[i]!);
        o2.set(qr(matrix(n, p, sum)).q.data);
        return o2;
      }
      generator(x, xi);
      if (kind === 'exp') return timesX(expN.apply(W, E), x, o2);
      // (I − W/2)·Y = (I + W/2)·X.
      const left = new Float64Array(n * n);
      for (let i = 0; i < n * n; i++) left[i] = -0.5 * W[i]!;
      for (let i = 0; i < n; i++) left[i * n + i]! += 1;
      const right = new Float64Array(size);
      timesX(W, x, right);
      for (let i = 0; i < size; i++) right[i] = x[i]! + 0.5 * right[i]!;
      o2.set(luSolve(luFactor(left, n), right, { columns: p }));
      return o2;
    },
    defect: (x) => (needArrayLike('x', what, size, x), defect(x)),
    check: (argument, x, tolerance) => checkMember(argument, x, size, name, defect, '‖XᵀX − I‖_F', tolerance),
    sample(random, out) {
      const r = checkRandom('random', random);
      const g = new Float64Array(size);
      r.fillNormal(g);
      const o2 = alloc(out);
      o2.set(qr(matrix(n, p, g)).q.data);
      return o2;
    },
  };
}
