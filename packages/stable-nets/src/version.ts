/**
 * The version of @phaseflow/stable-nets this build came from.
 *
 * @example
 * ```ts
 * import { stableNetsVersion } from '@phaseflow/stable-nets';
 * console.log(stableNetsVersion);
 * ```
 */
export const stableNetsVersion = '0.0.0';
