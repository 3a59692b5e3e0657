/**
 * Rollouts of learned dynamics: a Hamiltonian with a symplectic integrator (Gauss–Legendre 4
 * from @phaseflow/symplectic, which handles non-separable H), a plain vector field with rk4
 * (the HNN paper's baseline), one state or a batch of states at once.
 */
import {
  checkFiniteArray,
  checkInteger,
  checkOptions,
  checkPositive,
  hamiltonianProblem,
  integrate,
  invalid,
  odeProblem,
  type AnyIntegrator,
  type PhaseState,
} from '@phaseflow/core';
import type { Mlp64 } from '@phaseflow/nn64';
import { createRk4 } from '@phaseflow/runge-kutta';
import { createGaussLegendre4 } from '@phaseflow/symplectic';
import { callUser, checkIntegrator, checkResult, checkStates } from './checks.js';
import type { Hamiltonian64 } from './hnn.js';

/** Options of {@link rolloutHamiltonian} and {@link rolloutVectorField}. */
export interface RolloutOptions {
  /** Time between saved states. */
  readonly dt: number;
  /** Number of saved steps (the result has steps + 1 states). */
  readonly steps: number;
  /** Integrator substeps per dt (default 1). */
  readonly substeps?: number;
  /** The integrator (default: Gauss–Legendre 4 for Hamiltonians, rk4 for vector fields). */
  readonly integrator?: AnyIntegrator;
}

/** The state width 2d of a scalar Hamiltonian MLP (2d → … → 1). */
function checkScalarMlp(mlp: Mlp64): number {
  if (
    mlp === null ||
    typeof mlp !== 'object' ||
    typeof mlp.inputGradient !== 'function' ||
    !Array.isArray(mlp.sizes) ||
    mlp.sizes.at(-1) !== 1 ||
    mlp.sizes[0]! % 2 !== 0
  )
    invalid('mlp', 'an Mlp64 Hamiltonian (2d → … → 1)', mlp);
  return mlp.sizes[0]!;
}

function rolloutOptions(options: RolloutOptions) {
  const o = checkOptions('options', options, ['dt', 'steps', 'substeps', 'integrator']);
  const dt = checkPositive('options.dt', o.dt);
  const steps = checkInteger('options.steps', o.steps, { min: 1 });
  const substeps = o.substeps === undefined ? 1 : checkInteger('options.substeps', o.substeps, { min: 1 });
  // Only a left-out integrator takes the default: null is refused like any other bad value.
  checkIntegrator('options.integrator', o.integrator);
  return { dt, steps, substeps, integrator: o.integrator };
}

/**
 * Roll out a (learned) Hamiltonian from y0 with a symplectic integrator from
 * @phaseflow/symplectic — Gauss–Legendre 4 by default, which works for non-separable H — as a
 * core `hamiltonian` problem: q' = ∂H/∂p, p' = −∂H/∂q. Returns (steps + 1) × 2d numbers.
 *
 * @example
 * ```ts
 * const path = rolloutHamiltonian(hnn.toFloat64(), Float64Array.of(1, 0), { dt: 0.1, steps: 300 });
 * ```
 */
