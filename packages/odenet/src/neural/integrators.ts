/**
 * Integrators a neural ODE layer may name in its (serialisable) configuration.
 */
import { PhaseflowError, type AnyIntegrator } from '@phaseflow/core';
import { createLeapfrog, splittingMethods } from '@phaseflow/symplectic';
import { bs3, dop853, dopri5, euler, heun, midpoint, ralston, rk38, rk4, tsit5 } from '@phaseflow/runge-kutta';

const RK: Record<string, () => AnyIntegrator> = { euler, heun, midpoint, ralston, rk4, rk38, bs3, dopri5, tsit5, dop853 } as unknown as Record<string, () => AnyIntegrator>;

/** Names accepted by {@link resolveIntegrator}: the Runge–Kutta methods, `leapfrog` and every splitting method. */
export const NEURAL_ODE_INTEGRATORS: readonly string[] = [...Object.keys(RK), 'leapfrog', ...Object.keys(splittingMethods)];

/**
 * An integrator by name (a fresh instance: integrators keep scratch buffers),
 * or the given integrator unchanged.
 *
 * @example
 * ```ts
 * resolveIntegrator('rk4').order; // 4
 * ```
 */
export function resolveIntegrator(argument: string, value: unknown): AnyIntegrator {
  if (value !== null && typeof value === 'object' && typeof (value as AnyIntegrator).step === 'function') return value as AnyIntegrator;
  if (typeof value === 'string') {
    if (Object.hasOwn(RK, value)) return RK[value]!();
    if (value === 'leapfrog') return createLeapfrog() as unknown as AnyIntegrator;
    const make = (splittingMethods as Record<string, () => unknown>)[value];
    if (make) return make() as AnyIntegrator;
  }
  throw new PhaseflowError('NOT_AVAILABLE', `${argument}: unknown integrator ${JSON.stringify(value)}; known: ${NEURAL_ODE_INTEGRATORS.join(', ')} (or an Integrator object)`, {
    argument,
    expected: `an Integrator or one of ${NEURAL_ODE_INTEGRATORS.join(', ')}`,
    received: String(value),
  });
}
