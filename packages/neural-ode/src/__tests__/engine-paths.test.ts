import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isPhaseflowError } from '@phaseflow/core';
import { useBestBackend } from '@phaseflow/tfjs';
import { NeuralODE, type GradientMode } from '@phaseflow/neural-ode';

beforeAll(async () => {
  await useBestBackend();
});

const X = [
  [0.8, -0.3],
  [-0.5, 0.6],
  [0.2, 0.9],
];
const x64 = Float64Array.from(X.flat());
const loss = (y: tf.Tensor) => tf.mean(tf.square(y)) as tf.Scalar;
const relErr = (a: Float64Array, b: Float64Array) => {
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
};
const caught = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
};

function layer(extra: Record<string, unknown>) {
  const x = tf.tensor2d(X);
  // The tfjs engine (its tensors, tf.memory() bounds); engine32.test.ts covers the nn64 engine.
  const ode = new NeuralODE({ hidden: [8], times: [0.5, 1], seed: 3, engine: 'tfjs', ...extra });
  ode.forward(x).dispose();
  return { ode, x };
}

describe('one field evaluation per adjoint stage', () => {
  it('tfjs and Float64: the adjoint evaluates the field once per backward stage (rk4: 4 per step each way), back-propagation once per forward stage', () => {
    const { ode, x } = layer({ integrator: 'rk4', h: 0.05 });
    const n = 20;
    expect(ode.gradients(x, loss, 'backprop').evaluations).toBe(4 * n);
    expect(ode.gradients(x, loss, 'adjoint').evaluations).toBe(4 * n + 4 * n);
    const ref = ode.float64();
    const cot = (_k: number, y: Float64Array) => y.slice();
    expect(ref.gradients(x64, 3, cot, 'backprop').evaluations).toBe(4 * n);
    expect(ref.gradients(x64, 3, cot, 'adjoint').evaluations).toBe(4 * n + 4 * n);
    ode.dispose();
    x.dispose();
  });
});

describe('adaptive solves step through the output times (dense output)', () => {
  const times = Array.from({ length: 9 }, (_, k) => (k + 1) * 0.025);
  it('nine output times cost the field evaluations of one (tfjs and Float64), and the outputs are the solution there', () => {
    const cfg = { integrator: 'dopri5', adaptive: { rtol: 1e-7, atol: 1e-9 }, features: 'cube' };
    const many = layer({ ...cfg, times });
    const one = layer({ ...cfg, times: [times[8]!] });
    const eMany = many.ode.gradients(many.x, loss, 'backprop').evaluations;
    const eOne = one.ode.gradients(one.x, loss, 'backprop').evaluations;
    // one solve: k₀ + the first-step probe + 6 per attempted step (FSAL), whatever the output times
    expect(eMany).toBe(eOne);
    expect((eMany - 2) % 6).toBe(0);
    expect(eMany).toBeLessThan(9 * 8); // a restart per output time costs ≥ 8 each
    const cot = (_k: number, y: Float64Array) => y.slice();
    expect(many.ode.float64().gradients(x64, 3, cot, 'backprop').evaluations).toBe(one.ode.float64().gradients(x64, 3, cot, 'backprop').evaluations);
    // the dense-output states agree with fine fixed rk4 steps to the tolerance
    const fine = layer({ integrator: 'rk4', h: 0.0025, features: 'cube', times });
    const a = many.ode.float64().forward(x64, 3);
    const b = fine.ode.float64().forward(x64, 3);
    for (let k = 0; k < 9; k++) expect(relErr(a[k]!, b[k]!)).toBeLessThan(1e-7);
    const yT = many.ode.apply(many.x) as tf.Tensor;
    const yF = fine.ode.apply(many.x) as tf.Tensor;
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(yT, yF))).dataSync()[0]!)).toBeLessThan(1e-5);
    tf.dispose([yT, yF]);
    for (const l of [many, one, fine]) {
      l.ode.dispose();
      l.x.dispose();
    }
  });

  it('back-propagation through the dense output agrees with the adjoint (Float64, tight tolerances)', () => {
    const { ode, x } = layer({ integrator: 'dopri5', adaptive: { rtol: 1e-10, atol: 1e-12 }, times });
    const ref = ode.float64();
    const cot = (k: number, y: Float64Array) => y.map((v) => (k + 1) * v);
    expect(relErr(ref.gradients(x64, 3, cot, 'adjoint').gradient, ref.gradients(x64, 3, cot, 'backprop').gradient)).toBeLessThan(1e-6);
    ode.dispose();
    x.dispose();
  });
});

