import { createRandom } from '@phaseflow/core';
import { denseHessian, mapIterator, mseLoss, networkSgd, sgdLyapunovExponent } from '@phaseflow/analysis';
import { integrate } from '@phaseflow/core';
import { symmetricEigen } from '@phaseflow/linalg';
import { createMlp64 } from '@phaseflow/nn64';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';

/**
 * Teacher–student at tiny size: a 2-3-1 tanh net (13 parameters) on m = 3 Gaussian inputs whose
 * targets a teacher of the same shape produced, so the teacher's θ* interpolates (zero loss)
 * and the interpolants form a 10-dimensional manifold through it.
 */
function setup(m = 3) {
  const sizes = [2, 3, 1];
  const teacher = createMlp64({ sizes, seed: 3, gain: 1.5 });
  const inputs = { x: createRandom(5).fillNormal(new Float64Array(m * 2)), rows: m, cols: 2 };
  const targets = teacher.forward(inputs);
  const star = teacher.parameters.get();
  const net = createMlp64({ sizes, seed: 4 });
  const p = net.parameters.size;
  // the curvature at θ*: ∇²L = (1/m) JᵀJ there; its nonzero eigenvalues are the normal space's
  const H = denseHessian(mseLoss(net, inputs, targets).gradient, star);
  const mu = Array.from(symmetricEigen(H, p).values)
    .filter((v) => v > 1e-6)
    .sort((a, b) => b - a);
  const sgd = (learningRate: number, batchSize: number, steps: number, seed = 1) =>
    networkSgd({ network: net, inputs, targets, learningRate, batchSize, steps, seed, ...(batchSize === m && { sampling: 'epochs' as const }) });
  return { net, inputs, targets, star, p, mu, sgd };
}

