/**
 * The tangent bundle of a flow or a map as a problem of the same kind: the state y and k
 * tangent vectors q₁ … q_k advanced together,
 *
 *   flow: y' = f(t, y),   q_j' = J(t, y)·q_j          (the variational equation)
 *   map:  y ← F(t, y),    q_j ← DF(t, y)·q_j          (the linearised map)
 *
 * so that ANY core Integrator of the base kind advances (y, Q) — the same pattern as
 * @phaseflow/adjoint's augmented space. Runge–Kutta methods commute with linearisation, so a
 * method applied to the lifted flow advances Q by exactly the tangent map of the method's own
 * step. Jacobian–vector products come from the problem (`jvp`, or a dense `jacobian`) when it
 * has them, else from central (or forward) finite differences of f.
 */
import {
  PhaseflowError,
  callbackFailed,
  checkFiniteArray,
  checkInteger,
  checkOneOf,
  checkOptions,
  checkPositive,
  describeValue,
  invalid,
  isPhaseflowError,
  odeProblem,
  type OdeProblem,
  type Problem,
} from '@phaseflow/core';
import './errors.js';
import { checkVector, checkedJvp } from './args.js';
import { mapProblem, type JacobianMatrix, type JacobianVectorProduct, type MapProblem } from './map.js';

type F = Float64Array;

/** The optional Jacobian fields a problem may carry for the tangent tools. */
export interface JacobianFields {
  readonly jvp?: JacobianVectorProduct;
  readonly jacobian?: JacobianMatrix;
}

/** A problem the tangent tools accept: a Float64 flow or map, optionally with its Jacobian. */
export type TangentBaseProblem = (OdeProblem<F> & JacobianFields) | MapProblem;

/** How Jacobian–vector products are formed. */
export type JacobianSource = 'jvp' | 'jacobian' | 'central-differences' | 'forward-differences';

/** Options of {@link tangentProblem}. */
export interface TangentOptions {
  /** Number k of tangent vectors, 1 ≤ k ≤ n (default n, the full spectrum). */
  readonly vectors?: number;
  /** J·v, overriding the problem's own `jvp`. */
  readonly jvp?: JacobianVectorProduct;
  /** Dense J (n × n row-major), overriding the problem's own `jacobian`. */
  readonly jacobian?: JacobianMatrix;
  /**
   * Finite differences when neither `jvp` nor `jacobian` is available: `central` (default,
   * error O(ε²), exact for quadratic fields such as Lorenz-63), `forward` (half the
   * evaluations, error O(ε)), or `false` to forbid them (then a missing Jacobian is an error).
   * Either errs in any direction by a fraction of |v|: with a wide spectral gap (Lorenz-63:
   * e^{0.9τ} against e^{−14.6τ}) the most contracting vector suffers over long τ, far more
   * with forward than with central differences; a shorter τ or an exact `jvp` fixes it.
   */
  readonly finiteDifferences?: 'central' | 'forward' | false;
  /** Relative finite-difference step δ: ε = δ·max(1, ‖y‖∞)/‖v‖∞ (default ∛eps ≈ 6e-6 central, √eps ≈ 1.5e-8 forward). */
  readonly fdStep?: number;
}

/** The lifted problem and the layout of its state, from {@link tangentProblem}. */
export interface TangentProblem<L extends OdeProblem<F> | MapProblem = OdeProblem<F> | MapProblem> {
  /** `ode` or `map`, like the base problem; its state is z = [y, q₁, …, q_k] (length n(k + 1)). */
  readonly problem: L;
  readonly base: TangentBaseProblem;
  /** State dimension n. */
  readonly dimension: number;
  /** Number of tangent vectors k. */
  readonly vectors: number;
  /** Where the Jacobian–vector products come from. */
  readonly source: JacobianSource;
  /** z = [y, q₁, …, q_k] from y and the frame Q (n × k row-major, column j = q_j; default the first k columns of I). */
  lift(y: ArrayLike<number>, frame?: ArrayLike<number>): F;
  /** The base state y inside z (a view). */
  state(z: F): F;
  /** Tangent vector q_j inside z (a view). */
  tangent(z: F, j: number): F;
  /** J(t, y)·v with the resolved source (writes `out`). */
  jvp(t: number, y: F, v: F, out: F): F;
}

