/**
 * Gauss–Legendre collocation methods (implicit midpoint = 1 stage, order 2; 2 stages, order 4;
 * 3 stages, order 6): symplectic for every Hamiltonian, separable or not, and symmetric
 * (Hairer, Lubich & Wanner, GNI §II.1.3, Thm. VI.4.2).
 *
 * The stage equations Kᵢ = f(t + cᵢh, y + h Σⱼ aᵢⱼ Kⱼ) are solved by fixed-point iteration
 * (GNI §VIII.6.1): all stages are updated from the previous iterate, and the relative change
 * of each stage, h·‖ΔKᵢ‖ / max(‖y‖, h‖Kᵢ‖) for each part of the state (q and p, or y), is
 * watched: their root sum of squares δ by default, their largest with a `tolerance`.
 * By default the iteration runs until δ is 0 or stops decreasing (Hairer's criterion, GNI
 * §VIII.6.1; Hairer, McLachlan & Razakarivony, BIT 48 (2008)): the fixed point to rounding,
 * so the step is symmetric and symplectic to rounding and long runs keep Brouwer's law — a
 * fixed tolerance stops short (forward-then-back on the outer solar system returned within
 * 5e-9 relative instead of 5e-14). With `tolerance` given, it stops once δ ≤ tolerance
 * instead (cheaper; the step is then symmetric only to that level). The iteration contracts
 * when h·L·‖A‖ < 1 (L the Lipschitz constant of f); when it does not converge in
 * `maxIterations`, or the iterate becomes non-finite, the step fails with CONVERGENCE_FAILURE.
 */
import {
  callbackFailed,
  checkInteger,
  checkOneOf,
  checkOptions,
  checkPositive,
  checkStep,
  float64Space,
  invalid,
  PhaseflowError,
  type HamiltonianProblem,
  type Integrator,
  type OdeProblem,
  type PartitionedProblem,
  type PhaseState,
  type SeparableHamiltonianProblem,
  type VectorSpace,
} from '@phaseflow/core';
import { checkPhaseOut, checkPhaseState, checkTime } from './splitting.js';

/** The state (and `out`) of an 'ode' problem: over core's float64Space, Float64Arrays of one size; elsewhere the space's own values. */
function checkOdeState<S>(y: unknown, out: unknown, space: VectorSpace<S>): void {
  if (y === null || y === undefined) invalid('y', `a state of ${space.name}`, y);
  if (space !== (float64Space as unknown)) return;
  if (!(y instanceof Float64Array)) invalid('y', 'a Float64Array (the problem is over float64Space)', y);
  if (out === undefined) return;
  if (!(out instanceof Float64Array)) invalid('out', `a Float64Array of ${y.length} components (or leave it out)`, out);
  if (out.length !== y.length) {
    throw new PhaseflowError('SHAPE_MISMATCH', `out: expected ${y.length} components (as y), received ${out.length}`, {
      argument: 'out',
      expected: `${y.length} components (as y)`,
      received: `${out.length} components`,
    });
  }
}

/** The problems an implicit symplectic method solves, over Float64Array or any VectorSpace S. */
export type ImplicitProblem<S = Float64Array> = HamiltonianProblem<S> | SeparableHamiltonianProblem<S> | PartitionedProblem<S> | OdeProblem<S>;

/** The state of an {@link ImplicitProblem}: a phase state, or a plain vector for 'ode' problems. */
export type ImplicitState<S = Float64Array> = PhaseState<S> | S;

/** Options of {@link createGaussLegendre}. */
export interface GaussLegendreOptions {
  /** Number of stages s ∈ {1, 2, 3} (order 2s); default 2. */
  readonly stages?: 1 | 2 | 3;
  /**
   * Stop the fixed-point iteration once the relative change of the stages is at most this.
   * Default: none — iterate until the change is 0 or stops decreasing (Hairer's criterion),
   * the fixed point to rounding.
   */
  readonly tolerance?: number;
  /** Most fixed-point iterations per step before CONVERGENCE_FAILURE (default 100). */
  readonly maxIterations?: number;
}

/** An implicit Gauss–Legendre integrator, with the solve settings it uses. */
// The state type depends on the problem kind (a phase state, or S for 'ode'); `any` lets
// `integrate` infer it from the problem it is given.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GaussLegendreIntegrator<S = Float64Array> = Integrator<ImplicitProblem<S>, any> & {
  readonly stages: number;
  /** The stopping tolerance, or 0 when the iteration runs to the fixed point (the default). */
  readonly tolerance: number;
  readonly maxIterations: number;
  /** Fixed-point iterations taken by the last step. */
  readonly lastIterations: number;
};

