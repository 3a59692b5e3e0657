import { createSharpnessObserver, denseHessian, hessianEigenvalues, hessianVectorProduct, lanczos, mseLoss } from '@phaseflow/analysis';
import { createRandom, integrate, odeProblem } from '@phaseflow/core';
import { symmetricEigen } from '@phaseflow/linalg';
import { createMlp64 } from '@phaseflow/nn64';
import { createEuler } from '@phaseflow/runge-kutta';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';

/** Chebyshev T₄ on 20 points of [−1, 1]: the locuslab edge-of-stability regression set, small. */
function chebyshevData(m = 20) {
  const x = Float64Array.from({ length: m }, (_, i) => -1 + (2 * i) / (m - 1));
  const y = x.map((v) => 8 * v ** 4 - 8 * v ** 2 + 1);
  return { batch: { x, rows: m, cols: 1 }, y };
}

describe('Lanczos', () => {
  it('top-k eigenvalues of a random symmetric matrix match the dense eigen-decomposition', () => {
    const n = 40;
    const rng = createRandom(5);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = rng.normal();
    const op = (v: Float64Array, out: Float64Array) => {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += A[i * n + j]! * v[j]!;
        out[i] = s;
      }
      return out;
    };
    const ref = symmetricEigen(A, n).values;
    const res = lanczos(op, n, { k: 3, iterations: 40, tolerance: 1e-10 });
    expect(res.converged).toBe(true);
    for (let c = 0; c < 3; c++) expect(res.values[c]!).toBeCloseTo(ref[n - 1 - c]!, 8);
    const y = res.vectors[0]!;
    const Ay = op(y, new Float64Array(n));
    for (let i = 0; i < n; i++) expect(Ay[i]!).toBeCloseTo(res.values[0]! * y[i]!, 6);
  });

  it('stops on an invariant subspace (a rank-2 operator)', () => {
    const u = Float64Array.of(1, 0, 0, 0),
      w = Float64Array.of(0, 1, 1, 0).map((x) => x / Math.SQRT2);
    const op = (v: Float64Array, out: Float64Array) => {
      const a = 3 * (u[0]! * v[0]!),
        b = -2 * (w[1]! * v[1]! + w[2]! * v[2]!);
      for (let i = 0; i < 4; i++) out[i] = a * u[i]! + b * w[i]!;
      return out;
    };
    const res = lanczos(op, 4, { k: 1, start: [1, 1, 1, 1] });
    expect(res.values[0]!).toBeCloseTo(3, 12);
    expect(res.iterations).toBeLessThanOrEqual(3);
  });
});

describe('Hessian of a loss from its gradient', () => {
  it('quadratic loss ½θᵀAθ: H·v = A·v and the top eigenvalues are A’s', () => {
    const diag = [5, 3, 1, 0.5, -2];
    const grad = (th: Float64Array, out: Float64Array) => {
      for (let i = 0; i < 5; i++) out[i] = diag[i]! * th[i]!;
      return out;
    };
    const th = Float64Array.of(1, -2, 0.5, 3, 1);
    const hv = hessianVectorProduct(grad, th, Float64Array.of(1, 1, 1, 1, 1));
    for (let i = 0; i < 5; i++) expect(hv[i]!).toBeCloseTo(diag[i]!, 9);
    const res = hessianEigenvalues(grad, th, { k: 2, iterations: 5, tolerance: 1e-10 });
    expect(res.values[0]!).toBeCloseTo(5, 8);
    expect(res.values[1]!).toBeCloseTo(3, 8);
    expect(res.gradientEvaluations).toBe(2 * res.iterations);
  });

  it('on a tiny nn64 MLP, Lanczos agrees with the dense Hessian', () => {
    const { batch, y } = chebyshevData(12);
    const net = createMlp64({ sizes: [1, 4, 1], seed: 3 });
    const loss = mseLoss(net, batch, y);
    const theta = net.parameters.get();
    const n = net.parameters.size;
    const H = denseHessian(loss.gradient, theta);
    const ref = symmetricEigen(H, n).values;
    const res = hessianEigenvalues(loss.gradient, theta, { k: 3, iterations: n, tolerance: 1e-9 });
    for (let c = 0; c < 3; c++) expect(Math.abs(res.values[c]! - ref[n - 1 - c]!)).toBeLessThan(1e-6 * Math.max(1, Math.abs(ref[n - 1]!)));
    // the loss did not move the network
    expect(Array.from(net.parameters.get())).toEqual(Array.from(theta));
    // the gradient matches differences of the loss
    const g = loss.gradient(theta, new Float64Array(n));
    const e = 1e-6;
    for (const i of [0, 5, n - 1]) {
      const p = theta.slice(),
        m = theta.slice();
      p[i]! += e;
      m[i]! -= e;
      expect(g[i]!).toBeCloseTo((loss.value(p) - loss.value(m)) / (2 * e), 7);
    }
  });
});

