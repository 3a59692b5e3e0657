/**
 * Orthogonal parametrisations: maps from unconstrained parameters to orthogonal n×n matrices,
 * with the gradient of a loss through them, in Float64 (geotorch's three: Lezcano-Casado
 * 2019). Train the parameters with any optimiser; the weight stays orthogonal to rounding.
 *
 * - exponential: W = expm(A), A = hat(ξ) skew-symmetric (Lezcano-Casado & Martínez-Rubio
 *   2019, expRNN); gradient through the adjoint Fréchet derivative of expm.
 * - Cayley: W = (I − A)⁻¹(I + A) (Helfrich, Willmott & Ye 2018); never has eigenvalue −1.
 * - Householder: W = H₁⋯H_k, Hᵢ = I − 2vᵢvᵢᵀ/‖vᵢ‖² (Mhammedi et al. 2017); det W = (−1)ᵏ.
 */
import { checkInteger, checkOptions, invalid } from '@phaseflow/core';
import { createExpm, luFactor, luSolve } from '@phaseflow/linalg';
import { createSO } from './groups/so-n.js';
import { need, outOf } from './internal/check.js';

type F = Float64Array;

/** A parametrisation W(θ) of orthogonal matrices and its vector–Jacobian product. */
export interface OrthogonalParametrization {
  readonly name: 'exponential' | 'cayley' | 'householder';
  /** Order n of W (n×n, row-major). */
  readonly n: number;
  /** Number of parameters. */
  readonly size: number;
  /** W(θ). */
  forward(params: F, out?: F): F;
  /** dL/dθ from dL/dW (n×n): the vector–Jacobian product at θ. */
  backward(params: F, gradW: F, out?: F): F;
}

function matMul(a: F, b: F, n: number, c: F = new Float64Array(n * n)): F {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * b[k * n + j]!;
      c[i * n + j] = s;
    }
  }
  return c;
}
const transpose = (a: F, n: number) => {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j]!;
  return t;
};

function order(options: { n: number }, known: string[]): number {
  const o = checkOptions('options', options, known);
  return checkInteger('options.n', o.n, { min: 2 });
}

/** dL/dξ of a skew matrix A = hat(ξ) from dL/dA: ξ_k for pair (i, j) is A_ji = −A_ij. */
function skewGradient(pairs: readonly (readonly [number, number])[], n: number, gradA: F, out: F): F {
  pairs.forEach(([i, j], k) => (out[k] = gradA[j * n + i]! - gradA[i * n + j]!));
  return out;
}

/**
 * The exponential parametrisation W = expm(hat ξ) of SO(n), ξ ∈ ℝ^{n(n−1)/2} in
 * {@link createSO}'s coordinates. Backward: dL/dA = L_exp(Aᵀ, G), the top-right block of
 * expm([[Aᵀ, G], [0, Aᵀ]]) (Najfeld & Havel 1995), read back in skew coordinates.
 *
 * @example
 * ```ts
 * import { createExponentialParametrization } from '@phaseflow/lie';
 * const p = createExponentialParametrization({ n: 4 });
 * const W = p.forward(new Float64Array(p.size).fill(0.1)); // orthogonal 4×4
 * const g = p.backward(new Float64Array(p.size).fill(0.1), W); // d(½‖W‖²)/dθ = 0: ‖W‖ is constant
 * ```
 */
export function createExponentialParametrization(options: { n: number }): OrthogonalParametrization {
  const n = order(options, ['n']);
  const G = createSO(n);
  const big = createExpm({ n: 2 * n });
  const block = new Float64Array(4 * n * n),
    blockExp = new Float64Array(4 * n * n);
  const A = new Float64Array(n * n);
  return {
    name: 'exponential',
    n,
    size: G.dim,
    forward(params, out) {
      need('params', `${G.dim} parameters`, G.dim, params);
      return G.exp(params, out);
    },
    backward(params, gradW, out) {
      need('params', `${G.dim} parameters`, G.dim, params);
      need('gradW', `an ${n}×${n} matrix`, n * n, gradW);
      G.hat(params, A);
      block.fill(0);
      const m = 2 * n;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          block[i * m + j] = A[j * n + i]!;
          block[(i + n) * m + j + n] = A[j * n + i]!;
          block[i * m + j + n] = gradW[i * n + j]!;
        }
      }
      big.apply(block, blockExp);
      const gradA = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) gradA[i * n + j] = blockExp[i * m + j + n]!;
      return skewGradient(G.pairs, n, gradA, outOf(G.dim, out));
    },
  };
}

/**
 * The Cayley parametrisation W = (I − A)⁻¹(I + A), A = hat(ξ) skew: every rotation without
 * eigenvalue −1. Backward: dW = (I − A)⁻¹·dA·(W + I), so dL/dA = (I − A)⁻ᵀ·G·(W + I)ᵀ.
 *
 * @example
 * ```ts
 * import { createCayleyParametrization } from '@phaseflow/lie';
 * const p = createCayleyParametrization({ n: 3 });
 * p.forward(Float64Array.of(0, 0, Math.tan(0.25))); // rotation by 0.5 in the (1, 2) plane
 * ```
 */
