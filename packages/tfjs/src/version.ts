/**
 * The version of @phaseflow/tfjs this build came from.
 *
 * @example
 * ```ts
 * import { tfjsVersion } from '@phaseflow/tfjs';
 * console.log(tfjsVersion);
 * ```
 */
export const tfjsVersion = '0.0.0';
