import { describe, expect, it } from 'vitest';
import { createRandom } from '@phaseflow/core';
import { createReadout, createRidgeAccumulator } from '@phaseflow/reservoir';

describe('ridge accumulator (Gram kernel of @phaseflow/linalg)', () => {
  it('a ridge fit through the accumulator does not depend on how the samples fall into blocks', () => {
    const n = 7,
      T = 700; // several 256-sample blocks and a partial one
    const rng = createRandom(3);
    const X = new Float64Array(T * n),
      Y = new Float64Array(T);
    rng.fillNormal(X);
    for (let t = 0; t < T; t++) Y[t] = X[t * n]! - 2 * X[t * n + 6]! + 0.5;
    const a = createRidgeAccumulator({ inputDim: n, outputDim: 1 }),
      b = createRidgeAccumulator({ inputDim: n, outputDim: 1 });
    for (let t = 0; t < T; t++) a.add(X, t * n, Y, t);
    const ra = createReadout({ inputDim: n, outputDim: 1 }),
      rb = createReadout({ inputDim: n, outputDim: 1 });
    a.solve(1e-9, ra);
    for (let t = 0; t < T; t++) {
      b.add(X, t * n, Y, t);
      if (t % 97 === 0) b.solve(1e-9, rb); // intermediate solves flush partial blocks
    }
    b.solve(1e-9, rb);
    for (let i = 0; i < n; i++) expect(rb.weights[i]).toBeCloseTo(ra.weights[i]!, 12);
    expect(ra.weights[0]).toBeCloseTo(1, 8);
    expect(ra.weights[6]).toBeCloseTo(-2, 8);
    expect(ra.bias[0]).toBeCloseTo(0.5, 8);
  });
});
