/**
 * Second-order information of a loss from its gradient alone: Hessian–vector products by
 * central differences of gradients, the top of the Hessian spectrum by Lanczos (the sharpness
 * of Cohen et al.), the dense Hessian for small checks, and the MSE loss of any network with
 * a parameter view and a vector–Jacobian product (the Float64 MLP of @phaseflow/nn64).
 */
import {
  PhaseflowError,
  callbackFailed,
  checkAllocation,
  checkFiniteArray,
  checkFunction,
  checkInteger,
  checkOptions,
  checkPositive,
  invalid,
  isPhaseflowError,
} from '@phaseflow/core';
import { checkVector } from './args.js';
import { lanczos, type LanczosOptions, type LanczosResult } from './lanczos.js';

type F = Float64Array;

/** A loss gradient: out ← ∇L(θ); returns `out`. */
export type GradientFunction = (theta: F, out: F) => F;

/** A differentiable loss over a flat parameter vector, from {@link mseLoss}. */
export interface Loss {
  readonly name: string;
  /** Number of parameters. */
  readonly size: number;
  /** L(θ). */
  value(theta: F): number;
  /** out ← ∇L(θ); returns `out`. */
  gradient(theta: F, out: F): F;
}

/** Options of the Hessian tools. */
export interface HessianOptions {
  /** Relative difference step δ: ε = δ·(1 + ‖θ‖∞)/‖v‖∞ (default 1e-5, near ∛eps times the usual gradient scale). */
  readonly step?: number;
}

/**
 * A Hessian–vector product from gradients, H·v ≈ (∇L(θ + εv) − ∇L(θ − εv)) / (2ε), accurate to
 * O(ε²) (exact for quadratic losses up to rounding). Two gradient evaluations.
 *
 * @example
 * ```ts
 * const grad = (th: Float64Array, out: Float64Array) => { out[0] = 2 * th[0]!; out[1] = 6 * th[1]!; return out; };
 * hessianVectorProduct(grad, Float64Array.of(1, 1), Float64Array.of(0, 1)); // [0, 6]
 * ```
 */
export function hessianVectorProduct(gradient: GradientFunction, theta: F, v: F, out?: F, options: HessianOptions = {}): F {
  checkFunction('gradient', gradient);
  checkFiniteArray('theta', theta);
  checkFiniteArray('v', v);
  if (v.length !== theta.length) invalid('v', `a vector of length ${theta.length}`, v, 'SHAPE_MISMATCH');
  const o = checkOptions('options', options, ['step']);
  const delta = o.step === undefined ? 1e-5 : checkPositive('options.step', o.step);
  if (theta.length === 0) invalid('theta', 'at least one parameter', theta);
  if (out !== undefined) checkVector('out', out, theta.length);
  return createHvp(gradient, theta, delta)(v, out ?? new Float64Array(theta.length));
}

/** H·v at a fixed θ with its scratch allocated once (the operator Lanczos calls). */
function createHvp(gradient: GradientFunction, theta: F, delta: number): (v: F, out: F) => F {
  const n = theta.length;
  const plus = new Float64Array(n);
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  let thetaScale = 0;
  for (let i = 0; i < n; i++) thetaScale = Math.max(thetaScale, Math.abs(theta[i]!));
  const call = (x: F, out: F): void => {
    let r: F;
    try {
      r = gradient(x, out);
    } catch (e) {
      if (isPhaseflowError(e)) throw e;
      throw callbackFailed('gradient', e);
    }
    if (!(r instanceof Float64Array) || r.length !== n) invalid('gradient', `a gradient function returning ${n} numbers`, r, 'SHAPE_MISMATCH');
    if (r !== out) out.set(r);
  };
  return (v, out) => {
    let vn = 0;
    for (let i = 0; i < n; i++) vn = Math.max(vn, Math.abs(v[i]!));
    if (vn === 0) return out.fill(0);
    const eps = (delta * (1 + thetaScale)) / vn;
    for (let i = 0; i < n; i++) plus[i] = theta[i]! + eps * v[i]!;
    call(plus, gp);
    for (let i = 0; i < n; i++) plus[i] = theta[i]! - eps * v[i]!;
    call(plus, gm);
    for (let i = 0; i < n; i++) out[i] = (gp[i]! - gm[i]!) / (2 * eps);
    return out;
  };
}

/** What {@link hessianEigenvalues} returns: the Lanczos result and its cost. */
export interface HessianEigenvalues extends LanczosResult {
  /** Gradient evaluations spent (two per Hessian–vector product). */
  readonly gradientEvaluations: number;
}

/**
 * The top-k eigenvalues of the Hessian ∇²L(θ) — the sharpness λ_max and the next ones — by
 * Lanczos on central-difference Hessian–vector products: 2 gradients per Krylov step, no
 * Hessian formed. Under full-batch gradient descent with step η the sharpness rises until it
 * reaches 2/η and hovers there (the edge of stability, Cohen et al. 2021).
 *
 * Sources: B. A. Pearlmutter, Fast exact multiplication by the Hessian, Neural Computation 6
 * (1994) 147–160 (the Hessian–vector product idea); J. Cohen, S. Kaur, Y. Li, J. Z. Kolter,
 * A. Talwalkar, Gradient descent on neural networks typically occurs at the edge of
 * stability, ICLR 2021.
 *
 * @example
 * ```ts
 * import { createMlp64 } from '@phaseflow/nn64';
 * const net = createMlp64({ sizes: [1, 16, 1], seed: 0 });
 * const loss = mseLoss(net, { x: Float64Array.of(-1, 0, 1), rows: 3, cols: 1 }, Float64Array.of(1, 0, 1));
 * hessianEigenvalues(loss.gradient, net.parameters.get(), { k: 2 }).values; // λ₁ ≥ λ₂
 * ```
 */
