/**
 * The version of @phaseflow/adjoint this build came from.
 *
 * @example
 * ```ts
 * import { adjointVersion } from '@phaseflow/adjoint';
 * console.log(adjointVersion);
 * ```
 */
export const adjointVersion = '0.0.0';
