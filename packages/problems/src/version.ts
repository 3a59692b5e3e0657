/**
 * The version of @phaseflow/problems this build came from.
 *
 * @example
 * ```ts
 * import { problemsVersion } from '@phaseflow/problems';
 * console.log(problemsVersion);
 * ```
 */
export const problemsVersion = '0.0.0';
