/**
 * The version of @phaseflow/enkf this build came from.
 *
 * @example
 * ```ts
 * import { enkfVersion } from '@phaseflow/enkf';
 * console.log(enkfVersion);
 * ```
 */
export const enkfVersion = '0.0.0';