export function rolloutHamiltonian(H: Hamiltonian64, y0: ArrayLike<number>, options: RolloutOptions): Float64Array {
  if (H === null || typeof H !== 'object' || typeof H.gradient !== 'function' || typeof H.energy !== 'function')
    invalid('H', 'a Hamiltonian64 (hnn.toFloat64())', H);
  const o = rolloutOptions(options);
  const d = checkInteger('H.degrees', H.degrees, { min: 1 });
  checkFiniteArray('y0', y0);
  if (y0.length !== 2 * d) invalid('y0', `a state of ${2 * d} numbers`, y0, 'SHAPE_MISMATCH');
  const y = new Float64Array(2 * d);
  const join = (q: Float64Array, p: Float64Array) => (y.set(q, 0), y.set(p, d), y);
  // H's answers are checked where they come back, so a bad one is named, not met deep in the integrator.
  const gradient = (q: Float64Array, p: Float64Array): ArrayLike<number> =>
    checkResult(
      'H.gradient',
      callUser('H.gradient', () => H.gradient(join(q, p))),
      2 * d,
    );
  const problem = hamiltonianProblem({
    dHdq: (q, p, out = new Float64Array(d)) => {
      const g = gradient(q, p);
      for (let i = 0; i < d; i++) out[i] = g[i]!;
      return out;
    },
    dHdp: (q, p, out = new Float64Array(d)) => {
      const g = gradient(q, p);
      for (let i = 0; i < d; i++) out[i] = g[d + i]!;
      return out;
    },
    H: (q, p) => callUser('H.energy', () => H.energy(join(q, p))),
  });
  const integrator = (o.integrator ?? createGaussLegendre4()) as never;
  const start: PhaseState<Float64Array> = { q: Float64Array.from(y0).subarray(0, d).slice(), p: Float64Array.from(y0).subarray(d).slice() };
  const sol = integrate(integrator, problem as never, start as never, { tEnd: o.dt * o.steps, steps: o.steps * o.substeps, save: { every: o.substeps } });
  const out = new Float64Array((o.steps + 1) * 2 * d);
  (sol.y as unknown as PhaseState<Float64Array>[]).forEach((s, i) => {
    out.set(s.q, i * 2 * d);
    out.set(s.p, i * 2 * d + d);
  });
  return out;
}

/**
 * Roll out a (learned) vector field ẏ = f(y) — the baseline model of the HNN paper — with
 * rk4 (or the given integrator). Returns (steps + 1) × n numbers.
 *
 * @example
 * ```ts
 * const path = rolloutVectorField((y) => mlp64(y), Float64Array.of(1, 0), { dt: 0.1, steps: 300 });
 * ```
 */
export function rolloutVectorField(f: (y: Float64Array) => Float64Array, y0: ArrayLike<number>, options: RolloutOptions): Float64Array {
  if (typeof f !== 'function') invalid('f', 'a function y → dy/dt', f);
  const o = rolloutOptions(options);
  const y = Float64Array.from(checkFiniteArray('y0', y0));
  const n = y.length;
  const problem = odeProblem(
    (_t, s, out = new Float64Array(n)) => (
      out.set(
        checkResult(
          'f',
          callUser('f', () => f(s)),
          n,
        ),
      ),
      out
    ),
  );
  const integrator = (o.integrator ?? createRk4()) as never;
  const sol = integrate(integrator, problem as never, y as never, { tEnd: o.dt * o.steps, steps: o.steps * o.substeps, save: { every: o.substeps } });
  const out = new Float64Array((o.steps + 1) * n);
  (sol.y as unknown as Float64Array[]).forEach((s, i) => out.set(s, i * n));
  return out;
}

/**
 * Roll out B states at once under a learned scalar H (an MLP of width 2d → … → 1, e.g.
 * `hnn.toMlp64()`): the flow of Σ_b H(q_b, p_b) moves every state independently, so one
 * Gauss–Legendre 4 run (tolerance 1e-10) on the stacked state (all q's, then all p's) gives the
 * B symplectic rollouts with one batched gradient per stage evaluation (∂H/∂q and ∂H/∂p share
 * it). Returns B paths of (steps + 1) × 2d numbers.
 *
 * @example
 * ```ts
 * const paths = rolloutHamiltonianBatch(hnn.toMlp64(), [[1, 0], [0.5, 0.5]], { dt: 0.1, steps: 300 });
 * ```
 */
