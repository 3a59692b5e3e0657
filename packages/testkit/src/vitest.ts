/**
 * Vitest bindings: one call registers a conformance suite inside a plugin's own tests.
 *
 * @example
 * ```ts
 * import { integratorConformance } from '@phaseflow/testkit/vitest';
 * integratorConformance(createMyIntegrator());
 * ```
 */
import { isPhaseflowError, type Integrator, type PhaseflowError, type PhaseflowErrorCode, type Problem } from '@phaseflow/core';
import { describe, expect, it } from 'vitest';
import { runConformance, type ConformanceOptions } from './checks.js';

/** Register `conformance: <name>` with one test per check and problem. */
export function integratorConformance<P extends Problem<Y>, Y>(integrator: Integrator<P, Y>, options: ConformanceOptions = {}): void {
  describe(`conformance: ${integrator.name}`, () => {
    const report = runConformance(integrator, options);
    for (const r of report.results) {
      it(`${r.check}${r.problem ? ` on ${r.problem}` : ''}`, () => {
        expect(r.ok, r.message).toBe(true);
      });
    }
  });
}

/**
 * Assert that `call` throws a PhaseflowError with `code` (and, when given, naming `argument`).
 *
 * @example
 * ```ts
 * expectPhaseflowError(() => integrate(m, p, y0, { tEnd: 1, h: 0 }), 'INVALID_ARGUMENT', 'options.h');
 * ```
 */
export function expectPhaseflowError(call: () => unknown, code: PhaseflowErrorCode, argument?: string): PhaseflowError {
  let caught: unknown;
  try {
    call();
  } catch (e) {
    caught = e;
  }
  expect(isPhaseflowError(caught, code), `expected a PhaseflowError ${code}, got ${String(caught)}`).toBe(true);
  const err = caught as PhaseflowError;
  if (argument !== undefined) expect(err.details.argument, err.message).toBe(argument);
  return err;
}
