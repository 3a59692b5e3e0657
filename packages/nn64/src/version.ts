/**
 * The version of @phaseflow/nn64 this build came from.
 *
 * @example
 * ```ts
 * import { nn64Version } from '@phaseflow/nn64';
 * console.log(nn64Version);
 * ```
 */
export const nn64Version = '0.0.0';
