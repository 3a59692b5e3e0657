/**
 * The version of @phaseflow/symplectic this build came from.
 *
 * @example
 * ```ts
 * import { symplecticVersion } from '@phaseflow/symplectic';
 * console.log(symplecticVersion);
 * ```
 */
export const symplecticVersion = '0.0.0';
