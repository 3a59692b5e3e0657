/**
 * Small dense n × n kernels (row-major Float64Array) the other files build on. Internal: the
 * public entry points validate, these do not.
 */

/** c = a·b for n × n matrices; c must not alias a or b. i-k-j order, so the inner loop is a row axpy. */
export function matMulInto(a: Float64Array, b: Float64Array, n: number, c: Float64Array): Float64Array {
  c.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[ri + k]!;
      if (aik === 0) continue;
      const rk = k * n;
      for (let j = 0; j < n; j++) c[ri + j]! += aik * b[rk + j]!;
    }
  }
  return c;
}

/** The 1-norm ‖a‖₁ = max_j Σ_i |a_ij| of an n × n matrix. */
export function norm1(a: Float64Array, n: number): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]!);
    if (s > best) best = s;
  }
  return best;
}

/** ‖a − I‖₁ without forming a − I. */
export function norm1MinusIdentity(a: Float64Array, n: number): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]! - (i === j ? 1 : 0));
    if (s > best) best = s;
  }
  return best;
}

/** out = I (n × n). */
export function identityInto(n: number, out: Float64Array): Float64Array {
  out.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}
