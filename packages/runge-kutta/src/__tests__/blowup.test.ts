import { describe, expect, it } from 'vitest';
import { integrate, isPhaseflowError, odeProblem } from '@phaseflow/core';
import { createDopri5 } from '@phaseflow/runge-kutta';

describe('blow-up in adaptive runs', () => {
  it('y′ = y² from y(0) = 1 blows up at t = 1: the run stops with NON_FINITE_STATE or a too-small step near t = 1, keeping the partial run', () => {
    const riccati = odeProblem((_t, y: Float64Array, out = new Float64Array(1)) => ((out[0] = y[0]! * y[0]!), out));
    try {
      integrate(createDopri5<Float64Array>(), riccati, Float64Array.of(1), { tEnd: 2, adaptive: { rtol: 1e-8, atol: 1e-8 }, save: 'steps' });
      expect.unreachable();
    } catch (e) {
      expect(isPhaseflowError(e)).toBe(true);
      const err = e as import('@phaseflow/core').PhaseflowError<{ t: number[] }>;
      expect(['NON_FINITE_STATE', 'STEP_SIZE_TOO_SMALL']).toContain(err.code);
      expect(Math.abs(err.details.t! - 1)).toBeLessThan(1e-6);
      expect(err.partial!.t.length).toBeGreaterThan(10);
    }
  });

  it('a field that returns NaN from t = 0.5 on stops with NON_FINITE_STATE at t = 0.5', () => {
    const poisoned = odeProblem((t, y: Float64Array, out = new Float64Array(1)) => ((out[0] = t >= 0.5 ? NaN : -y[0]!), out));
    try {
      integrate(createDopri5<Float64Array>(), poisoned, Float64Array.of(1), { tEnd: 1, adaptive: true });
      expect.unreachable();
    } catch (e) {
      expect(isPhaseflowError(e, 'NON_FINITE_STATE')).toBe(true);
      expect((e as { details: { t: number } }).details.t).toBeLessThanOrEqual(0.5);
      expect((e as { details: { t: number } }).details.t).toBeGreaterThan(0.49);
    }
  });
});