export function createCayleyParametrization(options: { n: number }): OrthogonalParametrization {
  const n = order(options, ['n']);
  const G = createSO(n);
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  const parts = (params: F) => {
    const A = G.hat(params);
    const minus = Float64Array.from(eye, (x, i) => x - A[i]!);
    const plus = Float64Array.from(eye, (x, i) => x + A[i]!);
    const lu = luFactor(minus, n);
    return { lu, W: luSolve(lu, plus, { columns: n }) };
  };
  return {
    name: 'cayley',
    n,
    size: G.dim,
    forward(params, out) {
      need('params', `${G.dim} parameters`, G.dim, params);
      const { W } = parts(params);
      if (out === undefined) return W;
      outOf(n * n, out).set(W);
      return out;
    },
    backward(params, gradW, out) {
      need('params', `${G.dim} parameters`, G.dim, params);
      need('gradW', `an ${n}×${n} matrix`, n * n, gradW);
      const { W } = parts(params);
      // (I − A)⁻ᵀ = (I + A)⁻¹ for skew A: solve (I + A)·X = G·(W + I)ᵀ.
      const A = G.hat(params);
      const right = matMul(
        gradW,
        transpose(
          Float64Array.from(W, (x, i) => x + eye[i]!),
          n,
        ),
        n,
      );
      const gradA = luSolve(
        luFactor(
          Float64Array.from(eye, (x, i) => x + A[i]!),
          n,
        ),
        right,
        { columns: n },
      );
      return skewGradient(G.pairs, n, gradA, outOf(G.dim, out));
    },
  };
}

/**
 * The Householder parametrisation W = H₁H₂⋯H_k with Hᵢ = I − 2vᵢvᵢᵀ/‖vᵢ‖², parameters the k
 * vectors vᵢ ∈ ℝⁿ (row i of a k×n array; default k = n, which reaches all of O(n)).
 * det W = (−1)ᵏ. Backward: with M = (H₁⋯H_{i−1})ᵀ·G·(H_{i+1}⋯H_k)ᵀ,
 * dL/dvᵢ = −(2/s)(M + Mᵀ)vᵢ + (4 vᵢᵀMvᵢ/s²)vᵢ, s = ‖vᵢ‖².
 *
 * @example
 * ```ts
 * import { createHouseholderParametrization } from '@phaseflow/lie';
 * const p = createHouseholderParametrization({ n: 3, reflections: 2 }); // det +1
 * p.forward(Float64Array.of(1, 0, 0, 0, 1, 0)); // diag(−1, −1, 1)
 * ```
 */
export function createHouseholderParametrization(options: { n: number; reflections?: number }): OrthogonalParametrization {
  const n = order(options, ['n', 'reflections']);
  const k = options.reflections === undefined ? n : checkInteger('options.reflections', options.reflections, { min: 1 });
  const size = k * n;
  const reflection = (params: F, i: number) => {
    let s = 0;
    for (let a = 0; a < n; a++) s += params[i * n + a]! ** 2;
    if (!(s > 0)) invalid(`params[${i * n}…${i * n + n - 1}]`, 'a non-zero Householder vector', 0);
    const H = new Float64Array(n * n);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) H[a * n + b] = (a === b ? 1 : 0) - (2 * params[i * n + a]! * params[i * n + b]!) / s;
    return { H, s };
  };
  const identity = () => {
    const e = new Float64Array(n * n);
    for (let i = 0; i < n; i++) e[i * n + i] = 1;
    return e;
  };
  return {
    name: 'householder',
    n,
    size,
    forward(params, out) {
      need('params', `${size} parameters (${k} vectors of R^${n})`, size, params);
      let W: F = identity();
      for (let i = 0; i < k; i++) W = matMul(W, reflection(params, i).H, n);
      if (out === undefined) return W;
      outOf(n * n, out).set(W);
      return out;
    },
    backward(params, gradW, out) {
      need('params', `${size} parameters (${k} vectors of R^${n})`, size, params);
      need('gradW', `an ${n}×${n} matrix`, n * n, gradW);
      const hs = Array.from({ length: k }, (_, i) => reflection(params, i));
      const prefix: F[] = [identity()];
      for (let i = 0; i < k; i++) prefix.push(matMul(prefix[i]!, hs[i]!.H, n));
      const suffix: F[] = new Array(k + 1);
      suffix[k] = identity();
      for (let i = k - 1; i >= 0; i--) suffix[i] = matMul(hs[i]!.H, suffix[i + 1]!, n);
      const o = outOf(size, out);
      for (let i = 0; i < k; i++) {
        const M = matMul(matMul(transpose(prefix[i]!, n), gradW, n), transpose(suffix[i + 1]!, n), n);
        const s = hs[i]!.s;
        let vMv = 0;
        const Mv = new Float64Array(n),
          MTv = new Float64Array(n);
        for (let a = 0; a < n; a++) {
          for (let b = 0; b < n; b++) {
            Mv[a] += M[a * n + b]! * params[i * n + b]!;
            MTv[a] += M[b * n + a]! * params[i * n + b]!;
          }
          vMv += params[i * n + a]! * Mv[a]!;
        }
        for (let a = 0; a < n; a++) o[i * n + a] = (-2 / s) * (Mv[a]! + MTv[a]!) + ((4 * vMv) / (s * s)) * params[i * n + a]!;
      }
      return o;
    },
  };
}
