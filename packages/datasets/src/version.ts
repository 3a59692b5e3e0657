/**
 * The version of @phaseflow/datasets this build came from.
 *
 * @example
 * ```ts
 * import { datasetsVersion } from '@phaseflow/datasets';
 * console.log(datasetsVersion);
 * ```
 */
export const datasetsVersion = '0.0.0';
