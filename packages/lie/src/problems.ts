/**
 * Reference problems on Lie groups and spheres, in the testkit's ReferenceProblem shape
 * (name, problem, y0, exact, tEnd, fromFlat): the heavy top on SO(3) × ℝ³, the free rigid
 * body on S², a rotation about a fixed axis on S², and a precessing rotation on SO(3) (a
 * time-dependent linear problem with a closed-form solution).
 */
import {
  checkFinite,
  checkFiniteArray,
  checkFunction,
  checkLength,
  checkOptions,
  checkPositive,
  odeProblem,
  PhaseflowError,
  type OdeProblem,
} from '@phaseflow/core';
import type { LieGroup } from './group.js';
import { createEuclideanGroup } from './groups/euclidean.js';
import { createProductGroup } from './groups/product.js';
import { SO3 } from './groups/so3.js';
import { createSphere } from './manifold.js';
import { need, outOf } from './internal/check.js';
import { lieProblem, type LieProblem } from './problem.js';

type F = Float64Array;

/**
 * A `lie` problem with its initial value and solution, in the shape of @phaseflow/problems'
 * `ReferenceProblem` (so the testkit's conformance checks take it as it is).
 */
export interface LieReference {
  readonly name: string;
  readonly problem: LieProblem;
  y0(): F;
  /** A state from its numbers (a copy). */
  fromFlat(v: F): F;
  readonly t0: number;
  /** Default time span. */
  readonly tEnd: number;
  readonly parameters: Readonly<Record<string, number>>;
  /** The solution at t, flattened (as `problem.space.toFloat64`). */
  exact(t: number): F;
  /** The energy, when the system has one. */
  energy?(y: F): number;
  /** Lie problems are not canonical Hamiltonian systems in (q, p). */
  readonly hamiltonian: false;
  readonly citation: string;
}

/** `fromFlat` of a manifold whose points have `size` numbers: a checked copy. */
const flatOf =
  (size: number) =>
  (v: F): F => {
    checkFiniteArray('v', v);
    checkLength('v', v, size);
    return Float64Array.from(v);
  };

/** A state argument of a reference problem's helpers: a Float64Array of `size` numbers. */
const state = (argument: string, y: F, size: number, what: string) => need(argument, what, size, y);

/** The heavy top: its Lie problem, the same ODE on the embedding ℝ¹², and its energy. */
export interface HeavyTop {
  readonly name: string;
  /** y = (R, ω) ∈ SO(3) × ℝ³ (12 numbers: R row-major, then the body angular velocity ω). */
  readonly problem: LieProblem;
  /** The group SO(3) × ℝ³ the state lives in. */
  readonly group: LieGroup;
  /** The same equations as an ODE on ℝ¹² (R' = R·ω̂), for Runge–Kutta methods on the embedding. */
  readonly embedded: OdeProblem<F>;
  readonly y0: () => F;
  readonly tEnd: number;
  /** H = ½ωᵀIω + Mgl·(R e₃)·e₃, conserved by the flow. */
  energy(y: F): number;
  /** The top's axis in space, R·e₃ (the third column of R): its orbit lies on the unit sphere. */
  axis(y: F, out?: F): F;
}

/**
 * The heavy top (a spinning top with a fixed point under gravity) on SO(3) × ℝ³, in the
 * right-invariant form of a `lie` problem:
 *
 *   R' = R·ω̂ = (Rω)^·R,   I·ω' = (Iω) × ω + Mgl·γ × χ,   γ = Rᵀe₃, χ = e₃,
 *
 * so A(t, (R, ω)) = (Rω, ω'). Defaults: Mgl = 20, I = diag(1, 1, 0.2), R₀ = exp(π/10·ê_y),
 * ω₀ = (0, 0, 100), t ∈ [0, 0.4] (the benchmark of Parker's Lie-group integrator tests).
 *
 * @example
 * ```ts
 * import { integrate } from '@phaseflow/core';
 * import { heavyTop, createRkmk4 } from '@phaseflow/lie';
 * const top = heavyTop();
 * const end = integrate(createRkmk4(), top.problem, top.y0(), { tEnd: top.tEnd, h: 1e-4 }).yFinal;
 * top.energy(end) - top.energy(top.y0()); // below 1e-10 (E ≈ 1019)
 * ```
 */
