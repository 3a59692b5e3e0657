import { integratorConformance } from '@phaseflow/testkit/vitest';
import { bs3, dop853, dopri5, euler, heun, midpoint, ralston, rk38, rk4, tsit5 } from '@phaseflow/runge-kutta';

// Default settings (N = 8 … 2¹⁵ steps, errors in [1e-10, 0.5]) suit the low orders. Higher
// orders reach rounding within two or three halvings, so their asymptotic window is moved
// (lower floor, or a longer span for DOP853); the ±0.2 tolerance is never changed.
integratorConformance(euler());
integratorConformance(midpoint());
integratorConformance(heun());
integratorConformance(ralston());
integratorConformance(rk4());
integratorConformance(rk38(), { order: { floor: 1e-13 } });
integratorConformance(bs3());
integratorConformance(dopri5(), { order: { floor: 1e-13 } });
integratorConformance(tsit5(), { order: { floor: 1e-11 } });
integratorConformance(dop853(), { order: { startSteps: 16, tEnd: 12, floor: 1e-11 } });
