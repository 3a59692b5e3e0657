/**
 * The version of @phaseflow/cli this build came from.
 *
 * @example
 * ```ts
 * import { cliVersion } from '@phaseflow/cli';
 * console.log(cliVersion);
 * ```
 */
export const cliVersion = '0.0.0';