export function heavyTop(options: { Mgl?: number; inertia?: ArrayLike<number>; tilt?: number; omega0?: ArrayLike<number>; tEnd?: number } = {}): HeavyTop {
  const o = checkOptions('options', options, ['Mgl', 'inertia', 'tilt', 'omega0', 'tEnd']);
  const Mgl = o.Mgl === undefined ? 20 : checkPositive('options.Mgl', o.Mgl);
  const I = o.inertia === undefined ? [1, 1, 0.2] : Array.from(checkFiniteArray<ArrayLike<number>>('options.inertia', o.inertia));
  checkLength('options.inertia', I, 3);
  I.forEach((x, i) => checkPositive(`options.inertia[${i}]`, x));
  const w0 = o.omega0 === undefined ? [0, 0, 100] : Array.from(checkFiniteArray<ArrayLike<number>>('options.omega0', o.omega0));
  checkLength('options.omega0', w0, 3);
  const tilt = o.tilt === undefined ? Math.PI / 10 : checkFinite('options.tilt', o.tilt);
  const tEnd = o.tEnd === undefined ? 0.4 : checkPositive('options.tEnd', o.tEnd);
  const I0 = I[0]!,
    I1 = I[1]!,
    I2 = I[2]!;
  const group = createProductGroup([SO3, createEuclideanGroup(3)]);
  /** ω' = I⁻¹((Iω) × ω + Mgl·γ × e₃) with γ = Rᵀe₃ the third row of R. */
  const omegaDot = (y: F, out: F, at: number) => {
    const w0 = y[9]!,
      w1 = y[10]!,
      w2 = y[11]!;
    const m0 = I0 * w0,
      m1 = I1 * w1,
      m2 = I2 * w2;
    out[at] = (m1 * w2 - m2 * w1 + Mgl * y[7]!) / I0;
    out[at + 1] = (m2 * w0 - m0 * w2 - Mgl * y[6]!) / I1;
    out[at + 2] = (m0 * w1 - m1 * w0) / I2;
  };
  const problem = lieProblem({
    manifold: group,
    name: 'heavy-top',
    generator(_t, y, out = new Float64Array(6)) {
      const w0 = y[9]!,
        w1 = y[10]!,
        w2 = y[11]!;
      out[0] = y[0]! * w0 + y[1]! * w1 + y[2]! * w2;
      out[1] = y[3]! * w0 + y[4]! * w1 + y[5]! * w2;
      out[2] = y[6]! * w0 + y[7]! * w1 + y[8]! * w2;
      omegaDot(y, out, 3);
      return out;
    },
    energy: (y) => (state('y', y, 12, 'a heavy-top state (R, ω)'), 0.5 * (I0 * y[9]! ** 2 + I1 * y[10]! ** 2 + I2 * y[11]! ** 2) + Mgl * y[8]!),
  });
  const embedded = odeProblem(
    (_t, y: F, out = new Float64Array(12)) => {
      const w0 = y[9]!,
        w1 = y[10]!,
        w2 = y[11]!;
      // R' = R·ω̂, row by row: (r × … ) written out.
      for (let r = 0; r < 3; r++) {
        const a = y[3 * r]!,
          b = y[3 * r + 1]!,
          c = y[3 * r + 2]!;
        out[3 * r] = b * w2 - c * w1;
        out[3 * r + 1] = c * w0 - a * w2;
        out[3 * r + 2] = a * w1 - b * w0;
      }
      omegaDot(y, out, 9);
      return out;
    },
    { name: 'heavy-top (embedding R^12)' },
  );
  const R0 = SO3.exp(Float64Array.of(0, tilt, 0));
  return {
    name: 'heavy-top',
    problem,
    group,
    embedded,
    y0: () => {
      const y = new Float64Array(12);
      y.set(R0);
      y.set(w0, 9);
      return y;
    },
    tEnd,
    energy: problem.energy!,
    axis(y, out) {
      state('y', y, 12, 'a heavy-top state (R, ω)');
      const o = outOf(3, out);
      o[0] = y[2]!;
      o[1] = y[5]!;
      o[2] = y[8]!;
      return o;
    },
  };
}

