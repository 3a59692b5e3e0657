/**
 * SGD on the squared loss of a nonlinear network as a random map (Chemnitz & Engel 2024): the
 * minibatch gradients from the network's reverse mode, the linearised updates by differences of
 * them, and the frame normal to the manifold of interpolating minima — the directions in which
 * the sign of the Lyapunov exponent decides whether SGD accumulates at a minimum.
 */
import { checkFiniteArray, checkInteger, checkOptions, checkPositive, createRandom, invalid } from '@phaseflow/core';
import { qr, matrix, symmetricEigen } from '@phaseflow/linalg';
import { checkName } from './args.js';
import type { DifferentiableNetwork } from './hessian.js';
import type { LayerBatch } from './network.js';
import { sgdMap, type SgdMap, type SgdMapOptions } from './sgd.js';

type F = Float64Array;

/** Options of {@link networkSgd}: the SGD options without the gradient, plus the network and its data. */
export interface NetworkSgdOptions extends Omit<SgdMapOptions, 'samples' | 'gradient' | 'hessianVectorProduct'> {
  /** A network with a flat parameter view, a batched forward pass and reverse mode, in nn64's batch convention (an `Mlp64`). */
  readonly network: DifferentiableNetwork<LayerBatch>;
  /** The m training inputs, one per row. */
  readonly inputs: LayerBatch;
  /** The targets, m × outputs row-major. */
  readonly targets: ArrayLike<number>;
}

/** SGD on a network's squared loss, from {@link networkSgd}. */
export interface NetworkSgd extends SgdMap {
  /** Number of parameters p. */
  readonly size: number;
  /** Outputs per sample. */
  readonly outputs: number;
  /** L(θ) = (1/2m) Σᵢ ‖f_θ(xᵢ) − yᵢ‖² over all samples. */
  loss(theta: F): number;
  /** max over samples and outputs of |f_θ(xᵢ) − yᵢ|: 0 at an interpolating minimum. */
  maxResidual(theta: F): number;
  /**
   * The Jacobian J(θ) of all outputs on all samples, (m·outputs) × p row-major: row (i, k) is
   * ∇_θ f_k(xᵢ).
   */
  outputJacobian(theta: F): F;
  /**
   * An orthonormal basis of the row space of J(θ), p × r row-major (r = rank J): at an
   * interpolating minimum the directions normal to the manifold of interpolants, which every
   * linearised update I − η∇²L_B maps into itself while it leaves the tangent directions (ker J)
   * fixed. Pass it as `frame` to {@link sgdLyapunovExponent}. The basis is turned by a seeded
   * random rotation (`seed`, default 0): a column that started on an eigenvector of the Hessian
   * (as the Gram eigenvectors nearly are) would hold the QR on that direction for ~ln(1/ε)/gap
   * steps and bias the top exponent. `tolerance` (default 1e-10) is the relative Gram
   * eigenvalue below which a direction counts as in the kernel.
   */
  normalFrame(theta: F, options?: { readonly tolerance?: number; readonly seed?: number }): F;
}

/**
 * Stochastic gradient descent on the squared loss of a nonlinear network,
 * ℓᵢ(θ) = ½‖f_θ(xᵢ) − yᵢ‖², L_B = (1/|B|) Σ_{i∈B} ℓᵢ, as an {@link sgdMap}: θ ← θ − η∇L_{B_k}(θ)
 * over a seeded minibatch sequence, with the linearised update (I − η∇²L_{B_k}(θ))v from central
 * differences of the minibatch gradient. At an interpolating minimum θ* (f_θ*(xᵢ) = yᵢ for every
 * i, e.g. a teacher network's parameters, or any zero-loss point of an overparameterised net)
 * every minibatch map fixes θ* and ∇²L_B(θ*) = (1/|B|) Σ JᵢᵀJᵢ (the residual term vanishes), so
 * the random product of linearised maps splits into the identity on the tangent space of the
 * interpolants and a random product on the normal space ({@link NetworkSgd.normalFrame}); the sign
 * of its top exponent decides whether SGD accumulates at θ* (λ < 0) or escapes (λ > 0). For full
 * batches this is gradient descent's η < 2/λ_max(∇²L); with small batches the threshold moves.
 *
 * Source: D. Chemnitz, M. Engel, Characterizing dynamical stability of stochastic gradient
 * descent in overparameterized learning, arXiv:2407.20209 (2024).
 *
 * @example
 * ```ts
 * import { createMlp64 } from '@phaseflow/nn64';
 * const teacher = createMlp64({ sizes: [1, 4, 1], seed: 1 });
 * const x = { x: Float64Array.of(-1, -0.3, 0.4, 1), rows: 4, cols: 1 };
 * const net = createMlp64({ sizes: [1, 4, 1], seed: 2 });
 * const sgd = networkSgd({ network: net, inputs: x, targets: teacher.forward(x), learningRate: 0.5, steps: 5000, seed: 1 });
 * const star = teacher.parameters.get(); // an interpolating minimum
 * const e = sgdLyapunovExponent(sgd, star, { linearise: 'start', frame: sgd.normalFrame(star) });
 * e.exponents[0]; e.stable; // the sign of λ₁ at θ*
 * ```
 */
