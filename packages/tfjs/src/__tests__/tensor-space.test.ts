import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkStep,
  float64Space,
  integrate,
  odeProblem,
  phaseSpace,
  separableHamiltonian,
  type Integrator,
  type OdeProblem,
  type PhaseState,
  type SeparableHamiltonianProblem,
} from '@phaseflow/core';
import { explicitMidpoint } from '@phaseflow/testkit';
import { integrateTensors, tensorSpace, useBestBackend } from '@phaseflow/tfjs';

beforeAll(async () => {
  await useBestBackend();
});

/** Classical RK4 written once against VectorSpace (uses return values: works on both spaces). */
function rk4<S>(): Integrator<OdeProblem<S>, S> {
  return {
    name: 'rk4',
    order: 4,
    problemKinds: ['ode'],
    properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
    step(pr, t, y, h) {
      checkStep(this, pr, h);
      const s = pr.space;
      const k1 = pr.f(t, y);
      const k2 = pr.f(t + h / 2, s.axpy(h / 2, k1, y));
      const k3 = pr.f(t + h / 2, s.axpy(h / 2, k2, y));
      const k4 = pr.f(t + h, s.axpy(h, k3, y));
      return s.combine([h / 6, h / 3, h / 3, h / 6], [k1, k2, k3, k4], y);
    },
  };
}

/** Leapfrog over any component space (return values only). */
function leapfrog<S>(): Integrator<SeparableHamiltonianProblem<S>, PhaseState<S>> {
  return {
    name: 'leapfrog',
    order: 2,
    problemKinds: ['separable-hamiltonian'],
    properties: { explicit: true, symplectic: true, timeReversible: true, adaptive: false },
    step(pr, _t, y, h) {
      checkStep(this, pr, h);
      const c = pr.space.component;
      const pHalf = c.axpy(-h / 2, pr.dVdq(y.q), y.p);
      const q = c.axpy(h, pr.dTdp(pHalf), y.q);
      const p = c.axpy(-h / 2, pr.dVdq(q), pHalf);
      return { q, p };
    },
  };
}

// Damped rotation y' = A y, A = [[-0.1, 1], [-1, -0.1]]: exact solution known.
const A = [
  [-0.1, 1],
  [-1, -0.1],
];
const f64 = odeProblem<Float64Array>((_t, y, out = new Float64Array(2)) => {
  const a = A[0]![0]! * y[0]! + A[0]![1]! * y[1]!;
  const b = A[1]![0]! * y[0]! + A[1]![1]! * y[1]!;
  out[0] = a;
  out[1] = b;
  return out;
});
const At = () => tf.tensor2d(A);
const tens = odeProblem<tf.Tensor>((_t, y) => tf.tidy(() => tf.squeeze(tf.matMul(At(), tf.reshape(y, [2, 1])), [1])), { space: tensorSpace });

