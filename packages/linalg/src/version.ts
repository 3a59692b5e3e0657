/**
 * The version of @phaseflow/linalg this build came from.
 *
 * @example
 * ```ts
 * import { linalgVersion } from '@phaseflow/linalg';
 * console.log(linalgVersion);
 * ```
 */
export const linalgVersion = '0.0.0';
