export type { ButcherTableau, ControllerDefaults, DenseOutputSpec, EmbeddedEstimate } from './tableau.js';
export { BS3, DOP853, DOPRI5, EULER, HEUN, I_DEFAULTS_5, MIDPOINT, PI_DEFAULTS_5, PI_DEFAULTS_8, RALSTON, RK38, RK4, TSIT5 } from './tableaus.js';
export {
  createBs3,
  createDop853,
  createDopri5,
  createEuler,
  createHeun,
  createMidpoint,
  createRalston,
  createRk38,
  createRk4,
  createRungeKutta,
  createTsit5,
  rungeKuttaMethods,
} from './methods.js';
// Deprecated lowercase names, removed in the next minor.
export { bs3, dop853, dopri5, euler, heun, midpoint, ralston, rk38, rk4, tsit5 } from './methods.js';
export type { RungeKuttaIntegrator } from './methods.js';
export { ORDER_CONDITION_TOLERANCE, checkTableau, orderConditionResiduals } from './order-conditions.js';
export type { OrderConditionResidual } from './order-conditions.js';
export type { RungeKuttaAdaptiveOptions, RungeKuttaStats, RungeKuttaStepper } from './adaptive.js';
export { solveIvp } from './solve-ivp.js';
export type { EventRecord, EventSpec, IvpSolution, SolveIvpOptions } from './solve-ivp.js';