describe("gradient 'checkpoint'", () => {
  it('equals back-propagation to rounding for every spacing the bound chooses (tfjs float32 and Float64), leaking nothing', () => {
    const base = layer({ integrator: 'rk4', h: 0.02 });
    const bp = base.ode.gradients(base.x, loss, 'backprop');
    const ref64 = base.ode.float64();
    const cot = (_k: number, y: Float64Array) => y.map((v) => v / 3);
    const bp64 = ref64.gradients(x64, 3, cot, 'backprop').gradient;
    const chosen = new Set<number>();
    const chosen64 = new Set<number>();
    for (const maxBytes of [2e4, 6e4, 2e5, 1e9]) {
      const { ode, x } = layer({ integrator: 'rk4', h: 0.02, gradient: 'checkpoint', memory: { maxBytes } });
      ode.setWeights(base.ode.getWeights());
      const before = tf.memory().numTensors;
      const r = caught(() => {
        const g = ode.gradients(x, loss);
        chosen.add(g.every!);
        expect(g.loss).toBe(bp.loss);
        expect(relErr(g.gradient, bp.gradient)).toBeLessThan(1e-5);
      });
      if (r !== undefined) expect(isPhaseflowError(r, 'MEMORY_BOUND_EXCEEDED')).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
      const r64 = caught(() => {
        const g = ode.float64().gradients(x64, 3, cot, 'checkpoint');
        chosen64.add(g.every!);
        expect(relErr(g.gradient, bp64)).toBeLessThan(1e-13);
      });
      if (r64 !== undefined) expect(isPhaseflowError(r64, 'MEMORY_BOUND_EXCEEDED')).toBe(true);
      ode.dispose();
      x.dispose();
    }
    // 25 steps per interval: the bounds span small spacings and the whole interval
    expect(chosen.has(25)).toBe(true);
    expect([...chosen].some((k) => k < 25)).toBe(true);
    expect(chosen64.has(25)).toBe(true);
    expect([...chosen64].some((k) => k < 25)).toBe(true);
    // no bound on the Float64 twin: the spacing needing the least memory
    expect(ref64.gradients(x64, 3, cot, 'checkpoint').every).toBeLessThan(25);
    base.ode.dispose();
    base.x.dispose();
  });

  it('holds fewer bytes than back-propagation at 100 steps (tfjs engine, live tensor bytes)', () => {
    const { ode, x } = layer({ integrator: 'rk4', h: 0.01, times: [1], gradient: 'checkpoint' });
    const cp = ode.gradients(x, loss);
    const bp = ode.gradients(x, loss, 'backprop');
    expect(cp.every).toBeLessThan(100);
    expect(cp.peakBytes).toBeLessThan(0.5 * bp.peakBytes);
    ode.dispose();
    x.dispose();
  });

  it('trains through opt.minimize without leaks', () => {
    const { ode, x } = layer({ integrator: 'rk4', h: 0.1, gradient: 'checkpoint', memory: { maxBytes: 1e5 } });
    const target = tf.tensor3d(X.map((r) => [r, r.map((v) => 0.5 * v)]));
    const opt = tf.train.adam(0.05);
    const f = () => tf.mean(tf.square(tf.sub(ode.apply(x) as tf.Tensor, target))) as tf.Scalar;
    const first = tf.tidy(() => f().dataSync()[0]!);
    tf.dispose(opt.minimize(f, true)!); // Adam's slots
    const before = tf.memory().numTensors;
    for (let i = 0; i < 8; i++) tf.dispose(opt.minimize(f, true)!);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.tidy(() => f().dataSync()[0]!)).toBeLessThan(first);
    opt.dispose();
    tf.dispose([target, x]);
    ode.dispose();
  });
});

describe('MEMORY_BOUND_EXCEEDED instead of an exhausted heap', () => {
  it.each([
    ['backprop, fixed steps: refused before the solve', { integrator: 'rk4', h: 0.01 }, 'backprop', false],
    ['backprop, adaptive: stopped once the live tensors cross the bound', { integrator: 'dopri5', adaptive: { rtol: 1e-9, atol: 1e-10 } }, 'backprop', true],
    ['checkpoint: not even the smallest spacing fits', { integrator: 'rk4', h: 0.01 }, 'checkpoint', false],
  ] as const)('%s', (_name, cfg, mode, during) => {
    const { ode, x } = layer({ ...cfg, memory: { maxBytes: 3000 } });
    const before = tf.memory().numTensors;
    const e = caught(() => ode.gradients(x, loss, mode as GradientMode));
    expect(isPhaseflowError(e, 'MEMORY_BOUND_EXCEEDED')).toBe(true);
    const d = (e as { details: { argument: string; needBytes: number; boundBytes: number } }).details;
    expect(d.argument).toBe('args.memory.maxBytes');
    expect(d.boundBytes).toBe(3000);
    expect(d.needBytes).toBeGreaterThan(3000);
    expect((e as Error).message).toMatch(/args\.memory\.maxBytes.*bound/);
    expect((e as Error).message.includes('stopped during the forward solve')).toBe(during);
    expect(tf.memory().numTensors).toBe(before);
    // inference is not a gradient: no bound applies
    const y = ode.apply(x) as tf.Tensor;
    y.dispose();
    ode.dispose();
    x.dispose();
  });

  it('the Float64 twin refuses back-propagation over its bound; options are checked and kept in the config', () => {
    const { ode, x } = layer({ integrator: 'rk4', h: 0.01, memory: { maxBytes: 5000 } });
    const e = caught(() => ode.float64().gradients(x64, 3, (_k, y) => y.slice(), 'backprop'));
    expect(isPhaseflowError(e, 'MEMORY_BOUND_EXCEEDED')).toBe(true);
    expect(ode.getConfig().memory).toEqual({ maxBytes: 5000 });
    expect(
      isPhaseflowError(
        caught(() => new NeuralODE({ memory: { maxBytes: -1 } })),
        'INVALID_ARGUMENT',
      ),
    ).toBe(true);
    expect(
      isPhaseflowError(
        caught(() => new NeuralODE({ memory: { bytes: 1 } } as never)),
        'UNKNOWN_OPTION',
      ),
    ).toBe(true);
    expect(
      isPhaseflowError(
        caught(() => new NeuralODE({ gradient: 'checkpoint', integrator: 'dopri5', adaptive: true })),
        'INVALID_ARGUMENT',
      ),
    ).toBe(true);
    ode.dispose();
    x.dispose();
  });
});
