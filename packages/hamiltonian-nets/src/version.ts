/**
 * The version of @phaseflow/hamiltonian-nets this build came from.
 *
 * @example
 * ```ts
 * import { hamiltonianNetsVersion } from '@phaseflow/hamiltonian-nets';
 * console.log(hamiltonianNetsVersion);
 * ```
 */
export const hamiltonianNetsVersion = '0.0.0';
