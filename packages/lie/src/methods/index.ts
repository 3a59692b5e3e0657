/** Every Lie-group integrator of this package by name, as factories (for `resolveIntegrator`). */
import { createCf3, createCf4, createCrouchGrossman2, createCrouchGrossman3 } from './commutator-free.js';
import { createMagnus4 } from './magnus.js';
import { createLieEuler, createRkmk2, createRkmk3, createRkmk4 } from './rkmk.js';
import { createRkmk32, createRkmk54 } from './rkmk-pair.js';

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
  'lie-euler': () => createLieEuler(),
  rkmk2: () => createRkmk2(),
  rkmk3: () => createRkmk3(),
  rkmk4: () => createRkmk4(),
  'crouch-grossman2': () => createCrouchGrossman2(),
  'crouch-grossman3': () => createCrouchGrossman3(),
  cf3: () => createCf3(),
  cf4: () => createCf4(),
  magnus4: () => createMagnus4(),
  rkmk32: () => createRkmk32(),
  rkmk54: () => createRkmk54(),
} as const;