export function rolloutHamiltonianBatch(mlp: Mlp64, y0s: readonly ArrayLike<number>[], options: RolloutOptions): Float64Array[] {
  const o = rolloutOptions(options);
  const dim = checkScalarMlp(mlp);
  const d = dim / 2;
  checkStates('y0s', y0s, dim);
  const B = y0s.length;
  const x = new Float64Array(B * dim);
  const lastQ = new Float64Array(B * d).fill(NaN),
    lastP = new Float64Array(B * d).fill(NaN);
  let grad: Float64Array = new Float64Array(B * dim);
  const gradientAt = (q: Float64Array, p: Float64Array): Float64Array => {
    let same = true;
    for (let i = 0; same && i < B * d; i++) same = q[i] === lastQ[i] && p[i] === lastP[i];
    if (same) return grad;
    lastQ.set(q);
    lastP.set(p);
    for (let b = 0; b < B; b++) {
      x.set(q.subarray(b * d, (b + 1) * d), b * dim);
      x.set(p.subarray(b * d, (b + 1) * d), b * dim + d);
    }
    grad = mlp.inputGradient({ x, rows: B, cols: dim });
    return grad;
  };
  const part = (g: Float64Array, offset: number, out: Float64Array) => {
    for (let b = 0; b < B; b++) for (let i = 0; i < d; i++) out[b * d + i] = g[b * dim + offset + i]!;
    return out;
  };
  const problem = hamiltonianProblem({
    dHdq: (q, p, out = new Float64Array(B * d)) => part(gradientAt(q, p), 0, out),
    dHdp: (q, p, out = new Float64Array(B * d)) => part(gradientAt(q, p), d, out),
  });
  const start: PhaseState<Float64Array> = { q: new Float64Array(B * d), p: new Float64Array(B * d) };
  y0s.forEach((y0, b) => {
    for (let i = 0; i < d; i++) {
      start.q[b * d + i] = y0[i]!;
      start.p[b * d + i] = y0[d + i]!;
    }
  });
  const integrator = (o.integrator ?? createGaussLegendre4({ tolerance: 1e-10 })) as never;
  const sol = integrate(integrator, problem as never, start as never, { tEnd: o.dt * o.steps, steps: o.steps * o.substeps, save: { every: o.substeps } });
  const paths = y0s.map(() => new Float64Array((o.steps + 1) * dim));
  (sol.y as unknown as PhaseState<Float64Array>[]).forEach((s, k) => {
    for (let b = 0; b < B; b++) {
      paths[b]!.set(s.q.subarray(b * d, (b + 1) * d), k * dim);
      paths[b]!.set(s.p.subarray(b * d, (b + 1) * d), k * dim + d);
    }
  });
  return paths;
}

/**
 * Roll out B states at once under a learned vector field ẏ = f(y), an MLP of width n → … → n
 * (the HNN paper's baseline), with rk4 by default on the stacked state. Returns B paths of
 * (steps + 1) × n numbers.
 *
 * @example
 * ```ts
 * const paths = rolloutVectorFieldBatch(createMlp64({ sizes: [2, 200, 200, 2], theta }), [[1, 0]], { dt: 0.1, steps: 300 });
 * ```
 */
export function rolloutVectorFieldBatch(mlp: Mlp64, y0s: readonly ArrayLike<number>[], options: RolloutOptions): Float64Array[] {
  const o = rolloutOptions(options);
  if (mlp === null || typeof mlp !== 'object' || typeof mlp.forward !== 'function' || !Array.isArray(mlp.sizes) || mlp.sizes.at(-1) !== mlp.sizes[0])
    invalid('mlp', 'an Mlp64 vector field (n → … → n)', mlp);
  const n = mlp.sizes[0]!;
  checkStates('y0s', y0s, n);
  const B = y0s.length;
  const y = new Float64Array(B * n);
  y0s.forEach((y0, b) => {
    for (let i = 0; i < n; i++) y[b * n + i] = y0[i]!;
  });
  const problem = odeProblem((_t, s, out = new Float64Array(B * n)) => (out.set(mlp.forward({ x: s, rows: B, cols: n })), out));
  const integrator = (o.integrator ?? createRk4()) as never;
  const sol = integrate(integrator, problem as never, y as never, { tEnd: o.dt * o.steps, steps: o.steps * o.substeps, save: { every: o.substeps } });
  const paths = y0s.map(() => new Float64Array((o.steps + 1) * n));
  (sol.y as unknown as Float64Array[]).forEach((s, k) => {
    for (let b = 0; b < B; b++) paths[b]!.set(s.subarray(b * n, (b + 1) * n), k * n);
  });
  return paths;
}
