import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom, integrate, odeProblem, type Integrator } from '@phaseflow/core';
import { createRk4 } from '@phaseflow/runge-kutta';
import { createYoshida6 } from '@phaseflow/symplectic';
import { useBestBackend } from '@phaseflow/tfjs';
import {
  AntisymmetricBlock,
  HamiltonianBlock,
  IntegratorBlock,
  LeapfrogBlock,
  ParabolicBlock,
  ResNetBlock,
  type StableBlock,
  measureStability,
  registerBlockIntegrator,
} from '@phaseflow/stable-nets';

beforeAll(async () => {
  await useBestBackend();
});

// Float64 reference of each block's step, in the papers' column notation on one sample y.
type Vec = Float64Array;
const matVec = (k: Vec, w: number, y: Vec, transpose: boolean): Vec => {
  const out = new Float64Array(w);
  for (let i = 0; i < w; i++) for (let j = 0; j < w; j++) out[i]! += (transpose ? k[j * w + i]! : k[i * w + j]!) * y[j]!;
  return out;
};
const tanh = (v: Vec) => v.map(Math.tanh);
const axpy = (a: number, x: Vec, y: Vec) => y.map((v, i) => v + a * x[i]!);
const add = (x: Vec, y: Vec) => x.map((v, i) => v + y[i]!);

function reference(kind: string, ks: Vec[], bs: Vec[], w: number, h: number, y0: Vec, gamma = 0): Vec {
  let y = Float64Array.from(y0);
  let prev = Float64Array.from(y0);
  let z = new Float64Array(w);
  for (let j = 0; j < ks.length; j++) {
    let k = ks[j]!;
    const b = bs[j]!;
    if (kind === 'antisymmetric') k = k.map((_, idx) => 0.5 * (k[idx]! - k[(idx % w) * w + Math.floor(idx / w)]!) - (idx % (w + 1) === 0 ? gamma : 0));
    if (kind === 'resnet' || kind === 'antisymmetric') y = axpy(h, tanh(add(matVec(k, w, y, false), b)), y);
    else if (kind === 'hamiltonian') {
      z = axpy(j === 0 ? -h / 2 : -h, tanh(add(matVec(k, w, y, true), b)), z);
      y = axpy(h, tanh(add(matVec(k, w, z, false), b)), y);
    } else if (kind === 'leapfrog') {
      const f = matVec(k, w, tanh(add(matVec(k, w, y, false), b)), true);
      const next = y.map((v, i) => 2 * v - prev[i]! - h * h * f[i]!);
      prev = y;
      y = next;
    } else if (kind === 'parabolic') y = axpy(-h, matVec(k, w, tanh(add(matVec(k, w, y, false), b)), true), y);
  }
  return y;
}

const W = 3;
const DEPTH = 5;
const BATCH = 4;
const x0 = Float32Array.from(createRandom(7).fillNormal(new Float64Array(BATCH * W)));
/** Random biases too, so the reference checks them. */
function randomizeBias(block: StableBlock) {
  const b = createRandom(9).fillNormal(new Float64Array(block.kernelCount * W), 0, 0.5);
  tf.tidy(() => block.setWeights([block.getWeights()[0]!, tf.tensor2d(Float32Array.from(b), [block.kernelCount, W])]));
}
function weights(block: StableBlock): { ks: Vec[]; bs: Vec[] } {
  const [k, b] = block.getWeights().map((t) => Float64Array.from(t.dataSync()));
  const m = block.kernelCount;
  const ks = Array.from({ length: block.depth }, (_, j) => k!.slice((m === 1 ? 0 : j) * W * W, ((m === 1 ? 0 : j) + 1) * W * W));
  const bs = Array.from({ length: block.depth }, (_, j) => b!.slice((m === 1 ? 0 : j) * W, ((m === 1 ? 0 : j) + 1) * W));
  return { ks, bs };
}

const makers = {
  resnet: (o: { depth: number; finalTime: number; sharedWeights?: boolean }) => new ResNetBlock({ ...o, seed: 3 }),
  antisymmetric: (o: { depth: number; finalTime: number; sharedWeights?: boolean }) => new AntisymmetricBlock({ ...o, seed: 3, gamma: 0.05 }),
  hamiltonian: (o: { depth: number; finalTime: number; sharedWeights?: boolean }) => new HamiltonianBlock({ ...o, seed: 3 }),
  leapfrog: (o: { depth: number; finalTime: number; sharedWeights?: boolean }) => new LeapfrogBlock({ ...o, seed: 3 }),
  parabolic: (o: { depth: number; finalTime: number; sharedWeights?: boolean }) => new ParabolicBlock({ ...o, seed: 3 }),
};