/**
 * The free rigid body on S²: Euler's equations m' = m × I⁻¹m for the body angular momentum,
 * normalised to |m| = 1, as u' = A(u)·u with A(u) = −I⁻¹u ∈ so(3). Defaults
 * I = (1.6, 1, 2/3), u₀ = (0, √0.9, √0.1), t ∈ [0, 20] (Hairer, Lubich & Wanner, §IV.1).
 * For a symmetric body (I₁ = I₂) the solution is a precession about e₃ at rate
 * −u₃(1/I₃ − 1/I₁), and `exact` is that closed form; for an asymmetric body `exact` is
 * `options.reference` (a solution computed at a small step, say), and throws NOT_AVAILABLE
 * without one.
 *
 * @example
 * ```ts
 * import { freeRigidBody } from '@phaseflow/lie';
 * const body = freeRigidBody({ inertia: [2, 2, 1] }); // symmetric: exact solution
 * body.exact(1); // the point of S² at t = 1
 * ```
 */
export function freeRigidBody(
  options: { inertia?: ArrayLike<number>; u0?: ArrayLike<number>; tEnd?: number; reference?: (t: number) => F } = {},
): LieReference & { energy(u: F): number } {
  const o = checkOptions('options', options, ['inertia', 'u0', 'tEnd', 'reference']);
  const I = o.inertia === undefined ? [1.6, 1, 2 / 3] : Array.from(checkFiniteArray<ArrayLike<number>>('options.inertia', o.inertia));
  checkLength('options.inertia', I, 3);
  I.forEach((x, i) => checkPositive(`options.inertia[${i}]`, x));
  const S2 = createSphere(2, SO3);
  const u0 =
    o.u0 === undefined
      ? Float64Array.of(0, Math.sqrt(0.9), Math.sqrt(0.1))
      : S2.check('options.u0', Float64Array.from(checkFiniteArray<ArrayLike<number>>('options.u0', o.u0)));
  const tEnd = o.tEnd === undefined ? 20 : checkPositive('options.tEnd', o.tEnd);
  if (o.reference !== undefined) checkFunction('options.reference', o.reference);
  const [a, b, c] = [1 / I[0]!, 1 / I[1]!, 1 / I[2]!];
  const problem = lieProblem({
    manifold: S2,
    name: 'free-rigid-body',
    generator(_t, u, out = new Float64Array(3)) {
      out[0] = -a * u[0]!;
      out[1] = -b * u[1]!;
      out[2] = -c * u[2]!;
      return out;
    },
    energy: (u) => (state('u', u, 3, 'a point of S^2'), 0.5 * (a * u[0]! ** 2 + b * u[1]! ** 2 + c * u[2]! ** 2)),
  });
  const symmetric = I[0] === I[1];
  const exact = (t: number): F => {
    checkFinite('t', t);
    if (o.reference) return o.reference(t);
    if (!symmetric) {
      throw new PhaseflowError('NOT_AVAILABLE', 'freeRigidBody: an asymmetric body (I₁ ≠ I₂) has no closed-form solution here; pass options.reference', {
        argument: 'options.reference',
        expected: 'a reference solution t ↦ u(t) for an asymmetric body',
        received: 'undefined',
      });
    }
    const lambda = u0[2]! * (c - a);
    return SO3.act(SO3.exp(Float64Array.of(0, 0, -lambda * t)), u0);
  };
  return {
    name: `free-rigid-body(I=${I.map((x) => +x.toFixed(4)).join(',')})`,
    problem,
    y0: () => u0.slice(),
    fromFlat: flatOf(3),
    t0: 0,
    tEnd,
    parameters: { I1: I[0]!, I2: I[1]!, I3: I[2]! },
    exact,
    energy: problem.energy!,
    hamiltonian: false,
    citation: 'E. Hairer, C. Lubich, G. Wanner, Geometric Numerical Integration, 2nd ed., Springer (2006), §IV.1.4 and §VII.5',
  };
}

/**
 * u' = u × e₁ on S², a rotation about e₁ at unit rate: A = −e₁ (constant, so `linear`), exact
 * solution u(t) = exp(−t·ê₁)·u₀. Every Lie-group method integrates it exactly up to rounding.
 *
 * @example
 * ```ts
 * import { rotationAboutAxis } from '@phaseflow/lie';
 * rotationAboutAxis().exact(Math.PI); // u₀ turned by half a revolution about e₁
 * ```
 */
