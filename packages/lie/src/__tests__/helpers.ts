/** Shared numerics of the lie tests. */
type F = Float64Array;

export const norm = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
};

export const diff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
};

/** ‖a − b‖ / ‖b‖ (absolute when b = 0). */
export const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  const nb = norm(b);
  return diff(a, b) / (nb === 0 ? 1 : nb);
};

export const matVec = (m: F, v: F) => {
  const d = v.length;
  const out = new Float64Array(d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i] += m[i * d + j]! * v[j]!;
  return out;
};

export const matMul = (a: F, b: F, n: number) => {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) c[i * n + j] += a[i * n + k]! * b[k * n + j]!;
  return c;
};

export const scaled = (a: ArrayLike<number>, s: number) => Float64Array.from(a, (x) => x * s);
export const added = (a: ArrayLike<number>, b: ArrayLike<number>, s = 1) => Float64Array.from(a, (x, i) => x + s * b[i]!);

/** Least-squares slope of log y against log x. */
export function logSlope(x: readonly number[], y: readonly number[]): number {
  const lx = x.map(Math.log),
    ly = y.map(Math.log);
  const n = x.length;
  const mx = lx.reduce((a, b) => a + b, 0) / n,
    my = ly.reduce((a, b) => a + b, 0) / n;
  let sxy = 0,
    sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (lx[i]! - mx) * (ly[i]! - my);
    sxx += (lx[i]! - mx) ** 2;
  }
  return sxy / sxx;
}