/**
 * Relative change below which an increment that stops decreasing counts as the fixed point:
 * far above Float64 rounding (≈ 1e-16), far below any iteration that has not yet converged.
 * (States in float32 — tensors — reach only ≈ 1e-7: give them a `tolerance`.)
 */
const STALL = 1e-10;

const r3 = Math.sqrt(3);
const r15 = Math.sqrt(15);
const TABLEAUS: Record<number, { A: number[][]; b: number[]; c: number[] }> = {
  1: { A: [[0.5]], b: [1], c: [0.5] },
  2: {
    A: [
      [0.25, 0.25 - r3 / 6],
      [0.25 + r3 / 6, 0.25],
    ],
    b: [0.5, 0.5],
    c: [0.5 - r3 / 6, 0.5 + r3 / 6],
  },
  3: {
    A: [
      [5 / 36, 2 / 9 - r15 / 15, 5 / 36 - r15 / 30],
      [5 / 36 + r15 / 24, 2 / 9, 5 / 36 - r15 / 24],
      [5 / 36 + r15 / 30, 2 / 9 + r15 / 15, 5 / 36],
    ],
    b: [5 / 18, 4 / 9, 5 / 18],
    c: [0.5 - r15 / 10, 0.5, 0.5 + r15 / 10],
  },
};

/**
 * Gauss–Legendre collocation with s stages: order 2s, symplectic (for any H), symmetric,
 * implicit. Works on 'hamiltonian' (f = (∂H/∂p, −∂H/∂q)), 'separable-hamiltonian',
 * 'partitioned' (separable or not) and 'ode' problems, over any VectorSpace.
 *
 *   Kᵢ = f(t + cᵢh, y + h Σⱼ aᵢⱼKⱼ),  y₁ = y + h Σᵢ bᵢKᵢ
 *
 * Source: Butcher (1964); Hairer, Lubich & Wanner, GNI §II.1.3 and §VIII.6 (solving the
 * stage equations).
 *
 * @example
 * ```ts
 * import { kepler } from '@phaseflow/problems';
 * const gl6 = createGaussLegendre({ stages: 3 });
 * const { problem, y0 } = kepler({ e: 0.5 });
 * integrate(gl6, problem, y0(), { tEnd: 100, h: 0.05 });
 * ```
 */