export function rotationAboutAxis(options: { u0?: ArrayLike<number>; tEnd?: number } = {}): LieReference {
  const o = checkOptions('options', options, ['u0', 'tEnd']);
  const S2 = createSphere(2, SO3);
  const u0 =
    o.u0 === undefined ? Float64Array.of(0, 0.6, 0.8) : S2.check('options.u0', Float64Array.from(checkFiniteArray<ArrayLike<number>>('options.u0', o.u0)));
  const tEnd = o.tEnd === undefined ? 2 * Math.PI : checkPositive('options.tEnd', o.tEnd);
  const problem = lieProblem({
    manifold: S2,
    name: 'u × e1',
    linear: true,
    generator(_t, _u, out = new Float64Array(3)) {
      out[0] = -1;
      out[1] = 0;
      out[2] = 0;
      return out;
    },
  });
  return {
    name: 'u × e1',
    problem,
    y0: () => u0.slice(),
    fromFlat: flatOf(3),
    t0: 0,
    tEnd,
    parameters: {},
    exact: (t) => (checkFinite('t', t), SO3.act(SO3.exp(Float64Array.of(-t, 0, 0)), u0)),
    hamiltonian: false,
    citation: 'A rotation about a fixed axis: u(t) = exp(−t·ê₁)·u₀',
  };
}

/**
 * A precessing rotation on SO(3): Y' = A(t)·Y with A(t) = (R_z(αt)·a)^, the generator a
 * turned about e₃ at rate α. Linear and time-dependent ([A(t), A(s)] ≠ 0), with the exact
 * solution Y(t) = exp(αt·ê₃)·exp(t·(a − α e₃)^)·Y₀. Defaults a = (1, 0.5, 0.3), α = 2,
 * t ∈ [0, 2].
 *
 * @example
 * ```ts
 * import { integrate } from '@phaseflow/core';
 * import { createMagnus4, precessingRotation } from '@phaseflow/lie';
 * const ref = precessingRotation();
 * integrate(createMagnus4(), ref.problem, ref.y0(), { tEnd: ref.tEnd, steps: 64 }).yFinal; // ≈ ref.exact(2)
 * ```
 */
export function precessingRotation(options: { a?: ArrayLike<number>; alpha?: number; tEnd?: number } = {}): LieReference {
  const o = checkOptions('options', options, ['a', 'alpha', 'tEnd']);
  const a = o.a === undefined ? [1, 0.5, 0.3] : Array.from(checkFiniteArray<ArrayLike<number>>('options.a', o.a));
  checkLength('options.a', a, 3);
  const alpha = o.alpha === undefined ? 2 : checkFinite('options.alpha', o.alpha);
  const tEnd = o.tEnd === undefined ? 2 : checkPositive('options.tEnd', o.tEnd);
  const [ax, ay, az] = a as [number, number, number];
  const problem = lieProblem({
    manifold: SO3,
    name: 'precessing-rotation',
    linear: true,
    generator(t, _Y, out = new Float64Array(3)) {
      const c = Math.cos(alpha * t),
        s = Math.sin(alpha * t);
      out[0] = c * ax - s * ay;
      out[1] = s * ax + c * ay;
      out[2] = az;
      return out;
    },
  });
  const Y0 = SO3.identity();
  return {
    name: `precessing-rotation(alpha=${alpha})`,
    problem,
    y0: () => Y0.slice(),
    fromFlat: flatOf(9),
    t0: 0,
    tEnd,
    parameters: { a1: ax, a2: ay, a3: az, alpha },
    citation: 'Y(t) = exp(αt·ê₃)·exp(t(a − αe₃)^)·Y₀ solves Y′ = (R_z(αt)a)^·Y (a rotating-frame change of variables)',
    exact: (t) => (
      checkFinite('t', t),
      SO3.compose(SO3.exp(Float64Array.of(0, 0, alpha * t)), SO3.compose(SO3.exp(Float64Array.of(t * ax, t * ay, t * (az - alpha))), Y0))
    ),
    hamiltonian: false,
  };
}
