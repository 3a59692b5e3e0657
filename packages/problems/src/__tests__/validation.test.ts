import { describe, expect, it } from 'vitest';
import { bouncingBall, doublePendulum, eccentricAnomaly, harmonicOscillator, henonHeiles, kepler, lorenz63, lorenz96, pendulum } from '@phaseflow/problems';
import { thrown } from './helpers.js';

describe('bad options get coded errors naming the argument', () => {
  it.each([
    ['kepler e > 0.99', () => kepler({ e: 1.2 }), 'INVALID_ARGUMENT', 'options.e'],
    ['kepler unknown kind', () => kepler({ kind: 'lie' as never }), 'INVALID_ARGUMENT', 'options.kind'],
    ['kepler unknown option', () => kepler({ ecc: 0.1 } as never), 'UNKNOWN_OPTION', 'options.ecc'],
    ['eccentricAnomaly e = 1', () => eccentricAnomaly(1, 1), 'INVALID_ARGUMENT', 'e'],
    ['eccentricAnomaly M = NaN', () => eccentricAnomaly(NaN, 0.1), 'NON_FINITE_INPUT', 'M'],
    ['oscillator ω < 0', () => harmonicOscillator({ omega: -1 }), 'INVALID_ARGUMENT', 'options.omega'],
    ['pendulum q0 = ∞', () => pendulum({ q0: Infinity }), 'NON_FINITE_INPUT', 'options.q0'],
    ['Hénon–Heiles q0 of length 1', () => henonHeiles({ q0: [0.1] }), 'INVALID_ARGUMENT', 'options.q0.length'],
    ['double pendulum masses = 1', () => doublePendulum({ masses: 1 as never }), 'INVALID_ARGUMENT', 'options.masses'],
    ['double pendulum l₂ = 0', () => doublePendulum({ lengths: [1, 0] }), 'INVALID_ARGUMENT', 'options.lengths[1]'],
    ['lorenz63 ρ = NaN', () => lorenz63({ rho: NaN }), 'NON_FINITE_INPUT', 'options.rho'],
    ['lorenz63 y0 of length 2', () => lorenz63({ y0: [1, 2] }), 'INVALID_ARGUMENT', 'options.y0.length'],
    ['lorenz96 dim = 3', () => lorenz96({ dim: 3 }), 'INVALID_ARGUMENT', 'options.dim'],
    ['lorenz96 y0 entry NaN', () => lorenz96({ dim: 4, y0: [1, 2, NaN, 4] }), 'NON_FINITE_INPUT', 'options.y0[2]'],
    ['bouncing ball e > 1', () => bouncingBall({ restitution: 1.5 }), 'INVALID_ARGUMENT', 'options.restitution'],
    ['bouncing ball g = 0', () => bouncingBall({ g: 0 }), 'INVALID_ARGUMENT', 'options.g'],
    ['impactTimes(−1)', () => bouncingBall().impactTimes(-1), 'INVALID_ARGUMENT', 'n'],
  ] as const)('%s', (_label, call, code, argument) => {
    expect(thrown(call)).toEqual({ code, argument });
  });
});
