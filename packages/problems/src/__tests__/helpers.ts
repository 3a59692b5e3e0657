/** Finite-difference helpers shared by the problem tests. */
import { isPhaseflowError, type PhaseflowErrorCode } from '@phaseflow/core';

/** ∂f/∂x_j of a scalar function by 4th-order central differences. */
export function gradient(f: (x: Float64Array) => number, x: Float64Array, delta = 1e-4): Float64Array {
  const g = new Float64Array(x.length);
  for (let j = 0; j < x.length; j++) {
    const d = delta * Math.max(1, Math.abs(x[j]!));
    const at = (k: number) => {
      const y = x.slice();
      y[j] = x[j]! + k * d;
      return f(y);
    };
    g[j] = (-at(2) + 8 * at(1) - 8 * at(-1) + at(-2)) / (12 * d);
  }
  return g;
}

/** d/dt of a vector-valued function of time by 4th-order central differences. */
export function timeDerivative(f: (t: number) => Float64Array, t: number, d = 1e-3): Float64Array {
  const [p2, p1, m1, m2] = [f(t + 2 * d), f(t + d), f(t - d), f(t - 2 * d)];
  return Float64Array.from(p1, (_, i) => (-p2[i]! + 8 * p1[i]! - 8 * m1[i]! + m2[i]!) / (12 * d));
}

export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

export const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** The code and argument of the PhaseflowError `call` throws (the testkit cannot be used here: it depends on this package). */
export function thrown(call: () => unknown): { code: PhaseflowErrorCode; argument: unknown } | 'no error' {
  try {
    call();
  } catch (e) {
    if (isPhaseflowError(e)) return { code: e.code, argument: e.details.argument };
    throw e;
  }
  return 'no error';
}
