import { describe, expect, it } from 'vitest';
import { createRandom } from '@phaseflow/core';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { ACTIVATIONS, HIDDEN_ACTIVATIONS, createMlp64, type Activation, type OutputActivation } from '@phaseflow/nn64';

const relErr = (a: Float64Array, b: Float64Array) => {
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
};

describe('createMlp64', () => {
  // Moved from @phaseflow/enkf's createMLP tests.
  it('forwardEnsemble equals set + forward member by member; softmax rows sum to 1', () => {
    for (const activation of ['tanh', 'relu', 'sigmoid', 'heaviside', 'sign', 'linear'] as const) {
      const net = createMlp64({ sizes: [3, 5, 4, 3], activation, output: 'softmax', seed: 1, distribution: 'normal' });
      const rng = createRandom(2);
      const x = rng.fillNormal(new Float64Array(6 * 3));
      x[4] = 0; // exercise the sparse first layer
      const thetas = rng.fillNormal(new Float64Array(3 * net.parameters.size));
      const outs = net.parameters.forwardEnsemble!(thetas, 3, { x, rows: 6, cols: 3 });
      for (let j = 0; j < 3; j++) {
        net.parameters.set(thetas.subarray(j * net.parameters.size, (j + 1) * net.parameters.size));
        const o = net.forward({ x, rows: 6, cols: 3 });
        expect(Array.from(outs[j]!)).toEqual(Array.from(o));
        for (let r = 0; r < 6; r++) expect(o[3 * r]! + o[3 * r + 1]! + o[3 * r + 2]!).toBeCloseTo(1, 12);
      }
    }
  });

  it('heaviside hidden units are 0/1: a one-hidden-layer linear-output net is piecewise constant', () => {
    const net = createMlp64({ sizes: [1, 3, 1], activation: 'heaviside', seed: 4, distribution: 'normal' });
    const xs = Float64Array.from({ length: 200 }, (_, i) => -3 + (6 * i) / 199);
    const out = net.forward({ x: xs, rows: 200, cols: 1 });
    expect(new Set(Array.from(out, (v) => v.toFixed(12))).size).toBeLessThanOrEqual(4);
  });

  it('initial kernels: one createRandom(seed) stream, layer by layer, Glorot uniform or normal; zero biases', () => {
    const sizes = [3, 7, 5, 2];
    for (const distribution of ['uniform', 'normal'] as const) {
      const net = createMlp64({ sizes, seed: 11, distribution, gain: 1.5 });
      const rng = createRandom(11);
      let off = 0;
      for (let l = 0; l + 1 < sizes.length; l++) {
        const a = sizes[l]!,
          b = sizes[l + 1]!;
        const expected =
          distribution === 'uniform'
            ? rng.fillUniform(new Float64Array(a * b), -1.5 * Math.sqrt(6 / (a + b)), 1.5 * Math.sqrt(6 / (a + b)))
            : rng.fillNormal(new Float64Array(a * b), 0, 1.5 * Math.sqrt(2 / (a + b)));
        expect(Array.from(net.theta.subarray(off, off + a * b))).toEqual(Array.from(expected));
        expect(Array.from(net.theta.subarray(off + a * b, off + a * b + b))).toEqual(new Array(b).fill(0));
        off += a * b + b;
      }
      expect(off).toBe(net.parameters.size);
    }
  });

  it('vjp agrees with central finite differences in x and θ for every smooth activation and output map', () => {
    const rows = 3;
    const rng = createRandom(5);
    const x = rng.fillNormal(new Float64Array(rows * 3));
    const cases: [Activation, OutputActivation][] = [
      ['tanh', 'linear'],
      ['sigmoid', 'softmax'],
      ['softplus', 'sigmoid'],
      ['linear', 'linear'],
      ['relu', 'linear'],
    ];
    for (const [activation, output] of cases) {
      const net = createMlp64({ sizes: [3, 6, 4, 2], activation, output, seed: 3 });
      const gy = rng.fillNormal(new Float64Array(rows * 2));
      const L = (xx: Float64Array) => net.forward({ x: xx, rows, cols: 3 }).reduce((s, y, i) => s + y * gy[i]!, 0);
      const gTheta = new Float64Array(net.parameters.size);
      const dx = net.vjp({ x, rows, cols: 3 }, gy, gTheta);
      const d = 1e-6;
      const fdx = x.map((v, i) => {
        const xp = x.slice(),
          xm = x.slice();
        xp[i] = v + d;
        xm[i] = v - d;
        return (L(xp) - L(xm)) / (2 * d);
      });
      const fdt = net.theta.map((v, j) => {
        net.theta[j] = v + d;
        const lp = L(x);
        net.theta[j] = v - d;
        const lm = L(x);
        net.theta[j] = v;
        return (lp - lm) / (2 * d);
      });
      expect(relErr(dx, fdx)).toBeLessThan(1e-7);
      expect(relErr(gTheta, fdt)).toBeLessThan(1e-7);
    }
  });

  it('inputGradient is ∇ₓ of a scalar network, and the network reads an external θ in place', () => {
    const theta = createMlp64({ sizes: [2, 8, 1], seed: 2 }).parameters.get();
    const net = createMlp64({ sizes: [2, 8, 1], theta });
    expect(net.theta).toBe(theta);
    const x = Float64Array.of(0.3, -0.4, 1.1, 0.2);
    const g = net.inputGradient({ x, rows: 2, cols: 2 });
    expect(Array.from(g)).toEqual(Array.from(net.vjp({ x, rows: 2, cols: 2 }, Float64Array.of(1, 1))));
    const before = net.forward({ x, rows: 2, cols: 2 });
    theta[theta.length - 1] += 1; // the output bias
    const after = net.forward({ x, rows: 2, cols: 2 });
    expect(after[0]! - before[0]!).toBeCloseTo(1, 12);
  });

  it('rejects bad input with coded errors', () => {
    expectPhaseflowError(() => createMlp64({ sizes: [2] }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => createMlp64({ sizes: [2, 3], activation: 'gelu' as never }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => createMlp64({ sizes: [2, 3], output: 'identity' as never }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => createMlp64({ sizes: [2, 3], distribution: 'laplace' as never }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => createMlp64({ sizes: [2, 3], bogus: 1 } as never), 'UNKNOWN_OPTION');
    expectPhaseflowError(() => createMlp64({ sizes: [2, 3], theta: new Float64Array(4) }), 'SHAPE_MISMATCH');
    expectPhaseflowError(() => createMlp64({ sizes: [2, 3], theta: new Float64Array(9), seed: 1 }), 'INVALID_ARGUMENT');
    const net = createMlp64({ sizes: [2, 3, 2] });
    expectPhaseflowError(() => net.forward({ x: new Float64Array(3), rows: 1, cols: 3 }), 'SHAPE_MISMATCH');
    expectPhaseflowError(() => net.vjp({ x: new Float64Array(2), rows: 1, cols: 2 }, new Float64Array(3)), 'SHAPE_MISMATCH');
    expectPhaseflowError(() => net.inputGradient({ x: new Float64Array(2), rows: 1, cols: 2 }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => net.parameters.set([1, 2]), 'SHAPE_MISMATCH');
    expect(HIDDEN_ACTIVATIONS).toContain('linear');
    expect(HIDDEN_ACTIVATIONS).not.toContain('identity');
    // The deprecated name is the same list (removed in the next minor).
    expect(ACTIVATIONS).toEqual(HIDDEN_ACTIVATIONS);
  });
});
