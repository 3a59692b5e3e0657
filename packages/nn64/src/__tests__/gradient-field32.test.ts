import { describe, expect, it } from 'vitest';
import { createRandom } from '@phaseflow/core';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { createGradientField32, createMlp64 } from '@phaseflow/nn64';

const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
};

describe('createGradientField32', () => {
  for (const kernel of ['auto', 'js'] as const) {
    it(`${kernel}: the field is ∇s (or J∇s) of the Float64 MLP, and its ∂θ and ∂x agree with Float64 finite differences`, () => {
      const rng = createRandom(7);
      for (const activation of ['tanh', 'sigmoid', 'softplus', 'linear'] as const) {
        for (const symplectic of [false, true]) {
          const sizes = [4, 7, 6, 1];
          const field = createGradientField32({ sizes, activation, symplectic, seed: 3, kernel });
          const ref = createMlp64({ sizes, activation, theta: Float64Array.from(field.theta) });
          const rows = 5;
          const x = Float32Array.from(rng.fillNormal(new Float64Array(rows * 4)));
          const gy = Float64Array.from(Float32Array.from(rng.fillNormal(new Float64Array(rows * 4))));
          /** The Float64 field at (θ, x). */
          const f64 = (xx: Float64Array) => {
            const g = ref.inputGradient({ x: xx, rows, cols: 4 });
            if (!symplectic) return g;
            const out = new Float64Array(g.length);
            for (let r = 0; r < rows; r++) {
              out[4 * r] = g[4 * r + 2]!;
              out[4 * r + 1] = g[4 * r + 3]!;
              out[4 * r + 2] = -g[4 * r]!;
              out[4 * r + 3] = -g[4 * r + 1]!;
            }
            return out;
          };
          const x64 = Float64Array.from(x);
          expect(relErr(field.forward({ x, rows, cols: 4 }), f64(x64)), `${activation} field`).toBeLessThan(1e-5);
          const L = (xx: Float64Array) => f64(xx).reduce((s, v, i) => s + v * gy[i]!, 0);
          const h = 1e-6;
          const fdTheta = ref.theta.map((v, j) => {
            ref.theta[j] = v + h;
            const lp = L(x64);
            ref.theta[j] = v - h;
            const lm = L(x64);
            ref.theta[j] = v;
            return (lp - lm) / (2 * h);
          });
          const fdX = x64.map((v, i) => {
            const xp = x64.slice(),
              xm = x64.slice();
            xp[i] = v + h;
            xm[i] = v - h;
            return (L(xp) - L(xm)) / (2 * h);
          });
          field.forwardTape(x, rows);
          const g = new Float32Array(field.theta.length);
          const gx = new Float32Array(rows * 4);
          field.backwardTape(Float32Array.from(gy), g, gx);
          if (activation === 'linear') {
            // A linear potential's field is affine in x: zero ∂x; its ∂θ still agrees.
            expect(Math.max(...Array.from(fdX, Math.abs))).toBeLessThan(1e-6);
            expect(Math.max(...Array.from(gx, Math.abs))).toBeLessThan(1e-6);
          } else expect(relErr(gx, fdX), `${activation} ∂x`).toBeLessThan(1e-4);
          expect(relErr(g, fdTheta), `${activation} ∂θ`).toBeLessThan(1e-4);
          expect(g[g.length - 1]).toBe(0); // the output bias never reaches the field
        }
      }
    });
  }

  it('the potential is the MLP, buffers follow the batch size, bad input is refused', () => {
    const field = createGradientField32({ sizes: [2, 8, 1], seed: 1 });
    const ref = createMlp64({ sizes: [2, 8, 1], theta: Float64Array.from(field.theta) });
    const x = Float32Array.of(0.3, -0.4, 1.1, 0.2, 0.5, 0.5);
    expect(relErr(field.potential({ x, rows: 3, cols: 2 }), ref.forward({ x: Float64Array.from(x), rows: 3, cols: 2 }))).toBeLessThan(1e-6);
    const big = new Float32Array(2 * 40).fill(0.1);
    expect(field.forwardTape(big, 40).length).toBe(80);
    expect(Array.from(field.forwardTape(x, 3))).toEqual(Array.from(field.forward({ x, rows: 3, cols: 2 })));
    expectPhaseflowError(() => createGradientField32({ sizes: [2, 8, 2] }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => createGradientField32({ sizes: [3, 8, 1], symplectic: true }), 'SHAPE_MISMATCH');
    expectPhaseflowError(() => createGradientField32({ sizes: [2, 8, 1], activation: 'relu' as never }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => createGradientField32({ sizes: [2, 1] }).backwardTape(new Float32Array(2), new Float32Array(3)), 'INVALID_STATE');
    expectPhaseflowError(() => field.backwardTape(new Float32Array(1), new Float32Array(field.theta.length)), 'SHAPE_MISMATCH');
  });
});