const KNOWN = ['vectors', 'jvp', 'jacobian', 'finiteDifferences', 'fdStep'];

/** The base field f(t, y) (flows) or F(t, y) (maps), writing into `out`. */
function baseField(problem: TangentBaseProblem): (t: number, y: F, out: F) => void {
  if (problem.kind === 'ode') {
    const f = problem.f;
    return (t, y, out) => {
      const r = f(t, y, out);
      if (r !== out) out.set(r);
    };
  }
  const m = problem.map;
  return (t, y, out) => {
    const r = m(t, y, out);
    if (r !== out) out.set(r);
  };
}

/** Check that `problem` is a Float64 flow or map the tangent tools can lift; returns n. */
export function checkTangentProblem(argument: string, problem: unknown, y0: unknown): number {
  if (problem === null || typeof problem !== 'object' || typeof (problem as Problem<unknown>).kind !== 'string') {
    invalid(argument, 'a problem { kind, space, ... } of kind ode or map', problem);
  }
  const p = problem as Problem<unknown>;
  if (p.kind !== 'ode' && p.kind !== 'map') {
    throw new PhaseflowError(
      'JACOBIAN_UNAVAILABLE',
      `${argument}: the tangent bundle is formed for ode and map problems over Float64Array, received kind ${JSON.stringify(p.kind)}; write the system as an odeProblem (or give a map problem) to measure its spectrum`,
      { argument, expected: 'a problem of kind ode or map', received: p.kind },
    );
  }
  if (!(y0 instanceof Float64Array)) {
    throw new PhaseflowError('JACOBIAN_UNAVAILABLE', `y0: the tangent bundle needs a Float64Array state, received ${describeValue(y0)}`, {
      argument: 'y0',
      expected: 'a Float64Array',
      received: describeValue(y0),
    });
  }
  if (y0.length === 0) invalid('y0', 'a state with at least one component', y0);
  return y0.length;
}

/**
 * Lift a flow or a map to its tangent bundle: a problem of the same kind whose state
 * z = [y, q₁, …, q_k] carries k tangent vectors along with y,
 * q_j' = J(t, y)·q_j (flows) or q_j ← DF(t, y)·q_j (maps). Any Integrator of the base kind
 * advances it. Jacobian–vector products come from `options.jvp`/`options.jacobian`, then the
 * problem's own `jvp`/`jacobian`, then finite differences of f.
 *
 * Errors: `INVALID_ARGUMENT` when k is not an integer in [1, n]; `JACOBIAN_UNAVAILABLE` when no
 * Jacobian is given and finite differences are off, or the problem is not a Float64 ode/map.
 *
 * Source: G. Benettin, L. Galgani, A. Giorgilli, J.-M. Strelcyn, Lyapunov characteristic
 * exponents for smooth dynamical systems and for Hamiltonian systems, Meccanica 15 (1980) 9–30.
 *
 * @example
 * ```ts
 * import { integrate } from '@phaseflow/core';
 * import { createRk4 } from '@phaseflow/runge-kutta';
 * import { lorenz63 } from '@phaseflow/problems';
 * const l = lorenz63();
 * const tp = tangentProblem(l.problem, l.y0(), { vectors: 1 });
 * const z = integrate(createRk4(), tp.problem, tp.lift(l.y0()), { tEnd: 1, h: 0.01 }).yFinal;
 * tp.tangent(z, 0); // δy(1) for δy(0) = e₁
 * ```
 */
