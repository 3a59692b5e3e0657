/**
 * Conformance of Lie-group integrators: the checks of {@link runConformance} (order by step
 * halving, no mutation, `advance` against repeated steps, bad input, reversibility when
 * claimed) on group-valued reference problems, plus the check that matters most on a
 * manifold: the numerical solution stays on it.
 */
import {
  checkFunction,
  checkInteger,
  checkNonNegative,
  checkOptions,
  checkPositive,
  invalid,
  isPhaseflowError,
  type Integrator,
  type Problem,
} from '@phaseflow/core';
import type { ReferenceProblem } from '@phaseflow/problems';
import { checkIntegrator, checkReference, runConformance, type CheckResult, type ConformanceOptions, type ConformanceReport } from './checks.js';

/** Options of {@link checkStaysOnManifold}. */
export interface ManifoldOptions {
  /** Steps taken (default 1000). */
  readonly steps?: number;
  /** Step size (default tEnd / 100 of the problem). */
  readonly h?: number;
  /** Largest allowed defect over the run (default 1e-12). */
  readonly tolerance?: number;
}

/** How far a state is from the manifold: `problem.space.defect` when the state space has one. */
function defectOf<Y>(ref: ReferenceProblem<Y>, defect?: (y: Y) => number): ((y: Y) => number) | undefined {
  if (defect) return defect;
  const d = (ref.problem.space as { defect?: (y: Y) => number }).defect;
  return typeof d === 'function' ? (y: Y) => d.call(ref.problem.space, y) : undefined;
}

/**
 * The numerical solution stays on the manifold: `steps` steps of size h from y₀, the largest
 * defect (orthogonality ‖YᵀY − I‖, |‖u‖ − 1|, … as the state space measures it) at most
 * `tolerance`.
 *
 * @example
 * ```ts
 * const r = checkStaysOnManifold(createRkmk4(), precessingRotation(), { steps: 10_000 });
 * r.measured?.defect; // ≈ 1e-15
 * ```
 */
export function checkStaysOnManifold<Y>(
  integrator: Integrator<Problem<Y>, Y>,
  ref: ReferenceProblem<Y>,
  options: ManifoldOptions = {},
  defect?: (y: Y) => number,
): CheckResult {
  checkIntegrator('integrator', integrator);
  checkReference('ref', ref);
  const o = checkOptions('options', options, ['steps', 'h', 'tolerance']);
  if (o.steps !== undefined) checkInteger('options.steps', o.steps, { min: 1 });
  if (o.h !== undefined) checkPositive('options.h', o.h);
  if (o.tolerance !== undefined) checkNonNegative('options.tolerance', o.tolerance);
  if (defect !== undefined) checkFunction('defect', defect);
  const { steps = 1000, h = ref.tEnd / 100, tolerance = 1e-12 } = options;
  const measure = defectOf(ref, defect);
  if (!measure) {
    return { check: 'manifold', problem: ref.name, ok: false, message: `${ref.name}: its state space has no defect(y); pass options.defect` };
  }
  let y = ref.y0();
  let worst = measure(y);
  let t = ref.t0;
  let failure: string | undefined;
  try {
    for (let i = 0; i < steps; i++, t += h) {
      y = integrator.step(ref.problem, t, y, h, y);
      worst = Math.max(worst, measure(y));
    }
  } catch (e) {
    failure = isPhaseflowError(e) ? `${e.code}: ${e.message}` : String(e);
  }
  const ok = failure === undefined && worst <= tolerance;
  return {
    check: 'manifold',
    problem: ref.name,
    ok,
    message: failure
      ? `${integrator.name} on ${ref.name}: the run failed (${failure})`
      : `${integrator.name} on ${ref.name}: largest defect ${worst.toExponential(2)} over ${steps} steps of h=${h} (allowed ${tolerance})`,
    measured: { defect: worst, steps, h },
  };
}

/** Options of {@link lieIntegratorConformance}; `Y` is the integrator's state type. */
export interface LieConformanceOptions<Y = unknown> extends Omit<ConformanceOptions, 'problems'> {
  /** Group-valued reference problems (required: the testkit holds none of its own). */
  readonly problems: readonly ReferenceProblem<Y>[];
  /** The staying-on-the-manifold check, or false to skip it. */
  readonly manifold?: ManifoldOptions | false;
  /** Defect of a state when the problems' state spaces have no `defect`. */
  readonly defect?: (y: Y) => number;
}

/**
 * Every conformance check of a Lie-group integrator on group-valued problems: the order by
 * step halving against each problem's exact solution (the declared `order` within the
 * tolerance), no input mutation, `advance` against repeated steps, bad input, reversibility
 * when `timeReversible` is claimed, and staying on the manifold.
 *
 * @example
 * ```ts
 * import { lieIntegratorConformance } from '@phaseflow/testkit';
 * import { precessingRotation, createRkmk4 } from '@phaseflow/lie';
 * const report = lieIntegratorConformance(createRkmk4(), { problems: [precessingRotation()] });
 * report.ok; // true
 * ```
 */
export function lieIntegratorConformance<P extends Problem<Y>, Y>(integrator: Integrator<P, Y>, options: LieConformanceOptions<Y>): ConformanceReport {
  if (options === null || typeof options !== 'object') invalid('options', 'options { problems, … }', options);
  const { manifold, defect, problems, ...rest } = options;
  if (!Array.isArray(problems) || problems.length === 0) invalid('options.problems', 'a non-empty array of group-valued reference problems', problems);
  if (defect !== undefined) checkFunction('options.defect', defect);
  if (manifold !== undefined && manifold !== false && (manifold === null || typeof manifold !== 'object'))
    invalid('options.manifold', 'manifold options or false', manifold);
  const base = runConformance(integrator, { ...rest, problems: problems as unknown as readonly ReferenceProblem<never>[] });
  const results = [...base.results];
  if (manifold !== false) {
    for (const ref of problems) {
      if (!integrator.problemKinds.includes(ref.problem.kind)) continue;
      results.push(checkStaysOnManifold(integrator as unknown as Integrator<Problem<Y>, Y>, ref, manifold ?? {}, defect));
    }
  }
  return { integrator: integrator.name, ok: results.every((r) => r.ok), results };
}
