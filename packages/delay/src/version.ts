/**
 * The version of @phaseflow/delay this build came from.
 *
 * @example
 * ```ts
 * import { delayVersion } from '@phaseflow/delay';
 * console.log(delayVersion);
 * ```
 */
export const delayVersion = '0.0.0';