describe('stable blocks', () => {
  for (const [kind, make] of Object.entries(makers)) {
    it(`${kind}: float32 forward pass matches the Float64 reference, leaves no tensor behind`, () => {
      for (const sharedWeights of [false, true]) {
        const block = make({ depth: DEPTH, finalTime: 1.5, sharedWeights });
        const x = tf.tensor2d(x0, [BATCH, W]);
        block.forward(x).dispose();
        randomizeBias(block);
        const before = tf.memory().numTensors;
        const y = block.forward(x);
        const traj = block.trajectory(x);
        expect(traj.length).toBe(DEPTH + 1);
        const got = y.dataSync();
        expect(Array.from(traj[DEPTH]!.dataSync())).toEqual(Array.from(got));
        tf.dispose([y, ...traj]);
        expect(tf.memory().numTensors).toBe(before);
        const { ks, bs } = weights(block);
        for (let s = 0; s < BATCH; s++) {
          const ref = reference(kind, ks, bs, W, 1.5 / DEPTH, Float64Array.from(x0.subarray(s * W, (s + 1) * W)), 0.05);
          for (let i = 0; i < W; i++) expect(Math.abs(got[s * W + i]! - ref[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(ref[i]!)));
        }
        expect(block.parameters.size).toBe(block.kernelCount * (W * W + W));
        x.dispose();
        block.dispose();
      }
    });
  }

  it('forwardEnsemble evaluates J parameter sets at once, as set + forward would', () => {
    const x = tf.tensor2d(x0, [BATCH, W]);
    for (const make of [
      ...Object.values(makers),
      (o: { depth: number; finalTime: number }) => new IntegratorBlock({ ...o, integrator: createRk4(), seed: 3 }),
    ]) {
      const block = make({ depth: 3, finalTime: 1 });
      block.forward(x).dispose();
      const view = block.parameters;
      const p = view.size;
      const thetas = createRandom(11).fillNormal(new Float64Array(2 * p), 0, 0.5);
      const before = tf.memory().numTensors;
      const outs = view.forwardEnsemble!(thetas, 2, x);
      expect(outs.length).toBe(2);
      const batched = outs.map((o) => Array.from(o.dataSync()));
      tf.dispose(outs);
      expect(tf.memory().numTensors).toBe(before);
      for (let j = 0; j < 2; j++) {
        view.set(thetas.subarray(j * p, (j + 1) * p));
        const y = block.forward(x);
        const single = y.dataSync();
        for (let i = 0; i < single.length; i++) expect(batched[j]![i]!).toBeCloseTo(single[i]!, 5);
        y.dispose();
      }
      block.dispose();
    }
    x.dispose();
  });

  it('gradients reach every kernel and bias, without leaks', () => {
    const block = new HamiltonianBlock({ depth: 4, finalTime: 1, seed: 1 });
    const x = tf.tensor2d(x0, [BATCH, W]);
    block.forward(x).dispose();
    const before = tf.memory().numTensors;
    const vars = block.trainableWeights.map((w) => w.read() as tf.Variable);
    const norms = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(block.apply(x) as tf.Tensor)) as tf.Scalar, vars);
      return Object.values(grads).map((g) => tf.norm(g).dataSync()[0]!);
    });
    expect(norms.length).toBe(2);
    for (const n of norms) expect(n).toBeGreaterThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    block.dispose();
  });

  it('the parametric view reads and writes θ', () => {
    const block = new ResNetBlock({ depth: 2, finalTime: 1, width: W });
    const x = tf.tensor2d(x0, [BATCH, W]);
    block.forward(x).dispose();
    const theta = block.parameters.get();
    block.parameters.set(theta.map((v) => 2 * v));
    const again = block.parameters.get();
    for (let i = 0; i < theta.length; i++) expect(again[i]).toBeCloseTo(2 * theta[i]!, 6);
    x.dispose();
    block.dispose();
  });

  it('rejects bad options with coded errors', () => {
    expect(() => new ResNetBlock({ depth: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ argument: 'args.depth' }) }),
    );
    expect(() => new HamiltonianBlock({ depth: 2.5 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new HamiltonianBlock({ depth: 4, finalTime: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ argument: 'args.finalTime' }) }),
    );
    expect(() => new HamiltonianBlock({ depth: 4, finalTime: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new HamiltonianBlock({ depth: 4, finalTime: Number.NaN })).toThrow(expect.objectContaining({ code: 'NON_FINITE_INPUT' }));
    expect(() => new ResNetBlock({ depth: 4, steps: 3 } as never)).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION' }));
    expect(() => new ResNetBlock({ depth: 4, T: 1 } as never)).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_OPTION', details: expect.objectContaining({ argument: 'args.T' }) }),
    );
    expect(() => new ResNetBlock({ depth: 4, activation: 'softmax' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new AntisymmetricBlock({ depth: 4, gamma: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new ParabolicBlock({ depth: 4, normalization: 'batch' as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const before = tf.memory().numTensors;
    const block = new ResNetBlock({ depth: 2, width: 5 });
    const x = tf.tensor2d(x0, [BATCH, W]);
    expect(() => block.forward(x)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    const ok = new ResNetBlock({ depth: 2 });
    ok.forward(x).dispose();
    const wide = tf.zeros([2, W + 1]);
    expect(() => ok.forward(wide)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => ok.forward('x' as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    tf.dispose([x, wide]);
    ok.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('IntegratorBlock', () => {
  it('rk4 on tensors matches rk4 on Float64Array with the same field (float32 tolerance)', () => {
    const block = new IntegratorBlock({ integrator: createRk4(), depth: 3, finalTime: 1.2, seed: 4 });
    const x = tf.tensor2d(x0, [BATCH, W]);
    block.forward(x).dispose();
    randomizeBias(block);
    const before = tf.memory().numTensors;
    const y = block.forward(x);
    const got = y.dataSync();
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const { ks, bs } = weights(block);
    const h = 1.2 / 3;
    for (let s = 0; s < BATCH; s++) {
      // K(t) piecewise constant: one Float64 problem per step, driven by core's integrate.
      let state: Float64Array = Float64Array.from(x0.subarray(s * W, (s + 1) * W));
      for (let j = 0; j < 3; j++) {
        const problem = odeProblem((_t, yy: Float64Array) => tanh(add(matVec(ks[j]!, W, yy, false), bs[j]!)));
        state = integrate(createRk4<Float64Array>(), problem, state, { t0: j * h, tEnd: (j + 1) * h, steps: 1 }).yFinal;
      }
      for (let i = 0; i < W; i++) expect(got[s * W + i]!).toBeCloseTo(state[i]!, 5);
    }
    x.dispose();
    block.dispose();
  });

  it('Yoshida-6 steps with shared weights converge at high order as depth grows', () => {
    const x = tf.tensor2d(x0, [BATCH, W]);
    const outs = [1, 2, 8].map((depth) => {
      const block = new IntegratorBlock({ integrator: createYoshida6(), depth, finalTime: 2, sharedWeights: true, seed: 5 });
      const y = block.forward(x);
      const v = Float64Array.from(y.dataSync());
      y.dispose();
      block.dispose();
      return v;
    });
    const diff = (a: Vec, b: Vec) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0));
    const e1 = diff(outs[0]!, outs[2]!);
    const e2 = diff(outs[1]!, outs[2]!);
    // Sixth order: halving h divides the error by about 2⁶ = 64 (float32 floor permitting).
    expect(e1).toBeGreaterThan(1e-4);
    expect(e2).toBeLessThan(e1 / 20);
    x.dispose();
  });

  it('accepts registered names and rejects what it cannot run', () => {
    const b = new IntegratorBlock({ integrator: 'rk4', depth: 2 });
    expect(b.integrator.name).toBe('rk4');
    const lie = {
      name: 'lie-euler',
      order: 1,
      problemKinds: ['lie'],
      properties: { explicit: true, symplectic: false, timeReversible: false, adaptive: false },
      step: () => 0,
    };
    expect(() => new IntegratorBlock({ integrator: lie as never, depth: 2 })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_PROBLEM' }));
    expect(() => new IntegratorBlock({ integrator: 'no-such-method', depth: 2 })).toThrow(expect.objectContaining({ code: 'NOT_AVAILABLE' }));
    expect(() => new IntegratorBlock({ integrator: 42 as never, depth: 2 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const custom: Integrator<never, never> = { ...createRk4(), name: 'my-rk4' } as never;
    expect(registerBlockIntegrator(() => custom as never)).toBe('my-rk4');
    expect(new IntegratorBlock({ integrator: 'my-rk4', depth: 1 }).integrator.name).toBe('my-rk4');
  });
});

describe('stability at depth', () => {
  it('Hamiltonian and antisymmetric blocks stay within bounded factors up to 128 steps', () => {
    const before = tf.memory().numTensors;
    const opts = { depths: [8, 128], width: 4, batch: 4, h: 0.1, seed: 1 };
    const ham = measureStability((depth, finalTime) => new HamiltonianBlock({ depth, finalTime, seed: 2 }), opts);
    const anti = measureStability((depth, finalTime) => new AntisymmetricBlock({ depth, finalTime, seed: 2, gamma: 0.01 }), opts);
    for (const r of [...ham, ...anti]) {
      expect(r.growth).toBeGreaterThan(0.2);
      expect(r.growth).toBeLessThan(5);
      expect(r.gradientRatio).toBeGreaterThan(0.2);
      expect(r.gradientRatio).toBeLessThan(5);
    }
    // Parabolic blocks are dissipative: the flow contracts (smoothing).
    const para = measureStability((depth, finalTime) => new ParabolicBlock({ depth, finalTime, seed: 2, weightScale: 2 }), { ...opts, depths: [128] });
    expect(para[0]!.growth).toBeLessThan(0.5);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => measureStability((() => 1) as never, { depths: [2] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => measureStability((d) => new ResNetBlock({ depth: d }), { depths: [] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
