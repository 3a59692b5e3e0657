/**
 * The version of @phaseflow/reservoir this build came from.
 *
 * @example
 * ```ts
 * import { reservoirVersion } from '@phaseflow/reservoir';
 * console.log(reservoirVersion);
 * ```
 */
export const reservoirVersion = '0.0.0';