export function networkSgd(options: NetworkSgdOptions): NetworkSgd {
  const o = checkOptions('options', options, ['network', 'inputs', 'targets', 'learningRate', 'batchSize', 'steps', 'sampling', 'seed', 'fdStep', 'name']);
  if (o === undefined) invalid('options', 'an options object with network, inputs, targets, learningRate and steps', o);
  const net = o.network;
  if (net === null || typeof net !== 'object' || typeof net.forward !== 'function' || typeof net.vjp !== 'function' || !net.parameters) {
    invalid('options.network', 'a network with parameters { size, get, set }, forward and vjp (e.g. an nn64 Mlp64)', net);
  }
  const X = o.inputs;
  if (
    X === null ||
    typeof X !== 'object' ||
    !(X.x instanceof Float64Array) ||
    !Number.isInteger(X.rows) ||
    !Number.isInteger(X.cols) ||
    X.rows < 1 ||
    X.cols < 1
  ) {
    invalid('options.inputs', 'a batch { x: Float64Array, rows, cols } with rows ≥ 1', X);
  }
  if (X.x.length !== X.rows * X.cols) invalid('options.inputs.x', `rows × cols = ${X.rows * X.cols} numbers`, `${X.x.length} numbers`, 'SHAPE_MISMATCH');
  checkFiniteArray('options.inputs.x', X.x);
  checkFiniteArray('options.targets', o.targets);
  const m = X.rows;
  const cols = X.cols;
  const y = Float64Array.from(o.targets);
  if (y.length === 0 || y.length % m !== 0) invalid('options.targets', `m × outputs numbers (m = ${m})`, `${y.length} numbers`, 'SHAPE_MISMATCH');
  const out = y.length / m;
  const p = net.parameters.size;
  const probe = net.forward(X);
  if (probe.length !== y.length)
    invalid('options.targets', `${probe.length} numbers (the network's output on the inputs)`, `${y.length} numbers`, 'SHAPE_MISMATCH');

  const saved = new Float64Array(p);
  const withTheta = <T>(theta: F, fn: () => T): T => {
    if (!(theta instanceof Float64Array) || theta.length !== p) invalid('theta', `a Float64Array of ${p} parameters`, theta, 'SHAPE_MISMATCH');
    net.parameters.get(saved);
    net.parameters.set(theta);
    try {
      return fn();
    } finally {
      net.parameters.set(saved);
    }
  };
  // One scratch batch per minibatch size seen (SGD uses one size; the Jacobian uses size 1).
  const scratch = new Map<number, { batch: LayerBatch; gy: F; targets: F }>();
  const subBatch = (B: ArrayLike<number>) => {
    let s = scratch.get(B.length);
    if (!s) {
      s = {
        batch: { x: new Float64Array(B.length * cols), rows: B.length, cols },
        gy: new Float64Array(B.length * out),
        targets: new Float64Array(B.length * out),
      };
      scratch.set(B.length, s);
    }
    for (let r = 0; r < B.length; r++) {
      const i = B[r]!;
      (s.batch.x as F).set(X.x.subarray(i * cols, (i + 1) * cols), r * cols);
      s.targets.set(y.subarray(i * out, (i + 1) * out), r * out);
    }
    return s;
  };

  const sgd = sgdMap({
    samples: m,
    learningRate: o.learningRate,
    steps: o.steps,
    ...(o.batchSize !== undefined && { batchSize: o.batchSize }),
    ...(o.sampling !== undefined && { sampling: o.sampling }),
    ...(o.seed !== undefined && { seed: o.seed }),
    ...(o.fdStep !== undefined && { fdStep: o.fdStep }),
    name: o.name === undefined ? `network sgd(p = ${p}, m = ${m})` : checkName('options.name', o.name),
    gradient: (theta, B, g) =>
      withTheta(theta, () => {
        const s = subBatch(B);
        const f = net.forward(s.batch);
        for (let k = 0; k < s.gy.length; k++) s.gy[k] = (f[k]! - s.targets[k]!) / B.length;
        g.fill(0);
        net.vjp(s.batch, s.gy, g);
        return g;
      }),
  });

  const residuals = (theta: F): F =>
    withTheta(theta, () => {
      const f = net.forward(X);
      return f.map((v, k) => v - y[k]!);
    });
  const outputJacobian = (theta: F): F =>
    withTheta(theta, () => {
      const J = new Float64Array(m * out * p);
      const one = [0];
      for (let i = 0; i < m; i++) {
        one[0] = i;
        const s = subBatch(one);
        for (let k = 0; k < out; k++) {
          s.gy.fill(0);
          s.gy[k] = 1;
          net.vjp(s.batch, s.gy, J.subarray((i * out + k) * p, (i * out + k + 1) * p));
        }
      }
      return J;
    });
  return {
    ...sgd,
    size: p,
    outputs: out,
    loss(theta) {
      const r = residuals(theta);
      let s = 0;
      for (const v of r) s += v * v;
      return s / (2 * m);
    },
    maxResidual(theta) {
      let s = 0;
      for (const v of residuals(theta)) s = Math.max(s, Math.abs(v));
      return s;
    },
    outputJacobian,
    normalFrame(theta, frameOptions = {}) {
      const fo = checkOptions('options', frameOptions, ['tolerance', 'seed']);
      const tol = fo.tolerance === undefined ? 1e-10 : checkPositive('options.tolerance', fo.tolerance);
      const seed = fo.seed === undefined ? 0 : checkInteger('options.seed', fo.seed, { min: 0, max: 2 ** 32 - 1 });
      const J = outputJacobian(theta);
      const rows = m * out;
      // The row space of J from the Gram matrix J Jᵀ = U M Uᵀ: basis Jᵀuᵢ/√μᵢ for μᵢ > tol·μ_max.
      const G = new Float64Array(rows * rows);
      for (let a = 0; a < rows; a++) {
        for (let b = a; b < rows; b++) {
          let s = 0;
          for (let j = 0; j < p; j++) s += J[a * p + j]! * J[b * p + j]!;
          G[a * rows + b] = s;
          G[b * rows + a] = s;
        }
      }
      const { values, vectors } = symmetricEigen(G, rows);
      const top = values[rows - 1]!;
      const keep: number[] = [];
      for (let i = rows - 1; i >= 0; i--) if (values[i]! > tol * top && values[i]! > 0) keep.push(i);
      if (keep.length === 0) invalid('theta', 'a point where the network’s Jacobian is not zero', 'J = 0');
      const r = keep.length;
      const A = matrix(p, r);
      keep.forEach((col, c) => {
        const scale = 1 / Math.sqrt(values[col]!);
        for (let a = 0; a < rows; a++) {
          const u = vectors[a * rows + col]! * scale;
          if (u === 0) continue;
          for (let j = 0; j < p; j++) A.data[j * r + c] += u * J[a * p + j]!;
        }
      });
      // A random orientation inside the row space, then one QR (orthonormal to rounding).
      const turn = createRandom(seed).fillNormal(new Float64Array(r * r));
      const B = matrix(p, r);
      for (let j = 0; j < p; j++) {
        for (let a = 0; a < r; a++) {
          const v = A.data[j * r + a]!;
          if (v === 0) continue;
          for (let c = 0; c < r; c++) B.data[j * r + c] += v * turn[a * r + c]!;
        }
      }
      return qr(B).q.data;
    },
  };
}
