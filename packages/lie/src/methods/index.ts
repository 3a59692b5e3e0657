/** Every Lie-group integrator of this package by name, as factories (for `resolveIntegrator`). */
import { cf3, cf4, crouchGrossman2, crouchGrossman3 } from './commutator-free.js';
import { magnus4 } from './magnus.js';
import { lieEuler, rkmk2, rkmk3, rkmk4 } from './rkmk.js';

/**
 * The Lie-group methods by name, as factories: the record core's `resolveIntegrator`
 * resolves names against.
 *
 * @example
 * ```ts
 * import { resolveIntegrator } from '@phaseflow/core';
 * import { lieMethods } from '@phaseflow/lie';
 * resolveIntegrator('integrator', 'rkmk4', lieMethods).order; // 4
 * ```
 */
export const lieMethods = {
  'lie-euler': () => lieEuler(),
  rkmk2: () => rkmk2(),
  rkmk3: () => rkmk3(),
  rkmk4: () => rkmk4(),
  'crouch-grossman2': () => crouchGrossman2(),
  'crouch-grossman3': () => crouchGrossman3(),
  cf3: () => cf3(),
  cf4: () => cf4(),
  magnus4: () => magnus4(),
} as const;