export function hessianEigenvalues(gradient: GradientFunction, theta: F, options: LanczosOptions & HessianOptions = {}): HessianEigenvalues {
  checkFunction('gradient', gradient);
  checkFiniteArray('theta', theta);
  if (theta.length === 0) invalid('theta', 'at least one parameter', theta);
  const { step, ...rest } = checkOptions('options', options, ['k', 'iterations', 'tolerance', 'start', 'seed', 'vectors', 'step']);
  const delta = step === undefined ? 1e-5 : checkPositive('options.step', step);
  const op = createHvp(gradient, Float64Array.from(theta), delta);
  const res = lanczos(op, theta.length, { tolerance: 1e-6, ...rest });
  return { ...res, gradientEvaluations: 2 * res.iterations };
}

/**
 * The dense Hessian by central differences of gradients along the unit vectors,
 * H_ij ≈ (∂ᵢL(θ + εe_j) − ∂ᵢL(θ − εe_j))/(2ε), symmetrised (H + Hᵀ)/2; n × n row-major. 2n
 * gradients: a reference for small networks.
 *
 * @example
 * ```ts
 * const H = denseHessian(loss.gradient, net.parameters.get());
 * symmetricEigen(H, net.parameters.size).values; // ascending; the last is the sharpness
 * ```
 */
export function denseHessian(gradient: GradientFunction, theta: F, options: HessianOptions = {}): F {
  checkFunction('gradient', gradient);
  checkFiniteArray('theta', theta);
  if (theta.length === 0) invalid('theta', 'at least one parameter', theta);
  const o = checkOptions('options', options, ['step']);
  const delta = o.step === undefined ? 1e-5 : checkPositive('options.step', o.step);
  const n = theta.length;
  checkAllocation('theta', n * n, 8);
  const op = createHvp(gradient, Float64Array.from(theta), delta);
  const H = new Float64Array(n * n);
  const e = new Float64Array(n);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    op(e, col);
    for (let i = 0; i < n; i++) H[i * n + j] = col[i]!;
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = 0.5 * (H[i * n + j]! + H[j * n + i]!);
      H[i * n + j] = s;
      H[j * n + i] = s;
    }
  }
  return H;
}

/** What {@link mseLoss} needs of a network: a flat parameter view, a forward pass and reverse mode (an nn64 `Mlp64` has all three). */
export interface DifferentiableNetwork<B> {
  readonly parameters: {
    readonly size: number;
    get(out?: F): F;
    set(values: ArrayLike<number>): void;
  };
  forward(batch: B): F;
  /** Given ∂L/∂y, adds ∂L/∂θ into `gTheta`. */
  vjp(batch: B, gy: F, gTheta?: F): F;
}

/**
 * The mean squared error of a network on a fixed (full) batch as a {@link Loss} over θ:
 * L(θ) = (1/2m) Σ_r ‖f_θ(x_r) − y_r‖², ∇L from the network's reverse mode. Each call sets the
 * network's parameters to θ and restores them afterwards, so gradient descent, Lanczos and the
 * dense Hessian can evaluate it anywhere. This is the loss of Cohen et al.'s MSE experiments.
 *
 * @example
 * ```ts
 * import { createMlp64 } from '@phaseflow/nn64';
 * const net = createMlp64({ sizes: [1, 20, 1], seed: 0 });
 * const loss = mseLoss(net, { x: xs, rows: 20, cols: 1 }, ys);
 * loss.value(net.parameters.get());
 * ```
 */
export function mseLoss<B>(network: DifferentiableNetwork<B>, batch: B, targets: ArrayLike<number>): Loss {
  if (network === null || typeof network !== 'object' || typeof network.forward !== 'function' || typeof network.vjp !== 'function' || !network.parameters) {
    invalid('network', 'a network with parameters { size, get, set }, forward and vjp (e.g. an nn64 Mlp64)', network);
  }
  checkFiniteArray('targets', targets);
  const size = checkInteger('network.parameters.size', network.parameters.size, { min: 1 });
  const y = Float64Array.from(targets);
  const saved = new Float64Array(size);
  const probe = network.forward(batch);
  if (probe.length !== y.length) invalid('targets', `${probe.length} numbers (the network's output on the batch)`, targets, 'SHAPE_MISMATCH');
  const rows = (batch as { rows?: number }).rows ?? 1;
  const m = typeof rows === 'number' && rows > 0 ? rows : 1;
  const gy = new Float64Array(y.length);
  const withTheta = <T>(theta: F, fn: () => T): T => {
    checkFiniteArray('theta', theta);
    if (theta.length !== size) invalid('theta', `a vector of ${size} parameters`, theta, 'SHAPE_MISMATCH');
    network.parameters.get(saved);
    network.parameters.set(theta);
    try {
      return fn();
    } finally {
      network.parameters.set(saved);
    }
  };
  return {
    name: 'mse',
    size,
    value: (theta) =>
      withTheta(theta, () => {
        const p = network.forward(batch);
        let s = 0;
        for (let i = 0; i < y.length; i++) s += (p[i]! - y[i]!) ** 2;
        return s / (2 * m);
      }),
    gradient: (theta, out) =>
      withTheta(theta, () => {
        checkVector('out', out, size);
        const p = network.forward(batch);
        for (let i = 0; i < y.length; i++) gy[i] = (p[i]! - y[i]!) / m;
        out.fill(0);
        network.vjp(batch, gy, out);
        for (let i = 0; i < size; i++) {
          if (!Number.isFinite(out[i]!))
            throw new PhaseflowError('NON_FINITE_STATE', `mseLoss: the gradient became non-finite (parameter ${i})`, { argument: 'theta' });
        }
        return out;
      }),
  };
}