export function createGaussLegendre<S = Float64Array>(options: GaussLegendreOptions = {}): GaussLegendreIntegrator<S> {
  const o = checkOptions('options', options, ['stages', 'tolerance', 'maxIterations']);
  const s = o.stages === undefined ? 2 : checkOneOf('options.stages', o.stages, [1, 2, 3] as const);
  const tolerance = o.tolerance === undefined ? 0 : checkPositive('options.tolerance', o.tolerance);
  const toFixedPoint = tolerance === 0;
  const maxIterations = o.maxIterations === undefined ? 100 : checkInteger('options.maxIterations', o.maxIterations, { min: 1 });
  const { A, b, c: cNodes } = TABLEAUS[s]!;

  let lastIterations = 0;
  // Scratch, rebuilt when the state's shape changes; stage buffers are indexed [part][stage]
  // so the stage combinations need no temporary arrays.
  let sizes: number[] = [];
  let Ka: S[][] = [];
  let Kb: S[][] = [];
  let Y: S[] = [];
  let D: S[] = [];
  const parts: S[] = [];
  const tmp: S[] = [];
  const yNorm: number[] = [];
  const coeffs = new Array<number>(s).fill(0);
  const hb = new Array<number>(s).fill(0);

  const name = s === 1 ? 'implicit-midpoint' : `gauss-legendre${2 * s}`;
  const integrator: GaussLegendreIntegrator<S> = {
    name,
    order: 2 * s,
    problemKinds: ['hamiltonian', 'separable-hamiltonian', 'partitioned', 'ode'],
    properties: { explicit: false, symplectic: true, timeReversible: true, adaptive: false },
    reference: s === 1 ? 'Hairer, Lubich & Wanner, GNI §I.1.2 and §VI.3' : 'Butcher (1964); Hairer, Lubich & Wanner, GNI §II.1.3, §VIII.6',
    stages: s,
    tolerance,
    maxIterations,
    get lastIterations() {
      return lastIterations;
    },
    step(problem, t, y, h, out) {
      checkStep(integrator, problem, h);
      checkTime(t);
      const isOde = problem.kind === 'ode';
      const cs: VectorSpace<S> = isOde ? (problem.space as VectorSpace<S>) : (problem.space as { component: VectorSpace<S> }).component;
      if (isOde) {
        checkOdeState(y, out, cs);
        parts.length = 1;
        parts[0] = y as S;
      } else {
        const ps = checkPhaseState(y, cs);
        checkPhaseOut(out);
        parts.length = 2;
        parts[0] = ps.q;
        parts[1] = ps.p;
      }
      const np = parts.length;
      let same = sizes.length === np;
      for (let j = 0; same && j < np; j++) same = sizes[j] === cs.size(parts[j]!);
      if (!same) {
        sizes = parts.map((x) => cs.size(x));
        Ka = parts.map((x) => Array.from({ length: s }, () => cs.zeros(x)));
        Kb = parts.map((x) => Array.from({ length: s }, () => cs.zeros(x)));
        Y = parts.map((x) => cs.zeros(x));
        D = parts.map((x) => cs.zeros(x));
        tmp.length = np;
        yNorm.length = np;
      }
      const f = field(problem as ImplicitProblem<S>, cs);
      let Kk = Ka;
      let Kn = Kb;
      // Initial guess: every stage at f(t, y).
      for (let j = 0; j < np; j++) tmp[j] = Kk[j]![0]!;
      f(t, parts, tmp);
      for (let j = 0; j < np; j++) {
        Kk[j]![0] = tmp[j]!;
        for (let i = 1; i < s; i++) Kk[j]![i] = cs.copy(tmp[j]!, Kk[j]![i]);
        yNorm[j] = cs.norm(parts[j]!);
      }
      let it = 0;
      let prevWorst = Infinity;
      let prevWorst2 = Infinity;
      for (;;) {
        it++;
        for (let i = 0; i < s; i++) {
          for (let k = 0; k < s; k++) coeffs[k] = h * A[i]![k]!;
          for (let j = 0; j < np; j++) {
            Y[j] = cs.combine(coeffs, Kk[j]!, parts[j], Y[j]);
            tmp[j] = Kn[j]![i]!;
          }
          f(t + cNodes[i]! * h, Y, tmp);
          for (let j = 0; j < np; j++) Kn[j]![i] = tmp[j]!;
        }
        let worst = 0;
        let total = 0;
        for (let j = 0; j < np; j++) {
          for (let i = 0; i < s; i++) {
            D[j] = cs.axpy(-1, Kk[j]![i]!, Kn[j]![i]!, D[j]);
            const delta = Math.abs(h) * cs.norm(D[j]!);
            const scale = Math.max(yNorm[j]!, Math.abs(h) * cs.norm(Kn[j]![i]!), Number.MIN_VALUE);
            const r = delta / scale;
            worst = r > worst || Number.isNaN(r) ? r : worst;
            total += r * r;
          }
        }
        // Hairer's criterion watches one norm of the whole increment (the largest part's
        // change alone need not decrease monotonically while the iteration converges).
        if (toFixedPoint && Number.isFinite(worst)) worst = Math.sqrt(total);
        const swap = Kk;
        Kk = Kn;
        Kn = swap;
        if (!Number.isFinite(worst)) fail(name, t, h, it, worst, 'the iterate became non-finite');
        if (toFixedPoint) {
          // Hairer's criterion: the change is 0, or stopped decreasing at rounding level (below
          // STALL, so that a diverging or not yet contracting iteration is not mistaken for one).
          // Compared over two iterations: near a rotation (orbits) the contraction is a damped
          // 2-cycle, whose every other change may grow while the iteration converges.
          if (worst === 0 || (worst >= prevWorst2 && worst <= STALL)) break;
        } else if (worst <= tolerance || (worst >= prevWorst && worst <= 1e3 * tolerance)) {
          // Converged, or stalled at rounding level (no further decrease below 1e3·tolerance).
          break;
        }
        if (it >= maxIterations) fail(name, t, h, it, worst, `no convergence in ${maxIterations} iterations`);
        prevWorst2 = prevWorst;
        prevWorst = worst;
      }
      Ka = Kk;
      Kb = Kn;
      lastIterations = it;
      for (let i = 0; i < s; i++) hb[i] = h * b[i]!;
      if (isOde) return cs.combine(hb, Kk[0]!, parts[0], out as S | undefined);
      const po = out as PhaseState<S> | undefined;
      const q1 = cs.combine(hb, Kk[0]!, parts[0], po?.q);
      const p1 = cs.combine(hb, Kk[1]!, parts[1], po?.p);
      if (po) {
        po.q = q1;
        po.p = p1;
        return po;
      }
      return { q: q1, p: p1 };
    },
  };
  return integrator;
}

