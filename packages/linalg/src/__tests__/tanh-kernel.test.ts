import { describe, expect, it } from 'vitest';
import { createRandom, PhaseflowError } from '@phaseflow/core';
import { createSpmvKernel, csrFromDense } from '@phaseflow/linalg';
import { tanh64, tanhKernel } from '../tanh-wasm.js';
import { randomCsr } from './helpers.js';

const EPS = 2 ** -52;
/** Values over the kernel's cases: both branches, the 0.625 switch, the cap at 20, the specials. */
function samples(n: number, seed: number): Float64Array {
  const rng = createRandom(seed);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    const u = rng.uniform() - 0.5;
    v[i] = kind === 0 ? 1.4 * u : kind === 1 ? 44 * u : kind === 2 ? 0.625 + 1e-3 * u : 1e-6 * u;
  }
  const special = [0, -0, 5e-324, -5e-324, 1e-300, 0.625, -0.625, 20, -20, 21, 700, 1e308, Infinity, -Infinity, NaN];
  v.set(special.slice(0, n), 0);
  return v;
}

describe('the kernels’ tanh', () => {
  it('is within 1.8 ε·|tanh x| of Math.tanh (correctly rounded to within 1 ulp) and keeps the sign of zero', () => {
    const v = samples(200_000, 1);
    let worst = 0;
    for (const x of v) {
      const t = tanh64(x);
      const ref = Math.tanh(x);
      if (Number.isNaN(ref)) {
        expect(t).toBeNaN();
        continue;
      }
      if (ref === 0) {
        expect(Object.is(t, ref)).toBe(true);
        continue;
      }
      worst = Math.max(worst, Math.abs(t - ref) / Math.max(Math.abs(ref) * EPS, Number.MIN_VALUE));
    }
    // Math.tanh is itself within 1 ulp: 1.8 + 1 bounds the distance between the two.
    expect(worst).toBeLessThan(2.8);
    expect(worst).toBeGreaterThan(0); // a different function, not Math.tanh under another name
    expect(tanh64(1)).toBeCloseTo(0.7615941559557649, 15);
    expect(tanh64(-3)).toBeCloseTo(-0.9950547536867305, 15);
  });

  it('gives the JavaScript form’s bits in WebAssembly, for odd and even lengths', () => {
    for (const n of [1, 2, 7, 64, 1001]) {
      const A = csrFromDense(n, n, new Float64Array(n * n));
      const v = samples(n, n);
      for (const kernel of ['auto', 'js'] as const) {
        const k = createSpmvKernel(A, { kernel });
        expect(k.kind).toBe(kernel === 'js' ? 'js' : 'wasm');
        k.y.set(v);
        k.tanh();
        for (let i = 0; i < n; i++) expect(Object.is(k.y[i], tanh64(v[i]!)) || (Number.isNaN(k.y[i]) && Number.isNaN(tanh64(v[i]!)))).toBe(true);
      }
    }
  });

  it('instantiates over a private and a shared memory (the kernel, not the fallback, runs where WebAssembly SIMD is)', () => {
    for (const shared of [false, true]) {
      const memory = new WebAssembly.Memory(shared ? { initial: 1, maximum: 1, shared: true } : { initial: 1 });
      const k = tanhKernel(memory, shared);
      expect(k).toBeDefined();
      const v = samples(101, 3);
      new Float64Array(memory.buffer, 64, 101).set(v);
      k!.tanh(64, 101);
      const out = new Float64Array(memory.buffer, 64, 101);
      for (let i = 0; i < 101; i++) expect(Number.isNaN(v[i]!) ? Number.isNaN(out[i]!) : Object.is(out[i], tanh64(v[i]!))).toBe(true);
      // The element after the last is not touched (the odd tail is one lane).
      expect(new Float64Array(memory.buffer, 64 + 8 * 101, 1)[0]).toBe(0);
    }
  });

  it('leakyTanh is x ← keep·x + rate·tanh(y) to the bit, on a private and on a shared kernel, and leaves y', () => {
    const rng = createRandom(5);
    for (const n of [3, 500]) {
      const A = randomCsr(n, n, 0.1, 'normal', n);
      const x0 = new Float64Array(n);
      rng.fillNormal(x0);
      const y0 = samples(n, 9).map((v) => (Number.isFinite(v) ? v : 0.5));
      for (const opts of [{}, { shared: true }, { kernel: 'js' as const }]) {
        const k = createSpmvKernel(A, opts);
        k.x.set(x0);
        k.y.set(y0);
        k.leakyTanh(0.7, 0.3);
        for (let i = 0; i < n; i++) expect(k.x[i]).toBe(0.7 * x0[i]! + 0.3 * tanh64(y0[i]!));
        expect(Array.from(k.y)).toEqual(Array.from(y0));
      }
    }
  });

  it('refuses a non-finite keep or rate, and a non-square kernel, with a coded error naming it', () => {
    const k = createSpmvKernel(csrFromDense(2, 2, [1, 0, 0, 1]));
    expect(() => k.leakyTanh(Number.NaN, 0.5)).toThrow(
      expect.objectContaining({ code: 'NON_FINITE_INPUT', details: expect.objectContaining({ argument: 'keep' }) }),
    );
    expect(() => k.leakyTanh(0.5, Infinity)).toThrow(
      expect.objectContaining({ code: 'NON_FINITE_INPUT', details: expect.objectContaining({ argument: 'rate' }) }),
    );
    const rect = createSpmvKernel(csrFromDense(2, 3, [1, 0, 0, 0, 1, 0]));
    expect(() => rect.leakyTanh(0.5, 0.5)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => rect.leakyTanh(0.5, 0.5)).toThrow(PhaseflowError);
    expect(() => rect.leakyTanh(0.5, 0.5)).toThrow(/square/);
    rect.y.set([0.5, -2]);
    rect.tanh();
    expect(Array.from(rect.y)).toEqual([tanh64(0.5), tanh64(-2)]);
  });
});
