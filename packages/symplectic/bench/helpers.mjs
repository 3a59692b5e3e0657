// Re-exports of the built package and the reference problem it is timed on, plus the bench's
// large system (a periodic chain of unit masses, H = Σ p²/2 + Σ q²/2 + Σ (q_{i+1} − q_i)²/2).
import { separableHamiltonian } from '@phaseflow/core';
export * from '@phaseflow/symplectic';
export { henonHeiles } from '@phaseflow/problems';

export function separableChain(M) {
  const problem = separableHamiltonian({
    name: `chain(${M})`,
    dTdp: (p, out = new Float64Array(M)) => (out.set(p), out),
    dVdq: (q, out = new Float64Array(M)) => {
      out[0] = 3 * q[0] - q[M - 1] - q[1];
      for (let j = 1; j < M - 1; j++) out[j] = 3 * q[j] - q[j - 1] - q[j + 1];
      out[M - 1] = 3 * q[M - 1] - q[M - 2] - q[0];
      return out;
    },
    T: (p) => {
      let s = 0;
      for (let j = 0; j < M; j++) s += p[j] * p[j];
      return s / 2;
    },
    V: (q) => {
      let s = 0;
      for (let j = 0; j < M; j++) {
        const d = q[(j + 1) % M] - q[j];
        s += q[j] * q[j] + d * d;
      }
      return s / 2;
    },
  });
  return {
    problem,
    energy: problem.energy,
    y0: () => ({ q: Float64Array.from({ length: M }, (_, j) => 0.1 * Math.sin((2 * Math.PI * j) / M)), p: new Float64Array(M) }),
  };
}
