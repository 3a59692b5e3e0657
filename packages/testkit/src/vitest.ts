/**
 * Vitest bindings: one call registers a conformance suite inside a plugin's own tests.
 *
 * @example
 * ```ts
 * import { integratorConformance } from '@phaseflow/testkit/vitest';
 * integratorConformance(createMyIntegrator());
 * ```
 */
import type { Integrator, Problem } from '@phaseflow/core';
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