describe('tensorSpace', () => {
  it('agrees with float64Space on every operation (float32 tolerance), leaking nothing', () => {
    const before = tf.memory().numTensors;
    const vec = fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(vec, fc.double({ min: -3, max: 3, noNaN: true }), (xs, a) => {
        const n = xs.length;
        const x = Float64Array.from(xs);
        const y = Float64Array.from(xs, (v, i) => v * 0.5 - i);
        const tx = tf.tensor1d(Float32Array.from(x));
        const ty = tf.tensor1d(Float32Array.from(y));
        const close = (t: tf.Tensor, ref: Float64Array) => {
          const got = tensorSpace.toFloat64(t);
          t.dispose();
          for (let i = 0; i < n; i++) expect(got[i]).toBeCloseTo(ref[i]!, 3);
        };
        close(tensorSpace.axpy(a, tx, ty), float64Space.axpy(a, x, y));
        close(tensorSpace.scale(a, tx), float64Space.scale(a, x));
        close(tensorSpace.combine([a, 2], [tx, ty], ty), float64Space.combine([a, 2], [x, y], y));
        close(tensorSpace.combine([0, a], [tx, ty]), float64Space.combine([0, a], [x, y]));
        close(tensorSpace.zeros(tx), new Float64Array(n));
        const out = tf.zeros([n]);
        const r = tensorSpace.axpy(1, tx, ty, out); // immutable: `out` is ignored
        expect(r).not.toBe(out);
        close(r, float64Space.axpy(1, x, y));
        expect(out.dataSync().every((v) => v === 0)).toBe(true);
        out.dispose();
        const scale = 1 + float64Space.norm(x) * float64Space.norm(y);
        expect(Math.abs(tensorSpace.dot(tx, ty) - float64Space.dot(x, y))).toBeLessThan(1e-5 * scale);
        expect(tensorSpace.norm(tx)).toBeCloseTo(float64Space.norm(x), 3);
        expect(tensorSpace.errorNorm(tx, ty, tx, 1e-3, 1e-2)).toBeCloseTo(float64Space.errorNorm(x, y, x, 1e-3, 1e-2), 0);
        expect(tensorSpace.size(tx)).toBe(n);
        expect(tensorSpace.isFinite(tx)).toBe(true);
        tf.dispose([tx, ty]);
      }),
      { numRuns: 40, seed: 7 },
    );
    const bad = tf.tensor1d([1, NaN]);
    expect(tensorSpace.isFinite(bad)).toBe(false);
    bad.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs a core integrator (RK4) on tensors: matches Float64 to float32 accuracy, no leak', () => {
    const before = tf.memory().numTensors;
    const ref = integrate(rk4<Float64Array>(), f64, Float64Array.of(1, 0), { tEnd: 5, steps: 200, save: { every: 20 } });
    const y0 = tf.tensor1d([1, 0]);
    const sol = integrateTensors(rk4<tf.Tensor>(), tens, y0, { tEnd: 5, steps: 200, save: { every: 20 } });
    expect(sol.t).toEqual(ref.t);
    expect(sol.y).toHaveLength(ref.y.length);
    sol.y.forEach((y, i) => {
      const got = tensorSpace.toFloat64(y);
      expect(Math.abs(got[0]! - ref.y[i]![0]!)).toBeLessThan(2e-5);
      expect(Math.abs(got[1]! - ref.y[i]![1]!)).toBeLessThan(2e-5);
    });
    // exact solution e^{-0.1 t}(cos t, −sin t)
    const fin = tensorSpace.toFloat64(sol.yFinal);
    expect(fin[0]).toBeCloseTo(Math.exp(-0.5) * Math.cos(5), 4);
    expect(fin[1]).toBeCloseTo(-Math.exp(-0.5) * Math.sin(5), 4);
    tf.dispose([...sol.y, sol.yFinal, y0]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("runs the testkit's explicit midpoint control on tensors", () => {
    const before = tf.memory().numTensors;
    const ref = integrate(explicitMidpoint, f64, Float64Array.of(1, 0), { tEnd: 2, steps: 50 });
    const y0 = tf.tensor1d([1, 0]);
    const sol = integrateTensors(explicitMidpoint as unknown as Integrator<OdeProblem<tf.Tensor>, tf.Tensor>, tens, y0, { tEnd: 2, steps: 50 });
    const got = tensorSpace.toFloat64(sol.yFinal);
    expect(got[0]).toBeCloseTo(ref.yFinal[0]!, 5);
    expect(got[1]).toBeCloseTo(ref.yFinal[1]!, 5);
    tf.dispose([...sol.y, sol.yFinal, y0]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs leapfrog on phaseSpace(tensorSpace): bounded energy error, no leak', () => {
    const before = tf.memory().numTensors;
    const space = phaseSpace(tensorSpace);
    const pendulum = separableHamiltonian<tf.Tensor>({
      space: tensorSpace,
      dTdp: (p) => p.clone(),
      dVdq: (q) => tf.sin(q),
    });
    const energy = (y: PhaseState<tf.Tensor>) => {
      const q = y.q.dataSync()[0]!;
      const p = y.p.dataSync()[0]!;
      return 0.5 * p * p - Math.cos(q);
    };
    const y0 = { q: tf.tensor1d([1]), p: tf.tensor1d([0]) };
    const sol = integrateTensors(leapfrog<tf.Tensor>(), pendulum, y0, { tEnd: 20, h: 0.05, save: { every: 40 } });
    const e0 = energy(y0);
    for (const y of sol.y) expect(Math.abs(energy(y) - e0)).toBeLessThan(5e-3);
    for (const y of sol.y) space.dispose!(y);
    space.dispose!(y0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the partial solution of a run that blows up, and nothing else', () => {
    const before = tf.memory().numTensors;
    const blow = odeProblem<tf.Tensor>((_t, y) => tf.mul(tf.square(y), 1e3), { space: tensorSpace });
    const y0 = tf.tensor1d([1]);
    let err: unknown;
    try {
      integrateTensors(rk4<tf.Tensor>(), blow, y0, { tEnd: 10, h: 0.1, save: 'steps' });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'NON_FINITE_STATE' });
    const partial = (err as { partial: { y: tf.Tensor[]; yFinal: tf.Tensor } }).partial;
    expect(partial.y.length).toBeGreaterThan(0);
    expect(partial.y.every((t) => !t.isDisposed)).toBe(true);
    tf.dispose([...partial.y, partial.yFinal, y0]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
