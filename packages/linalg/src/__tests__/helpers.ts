import { createRandom } from '@phaseflow/core';
import { csrFromTriplets, type CsrMatrix } from '@phaseflow/linalg';

/** Small dense helpers for the tests (row-major n × n). */
export function matMul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) c[i * n + j]! += a[i * n + k]! * b[k * n + j]!;
  return c;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

export function identity(n: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a[i * n + i] = 1;
  return a;
}

/** A deterministic pseudo-random matrix with entries in [−scale, scale]. */
export function randomMatrix(n: number, seed: number, scale = 1): Float64Array {
  let s = seed >>> 0 || 1;
  const a = new Float64Array(n * n);
  for (let i = 0; i < a.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    a[i] = scale * (((s >>> 0) / 4294967296) * 2 - 1);
  }
  return a;
}

/**
 * A seeded random sparse square-or-not CSR matrix for the tests: each entry kept with
 * probability `p`, drawn from N(0, 1), U[−1, 1) or ±1.
 */
export function randomCsr(rows: number, cols: number, p: number, law: 'normal' | 'uniform' | 'bernoulli', seed: number): CsrMatrix {
  const rng = createRandom(seed);
  const r: number[] = [],
    c: number[] = [],
    v: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (rng.uniform() >= p) continue;
      r.push(i);
      c.push(j);
      v.push(law === 'normal' ? rng.normal() : law === 'uniform' ? 2 * rng.uniform() - 1 : rng.uniform() < 0.5 ? -1 : 1);
    }
  }
  return csrFromTriplets(rows, cols, r, c, v);
}