export function tangentProblem(problem: MapProblem, y0: F, options?: TangentOptions): TangentProblem<MapProblem>;
export function tangentProblem(problem: OdeProblem<F> & JacobianFields, y0: F, options?: TangentOptions): TangentProblem<OdeProblem<F>>;
export function tangentProblem(problem: TangentBaseProblem, y0: F, options?: TangentOptions): TangentProblem;
export function tangentProblem(problem: TangentBaseProblem, y0: F, options: TangentOptions = {}): TangentProblem {
  const n = checkTangentProblem('problem', problem, y0);
  const o = checkOptions('options', options, KNOWN);
  const k = o.vectors === undefined ? n : checkInteger('options.vectors', o.vectors, { min: 1, max: n });
  const fd =
    o.finiteDifferences === undefined
      ? 'central'
      : checkOneOf<'central' | 'forward' | false>('options.finiteDifferences', o.finiteDifferences, ['central', 'forward', false]);
  if (o.jvp !== undefined && typeof o.jvp !== 'function') invalid('options.jvp', 'a function (t, y, v, out) => out', o.jvp);
  if (o.jacobian !== undefined && typeof o.jacobian !== 'function') invalid('options.jacobian', 'a function (t, y, out) => out', o.jacobian);
  const field = baseField(problem);
  const givenJvp = o.jvp ?? (o.jacobian === undefined ? problem.jvp : undefined);
  const givenJac = o.jacobian ?? (o.jvp === undefined ? problem.jacobian : undefined);
  let source: JacobianSource;
  if (givenJvp !== undefined) source = 'jvp';
  else if (givenJac !== undefined) source = 'jacobian';
  else if (fd === 'central') source = 'central-differences';
  else if (fd === 'forward') source = 'forward-differences';
  else {
    throw new PhaseflowError(
      'JACOBIAN_UNAVAILABLE',
      `problem: ${problem.name ?? problem.kind} gives no jvp or jacobian and options.finiteDifferences is false; give options.jvp, options.jacobian or allow finite differences`,
      { argument: 'options.finiteDifferences', expected: "'central' or 'forward' (or a jvp/jacobian)", received: 'false' },
    );
  }
  const delta = o.fdStep === undefined ? (fd === 'forward' ? Math.sqrt(Number.EPSILON) : Math.cbrt(Number.EPSILON)) : checkPositive('options.fdStep', o.fdStep);

  // Scratch: no allocation per evaluation.
  const yBuf = new Float64Array(n);
  const vBuf = new Float64Array(n);
  const oBuf = new Float64Array(n);
  const f0 = new Float64Array(n);
  const pBuf = new Float64Array(n);
  const fp = new Float64Array(n);
  const fm = new Float64Array(n);
  const jac = givenJac !== undefined ? new Float64Array(n * n) : undefined;

  const normInf = (v: F): number => {
    let m = 0;
    for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
    return m;
  };
  /** J·v by finite differences around y, with f(y) in f0 when forward. */
  const fdJvp = (t: number, y: F, v: F, out: F, fy: F | undefined): void => {
    const vn = normInf(v);
    if (vn === 0 || !Number.isFinite(vn)) {
      for (let i = 0; i < n; i++) out[i] = vn === 0 ? 0 : NaN;
      return;
    }
    const eps = (delta * Math.max(1, normInf(y))) / vn;
    for (let i = 0; i < n; i++) pBuf[i] = y[i]! + eps * v[i]!;
    field(t, pBuf, fp);
    if (fy !== undefined) {
      for (let i = 0; i < n; i++) out[i] = (fp[i]! - fy[i]!) / eps;
      return;
    }
    for (let i = 0; i < n; i++) pBuf[i] = y[i]! - eps * v[i]!;
    field(t, pBuf, fm);
    for (let i = 0; i < n; i++) out[i] = (fp[i]! - fm[i]!) / (2 * eps);
  };
  const denseJvp = (v: F, out: F): void => {
    const J = jac!;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const r = i * n;
      for (let j = 0; j < n; j++) s += J[r + j]! * v[j]!;
      out[i] = s;
    }
  };
  const jvpName = o.jvp !== undefined ? 'options.jvp' : 'problem.jvp';
  const jacName = o.jacobian !== undefined ? 'options.jacobian' : 'problem.jacobian';
  /** A user jvp or jacobian called: what it throws is CALLBACK_FAILED, an answer of the wrong length SHAPE_MISMATCH. */
  const answer = (name: string, length: number, call: () => F, t: number): F => {
    let r: F;
    try {
      r = call();
    } catch (e) {
      if (isPhaseflowError(e)) throw e;
      throw callbackFailed(name, e, { t });
    }
    if (r === null || typeof r !== 'object' || r.length !== length)
      invalid(name, `a function returning ${length} numbers (or writing them into out)`, r, 'SHAPE_MISMATCH');
    return r;
  };
  const userJvp = (t: number, y: F, v: F, out: F): void => {
    const r = answer(jvpName, n, () => givenJvp!(t, y, v, out), t);
    if (r !== out) out.set(r);
  };
  const ensureJacobian = (t: number, y: F): void => {
    const r = answer(jacName, n * n, () => givenJac!(t, y, jac!), t);
    if (r !== jac) jac!.set(r);
  };
  const jvpOnce = (t: number, y: F, v: F, out: F): F => {
    if (source === 'jvp') userJvp(t, y, v, out);
    else if (source === 'jacobian') {
      ensureJacobian(t, y);
      denseJvp(v, out);
    } else if (source === 'forward-differences') {
      field(t, y, f0);
      fdJvp(t, y, v, out, f0);
    } else fdJvp(t, y, v, out, undefined);
    return out;
  };

  /** out ← [f(y), J q₁, …, J q_k] for z = [y, q₁, …]. */
  const lifted = (t: number, z: F, out: F): F => {
    for (let i = 0; i < n; i++) yBuf[i] = z[i]!;
    field(t, yBuf, f0);
    for (let i = 0; i < n; i++) out[i] = f0[i]!;
    if (source === 'jacobian') ensureJacobian(t, yBuf);
    for (let j = 0; j < k; j++) {
      const off = n * (j + 1);
      for (let i = 0; i < n; i++) vBuf[i] = z[off + i]!;
      if (source === 'jvp') userJvp(t, yBuf, vBuf, oBuf);
      else if (source === 'jacobian') denseJvp(vBuf, oBuf);
      else fdJvp(t, yBuf, vBuf, oBuf, source === 'forward-differences' ? f0 : undefined);
      for (let i = 0; i < n; i++) out[off + i] = oBuf[i]!;
    }
    return out;
  };

  const size = n * (k + 1);
  const name = `tangent(${problem.name ?? problem.kind}, k=${k})`;
  const liftedProblem: OdeProblem<F> | MapProblem =
    problem.kind === 'ode'
      ? odeProblem<F>((t, z, out = new Float64Array(size)) => lifted(t, z, out), { name })
      : mapProblem((t, z, out = new Float64Array(size)) => lifted(t, z, out), { name });

  return {
    problem: liftedProblem,
    base: problem,
    dimension: n,
    vectors: k,
    source,
    lift(y, frame) {
      checkFiniteArray('y', y);
      if (y.length !== n) invalid('y', `a state of length ${n}`, y, 'SHAPE_MISMATCH');
      const z = new Float64Array(size);
      for (let i = 0; i < n; i++) z[i] = y[i]!;
      if (frame === undefined) {
        for (let j = 0; j < k; j++) z[n * (j + 1) + j] = 1;
      } else {
        checkFiniteArray('frame', frame);
        if (frame.length !== n * k) invalid('frame', `an n × k = ${n} × ${k} matrix (row-major)`, frame, 'SHAPE_MISMATCH');
        for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) z[n * (j + 1) + i] = frame[i * k + j]!;
      }
      return z;
    },
    state: (z) => checkVector('z', z, size).subarray(0, n),
    tangent(z, j) {
      checkVector('z', z, size);
      checkInteger('j', j, { min: 0, max: k - 1 });
      return z.subarray(n * (j + 1), n * (j + 2));
    },
    jvp: checkedJvp(n, jvpOnce),
  };
}