function fail(name: string, t: number, h: number, iterations: number, residual: number, why: string): never {
  throw new PhaseflowError(
    'CONVERGENCE_FAILURE',
    `${name}: stage equations at t = ${t}, h = ${h}: ${why} (relative change ${residual}); reduce h or raise options.maxIterations`,
    { argument: 'h', expected: 'a step small enough for the fixed-point iteration to contract', received: String(h), t, h, iterations, residual },
  );
}

/** A callback of the vector field threw: a PhaseflowError as it is, anything else as CALLBACK_FAILED naming it (the thrown value as `cause`). */
function fieldFailed(error: unknown, callback: string, t: number): never {
  if (error instanceof PhaseflowError) throw error;
  throw callbackFailed(callback, error, { t });
}

/** The vector field of each problem kind, written into per-part buffers; a callback's throw is reported naming it. */
function field<S>(problem: ImplicitProblem<S>, c: VectorSpace<S>): (t: number, y: S[], out: S[]) => void {
  switch (problem.kind) {
    case 'ode':
      return (t, y, out) => {
        try {
          out[0] = problem.f(t, y[0]!, out[0]);
        } catch (e) {
          fieldFailed(e, 'problem.f', t);
        }
      };
    case 'hamiltonian':
      return (t, y, out) => {
        let cb = 'problem.dHdp';
        try {
          out[0] = problem.dHdp(y[0]!, y[1]!, out[0]);
          cb = 'problem.dHdq';
          out[1] = c.scale(-1, problem.dHdq(y[0]!, y[1]!, out[1]), out[1]);
        } catch (e) {
          fieldFailed(e, cb, t);
        }
      };
    case 'separable-hamiltonian':
      return (t, y, out) => {
        let cb = 'problem.dTdp';
        try {
          out[0] = problem.dTdp(y[1]!, out[0]);
          cb = 'problem.dVdq';
          out[1] = c.scale(-1, problem.dVdq(y[0]!, out[1]), out[1]);
        } catch (e) {
          fieldFailed(e, cb, t);
        }
      };
    case 'partitioned':
      return (t, y, out) => {
        let cb = 'problem.velocity';
        try {
          out[0] = problem.velocity(t, y[0]!, y[1]!, out[0]);
          cb = 'problem.force';
          out[1] = problem.force(t, y[0]!, y[1]!, out[1]);
        } catch (e) {
          fieldFailed(e, cb, t);
        }
      };
  }
}

/**
 * The implicit midpoint rule y₁ = y + h f(t + h/2, (y + y₁)/2): Gauss–Legendre with one stage,
 * order 2, symplectic and symmetric for any Hamiltonian.
 *
 * Source: Hairer, Lubich & Wanner, GNI §I.1.2, Thm. VI.3.5.
 *
 * @example
 * ```ts
 * const mid = createImplicitMidpoint();
 * ```
 */
export function createImplicitMidpoint<S = Float64Array>(options: Omit<GaussLegendreOptions, 'stages'> = {}): GaussLegendreIntegrator<S> {
  const o = checkOptions('options', options, ['tolerance', 'maxIterations']);
  return createGaussLegendre<S>({ ...o, stages: 1 });
}

/** Gauss–Legendre with 2 stages, order 4 (see {@link createGaussLegendre}). @example `const gl4 = createGaussLegendre4();` */
export function createGaussLegendre4<S = Float64Array>(options: Omit<GaussLegendreOptions, 'stages'> = {}): GaussLegendreIntegrator<S> {
  const o = checkOptions('options', options, ['tolerance', 'maxIterations']);
  return createGaussLegendre<S>({ ...o, stages: 2 });
}

/** Gauss–Legendre with 3 stages, order 6 (see {@link createGaussLegendre}). @example `const gl6 = createGaussLegendre6();` */
export function createGaussLegendre6<S = Float64Array>(options: Omit<GaussLegendreOptions, 'stages'> = {}): GaussLegendreIntegrator<S> {
  const o = checkOptions('options', options, ['tolerance', 'maxIterations']);
  return createGaussLegendre<S>({ ...o, stages: 3 });
}
