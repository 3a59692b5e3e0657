/**
 * The version of @phaseflow/observers this build came from.
 *
 * @example
 * ```ts
 * import { observersVersion } from '@phaseflow/observers';
 * console.log(observersVersion);
 * ```
 */
export const observersVersion = '0.0.0';
