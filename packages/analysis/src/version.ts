/**
 * The version of @phaseflow/analysis this build came from.
 *
 * @example
 * ```ts
 * import { analysisVersion } from '@phaseflow/analysis';
 * console.log(analysisVersion);
 * ```
 */
export const analysisVersion = '0.0.0';
