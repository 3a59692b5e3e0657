import { integratorConformance } from '@phaseflow/testkit/vitest';
import {
  createBs3,
  createDop853,
  createDopri5,
  createEuler,
  createHeun,
  createMidpoint,
  createRalston,
  createRk38,
  createRk4,
  createTsit5,
} from '@phaseflow/runge-kutta';

// Default settings (N = 8 … 2¹⁵ steps, errors in [1e-10, 0.5]) suit the low orders. Higher
// orders reach rounding within two or three halvings, so their asymptotic window is moved
// (lower floor, or a longer span for DOP853); the ±0.2 tolerance is never changed.
integratorConformance(createEuler());
integratorConformance(createMidpoint());
integratorConformance(createHeun());
integratorConformance(createRalston());
integratorConformance(createRk4());
integratorConformance(createRk38(), { order: { floor: 1e-13 } });
integratorConformance(createBs3());
integratorConformance(createDopri5(), { order: { floor: 1e-13 } });
integratorConformance(createTsit5(), { order: { floor: 1e-11 } });
integratorConformance(createDop853(), { order: { startSteps: 16, tEnd: 12, floor: 1e-11 } });
