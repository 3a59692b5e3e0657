import { linearRegressionSgd, linearSgdExponent1d, mapIterator, sgdLyapunovExponent, sgdMap } from '@phaseflow/analysis';
import { createRandom, integrate } from '@phaseflow/core';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';

type F = Float64Array;

/** ln ‖Π (I − η x_{i_k} x_{i_k}ᵀ) v‖ / T by a hand-written loop (its own seed and batch draw), renormalising v every step. */
function monteCarloExponent(X: F, d: number, eta: number, steps: number, seed: number): number {
  const m = X.length / d;
  const rng = createRandom(seed);
  const v = rng.fillNormal(new Float64Array(d));
  let sum = 0;
  for (let k = 0; k < steps; k++) {
    const i = rng.int(m);
    let dot = 0;
    for (let j = 0; j < d; j++) dot += X[i * d + j]! * v[j]!;
    let nn = 0;
    for (let j = 0; j < d; j++) {
      v[j] = v[j]! - eta * dot * X[i * d + j]!;
      nn += v[j]! * v[j]!;
    }
    const norm = Math.sqrt(nn);
    sum += Math.log(norm);
    for (let j = 0; j < d; j++) v[j] = v[j]! / norm;
  }
  return sum / steps;
}

describe('the Lyapunov exponent of SGD near an interpolation solution (Chemnitz–Engel 2024)', () => {
  it('one dimension, batch 1: λ = E ln |1 − η x²| (closed form) within 4 standard errors, with its sign', () => {
    const x = createRandom(11).fillNormal(new Float64Array(12));
    const steps = 10000;
    for (const eta of [0.2, 1, 1.6, 3]) {
      const sgd = linearRegressionSgd({ inputs: x, dimension: 1, learningRate: eta, steps, seed: 2 });
      const e = sgdLyapunovExponent(sgd, Float64Array.of(0.7));
      const exact = linearSgdExponent1d(x, eta);
      expect(Math.abs(e.exponents[0]! - exact)).toBeLessThan(4 * e.standardError[0]!);
      expect(e.standardError[0]!).toBeLessThan(0.03);
      if (Math.abs(exact) > 5 * e.standardError[0]!) expect(e.stable).toBe(exact < 0);
      expect(e.learningRate).toBe(eta);
    }
    // η = 3 is past gradient descent's threshold 2/mean(x²) (full-batch factor |1 − η·mean(x²)| > 1), yet SGD contracts
    const meanSquare = x.reduce((a, v) => a + v * v, 0) / x.length;
    expect(Math.abs(1 - 3 * meanSquare)).toBeGreaterThan(1);
    expect(linearSgdExponent1d(x, 3)).toBeLessThan(-0.3);
  });

  it('d = 5, m = 20 (unique interpolant): λ₁ matches a long independent Monte-Carlo run and the SGD iterates themselves; it changes sign with η', () => {
    const d = 5;
    const m = 20;
    const X = createRandom(3).fillNormal(new Float64Array(m * d));
    const thetaStar = createRandom(4).fillNormal(new Float64Array(d));
    const y = Float64Array.from({ length: m }, (_, i) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += X[i * d + j]! * thetaStar[j]!;
      return s;
    });
    const rows: { eta: number; lambda: number; se: number; mc: number }[] = [];
    for (const eta of [0.05, 0.2, 0.4]) {
      const sgd = linearRegressionSgd({ inputs: X, dimension: d, targets: y, learningRate: eta, steps: 20000, seed: 5 });
      // at the minimum θ* itself: finite even where λ > 0 would drive the iterates to overflow
      const e = sgdLyapunovExponent(sgd, thetaStar, { transient: 100, linearise: 'start' });
      const mc = monteCarloExponent(X, d, eta, 200000, 6);
      rows.push({ eta, lambda: e.exponents[0]!, se: e.standardError[0]!, mc });
      if (eta < 0.1) {
        // least squares: the Hessians do not depend on θ, so along the trajectory from 0 the product is the same
        const along = sgdLyapunovExponent(sgd, new Float64Array(d), { transient: 100 });
        expect(along.exponents[0]!).toBeCloseTo(e.exponents[0]!, 12);
      }
    }
    for (const r of rows) expect(Math.abs(r.lambda - r.mc)).toBeLessThan(Math.max(4 * r.se, 0.01 * Math.abs(r.mc)));
    expect(rows[0]!.lambda).toBeLessThan(0);
    expect(rows.at(-1)!.lambda).toBeGreaterThan(0);
    // the iterates: ln(‖θ_T − θ*‖ / ‖θ_0 − θ*‖)/T ≈ λ₁ (the linearisation is exact for least squares),
    // over T = 800 steps so that e^{λT} ≈ e^{−17} stays above the rounding floor of θ*
    const eta = 0.05;
    const sgd = linearRegressionSgd({ inputs: X, dimension: d, targets: y, learningRate: eta, steps: 800, seed: 7 });
    const theta0 = new Float64Array(d);
    const thetaT = integrate(mapIterator(), sgd, theta0, { tEnd: sgd.steps, h: 1 }).yFinal;
    const dist = (a: F) => Math.hypot(...Array.from(a, (v, j) => v - thetaStar[j]!));
    const rate = Math.log(dist(thetaT) / dist(theta0)) / sgd.steps;
    expect(Math.abs(rate - rows[0]!.lambda)).toBeLessThan(0.2 * Math.abs(rows[0]!.lambda));
    expect(sgd.loss(thetaT)).toBeLessThan(1e-6);
  });

  it('overparameterised (d = 10, m = 4): the full space has λ₁ = 0 (the interpolants), the normal frame decides stability', () => {
    const d = 10;
    const m = 4;
    const X = createRandom(8).fillNormal(new Float64Array(m * d), 0, 1 / Math.sqrt(d));
    const sgd = linearRegressionSgd({ inputs: X, dimension: d, learningRate: 0.5, steps: 5000, seed: 1 });
    const theta0 = createRandom(9).fillNormal(new Float64Array(d));
    const full = sgdLyapunovExponent(sgd, theta0);
    const normal = sgdLyapunovExponent(sgd, theta0, { frame: sgd.normalFrame });
    expect(Math.abs(full.exponents[0]!)).toBeLessThan(1e-3);
    expect(normal.exponents.length).toBe(m);
    for (const l of normal.exponents) expect(l).toBeLessThan(0);
    expect(normal.stable).toBe(true);
  });

  it('central-difference Hessian–vector products (no hvp given) reproduce the exact ones; epochs sampling; coded errors', () => {
    const d = 3;
    const m = 6;
    const X = createRandom(12).fillNormal(new Float64Array(m * d));
    const exact = linearRegressionSgd({ inputs: X, dimension: d, learningRate: 0.3, steps: 2000, seed: 3, sampling: 'epochs', batchSize: 2 });
    const gradient = (th: F, B: Int32Array, out: F) => {
      out.fill(0);
      for (const i of B) {
        let r = 0;
        for (let j = 0; j < d; j++) r += X[i * d + j]! * th[j]!;
        for (let j = 0; j < d; j++) out[j] += (r * X[i * d + j]!) / B.length;
      }
      return out;
    };
    const fd = sgdMap({ samples: m, gradient, learningRate: 0.3, steps: 2000, seed: 3, sampling: 'epochs', batchSize: 2 });
    // epochs: each pass covers every sample once
    const seen = new Set([...fd.batch(0), ...fd.batch(1), ...fd.batch(2)]);
    expect(seen.size).toBe(m);
    const theta0 = Float64Array.of(1, -1, 0.5);
    const a = sgdLyapunovExponent(exact, theta0, { vectors: 2 });
    const b = sgdLyapunovExponent(fd, theta0, { vectors: 2 });
    for (let j = 0; j < 2; j++) expect(b.exponents[j]!).toBeCloseTo(a.exponents[j]!, 6);
    expect(b.batchSize).toBe(2);
    expectPhaseflowError(() => sgdMap({ samples: 3, gradient, learningRate: 0, steps: 10 }), 'INVALID_ARGUMENT', 'options.learningRate');
    expectPhaseflowError(() => sgdMap({ samples: 3, gradient, learningRate: 0.1, steps: 10, batchSize: 4 }), 'INVALID_ARGUMENT', 'options.batchSize');
    expectPhaseflowError(() => sgdMap({ samples: 3, learningRate: 0.1, steps: 10 } as never), 'INVALID_ARGUMENT', 'options.gradient');
    expectPhaseflowError(() => fd.batch(2000), 'INVALID_ARGUMENT', 't');
    expectPhaseflowError(() => linearRegressionSgd({ inputs: [1, 2, 3], dimension: 2, learningRate: 0.1, steps: 5 }), 'SHAPE_MISMATCH', 'options.inputs');
    expectPhaseflowError(() => sgdLyapunovExponent({} as never, theta0), 'INVALID_ARGUMENT', 'sgd');
    expectPhaseflowError(() => sgdLyapunovExponent(fd, theta0, { linearise: 'end' as never }), 'INVALID_ARGUMENT', 'options.linearise');
    expectPhaseflowError(() => linearSgdExponent1d([], 0.1), 'INVALID_ARGUMENT', 'inputs');
    expect(linearSgdExponent1d([1, 2], 0.5)).toBeCloseTo(Math.log(0.5) / 2, 14);
  });
});
