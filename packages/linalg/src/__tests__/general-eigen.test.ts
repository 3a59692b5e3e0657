import { describe, expect, it } from 'vitest';
import { isPhaseflowError } from '@phaseflow/core';
import { generalEigen, luFactor } from '@phaseflow/linalg';

/** A seeded uniform generator (mulberry32) for the random matrices. */
function rand(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** max over eigenpairs of ‖A·v − λ·v‖ / (‖A‖_F·‖v‖), pairs taken in complex arithmetic from the real form. */
function residual(a: Float64Array, n: number, re: Float64Array, im: Float64Array, V: Float64Array): number {
  let fro = 0;
  for (const x of a) fro += x * x;
  fro = Math.sqrt(fro);
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const [cr, ci] = im[i] === 0 ? [i, -1] : im[i]! > 0 ? [i, i + 1] : [i - 1, i];
    const sign = im[i]! >= 0 ? 1 : -1; // the conjugate vector for the second of a pair
    let num = 0,
      den = 0;
    for (let r = 0; r < n; r++) {
      let avr = 0,
        avi = 0;
      for (let c = 0; c < n; c++) {
        avr += a[r * n + c]! * V[c * n + cr]!;
        avi += ci < 0 ? 0 : a[r * n + c]! * sign * V[c * n + ci]!;
      }
      const vr = V[r * n + cr]!,
        vi = ci < 0 ? 0 : sign * V[r * n + ci]!;
      const lr = re[i]! * vr - im[i]! * vi,
        li = re[i]! * vi + im[i]! * vr;
      num += (avr - lr) ** 2 + (avi - li) ** 2;
      den += vr * vr + vi * vi;
    }
    worst = Math.max(worst, Math.sqrt(num / den) / fro);
  }
  return worst;
}

describe('generalEigen', () => {
  it('finds the roots of a companion matrix: (x − 1)(x − 2)(x − 3)(x² + 4)', () => {
    // x⁵ − 6x⁴ + 15x³ − 30x² + 44x − 24: roots 1, 2, 3, ±2i.
    const c = [-6, 15, -30, 44, -24];
    const n = 5;
    const a = new Float64Array(n * n);
    for (let j = 0; j < n; j++) a[j] = -c[j]!;
    for (let i = 1; i < n; i++) a[i * n + i - 1] = 1;
    const { re, im, vectors } = generalEigen(a, n);
    const roots = [...re].map((x, i) => [x, im[i]!] as const).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    const expected = [
      [0, -2],
      [0, 2],
      [1, 0],
      [2, 0],
      [3, 0],
    ];
    roots.forEach(([x, y], i) => {
      expect(x).toBeCloseTo(expected[i]![0]!, 12);
      expect(y).toBeCloseTo(expected[i]![1]!, 12);
    });
    expect(residual(a, n, re, im, vectors)).toBeLessThan(1e-13);
  });

  it('returns a conjugate pair with the positive imaginary part first', () => {
    const { re, im } = generalEigen(Float64Array.of(0, -2, 0, 2, 0, 0, 0, 0, 1), 3);
    const i = [...im].findIndex((x) => x !== 0);
    expect(im[i]).toBeCloseTo(2, 14);
    expect(im[i + 1]).toBeCloseTo(-2, 14);
    expect(re[i]).toBe(re[i + 1]);
  });

  it.each([5, 17, 40, 80])('satisfies A·V = V·D, Σλ = tr A and Πλ = det A on a random n × n matrix, n = %i', (n) => {
    const u = rand(n);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) a[i] = 2 * u() - 1;
    const { re, im, vectors, iterations } = generalEigen(a, n);
    expect(residual(a, n, re, im, vectors)).toBeLessThan(1e-13);
    let trace = 0,
      sum = 0;
    for (let i = 0; i < n; i++) {
      trace += a[i * n + i]!;
      sum += re[i]!;
    }
    expect(Math.abs(sum - trace)).toBeLessThan(1e-12 * n);
    // log|det| from the eigenvalues against LU's.
    let logAbs = 0;
    for (let i = 0; i < n; i++) logAbs += Math.log(Math.hypot(re[i]!, im[i]!));
    const lu = luFactor(a, n);
    let luLog = 0;
    for (let i = 0; i < n; i++) luLog += Math.log(Math.abs(lu.lu[i * n + i]!));
    expect(Math.abs(logAbs - luLog)).toBeLessThan(1e-10 * n);
    let imSum = 0;
    for (const y of im) imSum += y;
    expect(Math.abs(imSum)).toBeLessThan(1e-12 * n);
    expect(iterations).toBeLessThan(4 * n);
  });

  it('handles a triangular matrix (no iteration) and a zero matrix', () => {
    const t = Float64Array.of(3, 1, 2, 0, -1, 5, 0, 0, 2);
    const e = generalEigen(t, 3);
    expect([...e.re].sort((x, y) => x - y)).toEqual([-1, 2, 3]);
    expect(residual(t, 3, e.re, e.im, e.vectors)).toBeLessThan(1e-15);
    const z = generalEigen(new Float64Array(9), 3);
    expect([...z.re, ...z.im]).toEqual(new Array(6).fill(0));
  });

  it('does not modify its argument', () => {
    const a = Float64Array.of(1, 2, 3, 4);
    generalEigen(a, 2);
    expect([...a]).toEqual([1, 2, 3, 4]);
  });

  it('answers bad input with coded errors naming the argument', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isPhaseflowError(e) ? `${e.code} ${String(e.details.argument)}` : String(e);
      }
      return 'returned';
    };
    expect(code(() => generalEigen(Float64Array.of(1, 2, 3), 2))).toBe('SHAPE_MISMATCH a');
    expect(code(() => generalEigen(Float64Array.of(1, NaN, 3, 4), 2))).toBe('NON_FINITE_INPUT a[1]');
    expect(code(() => generalEigen([1, 2, 3, 4] as unknown as Float64Array, 2))).toMatch(/^\w+ a$/);
    expect(code(() => generalEigen(Float64Array.of(1, 2, 3, 4), 2, { maxIterations: 0 }))).toBe('INVALID_ARGUMENT options.maxIterations');
    expect(code(() => generalEigen(Float64Array.of(1, 2, 3, 4), 2, null as never))).toMatch(/^\w+ options$/);
  });

  it('stops with CONVERGENCE_FAILURE and the eigenvalues found when the iteration budget runs out', () => {
    const n = 30;
    const u = rand(7);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) a[i] = 2 * u() - 1;
    try {
      generalEigen(a, n, { maxIterations: 3 });
      expect.unreachable();
    } catch (e) {
      expect(isPhaseflowError(e, 'CONVERGENCE_FAILURE')).toBe(true);
      const partial = (e as { partial: { re: Float64Array } }).partial;
      expect(partial.re.length).toBeLessThan(n);
    }
  });
});
