/** The planar double pendulum: a non-separable Hamiltonian system. */
import { checkOptions, checkPositive, hamiltonianProblem, invalid, type HamiltonianProblem, type PhaseState } from '@phaseflow/core';
import { phaseFromFlat, phaseState, vectorOption } from './internal.js';
import type { ReferenceProblem } from './reference-problem.js';

type F = Float64Array;

/** Options of {@link doublePendulum}. */
export interface DoublePendulumOptions {
  /** Point masses [m₁, m₂] (default [1, 1]). */
  readonly masses?: readonly [number, number];
  /** Rod lengths [l₁, l₂] (default [1, 1]). */
  readonly lengths?: readonly [number, number];
  /** Gravity g (default 1). */
  readonly gravity?: number;
  /** Initial angles (θ₁, θ₂) from the downward vertical (default (π/2, π/2)). */
  readonly q0?: ArrayLike<number>;
  /** Initial canonical momenta (default (0, 0): released from rest). */
  readonly p0?: ArrayLike<number>;
}

/** The double pendulum as a {@link ReferenceProblem}. */
export interface DoublePendulumProblem extends ReferenceProblem<
  PhaseState<F>,
  HamiltonianProblem<F>,
  { readonly m1: number; readonly m2: number; readonly l1: number; readonly l2: number; readonly g: number }
> {
  energy(y: PhaseState<F>): number;
}

function pair(argument: string, v: unknown): [number, number] {
  if (v === undefined) return [1, 1];
  if (!Array.isArray(v) || v.length !== 2) invalid(argument, 'two positive numbers [a, b]', v);
  return [checkPositive(`${argument}[0]`, v[0]), checkPositive(`${argument}[1]`, v[1])];
}

/**
 * Planar double pendulum (point masses m₁, m₂ on massless rods l₁, l₂; angles θ from the
 * downward vertical; canonical momenta p). With Δ = θ₁ − θ₂ and D = m₁ + m₂ sin²Δ,
 *
 *   H = [m₂l₂²p₁² + (m₁+m₂)l₁²p₂² − 2m₂l₁l₂p₁p₂ cos Δ] / (2m₂l₁²l₂²D) − (m₁+m₂)gl₁ cos θ₁ − m₂gl₂ cos θ₂.
 *
 * Not separable (the kinetic term depends on q), so it is a core `hamiltonianProblem`:
 * implicit symplectic methods (Gauss–Legendre) run it as it is. Small oscillations of the
 * unit system have ω² = (g/l)(2 ∓ √2).
 *
 * Source: Goldstein, Poole & Safko, Classical Mechanics (3rd ed., Addison-Wesley 2002), the
 * Hamiltonian by the Legendre transform of the Lagrangian.
 *
 * @example
 * ```ts
 * import { integrate } from '@phaseflow/core';
 * import { createGaussLegendre4 } from '@phaseflow/symplectic';
 * const dp = doublePendulum({ gravity: 9.81 });
 * integrate(createGaussLegendre4(), dp.problem, dp.y0(), { tEnd: dp.tEnd, h: 0.01 });
 * ```
 */
export function doublePendulum(options: DoublePendulumOptions = {}): DoublePendulumProblem {
  const o = checkOptions('options', options, ['masses', 'lengths', 'gravity', 'q0', 'p0']);
  const [m1, m2] = pair('options.masses', o.masses);
  const [l1, l2] = pair('options.lengths', o.lengths);
  const g = o.gravity === undefined ? 1 : checkPositive('options.gravity', o.gravity);
  const q0 = vectorOption('options.q0', o.q0, 2, [Math.PI / 2, Math.PI / 2]);
  const p0 = vectorOption('options.p0', o.p0, 2, [0, 0]);
  const M = m1 + m2;
  const H = (q: F, p: F) => {
    const t1 = q[0]!,
      t2 = q[1]!,
      p1 = p[0]!,
      p2 = p[1]!;
    const d = t1 - t2,
      c = Math.cos(d),
      D = m1 + m2 * Math.sin(d) ** 2;
    const T = (m2 * l2 * l2 * p1 * p1 + M * l1 * l1 * p2 * p2 - 2 * m2 * l1 * l2 * p1 * p2 * c) / (2 * m2 * l1 * l1 * l2 * l2 * D);
    return T - M * g * l1 * Math.cos(t1) - m2 * g * l2 * Math.cos(t2);
  };
  const problem = hamiltonianProblem<F>({
    name: 'double-pendulum',
    dHdp: (q, p, out = new Float64Array(2)) => {
      const p1 = p[0]!,
        p2 = p[1]!;
      const d = q[0]! - q[1]!,
        c = Math.cos(d),
        s = Math.sin(d),
        D = m1 + m2 * s * s;
      out[0] = (l2 * p1 - l1 * p2 * c) / (l1 * l1 * l2 * D);
      out[1] = (M * l1 * p2 - m2 * l2 * p1 * c) / (m2 * l1 * l2 * l2 * D);
      return out;
    },
    // ∂H/∂θ: written so that −∂H/∂θ is, bit for bit, the expression the flat vector field used.
    dHdq: (q, p, out = new Float64Array(2)) => {
      const t1 = q[0]!,
        t2 = q[1]!,
        p1 = p[0]!,
        p2 = p[1]!;
      const d = t1 - t2,
        c = Math.cos(d),
        s = Math.sin(d),
        D = m1 + m2 * s * s;
      const c1 = (p1 * p2 * s) / (l1 * l2 * D);
      const c2 = ((m2 * l2 * l2 * p1 * p1 + M * l1 * l1 * p2 * p2 - 2 * m2 * l1 * l2 * p1 * p2 * c) * Math.sin(2 * d)) / (2 * l1 * l1 * l2 * l2 * D * D);
      out[0] = M * g * l1 * Math.sin(t1) + c1 - c2;
      out[1] = m2 * g * l2 * Math.sin(t2) - c1 + c2;
      return out;
    },
    H,
  });
  return {
    name: 'double-pendulum',
    problem,
    y0: () => ({ q: Float64Array.from(q0), p: Float64Array.from(p0) }),
    fromFlat: phaseFromFlat(2),
    t0: 0,
    tEnd: 10,
    parameters: { m1, m2, l1, l2, g },
    energy: (y) => (phaseState('y', y, 2), H(y.q, y.p)),
    hamiltonian: true,
    reversingDims: [2, 3],
    citation: 'Goldstein, Poole & Safko, Classical Mechanics (3rd ed., Addison-Wesley 2002)',
  };
}