describe('sharpness observer: the edge of stability (Cohen et al. 2021)', () => {
  it('full-batch GD (explicit Euler on θ′ = −∇L, η = 0.3) on a 1-16-16-1 tanh net: sharpness rises to 2/η ± 10 % and stays', () => {
    const { batch, y } = chebyshevData();
    const net = createMlp64({ sizes: [1, 16, 16, 1], seed: 0 });
    const loss = mseLoss(net, batch, y);
    const flow = odeProblem((_t, th: Float64Array, out = new Float64Array(th.length)) => {
      loss.gradient(th, out);
      for (let i = 0; i < out.length; i++) out[i] = -out[i]!;
      return out;
    });
    const eta = 0.3;
    const sharp = createSharpnessObserver({ gradient: loss.gradient, every: 50 });
    integrate(createEuler<Float64Array>(), flow, net.parameters.get(), { tEnd: 1500 * eta, h: eta, observers: [sharp] });
    const r = sharp.records;
    expect(r[0]!.step).toBe(0);
    expect(r[0]!.values[0]!).toBeLessThan(0.8 * (2 / eta)); // starts well below the edge
    expect(r.at(-1)!.threshold).toBeCloseTo(2 / eta, 12);
    const late = r.filter((x) => x.step >= 750).map((x) => x.values[0]!);
    for (const s of late) expect(Math.abs(s - 2 / eta)).toBeLessThan(0.1 * (2 / eta));
  });

  it('reads a parametric model as state, can stop the run, and rejects other states', () => {
    const { batch, y } = chebyshevData(8);
    const net = createMlp64({ sizes: [1, 4, 1], seed: 1 });
    const loss = mseLoss(net, batch, y);
    let reason = '';
    const control = { stop: (why: string) => void (reason = why) };
    const seen: number[] = [];
    const obs = createSharpnessObserver({ gradient: loss.gradient, every: 2, k: 2, onMeasure: (rec) => seen.push(rec.step), stopAboveThreshold: 1e-6 });
    obs.on.step!({ step: 1, t: 0.1, h: 0.1, state: net }, control);
    obs.on.step!({ step: 2, t: 0.2, h: 0.1, state: net, loss: 0.5 }, control);
    expect(seen).toEqual([2]);
    expect(obs.records[0]!.values.length).toBe(2);
    expect(obs.records[0]!.loss).toBe(0.5);
    expect(reason).toMatch(/exceeds/);
    expectPhaseflowError(() => obs.on.step!({ step: 4, t: 0.4, h: 0.1, state: 'nope' }, control), 'INVALID_ARGUMENT', 'event.state');
    expectPhaseflowError(() => createSharpnessObserver({ gradient: loss.gradient, every: 0 }), 'INVALID_ARGUMENT', 'options.every');
    expectPhaseflowError(() => createSharpnessObserver({} as never), 'INVALID_ARGUMENT', 'options.gradient');
    expectPhaseflowError(() => mseLoss(net, batch, [1, 2]), 'SHAPE_MISMATCH', 'targets');
    expectPhaseflowError(() => lanczos((v, o) => o.fill(NaN), 3), 'NON_FINITE_STATE', 'operator');
  });
});
