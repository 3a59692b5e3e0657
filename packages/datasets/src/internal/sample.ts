/** Sampling an ODE on a regular time grid through core's `integrate` (private helper). */
import { PhaseflowError, integrate, isPhaseflowError, type OdeProblem } from '@phaseflow/core';
import { createRk4 } from '@phaseflow/runge-kutta';

/**
 * Integrate `problem` from y0 with @phaseflow/runge-kutta's classical RK4 and return `samples`
 * states spaced `dt` apart (row-major), after discarding `transient` time units. Each sample
 * interval is split into `substeps` fixed steps. A solution that leaves the floating-point range
 * (parameters for which the system diverges, or a dt too large for RK4) is NON_FINITE_STATE
 * naming `options`, the parameters that chose it (core's error, with its step and time, is
 * the cause).
 */
export function sampleOde(
  problem: OdeProblem<Float64Array>,
  y0: Float64Array,
  samples: number,
  dt: number,
  substeps: number,
  transient = 0,
): { t: Float64Array; x: Float64Array } {
  try {
    return sampleOdeUnnamed(problem, y0, samples, dt, substeps, transient);
  } catch (e) {
    if (!isPhaseflowError(e, 'NON_FINITE_STATE')) throw e;
    throw new PhaseflowError(
      'NON_FINITE_STATE',
      `options: the ${problem.name ?? 'system'} diverged with these parameters (${e.message}); choose parameters with a bounded solution or a smaller dt / more substeps`,
      { ...e.details, argument: 'options', expected: 'parameters whose solution stays finite', received: 'a solution that overflowed' },
      { cause: e },
    );
  }
}

function sampleOdeUnnamed(
  problem: OdeProblem<Float64Array>,
  y0: Float64Array,
  samples: number,
  dt: number,
  substeps: number,
  transient = 0,
): { t: Float64Array; x: Float64Array } {
  const method = createRk4<Float64Array>();
  let start = y0;
  if (transient > 0) {
    const skip = Math.max(1, Math.round((transient / dt) * substeps));
    start = integrate(method, problem, y0, { t0: 0, tEnd: skip * (dt / substeps), steps: skip }).yFinal;
  }
  const dim = y0.length;
  const t = new Float64Array(samples);
  const x = new Float64Array(samples * dim);
  x.set(start, 0);
  for (let i = 0; i < samples; i++) t[i] = i * dt;
  if (samples > 1) {
    const sol = integrate(method, problem, start, {
      t0: 0,
      tEnd: (samples - 1) * dt,
      steps: (samples - 1) * substeps,
      save: { every: substeps },
    });
    for (let i = 0; i < samples; i++) x.set(sol.y[i]!, i * dim);
  }
  return { t, x };
}
