import { describe, expect, it } from 'vitest';
import { createRandom } from '@phaseflow/core';
import { expectPhaseflowError, layerConformance } from '@phaseflow/testkit/vitest';
import {
  HIDDEN_ACTIVATIONS,
  OUTPUT_ACTIVATIONS,
  chainTrainable32,
  createDense32,
  createMlp32,
  createMlp64,
  type Activation,
  type OutputActivation,
} from '@phaseflow/nn64';

/** ‖a − b‖ / ‖b‖. */
const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-300));
};

describe('createMlp32', () => {
  for (const kernel of ['auto', 'js'] as const) {
    it(`${kernel}: forward and vjp (∂x and ∂θ) are createMlp64's to float32 precision, for every activation and output map`, () => {
      const rng = createRandom(3);
      const cases: [Activation, OutputActivation][] = [
        ...HIDDEN_ACTIVATIONS.map((a): [Activation, OutputActivation] => [a, 'linear']),
        ...OUTPUT_ACTIVATIONS.map((out): [Activation, OutputActivation] => ['tanh', out]),
      ];
      for (const [activation, output] of cases) {
        const sizes = [3, 9, 6, 4];
        const net64 = createMlp64({ sizes, activation, output, seed: 2 });
        const net = createMlp32({ sizes, activation, output, seed: 2, kernel });
        expect(Array.from(net.theta)).toEqual(Array.from(Float32Array.from(net64.theta)));
        for (const rows of [1, 5, 13, 4]) {
          const x64 = rng.fillNormal(new Float64Array(rows * 3));
          const x = Float32Array.from(x64);
          const gy = Float32Array.from(rng.fillNormal(new Float64Array(rows * 4)));
          const y64 = net64.forward({ x: Float64Array.from(x), rows, cols: 3 });
          expect(relErr(net.forward({ x, rows, cols: 3 }), y64), `${activation}/${output} forward`).toBeLessThan(1e-6);
          const g64 = new Float64Array(net.parameters.size);
          const dx64 = net64.vjp({ x: Float64Array.from(x), rows, cols: 3 }, Float64Array.from(gy), g64);
          const g = new Float32Array(net.parameters.size);
          const dx = net.vjp({ x, rows, cols: 3 }, gy, g);
          if (activation !== 'heaviside' && activation !== 'sign') {
            expect(relErr(dx, dx64), `${activation}/${output} ∂x`).toBeLessThan(1e-5);
            expect(relErr(g, g64), `${activation}/${output} ∂θ`).toBeLessThan(1e-5);
          }
        }
      }
    });
  }

  it('forwardTape/backwardTape reuse their buffers across batch sizes, add into gTheta, and equal vjp', () => {
    const net = createMlp32({ sizes: [2, 16, 16, 3], output: 'softmax', seed: 4 });
    const rng = createRandom(9);
    for (const rows of [8, 3, 32, 8]) {
      const x = Float32Array.from(rng.fillNormal(new Float64Array(rows * 2)));
      const gy = Float32Array.from(rng.fillNormal(new Float64Array(rows * 3)));
      const y = net.forwardTape(x, rows);
      expect(Array.from(y)).toEqual(Array.from(net.forward({ x, rows, cols: 2 })));
      net.forwardTape(x, rows);
      const g = new Float32Array(net.theta.length).fill(1);
      const gx = new Float32Array(rows * 2);
      net.backwardTape(gy, g, gx);
      const ref = new Float32Array(net.theta.length);
      const dx = net.vjp({ x, rows, cols: 2 }, gy, ref);
      expect(Array.from(gx)).toEqual(Array.from(dx));
      expect(
        relErr(
          g,
          Array.from(ref, (v) => v + 1),
        ),
      ).toBeLessThan(1e-7); // added into g, not written over it
    }
    // A scalar network's input gradient is its vjp at ḡ = 1.
    const s = createMlp32({ sizes: [2, 8, 1], seed: 1 });
    const x = Float32Array.of(0.3, -0.4, 1.1, 0.2);
    expect(Array.from(s.inputGradient({ x, rows: 2, cols: 2 }))).toEqual(Array.from(s.vjp({ x, rows: 2, cols: 2 }, Float32Array.of(1, 1))));
  });

  it('a chain of dense layers is the MLP with the same θ: same outputs, ∂θ and ∂x; widths must match', () => {
    const mlp = createMlp32({ sizes: [3, 7, 5, 2], activation: 'relu', output: 'softmax', seed: 6 });
    const chain = chainTrainable32([
      createDense32({ inputs: 3, units: 7, activation: 'relu', seed: 1 }),
      createDense32({ inputs: 7, units: 5, activation: 'relu', seed: 2 }),
      createDense32({ inputs: 5, units: 2, activation: 'softmax', seed: 3 }),
    ]);
    chain.theta.set(mlp.theta); // the trainer's in-place updates reach every part
    const rng = createRandom(2);
    const x = Float32Array.from(rng.fillNormal(new Float64Array(18)));
    const gy = Float32Array.from(rng.fillNormal(new Float64Array(12)));
    expect(Array.from(chain.forwardTape(x, 6))).toEqual(Array.from(mlp.forwardTape(x, 6)));
    const g1 = new Float32Array(mlp.theta.length),
      g2 = new Float32Array(mlp.theta.length);
    const x1 = new Float32Array(18),
      x2 = new Float32Array(18);
    mlp.backwardTape(gy, g1, x1);
    chain.backwardTape(gy, g2, x2);
    expect(relErr(g2, g1)).toBeLessThan(1e-7);
    expect(relErr(x2, x1)).toBeLessThan(1e-7);
    expectPhaseflowError(() => chainTrainable32([createDense32({ inputs: 2, units: 3 }), createDense32({ inputs: 4, units: 1 })]), 'SHAPE_MISMATCH');
    expectPhaseflowError(() => createDense32({ inputs: 2, units: 3, activation: 'gelu' as never }), 'INVALID_ARGUMENT');
  });

  it('reads an external θ in place and refuses bad input with coded errors', () => {
    const theta = createMlp32({ sizes: [2, 4, 1], seed: 1 }).theta.slice();
    const net = createMlp32({ sizes: [2, 4, 1], theta });
    expect(net.theta).toBe(theta);
    const x = { x: Float32Array.of(0.1, 0.2), rows: 1, cols: 2 };
    const before = net.forward(x)[0]!;
    theta[theta.length - 1] += 1;
    expect(net.forward(x)[0]! - before).toBeCloseTo(1, 5);
    expectPhaseflowError(() => createMlp32({ sizes: [2] }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => createMlp32({ sizes: [2, 3], theta: new Float32Array(2) }), 'SHAPE_MISMATCH');
    expectPhaseflowError(() => createMlp32({ sizes: [2, 3], theta: new Float64Array(9) as never }), 'SHAPE_MISMATCH');
    expectPhaseflowError(() => createMlp32({ sizes: [2, 3], kernel: 'gpu' as never }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => createMlp32({ sizes: [2, 3], bogus: 1 } as never), 'UNKNOWN_OPTION');
    expectPhaseflowError(() => net.forward({ x: new Float32Array(3), rows: 1, cols: 3 }), 'SHAPE_MISMATCH');
    expectPhaseflowError(() => net.forward({ x: new Float64Array(2) as never, rows: 1, cols: 2 }), 'INVALID_ARGUMENT');
    expectPhaseflowError(() => createMlp32({ sizes: [2, 3] }).backwardTape(new Float32Array(3), new Float32Array(12)), 'INVALID_STATE');
    expectPhaseflowError(() => net.parameters.set(new Array(net.parameters.size).fill(1e39)), 'NON_FINITE_INPUT');
    expect(net.kernel).toBe('wasm-simd');
    expect(createMlp32({ sizes: [2, 3], kernel: 'js' }).kernel).toBe('js');
  });
});

const batch = () => ({ x: Float32Array.of(0.5, -0.2, 0, 1.5, -1, 0.25), rows: 3, cols: 2 });
layerConformance(createMlp32({ sizes: [2, 5, 3], activation: 'tanh', seed: 1 }), { input: batch, tolerance: 1e-5 });
layerConformance(createMlp32({ sizes: [2, 4, 4, 2], activation: 'relu', output: 'softmax', seed: 2, kernel: 'js' }), { input: batch, tolerance: 1e-5 });
