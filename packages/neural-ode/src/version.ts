/**
 * The version of @phaseflow/neural-ode this build came from.
 *
 * @example
 * ```ts
 * import { neuralOdeVersion } from '@phaseflow/neural-ode';
 * console.log(neuralOdeVersion);
 * ```
 */
export const neuralOdeVersion = '0.0.0';
