import { describe, expect, it } from 'vitest';
import { integrate, isPhaseflowError, odeProblem } from '@phaseflow/core';
import { kepler } from '@phaseflow/problems';
import { runConformance } from '@phaseflow/testkit';
import { integratorConformance } from '@phaseflow/testkit/vitest';
import { createImplicitMidpoint } from './index.js';

// The whole conformance suite, exactly as phaseflow's own packages run it.
integratorConformance(createImplicitMidpoint(), { symplecticity: { tolerance: 1e-9 } });

describe('implicit midpoint plugin', () => {
  it('is exactly order 2 on Kepler', () => {
    const keplerOde = { ...kepler({ e: 0.5, kind: 'ode' }), tEnd: 2 };
    const report = runConformance(createImplicitMidpoint(), { problems: [keplerOde as never], mutation: false, badInput: false });
    expect(report.ok).toBe(true);
  });

  it('fails with CONVERGENCE_FAILURE when h is too large for the fixed point', () => {
    const stiff = odeProblem((_t, y: Float64Array, out = new Float64Array(1)) => ((out[0] = -1000 * y[0]!), out));
    try {
      integrate(createImplicitMidpoint({ maxIterations: 20 }), stiff, Float64Array.of(1), { tEnd: 1, h: 0.1 });
      expect.unreachable();
    } catch (e) {
      expect(isPhaseflowError(e, 'CONVERGENCE_FAILURE')).toBe(true);
    }
  });
});
