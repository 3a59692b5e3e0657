export type { ButcherTableau, ControllerDefaults, DenseOutputSpec, EmbeddedEstimate } from './tableau.js';
export { BS3, DOP853, DOPRI5, EULER, HEUN, MIDPOINT, PI_DEFAULTS_5, PI_DEFAULTS_8, RALSTON, RK38, RK4, TSIT5 } from './tableaus.js';
export { bs3, createRungeKutta, dop853, dopri5, euler, heun, midpoint, ralston, rk38, rk4, rungeKuttaMethods, tsit5 } from './methods.js';
export type { RungeKuttaIntegrator } from './methods.js';
export type { RungeKuttaAdaptiveOptions, RungeKuttaStats, RungeKuttaStepper } from './adaptive.js';
export { solveIvp } from './solve-ivp.js';
export type { EventRecord, EventSpec, IvpSolution, SolveIvpOptions } from './solve-ivp.js';
