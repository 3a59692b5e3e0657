/**
 * The version of @phaseflow/runge-kutta this build came from.
 *
 * @example
 * ```ts
 * import { rungeKuttaVersion } from '@phaseflow/runge-kutta';
 * console.log(rungeKuttaVersion);
 * ```
 */
export const rungeKuttaVersion = '0.0.0';