describe('SGD on a nonlinear network near an interpolating minimum (Chemnitz–Engel)', () => {
  it('the teacher’s θ* interpolates; the normal frame is orthonormal, spans the rows of J and is invariant under every linearised update', () => {
    const { star, p, mu, sgd } = setup();
    const s = sgd(0.3, 1, 10);
    expect(s.maxResidual(star)).toBe(0);
    expect(s.loss(star)).toBe(0);
    expect(mu.length).toBe(3);
    const N = s.normalFrame(star);
    const r = N.length / p;
    expect(r).toBe(3);
    for (let a = 0; a < r; a++) {
      for (let b = 0; b < r; b++) {
        let dot = 0;
        for (let i = 0; i < p; i++) dot += N[i * r + a]! * N[i * r + b]!;
        expect(Math.abs(dot - (a === b ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
    const project = (v: Float64Array) => {
      const out = new Float64Array(p);
      for (let c = 0; c < r; c++) {
        let s = 0;
        for (let i = 0; i < p; i++) s += N[i * r + c]! * v[i]!;
        for (let i = 0; i < p; i++) out[i] += s * N[i * r + c]!;
      }
      return out;
    };
    const J = s.outputJacobian(star);
    for (let row = 0; row < 3; row++) {
      const g = J.subarray(row * p, (row + 1) * p);
      const off = project(g).map((v, i) => v - g[i]!);
      expect(Math.hypot(...off)).toBeLessThan(1e-12 * Math.hypot(...g));
    }
    // (I − ηH_B)n stays in the span for each minibatch; a tangent vector (ker J) is left fixed
    const column = Float64Array.from({ length: p }, (_, i) => N[i * r]!);
    const image = s.jvp(0, star, column, new Float64Array(p));
    const leak = project(image).map((v, i) => v - image[i]!);
    expect(Math.hypot(...leak)).toBeLessThan(1e-8);
    const tangent = createRandom(8).fillNormal(new Float64Array(p));
    const t0 = project(tangent).map((v, i) => tangent[i]! - v);
    const moved = s.jvp(0, star, t0, new Float64Array(p)).map((v, i) => v - t0[i]!);
    expect(Math.hypot(...moved)).toBeLessThan(1e-8 * Math.hypot(...t0));
  });

  it('full batches (gradient descent): the exponents on the normal space are ln |1 − ημᵢ|, stable below η = 2/μ_max and unstable above', () => {
    const { star, mu, sgd } = setup();
    for (const f of [0.7, 1.9, 2.1]) {
      const eta = f / mu[0]!;
      const s = sgd(eta, 3, 800);
      const e = sgdLyapunovExponent(s, star, { linearise: 'start', subspace: s.normalFrame(star), vectors: 3, transient: 50 });
      const expected = mu.map((v) => Math.log(Math.abs(1 - eta * v))).sort((a, b) => b - a);
      e.exponents.forEach((l, i) => expect(Math.abs(l - expected[i]!)).toBeLessThan(2e-3 * Math.max(1, Math.abs(expected[i]!))));
      expect(Math.abs(e.sum - expected.reduce((a, b) => a + b, 0))).toBeLessThan(1e-6);
      expect(e.stable).toBe(f < 2);
    }
  });

  it('batch 1: λ₁ changes sign below gradient descent’s 2/μ_max, and the SGD iterates started next to θ* converge or escape at the rate λ₁', () => {
    const { star, p, mu, sgd } = setup();
    const steps = 3000;
    const at = (f: number) => {
      const s = sgd(f / mu[0]!, 1, steps);
      const N = s.normalFrame(star);
      const e = sgdLyapunovExponent(s, star, { linearise: 'start', subspace: N, transient: 50 });
      // SGD itself, from θ* + 1e-6 along the normal space, over the same minibatches
      const r = N.length / p;
      const kick = createRandom(2).fillNormal(new Float64Array(r));
      const theta0 = star.slice();
      for (let i = 0; i < p; i++) for (let c = 0; c < r; c++) theta0[i] += 1e-6 * N[i * r + c]! * kick[c]!;
      // about eight e-folds: long enough to beat the start's alignment, short enough to stay linear
      const horizon = Math.min(steps, Math.round(8 / Math.abs(e.exponents[0]!)));
      const end = integrate(mapIterator(), s, theta0, { tEnd: horizon, h: 1 }).yFinal;
      // the loss is quadratic in the normal deviation: ½ ln(L_k/L_0)/k → λ₁
      const rate = (0.5 * Math.log(s.loss(end) / s.loss(theta0))) / horizon;
      return { lambda: e.exponents[0]!, se: e.standardError[0]!, rate };
    };
    const stable = at(0.5);
    const unstable = at(1.9);
    expect(stable.lambda).toBeLessThan(-5 * stable.se);
    expect(unstable.lambda).toBeGreaterThan(5 * unstable.se); // where gradient descent is still stable
    expect(Math.abs(stable.rate - stable.lambda)).toBeLessThan(0.3 * Math.abs(stable.lambda));
    expect(Math.abs(unstable.rate - unstable.lambda)).toBeLessThan(0.3 * unstable.lambda);
  });

  it('bad input: coded errors', () => {
    const { net, inputs, targets, star, sgd } = setup();
    expectPhaseflowError(
      () => networkSgd({ network: net, inputs, targets: targets.subarray(0, 2), learningRate: 0.1, steps: 10 }),
      'SHAPE_MISMATCH',
      'options.targets',
    );
    expectPhaseflowError(() => networkSgd({ network: {} as never, inputs, targets, learningRate: 0.1, steps: 10 }), 'INVALID_ARGUMENT', 'options.network');
    expectPhaseflowError(
      () => networkSgd({ network: net, inputs: { x: inputs.x, rows: 4, cols: 2 }, targets, learningRate: 0.1, steps: 10 }),
      'SHAPE_MISMATCH',
      'options.inputs.x',
    );
    const s = sgd(0.1, 1, 10);
    expectPhaseflowError(() => s.loss(star.subarray(1)), 'SHAPE_MISMATCH', 'theta');
    expectPhaseflowError(() => sgdLyapunovExponent(s, star, { subspace: s.normalFrame(star) }), 'INVALID_ARGUMENT', 'options.subspace');
    expectPhaseflowError(() => sgdLyapunovExponent(s, star, { linearise: 'start', subspace: new Float64Array(7) }), 'SHAPE_MISMATCH', 'options.subspace');
  });
});
