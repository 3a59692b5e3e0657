/**
 * The version of @phaseflow/equivariant this build came from.
 *
 * @example
 * ```ts
 * import { equivariantVersion } from '@phaseflow/equivariant';
 * console.log(equivariantVersion);
 * ```
 */
export const equivariantVersion = '0.0.0';
