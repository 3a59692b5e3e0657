import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPhaseflowError } from '@phaseflow/core';
import { csrFromDense, csrFromTriplets, generalEigen, spectralRadius } from '@phaseflow/linalg';
import { denseInstance } from '../dense-wasm.js';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Bit-for-bit equality of two arrays (NaN and ±0 told apart). */
const sameBits = (a: Float64Array, b: Float64Array): boolean => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

/** A square matrix of the given structure from the values. */
function shaped(values: number[], n: number, structure: 'dense' | 'hessenberg' | 'symmetric' | 'integer' | 'sparse'): Float64Array {
  const a = Float64Array.from(values.slice(0, n * n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (structure === 'hessenberg' && j < i - 1) a[i * n + j] = 0;
      if (structure === 'symmetric' && j < i) a[i * n + j] = a[j * n + i]!;
      if (structure === 'integer') a[i * n + j] = Math.round(4 * a[i * n + j]!);
      if (structure === 'sparse' && (i * 7 + j * 3) % 5 !== 0) a[i * n + j] = 0;
    }
  }
  return a;
}

describe('the dense WebAssembly kernels', () => {
  it('are what assembly/dense.ts compiles to (src/dense-wasm-bytes.ts is not stale)', () => {
    const args = ['../../tools/build-wasm.mjs', 'assembly/dense.ts', 'src/dense-wasm-bytes.ts', 'DENSE_WASM_BASE64', '--check'];
    expect(execFileSync(process.execPath, args, { cwd: packageRoot, encoding: 'utf8' })).toMatch(/matches/);
  }, 60_000);

  it('run here (so the comparisons below compare two implementations)', () => {
    expect(denseInstance(16)).not.toBeNull();
  });

  it('give generalEigen the JavaScript bits: eigenvalues, vectors and iterations', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.constantFrom('dense', 'hessenberg', 'symmetric', 'integer', 'sparse'),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 576, maxLength: 576 }),
        (n, structure, values) => {
          const a = shaped(values, n, structure);
          const w = generalEigen(a, n);
          const j = generalEigen(a, n, { kernel: 'js' });
          expect(w.iterations).toBe(j.iterations);
          expect(sameBits(w.re, j.re) && sameBits(w.im, j.im) && sameBits(w.vectors, j.vectors)).toBe(true);
        },
      ),
      { numRuns: 120, seed: 11 },
    );
  });

  it('give generalEigen the same bits at the Krylov sizes (40, 41) and on the zero matrix', () => {
    let s = 3;
    const u = () => ((s = (s * 16807) % 2147483647), s / 2147483647 - 0.5);
    for (const n of [40, 41, 1]) {
      const a = new Float64Array(n * n).map(u);
      for (const b of [a, new Float64Array(n * n)]) {
        const w = generalEigen(b, n);
        const j = generalEigen(b, n, { kernel: 'js' });
        expect([w.iterations, sameBits(w.re, j.re), sameBits(w.im, j.im), sameBits(w.vectors, j.vectors)]).toEqual([j.iterations, true, true, true]);
      }
    }
  });

  it('stop generalEigen with the same CONVERGENCE_FAILURE and partial eigenvalues', () => {
    let s = 5;
    const u = () => ((s = (s * 16807) % 2147483647), s / 2147483647 - 0.5);
    const n = 30;
    const a = new Float64Array(n * n).map(u);
    const failure = (kernel: 'auto' | 'js') => {
      try {
        generalEigen(a, n, { maxIterations: 7, kernel });
      } catch (e) {
        if (!isPhaseflowError(e, 'CONVERGENCE_FAILURE')) throw e;
        const partial = e.partial as { re: Float64Array; im: Float64Array };
        return { message: e.message, details: e.details, re: [...partial.re], im: [...partial.im] };
      }
      throw new Error('converged');
    };
    const w = failure('auto');
    expect(w.re.length).toBeGreaterThan(0);
    expect(w).toEqual(failure('js'));
  });

  it('give spectralRadius the JavaScript bits (restarted, one pass, an invariant subspace)', () => {
    let s = 9;
    const u = () => ((s = (s * 16807) % 2147483647), s / 2147483647);
    for (const [n, density] of [
      [200, 0.1],
      [120, 0.05],
      [50, 0.2],
    ] as const) {
      const r: number[] = [],
        c: number[] = [],
        v: number[] = [];
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++)
          if (u() < density) {
            r.push(i);
            c.push(j);
            v.push(2 * u() - 1);
          }
      const A = csrFromTriplets(n, n, r, c, v);
      expect(Object.is(spectralRadius(A), spectralRadius(A, { kernel: 'js' }))).toBe(true);
      expect(Object.is(spectralRadius(A, { krylov: 12, seed: 4 }), spectralRadius(A, { krylov: 12, seed: 4, kernel: 'js' }))).toBe(true);
    }
    // A cyclic shift on 80 of 100 coordinates: the Krylov space closes after 80 steps.
    const P = new Float64Array(100 * 100);
    for (let i = 0; i < 80; i++) P[((i + 1) % 80) * 100 + i] = 2;
    const shift = csrFromDense(100, 100, P);
    expect(spectralRadius(shift, { krylov: 90 })).toBeCloseTo(2, 10);
    expect(Object.is(spectralRadius(shift, { krylov: 90 }), spectralRadius(shift, { krylov: 90, kernel: 'js' }))).toBe(true);
  });

  it('stop spectralRadius with NON_FINITE_STATE when ‖A·v‖ overflows, on both kernels', () => {
    // ρ = 70·1e307 is past the largest double; the iteration once returned 2.4e306 here.
    const A = csrFromDense(70, 70, new Float64Array(70 * 70).fill(1e307));
    for (const kernel of ['auto', 'js'] as const) {
      expect(() => spectralRadius(A, { kernel })).toThrow(
        expect.objectContaining({ code: 'NON_FINITE_STATE', details: expect.objectContaining({ argument: 'A' }) }),
      );
    }
  });
});
