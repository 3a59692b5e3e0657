/**
 * The version of @phaseflow/lie this build came from.
 *
 * @example
 * ```ts
 * import { lieVersion } from '@phaseflow/lie';
 * console.log(lieVersion);
 * ```
 */
export const lieVersion = '0.0.0';
