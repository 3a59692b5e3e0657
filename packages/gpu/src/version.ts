/**
 * The version of @phaseflow/gpu this build came from.
 *
 * @example
 * ```ts
 * import { gpuVersion } from '@phaseflow/gpu';
 * console.log(gpuVersion);
 * ```
 */
export const gpuVersion = '0.0.0';
