import { createRandom } from '@phaseflow/core';
import {
  createCayleyParametrization,
  createExponentialParametrization,
  createHouseholderParametrization,
  createSO,
  type OrthogonalParametrization,
} from '@phaseflow/lie';
import { expectPhaseflowError } from '@phaseflow/testkit/vitest';
import { describe, expect, it } from 'vitest';
import { added, logSlope, matMul } from './helpers.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

const cases: [string, OrthogonalParametrization][] = [
  ['exponential n=3', createExponentialParametrization({ n: 3 })],
  ['exponential n=5', createExponentialParametrization({ n: 5 })],
  ['cayley n=4', createCayleyParametrization({ n: 4 })],
  ['householder n=4', createHouseholderParametrization({ n: 4 })],
  ['householder n=5, 2 reflections', createHouseholderParametrization({ n: 5, reflections: 2 })],
];

describe.each(cases)('%s', (_, p) => {
  const r = createRandom(21);
  const n = p.n;
  it('gives orthogonal matrices (‖WᵀW − I‖ ≤ 1e-14)', () => {
    for (let i = 0; i < 10; i++) {
      const theta = Float64Array.from({ length: p.size }, () => r.normal());
      const W = p.forward(theta);
      const WtW = matMul(
        Float64Array.from({ length: n * n }, (_, k) => W[(k % n) * n + Math.floor(k / n)]!),
        W,
        n,
      );
      let d = 0;
      for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) d = Math.max(d, Math.abs(WtW[a * n + b]! - (a === b ? 1 : 0)));
      expect(d).toBeLessThan(1e-14);
    }
  });
  it('backward is the gradient: the linear loss ⟨C, W(θ)⟩ passes the slope-2 remainder test', () => {
    for (let trial = 0; trial < 3; trial++) {
      const theta = Float64Array.from({ length: p.size }, () => r.normal());
      const C = Float64Array.from({ length: n * n }, () => r.normal());
      const d = Float64Array.from({ length: p.size }, () => r.normal());
      const L = (t: Float64Array) => dot(C, p.forward(t));
      const g = p.backward(theta, C);
      const slope = dot(g, d);
      const eps: number[] = [],
        rem: number[] = [];
      for (let k = 0; k < 6; k++) {
        const e = 1e-2 * 2 ** -k;
        eps.push(e);
        rem.push(Math.abs(L(added(theta, d, e)) - L(theta) - e * slope));
      }
      expect(logSlope(eps, rem)).toBeGreaterThan(1.9);
    }
  });
});

describe('orthogonal parametrisations', () => {
  it('exponential agrees with SO(n).exp; Cayley has the half-angle tangent', () => {
    const xi = Float64Array.of(0.3, -0.2, 0.5);
    expect(Array.from(createExponentialParametrization({ n: 3 }).forward(xi))).toEqual(Array.from(createSO(3).exp(xi)));
    const W = createCayleyParametrization({ n: 2 }).forward(Float64Array.of(Math.tan(0.25)));
    expect(W[0]).toBeCloseTo(Math.cos(0.5), 15);
    expect(W[2]).toBeCloseTo(Math.sin(0.5), 15);
  });
  it('Householder products have det (−1)^k', () => {
    const W = createHouseholderParametrization({ n: 3, reflections: 2 }).forward(Float64Array.of(1, 0, 0, 0, 1, 0));
    expect(Array.from(W, (x) => x + 0)).toEqual([-1, 0, 0, 0, -1, 0, 0, 0, 1]);
  });
  it('reject bad sizes and zero Householder vectors', () => {
    expectPhaseflowError(() => createCayleyParametrization({ n: 1 }), 'INVALID_ARGUMENT', 'options.n');
    expectPhaseflowError(() => createExponentialParametrization({ n: 3 }).forward(new Float64Array(2)), 'SHAPE_MISMATCH', 'params');
    expectPhaseflowError(() => createHouseholderParametrization({ n: 2 }).forward(Float64Array.of(1, 0, 0, 0)), 'INVALID_ARGUMENT', 'params[2…3]');
  });
});
